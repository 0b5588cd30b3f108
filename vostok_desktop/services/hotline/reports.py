"""Hot-line reports (no Qt): «Отчет по горячей линии» and «Контроль сроков предоставления
ответа», as plain tables the program shows and exports to Excel.

Both group in SQL (GROUP BY) so they stay one query however many requests there are.
They run on a worker with their own Session (gui.operations.BackgroundOperation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.hotline import (
    LINE_SHORT,
    OPEN_STATUSES,
    HotlineLine,
    HotlineRequest,
    HotlineRequestType,
    RequestStatus,
)

DIMENSIONS: dict[str, str] = {
    "line": "Линия",
    "type": "Тип обращения",
    "operator": "Оператор",
    "client": "Клиент",
}


@dataclass
class ReportTable:
    title: str
    subtitle: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    totals: list[Any] | None = None


def _grouped(session: Session, dims: Sequence[str], measures: list[Any],
             start: datetime, end: datetime) -> list[list[Any]]:
    operator = aliased(Employee, name="op")
    exprs = {
        "line": HotlineRequest.line,
        "type": HotlineRequestType.name,
        "operator": func.coalesce(operator.full_name, ""),
        "client": func.coalesce(Client.short_name, ""),
    }
    unknown = [d for d in dims if d not in exprs]
    if unknown:
        raise ValueError(f"unknown report dimension {unknown}")
    keys = [exprs[d] for d in dims]
    stmt = (select(*keys, *measures)
            .select_from(HotlineRequest)
            .join(HotlineRequestType, HotlineRequestType.id == HotlineRequest.type_id)
            .outerjoin(operator, operator.id == HotlineRequest.operator_id)
            .outerjoin(Client, Client.id == HotlineRequest.client_id)
            .where(HotlineRequest.received_at >= start, HotlineRequest.received_at < end))
    if keys:
        stmt = stmt.group_by(*keys).order_by(*keys)
    rows = []
    for r in session.execute(stmt):
        values = list(r)
        for n, dim in enumerate(dims):
            if dim == "line":
                values[n] = LINE_SHORT[HotlineLine(values[n])]
        rows.append([v if v is not None else 0 for v in values])
    # Sorted here, not in SQL: the same order on both dialects whatever the collation.
    rows.sort(key=lambda row: [str(v).lower() for v in row[:len(dims)]])
    return rows


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _period_text(start: datetime, end: datetime) -> str:
    last = (end - timedelta(microseconds=1)).astimezone()  # the end is exclusive
    first = start.astimezone()
    return f"Период: {first:%d.%m.%Y} — {last:%d.%m.%Y} (по дате поступления)"


def hotline_report(session: Session, start: datetime, end: datetime,
                   dims: Sequence[str] = ("line", "type", "operator")) -> ReportTable:
    """«Отчет по горячей линии»: how many requests, by the chosen dimensions."""
    status = HotlineRequest.status
    measures = [
        func.count(HotlineRequest.id),
        _count_if(status.in_([RequestStatus.ANSWERED, RequestStatus.CLOSED])),
        _count_if(status.in_(list(OPEN_STATUSES))),
        _count_if(status == RequestStatus.CANCELLED),
    ]
    rows = _grouped(session, dims, measures, start, end)
    table = ReportTable("Отчет по горячей линии", _period_text(start, end),
                        [DIMENSIONS[d] for d in dims]
                        + ["Всего", "С ответом", "Открыто", "Отменено"], rows)
    if rows:
        n = len(dims)
        table.totals = ["Итого"] + [""] * (n - 1) + [sum(r[i] for r in rows)
                                                    for i in range(n, n + 4)]
        if n == 0:
            table.totals = table.totals[1:]
    return table


def deadline_report(session: Session, start: datetime, end: datetime, now: datetime,
                    dims: Sequence[str] = ("line", "type")) -> ReportTable:
    """«Контроль сроков предоставления ответа»: answered on time / late, open in time /
    overdue, the share on time (cancelled requests are not counted)."""
    r = HotlineRequest
    answered = r.status.in_([RequestStatus.ANSWERED, RequestStatus.CLOSED])
    opened = r.status.in_(list(OPEN_STATUSES))
    measures = [
        _count_if(r.status != RequestStatus.CANCELLED),
        _count_if(answered & (r.answered_at <= r.deadline_at)),
        _count_if(answered & (r.answered_at > r.deadline_at)),
        _count_if(opened & (r.deadline_at > now)),
        _count_if(opened & (r.deadline_at <= now)),
    ]
    rows = _grouped(session, dims, measures, start, end)
    n = len(dims)
    for row in rows:
        row.append(_share(row[n + 1], row[n + 1] + row[n + 2] + row[n + 4]))
    table = ReportTable("Контроль сроков предоставления ответа", _period_text(start, end),
                        [DIMENSIONS[d] for d in dims]
                        + ["Всего", "Ответ в срок", "Ответ с опозданием", "Открыто в срок",
                           "Открыто, просрочено", "Доля в срок, %"], rows)
    if rows:
        sums = [sum(row[i] for row in rows) for i in range(n, n + 5)]
        sums.append(_share(sums[1], sums[1] + sums[2] + sums[4]))
        table.totals = (["Итого"] + [""] * (n - 1) + sums) if n else sums
    return table


def _share(good: int, total: int) -> float:
    return round(100.0 * good / total, 1) if total else 0.0


def export_excel(table: ReportTable, path: str | Path,
                 progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the table to .xlsx: write-only workbook, bold frozen header, real types."""
    from openpyxl import Workbook  # heavy: imported when first used
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    sheet.freeze_panes = "A4"
    for n, title in enumerate(table.columns):
        width = 40 if n == 0 else max(12, len(title) + 2)
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    bold = Font(bold=True)

    def cell(value: Any, strong: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=value)
        if strong:
            c.font = bold
        if isinstance(value, float):
            c.number_format = "0.0"
        return c

    sheet.append([cell(table.title, True)])
    sheet.append([cell(table.subtitle)])
    sheet.append([cell(title, True) for title in table.columns])
    total = len(table.rows)
    for i, row in enumerate(table.rows, start=1):
        sheet.append([cell(v) if isinstance(v, float) else v for v in row])
        if progress is not None and i % 500 == 0:
            progress(i, total)
    if table.totals is not None:
        sheet.append([cell(v, True) for v in table.totals])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
