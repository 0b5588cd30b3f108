"""Attacks an employee makes with their own login from psql (plain psycopg), one class
per group of tests (issue 12). Each asserts the precise refusal and that nothing changed.
"""

from __future__ import annotations

import select
import time

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import PASSWORD, Office

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

NEW_CLIENT = ("insert into clients (status, short_name, full_name, search_name, notes, "
              "marked_for_deletion, created_at, updated_at, version{extra}) values "
              "('prospect', 'Взлом', '', 'взлом', '', false, now(), now(), 1{values}) "
              "returning id, created_by_id")


def _count(conn: psycopg.Connection, sql: str, *args: object) -> int:
    return conn.execute(sql, args).fetchone()[0]


def _insert_contact(conn: psycopg.Connection, client_id: int, last_name: str) -> int:
    return conn.execute(
        "insert into contacts (client_id, last_name, first_name, middle_name, search_name, "
        "position, interests, competitor_attitude, notes, stop_list, marked_for_deletion, "
        "created_at, updated_at, version) values (%s, %s, '', '', lower(%s), '', '', '', '', "
        "false, false, now(), now(), 1) returning id",
        (client_id, last_name, last_name)).fetchone()[0]


def _visible(office: Office, name: str) -> set[int]:
    with office.psql(name) as conn:
        return {r[0] for r in conn.execute("select id from clients")}


# -- 1. pg_temp shadowing inside SECURITY DEFINER functions ---------------------------------


def test_every_definer_function_resolves_pg_temp_last(office: Office) -> None:
    with office.superuser() as conn:
        rows = conn.execute(
            "select p.oid::regprocedure::text, p.proconfig from pg_proc p "
            "join pg_namespace n on n.oid = p.pronamespace "
            "where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')"
        ).fetchall()
    assert len(rows) > 15  # the checked functions of 0007–0009 are there to check
    unsafe = []
    for name, config in rows:
        paths = [c.split("=", 1)[1] for c in config or [] if c.startswith("search_path=")]
        parts = [p.strip() for p in paths[0].split(",")] if paths else []
        if not parts or parts[0] != "pg_catalog" or parts[-1] != "pg_temp":
            unsafe.append((name, config))
    assert unsafe == []


def test_a_temp_employees_table_gives_no_visibility_and_no_rights(office: Office) -> None:
    before = _visible(office, "a")
    hidden = office.clients["b"][0]
    with office.psql("a") as conn:
        conn.execute("create temp table employees as select * from public.employees")
        conn.execute("update pg_temp.employees set role = 'admin', department_id = null")
        conn.execute("create temp table role_rights as select * from public.role_rights")
        conn.execute("insert into pg_temp.role_rights select 'manager', r from "
                     "unnest(array['client.delete', 'users.admin']) r")
        conn.execute("create temp table access_roles as select * from public.access_roles")
        conn.execute("update pg_temp.access_roles set visibility = 'all'")
        assert {r[0] for r in conn.execute("select id from public.clients")} == before
        assert hidden not in before
        assert not conn.execute("select vostok_has_right('users.admin')").fetchone()[0]
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("delete from public.clients where id = %s", (min(before),))
    with office.superuser() as su:
        assert _count(su, "select count(*) from clients where id = %s", min(before)) == 1
        assert _count(su, "select count(*) from role_rights where role = 'manager' "
                          "and right_code = 'users.admin'") == 0


def test_a_temp_change_log_does_not_swallow_the_trace(office: Office) -> None:
    target = office.clients["a"][0]
    with office.psql("a") as conn:
        conn.execute("create temp table change_log (like public.change_log including all)")
        conn.execute("update public.clients set region = 'Без следа' where id = %s", (target,))
    with office.superuser() as su:
        line = su.execute("select employee_id from change_log where table_name = 'clients' "
                          "and row_id = %s and field = 'region' and new_value = 'Без следа'",
                          (target,)).fetchone()
    assert line == (office.ids["a"],)


