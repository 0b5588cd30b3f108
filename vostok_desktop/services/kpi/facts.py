"""KPI facts: every indicator's value per employee (department, client) and period, with
its plan — the numbers of the employee card «Показатели», the dashboard and НСС monitoring.

A measure indicator is a measure of a report (the pivot engine counts it, through the
user's own connection and so under row-level security); the measures of one report are
read in ONE pivot query (subjects × periods, with totals), whatever the number of
indicators on it. Formula indicators are then evaluated per cell in dependency order; a
division by zero in one cell leaves that cell empty (its reason kept), never the table.
No Qt.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import Indicator, IndicatorPlan, PeriodKind
from vostok_desktop.services.kpi.formula import FormulaError, evaluate
from vostok_desktop.services.kpi.indicators import indicator_model
from vostok_desktop.services.lists.filters import Canceller
from vostok_desktop.services.reports.catalogue import ReportCatalogue
from vostok_desktop.services.reports.periods import PeriodGrouping, bucket_start, period_label
from vostok_desktop.services.reports.pivot import (
    Filter,
    MeasureKind,
    PivotQuery,
    run_pivot,
    summary_groups,
)

__all__ = ["IndicatorFact", "KpiSubject", "KpiTable", "compute_kpi", "period_starts"]

_GROUPING = {PeriodKind.MONTH: PeriodGrouping.MONTH, PeriodKind.QUARTER: PeriodGrouping.QUARTER,
             PeriodKind.YEAR: PeriodGrouping.YEAR}
Cell = tuple[str, Any, date]  # code, subject id, period start


class KpiSubject(enum.StrEnum):
    EMPLOYEE = "employee"
    DEPARTMENT = "department"
    CLIENT = "client"


def period_starts(kind: PeriodKind | str, first: date, last: date) -> list[date]:
    grouping = _GROUPING[PeriodKind(kind)]
    starts, current = [], bucket_start(first, grouping)
    while current <= last:
        starts.append(current)
        month = current.month + {PeriodGrouping.MONTH: 1, PeriodGrouping.QUARTER: 3,
                                 PeriodGrouping.YEAR: 12}[grouping]
        current = date(current.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return starts


@dataclass
class KpiTable:
    subject: KpiSubject
    period_kind: PeriodKind
    periods: list[date]
    codes: list[str]
    titles: dict[str, str]  # code -> indicator title
    units: dict[str, str]
    subjects: dict[Any, str] = field(default_factory=dict)  # id -> name (None: not set)
    facts: dict[Cell, Decimal | None] = field(default_factory=dict)
    plans: dict[Cell, Decimal] = field(default_factory=dict)
    totals: dict[tuple[str, date], Decimal | None] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # code -> why it has no values

    def fact(self, code: str, subject_id: Any, start: date) -> Decimal | None:
        return self.facts.get((code, subject_id, start))

    def plan(self, code: str, subject_id: Any, start: date) -> Decimal | None:
        return self.plans.get((code, subject_id, start))

    def completion(self, code: str, subject_id: Any, start: date) -> Decimal | None:
        """Fact as % of plan (one decimal), None without a plan."""
        plan, fact = self.plan(code, subject_id, start), self.fact(code, subject_id, start)
        if not plan:
            return None
        return (Decimal(fact or 0) * 100 / plan).quantize(Decimal("0.1"))

    def period_title(self, start: date) -> str:
        return period_label(start, _GROUPING[self.period_kind])

    def series(self, code: str, subject_id: Any) -> list[Decimal | None]:
        """The dynamics of one indicator for one subject, a value per period."""
        return [self.fact(code, subject_id, p) for p in self.periods]


def _needed(codes: Iterable[str], formulas: Mapping[str, Any]) -> set[str]:
    wanted, stack = set(), list(codes)
    while stack:
        code = stack.pop()
        if code in wanted:
            continue
        wanted.add(code)
        if code in formulas:
            stack.extend(formulas[code].codes)
    return wanted


def _dimension(definition: Any, subject: KpiSubject) -> str | None:
    if subject is KpiSubject.CLIENT:
        return "client" if any(d.key == "client" for d in definition.dimensions) else None
    employee = definition.employee_dimension
    if employee is None:
        return None
    return employee if subject is KpiSubject.EMPLOYEE else f"{employee}_department"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _collect(definition: Any, result: Any, measures: Mapping[str, list[str]],
             table: KpiTable, values: dict[Cell, Decimal | None],
             totals: dict[tuple[str, date], Decimal | None], additive_codes: set[str]) -> None:
    """Take one pivot's cells into the facts: per subject and period, and the totals."""
    for header in result.leaf_rows:
        table.subjects.setdefault(header.key[0], header.label)
    for measure_key, code_list in measures.items():
        # No rows of a subject in a period: 0 contacts, not «unknown» (an average
        # or a share of nothing stays empty).
        additive = definition.measure(measure_key).kind in (
            MeasureKind.COUNT, MeasureKind.COUNT_DISTINCT, MeasureKind.SUM)
        if additive:
            additive_codes.update(code_list)
        for header in result.row_headers:
            for period in table.periods:
                column = (period.isoformat(),) if definition.period_dimension else ()
                value = _decimal(result.value(header.key, column, measure_key))
                if value is None and additive:
                    value = Decimal(0)
                for code in code_list:
                    if header.key == ():
                        totals[(code, period)] = value
                    else:
                        values[(code, header.key[0], period)] = value


