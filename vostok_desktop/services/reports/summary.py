"""The summaries of works (migrations 0023, 0025) the pivot engine reads instead of the works.

On a server base the database keeps ``work_record_summary``: per visibility class (the
client's owners, what the clients policy reads), employee, local month and kind of work,
the number of works, of done works and their minutes (and a line of all kinds together,
kind :data:`ALL_KINDS`, for a report without kinds) — kept by triggers on the works and
the clients, under the same rule as the works, written by nobody else. «Контакты с
клиентами» by employee, department, month/quarter/year and kind over whole months counts
a few hundred thousand summary lines instead of millions of works.

Distinct clients do not add up over those lines; ``work_client_summary`` (0025) keeps, per
class, employee, local month and client, that employee's number of works with that client
(all kinds together): «Клиентов» (and the counts) by employee, department and
month/quarter/year is a distinct count over its lines. Any other question (days, weeks, a
client, a direction, a part of a month) reads the works.

The months are cut at the offset the base was built with; a workstation on another UTC
offset (or a period whose bounds do not fall at that offset, a time zone with summer
time) reads the works. A file base has no summary: it reads its works.

No Qt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from vostok_desktop.db import OpenedBase
from vostok_desktop.services.reports.periods import local_offset_minutes, period_bounds_utc

__all__ = ["ALL_KINDS", "WORK_CLIENT_SUMMARY", "WORK_RECORD_SUMMARY", "client_summary_usable",
           "summary_offset", "works_summary_usable"]

ALL_KINDS = "*"  # the summary's line of all kinds of work together (what 0023 writes)

# Not a model: the server's triggers alone write it (no such table in a file base).
WORK_RECORD_SUMMARY = Table(
    "work_record_summary", MetaData(),
    Column("visible_to", ARRAY(Integer), nullable=False),
    Column("employee_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("works", BigInteger, nullable=False),
    Column("done", BigInteger, nullable=False),
    Column("minutes", BigInteger, nullable=False),
)

WORK_CLIENT_SUMMARY = Table(
    "work_client_summary", MetaData(),
    Column("visible_to", ARRAY(Integer), nullable=False),
    Column("employee_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("works", BigInteger, nullable=False),
)


def summary_offset(base: OpenedBase, table: str = "work_record_summary") -> int | None:
    """The UTC offset (minutes) the base's summaries cut months at; None when the base
    keeps no summary ``table`` this login may read."""
    if base.dialect != "postgresql":
        return None
    with base.engine.connect() as conn:
        present = conn.scalar(text(
            "select coalesce(has_function_privilege("
            "to_regprocedure('vostok_work_summary_offset()'), 'EXECUTE') "
            "and has_table_privilege(to_regclass(:table), 'SELECT'), false)"), {"table": table})
        if not present:
            return None
        return int(conn.scalar(text("select vostok_work_summary_offset()")))


def _bounds_at(first: date, last: date, offset: int) -> tuple[datetime, datetime]:
    shift = timedelta(minutes=offset)
    return (datetime.combine(first, time.min, UTC) - shift,
            datetime.combine(last + timedelta(days=1), time.min, UTC) - shift)


def _usable(base: OpenedBase, query: object, table: str) -> bool:
    offset = summary_offset(base, table)
    if offset is None or offset != local_offset_minutes():
        return False
    period = getattr(query, "period", None)
    return period is None or period_bounds_utc(*period) == _bounds_at(*period, offset)


def works_summary_usable(base: OpenedBase, query: object) -> bool:
    """Whether the summary of works' months are this workstation's months for
    ``query``'s period (the engine has checked the rest)."""
    return _usable(base, query, "work_record_summary")


def client_summary_usable(base: OpenedBase, query: object) -> bool:
    """The same for the summary of clients worked with (0025; a base one revision behind
    has none)."""
    return _usable(base, query, "work_client_summary")
