"""The contact-person card as plain data: load, validate, save. No Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, CustomValue, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import ValidationError, validate_required
from vostok_desktop.services.cards.common import (
    CardNotFound,
    CustomValueType,
    EmailData,
    PhoneData,
    blank_to_none,
    validate_emails,
    validate_phones,
)
from vostok_desktop.services.cards.store import (
    emails_data,
    load_custom,
    phones_data,
    save_card,
    sync_custom,
    sync_phones_emails,
    write_card_row,
)

CONTACT_FIELD_TITLES: dict[str, str] = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "position": "Должность",
    "birthday": "День рождения",
    "interests": "Интересы",
    "stop_list": "Стоп-лист",
    "competitor_attitude": "Отношение к конкурентам (прежняя запись)",
    "notes": "Примечание",
}

CONTACT_FIELDS = tuple(CONTACT_FIELD_TITLES)
# The old free text «Отношение к конкурентам» is read, never written any more: the
# attitude is kept per competitor in the documents «Конкурент клиента» (migration 0020).
CONTACT_WRITTEN = tuple(f for f in CONTACT_FIELDS if f != "competitor_attitude")


@dataclass
class ContactData:
    id: int | None = None
    version: int | None = None
    client_id: int | None = None
    client_name: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    position: str | None = None
    birthday: date | None = None
    interests: str = ""
    stop_list: bool = False
    competitor_attitude: str = ""
    notes: str = ""
    phones: list[PhoneData] = field(default_factory=list)
    emails: list[EmailData] = field(default_factory=list)
    custom: dict[int, CustomValueType] = field(default_factory=dict)
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def copy(self) -> ContactData:
        return copy.deepcopy(self)


def validate_contact(data: ContactData) -> ContactData:
    d = data.copy()
    d.last_name = validate_required(d.last_name, "last_name", "Фамилия")
    d.first_name = (d.first_name or "").strip()
    d.middle_name = (d.middle_name or "").strip()
    d.position = blank_to_none(d.position)
    if d.client_id is None:
        raise ValidationError("client_id", "Клиент: контактное лицо должно относиться к клиенту")
    if d.birthday is not None and not date(1900, 1, 1) <= d.birthday <= date.today():
        raise ValidationError("birthday", "День рождения: дата вне разумных пределов")
    d.phones = validate_phones(d.phones)
    d.emails = validate_emails(d.emails)
    return d


def new_contact(base: OpenedBase, client_id: int | None) -> ContactData:
    data = ContactData(client_id=client_id)
    if client_id is not None:
        with base.sessions() as s:
            data.client_name = s.scalar(select(Client.short_name).where(Client.id == client_id)) or ""
    return data


def load_contact(base: OpenedBase, contact_id: int) -> ContactData:
    with base.sessions() as s:
        c = s.get(Contact, contact_id, options=[
            selectinload(Contact.phones), selectinload(Contact.emails),
            selectinload(Contact.client)])
        if c is None:
            raise CardNotFound("contact", contact_id)
        who = s.scalar(select(Employee.full_name).where(Employee.id == c.updated_by_id)) \
            if c.updated_by_id else None
        return ContactData(
            **{n: getattr(c, n) for n in CONTACT_FIELDS},
            id=c.id, version=c.version, client_id=c.client_id, client_name=c.client.short_name,
            phones=phones_data(c.phones), emails=emails_data(c.emails),
            custom=load_custom(s, CustomValue.contact_id == contact_id),
            updated_at=c.updated_at, updated_by=who,
        )


def save_contact(base: OpenedBase, data: ContactData, employee_id: int | None) -> ContactData:
    d = validate_contact(data)
    return load_contact(base, save_card(base, "contact", Contact, d, employee_id, _write_contact))


def _write_contact(s: Session, d: ContactData, employee_id: int | None) -> int:
    now = utcnow()
    assert d.client_id is not None
    contact = write_card_row(
        s, "contact", Contact, d, CONTACT_WRITTEN, employee_id, now,
        options=[selectinload(Contact.phones), selectinload(Contact.emails)],
        create={"client_id": d.client_id}, client_of=lambda c: c.client_id)
    client_id = contact.client_id
    sync_phones_emails(s, "contact", contact, d, client_id, employee_id, now)
    sync_custom(s, "contact", contact.id, client_id, d.custom, employee_id, now)
    s.flush()
    return contact.id
