"""«Справочники»: departments, directions, client groups, custom fields, segment/region
values — on both dialects, as the base's owner (the security tests log in as employees)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from vostok_desktop.domain import (
    ChangeLog,
    Client,
    ClientGroup,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    CustomValue,
    Department,
    Direction,
    Employee,
    Responsibility,
)
from vostok_desktop.domain.access import Visibility
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.reference import custom_fields as cf
from vostok_desktop.services.reference import departments as dep
from vostok_desktop.services.reference import directions as dirs
from vostok_desktop.services.reference import groups as grp
from vostok_desktop.services.reference import values as val
from vostok_desktop.services.reference.common import Editor, InUseError, ReferenceDataError

MANAGER = AccessProfile(frozenset({"client.edit"}), Visibility.ALL, "manager")


def _editor(base) -> Editor:  # noqa: ANN001
    with base.sessions() as s:
        first = s.scalar(select(Employee.id).order_by(Employee.id))
    return Editor(first)


def test_department_tree_with_heads_is_built_and_logged(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        boss = Employee(login="boss", full_name="Иванова Анна")
        s.add(boss)
        s.flush()
        editor = Editor(boss.id)
        top = dep.save_department(s, editor, name="  Отдел   продаж ", head_id=boss.id)
        child = dep.save_department(s, editor, name="Группа Север", parent_id=top)
        dep.save_department(s, editor, name="Бухгалтерия")
    with empty_base.sessions() as s:
        rows = dep.list_departments(s)
    assert [(r.name, r.depth, r.head_name) for r in rows] == [
        ("Бухгалтерия", 0, ""), ("Отдел продаж", 0, "Иванова Анна"), ("Группа Север", 1, "")]
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="само в себя"):
            dep.save_department(s, editor, name="Отдел продаж", parent_id=child,
                                department_id=top)
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="уже есть"):
            dep.save_department(s, editor, name="Бухгалтерия")
    with empty_base.sessions() as s:
        fields = set(s.scalars(select(ChangeLog.field).where(
            ChangeLog.table_name == "departments", ChangeLog.row_id == top)))
        heads = s.scalars(select(ChangeLog.new_value).where(
            ChangeLog.table_name == "department_heads", ChangeLog.field == "employee_id")).all()
    assert "name" in fields and heads == [str(boss.id)]


def test_deleting_a_department_in_use_names_how_many_use_it(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        editor = Editor(None)
        top = dep.save_department(s, editor, name="Сервис")
        dep.save_department(s, editor, name="Выездные", parent_id=top)
        for i in range(3):
            s.add(Employee(login=f"e{i}", full_name=f"Сотрудник {i}", department_id=top))
    with empty_base.sessions.begin() as s:
        with pytest.raises(InUseError) as refused:
            dep.delete_department(s, editor, top)
    assert "3 сотрудника" in str(refused.value)
    assert "1 подчинённый отдел" in str(refused.value)
    with empty_base.sessions() as s:
        assert s.get(Department, top) is not None


def test_direction_codes_are_checked_and_a_direction_in_use_stays(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        editor = Editor(None)
        with pytest.raises(ReferenceDataError, match="латинские"):
            dirs.save_direction(s, editor, code="Сервис", name="Сервис")
        service = dirs.save_direction(s, editor, code="service", name="Сервис")
        with pytest.raises(ReferenceDataError, match="занят"):
            dirs.save_direction(s, editor, code="service", name="Ещё сервис")
        worker = Employee(login="w", full_name="Петров")
        client = Client(short_name="Ромашка")
        s.add_all([worker, client])
        s.flush()
        s.add(Responsibility(client_id=client.id, direction_id=service, employee_id=worker.id))
    with empty_base.sessions.begin() as s:
        assert [(d.code, d.clients) for d in dirs.list_directions(s)] == [("service", 1)]
        with pytest.raises(InUseError, match="1 ответственный у клиента"):
            dirs.delete_direction(s, editor, service)
    with empty_base.sessions.begin() as s:
        unused = dirs.save_direction(s, editor, code="legal", name="Юридическое")
    with empty_base.sessions.begin() as s:
        dirs.delete_direction(s, editor, unused)
    with empty_base.sessions() as s:
        assert s.scalars(select(Direction.code)).all() == ["service"]


def test_client_group_with_clients_is_not_deleted(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        editor = Editor(None)
        group = grp.save_group(s, editor, name="Холдинг «Сибирь»")
        s.add_all([Client(short_name=f"Сибирь-{i}", group_id=group) for i in range(2)])
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="уже есть"):
            grp.save_group(s, editor, name="холдинг «сибирь»")
        with pytest.raises(InUseError, match="2 клиента"):
            grp.delete_group(s, editor, group)
    with empty_base.sessions() as s:
        assert [(g.name, g.clients) for g in grp.list_groups(s)] == [("Холдинг «Сибирь»", 2)]
        assert s.get(ClientGroup, group) is not None


def test_custom_fields_keep_values_safe(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        editor = Editor(None)
        with pytest.raises(ReferenceDataError, match="хотя бы одно"):
            cf.save_custom_field(s, editor, entity=CustomFieldEntity.CLIENT, name="Отрасль",
                                 value_type=CustomFieldType.CHOICE, choices=["  "])
        field = cf.save_custom_field(s, editor, entity=CustomFieldEntity.CLIENT,
                                     name="Отрасль", value_type=CustomFieldType.CHOICE,
                                     choices=["Торговля", "Производство", "торговля"],
                                     required=True)
        client = Client(short_name="Ромашка")
        s.add(client)
        s.flush()
        s.add(CustomValue(field_id=field, client_id=client.id, value_text="Торговля"))
    with empty_base.sessions() as s:
        (row,) = cf.list_custom_fields(s)
        assert (row.choices, row.required, row.values) == (("Торговля", "Производство"), True, 1)
        assert cf.missing_required(s, CustomFieldEntity.CLIENT, {}) == ["Отрасль"]
        assert cf.missing_required(s, CustomFieldEntity.CLIENT, {field: "Торговля"}) == []
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="«Торговля» выбраны"):
            cf.save_custom_field(s, editor, entity=CustomFieldEntity.CLIENT, name="Отрасль",
                                 value_type=CustomFieldType.CHOICE, choices=["Производство"],
                                 field_id=field)
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="не меняют"):
            cf.save_custom_field(s, editor, entity=CustomFieldEntity.CLIENT, name="Отрасль",
                                 value_type=CustomFieldType.NUMBER, field_id=field)
    with empty_base.sessions.begin() as s:
        with pytest.raises(InUseError, match="1 заполненное значение"):
            cf.delete_custom_field(s, editor, field)
    with empty_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CustomValue)) == 1
        assert s.get(CustomField, field) is not None


def test_segment_rename_into_an_existing_value_merges_and_is_logged(empty_base) -> None:
    with empty_base.sessions.begin() as s:
        s.add_all([Client(short_name="А", segment="Бюджет"),
                   Client(short_name="Б", segment="бюджетные"),
                   Client(short_name="В", segment="бюджетные"),
                   Client(short_name="Г", segment="Коммерция")])
    editor = _editor(empty_base)
    with empty_base.sessions.begin() as s:
        changed = val.rename_value(s, editor, val.ValueColumn.SEGMENT, "бюджетные", "Бюджет")
    assert changed == 2
    with empty_base.sessions() as s:
        assert [(v.value, v.clients) for v in val.values_in_use(s, val.ValueColumn.SEGMENT)] \
            == [("Бюджет", 3), ("Коммерция", 1)]
        versions = set(s.scalars(select(Client.version).where(Client.short_name.in_(["Б", "В"]))))
        logged = s.scalars(select(ChangeLog.new_value).where(
            ChangeLog.table_name == "clients", ChangeLog.field == "segment",
            ChangeLog.old_value == "бюджетные")).all()
    assert versions == {2}
    assert logged == ["Бюджет", "Бюджет"]


def test_without_the_right_nothing_is_written(empty_base) -> None:
    editor = Editor(None, MANAGER)
    with empty_base.sessions.begin() as s:
        for attempt in (lambda: dep.save_department(s, editor, name="Тайный отдел"),
                        lambda: dirs.save_direction(s, editor, code="x", name="X"),
                        lambda: grp.save_group(s, editor, name="Г"),
                        lambda: cf.save_custom_field(s, editor,
                                                     entity=CustomFieldEntity.CONTACT,
                                                     name="П", value_type=CustomFieldType.TEXT),
                        lambda: val.rename_value(s, editor, val.ValueColumn.REGION, "a", "b")):
            with pytest.raises(AccessDenied, match="Справочники"):
                attempt()
    with empty_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 0
