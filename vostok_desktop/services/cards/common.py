"""What every card service shares, no Qt and no session: the card errors, the sub-row
dataclasses (phones, e-mails, addresses), custom-field values, the lookups offered in combo
boxes, and the comparison of two versions of a card.

A card is read into a dataclass (never a live ORM object), edited by the GUI and written
back in one transaction with an optimistic-locking check on ``version`` and a change-log
row for every field that changed. A save that lost the race raises :class:`CardConflict`
naming who saved first and when. The cards themselves are in ``cards.clients``,
``cards.contacts`` and ``cards.employees``; how their rows are written, in ``cards.store``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    AddressKind,
    Client,
    ClientGroup,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    CustomValue,
    Department,
    Direction,
    Employee,
    PhoneKind,
)
from vostok_desktop.domain.validators import ValidationError, normalize_phone, validate_email
from vostok_desktop.services.common.change_log import display_value

SUBROW_TITLES: dict[tuple[str, str], str] = {
    ("phones", "raw"): "Телефон",
    ("phones", "kind"): "Вид телефона",
    ("phones", "extension"): "Добавочный",
    ("emails", "address"): "E-mail",
    ("addresses", "text"): "Адрес",
    ("addresses", "kind"): "Вид адреса",
    ("addresses", "postal_code"): "Индекс",
    ("attachments", "file_name"): "Внешний файл",
    ("action_items", "kind"): "ПРиЗ: вид",
    ("action_items", "text"): "ПРиЗ: текст",
    ("action_items", "state"): "ПРиЗ: состояние",
    ("action_items", "due_date"): "ПРиЗ: срок",
    ("action_items", "closed_at"): "ПРиЗ: закрыт",
    ("assignments", "text"): "Поручение: текст",
    ("assignments", "state"): "Поручение: состояние",
    ("assignments", "deadline"): "Поручение: срок",
    ("assignments", "importance"): "Поручение: важность",
    ("assignments", "result"): "Поручение: результат",
    ("assignments", "taken_at"): "Поручение: взято в работу",
    ("assignments", "closed_at"): "Поручение: закрыто",
    ("work_records", "kind"): "Работа: вид",
    ("work_records", "done"): "Работа: велась",
    ("work_records", "starts_at"): "Работа: начало",
    ("work_records", "duration_min"): "Работа: длительность, мин",
    ("work_records", "incoming"): "Работа: входящая",
    ("work_records", "importance"): "Работа: важность",
    ("work_records", "subject"): "Работа: тема",
    ("work_records", "result"): "Работа: результат",
}


class CardNotFound(LookupError):
    def __init__(self, kind: str, entity_id: int) -> None:
        super().__init__(f"Карточка не найдена: {kind} №{entity_id} (возможно, удалена)")
        self.kind = kind
        self.entity_id = entity_id


class CardConflict(Exception):
    """The card was saved by someone else since it was read."""

    def __init__(self, kind: str, entity_id: int, changed_by: str | None,
                 changed_at: datetime | None, their_version: int) -> None:
        who = changed_by or "другой пользователь"
        when = changed_at.astimezone().strftime("%d.%m.%Y %H:%M") if changed_at else "недавно"
        super().__init__(f"Карточку уже изменил {who} ({when}). Ваши изменения не записаны.")
        self.kind = kind
        self.entity_id = entity_id
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.their_version = their_version


# --------------------------------------------------------------------------- data


@dataclass
class PhoneData:
    id: int | None = None
    raw: str = ""
    kind: PhoneKind = PhoneKind.WORK
    extension: str | None = None
    digits: str = ""


@dataclass
class EmailData:
    id: int | None = None
    address: str = ""


@dataclass
class AddressData:
    id: int | None = None
    kind: AddressKind = AddressKind.ACTUAL
    postal_code: str | None = None
    text: str = ""


@dataclass(frozen=True)
class CustomFieldInfo:
    id: int
    name: str
    value_type: CustomFieldType
    choices: tuple[str, ...] = ()


CustomValueType = str | Decimal | date | None


@dataclass
class Lookups:
    """Reference lists the cards offer in their combo boxes."""

    directions: list[tuple[int, str, str]]  # id, code, name
    employees: list[tuple[int, str]]  # id, full name (active first)
    groups: list[tuple[int, str]]
    departments: list[tuple[int, str]]
    client_fields: list[CustomFieldInfo]
    contact_fields: list[CustomFieldInfo]
    segments: list[str]
    regions: list[str]
    sources: list[str]


def load_lookups(base: OpenedBase) -> Lookups:
    with base.sessions() as s:
        def distinct(column: Any) -> list[str]:
            rows = s.execute(select(column).where(column.is_not(None)).distinct()
                             .order_by(column).limit(500)).scalars()
            return [r for r in rows if r]

        def custom(entity: CustomFieldEntity) -> list[CustomFieldInfo]:
            rows = s.scalars(select(CustomField).where(CustomField.entity == entity)
                             .order_by(CustomField.position, CustomField.id))
            return [CustomFieldInfo(f.id, f.name, f.value_type, tuple(f.choices or ()))
                    for f in rows]

        return Lookups(
            directions=[(d.id, d.code, d.name)
                        for d in s.scalars(select(Direction).order_by(Direction.id))],
            employees=[(e.id, e.full_name) for e in s.scalars(
                select(Employee).order_by(Employee.is_active.desc(), Employee.full_name))],
            groups=[(g.id, g.name) for g in s.scalars(select(ClientGroup).order_by(ClientGroup.name))],
            departments=[(d.id, d.name) for d in s.scalars(select(Department).order_by(Department.name))],
            client_fields=custom(CustomFieldEntity.CLIENT),
            contact_fields=custom(CustomFieldEntity.CONTACT),
            segments=distinct(Client.segment),
            regions=distinct(Client.region),
            sources=distinct(Client.source),
        )


# --------------------------------------------------------------------------- custom values


def custom_value_of(value: CustomValue, value_type: CustomFieldType) -> CustomValueType:
    if value_type is CustomFieldType.NUMBER:
        return value.value_number
    if value_type is CustomFieldType.DATE:
        return value.value_date
    return value.value_text or None


def parse_date(text: str, field_key: str, label: str) -> date | None:
    """«ДД.ММ.ГГГГ» (or ISO) → date; blank → None."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(field_key, f"{label}: дата «{text}» указана неверно, нужно ДД.ММ.ГГГГ")


