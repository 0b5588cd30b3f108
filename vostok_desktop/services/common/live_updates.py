"""Live updates without Qt: what another workstation changed, as it happens.

On a server base the database announces every statement that changed a client-bound table
with ``pg_notify('vostok_changes', payload)`` (triggers, schema revision 0007); a
:class:`ChangeListener` holds its **own** connection that only LISTENs (a psycopg
connection waiting for notifies must not send queries for anyone else) and hands over
what arrived without blocking. A file base has no notifications: a
:class:`FileChangeCounter` polls SQLite's ``PRAGMA data_version`` on its own connection
(it moves when another connection committed) and reads the new ``change_log`` rows to
know which clients changed.

The GUI side (``gui/live_updates.py``) watches the listener's socket and coalesces
bursts into one :class:`ChangeBatch`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "vostok_changes"
EVERYTHING = "*"  # a notice about "anything may have changed" (after a reconnect)
OPERATIONS = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE"})
MAX_LOG_ROWS = 2000  # change_log rows read per poll; more means "many"


def _ids(value: Any, name: str) -> frozenset[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValueError(f"{name}: a list of integers or null expected, got {value!r:.80}")
    return frozenset(value)


@dataclass(frozen=True)
class ChangeNotice:
    """One statement's change: ``ids`` are the changed rows of ``table`` and ``clients``
    the clients they belong to; None means "many rows: refresh everything visible"."""

    table: str
    op: str
    ids: frozenset[int] | None = None
    clients: frozenset[int] | None = None
    pid: int | None = None  # the writer's backend

    @classmethod
    def everything(cls) -> ChangeNotice:
        """Anything may have changed (notices were missed while the connection was lost)."""
        return cls(EVERYTHING, "UPDATE")

    @classmethod
    def parse(cls, payload: str | bytes) -> ChangeNotice | None:
        """The notice in a NOTIFY payload; a garbled payload is logged and gives None."""
        try:
            if isinstance(payload, bytes):
                payload = payload.decode("utf-8")
            data = json.loads(payload)
            if not isinstance(data, dict):
                raise ValueError("a JSON object expected")
            table, op, pid = data.get("table"), data.get("op"), data.get("pid")
            if not isinstance(table, str) or not table:
                raise ValueError(f"no table name: {table!r:.80}")
            if not isinstance(op, str) or op.upper() not in OPERATIONS:
                raise ValueError(f"unknown operation {op!r:.80}")
            if pid is not None and (not isinstance(pid, int) or isinstance(pid, bool)):
                raise ValueError(f"pid is not a number: {pid!r:.80}")
            op = op.upper()
            ids = None if op == "TRUNCATE" else _ids(data.get("ids"), "ids")
            clients = None if op == "TRUNCATE" else _ids(data.get("clients"), "clients")
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            log.warning("ignored a garbled change notice %.200r: %s", payload, exc)
            return None
        if table == "clients" and clients is None and ids is not None:
            clients = ids
        return cls(table, op, ids, clients, pid)

    @property
    def is_everything(self) -> bool:
        return self.table == EVERYTHING


@dataclass
class ChangeBatch:
    """Notices of one burst, merged: what a view needs to decide what to re-read."""

    notices: list[ChangeNotice] = field(default_factory=list)

    def add(self, notices: Iterable[ChangeNotice]) -> None:
        self.notices.extend(notices)

    def __bool__(self) -> bool:
        return bool(self.notices)

    def touches(self, *tables: str) -> bool:
        return any(n.is_everything or n.table in tables for n in self.notices)

    def clients(self, *tables: str) -> set[int] | None:
        """Clients whose rows (of ``tables``; any table when none given) changed; None: any
        client may have (many rows, a reconnect)."""
        out: set[int] = set()
        for n in self.notices:
            if tables and not n.is_everything and n.table not in tables:
                continue
            if n.is_everything or n.clients is None:
                return None
            out |= n.clients
        return out

    def rows(self, table: str) -> set[int] | None:
        """Changed row ids of ``table`` (empty: none); None: any row may have changed."""
        out: set[int] = set()
        for n in self.notices:
            if n.is_everything or (n.table == table and n.ids is None):
                return None
            if n.table == table and n.ids is not None:
                out |= n.ids
        return out

    def inserted_or_deleted(self, table: str) -> bool:
        """Rows of ``table`` may have come or gone: counts and positions move."""
        return any(n.is_everything or (n.table == table and n.op != "UPDATE")
                   for n in self.notices)


# =====================================================================================
# Server base: LISTEN on a connection of its own
# =====================================================================================


def _server_channel(conn: Any) -> str | None:
    """The channel the server sends this login's notices on; the old shared channel on a
    base older than schema 0009."""
    row = conn.execute("select to_regprocedure('vostok_listen_channel()') is not null").fetchone()
    if not row or not row[0]:
        return CHANNEL
    row = conn.execute("select vostok_listen_channel()").fetchone()
    return row[0] if row else None


class ChangeListener:
    """LISTENs for change notices on a dedicated autocommit psycopg connection.

    ``connect`` makes a new DB-API (psycopg 3) connection; :meth:`for_engine` takes one out
    of an SQLAlchemy engine's pool for good, so it connects exactly as the program does.
    The GUI watches :meth:`fileno` and calls :meth:`drain` when the socket is readable;
    a lost server is noticed there (or told by :meth:`connection_lost`), and
    :meth:`reconnect` listens again and reports "everything may have changed"."""

    def __init__(self, connect: Callable[[], Any], channel: str | None = None) -> None:
        self._connect = connect
        # None: ask the server which channel is this login's (schema 0009: a secret one
        # per limited employee, one for those who see every client).
        self._fixed_channel = channel
        self.channel: str | None = channel or CHANNEL
        self._conn: Any = None
        self.lost_reason = ""
        self.reconnects = 0
        self._missed = False  # notices may have been missed: say "everything" once

    @classmethod
    def for_engine(cls, engine: Any, channel: str | None = None) -> ChangeListener:
        def connect() -> Any:
            pooled = engine.raw_connection()
            pooled.detach()  # ours for good: never handed back to the pool
            return pooled.dbapi_connection
        return cls(connect, channel)

    # -- connection --------------------------------------------------------------
    def start(self) -> ChangeListener:
        """Connect and LISTEN; raises the driver's error when the server is unreachable."""
        conn = self._connect()
        try:
            if not conn.autocommit:
                conn.rollback()
                conn.autocommit = True
            self.channel = self._fixed_channel or _server_channel(conn)
            if self.channel:  # none: this login is told nothing
                quoted = '"' + self.channel.replace('"', '""') + '"'
                conn.execute(f"LISTEN {quoted}")
        except Exception:
            _close_quietly(conn)
            raise
        self._conn = conn
        self.lost_reason = ""
        return self

    @property
    def is_listening(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def fileno(self) -> int:
        """The socket to watch for readability (-1 when not connected)."""
        if not self.is_listening:
            return -1
        return int(self._conn.pgconn.socket)

    def backend_pid(self) -> int | None:
        return int(self._conn.info.backend_pid) if self.is_listening else None

    def connection_lost(self, reason: str = "") -> None:
        """Give the connection up (the server was lost); :meth:`reconnect` listens again."""
        if self._conn is not None:
            _close_quietly(self._conn)
            self._conn = None
            self._missed = True
        self.lost_reason = reason or self.lost_reason or "соединение потеряно"

    def reconnect(self) -> bool:
        """Listen again after a loss; True when listening. The next :meth:`drain` reports
        :meth:`ChangeNotice.everything` for what was missed meanwhile."""
        if self.is_listening:
            return True
        try:
            self.start()
        except Exception as exc:  # noqa: BLE001 - the server is still away: retry later
            self.lost_reason = str(exc).strip().splitlines()[0] if str(exc).strip() else \
                exc.__class__.__name__
            return False
        self.reconnects += 1
        self._missed = True
        return True

    def close(self) -> None:
        if self._conn is not None:
            _close_quietly(self._conn)
            self._conn = None

    # -- notices -----------------------------------------------------------------
    def drain(self) -> list[ChangeNotice]:
        """The notices that arrived, without waiting. A lost connection is noticed here
        (``is_listening`` turns False); garbled payloads are logged and skipped."""
        out: list[ChangeNotice] = []
        if self._missed and self.is_listening:
            self._missed = False
            out.append(ChangeNotice.everything())
        if not self.is_listening:
            return out
        pgconn = self._conn.pgconn
        try:
            pgconn.consume_input()
            while (notify := pgconn.notifies()) is not None:
                if notify.relname.decode() != self.channel:
                    continue
                notice = ChangeNotice.parse(notify.extra)
                if notice is not None:
                    out.append(notice)
        except Exception as exc:  # noqa: BLE001 - psycopg.OperationalError: server gone
            self.connection_lost(str(exc).strip().splitlines()[0] if str(exc).strip()
                                 else exc.__class__.__name__)
            return out
        from psycopg.pq import ConnStatus

        if pgconn.status != ConnStatus.OK:
            self.connection_lost("соединение закрыто сервером")
        return out


def _close_quietly(conn: Any) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001, S110 - closing a dead connection may fail; it is gone
        pass


# =====================================================================================
# File base: a cheap change counter
# =====================================================================================


class FileChangeCounter:
    """Notices writes to an SQLite file by other connections (other programs, other
    processes): ``PRAGMA data_version`` on a connection of its own moves when someone
    else committed. :meth:`poll` then reads the ``change_log`` rows written since the last
    poll to name the clients; without them it reports "everything"."""

    def __init__(self, path: str, read_change_log: bool = True) -> None:
        self.path = path
        self.read_change_log = read_change_log
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.execute("PRAGMA query_only = ON")
        self._version = self._data_version()
        self._last_log_id = self._max_log_id() if read_change_log else 0

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _max_log_id(self) -> int:
        try:
            row = self._conn.execute("SELECT max(id) FROM change_log").fetchone()
        except sqlite3.Error:
            self.read_change_log = False
            return 0
        return int(row[0] or 0)

    def changed(self) -> bool:
        """Did another connection commit since the last call? (one PRAGMA, microseconds)"""
        version = self._data_version()
        if version == self._version:
            return False
        self._version = version
        return True

    def poll(self) -> list[ChangeNotice]:
        """What changed since the last poll: notices per table from the change log, or
        one "everything" notice when the log does not say (or says too much)."""
        try:
            if not self.changed():
                return []
            if not self.read_change_log:
                return [ChangeNotice.everything()]
            return self._log_notices()
        except sqlite3.Error as exc:
            log.warning("file base change counter: %s", exc)
            return []

    def _log_notices(self) -> list[ChangeNotice]:
        rows = self._conn.execute(
            "SELECT id, table_name, row_id, client_id, old_value IS NULL, new_value IS NULL "
            "FROM change_log WHERE id > ? ORDER BY id LIMIT ?",
            (self._last_log_id, MAX_LOG_ROWS + 1)).fetchall()
        if not rows:
            # A write that logged nothing (favourites, hot-line requests…): refresh what shows.
            return [ChangeNotice.everything()]
        if len(rows) > MAX_LOG_ROWS:
            self._last_log_id = self._max_log_id()
            return [ChangeNotice.everything()]
        self._last_log_id = int(rows[-1][0])
        return notices_from_log(rows) + self._transfers_from(rows)

    def _transfers_from(self, rows: Sequence[Sequence[Any]]) -> list[ChangeNotice]:
        """A transfer of rights is logged under the client it went to; the client it left
        hears of it too (the server's second notice trigger on movements, 0010)."""
        ids = sorted({int(r[2]) for r in rows if r[1] == "distributive_movements"})
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        left = {int(c) for (c,) in self._conn.execute(
            f"SELECT DISTINCT from_client_id FROM distributive_movements "  # noqa: S608 - marks only
            f"WHERE id IN ({marks}) AND from_client_id IS NOT NULL", ids)}
        if not left:
            return []
        return [ChangeNotice("distributive_movements", "INSERT", frozenset(ids),
                             frozenset(left))]

    def close(self) -> None:
        self._conn.close()


def notices_from_log(rows: Sequence[Sequence[Any]]) -> list[ChangeNotice]:
    """Change-log rows ``(id, table_name, row_id, client_id, old is null, new is null)`` as
    notices per table and operation. A row whose every logged field was empty before was
    created ("INSERT"), empty after: deleted; anything else an update."""
    fields: dict[tuple[str, int], list[tuple[bool, bool]]] = {}
    owner: dict[tuple[str, int], int | None] = {}
    for _id, table, row_id, client_id, old_null, new_null in rows:
        key = (str(table), int(row_id))
        fields.setdefault(key, []).append((bool(old_null), bool(new_null)))
        if client_id is not None or table == "clients":
            owner[key] = int(client_id if client_id is not None else row_id)
        else:
            owner.setdefault(key, None)
    grouped: dict[tuple[str, str], tuple[set[int], set[int] | None]] = {}
    for (table, row_id), flags in fields.items():
        op = ("INSERT" if all(o for o, _n in flags) else
              "DELETE" if all(n for _o, n in flags) else "UPDATE")
        ids, clients = grouped.setdefault((table, op), (set(), set()))
        ids.add(row_id)
        client = owner[(table, row_id)]
        if client is None or clients is None:
            grouped[(table, op)] = (ids, None)
        else:
            clients.add(client)
    return [ChangeNotice(table, op, frozenset(ids),
                         None if clients is None else frozenset(clients))
            for (table, op), (ids, clients) in grouped.items()]




# =====================================================================================
# Open cards: is what a card shows still what the base holds?
# =====================================================================================


@dataclass(frozen=True)
class StoredVersion:
    """A card's entity as the base holds it now: its version and who changed it when."""

    id: int
    version: int
    updated_at: datetime | None
    updated_by: str | None


def stored_versions(base: Any, kind: str, ids: Iterable[int]) -> dict[int, StoredVersion]:
    """Versions of clients or contacts (``kind``) by id, one short query; a deleted (or,
    under row-level security, hidden) entity is missing from the answer."""
    from sqlalchemy import select

    from vostok_desktop.domain import Client, Contact, Employee

    model: Any = {"client": Client, "contact": Contact}[kind]
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = (select(model.id, model.version, model.updated_at, Employee.full_name)
            .outerjoin(Employee, Employee.id == model.updated_by_id)
            .where(model.id.in_(wanted)))
    with base.engine.connect() as conn:
        return {int(r[0]): StoredVersion(int(r[0]), int(r[1]), r[2], r[3])
                for r in conn.execute(stmt)}


__all__ = ["CHANNEL", "ChangeBatch", "ChangeListener", "ChangeNotice", "EVERYTHING",
           "FileChangeCounter", "StoredVersion", "notices_from_log", "stored_versions"]
