"""The server base is the security boundary: visibility, rights and the change log hold
for the program and for a user's own psql connection alike (real PostgreSQL)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import func, select

from tests.security.conftest import PASSWORD, Office
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    Contact,
    EmployeeRole,
)
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.clients.operations import set_marked_for_deletion
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.telephony.caller_lookup import CallerLookup

# Row-level security, roles and triggers are a server base's: PostgreSQL only.
pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])


def _visible_ids(base: OpenedBase) -> set[int]:
    search = cs.ClientSearch(base)
    ids: set[int] = set()
    key = None
    while rows := search.page_after(cs.ClientQuery(), key, 50):
        ids |= {r["id"] for r in rows}
        key = rows[-1]["_key"]
    return ids


def test_each_department_sees_only_its_clients_in_program_lookup_and_sql(
        office: Office) -> None:
    a_and_eng = set(office.clients["a"]) | set(office.clients["eng"])  # eng is in dept А
    as_a = office.open_as("a")
    as_b = office.open_as("b")
    try:
        assert _visible_ids(as_a) == a_and_eng
        assert _visible_ids(as_b) == set(office.clients["b"])
        # The caller lookup asks the same gate: «b»'s client's phone is unknown to «a».
        assert not CallerLookup(as_a.engine).lookup(office.hidden_phone).known
        assert CallerLookup(as_b.engine).lookup(office.hidden_phone).known
    finally:
        as_a.close()
        as_b.close()
    with office.psql("a") as conn:
        seen = {r[0] for r in conn.execute("select id from clients")}
        contacts_of = {r[0] for r in conn.execute("select distinct client_id from contacts")}
        phones = conn.execute("select count(*) from phones where digits = %s",
                              (office.hidden_phone,)).fetchone()[0]
    assert seen == a_and_eng
    assert contacts_of <= a_and_eng
    assert phones == 0


def test_own_visibility_and_all_visibility(office: Office) -> None:
    as_op, as_eng = office.open_as("op"), office.open_as("eng")
    try:  # the caller lookup (a server function) follows the same rule as the policies
        assert CallerLookup(as_op.engine).lookup(office.hidden_phone).known
        assert not CallerLookup(as_eng.engine).lookup(office.hidden_phone).known
    finally:
        as_op.close()
        as_eng.close()
    with office.psql("eng") as conn:
        assert {r[0] for r in conn.execute("select id from clients")} == \
            set(office.clients["eng"])
    with office.psql("op") as conn, office.admin_base.engine.connect() as admin:
        total = admin.scalar(select(func.count(Client.id)))
        assert conn.execute("select count(*) from clients").fetchone()[0] == total > 18


def test_a_new_client_stays_visible_to_its_limited_creator(office: Office) -> None:
    with office.psql("a") as conn:
        new_id = conn.execute(
            "insert into clients (status, short_name, full_name, search_name, notes, "
            "marked_for_deletion, created_at, updated_at, version) values "
            "('prospect', 'Новый клиент', '', 'новый клиент', '', false, now(), now(), 1) "
            "returning id").fetchone()[0]
        assert conn.execute("select count(*) from clients where id = %s",
                            (new_id,)).fetchone()[0] == 1
    with office.psql("b") as conn:
        assert conn.execute("select count(*) from clients where id = %s",
                            (new_id,)).fetchone()[0] == 0


def test_delete_without_the_right_is_refused_in_program_and_sql(office: Office) -> None:
    target = office.clients["a"][0]
    as_a = office.open_as("a")
    try:
        profile = access.load_profile(as_a, office.ids["a"])
        assert not profile.allows(Right.CLIENT_DELETE) and profile.allows(Right.CLIENT_EDIT)
        with pytest.raises(access.AccessDenied) as refused:
            access.guarded(lambda: set_marked_for_deletion(as_a, [target], True,
                                                           office.ids["a"]))
        assert "Пометка клиентов на удаление" in refused.value.message
    finally:
        as_a.close()
    with office.psql("a") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Нет права"):
            conn.execute("delete from clients where id = %s", (target,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Нет права"):
            conn.execute("update clients set marked_for_deletion = true where id = %s",
                         (target,))
    with office.admin_base.sessions() as s:
        row = s.get(Client, target)
        assert row is not None and not row.marked_for_deletion
    # Given the right, the same user may.
    access.save_role(office.admin_base, "manager",
                     {*access.load_profile(office.admin_base, office.ids["a"]).rights,
                      Right.CLIENT_DELETE.value}, Visibility.DEPARTMENT)
    with office.psql("a") as conn:
        conn.execute("update clients set marked_for_deletion = true where id = %s",
                     (target,))


def test_change_log_is_written_by_the_database_and_cannot_be_erased(office: Office) -> None:
    target = office.clients["a"][1]
    with office.psql("a") as conn:
        conn.execute("update clients set region = 'Тайга' where id = %s", (target,))
        contact = conn.execute("select id from contacts where client_id = %s limit 1",
                               (target,)).fetchone()
        if contact:
            conn.execute("update contacts set position = 'Главбух (SQL)' where id = %s",
                         (contact[0],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from change_log where client_id = %s", (target,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update change_log set new_value = 'ничего' where client_id = %s",
                         (target,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            # Nor may anyone write lines in a colleague's name.
            conn.execute("insert into change_log (changed_at, employee_id, table_name, "
                         "row_id, client_id, field, old_value, new_value) values "
                         "(now(), %s, 'clients', %s, %s, 'region', null, 'x')",
                         (office.ids["b"], target, target))
    with office.admin_base.sessions() as s:
        region = s.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "clients", ChangeLog.row_id == target,
            ChangeLog.field == "region").order_by(ChangeLog.id.desc())).first()
        assert region is not None
        assert (region.new_value, region.employee_id) == ("Тайга", office.ids["a"])
        if contact:
            position = s.scalars(select(ChangeLog).where(
                ChangeLog.table_name == "contacts", ChangeLog.row_id == contact[0],
                ChangeLog.field == "position")).one()
            assert position.client_id == target and position.new_value == "Главбух (SQL)"
            assert s.get(Contact, contact[0]).position == "Главбух (SQL)"


def test_exports_are_a_right_of_their_own_and_recorded(office: Office) -> None:
    as_a, as_eng = office.open_as("a"), office.open_as("eng")
    try:
        access.record_export(as_a, access.load_profile(as_a, office.ids["a"]),
                             office.ids["a"], "excel", "Список клиентов", 10)
        eng_profile = access.load_profile(as_eng, office.ids["eng"])
        with pytest.raises(access.AccessDenied, match="Выгрузка"):
            access.record_export(as_eng, eng_profile, office.ids["eng"], "excel",
                                 "Список клиентов", 3)
        # Going around the program's check, the database refuses as well.
        with pytest.raises(access.AccessDenied, match="Выгрузка"):
            access.record_export(as_eng, access.FULL_ACCESS, office.ids["eng"], "excel",
                                 "Список клиентов", 3)
    finally:
        as_a.close()
        as_eng.close()
    log = access.export_log(office.admin_base)
    assert [(r.login, r.kind, r.what, r.row_count) for r in log[:1]] == [
        (office.logins["a"], "excel", "Список клиентов", 10)]
    assert all(r.login != office.logins["eng"] for r in log)
    with office.psql("eng") as conn:
        # A user reads only their own lines of the export log.
        assert conn.execute("select count(*) from export_log").fetchone()[0] == 0


def test_role_change_moves_a_login_to_the_new_visibility(office: Office) -> None:
    access.update_account(office.admin_base, office.ids["eng"], role=EmployeeRole.OPERATOR,
                          department_id=None, is_active=True)
    with office.psql("eng") as conn:
        assert len({r[0] for r in conn.execute("select id from clients")}) > \
            len(office.clients["eng"])
    access.update_account(office.admin_base, office.ids["eng"], role=EmployeeRole.OPERATOR,
                          department_id=None, is_active=False)
    with pytest.raises(psycopg.OperationalError):
        office.psql("eng").close()


def test_bad_logins_and_passwords_are_named(office: Office) -> None:
    with pytest.raises(access.AccessError, match="Логин"):
        access.create_account(office.admin_base, login="Иванов", full_name="Иванов И. И.",
                              role=EmployeeRole.MANAGER, department_id=None,
                              password=PASSWORD)
    with pytest.raises(access.AccessError, match="короче"):
        access.create_account(office.admin_base, login=f"x{uuid.uuid4().hex[:6]}",
                              full_name="Иванов И. И.", role=EmployeeRole.MANAGER,
                              department_id=None, password="123")
    with pytest.raises(access.AccessError, match="уже есть"):
        access.create_account(office.admin_base, login=office.logins["a"],
                              full_name="Двойник", role=EmployeeRole.MANAGER,
                              department_id=None, password=PASSWORD)
    # A manager cannot create logins, neither in the program nor around it.
    as_a = office.open_as("a")
    try:
        with pytest.raises(access.AccessDenied):
            access.create_account(as_a, login=f"x{uuid.uuid4().hex[:6]}",
                                  full_name="Самозванец", role=EmployeeRole.ADMIN,
                                  department_id=None, password=PASSWORD)
    finally:
        as_a.close()


def test_users_change_their_own_password(office: Office) -> None:
    as_b = office.open_as("b")
    try:
        access.change_own_password(as_b, "новый-пароль-2")
    finally:
        as_b.close()
    url = office.admin_base.engine.url
    with psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                         user=office.logins["b"], password="новый-пароль-2") as conn:
        assert conn.execute("select current_user").fetchone()[0] == office.logins["b"]


def test_a_bulk_insert_is_logged_one_line_a_row_with_all_values(office: Office) -> None:
    with office.psql("a") as conn:
        ids = [r[0] for r in conn.execute(
            "insert into clients (status, short_name, full_name, search_name, inn, notes, "
            "marked_for_deletion, created_at, updated_at, version) "
            "select 'prospect', 'Загрузка ' || g, '', 'загрузка ' || g, null, '', false, "
            "now(), now(), 1 from generate_series(1, 60) g returning id")]
    with office.admin_base.sessions() as s:
        lines = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "clients",
                                                  ChangeLog.row_id.in_(ids))).all()
    assert len(lines) == 60 and {line.field for line in lines} == {"created"}
    assert all(line.employee_id == office.ids["a"] for line in lines)
    first = min(lines, key=lambda line: line.row_id)
    assert '"short_name": "Загрузка 1"' in first.new_value and "search_name" not in \
        first.new_value


def test_the_client_list_agent_shows_only_the_department(qtbot, office: Office) -> None:
    from vostok_desktop.gui.agents.client_list import ClientListAgent
    from vostok_desktop.gui.agents.contact_list import ContactListAgent
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.settings import Settings

    as_a = office.open_as("a")
    try:
        window = build_main_window(as_a, Settings(), telephony=False)
        qtbot.addWidget(window)
        clients = window.findChild(ClientListAgent)
        contacts = window.findChild(ContactListAgent)
        assert clients.model.wait_for_count() and contacts.model.wait_for_count()
        qtbot.waitUntil(lambda: None not in {clients.model.row_id(n)
                                            for n in range(clients.model.rowCount())})
        shown = {clients.model.row_id(n) for n in range(clients.model.rowCount())}
        assert shown == set(office.clients["a"]) | set(office.clients["eng"])
        with office.admin_base.sessions() as s:
            theirs = set(s.scalars(select(Contact.id).where(Contact.client_id.in_(shown))))
        assert contacts.model.rowCount() == len(theirs)
        window.close()
    finally:
        as_a.close()


def test_the_search_treats_only_limited_logins_as_limited(office: Office) -> None:
    """A superuser is a member of every role, yet RLS does not apply to it: its search
    must take the see-all path (else the RLS benchmark compares two strategies)."""
    as_a, as_op = office.open_as("a"), office.open_as("op")
    try:
        with as_a.engine.connect() as a, as_op.engine.connect() as op, \
                office.admin_base.engine.connect() as owner:
            assert cs._limited_visibility(a)
            assert not cs._limited_visibility(op)
            assert not cs._limited_visibility(owner)
    finally:
        as_a.close()
        as_op.close()