def test_a_temp_pg_roles_view_does_not_unlock_a_superuser(office: Office) -> None:
    boss = office.logins["a"].rsplit("_", 1)[0] + "_boss"
    with office.superuser() as su:  # a superuser with an employee row, as a trap would
        su.execute(f"create role \"{boss}\" login superuser password '{PASSWORD}'")
        su.execute("insert into employees (full_name, login, role, is_active) "
                   "values ('Владелец', %s, 'admin', true)", (boss,))
    try:
        with office.psql("adm") as conn:
            conn.execute("create temp view pg_roles as select * from pg_catalog.pg_roles "
                         "where false")
            with pytest.raises(pgerr.InsufficientPrivilege, match="не обычный вход"):
                conn.execute("select vostok_set_login_password(%s, 'взломан-1')", (boss,))
            with pytest.raises(pgerr.InvalidParameterValue, match="Недопустимый логин"):
                conn.execute("select vostok_set_login_password(%s, 'взломан-1')",
                             (office.admin_base.engine.url.username,))
        url = office.admin_base.engine.url
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=boss,
                             password=PASSWORD) as still:  # the password is what it was
            assert still.execute("select session_user").fetchone()[0] == boss
    finally:
        with office.superuser() as su:
            su.execute("delete from employees where login = %s", (boss,))
            su.execute(f'drop role "{boss}"')


# -- 2. CREATEROLE and the operating system -------------------------------------------------


def test_no_employee_login_can_create_roles_or_reach_the_server_os(office: Office) -> None:
    with office.superuser() as su:
        creators = [r[0] for r in su.execute(
            "select rolname from pg_roles where rolcreaterole and not rolsuper")]
    assert creators == ["vostok_login_admin"]
    adm_login = office.logins["adm"]
    with office.psql("adm") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("create role evil_admin login superuser")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute(f'grant pg_execute_server_program to "{adm_login}"')
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("copy (select 1) to program 'id'")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("set role vostok_login_admin")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("alter role current_user createrole")
    with office.superuser() as su:
        assert _count(su, "select count(*) from pg_roles where rolname = 'evil_admin'") == 0
        assert not su.execute("select pg_has_role(%s, 'pg_execute_server_program', "
                              "'MEMBER')", (adm_login,)).fetchone()[0]


def test_the_login_functions_check_the_right_the_name_and_the_target(office: Office) -> None:
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("select vostok_create_login('evil_a', 'пароль-злодея')")
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("select vostok_set_login_password(%s, 'пароль-злодея')",
                         (office.logins["b"],))
    for name in ("tm", "head", "eng"):  # only «Пользователи и права» makes logins
        with office.psql(name) as conn, pytest.raises(pgerr.InsufficientPrivilege,
                                                      match="Нет права"):
            conn.execute("select vostok_sync_login(%s)", (office.logins["a"],))
    with office.psql("adm") as conn:
        for bad in ("pg_evil", "vostok_admin", "Evil", "a;drop", ""):
            with pytest.raises(pgerr.InvalidParameterValue, match="Недопустимый логин"):
                conn.execute("select vostok_create_login(%s, 'пароль-1')", (bad,))
        with pytest.raises(pgerr.InvalidParameterValue, match="Нет сотрудника"):
            conn.execute("select vostok_create_login('nobody_here', 'пароль-1')")
        with pytest.raises(pgerr.InvalidParameterValue, match="Нет сотрудника"):
            conn.execute("select vostok_set_login_password('nobody_there', 'пароль-1')")
    with office.superuser() as su:
        assert _count(su, "select count(*) from pg_roles where rolname in "
                          "('evil_a', 'pg_evil', 'nobody_here')") == 0
    office.psql("b").close()  # «b»'s password still works


