"""Installations on the server base (migration 0012), attacked as the office's employees
would: with their own logins from psql and from the program. An installation is visible
exactly where its client is; planning, changing and completing need «Движение
дистрибутивов»; the server names who planned it; a line names only a distributive its
author sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from tests.security.test_psql_attacks import _notices
from vostok_desktop.domain import SystemKind
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.distributives import catalogue, movements, warehouse
from vostok_desktop.services.distributives import installations as ins
from vostok_desktop.services.distributives.common import MovementRefused

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

DUE = date.today() + timedelta(days=7)
NEW_ASSIGNMENT = (
    "insert into assignments (client_id, executor_id, text, importance, state, created_at, "
    "result) values (%s, %s, 'Установка', 'normal', 'new', now(), '') returning id")
NEW_INSTALLATION = (
    "insert into installations (assignment_id, client_id, due_on, state, documents, "
    "extra_works, note, created_at, updated_at, version{extra}) values (%s, %s, %s, "
    "'planned', '', '', '', now(), now(), 1{values}) returning id, created_by_id")
NEW_LINE = ("insert into installation_lines (installation_id, client_id, distributive_id) "
            "values (%s, %s, %s) returning id")


@dataclass
class Plan:
    free: int  # in stock
    spare: int  # in stock, not in any installation
    theirs: int  # served at «b»'s client
    reserved_b: int  # reserved for «b»'s client
    client_a: int
    client_b: int
    mine: int  # a planned installation at «a»'s client
    hidden: int  # a planned installation at «b»'s client


def _plan(office: Office) -> Plan:
    base, adm = office.admin_base, office.ids["adm"]
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    system = catalogue.create_system(base, catalogue.SystemData(
        "КП-ПРОФ", "КонсультантПлюс: Версия Проф", SystemKind.LOCAL), adm)
    free, spare, theirs, reserved_b, for_b = warehouse.receive(base, [
        warehouse.ReceiptLine(n, system)
        for n in ("610001", "610002", "610003", "610004", "610005")], date(2024, 1, 10), adm)
    day = date(2024, 2, 1)
    movements.connect(base, theirs, client_b, day, adm)
    warehouse.reserve(base, reserved_b, day, adm, client_id=client_b)
    mine = ins.plan_installation(base, ins.InstallationDraft(
        client_a, office.ids["eng"], DUE, [free], documents=["Акт"]), adm)
    hidden = ins.plan_installation(base, ins.InstallationDraft(
        client_b, office.ids["eng"], DUE, [for_b], extra_works=["Секретная работа"]), adm)
    return Plan(free, spare, theirs, reserved_b, client_a, client_b, mine, hidden)


def _ids(conn: psycopg.Connection, sql: str, *args: object) -> set[int]:
    return {r[0] for r in conn.execute(sql, args)}


def _state(office: Office) -> tuple:
    with office.superuser() as su:
        return su.execute(
            "select (select string_agg(id || ':' || state || ':' || client_id || ':' || "
            "version, ',' order by id) from installations), "
            "(select string_agg(installation_id || ':' || distributive_id || ':' || "
            "coalesce(movement_id, 0), ',' order by id) from installation_lines), "
            "(select count(*) from distributive_movements), "
            "(select string_agg(id || ':' || status, ',' order by id) from distributives)"
        ).fetchone()


def test_new_tables_have_policies_and_privileges_like_0010(office: Office) -> None:
    with office.superuser() as su:
        rows = su.execute(
            "select c.relname, c.relrowsecurity, pg_get_expr(p.polqual, p.polrelid), "
            "pg_get_expr(p.polwithcheck, p.polrelid) from pg_class c join pg_policy p "
            "on p.polrelid = c.oid and p.polname = 'vostok_see_limited' "
            "where c.relname in ('installations', 'installation_lines')").fetchall()
        assert {r[0] for r in rows} == {"installations", "installation_lines"}
        for table, secured, using, check in rows:
            assert secured and using == check, table
        grants = {r[0] for r in su.execute(
            "select privilege_type from information_schema.role_table_grants "
            "where grantee = 'vostok_user' and table_name = 'installations'")}
        assert grants == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_installations_are_visible_exactly_where_their_client_is(office: Office) -> None:
    p = _plan(office)
    with office.psql("a") as conn:
        assert _ids(conn, "select id from installations") == {p.mine}
        assert _ids(conn, "select distributive_id from installation_lines") == {p.free}
        assert conn.execute("select count(*) from change_log where table_name like "
                            "'installation%%' and client_id = %s",
                            (p.client_b,)).fetchone() == (0,)
        assert conn.execute("select count(*) from change_log where table_name = "
                            "'installations' and client_id = %s",
                            (p.client_a,)).fetchone()[0] > 0
    with office.psql("b") as conn:
        assert _ids(conn, "select id from installations") == {p.hidden}
    with office.psql("op") as conn:  # sees every client
        assert {p.mine, p.hidden} <= _ids(conn, "select id from installations")
    as_a = office.open_as("a")
    try:
        assert [r.id for r in ins.deadline_control(as_a)] == [p.mine]
        with pytest.raises(MovementRefused, match="Установка не найдена"):
            ins.installation_card(as_a, p.hidden)
    finally:
        as_a.close()


def test_a_limited_manager_cannot_plan_or_complete_at_a_hidden_client(office: Office) -> None:
    p = _plan(office)
    a = office.ids["a"]
    before = _state(office)
    with office.psql("a") as conn:
        # A hidden client's installation is not there to complete or cancel.
        assert conn.execute("update installations set state = 'done', done_on = "
                            "current_date where id = %s", (p.hidden,)).rowcount == 0
        assert conn.execute("delete from installations where id = %s",
                            (p.hidden,)).rowcount == 0
        # Nor may one be planned there, on a fresh or on the hidden installation's assignment.
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute(NEW_ASSIGNMENT, (p.client_b, a))
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_INSTALLATION.format(extra="", values=""),
                         (_hidden_assignment(office, p), p.client_b, DUE))
    with office.psql("a") as conn:
        # A visible client's installation hung on the hidden client's assignment.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_INSTALLATION.format(extra="", values=""),
                         (_hidden_assignment(office, p), p.client_a, DUE))
    as_a = office.open_as("a")
    try:
        with pytest.raises(MovementRefused, match="Клиент не найден"):
            ins.plan_installation(as_a, ins.InstallationDraft(
                p.client_b, office.ids["eng"], DUE, [p.spare]), a)
        with pytest.raises(MovementRefused, match="Установка не найдена"):
            ins.complete_installation(as_a, p.hidden, date.today(), a)
        with pytest.raises(MovementRefused, match="Установка не найдена"):
            ins.cancel_installation(as_a, p.hidden, a)
    finally:
        as_a.close()
    assert _state(office) == before


def _hidden_assignment(office: Office, p: Plan) -> int:
    with office.superuser() as su:
        return su.execute("select assignment_id from installations where id = %s",
                          (p.hidden,)).fetchone()[0]


def test_an_invisible_distributive_cannot_join_a_visible_installation(office: Office) -> None:
    p = _plan(office)
    before = _state(office)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_LINE, (p.mine, p.client_a, p.theirs))
    with office.psql("a") as conn:
        # Nor by re-pointing an existing line.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute("update installation_lines set distributive_id = %s "
                         "where installation_id = %s", (p.theirs, p.mine))
    with office.psql("a") as conn:
        # A line filed under «b»'s client to reach «b»'s installation.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_LINE, (p.hidden, p.client_b, p.spare))
    as_a = office.open_as("a")
    try:
        draft = ins.InstallationDraft(p.client_a, office.ids["eng"], DUE, [p.free, p.theirs])
        with pytest.raises(MovementRefused, match="Дистрибутив не найден"):
            ins.update_installation(as_a, p.mine, draft, office.ids["a"])
        # Reserved for «b»'s client: visible (the warehouse's), still not «a»'s to install.
        draft.distributive_ids = [p.free, p.reserved_b]
        with pytest.raises(MovementRefused, match="№ 610004 зарезервирован за другим "
                                                  "клиентом: установить его этому"):
            ins.update_installation(as_a, p.mine, draft, office.ids["a"])
    finally:
        as_a.close()
    assert _state(office) == before


def test_who_planned_it_is_the_servers(office: Office) -> None:
    p = _plan(office)
    a, b = office.ids["a"], office.ids["b"]
    with office.psql("a") as conn:
        assignment = conn.execute(NEW_ASSIGNMENT, (p.client_a, office.ids["eng"])).fetchone()[0]
        inst, creator = conn.execute(NEW_INSTALLATION.format(
            extra=", created_by_id, updated_by_id", values=f", {b}, {b}"),
            (assignment, p.client_a, DUE)).fetchone()
        assert creator == a
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update installations set created_by_id = %s where id = %s",
                         (b, inst))
    with office.psql("a") as conn:
        conn.execute("update installations set note = 'без подписи', updated_by_id = %s "
                     "where id = %s", (b, p.mine))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("truncate installations")
    with office.superuser() as su:
        assert su.execute("select created_by_id, updated_by_id from installations "
                          "where id = %s", (p.mine,)).fetchone() == (office.ids["adm"], a)
        assert su.execute("select employee_id from change_log where table_name = "
                          "'installations' and row_id = %s and field = 'note'",
                          (p.mine,)).fetchone() == (a,)


def test_a_login_without_the_right_is_refused(office: Office) -> None:
    p = _plan(office)
    before = _state(office)
    for name in ("op", "tm"):  # neither has «Движение дистрибутивов»
        with office.psql(name) as conn:
            for statement, args in (
                    ("update installations set due_on = due_on + 1 where id = %s", (p.mine,)),
                    ("delete from installation_lines where installation_id = %s", (p.mine,)),
                    (NEW_LINE, (p.mine, p.client_a, p.spare))):
                with pytest.raises(pgerr.InsufficientPrivilege,
                                   match="Нет права «Движение дистрибутивов»"):
                    conn.execute(statement, args)
                    pytest.fail(f"{name}: {statement}")
    as_op = office.open_as("op")
    try:
        profile = access.load_profile(as_op, office.ids["op"])
        with pytest.raises(access.AccessDenied, match="«Движение дистрибутивов»"):
            ins.complete_installation(as_op, p.mine, date.today(), office.ids["op"],
                                      profile=profile)
        # The program's own check skipped: the server refuses all the same.
        with pytest.raises(access.AccessDenied, match="«Движение дистрибутивов»"):
            ins.complete_installation(as_op, p.mine, date.today(), office.ids["op"],
                                      profile=access.FULL_ACCESS)
        with pytest.raises(access.AccessDenied, match="«Движение дистрибутивов»"):
            ins.plan_installation(as_op, ins.InstallationDraft(
                p.client_a, office.ids["eng"], DUE, [p.spare]), office.ids["op"],
                profile=access.FULL_ACCESS)
    finally:
        as_op.close()
    assert _state(office) == before


def test_a_manager_completes_an_own_installation_under_their_own_name(office: Office) -> None:
    p = _plan(office)
    as_a = office.open_as("a")
    try:
        profile = access.load_profile(as_a, office.ids["a"])
        # Planning at an own client: the assignment of the installations' kind (made by
        # the administrator's first planning), the author the login's, whoever is named.
        own = ins.plan_installation(as_a, ins.InstallationDraft(
            p.client_a, office.ids["eng"], DUE, [p.spare]), office.ids["b"], profile=profile)
        # The program names «b» as the actor: the server writes «a», who is logged in.
        [done] = ins.complete_installation(as_a, p.mine, date.today(), office.ids["b"],
                                           profile=profile)
    finally:
        as_a.close()
    with office.superuser() as su:
        assert su.execute(
            "select i.created_by_id, k.name, a.executor_id from installations i join "
            "assignments a on a.id = i.assignment_id join assignment_kinds k on "
            "k.id = a.kind_id where i.id = %s", (own,)).fetchone() == \
            (office.ids["a"], "Установка дистрибутивов", office.ids["eng"])
    with office.superuser() as su:
        assert su.execute("select status::text, client_id, engineer_id from distributives "
                          "where id = %s", (p.free,)).fetchone() == \
            ("served", p.client_a, office.ids["eng"])
        assert su.execute("select employee_id from distributive_movements where id = %s",
                          (done.movement_id,)).fetchone() == (office.ids["a"],)
        assert su.execute("select i.state::text, i.updated_by_id, a.state::text, l.movement_id "
                          "from installations i join assignments a on a.id = i.assignment_id "
                          "join installation_lines l on l.installation_id = i.id "
                          "where i.id = %s", (p.mine,)).fetchone() == \
            ("done", office.ids["a"], "done", done.movement_id)


def test_change_notices_of_installations_reach_only_those_who_see_the_client(
        office: Office) -> None:
    p = _plan(office)
    with office.psql("a") as conn:
        conn.execute(f'listen "{conn.execute("select vostok_listen_channel()").fetchone()[0]}"')
        with office.superuser() as su:
            su.execute("update installations set note = 'секрет' where id = %s", (p.hidden,))
            su.execute("update installations set note = 'своё' where id = %s", (p.mine,))
        notices = [json.loads(x) for x in _notices(conn)]
    ours = [n for n in notices if n["table"] == "installations"]
    assert ours and all(n["clients"] == [p.client_a] and n["ids"] == [p.mine] for n in ours)
