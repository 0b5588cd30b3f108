"""«Вернуть прежнее значение»: a field's earlier value written back from the change log,
on both dialects (the server base logs through its triggers, the file base in the program)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from vostok_desktop.db import BaseLocation, OpenedBase, open_base
from vostok_desktop.domain import (
    ChangeLog,
    ClientStatus,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    Direction,
    Employee,
    EmployeeRole,
)
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.services.cards import common as card_common
from vostok_desktop.services.cards import contacts as contact_cards
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.common.change_log import client_history, record_changes, row_history
from vostok_desktop.services.common.change_restore import RestoreRefused, restore_change

VALID_INN = "7707083893"


@pytest.fixture
def ref(empty_base: OpenedBase) -> dict[str, int]:
    with empty_base.sessions() as s, s.begin():
        admin = Employee(login="boss", full_name="Иванов Борис Олегович", role=EmployeeRole.ADMIN)
        anna = Employee(login="anna", full_name="Петрова Анна Сергеевна",
                        role=EmployeeRole.MANAGER)
        sales = Direction(code="sales", name="Продажи")
        note = CustomField(entity=CustomFieldEntity.CLIENT, name="Комментарий",
                           value_type=CustomFieldType.TEXT)
        s.add_all([admin, anna, sales, note])
        s.flush()
        return {"admin": admin.id, "anna": anna.id, "sales": sales.id, "note": note.id}


def _client(base: OpenedBase, ref: dict[str, int]) -> client_cards.ClientData:
    data = client_cards.new_client()
    data.short_name = "ООО «Ромашка»"
    data.inn = VALID_INN
    data.region = "Томск"
    data.phones = [card_common.PhoneData(raw="8 (495) 123-45-67")]
    return client_cards.save_client(base, data, ref["admin"])


def _change(base: OpenedBase, table: str, row_id: int, field: str) -> ChangeLog:
    """The newest log row of ``field``."""
    with base.sessions() as s:
        rows = [r for r in row_history(s, table, [row_id]) if r.field == field]
    assert rows, f"no log row for {table}.{field}"
    return rows[0]


def _restore(base: OpenedBase, ref: dict[str, int], change: ChangeLog, kind: str,
             card_id: int, version: int | None, who: str = "admin"):  # noqa: ANN202
    return restore_change(base, change.id, ref[who], card_kind=kind, card_id=card_id,
                          card_version=version)


def test_restore_a_text_field_is_logged_and_bumps_the_version(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    edited = saved.copy()
    edited.region = "Омск"
    edited = client_cards.save_client(empty_base, edited, ref["anna"])
    change = _change(empty_base, "clients", saved.id, "region")
    assert (change.old_value, change.new_value) == ("Томск", "Омск")

    result = _restore(empty_base, ref, change, "client", saved.id, edited.version)

    after = client_cards.load_client(empty_base, saved.id)
    assert after.region == "Томск"
    assert after.version == edited.version + 1 == result.version
    assert result.message() == "Полю «Регион» возвращено значение «Томск»."
    newest = _change(empty_base, "clients", saved.id, "region")
    assert (newest.old_value, newest.new_value, newest.employee_id) == \
        ("Омск", "Томск", ref["admin"])


def test_restore_a_date_and_a_boolean_of_a_contact(empty_base, ref) -> None:
    client = _client(empty_base, ref)
    contact = contact_cards.new_contact(empty_base, client.id)
    contact.last_name = "Сидоров"
    contact.birthday = date(1980, 5, 17)
    contact.stop_list = False
    contact = contact_cards.save_contact(empty_base, contact, ref["admin"])
    edited = contact.copy()
    edited.birthday = date(1981, 1, 2)
    edited.stop_list = True
    edited = contact_cards.save_contact(empty_base, edited, ref["admin"])

    birthday = _change(empty_base, "contacts", contact.id, "birthday")
    assert birthday.old_value == "17.05.1980"
    first = _restore(empty_base, ref, birthday, "contact", contact.id, edited.version)
    stop = _change(empty_base, "contacts", contact.id, "stop_list")
    assert (stop.old_value, stop.new_value) == ("нет", "да")
    _restore(empty_base, ref, stop, "contact", contact.id, first.version)

    after = contact_cards.load_contact(empty_base, contact.id)
    assert after.birthday == date(1980, 5, 17)
    assert after.stop_list is False


def test_restore_an_enum_and_an_empty_value(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    edited = saved.copy()
    edited.status = ClientStatus.SERVED
    edited.region = None
    edited = client_cards.save_client(empty_base, edited, ref["admin"])
    status = _change(empty_base, "clients", saved.id, "status")
    assert status.old_value == ClientStatus.PROSPECT.value
    step = _restore(empty_base, ref, status, "client", saved.id, edited.version)
    assert client_cards.load_client(empty_base, saved.id).status is ClientStatus.PROSPECT

    # An empty earlier value is restored as empty.
    again = client_cards.load_client(empty_base, saved.id)
    again.region = "Омск"
    again = client_cards.save_client(empty_base, again, ref["admin"])
    region = _change(empty_base, "clients", saved.id, "region")
    assert region.old_value is None
    _restore(empty_base, ref, region, "client", saved.id, again.version)
    assert client_cards.load_client(empty_base, saved.id).region is None
    assert step.version is not None


def test_restore_a_responsible_by_name(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    step = saved.copy()
    step.responsibilities = {ref["sales"]: ref["anna"]}
    step = client_cards.save_client(empty_base, step, ref["admin"])
    step.responsibilities = {ref["sales"]: ref["admin"]}
    step = client_cards.save_client(empty_base, step, ref["admin"])
    with empty_base.sessions() as s:
        change = next(r for r in client_history(s, saved.id) if r.field == "responsible:sales")
    assert (change.old_value, change.new_value) == \
        ("Петрова Анна Сергеевна", "Иванов Борис Олегович")

    result = restore_change(empty_base, change.id, ref["admin"], card_kind="client",
                            card_id=saved.id, card_version=step.version)

    assert result.field_title == "Ответственный: Продажи"
    assert client_cards.load_client(empty_base, saved.id).responsibilities == \
        {ref["sales"]: ref["anna"]}
    with empty_base.sessions() as s:
        newest = next(r for r in client_history(s, saved.id) if r.field == "responsible:sales")
    assert newest.new_value == "Петрова Анна Сергеевна"


def test_restore_a_custom_value(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    step = saved.copy()
    step.custom = {ref["note"]: "первый"}
    step = client_cards.save_client(empty_base, step, ref["admin"])
    step.custom = {ref["note"]: "второй"}
    step = client_cards.save_client(empty_base, step, ref["admin"])
    with empty_base.sessions() as s:
        change = next(r for r in client_history(s, saved.id)
                      if r.field == f"custom:{ref['note']}")
    _restore(empty_base, ref, change, "client", saved.id, step.version)
    assert client_cards.load_client(empty_base, saved.id).custom == {ref["note"]: "первый"}


def test_a_stale_version_is_a_conflict_and_writes_nothing(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    shown = saved.copy()
    shown.region = "Омск"
    shown = client_cards.save_client(empty_base, shown, ref["admin"])
    elsewhere = shown.copy()
    elsewhere.website = "example.ru"
    client_cards.save_client(empty_base, elsewhere, ref["anna"])  # another workstation
    change = _change(empty_base, "clients", saved.id, "region")

    with pytest.raises(CardConflict) as caught:
        _restore(empty_base, ref, change, "client", saved.id, shown.version)

    assert "Петрова Анна Сергеевна" in str(caught.value)
    assert client_cards.load_client(empty_base, saved.id).region == "Омск"


def test_refusals_name_the_field(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    version = saved.version
    # A deleted phone.
    gone = saved.copy()
    gone.phones = []
    gone = client_cards.save_client(empty_base, gone, ref["admin"])
    with empty_base.sessions() as s:
        phone = next(r for r in client_history(s, saved.id) if r.field == "raw"
                     and r.new_value is None)
    with pytest.raises(RestoreRefused, match="«Телефон»"):
        _restore(empty_base, ref, phone, "client", saved.id, gone.version)
    version = gone.version

    # A value the log cut at 4000 characters.
    long = client_cards.load_client(empty_base, saved.id)
    long.notes = "а" * 5000
    long = client_cards.save_client(empty_base, long, ref["admin"])
    long.notes = "коротко"
    long = client_cards.save_client(empty_base, long, ref["admin"])
    notes = _change(empty_base, "clients", saved.id, "notes")
    with pytest.raises(RestoreRefused, match="«Примечание».*обрезано"):
        _restore(empty_base, ref, notes, "client", saved.id, long.version)
    version = long.version

    # A field that no longer exists.
    with empty_base.sessions() as s, s.begin():
        record_changes(s, "clients", saved.id, saved.id, ref["admin"],
                       {"fax": "123"}, {"fax": "456"})
    if empty_base.dialect == "sqlite":  # the server keeps no program rows for clients
        fax = _change(empty_base, "clients", saved.id, "fax")
        with pytest.raises(RestoreRefused, match="«fax».*больше нет"):
            _restore(empty_base, ref, fax, "client", saved.id, version)

    # The value is already there.
    region = client_cards.load_client(empty_base, saved.id)
    region.region = "Омск"
    region = client_cards.save_client(empty_base, region, ref["admin"])
    region.region = "Томск"
    region = client_cards.save_client(empty_base, region, ref["admin"])
    with empty_base.sessions() as s:  # Томск → Омск: its old value is the current one
        first = next(r for r in row_history(s, "clients", [saved.id])
                     if r.field == "region" and r.new_value == "Омск")
    with pytest.raises(RestoreRefused, match="«Регион» уже имеет значение «Томск»"):
        _restore(empty_base, ref, first, "client", saved.id, region.version)

    # A field of another card.
    with pytest.raises(RestoreRefused, match="из карточки клиента"):
        _restore(empty_base, ref, first, "contact", 12345, region.version)
    assert client_cards.load_client(empty_base, saved.id).version == region.version


def test_without_the_right_the_service_refuses(empty_base, ref) -> None:
    saved = _client(empty_base, ref)
    edited = saved.copy()
    edited.region = "Омск"
    edited = client_cards.save_client(empty_base, edited, ref["admin"])
    change = _change(empty_base, "clients", saved.id, "region")
    if empty_base.dialect == "sqlite":
        base = empty_base  # a file base: the chosen employee's role rights
    else:  # a server base: the manager's own login
        login = f"m{uuid.uuid4().hex[:8]}"
        manager = access.create_account(empty_base, login=login, full_name="Менеджер Мария",
                                        role=EmployeeRole.MANAGER, department_id=None,
                                        password="секрет-пароль-1")
        url = empty_base.engine.url.set(username=login, password=None)
        base = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)),
                         "секрет-пароль-1")
        ref = {**ref, "anna": manager}
    try:
        with pytest.raises(access.AccessDenied, match="Восстановление значений"):
            _restore(base, ref, change, "client", saved.id, edited.version, who="anna")
    finally:
        if base is not empty_base:
            base.close()
            with empty_base.engine.begin() as conn:
                conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
                conn.exec_driver_sql(f'DROP ROLE "{login}"')
    assert client_cards.load_client(empty_base, saved.id).region == "Омск"