def test_a_login_made_before_0009_loses_createrole_on_upgrade(office: Office) -> None:
    # What 0007's administrator logins were; the upgrade strips it (re-run here).
    from alembic import command

    from vostok_desktop.db import alembic_config

    with office.superuser() as su:
        su.execute(f'alter role "{office.logins["adm"]}" createrole')
    config = alembic_config()
    with office.admin_base.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        command.upgrade(config, "head")
    with office.superuser() as su:
        assert not su.execute("select rolcreaterole from pg_roles where rolname = %s",
                              (office.logins["adm"],)).fetchone()[0]


# -- 3. writes that RLS does not check --------------------------------------------------------


def test_nothing_can_be_added_to_a_client_one_cannot_see(office: Office) -> None:
    hidden = office.clients["b"][0]
    with office.superuser() as su:
        direction = su.execute("select min(id) from directions").fetchone()[0]
        before = su.execute("select (select count(*) from phones where client_id = %s), "
                            "(select count(*) from contacts where client_id = %s), "
                            "(select count(*) from responsibilities where client_id = %s)",
                            (hidden, hidden, hidden)).fetchone()
        missing = su.execute("select max(id) + 1000 from clients").fetchone()[0]
    with office.psql("a") as conn:
        messages = []
        for client in (hidden, missing):  # an invisible and a missing client: one answer
            with pytest.raises(pgerr.InsufficientPrivilege) as refused:
                conn.execute("insert into phones (client_id, raw, digits, extension, kind) "
                             "values (%s, '+7 999 000-00-00', '79990000000', '', 'work')",
                             (client,))
            messages.append(str(refused.value).split("\n")[0])
        assert messages[0] == messages[1]
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into responsibilities (client_id, direction_id, employee_id) "
                         "values (%s, %s, %s)", (hidden, direction, office.ids["a"]))
        with pytest.raises(pgerr.InsufficientPrivilege):
            _insert_contact(conn, hidden, "Шпион")
        own_phone = conn.execute("select id from phones where client_id = any(%s) limit 1",
                                 (office.clients["a"],)).fetchone()
        if own_phone:  # nor moved over to it
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute("update phones set client_id = %s where id = %s",
                             (hidden, own_phone[0]))
    with office.superuser() as su:
        assert su.execute("select (select count(*) from phones where client_id = %s), "
                          "(select count(*) from contacts where client_id = %s), "
                          "(select count(*) from responsibilities where client_id = %s)",
                          (hidden, hidden, hidden)).fetchone() == before


def test_shared_reference_tables_need_their_rights(office: Office) -> None:
    with office.superuser() as su:
        su.execute("insert into custom_fields (entity, name, value_type, position) "
                   "values ('client', 'Хобби', 'text', 0)")
        su.execute("insert into client_groups (name) values ('VIP')")
        counts = su.execute("select (select count(*) from custom_fields), "
                            "(select count(*) from client_groups)").fetchone()
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("delete from custom_fields")
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("update custom_fields set name = 'испорчено'")
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права"):
            conn.execute("delete from client_groups")
    with office.superuser() as su:
        assert su.execute("select (select count(*) from custom_fields), "
                          "(select count(*) from client_groups)").fetchone() == counts
        assert _count(su, "select count(*) from custom_fields where name = 'испорчено'") == 0


def test_calls_and_login_marks_are_their_employees_own(office: Office) -> None:
    with office.superuser() as su:
        su.execute("insert into login_marks (employee_id, last_login_at) values (%s, now())",
                   (office.ids["b"],))
    with office.psql("a") as conn:
        assert _count(conn, "select count(*) from login_marks where employee_id = %s",
                      office.ids["b"]) == 0
        assert conn.execute("update login_marks set last_login_at = now() - interval '1 year' "
                            "where employee_id = %s", (office.ids["b"],)).rowcount == 0
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into calls (provider, provider_call_id, direction, "
                         "number_raw, number_digits, caller_name, extension, started_at, "
                         "employee_id, answered, missed) values ('x', 'forged-1', 'in', "
                         "'', '', '', '', now(), %s, false, false)",
                         (office.ids["b"],))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("delete from calls")
    with office.superuser() as su:
        assert _count(su, "select count(*) from calls where provider_call_id = 'forged-1'") == 0
        assert _count(su, "select count(*) from login_marks where employee_id = %s and "
                          "last_login_at < now() - interval '1 day'", office.ids["b"]) == 0