def compute_kpi(base: OpenedBase, catalogue: ReportCatalogue, codes: Sequence[str] | None,
                subject: KpiSubject | str, period_kind: PeriodKind | str, first: date,
                last: date, *, subject_ids: Sequence[Any] | None = None,
                canceller: Canceller | None = None) -> KpiTable:
    """Facts (and plans, for employees and departments) of ``codes`` (every indicator when
    None) for the periods of ``period_kind`` from ``first`` to ``last``, for each subject
    met (or only ``subject_ids``), and the totals over all subjects."""
    subject, kind = KpiSubject(subject), PeriodKind(period_kind)
    model = indicator_model(base)
    with base.sessions() as s:
        rows = list(s.scalars(select(Indicator).order_by(Indicator.id)))
    by_code = {i.code: i for i in rows}
    chosen = [c for c in (codes if codes is not None else [i.code for i in rows
                                                            if not i.archived])]
    table = KpiTable(subject, kind, period_starts(kind, first, last), list(chosen),
                     {c: by_code[c].title for c in chosen if c in by_code},
                     {c: by_code[c].unit for c in chosen if c in by_code})
    unknown = [c for c in chosen if c not in by_code]
    if unknown:
        raise ValueError(f"Нет показателя «{unknown[0]}»")
    needed = _needed(chosen, model.formulas)
    grouping = _GROUPING[kind]
    # One pivot per report, with every measure the indicators need from it.
    by_report: dict[str, dict[str, list[str]]] = {}
    for code in sorted(needed):
        if code in model.measures:
            report_key, measure_key = model.measures[code]
            by_report.setdefault(report_key, {}).setdefault(measure_key, []).append(code)
    values: dict[Cell, Decimal | None] = {}
    totals: dict[tuple[str, date], Decimal | None] = {}
    additive_codes: set[str] = set()
    for report_key, measures in by_report.items():
        definition = catalogue.get(report_key)
        dimension = _dimension(definition, subject) if definition is not None else None
        if definition is None or dimension is None:
            why = (f"нет отчёта «{report_key}»" if definition is None else
                   f"отчёт «{definition.title}» не считается по "
                   + {"employee": "сотрудникам", "department": "отделам",
                      "client": "клиентам"}[subject.value])
            for code_list in measures.values():
                for code in code_list:
                    table.problems[code] = why
            continue
        filters = (Filter(dimension, tuple(subject_ids)),) if subject_ids is not None else ()
        # The measures each summary counts are asked apart from the rest (a measure no
        # summary counts reads the source rows; the counts beside it need not).
        for group in summary_groups(definition, measures):
            query = PivotQuery(rows=(dimension,), columns=("period",)
                               if definition.period_dimension else (),
                               measures=tuple(group), grouping=grouping,
                               period=(first, last), filters=filters)
            result = run_pivot(base, definition, query, canceller=canceller)
            _collect(definition, result, {k: measures[k] for k in group}, table, values,
                     totals, additive_codes)
    # Formulas, in dependency order, per subject and period and for the totals.
    subjects = list(table.subjects) if subject_ids is None else list(subject_ids)
    # A subject asked for with no rows at all has zero contacts, not «unknown».
    for code in additive_codes:
        for who in subjects:
            for period in table.periods:
                values.setdefault((code, who, period), Decimal(0))
            table.subjects.setdefault(who, "")
    for code in model.order:
        if code not in needed:
            continue
        formula = model.formulas[code]
        for who in [*subjects, _TOTAL]:
            for period in table.periods:
                source = totals if who is _TOTAL else values

                def get(c: str, who: Any = who, period: date = period,
                        source: dict = source) -> Decimal | None:  # type: ignore[type-arg]
                    return source.get((c, period) if who is _TOTAL else (c, who, period))

                try:
                    result_value = evaluate(formula, {c: get(c) for c in formula.codes})
                except FormulaError as exc:
                    result_value = None
                    table.problems.setdefault(code, exc.message)
                if who is _TOTAL:
                    totals[(code, period)] = result_value
                else:
                    values[(code, who, period)] = result_value
    table.facts = {k: v for k, v in values.items() if k[0] in chosen}
    table.totals = {k: v for k, v in totals.items() if k[0] in chosen}
    if subject is not KpiSubject.CLIENT:
        table.plans = _plans(base, [by_code[c].id for c in chosen], by_code, subject, kind,
                             table.periods)
        for _code, who, _period in table.plans:
            if who not in table.subjects:
                table.subjects[who] = ""
        _name_subjects(base, table)
    return table


