"""The change log («Журнал изменений»): diff old/new field values into ChangeLog rows.

No Qt. Every writer of clients, contacts, phones, addresses, responsibilities and
custom values calls :func:`record_changes` inside its own transaction, so the log and
the change commit or roll back together.

On a server base the database writes the log of the tables in
:data:`DATABASE_LOGGED_TABLES` itself (triggers of migration 0007), so a user's own
psql login cannot change a client without a trace. There the program adds no rows of
its own for those tables: it only tells the database which employee acts, for the
connections that are not an employee's own login (the owner, a superuser).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, or_, select, text
from sqlalchemy.orm import Session

from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.base import utcnow

_MAX_VALUE = 4000  # long notes are cut in the log; the row itself keeps the whole text

# Logged by PostgreSQL triggers on a server base (0007 ``_LOGGED``, 0010/0011 ``LOGGED``, 0012).
DATABASE_LOGGED_TABLES = frozenset({
    "clients", "client_divisions", "addresses", "contacts", "phones", "emails",
    "responsibilities", "custom_values", "attachments", "employees", "action_items",
    "assignments", "work_records",
    "product_systems", "kits", "distributives", "distributive_movements",
    # 0011: reference data and shared list settings
    "departments", "directions", "client_groups", "custom_fields", "department_heads",
    "custom_field_rules", "saved_list_settings",
    # 0012: installation of distributives
    "installations", "installation_lines",
})


def database_writes_log(bind: Session | Connection, table: str) -> bool:
    """True when the server's triggers log changes of ``table`` on this connection."""
    return table in DATABASE_LOGGED_TABLES and _dialect(bind) == "postgresql"


def _dialect(bind: Session | Connection) -> str:
    if isinstance(bind, Session):
        return bind.get_bind().dialect.name
    return bind.dialect.name


def _program_event(table: str, field: str) -> bool:
    from vostok_desktop.domain import Base

    columns = Base.metadata.tables[table].columns
    return field not in columns and not field.startswith(("responsible:", "custom:"))


def _server_logs_events(bind: Session | Connection) -> bool:
    """Whether this PostgreSQL base has vostok_log_event (schema 0009 or newer): then
    users may not INSERT into the log and the checked function writes their lines."""
    key = "vostok_log_event"
    if key not in bind.info:
        bind.info[key] = bool(bind.scalar(text(
            "select to_regprocedure('vostok_log_event(text, integer, integer, text, text, "
            "text)') is not null")))
    return bool(bind.info[key])


_LOG_EVENT = text("select vostok_log_event(:table_name, :row_id, :client_id, :field, "
                  ":old_value, :new_value)")


def write_log_rows(bind: Session | Connection, rows: list[dict[str, Any]]) -> None:
    """Write prepared log lines: through vostok_log_event on a server base (server time,
    the caller's own login, visibility checked), as plain INSERTs on a file base."""
    if not rows:
        return
    if _dialect(bind) == "postgresql" and _server_logs_events(bind):
        keys = ("table_name", "row_id", "client_id", "field", "old_value", "new_value")
        bind.execute(_LOG_EVENT, [{k: r.get(k) for k in keys} for r in rows])
    else:
        bind.execute(ChangeLog.__table__.insert(), rows)


def act_as(bind: Session | Connection, employee_id: int | None) -> None:
    """On PostgreSQL: name the acting employee for the log rows the triggers write in
    this transaction. It matters only to privileged connections (the owner, a superuser);
    an employee's own login is always logged as that employee, whatever is passed here."""
    if employee_id is None or _dialect(bind) != "postgresql":
        return
    key = "vostok_acting"
    if isinstance(bind, Session):
        marker = (id(bind.get_transaction()), employee_id)
        if bind.info.get(key) == marker:
            return
        bind.info[key] = marker
    bind.execute(text("select vostok_attribute_changes(:e)"), {"e": employee_id})


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
    if database_writes_log(session, table):
        act_as(session, employee_id)
        # The triggers log the table's columns (and responsible:/custom: rows); what is
        # left are the program's own events («merged_from»), which it still writes.
        old = {k: v for k, v in old.items() if _program_event(table, k)}
        new = {k: v for k, v in new.items() if _program_event(table, k)}
        if not old and not new:
            return []
    when = changed_at or utcnow()
    server = _dialect(session) == "postgresql" and _server_logs_events(session)
    if server:
        act_as(session, employee_id)
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
        if server:
            # Users may not INSERT into the server's log (0009).
            write_log_rows(session, [{"table_name": table, "row_id": row_id,
                                      "client_id": client_id, "field": row.field,
                                      "old_value": before, "new_value": after}])
        else:
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


def insert_log_rows(conn: Connection, rows: list[dict[str, Any]],
                    employee_id: int | None) -> None:
    """Insert prepared log rows (bulk operations), leaving out what the server logs."""
    if _dialect(conn) == "postgresql":
        act_as(conn, employee_id)
        rows = [r for r in rows if r["table_name"] not in DATABASE_LOGGED_TABLES]
    write_log_rows(conn, rows)


def move_client_history(session: Session, from_id: int, to_id: int) -> None:
    """A merge moves the duplicate's history to the survivor. On a server base users may
    not rewrite the log, so the database does it, for those with the right to merge."""
    if _dialect(session) == "postgresql":
        session.execute(text("select vostok_move_client_history(:a, :b)"),
                        {"a": from_id, "b": to_id})
        return
    session.execute(ChangeLog.__table__.update().where(ChangeLog.client_id == from_id)
                    .values(client_id=to_id))
    session.execute(ChangeLog.__table__.update().where(
        ChangeLog.table_name == "clients", ChangeLog.row_id == from_id,
        ChangeLog.client_id.is_(None)).values(client_id=to_id))
