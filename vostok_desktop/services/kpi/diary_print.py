"""«Ежедневник сотрудника» on paper: the diary report's works and assignments of one
employee for the report's period, day by day, filled into the DOCX template
``resources/templates/employee_diary.docx`` by the documents' template engine
(services.documents.templates). No Qt.

The rows come from the pivot engine (the report's own source, period and filters, through
the user's connection — a limited login prints only what it may see): the employees of
the report, then each one's rows by drill-down.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from vostok_desktop.db import OpenedBase
from vostok_desktop.services.lists.filters import Canceller
from vostok_desktop.services.reports.pivot import (
    DRILL_LIMIT,
    PivotQuery,
    ReportDefinition,
    ReportError,
    drill_down,
    run_pivot,
)

__all__ = ["DIARY_KEY", "TEMPLATE_FILE", "DiaryEntry", "EmployeeDiary", "diaries",
           "diary_context", "diary_file_name", "render_diary"]

DIARY_KEY = "employee_diary"
TEMPLATE_FILE = "employee_diary.docx"
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


@dataclass(frozen=True)
class DiaryEntry:
    at: datetime | None  # local time
    kind: str  # «Звонок», «Поручение»…
    client: str
    subject: str
    mark: str  # «выполнено» or empty


@dataclass
class EmployeeDiary:
    employee_id: int | None
    employee_name: str
    department: str
    period: tuple[date, date] | None
    entries: list[DiaryEntry] = field(default_factory=list)
    truncated: bool = False

    @property
    def done(self) -> int:
        return sum(1 for e in self.entries if e.mark)

    @property
    def period_text(self) -> str:
        if self.period is None:
            return "весь период"
        first, last = self.period
        return f"{first:%d.%m.%Y}" if first == last else f"{first:%d.%m.%Y} – {last:%d.%m.%Y}"


def _local(value: Any) -> datetime | None:
    from vostok_desktop.services.hotline.calendar import local_zone

    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone())


def diaries(base: OpenedBase, definition: ReportDefinition, query: PivotQuery, *,
            canceller: Canceller | None = None) -> list[EmployeeDiary]:
    """Each employee of the report (its period and filters) with their entries by time."""
    if definition.key != DIARY_KEY:
        raise ReportError(f"Печать ежедневника — только для отчёта «Ежедневник сотрудника», "
                          f"а открыт «{definition.title}»")
    by_employee = replace(query, rows=("employee",), columns=(), measures=("count",))
    result = run_pivot(base, definition, by_employee, canceller=canceller)
    kinds = definition.dimension("kind").titles or {}
    departments = _departments(base, [h.key[0] for h in result.leaf_rows])
    out = []
    for header in result.leaf_rows:
        (employee_id,) = header.key
        drill = drill_down(base, definition, by_employee, header.key, (), canceller=canceller)
        names = [c.column for c in drill.columns]
        entries = []
        for row in drill.rows:
            values = dict(zip(names, row, strict=True))
            kind = values.get("kind")
            entries.append(DiaryEntry(_local(values.get("at")), kinds.get(kind, str(kind or "")),
                                      values.get("client_name") or "",
                                      values.get("subject") or "", values.get("mark") or ""))
        entries.sort(key=lambda e: (e.at is None, e.at or datetime.min, e.client))
        out.append(EmployeeDiary(employee_id, header.label, departments.get(employee_id, ""),
                                 query.period, entries, drill.truncated))
    return out


def _departments(base: OpenedBase, employee_ids: list[Any]) -> dict[int, str]:
    from sqlalchemy import select

    from vostok_desktop.domain import Department, Employee

    ids = [i for i in employee_ids if i is not None]
    if not ids:
        return {}
    with base.sessions() as s:
        return {e: d for e, d in s.execute(
            select(Employee.id, Department.name)
            .join(Department, Department.id == Employee.department_id)
            .where(Employee.id.in_(ids)))}


def diary_context(base: OpenedBase | None, diary: EmployeeDiary, printed_by: str = "",
                  today: date | None = None) -> dict[str, Any]:
    """The template's fields: ``company``, ``employee``, ``document``, ``items`` (a row
    per entry; the day shown on its first entry only), ``today``."""
    from vostok_desktop.services.documents.printing import company_details
    from vostok_desktop.services.documents.templates import fields

    items, shown_day = [], None
    for entry in diary.entries:
        day = entry.at.date() if entry.at else None
        items.append(fields("items[]", {
            "day": (f"{day:%d.%m.%Y}, {WEEKDAYS[day.weekday()]}" if day else "")
            if day != shown_day else "",
            "time": f"{entry.at:%H:%M}" if entry.at else "",
            "kind": entry.kind, "client": entry.client, "subject": entry.subject,
            "mark": entry.mark,
        }))
        shown_day = day
    company = dict(company_details(base))
    for key in ("name", "inn", "address"):
        company.setdefault(key, "")
    count = f"{len(diary.entries)}" + (f" (показаны первые {DRILL_LIMIT})"
                                       if diary.truncated else "")
    return {
        "company": fields("company", company),
        "employee": fields("employee", {"full_name": diary.employee_name or "(не указан)",
                                        "department": diary.department}),
        "document": fields("document", {
            "title": "Ежедневник сотрудника", "period": diary.period_text, "count": count,
            "done": str(diary.done), "printed_by": printed_by}),
        "items": items,
        "today": f"{today or date.today():%d.%m.%Y}",
    }


def render_diary(base: OpenedBase | None, diary: EmployeeDiary, printed_by: str = "", *,
                 today: date | None = None, template: bytes | None = None) -> bytes:
    """The filled DOCX (the shipped template unless ``template`` is given)."""
    from vostok_desktop.services.documents.templates import default_template_path, render_docx

    data = template if template is not None else default_template_path(TEMPLATE_FILE).read_bytes()
    return render_docx(data, diary_context(base, diary, printed_by, today), "Ежедневник")


def diary_file_name(diary: EmployeeDiary) -> str:
    from vostok_desktop.services.documents.printing import safe_file_name

    return safe_file_name(f"Ежедневник {diary.employee_name} {diary.period_text}") + ".docx"
