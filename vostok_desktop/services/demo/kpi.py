"""Demo step: KPI — five indicators (four measures of the pivot engine's reports and one
formula), the sets «Руководитель продаж», «Руководитель сервиса», «Лидер РИЦ» and «НСС»,
and this year's plans: monthly contacts per active employee, yearly money per department.

Not wired into the generator yet: ``add_kpi`` is an area step (``AreaContext``);
``seed_kpi(session, admin_id)`` does the same on a bare session. A second run adds
nothing twice."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import Department, Employee, EmployeeRole
from vostok_desktop.domain.kpi import (
    Indicator,
    IndicatorKind,
    IndicatorPlan,
    IndicatorSet,
    IndicatorSetItem,
    PeriodKind,
)
from vostok_desktop.services.demo.common import AreaContext

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES = ("kpi_indicators", "kpi_sets", "kpi_set_items", "kpi_plans")

# code, title, report key, measure key, unit, higher is better
MEASURES = (
    ("контакты", "Контакты с клиентами", "client_contacts", "count", "шт", True),
    ("поручения", "Выполнено поручений", "assignments", "done", "шт", True),
    ("обращения", "Обращения на горячую линию", "hotline", "count", "шт", True),
    ("поступления", "Поступление денег", "money_received", "amount", "₽", True),
)
FORMULAS = (
    ("поручений_на_контакт", "Поручений на 100 контактов", "поручения / контакты * 100",
     "%", True),
)
# title, default role, [(code, threshold «нужен контакт»)]
SETS = (
    ("Руководитель продаж", EmployeeRole.HEAD,
     [("поступления", None), ("контакты", "40"), ("поручений_на_контакт", None)]),
    ("Руководитель сервиса", None,
     [("поручения", "20"), ("контакты", "30"), ("обращения", None)]),
    ("Лидер РИЦ", None, [("обращения", None), ("поручения", None), ("поступления", None)]),
    ("НСС", None, [("контакты", "2"), ("поручения", "1")]),
)


def seed_kpi(session: Session, admin_id: int | None, *, year: int = TODAY.year,
             seed: int = 0) -> int:
    """Write the demo KPI; returns the number of rows added (0 when there are some)."""
    s, rng = session, random.Random(seed * 37 + 16)
    if s.scalar(select(func.count()).select_from(Indicator)):
        return 0
    codes: dict[str, Indicator] = {}
    for code, title, report, measure, unit, higher in MEASURES:
        codes[code] = Indicator(code=code, title=title, kind=IndicatorKind.MEASURE,
                                report_key=report, measure_key=measure, unit=unit,
                                higher_is_better=higher, created_by_id=admin_id)
    for code, title, text, unit, higher in FORMULAS:
        codes[code] = Indicator(code=code, title=title, kind=IndicatorKind.FORMULA,
                                formula=text, unit=unit, higher_is_better=higher,
                                created_by_id=admin_id)
    s.add_all(codes.values())
    s.flush()
    rows = len(codes)
    for title, role, items in SETS:
        kset = IndicatorSet(title=title, role=role, updated_by_id=admin_id)
        s.add(kset)
        s.flush()
        for position, (code, threshold) in enumerate(items, start=1):
            s.add(IndicatorSetItem(set_id=kset.id, indicator_id=codes[code].id,
                                   position=position,
                                   threshold=None if threshold is None else Decimal(threshold)))
        rows += 1 + len(items)
    people = list(s.scalars(select(Employee.id).where(Employee.is_active.is_(True))
                            .order_by(Employee.id)))
    for employee_id in people:
        base = rng.randrange(30, 81)
        for month in range(1, 13):
            s.add(IndicatorPlan(indicator_id=codes["контакты"].id, employee_id=employee_id,
                                period_kind=PeriodKind.MONTH,
                                period_start=date(year, month, 1),
                                value=Decimal(base + rng.randrange(-5, 6)),
                                updated_by_id=admin_id))
            rows += 1
    for department_id in s.scalars(select(Department.id).order_by(Department.id)):
        s.add(IndicatorPlan(indicator_id=codes["поступления"].id,
                            department_id=department_id, period_kind=PeriodKind.YEAR,
                            period_start=date(year, 1, 1),
                            value=Decimal(rng.randrange(20, 121) * 50_000),
                            updated_by_id=admin_id))
        rows += 1
    s.flush()
    return rows


def add_kpi(area: AreaContext) -> None:
    """The area step for the demo generator."""
    seed_kpi(area.session, area.admin_id, seed=area.seed)


__all__ = ["SETS", "TABLES", "add_kpi", "seed_kpi"]
