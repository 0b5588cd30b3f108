"""Period grouping of a report's date dimension, done by the database on both dialects.

A bucket is named by its first day as ``'YYYY-MM-DD'`` text on both dialects, so the
same key comes back from PostgreSQL (``date_trunc``) and SQLite (``strftime``/``date``
arithmetic). Weeks are ISO weeks, starting on Monday.

Timestamps are stored in UTC; people count «calls in March» on their own clock, so a
timestamp is shifted by the workstation's UTC offset before it is cut into periods (Russia
keeps one offset all year, so the current offset is the offset of every date).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import TIMESTAMP, Integer, String, cast, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

__all__ = [
    "MONTHS",
    "PERIOD_TITLES",
    "PeriodGrouping",
    "bucket_expression",
    "bucket_start",
    "bucket_text",
    "local_offset_minutes",
    "period_bounds_utc",
    "period_label",
]

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")


class PeriodGrouping(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_TITLES: dict[PeriodGrouping, str] = {
    PeriodGrouping.DAY: "по дням",
    PeriodGrouping.WEEK: "по неделям",
    PeriodGrouping.MONTH: "по месяцам",
    PeriodGrouping.QUARTER: "по кварталам",
    PeriodGrouping.YEAR: "по годам",
}


def local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _local(column: ColumnElement[Any], dialect: str, timestamp: bool,
           offset_minutes: int) -> ColumnElement[Any]:
    """The column as a local date-time (or date) the dialect's date functions accept."""
    if not timestamp:
        return column
    if dialect == "postgresql":
        shifted = func.timezone("UTC", column)
        if offset_minutes:
            shifted = shifted + literal_column(f"interval '{int(offset_minutes)} minutes'")
        return shifted
    if offset_minutes:
        return func.datetime(column, f"{int(offset_minutes):+d} minutes")
    return func.datetime(column)


def bucket_expression(column: ColumnElement[Any], grouping: PeriodGrouping, dialect: str, *,
                      timestamp: bool, offset_minutes: int | None = None,
                      as_text: bool = True) -> ColumnElement[Any]:
    """SQL for the first day of the period the value falls in, as 'YYYY-MM-DD' text
    (``as_text=False`` on PostgreSQL: the truncated timestamp, cheaper to group by; see
    :func:`bucket_text`)."""
    offset = local_offset_minutes() if offset_minutes is None else offset_minutes
    value = _local(column, dialect, timestamp, offset)
    if dialect == "postgresql":
        # A date column is cast to a plain timestamp: no session time zone in the way.
        truncated = func.date_trunc(grouping.value, cast(value, TIMESTAMP(timezone=False)))
        return bucket_text(truncated, dialect) if as_text else truncated
    if grouping is PeriodGrouping.DAY:
        return func.date(value)
    if grouping is PeriodGrouping.MONTH:
        return func.strftime("%Y-%m-01", value)
    if grouping is PeriodGrouping.YEAR:
        return func.strftime("%Y-01-01", value)
    if grouping is PeriodGrouping.QUARTER:
        month = cast(func.strftime("%m", value), Integer)
        first = ((month - 1) // 3) * 3 + 1
        return func.printf("%s-%02d-01", func.strftime("%Y", value), first)
    # ISO week: back to Monday (%w: Sunday = 0).
    back = (cast(func.strftime("%w", value), Integer) + 6) % 7
    return func.date(value, literal("-").concat(cast(back, String)).concat(" days"))


def bucket_text(truncated: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """A PostgreSQL truncated timestamp as the 'YYYY-MM-DD' key (SQLite keys are text)."""
    if dialect == "postgresql":
        return func.to_char(truncated, "YYYY-MM-DD")
    return truncated


def bucket_start(value: date, grouping: PeriodGrouping) -> date:
    """The first day of the period ``value`` falls in (the Python twin of the SQL)."""
    if grouping is PeriodGrouping.DAY:
        return value
    if grouping is PeriodGrouping.WEEK:
        return value - timedelta(days=value.weekday())
    if grouping is PeriodGrouping.MONTH:
        return value.replace(day=1)
    if grouping is PeriodGrouping.QUARTER:
        return date(value.year, (value.month - 1) // 3 * 3 + 1, 1)
    return date(value.year, 1, 1)


def period_label(start: date | str | None, grouping: PeriodGrouping) -> str:
    """«05.03.2026», «неделя с 02.03.2026», «март 2026», «1 кв. 2026», «2026»."""
    if start is None:
        return "(без даты)"
    if isinstance(start, str):
        start = date.fromisoformat(start[:10])
    if grouping is PeriodGrouping.DAY:
        return start.strftime("%d.%m.%Y")
    if grouping is PeriodGrouping.WEEK:
        return f"неделя с {start:%d.%m.%Y}"
    if grouping is PeriodGrouping.MONTH:
        return f"{MONTHS[start.month - 1]} {start.year}"
    if grouping is PeriodGrouping.QUARTER:
        return f"{(start.month - 1) // 3 + 1} кв. {start.year}"
    return str(start.year)


def period_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """Local days ``first``..``last`` (inclusive) as a half-open UTC range for timestamps."""
    start = datetime.combine(first, time.min).astimezone()
    end = datetime.combine(last + timedelta(days=1), time.min).astimezone()
    return start.astimezone(UTC), end.astimezone(UTC)
