"""Loading the demo base: PostgreSQL with COPY in one transaction (all or nothing);
SQLite with ``executemany`` in one transaction per batch, removing what it wrote if a
batch fails. The area steps (``AREA_STEPS``) run after the clients, in the same
transaction."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import closing
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from vostok_desktop.services.demo.areas import AREA_TABLES, run_area_steps
from vostok_desktop.services.demo.clients import BULK_TABLES, COLUMNS, ClientGenerator
from vostok_desktop.services.demo.common import (
    STAGE_ANALYZE,
    STAGE_CLIENTS,
    STAGE_INDEXES,
    STAGE_REFERENCE,
    AreaContext,
    DemoSummary,
    ProgressCallback,
    suspend_indexes_postgresql,
)
from vostok_desktop.services.demo.org import create_reference

if TYPE_CHECKING:
    from vostok_desktop.db import OpenedBase


# ------------------------------------------------------------------------------- loading


def _start_ids(conn: Connection) -> dict[str, int]:
    return {t: conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").scalar_one()
            for t in BULK_TABLES}


def _refuse_if_not_empty(conn: Connection) -> None:
    if conn.exec_driver_sql("SELECT 1 FROM clients LIMIT 1").first() is not None:
        raise ValueError(
            "В базе уже есть клиенты: демонстрационные данные создаются только в пустой базе, "
            "чтобы не смешаться с настоящими")


def _prefetched(gen: ClientGenerator, total: int, size: int) -> Iterator[dict[str, list[tuple]]]:
    """Batches of ``size`` clients, each made on a worker thread while the previous is written.

    The database driver releases the GIL while the server (or SQLite) works, so making the
    next batch overlaps with writing this one. Batches are made in order: still deterministic.
    Close the iterator (``contextlib.closing``) to stop the worker early.
    """
    slot: queue.Queue[object] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            done = 0
            while done < total:
                count = min(size, total - done)
                if not put(gen.batch(count)):
                    return
                done += count
            put(None)
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread
            put(exc)

    worker = threading.Thread(target=work, name="demo-data-generator", daemon=True)
    worker.start()
    try:
        while (item := slot.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


def _batch_size(batch: dict[str, list[tuple]]) -> int:
    return len(batch["clients"])


def load_postgresql(
        opened_base: OpenedBase, clients: int, seed: int, progress: ProgressCallback,
        summary: DemoSummary,
) -> None:
    """Everything in one transaction: a failure or a cancel leaves the base as it was."""
    with opened_base.engine.begin() as conn:
        # The engine limits statements for the GUI thread; a bulk load lifts it.
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        conn.exec_driver_sql("LOCK TABLE clients IN SHARE ROW EXCLUSIVE MODE")
        _refuse_if_not_empty(conn)
        progress(STAGE_REFERENCE, 0, 1)
        gen = ClientGenerator(seed, "postgresql", _start_ids(conn))
        # Generated rows are not users' changes: the change-log and notification
        # triggers (0007) stay quiet while they load. Only the owner may switch them off.
        quiet: list[str] = []
        try:
            with conn.begin_nested():
                quiet = list(conn.scalars(text(
                    "select distinct c.relname from pg_trigger t "
                    "join pg_class c on c.oid = t.tgrelid "
                    "where t.tgname like 'vostok_%' and not t.tgisinternal")))
                for table in quiet:
                    conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        except DBAPIError:
            quiet = []
        session = opened_base.sessions(bind=conn)
        admin_id = create_reference(session, gen, summary)
        progress(STAGE_REFERENCE, 1, 1)

        rebuild: list[str] = []
        if clients:
            try:
                with conn.begin_nested():
                    rebuild = _suspend_indexes_postgresql(conn)
            except DBAPIError:  # not the tables' owner: load with the indexes in place
                rebuild = []
        raw = conn.connection.dbapi_connection
        done = 0
        progress(STAGE_CLIENTS, 0, clients)
        with raw.cursor() as cursor, closing(_prefetched(gen, clients, 10_000)) as batches:
            for batch in batches:
                for table, rows in batch.items():
                    if not rows:
                        continue
                    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) "
                                     "FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                done += _batch_size(batch)
                progress(STAGE_CLIENTS, done, clients)
        if quiet:
            # The triggers that keep clients.visible_to were off: fill it in one pass
            # (before the indexes come back, so it rewrites the rows cheaply).
            conn.exec_driver_sql("SELECT vostok_refresh_all_owners()")
        for i, ddl in enumerate(rebuild):
            progress(STAGE_INDEXES, i, len(rebuild))
            conn.exec_driver_sql(ddl)
        if rebuild:
            progress(STAGE_INDEXES, len(rebuild), len(rebuild))
        for table in BULK_TABLES:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}")
        # The areas' generated rows are not users' changes either: before the triggers
        # come back (each area step sets its own tables' sequences).
        run_area_steps(AreaContext(session, admin_id, seed, summary, progress))
        for table in quiet:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        session.close()
    progress(STAGE_ANALYZE, 0, 1)
    _vacuum_analyze_postgresql(opened_base)
    progress(STAGE_ANALYZE, 1, 1)
    _count(gen, summary)


def _vacuum_analyze_postgresql(opened_base: OpenedBase) -> None:
    """VACUUM ANALYZE the loaded tables after the load committed: statistics for the
    planner, and the visibility map set so the lists' anchors are index-only scans.
    VACUUM cannot run in a transaction: an AUTOCOMMIT connection, no statement limit."""
    with opened_base.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        try:
            for table in (*BULK_TABLES, *AREA_TABLES):
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        finally:
            conn.exec_driver_sql("RESET statement_timeout")


def _suspend_indexes_postgresql(conn: Connection) -> list[str]:
    return suspend_indexes_postgresql(conn, BULK_TABLES)


def load_sqlite(
        opened_base: OpenedBase, clients: int, seed: int, progress: ProgressCallback,
        summary: DemoSummary,
) -> None:
    """One transaction per batch; if anything fails, what this run wrote is deleted again."""
    with opened_base.engine.connect() as conn:
        _refuse_if_not_empty(conn)
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        first_ids = _start_ids(conn) | {t: conn.exec_driver_sql(
            f"SELECT coalesce(max(id), 0) + 1 FROM {t}").scalar_one() for t in _REFERENCE_TABLES}
        conn.commit()
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("PRAGMA cache_size=-131072")
        conn.commit()
        try:
            progress(STAGE_REFERENCE, 0, 1)
            gen = ClientGenerator(seed, "sqlite", {t: first_ids[t] for t in BULK_TABLES})
            with conn.begin():
                session = opened_base.sessions(bind=conn)
                admin_id = create_reference(session, gen, summary)
                session.close()
            progress(STAGE_REFERENCE, 1, 1)
            statements = {t: f"INSERT INTO {t} ({', '.join(c)}) VALUES "
                             f"({', '.join('?' * len(c))})" for t, c in COLUMNS.items()}
            done = 0
            progress(STAGE_CLIENTS, 0, clients)
            with closing(_prefetched(gen, clients, 10_000)) as batches:
                for batch in batches:
                    with conn.begin():
                        for table, rows in batch.items():
                            if rows:
                                conn.exec_driver_sql(statements[table], rows)
                    done += _batch_size(batch)
                    progress(STAGE_CLIENTS, done, clients)
            with conn.begin():
                session = opened_base.sessions(bind=conn)
                run_area_steps(AreaContext(session, admin_id, seed, summary, progress))
                session.close()
        except BaseException:
            conn.rollback()
            _delete_partial(conn, first_ids)
            raise
        finally:
            conn.exec_driver_sql(f"PRAGMA synchronous={int(synchronous)}")
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
            conn.commit()
    _count(gen, summary)


_REFERENCE_TABLES = ("favourites", "custom_fields", "client_groups", "employees", "directions",
                     "departments")


def _delete_partial(conn: Connection, first_ids: dict[str, int]) -> None:
    """Undo a failed or cancelled SQLite load: rows with ids from this run's first id on."""
    order = ("favourites", "custom_values", "responsibilities", "addresses", "emails",
             "phones", "contacts", "clients", "custom_fields", "client_groups", "employees",
             "directions", "departments")
    with conn.begin():
        for table in order:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id >= ?", (first_ids[table],))


def _count(gen: ClientGenerator, summary: DemoSummary) -> None:
    for table, count in gen.counts.items():
        setattr(summary, table, count)


def no_progress(_stage: str, _done: int, _total: int) -> None:
    pass
