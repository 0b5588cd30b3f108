"""How the client and contact cards are read from and written to their rows, shared by
``cards.clients`` and ``cards.contacts``: the save transaction with its optimistic-locking
check, the card's own row, its phones/e-mails (and other sub-rows) and custom values, each
change written to the change log. No Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    CustomValue,
    Email,
    Employee,
    Phone,
)
from vostok_desktop.domain.reference import CustomFieldRule
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.cards.common import (
    CardConflict,
    CardNotFound,
    CustomValueType,
    EmailData,
    PhoneData,
    custom_value_of,
)
from vostok_desktop.services.common.change_log import display_value, record_changes

Row = TypeVar("Row")
Data = TypeVar("Data")


def row_values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


# --------------------------------------------------------------------------- read


def phones_data(phones: list[Phone]) -> list[PhoneData]:
    return [PhoneData(p.id, p.raw, p.kind, p.extension, p.digits)
            for p in sorted(phones, key=lambda p: p.id)]


def emails_data(emails: list[Email]) -> list[EmailData]:
    return [EmailData(e.id, e.address) for e in sorted(emails, key=lambda e: e.id)]


def load_custom(s: Session, owner_clause: Any) -> dict[int, CustomValueType]:
    values = s.scalars(select(CustomValue).where(owner_clause)
                       .options(selectinload(CustomValue.field)))
    result: dict[int, CustomValueType] = {}
    for v in values:
        value = custom_value_of(v, v.field.value_type)
        if value is not None:
            result[v.field_id] = value
    return result


# --------------------------------------------------------------------------- save


def _who_when(s: Session, model: type, entity_id: int) -> tuple[str | None, datetime | None, int]:
    row = s.execute(
        select(Employee.full_name, model.updated_at, model.version)
        .select_from(model).outerjoin(Employee, Employee.id == model.updated_by_id)
        .where(model.id == entity_id)
    ).first()
    if row is None:
        raise CardNotFound(model.__tablename__, entity_id)
    return row[0], row[1], row[2]


def save_card(base: OpenedBase, kind: str, model: type, d: Data, employee_id: int | None,
              write: Callable[[Session, Data, int | None], int]) -> int:
    """Run ``write`` (an already validated card) in one transaction; returns the card's id.

    A concurrent save caught by the version counter at commit raises CardConflict.
    """
    try:
        with base.sessions() as s, s.begin():
            entity_id = write(s, d, employee_id)
    except StaleDataError:
        entity_id = d.id  # type: ignore[attr-defined]
        assert entity_id is not None
        with base.sessions() as s:
            who, when, version = _who_when(s, model, entity_id)
        raise CardConflict(kind, entity_id, who, when, version) from None
    return entity_id


def write_card_row(s: Session, kind: str, model: type[Row], d: Any, names: tuple[str, ...],
                   employee_id: int | None, now: datetime, *, options: list[Any],
                   create: dict[str, Any], client_of: Callable[[Row], int]) -> Row:
    """Insert the card's row, or update it when its version is still ``d.version``.

    ``create`` adds columns for a new row; ``client_of(row)`` is the client the change log
    files the change under.
    """
    if d.id is None:
        row = model(**row_values(d, names), **create, updated_by_id=employee_id,
                    created_at=now, updated_at=now)
        s.add(row)
        s.flush()
        old: dict[str, Any] = {}
    else:
        found = s.get(model, d.id, options=options)
        if found is None:
            raise CardNotFound(kind, d.id)
        row = found
        if row.version != d.version:  # type: ignore[attr-defined]
            who, when, version = _who_when(s, model, d.id)
            raise CardConflict(kind, d.id, who, when, version)
        old = row_values(row, names)
        for n in names:
            setattr(row, n, getattr(d, n))
        # Always touch the row: the version moves even when only phones changed, so a
        # concurrent save of the same card is caught.
        row.updated_at = now  # type: ignore[attr-defined]
        row.updated_by_id = employee_id  # type: ignore[attr-defined]
    record_changes(s, model.__tablename__, row.id, client_of(row),  # type: ignore[attr-defined]
                   employee_id, old, row_values(row, names), changed_at=now)
    return row


def sync_rows(s: Session, table: str, current: list[Any], wanted: list[Any],
              names: tuple[str, ...], client_id: int, employee_id: int | None,
              now: datetime, make: Any) -> None:
    """Make the sub-rows ``current`` match ``wanted`` (matched by id), logging each change."""
    by_id = {row.id: row for row in current}
    keep: set[int] = set()
    for item in wanted:
        row = by_id.get(item.id) if item.id is not None else None
        if row is None:
            row = make(item)
            s.add(row)
            s.flush()
            record_changes(s, table, row.id, client_id, employee_id, {},
                           row_values(row, names), changed_at=now)
        else:
            old = row_values(row, names)
            for n in names:
                setattr(row, n, getattr(item, n))
            if table == "phones":
                row.digits = item.digits
            record_changes(s, table, row.id, client_id, employee_id, old,
                           row_values(row, names), changed_at=now)
        keep.add(row.id)
    for row in list(current):
        if row.id not in keep:
            record_changes(s, table, row.id, client_id, employee_id,
                           row_values(row, names), {}, changed_at=now)
            current.remove(row)
            s.delete(row)


def sync_phones_emails(s: Session, owner_attr: str, owner: Any, d: Any, client_id: int,
                       employee_id: int | None, now: datetime) -> None:
    """The phones and e-mails of a client or a contact (``owner_attr`` names which)."""
    sync_rows(s, "phones", owner.phones, d.phones, ("raw", "kind", "extension"), client_id,
              employee_id, now,
              lambda p: Phone(**{owner_attr: owner}, raw=p.raw, digits=p.digits, kind=p.kind,
                              extension=p.extension))
    sync_rows(s, "emails", owner.emails, d.emails, ("address",), client_id, employee_id, now,
              lambda e: Email(**{owner_attr: owner}, address=e.address))


def sync_custom(s: Session, owner: str, owner_id: int, client_id: int,
                wanted: dict[int, CustomValueType], employee_id: int | None,
                now: datetime) -> None:
    owner_col = CustomValue.client_id if owner == "client" else CustomValue.contact_id
    entity = CustomFieldEntity.CLIENT if owner == "client" else CustomFieldEntity.CONTACT
    fields_ = {f.id: f for f in s.scalars(select(CustomField).where(CustomField.entity == entity))}
    # A field «Справочники» made required is refused empty, named at the field; the card's
    # transaction is rolled back, so nothing of the save is written.
    required = s.scalars(select(CustomFieldRule.field_id).where(
        CustomFieldRule.is_required.is_(True),
        CustomFieldRule.field_id.in_(list(fields_)))).all()
    for field_id in sorted(required, key=lambda i: (fields_[i].position, i)):
        if wanted.get(field_id) in (None, ""):
            raise ValidationError(f"custom:{field_id}",
                                  f"{fields_[field_id].name}: обязательное поле")
    current = {v.field_id: v for v in s.scalars(select(CustomValue).where(owner_col == owner_id))}
    for field_id, info in fields_.items():
        row = current.get(field_id)
        old = custom_value_of(row, info.value_type) if row else None
        new = wanted.get(field_id)
        if display_value(old) == display_value(new):
            continue
        if row is None:
            row = CustomValue(field_id=field_id, **{f"{owner}_id": owner_id})
            s.add(row)
        row.value_text = row.value_number = row.value_date = None
        if info.value_type is CustomFieldType.NUMBER:
            row.value_number = new  # type: ignore[assignment]
        elif info.value_type is CustomFieldType.DATE:
            row.value_date = new  # type: ignore[assignment]
        else:
            row.value_text = new  # type: ignore[assignment]
        s.flush()
        key = f"custom:{field_id}"
        record_changes(s, "custom_values", row.id, client_id, employee_id,
                       {key: old}, {key: new}, changed_at=now)
        if new is None:
            s.delete(row)
