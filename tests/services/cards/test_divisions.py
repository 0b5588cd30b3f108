"""«Подразделения клиента» saved with the client card, on both dialects: the tree round
trip, moves, the refusals (names, cycles, deletions used by kits or sub-divisions), nothing
half-saved, the change log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, ClientDivision, Employee, EmployeeRole, Kit
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.services.cards.divisions import DivisionData, division_paths


@pytest.fixture
def client(empty_base: OpenedBase) -> tuple[int, int]:
    """A saved client with «Офис» > «Бухгалтерия», «Склад»; returns (client id, admin id)."""
    with empty_base.sessions() as s, s.begin():
        admin = Employee(login="boris", full_name="Иванов Борис", role=EmployeeRole.ADMIN)
        s.add(admin)
        s.flush()
        admin_id = admin.id
    data = client_cards.new_client()
    data.short_name = "ООО «Ромашка»"
    data.divisions.extend([DivisionData(-1, None, " Офис "), DivisionData(-2, -1, "Бухгалтерия"),
                           DivisionData(-3, None, "Склад")])
    saved = client_cards.save_client(empty_base, data, admin_id)
    return saved.id, admin_id  # type: ignore[return-value]


def _stored(base: OpenedBase, client_id: int) -> set[str]:
    return set(division_paths(client_cards.load_client(base, client_id).divisions).values())


def _by_name(data: client_cards.ClientData, name: str) -> DivisionData:
    return next(d for d in data.divisions if d.name == name)


def test_tree_round_trip_with_new_parent_and_child(empty_base, client) -> None:
    client_id, _admin = client
    assert _stored(empty_base, client_id) == {"Офис", "Офис / Бухгалтерия", "Склад"}


def test_rename_move_and_delete_in_one_save(empty_base, client) -> None:
    client_id, admin = client
    data = client_cards.load_client(empty_base, client_id)
    _by_name(data, "Бухгалтерия").parent_key = _by_name(data, "Склад").key
    _by_name(data, "Склад").name = "Склад №1"
    data.divisions.append(DivisionData(-10, None, "Филиал"))
    data.divisions.append(DivisionData(-11, -10, "Касса"))
    client_cards.save_client(empty_base, data, admin)
    assert _stored(empty_base, client_id) == {"Офис", "Склад №1", "Склад №1 / Бухгалтерия",
                                              "Филиал", "Филиал / Касса"}
    data = client_cards.load_client(empty_base, client_id)
    data.divisions[:] = [d for d in data.divisions if d.name not in ("Касса", "Офис")]
    client_cards.save_client(empty_base, data, admin)
    assert _stored(empty_base, client_id) == {"Склад №1", "Склад №1 / Бухгалтерия", "Филиал"}
    with empty_base.sessions() as s:
        logged = {(c.field, c.old_value, c.new_value) for c in s.scalars(
            select(ChangeLog).where(ChangeLog.table_name == "client_divisions"))}
    assert ("name", "Склад", "Склад №1") in logged
    assert ("name", "Касса", None) in logged


@pytest.mark.parametrize("edit, field_name, message", [
    (lambda d: setattr(_by_name(d, "Склад"), "name", "  "), "Склад",
     "наименование не указано"),
    (lambda d: setattr(_by_name(d, "Склад"), "name", "офис"), "Склад",
     "«офис» уже есть на верхнем уровне"),
    (lambda d: d.divisions.append(DivisionData(-5, _by_name(d, "Офис").key, "бухгалтерия ")),
     None, "«бухгалтерия» уже есть в подразделении «Офис»"),
    (lambda d: setattr(_by_name(d, "Офис"), "parent_key", _by_name(d, "Бухгалтерия").key),
     "Офис", "не может входить в само себя или в своё подчинённое"),
])
def test_refusals_name_the_division_and_write_nothing(empty_base, client, edit, field_name,
                                                      message) -> None:
    client_id, admin = client
    data = client_cards.load_client(empty_base, client_id)
    data.region = "Томская область"
    edit(data)
    with pytest.raises(ValidationError) as caught:
        client_cards.save_client(empty_base, data, admin)
    assert message.casefold() in caught.value.message.casefold()  # either twin is named
    assert caught.value.field.startswith("division:")
    stored = client_cards.load_client(empty_base, client_id)
    assert stored.region is None
    assert _stored(empty_base, client_id) == {"Офис", "Офис / Бухгалтерия", "Склад"}


def test_deleting_a_division_with_kits_or_children_is_refused_whole(empty_base, client) -> None:
    client_id, admin = client
    data = client_cards.load_client(empty_base, client_id)
    with empty_base.sessions() as s, s.begin():
        for title in ("Комплект 1", "Комплект 2"):
            s.add(Kit(client_id=client_id, division_id=_by_name(data, "Склад").key, title=title))
    data = client_cards.load_client(empty_base, client_id)
    assert _by_name(data, "Склад").kits == 2
    _by_name(data, "Офис").name = "Главный офис"  # would be saved with the deletion
    data.divisions.remove(_by_name(data, "Склад"))
    with pytest.raises(ValidationError) as caught:
        client_cards.save_client(empty_base, data, admin)
    assert caught.value.message == ("Подразделение «Склад» нельзя удалить: к нему относятся "
                                    "2 комплекта дистрибутивов.")
    data = client_cards.load_client(empty_base, client_id)
    data.divisions.remove(_by_name(data, "Офис"))  # «Бухгалтерия» still inside
    with pytest.raises(ValidationError) as caught:
        client_cards.save_client(empty_base, data, admin)
    assert "вышестоящее подразделение удалено" in caught.value.message
    assert _stored(empty_base, client_id) == {"Офис", "Офис / Бухгалтерия", "Склад"}
    with empty_base.sessions() as s:
        assert s.scalar(select(Kit.division_id).where(Kit.title == "Комплект 1")) is not None
        assert len(s.scalars(select(ClientDivision)).all()) == 3