_TOTAL = object()


def _plans(base: OpenedBase, indicator_ids: list[int], by_code: Mapping[str, Indicator],
           subject: KpiSubject, kind: PeriodKind, periods: list[date]) -> dict[Cell, Decimal]:
    if not indicator_ids or not periods:
        return {}
    codes = {i.id: code for code, i in by_code.items()}
    p = IndicatorPlan
    column = p.employee_id if subject is KpiSubject.EMPLOYEE else p.department_id
    with base.sessions() as s:
        rows = s.execute(select(p.indicator_id, column, p.period_start, p.value).where(
            p.indicator_id.in_(indicator_ids), p.period_kind == kind, column.is_not(None),
            p.period_start >= periods[0], p.period_start <= periods[-1])).all()
    return {(codes[i], who, start): Decimal(v) for i, who, start, v in rows}


def _name_subjects(base: OpenedBase, table: KpiTable) -> None:
    missing = [k for k, v in table.subjects.items() if not v and k is not None]
    if not missing:
        return
    from vostok_desktop.domain import Department, Employee

    model = Employee if table.subject is KpiSubject.EMPLOYEE else Department
    name = Employee.full_name if table.subject is KpiSubject.EMPLOYEE else Department.name
    with base.sessions() as s:
        for who, text in s.execute(select(model.id, name).where(model.id.in_(missing))):
            table.subjects[who] = text


class IndicatorFact:
    """A «fact» rule of the automatic assignment (services.work.assignments.FactRule)
    that is any KPI indicator: each participant's value of ``code`` in the current
    period (month by default) — e.g. contacts this month, so the one with the fewest
    contacts per plan gets the next assignment."""

    def __init__(self, base: OpenedBase, catalogue: ReportCatalogue, code: str, *,
                 period_kind: PeriodKind = PeriodKind.MONTH, today: date | None = None) -> None:
        self.base, self.catalogue, self.code = base, catalogue, code
        self.period_kind, self.today = PeriodKind(period_kind), today

    def facts(self, s: Any, kind_id: int, employee_ids: Sequence[int]) -> dict[int, float]:
        today = self.today or date.today()
        start = period_starts(self.period_kind, today, today)[0]
        table = compute_kpi(self.base, self.catalogue, [self.code], KpiSubject.EMPLOYEE,
                            self.period_kind, start, today, subject_ids=list(employee_ids))
        return {e: float(table.fact(self.code, e, start) or 0) for e in employee_ids}