def test_who_did_it_is_set_by_the_server(office: Office) -> None:
    with office.psql("a") as conn:
        new_id, creator = conn.execute(NEW_CLIENT.format(
            extra=", created_by_id, updated_by_id", values=f", {office.ids['b']}, "
                                                          f"{office.ids['b']}")).fetchone()
        assert creator == office.ids["a"]
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("update clients set created_by_id = %s where id = %s",
                         (office.ids["b"], new_id))
        # Telling the triggers «I am someone else» is for privileged connections only.
        conn.execute("select set_config('vostok.employee_id', %s, false)",
                     (str(office.ids["b"]),))
        conn.execute("update clients set region = 'Чужими руками' where id = %s", (new_id,))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into export_log (employee_id, kind, what, row_count) "
                         "values (%s, 'excel', 'Подлог', 1)", (office.ids["b"],))
    with office.superuser() as su:
        assert su.execute("select created_by_id, updated_by_id from clients where id = %s",
                          (new_id,)).fetchone() == (office.ids["a"], office.ids["a"])
        assert su.execute("select employee_id from change_log where row_id = %s and "
                          "table_name = 'clients' and field = 'region'",
                          (new_id,)).fetchone() == (office.ids["a"],)
        assert _count(su, "select count(*) from export_log where what = 'Подлог'") == 0


def test_the_logs_take_no_junk_and_no_lines_about_invisible_clients(office: Office) -> None:
    hidden = office.clients["b"][0]
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InvalidParameterValue, match="Неизвестный вид"):
            conn.execute("select vostok_record_export('shred', 'Список', 1)")
        with pytest.raises(pgerr.InvalidParameterValue, match="не меньше нуля"):
            conn.execute("select vostok_record_export('excel', 'Список', -5)")
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет доступа к клиенту"):
            conn.execute("select vostok_log_event('clients', %s, %s, 'region', 'a', 'b')",
                         (hidden, hidden))
        with pytest.raises(pgerr.InvalidParameterValue, match="должна называть клиента"):
            conn.execute("select vostok_log_event('phones', 1, null, 'digits', 'a', 'b')")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("select vostok_move_client_history(%s, %s)",
                         (hidden, office.clients["a"][0]))
        # A line of one's own is written with the server's clock, not a chosen one.
        conn.execute("select vostok_log_event('clients', %s, %s, 'note', null, 'своё')",
                     (office.clients["a"][0], office.clients["a"][0]))
    with office.superuser() as su:
        assert _count(su, "select count(*) from export_log where row_count < 0 "
                          "or kind not in ('excel', 'print')") == 0
        assert su.execute("select employee_id, changed_at > now() - interval '1 minute' "
                          "from change_log where new_value = 'своё'").fetchone() == \
            (office.ids["a"], True)
        assert _count(su, "select count(*) from change_log where client_id = %s",
                      hidden) > 0  # not moved away


# -- 4. side channels ---------------------------------------------------------------------------


def _notices(conn: psycopg.Connection, seconds: float = 1.5) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        select.select([conn.fileno()], [], [], 0.2)
        got += [n.payload for n in conn.notifies(timeout=0.01, stop_after=50)]
    return got


def test_change_notices_tell_a_limited_login_only_about_its_clients(office: Office) -> None:
    mine, hidden = office.clients["a"][0], office.clients["b"][0]
    with office.psql("a") as conn:
        own = conn.execute("select vostok_listen_channel()").fetchone()[0]
        assert own and own != "vostok_changes"
        conn.execute(f'listen "{own}"')
        conn.execute("listen vostok_changes")  # the old shared channel is silent now
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("select * from vostok_channel_key")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("select vostok_channel(%s)", (office.ids["b"],))
        with office.superuser() as su:
            su.execute("update clients set region = 'Секрет' where id = %s", (hidden,))
            su.execute("update clients set region = 'Своё' where id = %s", (mine,))
        payloads = _notices(conn)
    assert payloads and all(str(hidden) not in p.replace(str(mine), "") for p in payloads)
    assert any(str(mine) in p for p in payloads)


