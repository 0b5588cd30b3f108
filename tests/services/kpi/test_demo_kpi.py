"""The demo KPI step on both dialects: the indicators the pivot engine will count, the
four sets, this year's plans, valid formulas; a second run adds nothing."""

from __future__ import annotations

from datetime import date

from tests.services.kpi.kpi_rig import make_office
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.services.demo.kpi import seed_kpi
from vostok_desktop.services.kpi import indicators, plans, sets
from vostok_desktop.services.kpi.formula import evaluation_order, parse_formula


def test_demo_kpi(empty_base) -> None:  # noqa: ANN001
    office = make_office(empty_base)
    with empty_base.sessions() as s, s.begin():
        assert seed_kpi(s, office.employees["ivanova"], year=2026) > 0
    with empty_base.sessions() as s, s.begin():
        assert seed_kpi(s, None, year=2026) == 0
    rows = {r.code: r for r in indicators.list_indicators(empty_base)}
    assert {(r.report_key, r.measure_key) for r in rows.values() if r.report_key} == {
        ("client_contacts", "count"), ("assignments", "done"), ("hotline", "count"),
        ("money_received", "amount")}
    assert rows["поступления"].unit == "₽"
    formulas = {c: parse_formula(r.formula) for c, r in rows.items() if r.formula}
    assert evaluation_order(formulas, [c for c, r in rows.items() if not r.formula])
    assert [s.title for s in sets.list_sets(empty_base)] == [
        "Лидер РИЦ", "НСС", "Руководитель продаж", "Руководитель сервиса"]
    assert sets.set_for_role(empty_base, EmployeeRole.HEAD).title == "Руководитель продаж"
    grid = plans.plan_grid(empty_base, rows["контакты"].id, 2026, "month", "employee")
    assert [r.name for r in grid.rows] == ["Иванова Анна", "Петров Борис"]
    assert all(v is not None and v > 0 for r in grid.rows for v in r.values)
    assert plans.plan_value(empty_base, rows["поступления"].id, "year", date(2026, 1, 1),
                            department_id=office.departments["sales"]) > 0
