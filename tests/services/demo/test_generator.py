"""The demo data generator on both dialects: valid requisites, unique phones, determinism."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import fresh_location
from vostok_desktop.db import OpenedBase, open_base
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    CustomField,
    CustomFieldType,
    CustomValue,
    Department,
    Direction,
    Email,
    Employee,
    EmployeeRole,
    Phone,
    PhoneKind,
    Responsibility,
)
from vostok_desktop.domain.clients import client_search_name, contact_search_name
from vostok_desktop.domain.validators import (
    normalize_phone,
    validate_email,
    validate_inn,
    validate_kpp,
    validate_ogrn_any,
)
from vostok_desktop.services.demo import clients, common, distributives, names
from vostok_desktop.services.demo.common import DemoSummary
from vostok_desktop.services.demo.generator import generate_demo_data

SCALE = 300


def _rows(base: OpenedBase, sql: str) -> list[tuple]:
    with base.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]


def _table_counts(base: OpenedBase) -> dict[str, int]:
    tables = (*clients.BULK_TABLES, "departments", "directions", "employees",
              "client_groups", "custom_fields", "favourites", *distributives.TABLES)
    return {t: _rows(base, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture
def generated(empty_base: OpenedBase) -> tuple[OpenedBase, DemoSummary]:
    return empty_base, generate_demo_data(empty_base, SCALE)


def test_counts_match_the_summary(generated) -> None:
    base, summary = generated
    counts = _table_counts(base)
    assert summary.clients == counts["clients"] == SCALE
    assert {t: getattr(summary, t) for t in counts} == counts
    # 1-4 contacts per client, about two on average; one legal address and work phone each.
    assert SCALE * 1.6 < counts["contacts"] < SCALE * 2.5
    assert counts["addresses"] == SCALE
    assert counts["phones"] > SCALE
    assert counts["favourites"] > 0
    assert summary.rows == sum(counts.values())
    assert summary.seconds > 0 and summary.dialect == base.dialect


def test_reference_data(generated) -> None:
    base, _summary = generated
    with base.sessions() as session:
        departments = set(session.scalars(select(Department.name)))
        assert {"Отдел продаж", "Отдел сопровождения", "Горячая линия", "Телемаркетинг",
                "Учебный центр", "Руководство"} <= departments
        codes = {c: n for c, n in session.execute(select(Direction.code, Direction.name))}
        assert codes["sales"] == "Продажи" and codes["e_reporting"] == "Электронная отчётность"
        assert {"telemarketing", "sales", "service", "training", "recovery", "legal",
                "e_reporting"} <= set(codes)
        employees = session.scalars(select(Employee).order_by(Employee.id)).all()
        admin = employees[0]
        assert (admin.login, admin.full_name, admin.role, admin.phone_extension) == (
            "admin", "Администратор системы", EmployeeRole.ADMIN, "100")
        assert 20 <= len(employees) <= 30
        logins = [e.login for e in employees]
        assert len(set(logins)) == len(logins)
        assert all(re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", login) for login in logins)
        assert all(e.email == f"{e.login}@ric-vostok.ru" for e in employees)
        extensions = [e.phone_extension for e in employees]
        assert len(set(extensions)) == len(extensions)
        assert all(re.fullmatch(r"1\d\d", x or "") for x in extensions)
        roles = Counter(e.role for e in employees)
        assert roles[EmployeeRole.MANAGER] and roles[EmployeeRole.SERVICE_ENGINEER]
        assert roles[EmployeeRole.OPERATOR] and roles[EmployeeRole.TELEMARKETER]
        for e in employees[1:]:  # «Фамилия Имя Отчество» in Cyrillic
            assert re.fullmatch(r"[А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+", e.full_name)
        fields = {f.name: f for f in session.scalars(select(CustomField))}
        assert fields["Канал привлечения"].choices
        assert {"Количество сотрудников", "Дата последнего визита", "Хобби"} <= set(fields)


def test_requisites_are_valid_and_inns_unique(generated) -> None:
    base, _summary = generated
    rows = _rows(base, "SELECT short_name, full_name, inn, kpp, ogrn FROM clients")
    inns = [r[2] for r in rows]
    assert len(set(inns)) == len(inns) == SCALE
    entrepreneurs = 0
    for short, full, inn, kpp, ogrn in rows:
        assert validate_inn(inn) == inn
        assert validate_ogrn_any(ogrn) == ogrn
        if short.startswith("ИП "):
            entrepreneurs += 1
            assert len(inn) == 12 and len(ogrn) == 15 and kpp is None
            assert full.startswith("Индивидуальный предприниматель ")
        else:
            assert len(inn) == 10 and len(ogrn) == 13
            assert validate_kpp(kpp) == kpp and kpp[:4] == inn[:4] and kpp.endswith("01001")
    assert 0.05 * SCALE < entrepreneurs < 0.3 * SCALE


def test_phones_unique_and_valid(generated) -> None:
    base, _summary = generated
    phones = _rows(base, "SELECT raw, digits, kind, client_id, contact_id FROM phones")
    digits = [p[1] for p in phones]
    assert len(set(digits)) == len(digits)
    work = [p for p in phones if p[2] == PhoneKind.WORK.value]
    assert len(work) == SCALE and len({p[3] for p in work}) == SCALE
    assert all(p[2] == PhoneKind.MOBILE.value for p in phones if p[4] is not None)
    for raw, stored, _kind, _client, _contact in random.Random(1).sample(phones, 200):
        assert re.fullmatch(r"\+7 \(\d{3,5}\) \d{1,3}-\d\d-\d\d", raw), raw
        assert normalize_phone(raw).digits == stored


def test_emails_valid(generated) -> None:
    base, _summary = generated
    addresses = [r[0] for r in _rows(base, "SELECT address FROM emails")]
    assert len(addresses) > SCALE
    for address in addresses:
        assert validate_email(address) == address


def test_search_names_and_birthdays_consistent(generated) -> None:
    base, _summary = generated
    for short, full, search in _rows(base, "SELECT short_name, full_name, search_name "
                                           "FROM clients"):
        assert search == client_search_name(short, full)
    contacts = _rows(base, "SELECT last_name, first_name, middle_name, search_name, birthday, "
                           "birthday_mmdd, stop_list FROM contacts")
    for last, first, middle, search, birthday, mmdd, _stop in contacts:
        assert search == contact_search_name(last, first, middle)
        if birthday is None:
            assert mmdd is None
        else:
            text = str(birthday)
            assert mmdd == int(text[5:7]) * 100 + int(text[8:10])
    with_birthday = sum(1 for c in contacts if c[4] is not None)
    assert 0.55 < with_birthday / len(contacts) < 0.85


def test_status_mix_and_responsibles(generated) -> None:
    base, _summary = generated
    with base.sessions() as session:
        statuses = Counter(session.scalars(select(Client.status)))
        assert set(statuses) <= set(ClientStatus)
        assert 0.4 < statuses[ClientStatus.SERVED] / SCALE < 0.7
        assert 0.2 < statuses[ClientStatus.PROSPECT] / SCALE < 0.5
        assert statuses[ClientStatus.DISCONNECTED] > 0
        covered = session.execute(
            select(func.count(func.distinct(Responsibility.client_id)))
            .join(Direction, Direction.id == Responsibility.direction_id)
            .where(Direction.code.in_(["sales", "service"]))
        ).scalar_one()
        assert covered == SCALE
        roles = set(session.scalars(
            select(Employee.role).join(Responsibility, Responsibility.employee_id == Employee.id)))
        assert roles <= {EmployeeRole.MANAGER, EmployeeRole.SERVICE_ENGINEER,
                         EmployeeRole.TELEMARKETER}
        regions = Counter(session.scalars(select(Client.region)))
        assert regions.most_common(1)[0][0] == "Новосибирская область"


def test_orm_loads_a_client_with_contacts_and_phones(generated) -> None:
    base, _summary = generated
    with base.sessions() as session:
        client_id = session.scalar(
            select(Phone.contact_id).where(Phone.contact_id.is_not(None)).limit(1))
        contact = session.get(Contact, client_id)
        client = session.get(Client, contact.client_id)
        assert client is not None and client.version == 1
        assert client.created_at.tzinfo is not None
        assert contact in client.contacts
        assert client.phones and client.phones[0].kind == PhoneKind.WORK
        assert contact.phones[0].digits.startswith("79")
        assert client.addresses[0].text.startswith(client.addresses[0].postal_code)
        assert client.responsibilities
        born = session.scalars(select(Contact.birthday).where(Contact.birthday.is_not(None)))
        assert all(isinstance(day, date) for day in born)
        values = session.scalars(select(CustomValue)).all()
        assert {v.field.value_type for v in values} == set(CustomFieldType)
        assert all(isinstance(v.value_number, Decimal) for v in values
                   if v.field.value_type == CustomFieldType.NUMBER)


def test_sequences_continue_after_the_bulk_load(generated) -> None:
    base, _summary = generated
    with base.sessions() as session:
        client = Client(short_name='ООО "Новый клиент"', full_name="", inn="5401999990")
        contact = Contact(last_name="Новикова", first_name="Анна", middle_name="Ивановна")
        contact.phones.append(Phone(raw="+7 913 000-00-01", digits="79130000001",
                                    kind=PhoneKind.MOBILE))
        contact.emails.append(Email(address="anna@example.ru"))
        client.contacts.append(contact)
        session.add(client)
        session.add(Responsibility(client=client, direction_id=1, employee_id=1))
        session.commit()
        assert client.id == SCALE + 1
        assert contact.id > SCALE
        assert client.search_name == 'ооо "новый клиент"'


def test_same_seed_gives_the_same_base(request, empty_base: OpenedBase, dialect: str,
                                       tmp_path: Path) -> None:
    (tmp_path / "second").mkdir()
    location, password = fresh_location(request, dialect, tmp_path / "second")
    second = open_base(location, password)
    try:
        generate_demo_data(empty_base, 50)
        generate_demo_data(second, 50)
        query = ("SELECT short_name, inn FROM clients ORDER BY id LIMIT 20")
        names = _rows(empty_base, query)
        assert names == _rows(second, query)
        contacts = "SELECT search_name FROM contacts ORDER BY id LIMIT 20"
        assert _rows(empty_base, contacts) == _rows(second, contacts)
        phones = "SELECT digits FROM phones ORDER BY id"
        assert _rows(empty_base, phones) == _rows(second, phones)
        assert len({n for n, _inn in names}) > 10  # realistic variety, not one name
    finally:
        second.close()


def test_refuses_a_base_that_has_clients(generated) -> None:
    base, _summary = generated
    before = _table_counts(base)
    with pytest.raises(ValueError, match="уже есть клиенты"):
        generate_demo_data(base, 10)
    assert _table_counts(base) == before


def test_cancel_from_progress_leaves_the_base_empty(empty_base: OpenedBase) -> None:
    stages: list[tuple[str, int, int]] = []

    def cancel_after_first_batch(stage: str, done: int, total: int) -> None:
        stages.append((stage, done, total))
        if stage == common.STAGE_CLIENTS and done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_demo_data(empty_base, 12_000, progress=cancel_after_first_batch)
    assert stages[-1][0] == common.STAGE_CLIENTS
    assert set(_table_counts(empty_base).values()) == {0}
    # The base is as good as new: a second run succeeds.
    summary = generate_demo_data(empty_base, 20)
    assert summary.clients == 20 and summary.employees > 0


def test_progress_reports_russian_stages(empty_base: OpenedBase) -> None:
    seen: list[tuple[str, int, int]] = []
    generate_demo_data(empty_base, 25, progress=lambda *args: seen.append(args))
    stages = [s for s, _d, _t in seen]
    assert common.STAGE_REFERENCE in stages and common.STAGE_CLIENTS in stages
    assert (common.STAGE_CLIENTS, 25, 25) in seen
    assert all(re.search("[а-я]", s) for s in stages)


@pytest.mark.postgresql
def test_postgresql_indexes_and_constraints_restored(request, tmp_path: Path) -> None:
    location, password = fresh_location(request, "postgresql", tmp_path)
    base = open_base(location, password)
    catalog = """
        SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
        UNION ALL
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = to_regnamespace(current_schema())
        ORDER BY 1
    """
    try:
        before = sorted(_rows(base, catalog))
        generate_demo_data(base, 30)
        assert sorted(_rows(base, catalog)) == before
    finally:
        base.close()


def test_rejects_bad_scale(empty_base: OpenedBase) -> None:
    with pytest.raises(ValueError):
        generate_demo_data(empty_base, -1)
    with pytest.raises(ValueError):
        generate_demo_data(empty_base, common.MAX_CLIENTS + 1)


def test_translit_makes_ascii_logins() -> None:
    assert names.translit("Щукина Юлия") == "shchukina yuliya"
    assert names.translit("Ёлкин") == "elkin"
    assert names.female_surname("Горский") == "Горская"
    assert names.patronymics("Сергей") == ("Сергеевич", "Сергеевна")
    assert names.patronymics("Юрий") == ("Юрьевич", "Юрьевна")
    assert names.patronymics("Павел") == ("Павлович", "Павловна")
    assert names.patronymics("Михаил") == ("Михайлович", "Михайловна")