def parse_custom(info: CustomFieldInfo, text: str) -> CustomValueType:
    """Text typed for a custom field → its typed value (ValidationError names the field)."""
    key = f"custom:{info.id}"
    text = (text or "").strip()
    if not text:
        return None
    if info.value_type is CustomFieldType.NUMBER:
        try:
            return Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise ValidationError(key, f"{info.name}: «{text}» — не число") from None
    if info.value_type is CustomFieldType.DATE:
        return parse_date(text, key, info.name)
    if info.value_type is CustomFieldType.CHOICE and info.choices and text not in info.choices:
        raise ValidationError(key, f"{info.name}: значение «{text}» не из списка")
    return text


def format_custom(value: CustomValueType) -> str:
    return display_value(value) or ""


# --------------------------------------------------------------------------- validation


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def validate_phones(phones: list[PhoneData], prefix: str = "phone") -> list[PhoneData]:
    result = []
    for index, phone in enumerate(phones):
        if not phone.raw.strip():
            continue  # an empty row is simply not saved
        try:
            number = normalize_phone(phone.raw)
        except ValidationError as exc:
            raise ValidationError(f"{prefix}:{index}", exc.message) from None
        ext = blank_to_none(phone.extension) or number.extension
        result.append(replace(phone, raw=phone.raw.strip(), digits=number.digits, extension=ext))
    return result


def validate_emails(emails: list[EmailData], prefix: str = "email") -> list[EmailData]:
    result = []
    for index, email in enumerate(emails):
        if not email.address.strip():
            continue
        try:
            result.append(replace(email, address=validate_email(email.address)))
        except ValidationError as exc:
            raise ValidationError(f"{prefix}:{index}", exc.message) from None
    return result


# --------------------------------------------------------------------------- compare


def differences(mine: Any, theirs: Any, titles: dict[str, str],
                readable: Any = None) -> list[tuple[str, str, str]]:
    """(field title, my value, their value) for the fields where two cards differ.

    ``readable(collection, key, value)`` names responsibilities/custom values for people.
    """
    result = []
    for f in fields(mine):
        name = f.name
        if name in ("id", "version", "updated_at", "updated_by", "created_at", "contacts",
                    "client_name"):
            continue
        a, b = getattr(mine, name), getattr(theirs, name)
        if name in ("phones", "emails", "addresses"):
            a_text = "; ".join(_subrow_text(x) for x in a)
            b_text = "; ".join(_subrow_text(x) for x in b)
        elif name in ("responsibilities", "custom"):
            a_text = _mapping_text(name, a, readable)
            b_text = _mapping_text(name, b, readable)
        else:
            a_text, b_text = display_value(a) or "", display_value(b) or ""
        if a_text != b_text:
            result.append((titles.get(name, _COLLECTION_TITLES.get(name, name)), a_text, b_text))
    return result


_COLLECTION_TITLES = {"phones": "Телефоны", "emails": "E-mail", "addresses": "Адреса",
                      "responsibilities": "Ответственные", "custom": "Дополнительные сведения"}


def _subrow_text(row: Any) -> str:
    if isinstance(row, PhoneData):
        return row.raw + (f" доб. {row.extension}" if row.extension else "")
    if isinstance(row, EmailData):
        return row.address
    if isinstance(row, AddressData):
        return ", ".join(p for p in (row.postal_code, row.text) if p)
    return str(row)


def _mapping_text(name: str, mapping: dict[int, Any], readable: Any) -> str:
    return "; ".join(readable(name, k, v) if readable else f"{k}: {display_value(v)}"
                     for k, v in sorted(mapping.items()) if v is not None)
