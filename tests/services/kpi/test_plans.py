"""KPI plans on both dialects: the grid of one indicator and year per employees or
departments, saved in one transaction (an empty cell deletes), Decimal with a comma."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.services.kpi.kpi_rig import Office, make_office
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.services.kpi import indicators, plans
from vostok_desktop.services.kpi.indicators import IndicatorData, KpiRefused
from vostok_desktop.services.kpi.plans import PlanCell, Subject

MONTH, QUARTER, YEAR = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.fixture
def office(empty_base) -> Office:  # noqa: ANN001
    return make_office(empty_base)


@pytest.fixture
def calls(office: Office) -> int:
    return indicators.save_indicator(
        office.base, IndicatorData("звонки", "Контакты", IndicatorKind.MEASURE,
                                   "client_contacts", "count"), None)


def test_grid_columns_are_months_quarters_or_the_year(office: Office, calls: int) -> None:
    grid = plans.plan_grid(office.base, calls, 2027, MONTH, Subject.EMPLOYEE)
    assert grid.headers[0] == "Январь" and len(grid.columns) == 12
    assert grid.columns[11] == date(2027, 12, 1)
    # Active employees only, by name; nothing planned yet.
    assert [r.name for r in grid.rows] == ["Иванова Анна", "Петров Борис"]
    assert all(v is None for r in grid.rows for v in r.values)
    quarters = plans.plan_grid(office.base, calls, 2027, QUARTER, Subject.DEPARTMENT)
    assert quarters.headers == ["I квартал", "II квартал", "III квартал", "IV квартал"]
    assert [r.name for r in quarters.rows] == ["Отдел продаж", "Сервис"]
    assert plans.plan_grid(office.base, calls, 2027, YEAR, "department").headers == [
        "2027 год"]


def test_saved_cells_come_back_and_empty_cells_delete(office: Office, calls: int) -> None:
    anna, boris = office.employees["ivanova"], office.employees["petrov"]
    changed = plans.save_plan_cells(office.base, calls, MONTH, Subject.EMPLOYEE, [
        PlanCell(anna, date(2027, 1, 1), "1 250,5"),
        PlanCell(anna, date(2027, 2, 1), Decimal(40)),
        PlanCell(boris, date(2027, 3, 1), "7"),
        PlanCell(boris, date(2027, 4, 1), ""),  # nothing there: nothing to delete
    ], anna)
    assert changed == 3
    grid = plans.plan_grid(office.base, calls, 2027, MONTH, Subject.EMPLOYEE)
    values = {r.name: r.values for r in grid.rows}
    assert values["Иванова Анна"][:3] == (Decimal("1250.5"), Decimal(40), None)
    assert values["Петров Борис"][2] == Decimal(7)
    assert plans.format_value(values["Иванова Анна"][0]) == "1\u00a0250,5"
    # Another year, another kind and a department plan are separate.
    assert all(v is None for r in plans.plan_grid(office.base, calls, 2028, MONTH,
                                                  "employee").rows for v in r.values)
    assert all(v is None for r in plans.plan_grid(office.base, calls, 2027, QUARTER,
                                                  "employee").rows for v in r.values)
    # The same value again changes nothing; an empty cell deletes the plan.
    assert plans.save_plan_cells(office.base, calls, MONTH, "employee", [
        PlanCell(anna, date(2027, 2, 1), "40,0"),
        PlanCell(anna, date(2027, 1, 1), " "),
    ], anna) == 1
    assert plans.plan_value(office.base, calls, MONTH, date(2027, 1, 1),
                            employee_id=anna) is None
    assert plans.plan_value(office.base, calls, MONTH, date(2027, 2, 1),
                            employee_id=anna) == Decimal(40)


def test_a_retired_employee_with_a_plan_stays_in_the_grid(office: Office,
                                                         calls: int) -> None:
    oleg = office.employees["sidorov"]
    plans.save_plan_cells(office.base, calls, YEAR, "employee",
                          [PlanCell(oleg, date(2027, 1, 1), "12")], None)
    names = [r.name for r in plans.plan_grid(office.base, calls, 2027, YEAR,
                                             "employee").rows]
    assert "Сидоров Олег" in names
    assert "Сидоров Олег" not in [r.name for r in plans.plan_grid(
        office.base, calls, 2028, YEAR, "employee").rows]


@pytest.mark.parametrize(("cell", "message"), [
    (("ivanova", date(2027, 1, 1), "много"), "«много» — не число"),
    (("ivanova", date(2027, 1, 1), "1,23456"), "не больше 4 знаков после запятой"),
    (("ivanova", date(2027, 1, 1), "1e20"), "слишком большое число"),
    (("ivanova", date(2027, 1, 15), "5"), "15.01.2027 — не начало периода"),
])
def test_one_bad_cell_writes_nothing(office: Office, calls: int, cell: tuple,
                                     message: str) -> None:
    who, start, value = cell
    good = PlanCell(office.employees["petrov"], date(2027, 5, 1), "3")
    with pytest.raises(KpiRefused, match=message) as caught:
        plans.save_plan_cells(office.base, calls, MONTH, "employee",
                              [good, PlanCell(office.employees[who], start, value)], None)
    assert "Иванова Анна" in caught.value.message and "Контакты" in caught.value.message
    assert plans.plan_value(office.base, calls, MONTH, date(2027, 5, 1),
                            employee_id=office.employees["petrov"]) is None


def test_a_quarter_starts_in_january_april_july_or_october(office: Office,
                                                           calls: int) -> None:
    with pytest.raises(KpiRefused, match="не начало периода"):
        plans.save_plan_cells(office.base, calls, QUARTER, "department", [
            PlanCell(office.departments["sales"], date(2027, 2, 1), "5")], None)
    plans.save_plan_cells(office.base, calls, QUARTER, "department", [
        PlanCell(office.departments["sales"], date(2027, 4, 1), "5")], None)
    assert plans.plan_value(office.base, calls, QUARTER, date(2027, 4, 1),
                            department_id=office.departments["sales"]) == Decimal(5)
