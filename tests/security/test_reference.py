"""«Справочники» and saved list settings on the server base (migration 0011), attacked as
the office's employees would: with their own logins from psql and from the program.

Reference lists need the right «Справочники»; what rows use is not deleted, even by
whoever has the right; a private filter is its owner's alone; a shared one is changed by
its owner or with the right; nobody writes in another's name or hands a row over."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.lists.filters import Condition, FilterGroup, Operator
from vostok_desktop.services.reference import departments as dep
from vostok_desktop.services.reference import list_settings as ls
from vostok_desktop.services.reference.common import Editor, InUseError

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

SERVED = FilterGroup((Condition("status", Operator.EQ, "served"),))
NEW_SETTING = ("insert into saved_list_settings (owner_id, is_shared, list_kind, kind, title, "
               "body, updated_at) values (%s, %s, 'clients', 'filter', %s, '{}', now()) "
               "returning id")


def _count(office: Office, sql: str, *args: object) -> int:
    with office.superuser() as su:
        return su.execute(sql, args).fetchone()[0]


def test_a_manager_cannot_edit_reference_data_from_psql_or_the_program(office: Office) -> None:
    before = _count(office, "select count(*) from departments")
    with office.psql("a") as conn:
        for sql in ("insert into departments (name) values ('Тайный отдел')",
                    "update directions set name = 'x'",
                    "insert into client_groups (name) values ('Группа')",
                    "update custom_fields set name = name",
                    "delete from department_heads",
                    "insert into custom_field_rules (field_id, is_required) "
                    "select id, true from custom_fields limit 1"):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Справочники»"):
                conn.execute(sql)
    base = office.open_as("a")
    try:
        editor = Editor(office.ids["a"], access.load_profile(base, office.ids["a"]))
        with pytest.raises(AccessDenied, match="Справочники"):
            with base.sessions.begin() as s:
                dep.save_department(s, editor, name="Тайный отдел")
        # the program's check removed: the database still refuses
        with pytest.raises(AccessDenied, match="Справочники"):
            with base.sessions.begin() as s:
                dep.save_department(s, Editor(office.ids["a"]), name="Тайный отдел")
    finally:
        base.close()
    assert _count(office, "select count(*) from departments") == before


def test_the_head_edits_reference_data_and_the_database_logs_it(office: Office) -> None:
    base = office.open_as("head")
    try:
        editor = Editor(office.ids["head"], access.load_profile(base, office.ids["head"]))
        with base.sessions.begin() as s:
            new = dep.save_department(s, editor, name="Отдел внедрения",
                                      head_id=office.ids["head"])
    finally:
        base.close()
    with office.superuser() as su:
        who = su.execute("select distinct employee_id from change_log where "
                         "table_name = 'departments' and row_id = %s", (new,)).fetchall()
    assert who == [(office.ids["head"],)]


def test_what_is_used_is_not_deleted_even_with_the_right(office: Office) -> None:
    with office.superuser() as su:
        field, values = su.execute(
            "select field_id, count(*) from custom_values group by field_id "
            "order by 2 desc limit 1").fetchone()
        department = su.execute("select department_id from employees where login = %s",
                                (office.logins["a"],)).fetchone()[0]
    with office.psql("adm") as conn:
        with pytest.raises(pgerr.ForeignKeyViolation,
                           match=f"заполненных значений: {values}"):
            conn.execute("delete from custom_fields where id = %s", (field,))
        with pytest.raises(pgerr.ForeignKeyViolation, match="сотрудников: 2"):
            conn.execute("delete from departments where id = %s", (department,))
    # a limited login sees few clients, but the refusal counts them all
    base = office.open_as("head")
    try:
        editor = Editor(office.ids["head"], access.load_profile(base, office.ids["head"]))
        with pytest.raises(InUseError, match="сотрудник"):
            with base.sessions.begin() as s:
                dep.delete_department(s, editor, department)
    finally:
        base.close()
    assert _count(office, "select count(*) from custom_values where field_id = %s",
                  field) == values


def test_a_private_filter_is_its_owners_alone(office: Office) -> None:
    a, b = office.ids["a"], office.ids["b"]
    with office.psql("a") as conn:
        mine = conn.execute(NEW_SETTING, (a, False, "Мой секрет")).fetchone()[0]
        # the owner cannot be forged, neither on a new row nor by handing one over
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_SETTING, (b, False, "Подброшенный"))
        with pytest.raises(pgerr.InsufficientPrivilege, match="Владельца"):
            conn.execute("update saved_list_settings set owner_id = %s where id = %s",
                         (b, mine))
    with office.psql("b") as conn:
        assert conn.execute("select count(*) from saved_list_settings where id = %s",
                            (mine,)).fetchone()[0] == 0
        assert conn.execute("update saved_list_settings set body = 'x' where id = %s",
                            (mine,)).rowcount == 0
        assert conn.execute("delete from saved_list_settings where id = %s",
                            (mine,)).rowcount == 0
    with office.psql("head") as conn:  # the right does not open private rows either
        assert conn.execute("update saved_list_settings set body = 'x' where id = %s",
                            (mine,)).rowcount == 0
    assert _count(office, "select count(*) from saved_list_settings where id = %s "
                          "and body = '{}' and owner_id = %s", mine, a) == 1
    assert _count(office, "select count(*) from change_log where table_name = "
                          "'saved_list_settings' and row_id = %s", mine) == 0


def test_a_shared_filter_is_changed_by_its_owner_or_with_the_right(office: Office) -> None:
    base_a = office.open_as("a")
    try:
        with base_a.sessions.begin() as s:
            ls.save_shared_filter(s, Editor(office.ids["a"]), "clients", "Обслуживаемые",
                                  SERVED)
    finally:
        base_a.close()
    with office.superuser() as su:
        shared = su.execute("select id from saved_list_settings where is_shared "
                            "and title = 'Обслуживаемые'").fetchone()[0]
    with office.psql("b") as conn:
        assert conn.execute("select owner_id from saved_list_settings where id = %s",
                            (shared,)).fetchone() == (office.ids["a"],)  # seen by all
        assert conn.execute("update saved_list_settings set body = 'x' where id = %s",
                            (shared,)).rowcount == 0
        assert conn.execute("delete from saved_list_settings where id = %s",
                            (shared,)).rowcount == 0
        assert conn.execute("update saved_list_settings set is_shared = false, "
                            "owner_id = %s where id = %s",  # nor stolen
                            (office.ids["b"], shared)).rowcount == 0
    with office.psql("head") as conn:
        assert conn.execute("update saved_list_settings set title = 'Обслуживаемые (все)' "
                            "where id = %s", (shared,)).rowcount == 1
        with pytest.raises(pgerr.InsufficientPrivilege):  # the right does not take it over
            conn.execute("update saved_list_settings set is_shared = false where id = %s",
                         (shared,))
    with office.superuser() as su:
        logged = su.execute("select employee_id, field from change_log where table_name = "
                            "'saved_list_settings' and row_id = %s order by id",
                            (shared,)).fetchall()
    assert (office.ids["head"], "title") in logged
    assert logged[0][0] == office.ids["a"]


def test_a_login_without_an_employee_row_owns_nothing(office: Office) -> None:
    with office.superuser() as su:
        su.execute(f'CREATE ROLE "{office.logins["a"]}_x" LOGIN PASSWORD \'x-pass-123\' '
                   f'IN ROLE vostok_manager, vostok_see_limited')
    url = office.admin_base.engine.url
    try:
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                             user=f'{office.logins["a"]}_x', password="x-pass-123",
                             autocommit=True) as conn:
            with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
                conn.execute(NEW_SETTING, (None, True, "Ничей"))
    finally:
        with office.superuser() as su:
            su.execute(f'DROP ROLE "{office.logins["a"]}_x"')
