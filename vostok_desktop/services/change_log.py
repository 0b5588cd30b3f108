"""The change log («Журнал изменений»): diff old/new field values into ChangeLog rows.

No Qt. Every writer of clients, contacts, phones, addresses, responsibilities and
custom values calls :func:`record_changes` inside its own transaction, so the log and
the change commit or roll back together.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.base import utcnow

_MAX_VALUE = 4000  # long notes are cut in the log; the row itself keeps the whole text


def display_value(value: Any) -> str | None:
    """A value as the log stores it: readable text, None for «пусто»."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if text == "":
        return None
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def record_changes(
    session: Session,
    table: str,
    row_id: int,
    client_id: int | None,
    employee_id: int | None,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    changed_at: datetime | None = None,
) -> list[ChangeLog]:
    """Add one ChangeLog row per field whose readable value differs between ``old`` and
    ``new``. A key missing on one side counts as empty there (so ``old={}`` logs a
    created row, ``new={}`` a deleted one). Returns the rows added to ``session``."""
    when = changed_at or utcnow()
    rows: list[ChangeLog] = []
    for field in list(dict.fromkeys([*old.keys(), *new.keys()])):
        before = display_value(old.get(field))
        after = display_value(new.get(field))
        if before == after:
            continue
        row = ChangeLog(
            changed_at=when,
            employee_id=employee_id,
            table_name=table,
            row_id=row_id,
            client_id=client_id,
            field=field[:63],
            old_value=before,
            new_value=after,
        )
        session.add(row)
        rows.append(row)
    return rows


def client_history(session: Session, client_id: int, limit: int = 2000) -> list[ChangeLog]:
    """The client's log, newest first: its own rows and those of its phones, contacts..."""
    stmt = (
        select(ChangeLog)
        .where(or_(ChangeLog.client_id == client_id,
                   (ChangeLog.table_name == "clients") & (ChangeLog.row_id == client_id)))
        .order_by(ChangeLog.changed_at.desc(), ChangeLog.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def row_history(session: Session, table: str, row_ids: list[int],
                limit: int = 2000) -> list[ChangeLog]:
    """The log of given rows of one table, newest first."""
    if not row_ids:
        return []
    stmt = (
        select(ChangeLog)
        .where(ChangeLog.table_name == table, ChangeLog.row_id.in_(row_ids))
        .order_by(ChangeLog.changed_at.desc(), ChangeLog.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
