"""Caller lookup: a number from the PBX -> contacts and clients, on both dialects."""

from __future__ import annotations

import random

from sqlalchemy import select

from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Direction,
    Employee,
    Phone,
    Responsibility,
)
from vostok_desktop.services.telephony.caller_lookup import (
    caller_digits,
    lookup_caller,
    random_contact_number,
    transfer_targets,
    with_open_requests,
)


def _fill(base) -> dict[str, int]:  # noqa: ANN001
    with base.sessions.begin() as s:
        manager = Employee(login="petrov", full_name="Петров Пётр", phone_extension="102")
        engineer = Employee(login="sidorova", full_name="Сидорова Анна", phone_extension="103")
        idle = Employee(login="nophone", full_name="Без Телефона")
        service = Direction(code="service", name="Сопровождение")
        sales = Direction(code="sales", name="Продажи")
        romashka = Client(short_name='ООО "Ромашка"', status=ClientStatus.SERVED)
        romashka.phones.append(Phone(raw="+7 (383) 212-34-56", digits="73832123456"))
        ivanova = Contact(last_name="Иванова", first_name="Анна", middle_name="Петровна",
                          position="Главный бухгалтер")
        ivanova.phones.append(Phone(raw="8 916 123-45-67", digits="79161234567"))
        romashka.contacts.append(ivanova)
        # The office number is also the director's: the contact wins over the bare client.
        director = Contact(last_name="Смирнов", first_name="Олег", position="Директор")
        director.phones.append(Phone(raw="212-34-56", digits="73832123456"))
        romashka.contacts.append(director)
        lutik = Client(short_name="ИП Лютиков", status=ClientStatus.PROSPECT)
        shared = Contact(last_name="Кузнецов", first_name="Иван")
        shared.phones.append(Phone(raw="+7 913 000-00-01", digits="79130000001"))
        lutik.contacts.append(shared)
        other = Contact(last_name="Кузнецова", first_name="Мария")
        other.phones.append(Phone(raw="+7 913 000-00-01", digits="79130000001"))
        romashka.contacts.append(other)
        s.add_all([manager, engineer, idle, service, sales, romashka, lutik])
        s.flush()
        s.add_all([
            Responsibility(client_id=romashka.id, direction_id=service.id,
                           employee_id=engineer.id),
            Responsibility(client_id=romashka.id, direction_id=sales.id, employee_id=manager.id),
        ])
        return {"romashka": romashka.id, "ivanova": ivanova.id, "director": director.id,
                "lutik": lutik.id}


def test_caller_digits_accepts_what_pbxs_send() -> None:
    assert caller_digits("89161234567")[0] == "79161234567"
    assert caller_digits("+7 (916) 123-45-67")[0] == "79161234567"
    assert caller_digits("9161234567")[0] == "79161234567"
    assert "4930123456" in caller_digits("8104930123456")  # 810: Russian international prefix
    assert caller_digits("") == [] and caller_digits("anonymous") == []
    assert caller_digits("101") == ["101"]  # an internal extension stays as it is


def test_contact_with_client_status_position_and_responsibles(empty_base) -> None:
    ids = _fill(empty_base)
    with empty_base.sessions() as s:
        info = lookup_caller(s, "89161234567")
    assert info.digits == "79161234567"
    match = info.single
    assert match is not None
    assert (match.client_id, match.contact_id) == (ids["romashka"], ids["ivanova"])
    assert match.contact_name == "Иванова Анна Петровна"
    assert match.contact_position == "Главный бухгалтер"
    assert match.client_status == "served" and match.client_status_title == "Обслуживаемый"
    assert set(match.responsibles) == {"Сидорова Анна (Сопровождение)",
                                       "Петров Пётр (Продажи)"}


def test_several_matches_and_contact_preferred_over_office_number(empty_base) -> None:
    ids = _fill(empty_base)
    with empty_base.sessions() as s:
        shared = lookup_caller(s, "+79130000001")
        office = lookup_caller(s, "8 383 212 34 56")
    assert {m.client_id for m in shared.matches} == {ids["romashka"], ids["lutik"]}
    assert len(shared.matches) == 2 and shared.single is None
    assert [m.contact_id for m in office.matches] == [ids["director"]]


def test_unknown_number_is_an_empty_result(empty_base) -> None:
    _fill(empty_base)
    with empty_base.sessions() as s:
        assert not lookup_caller(s, "+7 999 000-00-00").known
        assert not lookup_caller(s, "<unknown>").known


def test_hook_adds_open_requests(empty_base) -> None:
    _fill(empty_base)

    def hook(_session, matches):  # noqa: ANN001, ANN202
        return tuple(with_open_requests(m, ["№ 12: не открывается документ"]) for m in matches)

    with empty_base.sessions() as s:
        info = lookup_caller(s, "89161234567", hooks=[hook])
    assert info.matches[0].open_requests == ("№ 12: не открывается документ",)


def test_transfer_targets_have_extensions(empty_base) -> None:
    _fill(empty_base)
    with empty_base.sessions() as s:
        targets = transfer_targets(s, exclude_extension="103")
    assert [(t.full_name, t.extension) for t in targets] == [("Петров Пётр", "102")]


def test_every_demo_phone_finds_its_owner(demo_base) -> None:
    rnd = random.Random(4)
    with demo_base.sessions() as s:
        phones = s.execute(select(Phone.raw, Phone.client_id, Phone.contact_id)
                           .order_by(Phone.id)).all()
        for raw, client_id, contact_id in rnd.sample(phones, 40):
            info = lookup_caller(s, raw)
            assert info.known, raw
            if contact_id is not None:
                assert contact_id in {m.contact_id for m in info.matches}
            else:
                assert client_id in {m.client_id for m in info.matches}
        picked = random_contact_number(s, rnd)
        assert picked is not None and lookup_caller(s, picked[0]).known


def test_caller_lookup_on_a_long_lived_connection(empty_base) -> None:
    from vostok_desktop.services.telephony.caller_lookup import CallerLookup

    ids = _fill(empty_base)
    lookup = CallerLookup(empty_base.engine)
    assert lookup.lookup("89161234567").single.contact_id == ids["ivanova"]
    # Autocommit: a row added later is seen by the next lookup (no stale snapshot).
    with empty_base.sessions.begin() as s:
        s.add(Phone(client_id=ids["lutik"], raw="+7 913 777-77-77", digits="79137777777"))
    assert lookup.lookup("+7 913 777-77-77").single.client_id == ids["lutik"]
    lookup.close()  # and it reconnects by itself
    assert lookup.lookup("89161234567").known
    lookup.close()
