"""What every area's demo step shares: the seed, the progress stages, the summary of
rows made, and the context an area's step receives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import Connection
from sqlalchemy.orm import Session

DEMO_SEED = 20261122
ProgressCallback = Callable[[str, int, int], None]

# One tax inspection code per 100,000 clients keeps INNs unique: 2 digits of inspection.
MAX_CLIENTS = 9_900_000

STAGE_REFERENCE = "Создание справочников"
STAGE_CLIENTS = "Создание клиентов и контактных лиц"
STAGE_INDEXES = "Построение индексов"
STAGE_ANALYZE = "Сбор статистики"
STAGE_DISTRIBUTIVES = "Создание дистрибутивов и их движений"


@dataclass
class DemoSummary:
    """How many rows each table received, and how long it took."""

    departments: int = 0
    directions: int = 0
    employees: int = 0
    client_groups: int = 0
    custom_fields: int = 0
    clients: int = 0
    contacts: int = 0
    phones: int = 0
    emails: int = 0
    addresses: int = 0
    responsibilities: int = 0
    custom_values: int = 0
    favourites: int = 0
    product_systems: int = 0
    client_divisions: int = 0
    kits: int = 0
    distributives: int = 0
    distributive_movements: int = 0
    distributive_terms: int = 0
    seconds: float = 0.0
    dialect: str = ""

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}

    @property
    def rows(self) -> int:
        return sum(self.counts().values())

    def __str__(self) -> str:
        return (f"клиентов {self.clients}, контактных лиц {self.contacts}, "
                f"телефонов {self.phones}, e-mail {self.emails}, сотрудников {self.employees}, "
                f"дистрибутивов {self.distributives}, движений {self.distributive_movements}; "
                f"всего строк {self.rows} за {self.seconds:.1f} с")


@dataclass
class AreaContext:
    """What an area's demo step gets, after the reference data and the clients are in:
    the load's session (inside its transaction: all or nothing), the administrator's id,
    the seed (an area derives its own ``random.Random`` from it, so the same seed gives
    the same data), the summary to count its rows in and the load's progress callback.
    A bulk area writes plain rows with :func:`bulk_rows`."""

    session: Session
    admin_id: int
    seed: int
    summary: DemoSummary
    progress: ProgressCallback = lambda _stage, _done, _total: None


AreaStep = Callable[[AreaContext], None]


def bulk_rows(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Write plain row tuples fast inside the load's transaction: COPY on PostgreSQL,
    ``executemany`` on SQLite. Values are what the driver stores as is (ISO dates and
    timestamps as text, numbers as text or int)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                             f"({', '.join('?' * len(columns))})", rows)


def suspend_indexes_postgresql(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop plain indexes and foreign keys of the empty ``tables``; return the DDL to restore.

    Building an index once and checking a foreign key with one join is many times faster
    than maintaining them row by row. The definitions come from the catalog, so they stay
    exactly what the migrations made; it all happens inside the loading transaction.
    """
    empty = [t for t in tables
             if conn.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() is None]
    indexes = conn.exec_driver_sql(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%(tables)s)
          AND t.relnamespace = to_regnamespace(current_schema())
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.conrelid = t.oid)
        ORDER BY t.relname, i.relname
        """,
        {"tables": empty},
    ).all()
    foreign_keys = conn.exec_driver_sql(
        """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND t.relname = ANY(%(tables)s)
          AND t.relnamespace = to_regnamespace(current_schema())
        ORDER BY t.relname, c.conname
        """,
        {"tables": empty},
    ).all()
    for table, name, _ddl in foreign_keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ddl in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [ddl for _name, ddl in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {ddl}'
        for table, name, ddl in foreign_keys]