def test_an_own_clients_login_sees_only_its_own(office: Office) -> None:
    for name in ("tm", "eng"):
        assert _visible(office, name) == set(office.clients[name])


def test_the_log_of_a_deleted_contacts_phones_stays_with_its_client(office: Office) -> None:
    hidden = office.clients["b"][0]
    with office.superuser() as su:
        contact = su.execute("select id from contacts where client_id = %s limit 1",
                             (hidden,)).fetchone()
        if contact is None:
            contact = (_insert_contact(su, hidden, "Тайнов"),)
        phone = su.execute("insert into phones (contact_id, raw, digits, extension, kind) "
                           "values (%s, '+7 900 555-44-33', '79005554433', '', 'work') "
                           "returning id", contact).fetchone()[0]
        su.execute("delete from phones where id = %s", (phone,))
        su.execute("delete from contacts where id = %s", contact)
        assert _count(su, "select count(*) from change_log where table_name = 'phones' "
                          "and row_id = %s", phone) > 0
    with office.psql("a") as conn:
        assert _count(conn, "select count(*) from change_log where table_name = 'phones' "
                            "and row_id = %s", phone) == 0
        assert _count(conn, "select count(*) from change_log where new_value = "
                            "'79005554433' or old_value = '79005554433'") == 0
    with office.psql("b") as conn:  # the client's own people still have its history
        assert _count(conn, "select count(*) from change_log where table_name = 'phones' "
                            "and row_id = %s", phone) > 0


def test_helpers_and_maintenance_answer_only_whom_they_should(office: Office) -> None:
    hidden = office.clients["b"][0]
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("select vostok_client_owners(%s)", (hidden,))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("select vostok_refresh_all_owners()")
        assert not conn.execute("select vostok_client_visible(%s)", (hidden,)).fetchone()[0]
    with office.psql("adm") as conn:
        assert conn.execute("select vostok_refresh_all_owners()").fetchone()[0] == 0


def test_the_server_itself_is_closed_to_an_employee(office: Office) -> None:
    with office.psql("a") as conn:
        for statement in ("create table public.stash (i int)", "create schema stash",
                          "alter table clients disable row level security",
                          "alter table clients owner to current_user",
                          "select pg_read_file('/etc/passwd')",
                          "select lo_from_bytea(0, 'x')",
                          f'set session authorization "{office.logins["op"]}"',
                          f'set role "{office.logins["op"]}"'):
            with pytest.raises((pgerr.InsufficientPrivilege, pgerr.UndefinedFunction)):
                conn.execute(statement)
                pytest.fail(f"not refused: {statement}")
        with pytest.raises(psycopg.Error):
            conn.execute("create extension dblink")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("load '/tmp/evil.so'")
        with office.psql("op") as colleague:  # a colleague's statements stay theirs
            colleague.execute("select 'тайный запрос'")
            shown = conn.execute("select query from pg_stat_activity where usename = %s",
                                 (office.logins["op"],)).fetchall()
        assert shown and all("тайный" not in (q or "") for (q,) in shown)
    with office.superuser() as su:
        assert _count(su, "select count(*) from pg_class where relname = 'stash'") == 0
        assert su.execute("select relrowsecurity from pg_class where oid = "
                          "'clients'::regclass").fetchone() == (True,)


def test_password_changes_do_not_send_the_password_in_clear(office: Office) -> None:
    from vostok_desktop.services.access import rights as access

    as_b = office.open_as("b")
    try:
        with as_b.engine.connect() as conn:
            verifier = access._password_verifier(conn, office.logins["b"], PASSWORD)
        assert verifier.startswith("SCRAM-SHA-256$") and PASSWORD not in verifier
    finally:
        as_b.close()
