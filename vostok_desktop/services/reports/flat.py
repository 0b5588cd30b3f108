"""A pivot result laid out flat: the table the report tab shows and the Excel file gets.

Row dimensions become the first columns; then one column per (column header × measure),
column subtotals and the «Итого» column included. In the tab a subtotal row names only its
own level (a tree read from the top); in Excel every row repeats its parents' labels, so
the sheet can be filtered and sorted. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vostok_desktop.services.distributives.reports import ReportTable
from vostok_desktop.services.reports.periods import PERIOD_TITLES
from vostok_desktop.services.reports.pivot import Header, Key, Measure, PivotResult

__all__ = ["FlatColumn", "FlatPivot", "FlatRow", "flatten", "format_value", "subtitle",
           "to_report_table"]


@dataclass(frozen=True)
class FlatColumn:
    title: str
    column_key: Key | None  # None: a row-dimension column
    measure: Measure | None
    is_total: bool = False


@dataclass(frozen=True)
class FlatRow:
    header: Header
    labels: tuple[str, ...]  # as shown: only the row's own level filled in
    values: tuple[Any, ...]  # one per value column


@dataclass(frozen=True)
class FlatPivot:
    result: PivotResult
    columns: tuple[FlatColumn, ...]
    rows: tuple[FlatRow, ...]

    @property
    def label_columns(self) -> int:
        return max(1, len(self.result.row_dimensions))


def _column_title(header: Header, measure: Measure, several: bool, by_columns: bool) -> str:
    if not by_columns:
        return measure.title
    name = " / ".join(header.labels) if header.labels else "Итого"
    return f"{name}: {measure.title}" if several else name


def flatten(result: PivotResult) -> FlatPivot:
    label_count = max(1, len(result.row_dimensions))
    columns: list[FlatColumn] = [
        FlatColumn(d.title, None, None) for d in result.row_dimensions] or [
        FlatColumn("", None, None)]
    several, by_columns = len(result.measures) > 1, bool(result.column_dimensions)
    for header in result.column_headers:
        for measure in result.measures:
            columns.append(FlatColumn(_column_title(header, measure, several, by_columns),
                                      header.key, measure, header.is_total))
    rows = []
    for header in result.row_headers:
        labels = [""] * label_count
        if header.key:
            labels[len(header.key) - 1] = header.labels[-1]
        else:
            labels[0] = "Итого"
        values = tuple(result.value(header.key, c.column_key, c.measure.key)
                       for c in columns if c.measure is not None and c.column_key is not None)
        rows.append(FlatRow(header, tuple(labels), values))
    return FlatPivot(result, tuple(columns), tuple(rows))


def format_value(value: Any, measure: Measure) -> str:
    """Russian number formatting: «1 234 567», «1 234,50», «42,9»."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, Decimal):
        places = 2 if measure.money or value != value.to_integral_value() else 0
        if measure.kind.value == "share":
            places = 1
        text = f"{value:,.{places}f}"
        return text.replace(",", "\u00a0").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def subtitle(result: PivotResult) -> str:
    parts = []
    period = result.query.period
    if period:
        parts.append(f"Период: {period[0]:%d.%m.%Y} – {period[1]:%d.%m.%Y}")
    if any(d.date for d in result.row_dimensions + result.column_dimensions):
        parts.append(f"даты {PERIOD_TITLES[result.query.grouping]}")
    if result.query.filters:
        titles = [result.definition.dimension(f.dimension).title for f in result.query.filters]
        parts.append("отбор: " + ", ".join(titles))
    return "; ".join(parts) or "За всё время"


def to_report_table(flat: FlatPivot) -> ReportTable:
    """For Excel (services.distributives.reports.write_xlsx): labels repeated on every
    row, the grand total row as the table's totals."""
    result = flat.result
    rows: list[tuple[Any, ...]] = []
    totals: tuple[Any, ...] | None = None
    for row in flat.rows:
        header = row.header
        labels = list(header.labels) + [""] * (flat.label_columns - len(header.labels))
        if header.is_total and header.key:
            labels[len(header.key)] = "итого"
        values = row.values
        if header.key == ():
            totals = ("Итого", *[""] * (flat.label_columns - 1), *values)
        else:
            rows.append((*labels, *values))
    return ReportTable(result.definition.title, subtitle(result),
                       tuple(c.title for c in flat.columns), rows, totals)


