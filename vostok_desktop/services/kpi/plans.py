"""KPI plans («Планы KPI»): the plan of an indicator per employee or department and
month, quarter or year, read and written as a grid for one indicator and year. No Qt.

Rows are the active employees (and those with a plan that year) or the departments;
columns are the 12 months, the 4 quarters or the year. Saving writes the changed cells in
one transaction: an empty cell deletes the plan; one bad cell writes nothing. Needs
«Планы KPI» (kpi.plans); the server checks it too (0016).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Department, Employee
from vostok_desktop.domain.kpi import (
    VALUE_SCALE,
    Indicator,
    IndicatorPlan,
    PeriodKind,
    is_period_start,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import run_write
from vostok_desktop.services.kpi.indicators import check_right, program_logs, refuse

PLANS = "kpi.plans"
TABLE = "kpi_plans"
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август",
          "Сентябрь", "Октябрь", "Ноябрь", "Декабрь")
QUARTERS = ("I квартал", "II квартал", "III квартал", "IV квартал")
MAX_VALUE = Decimal("999999999999")
QUANTUM = Decimal(1).scaleb(-VALUE_SCALE)


class Subject(enum.StrEnum):
    EMPLOYEE = "employee"
    DEPARTMENT = "department"


SUBJECT_TITLES = {Subject.EMPLOYEE: "Сотрудники", Subject.DEPARTMENT: "Подразделения"}


def period_starts(year: int, kind: PeriodKind | str) -> list[date]:
    kind = PeriodKind(kind)
    if kind is PeriodKind.MONTH:
        return [date(year, m, 1) for m in range(1, 13)]
    if kind is PeriodKind.QUARTER:
        return [date(year, m, 1) for m in (1, 4, 7, 10)]
    return [date(year, 1, 1)]


def period_title(kind: PeriodKind | str, start: date) -> str:
    """«Март 2027», «II квартал 2027», «2027 год»."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.MONTH:
        return f"{MONTHS[start.month - 1]} {start.year}"
    if kind is PeriodKind.QUARTER:
        return f"{QUARTERS[(start.month - 1) // 3]} {start.year}"
    return f"{start.year} год"


def column_title(kind: PeriodKind | str, start: date) -> str:
    """A grid column's header: the month, the quarter, or the year."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.MONTH:
        return MONTHS[start.month - 1]
    if kind is PeriodKind.QUARTER:
        return QUARTERS[(start.month - 1) // 3]
    return f"{start.year} год"


def parse_value(value: Decimal | int | str | None, what: str) -> Decimal | None:
    """A plan or threshold typed by a user: «1 250,5» → Decimal('1250.5'); empty → None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
    else:
        text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise refuse("value", f"{what}: «{value}» — не число") from None
    if not number.is_finite():
        raise refuse("value", f"{what}: «{value}» — не число")
    if abs(number) > MAX_VALUE:
        raise refuse("value", f"{what}: {value} — слишком большое число")
    if number != number.quantize(QUANTUM):
        raise refuse("value", f"{what}: не больше {VALUE_SCALE} знаков после запятой")
    return number.quantize(QUANTUM).normalize() if number else Decimal(0)


