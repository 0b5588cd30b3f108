"""The client card as plain data: load, validate, save (with addresses, responsibles, the
client's divisions and its contacts, read-only). No Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Address,
    Client,
    ClientStatus,
    Contact,
    CustomValue,
    Direction,
    Employee,
    Responsibility,
)
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import (
    ValidationError,
    validate_inn,
    validate_kpp,
    validate_ogrn_any,
    validate_required,
)
from vostok_desktop.services.cards.common import (
    AddressData,
    CardNotFound,
    CustomValueType,
    EmailData,
    PhoneData,
    blank_to_none,
    validate_emails,
    validate_phones,
)
from vostok_desktop.services.cards.divisions import (
    DivisionList,
    load_divisions,
    sync_divisions,
    validate_divisions,
)
from vostok_desktop.services.cards.store import (
    emails_data,
    load_custom,
    phones_data,
    save_card,
    sync_custom,
    sync_phones_emails,
    sync_rows,
    write_card_row,
)
from vostok_desktop.services.common.change_log import record_changes

CLIENT_FIELD_TITLES: dict[str, str] = {
    "status": "Статус",
    "short_name": "Краткое наименование",
    "full_name": "Полное наименование",
    "inn": "ИНН",
    "kpp": "КПП",
    "ogrn": "ОГРН/ОГРНИП",
    "segment": "Сегмент",
    "region": "Регион",
    "source": "Источник",
    "website": "Сайт",
    "group_id": "Группа компаний",
    "notes": "Примечание",
    "latitude": "Широта",
    "longitude": "Долгота",
    "marked_for_deletion": "Помечен на удаление",
}

CLIENT_FIELDS = tuple(CLIENT_FIELD_TITLES)


@dataclass
class ContactRow:
    id: int
    full_name: str
    position: str
    phones: str
    emails: str
    birthday: date | None
    stop_list: bool


@dataclass
class ClientData:
    id: int | None = None
    version: int | None = None
    status: ClientStatus = ClientStatus.PROSPECT
    short_name: str = ""
    full_name: str = ""
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    segment: str | None = None
    region: str | None = None
    source: str | None = None
    website: str | None = None
    group_id: int | None = None
    notes: str = ""
    latitude: float | None = None
    longitude: float | None = None
    marked_for_deletion: bool = False
    phones: list[PhoneData] = field(default_factory=list)
    emails: list[EmailData] = field(default_factory=list)
    addresses: list[AddressData] = field(default_factory=list)
    responsibilities: dict[int, int | None] = field(default_factory=dict)  # direction → employee
    custom: dict[int, CustomValueType] = field(default_factory=dict)  # field id → value
    divisions: DivisionList = field(default_factory=DivisionList)  # «Подразделения»
    contacts: list[ContactRow] = field(default_factory=list)  # read-only on the card
    updated_at: datetime | None = None
    updated_by: str | None = None
    created_at: datetime | None = None

    def copy(self) -> ClientData:
        return copy.deepcopy(self)


def validate_client(data: ClientData) -> ClientData:
    """A normalised copy of ``data``; the first problem raises ValidationError(field, message)."""
    d = data.copy()
    d.short_name = validate_required(d.short_name, "short_name", "Краткое наименование")
    d.full_name = (d.full_name or "").strip()
    d.inn = validate_inn(d.inn) if blank_to_none(d.inn) else None
    d.kpp = validate_kpp(d.kpp) if blank_to_none(d.kpp) else None
    d.ogrn = validate_ogrn_any(d.ogrn) if blank_to_none(d.ogrn) else None
    if d.kpp and d.inn and len(d.inn) == 12:
        raise ValidationError("kpp", "КПП: у индивидуального предпринимателя (ИНН из 12 цифр) "
                                     "КПП не указывается")
    for name in ("segment", "region", "source", "website"):
        setattr(d, name, blank_to_none(getattr(d, name)))
    if d.latitude is not None and not -90 <= d.latitude <= 90:
        raise ValidationError("latitude", "Широта: должна быть от −90 до 90")
    if d.longitude is not None and not -180 <= d.longitude <= 180:
        raise ValidationError("longitude", "Долгота: должна быть от −180 до 180")
    d.phones = validate_phones(d.phones)
    d.emails = validate_emails(d.emails)
    addresses = []
    for index, address in enumerate(d.addresses):
        if not address.text.strip():
            continue
        code = blank_to_none(address.postal_code)
        if code and not (len(code) == 6 and code.isdigit()):
            raise ValidationError(f"address:{index}", f"Индекс: нужно 6 цифр, указано «{code}»")
        addresses.append(replace(address, text=address.text.strip(), postal_code=code))
    d.addresses = addresses
    d.divisions = validate_divisions(d.divisions)
    return d


def new_client() -> ClientData:
    return ClientData()


def load_client(base: OpenedBase, client_id: int) -> ClientData:
    with base.sessions() as s:
        client = s.get(Client, client_id, options=[
            selectinload(Client.phones), selectinload(Client.emails),
            selectinload(Client.addresses), selectinload(Client.responsibilities),
            selectinload(Client.updated_by),
            selectinload(Client.contacts).selectinload(Contact.phones),
            selectinload(Client.contacts).selectinload(Contact.emails),
        ])
        if client is None:
            raise CardNotFound("client", client_id)
        data = ClientData(
            **{n: getattr(client, n) for n in CLIENT_FIELDS},
            id=client.id, version=client.version,
            updated_at=client.updated_at, created_at=client.created_at,
            updated_by=client.updated_by.full_name if client.updated_by else None,
        )
        data.phones = phones_data(client.phones)
        data.emails = emails_data(client.emails)
        data.addresses = [AddressData(a.id, a.kind, a.postal_code, a.text)
                          for a in sorted(client.addresses, key=lambda a: a.id)]
        data.responsibilities = {r.direction_id: r.employee_id for r in client.responsibilities}
        data.custom = load_custom(s, CustomValue.client_id == client_id)
        data.divisions = load_divisions(s, client_id)
        data.contacts = [
            ContactRow(c.id, c.full_name, c.position or "",
                       ", ".join(p.raw for p in c.phones), ", ".join(e.address for e in c.emails),
                       c.birthday, c.stop_list)
            for c in client.contacts if not c.marked_for_deletion
        ]
        return data


def save_client(base: OpenedBase, data: ClientData, employee_id: int | None) -> ClientData:
    """Validate and write the card in one transaction; returns the card as now stored.

    Raises ValidationError (nothing written) or CardConflict when ``data.version`` is not
    the stored version any more.
    """
    d = validate_client(data)
    return load_client(base, save_card(base, "client", Client, d, employee_id, _write_client))


def _write_client(s: Session, d: ClientData, employee_id: int | None) -> int:
    now = utcnow()
    client = write_card_row(
        s, "client", Client, d, CLIENT_FIELDS, employee_id, now,
        options=[selectinload(Client.phones), selectinload(Client.emails),
                 selectinload(Client.addresses), selectinload(Client.responsibilities)],
        create={"created_by_id": employee_id}, client_of=lambda c: c.id)
    cid = client.id
    sync_phones_emails(s, "client", client, d, cid, employee_id, now)
    sync_rows(s, "addresses", client.addresses, d.addresses, ("kind", "postal_code", "text"),
              cid, employee_id, now,
              lambda a: Address(client=client, kind=a.kind, postal_code=a.postal_code,
                                text=a.text))
    _sync_responsibilities(s, client, d.responsibilities, employee_id, now)
    sync_divisions(s, cid, d.divisions, employee_id, now)
    sync_custom(s, "client", cid, cid, d.custom, employee_id, now)
    s.flush()
    return cid


def _sync_responsibilities(s: Session, client: Client, wanted: dict[int, int | None],
                           employee_id: int | None, now: datetime) -> None:
    directions = {d.id: d.code for d in s.scalars(select(Direction))}
    names = {i: n for i, n in s.execute(select(Employee.id, Employee.full_name))}
    current = {r.direction_id: r for r in client.responsibilities}
    for direction_id in set(current) | {k for k, v in wanted.items() if v is not None}:
        row = current.get(direction_id)
        new_emp = wanted.get(direction_id, row.employee_id if row else None)
        old_emp = row.employee_id if row else None
        if new_emp == old_emp:
            continue
        code = directions.get(direction_id, str(direction_id))
        if row is None:
            row = Responsibility(client=client, direction_id=direction_id, employee_id=new_emp)
            s.add(row)
            s.flush()
        elif new_emp is None:
            client.responsibilities.remove(row)
            s.delete(row)
        else:
            row.employee_id = new_emp
        record_changes(s, "responsibilities", row.id, client.id, employee_id,
                       {f"responsible:{code}": names.get(old_emp) if old_emp else None},
                       {f"responsible:{code}": names.get(new_emp) if new_emp else None},
                       changed_at=now)
