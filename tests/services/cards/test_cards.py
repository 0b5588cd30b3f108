"""Card services on both dialects: round trips, validation, optimistic locking, change log,
attachments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    Direction,
    Employee,
    EmployeeRole,
)
from vostok_desktop.domain.extra import ATTACHMENT_MAX_BYTES
from vostok_desktop.domain.validators import ValidationError, inn_check_digits
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.services.cards import common as card_common
from vostok_desktop.services.cards import contacts as contact_cards
from vostok_desktop.services.cards import employees as employee_cards
from vostok_desktop.services.common.change_log import client_history, record_changes
from vostok_desktop.services.documents import attachments as att

VALID_INN = "7707083893"  # Сбербанк, a real checksum
VALID_KPP = "773601001"


@pytest.fixture
def ref(empty_base: OpenedBase) -> dict[str, int]:
    """Two employees, two directions, one custom field of each type."""
    with empty_base.sessions() as s, s.begin():
        anna = Employee(login="anna", full_name="Петрова Анна Сергеевна", role=EmployeeRole.MANAGER)
        boris = Employee(login="boris", full_name="Иванов Борис Олегович", role=EmployeeRole.ADMIN)
        sales = Direction(code="sales", name="Продажи")
        service = Direction(code="service", name="Сервис")
        fields = [
            CustomField(entity=CustomFieldEntity.CLIENT, name="Комментарий",
                        value_type=CustomFieldType.TEXT),
            CustomField(entity=CustomFieldEntity.CLIENT, name="Число сотрудников",
                        value_type=CustomFieldType.NUMBER),
            CustomField(entity=CustomFieldEntity.CLIENT, name="Дата договора",
                        value_type=CustomFieldType.DATE),
            CustomField(entity=CustomFieldEntity.CLIENT, name="Бухгалтерия",
                        value_type=CustomFieldType.CHOICE, choices=["1С", "Парус"]),
            CustomField(entity=CustomFieldEntity.CONTACT, name="Хобби",
                        value_type=CustomFieldType.TEXT),
        ]
        s.add_all([anna, boris, sales, service, *fields])
        s.flush()
        return {"anna": anna.id, "boris": boris.id, "sales": sales.id, "service": service.id,
                "text": fields[0].id, "number": fields[1].id, "date": fields[2].id,
                "choice": fields[3].id, "hobby": fields[4].id}


def _new_client(base: OpenedBase, ref: dict[str, int], **kw: object) -> client_cards.ClientData:
    data = client_cards.new_client()
    data.short_name = "ООО «Ромашка»"
    data.full_name = "Общество с ограниченной ответственностью «Ромашка»"
    data.inn = VALID_INN
    data.kpp = VALID_KPP
    data.phones = [card_common.PhoneData(raw="8 (495) 123-45-67")]
    for key, value in kw.items():
        setattr(data, key, value)
    return client_cards.save_client(base, data, ref["anna"])


def _log(base: OpenedBase, **where: object) -> list[ChangeLog]:
    with base.sessions() as s:
        stmt = select(ChangeLog).order_by(ChangeLog.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(ChangeLog, key) == value)
        return list(s.scalars(stmt))


def test_client_round_trip(empty_base: OpenedBase, ref: dict[str, int]) -> None:
    saved = _new_client(empty_base, ref, region="Москва", latitude=55.75, longitude=37.62,
                        emails=[card_common.EmailData(address="Info@Romashka.RU")],
                        addresses=[card_common.AddressData(text="Москва, ул. Ленина, 1",
                                                           postal_code="101000")],
                        responsibilities={ref["sales"]: ref["boris"]},
                        custom={ref["text"]: "важный", ref["number"]: Decimal("12.5"),
                                ref["date"]: date(2024, 3, 1), ref["choice"]: "Парус"})
    assert saved.id is not None and saved.version == 1
    loaded = client_cards.load_client(empty_base, saved.id)
    assert loaded.short_name == "ООО «Ромашка»"
    assert loaded.inn == VALID_INN and loaded.kpp == VALID_KPP
    assert loaded.region == "Москва" and loaded.latitude == pytest.approx(55.75)
    assert [p.digits for p in loaded.phones] == ["74951234567"]
    assert [e.address for e in loaded.emails] == ["Info@romashka.ru"]
    assert loaded.addresses[0].postal_code == "101000"
    assert loaded.responsibilities == {ref["sales"]: ref["boris"]}
    assert loaded.custom == {ref["text"]: "важный", ref["number"]: Decimal("12.5"),
                             ref["date"]: date(2024, 3, 1), ref["choice"]: "Парус"}
    assert loaded.updated_by == "Петрова Анна Сергеевна"

    loaded.short_name = "ООО «Ромашка плюс»"
    loaded.phones.append(card_common.PhoneData(raw="+7 916 123-45-67", extension="12"))
    again = client_cards.save_client(empty_base, loaded, ref["boris"])
    assert again.version == 2
    assert again.short_name == "ООО «Ромашка плюс»"
    assert sorted(p.digits for p in again.phones) == ["74951234567", "79161234567"]


@pytest.mark.parametrize(("field", "value", "expected_field", "words"), [
    ("inn", "7707083894", "inn", "ИНН"),
    ("kpp", "77360100", "kpp", "КПП"),
    ("ogrn", "1027700132196", "ogrn", "ОГРН"),
    ("short_name", "  ", "short_name", "Краткое наименование"),
    ("phones", [card_common.PhoneData(raw="12")], "phone:0", "Телефон"),
    ("emails", [card_common.EmailData(address="a@b")], "email:0", "E-mail"),
])
def test_validation_refuses_save_and_names_field(
        empty_base: OpenedBase, ref: dict[str, int], field: str, value: object,
        expected_field: str, words: str) -> None:
    data = client_cards.new_client()
    data.short_name = "ООО «Ромашка»"
    setattr(data, field, value)
    with pytest.raises(ValidationError) as info:
        client_cards.save_client(empty_base, data, ref["anna"])
    assert info.value.field == expected_field
    assert words in info.value.message
    with empty_base.sessions() as s:
        assert s.scalar(select(Client.id)) is None


def test_optimistic_locking_names_other_employee(empty_base: OpenedBase,
                                                 ref: dict[str, int]) -> None:
    saved = _new_client(empty_base, ref)
    assert saved.id is not None
    mine = client_cards.load_client(empty_base, saved.id)
    theirs = client_cards.load_client(empty_base, saved.id)
    theirs.region = "Тула"
    client_cards.save_client(empty_base, theirs, ref["boris"])
    mine.region = "Калуга"
    with pytest.raises(card_common.CardConflict) as info:
        client_cards.save_client(empty_base, mine, ref["anna"])
    assert info.value.changed_by == "Иванов Борис Олегович"
    assert "Иванов Борис Олегович" in str(info.value)
    assert info.value.their_version == 2
    assert client_cards.load_client(empty_base, saved.id).region == "Тула"
    # «Сравнить» → keep mine: take their version and save my values over theirs.
    mine.version = info.value.their_version
    over = client_cards.save_client(empty_base, mine, ref["anna"])
    assert over.region == "Калуга" and over.version == 3


def test_only_phone_change_still_moves_version(empty_base: OpenedBase,
                                               ref: dict[str, int]) -> None:
    saved = _new_client(empty_base, ref)
    assert saved.id is not None
    mine = client_cards.load_client(empty_base, saved.id)
    theirs = client_cards.load_client(empty_base, saved.id)
    theirs.phones = []
    client_cards.save_client(empty_base, theirs, ref["boris"])
    mine.phones.append(card_common.PhoneData(raw="+7 916 765-43-21"))
    with pytest.raises(card_common.CardConflict):
        client_cards.save_client(empty_base, mine, ref["anna"])


def test_change_log_for_fields_phones_responsibilities_custom(
        empty_base: OpenedBase, ref: dict[str, int]) -> None:
    saved = _new_client(empty_base, ref)
    assert saved.id is not None
    cid = saved.id
    created = {row.field for row in _log(empty_base, table_name="clients", row_id=cid)}
    assert {"short_name", "inn", "kpp", "status"} <= created
    assert len(_log(empty_base, table_name="phones")) >= 1

    data = client_cards.load_client(empty_base, cid)
    data.inn = "500100732259"  # a valid 12-digit INN (an entrepreneur)
    data.kpp = None
    data.phones[0].raw = "+7 495 765-43-21"
    data.responsibilities = {ref["sales"]: ref["boris"]}
    data.custom = {ref["number"]: Decimal("7")}
    client_cards.save_client(empty_base, data, ref["boris"])

    inn = _log(empty_base, table_name="clients", row_id=cid, field="inn")[-1]
    assert (inn.old_value, inn.new_value, inn.employee_id) == (VALID_INN, "500100732259",
                                                               ref["boris"])
    phone = _log(empty_base, table_name="phones", field="raw")[-1]
    assert (phone.old_value, phone.new_value, phone.client_id) == (
        "8 (495) 123-45-67", "+7 495 765-43-21", cid)
    resp = _log(empty_base, table_name="responsibilities")[-1]
    assert (resp.field, resp.old_value, resp.new_value) == ("responsible:sales", None,
                                                            "Иванов Борис Олегович")
    custom = _log(empty_base, table_name="custom_values")[-1]
    assert (custom.field, custom.old_value, custom.new_value) == (f"custom:{ref['number']}",
                                                                  None, "7")

    data = client_cards.load_client(empty_base, cid)
    data.phones = []
    data.responsibilities = {ref["sales"]: None}
    data.custom = {}
    client_cards.save_client(empty_base, data, ref["anna"])
    assert _log(empty_base, table_name="phones")[-1].new_value is None
    assert _log(empty_base, table_name="responsibilities")[-1].new_value is None
    assert _log(empty_base, table_name="custom_values")[-1].old_value == "7"
    assert client_cards.load_client(empty_base, cid).custom == {}
    with empty_base.sessions() as s:
        history = client_history(s, cid)
    assert {h.table_name for h in history} >= {"clients", "phones", "responsibilities",
                                               "custom_values"}


def test_unchanged_save_logs_nothing(empty_base: OpenedBase, ref: dict[str, int]) -> None:
    saved = _new_client(empty_base, ref)
    before = len(_log(empty_base))
    client_cards.save_client(empty_base, saved, ref["anna"])
    assert len(_log(empty_base)) == before


def test_record_changes_diffs_values(empty_base: OpenedBase) -> None:
    with empty_base.sessions() as s, s.begin():
        rows = record_changes(s, "clients", 1, 1, None,
                              {"a": "x", "b": 1, "c": None, "d": True},
                              {"a": "x", "b": 2, "c": "", "d": False, "e": date(2024, 1, 2)})
        assert [(r.field, r.old_value, r.new_value) for r in rows] == [
            ("b", "1", "2"), ("d", "да", "нет"), ("e", None, "02.01.2024")]


def test_contact_round_trip_and_conflict(empty_base: OpenedBase, ref: dict[str, int]) -> None:
    client = _new_client(empty_base, ref)
    contact = contact_cards.new_contact(empty_base, client.id)
    assert contact.client_name == "ООО «Ромашка»"
    contact.last_name = "Сидорова"
    contact.first_name = "Мария"
    contact.birthday = date(1980, 5, 17)
    contact.stop_list = True
    contact.phones = [card_common.PhoneData(raw="+7 916 111-22-33")]
    contact.custom = {ref["hobby"]: "теннис"}
    saved = contact_cards.save_contact(empty_base, contact, ref["anna"])
    assert saved.id is not None
    loaded = contact_cards.load_contact(empty_base, saved.id)
    assert loaded.full_name == "Сидорова Мария"
    assert loaded.birthday == date(1980, 5, 17) and loaded.stop_list
    assert loaded.custom == {ref["hobby"]: "теннис"}
    assert [p.digits for p in loaded.phones] == ["79161112233"]
    assert client_cards.load_client(empty_base, client.id).contacts[0].full_name == "Сидорова Мария"

    other = contact_cards.load_contact(empty_base, saved.id)
    other.position = "Главный бухгалтер"
    contact_cards.save_contact(empty_base, other, ref["boris"])
    loaded.position = "Директор"
    with pytest.raises(card_common.CardConflict) as info:
        contact_cards.save_contact(empty_base, loaded, ref["anna"])
    assert info.value.changed_by == "Иванов Борис Олегович"
    log = _log(empty_base, table_name="contacts", field="position")
    assert log[-1].new_value == "Главный бухгалтер" and log[-1].client_id == client.id

    bad = contact_cards.load_contact(empty_base, saved.id)
    bad.last_name = ""
    with pytest.raises(ValidationError) as err:
        contact_cards.save_contact(empty_base, bad, ref["anna"])
    assert err.value.field == "last_name"


def test_employee_card(empty_base: OpenedBase, ref: dict[str, int]) -> None:
    _new_client(empty_base, ref, responsibilities={ref["sales"]: ref["anna"],
                                                   ref["service"]: ref["anna"]})
    employee = employee_cards.load_employee(empty_base, ref["anna"])
    assert employee.full_name == "Петрова Анна Сергеевна"
    assert sorted(r.direction for r in employee.clients) == ["Продажи", "Сервис"]
    employee.phone_extension = "204"
    saved = employee_cards.save_employee(empty_base, employee, ref["boris"])
    assert saved.phone_extension == "204"
    assert _log(empty_base, table_name="employees")[-1].new_value == "204"


def test_custom_parse() -> None:
    number = card_common.CustomFieldInfo(1, "Число", CustomFieldType.NUMBER)
    assert card_common.parse_custom(number, "1 234,5") == Decimal("1234.5")
    with pytest.raises(ValidationError) as info:
        card_common.parse_custom(number, "много")
    assert info.value.field == "custom:1" and "Число" in info.value.message
    when = card_common.CustomFieldInfo(2, "Дата", CustomFieldType.DATE)
    assert card_common.parse_custom(when, "01.02.2024") == date(2024, 2, 1)
    with pytest.raises(ValidationError):
        card_common.parse_custom(when, "31.02.2024")


def test_attachments_round_trip_and_limit(empty_base: OpenedBase, ref: dict[str, int]) -> None:
    client = _new_client(empty_base, ref)
    assert client.id is not None
    payload = bytes(range(256)) * 1000 + b"\x00\xff"
    info = att.add_attachment(empty_base, client.id, r"C:\docs\Договор №5.pdf", payload,
                              ref["anna"])
    assert info.file_name == "Договор №5.pdf" and info.size == len(payload)
    assert info.mime_type == "application/pdf" and info.created_by == "Петрова Анна Сергеевна"
    assert att.read_attachment(empty_base, info.id) == payload
    assert [a.id for a in att.list_attachments(empty_base, client.id)] == [info.id]
    with pytest.raises(att.AttachmentTooLarge) as too_big:
        att.add_attachment(empty_base, client.id, "big.bin", b"\0" * (ATTACHMENT_MAX_BYTES + 1),
                           ref["anna"])
    assert "слишком большой" in too_big.value.message
    assert len(att.list_attachments(empty_base, client.id)) == 1
    att.delete_attachment(empty_base, info.id, ref["anna"])
    assert att.list_attachments(empty_base, client.id) == []
    assert [r.old_value for r in _log(empty_base, table_name="attachments")] == [
        None, "Договор №5.pdf"]


def test_demo_client_loads_and_saves(demo_base: OpenedBase) -> None:
    with demo_base.sessions() as s:
        client_id = s.scalar(select(Client.id).order_by(Client.id))
        employee_id = s.scalar(select(Employee.id).order_by(Employee.id))
    assert client_id is not None
    data = client_cards.load_client(demo_base, client_id)
    assert data.short_name
    lookups = card_common.load_lookups(demo_base)
    assert lookups.directions and lookups.employees
    data.notes = (data.notes or "") + " проверка"
    saved = client_cards.save_client(demo_base, data, employee_id)
    assert saved.notes.endswith("проверка") and saved.version == data.version + 1


def test_inn_helper_matches() -> None:
    assert VALID_INN.endswith(inn_check_digits(VALID_INN[:9]))


def test_a_required_field_left_empty_refuses_the_save_and_writes_nothing(
        empty_base: OpenedBase, ref: dict[str, int]) -> None:
    from vostok_desktop.services.reference import custom_fields
    from vostok_desktop.services.reference.common import Editor

    saved = _new_client(empty_base, ref)
    with empty_base.sessions.begin() as s:  # «Справочники»: «Бухгалтерия» becomes required
        custom_fields.save_custom_field(
            s, Editor(ref["boris"]), field_id=ref["choice"], entity=CustomFieldEntity.CLIENT,
            name="Бухгалтерия", value_type=CustomFieldType.CHOICE, choices=["1С", "Парус"],
            required=True)
    saved.short_name = "ООО «Ромашка и Ко»"
    with pytest.raises(ValidationError) as info:
        client_cards.save_client(empty_base, saved, ref["anna"])
    assert info.value.field == f"custom:{ref['choice']}"
    assert "Бухгалтерия: обязательное поле" in str(info.value)
    assert client_cards.load_client(empty_base, saved.id).short_name == "ООО «Ромашка»"
    saved.custom[ref["choice"]] = "Парус"
    again = client_cards.save_client(empty_base, saved, ref["anna"])
    assert (again.short_name, again.custom[ref["choice"]]) == ("ООО «Ромашка и Ко»", "Парус")
    # A contact's card is not held up by a client's field.
    contact = contact_cards.new_contact(empty_base, saved.id)
    contact.last_name, contact.first_name = "Сидорова", "Мария"
    assert contact_cards.save_contact(empty_base, contact, ref["anna"]).id is not None