def format_value(value: Decimal | None) -> str:
    """How a cell shows a value: «1 250,5» (no trailing zeros, a comma)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    sign, digits = ("-", -number) if number < 0 else ("", number)
    whole, _, frac = f"{digits:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u00a0".join(groups)
    return f"{sign}{text},{frac}" if frac else f"{sign}{text}"


@dataclass(frozen=True)
class GridRow:
    subject_id: int
    name: str
    values: tuple[Decimal | None, ...]  # one per column


@dataclass(frozen=True)
class PlanGrid:
    indicator_id: int
    year: int
    kind: PeriodKind
    subject: Subject
    columns: tuple[date, ...]  # the periods' first days
    rows: tuple[GridRow, ...]

    @property
    def headers(self) -> list[str]:
        return [column_title(self.kind, c) for c in self.columns]


@dataclass(frozen=True)
class PlanCell:
    """A changed cell: the plan of ``subject_id`` for the period starting
    ``period_start``; an empty value removes the plan."""

    subject_id: int
    period_start: date
    value: Decimal | int | str | None


def _subject_column(subject: Subject):  # noqa: ANN202
    return (IndicatorPlan.employee_id if subject is Subject.EMPLOYEE
            else IndicatorPlan.department_id)


def _check_year(year: int) -> int:
    year = int(year)
    if not 2000 <= year <= 2100:
        raise refuse("year", f"Год плана {year} — вне 2000…2100")
    return year


def _indicator(s: Session, indicator_id: int) -> Indicator:
    row = s.get(Indicator, indicator_id)
    if row is None:
        raise refuse("indicator_id", "Показатель не найден (возможно, удалён)")
    return row


def _subjects(s: Session, subject: Subject, with_plans: set[int]) -> list[tuple[int, str]]:
    if subject is Subject.DEPARTMENT:
        return list(s.execute(select(Department.id, Department.name)
                              .order_by(Department.name, Department.id)).tuples())
    return list(s.execute(
        select(Employee.id, Employee.full_name)
        .where(or_(Employee.is_active.is_(True), Employee.id.in_(with_plans or {-1})))
        .order_by(Employee.full_name, Employee.id)).tuples())


def plan_grid(base: OpenedBase, indicator_id: int, year: int, kind: PeriodKind | str,
              subject: Subject | str) -> PlanGrid:
    kind, subject, year = PeriodKind(kind), Subject(subject), _check_year(year)
    columns = tuple(period_starts(year, kind))
    column = _subject_column(subject)
    with base.sessions() as s:
        _indicator(s, indicator_id)
        p = IndicatorPlan
        saved = {(r[0], r[1]): Decimal(r[2]) for r in s.execute(
            select(column, p.period_start, p.value).where(
                p.indicator_id == indicator_id, p.period_kind == kind, column.is_not(None),
                p.period_start >= columns[0], p.period_start <= columns[-1]))}
        subjects = _subjects(s, subject, {k[0] for k in saved})
    rows = tuple(GridRow(sid, name, tuple(saved.get((sid, c)) for c in columns))
                 for sid, name in subjects)
    return PlanGrid(indicator_id, year, kind, subject, columns, rows)


def plan_value(base: OpenedBase, indicator_id: int, kind: PeriodKind | str, start: date, *,
               employee_id: int | None = None, department_id: int | None = None
               ) -> Decimal | None:
    """The plan of one employee or department for one period, or None."""
    if (employee_id is None) == (department_id is None):
        raise ValueError("plan_value: an employee or a department")
    p = IndicatorPlan
    subject = (p.employee_id == employee_id if employee_id is not None
               else p.department_id == department_id)
    with base.sessions() as s:
        value = s.scalar(select(p.value).where(p.indicator_id == indicator_id, subject,
                                               p.period_kind == PeriodKind(kind),
                                               p.period_start == start))
    return None if value is None else Decimal(value)


def save_plan_cells(base: OpenedBase, indicator_id: int, kind: PeriodKind | str,
                    subject: Subject | str, cells: Sequence[PlanCell],
                    employee_id: int | None, *, profile: AccessProfile | None = None
                    ) -> int:
    """Write the changed cells in one transaction; returns how many plans changed."""
    check_right(profile, PLANS)
    kind, subject = PeriodKind(kind), Subject(subject)
    column = _subject_column(subject)

    def write(s: Session) -> int:
        indicator = _indicator(s, indicator_id)
        names = dict(_subjects(s, subject, set()))
        if subject is Subject.EMPLOYEE:
            names.update(list(s.execute(select(Employee.id, Employee.full_name).where(
                Employee.id.in_({c.subject_id for c in cells} or {-1}))).tuples()))
        checked: dict[tuple[int, date], Decimal | None] = {}
        for cell in cells:
            if cell.subject_id not in names:
                raise refuse("subject_id", "Сотрудник или подразделение не найдены "
                                           "(возможно, удалены)")
            what = f"План «{indicator.title}», {names[cell.subject_id]}, " \
                   f"{period_title(kind, cell.period_start)}"
            if not is_period_start(kind, cell.period_start):
                raise refuse("period_start", f"{what}: дата {cell.period_start:%d.%m.%Y} "
                                             "— не начало периода")
            _check_year(cell.period_start.year)
            if (cell.subject_id, cell.period_start) in checked:
                raise refuse("period_start", f"{what}: указан дважды")
            checked[(cell.subject_id, cell.period_start)] = parse_value(cell.value, what)
        if not checked:
            return 0
        p = IndicatorPlan
        keys = list(checked)
        existing = {(getattr(r, column.key), r.period_start): r for r in s.scalars(
            select(p).where(p.indicator_id == indicator_id, p.period_kind == kind,
                            column.in_({k[0] for k in keys}),
                            p.period_start.in_({k[1] for k in keys})))}
        logs = program_logs(s)
        changed = 0
        for key, value in checked.items():
            row = existing.get(key)
            if value is None:
                if row is not None:
                    if logs:
                        record_changes(s, TABLE, row.id, None, employee_id,
                                       {"value": row.value}, {})
                    s.execute(delete(p).where(p.id == row.id))
                    changed += 1
                continue
            if row is None:
                row = IndicatorPlan(indicator_id=indicator_id, period_kind=kind,
                                    period_start=key[1], value=value,
                                    updated_by_id=employee_id,
                                    **{column.key: key[0]})
                s.add(row)
                s.flush()
                old: dict = {}
            elif Decimal(row.value) == value:
                continue
            else:
                old = {"value": row.value}
                row.value, row.updated_by_id = value, employee_id
                s.flush()
            changed += 1
            if logs:
                record_changes(s, TABLE, row.id, None, employee_id, old, {"value": value})
        return changed

    return run_write(base, write)
