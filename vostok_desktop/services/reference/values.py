"""«Сегменты» and «Регионы»: clients keep them as free text (``clients.segment`` /
``clients.region``), so the editor works on the values in use: how many clients have
each, and a rename — into an existing value it is a merge — as one mass update. No Qt.

A rename changes the clients' cards: they get a new version (an open card notices) and
a change-log line each (on a server base the database writes them); it is one
transaction. On a server base it reaches the clients the login sees.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vostok_desktop.domain import Client
from vostok_desktop.domain.base import utcnow
from vostok_desktop.services.common.change_log import database_writes_log, write_log_rows
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    write,
)


class ValueColumn(enum.StrEnum):
    SEGMENT = "segment"
    REGION = "region"


COLUMN_TITLES = {ValueColumn.SEGMENT: "сегмент", ValueColumn.REGION: "регион"}


@dataclass(frozen=True)
class ValueRow:
    value: str
    clients: int


def _column(column: ValueColumn):  # noqa: ANN202 - an InstrumentedAttribute
    return getattr(Client, ValueColumn(column).value)


def values_in_use(session: Session, column: ValueColumn) -> list[ValueRow]:
    """Each value with its number of clients, alphabetically (case-insensitive)."""
    col = _column(column)
    rows = session.execute(select(col, func.count()).where(col.is_not(None), col != "")
                           .group_by(col)).all()
    return sorted((ValueRow(v, int(n)) for v, n in rows), key=lambda r: (r.value.lower(),
                                                                           r.value))


def rename_value(session: Session, editor: Editor, column: ValueColumn, old: str,
                 new: str) -> int:
    """Give every client with ``old`` the value ``new`` (merging into it if it is in use
    already); returns how many clients changed."""
    editor.require()
    column = ValueColumn(column)
    target = clean_title(new, f"новый {COLUMN_TITLES[column]}", 100)
    if target == old:
        return 0
    col = _column(column)
    ids = list(session.scalars(select(Client.id).where(col == old).order_by(Client.id)))
    if not ids:
        raise ReferenceDataError(f"Значение «{old}» уже не используется.")

    def apply() -> int:
        changed = 0
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            values = {column.value: target, "version": Client.version + 1,
                      "updated_at": utcnow()}
            if editor.employee_id is not None:
                values["updated_by_id"] = editor.employee_id
            result = session.execute(update(Client).where(Client.id.in_(chunk), col == old)
                                     .values(**values)
                                     .execution_options(synchronize_session=False))
            changed += result.rowcount or 0
            if not database_writes_log(session, "clients"):
                write_log_rows(session, [{"changed_at": utcnow(),
                                          "employee_id": editor.employee_id,
                                          "table_name": "clients", "row_id": cid,
                                          "client_id": cid, "field": column.value,
                                          "old_value": old, "new_value": target}
                                         for cid in chunk])
        session.expire_all()
        return changed

    return write(session, apply)
