"""The employee card's page «Показатели» on both dialects, from known works: the role's
set chooses the indicators, facts and plans per month equal the hand count, a completion
below the plan is pink, quarters add the months up, the chart shows the fact bars and the
plan line, Enter on a fact opens the rows behind it (or the report tab in the window), and
the real employee card carries the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.kpi.kpi_gui import Ctx, png
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.gui.kpi.employee_page import (
    BELOW_PLAN,
    EmployeeKpiPage,
    format_value,
    period_end,
)
from vostok_desktop.gui.reports.drill_dialog import DrillDialog
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.kpi.indicators import IndicatorData, save_indicator
from vostok_desktop.services.kpi.plans import PlanCell, Subject, save_plan_cells
from vostok_desktop.services.kpi.sets import SetItemData, save_set
from vostok_desktop.services.reports.catalogue import report_catalogue

TODAY = date(2026, 6, 15)
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def catalogue():  # noqa: ANN201
    return report_catalogue(load_plugins())


@pytest.fixture
def kpi(empty_base: OpenedBase, known: dict[str, int], catalogue) -> dict[str, int]:  # noqa: ANN001, F811
    allowed = catalogue.measures_by_report()

    def add(code: str, title: str, **kw) -> int:  # noqa: ANN003
        return save_indicator(empty_base, IndicatorData(code, title, **kw), None,
                              catalogue=allowed)

    ids = {
        "контакты": add("контакты", "Контакты", kind=IndicatorKind.MEASURE,
                        report_key="client_contacts", measure_key="count"),
        "выполнено": add("выполнено", "Выполнено", kind=IndicatorKind.MEASURE,
                         report_key="client_contacts", measure_key="done"),
        "минуты": add("минуты", "Минуты", kind=IndicatorKind.MEASURE,
                      report_key="client_contacts", measure_key="minutes", unit="мин"),
        "доля": add("доля", "Доля выполненных", kind=IndicatorKind.FORMULA,
                    formula="выполнено / контакты * 100", unit="%"),
    }
    # The managers' set: contacts and the share, not the minutes.
    save_set(empty_base, "Менеджер", EmployeeRole.MANAGER,
             [SetItemData(ids["контакты"]), SetItemData(ids["доля"])], None)
    save_plan_cells(empty_base, ids["контакты"], PeriodKind.MONTH, Subject.EMPLOYEE,
                    [PlanCell(known["ivanov"], JAN, "4"), PlanCell(known["ivanov"], FEB, "1")],
                    None)
    return ids


class _Card:
    """What the page takes from its card: the employee's role."""

    class _Data:
        role = EmployeeRole.MANAGER

    _data = _Data()


def _page(qtbot, base: OpenedBase, catalogue, employee_id: int) -> EmployeeKpiPage:  # noqa: ANN001
    page = EmployeeKpiPage(Ctx(base, None), _Card(), today=TODAY, catalogue=catalogue)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.card_loaded(employee_id)
    qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
    return page


def _cell(page: EmployeeKpiPage, title: str, row_kind: str, period: int) -> str:
    grid = page.table
    for r in range(grid.rowCount()):
        head = next(grid.item(x, 0).text() for x in range(r - r % 3, -1, -1)
                    if grid.item(x, 0).text())
        if head.startswith(title) and grid.item(r, 1).text() == row_kind:
            return grid.item(r, 2 + period).text()
    raise AssertionError(f"no row {title}/{row_kind}")


def test_months_plans_and_pink_below_plan(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                          known: dict[str, int], kpi: dict[str, int],  # noqa: F811
                                          catalogue) -> None:  # noqa: ANN001
    page = _page(qtbot, empty_base, catalogue, known["ivanov"])
    assert page.set_label.text() == "Показатели: набор «Менеджер»"
    titles = [page.table.item(r, 0).text() for r in range(0, page.table.rowCount(), 3)]
    assert titles == ["Контакты", "Доля выполненных, %"]  # the set, in its order
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers[2:5] == ["январь", "февраль", "март"] and len(headers) == 14
    # Ivanov: 2 contacts in January (1 done), 1 in February (done), none in March.
    assert [_cell(page, "Контакты", "факт", m) for m in range(4)] == ["2", "1", "0", "0"]
    assert [_cell(page, "Контакты", "план", m) for m in range(3)] == ["4", "1", ""]
    assert _cell(page, "Контакты", "% плана", 0) == "50\u00a0%"
    assert _cell(page, "Контакты", "% плана", 1) == "100\u00a0%"
    assert _cell(page, "Доля выполненных", "факт", 0) == "50"
    assert _cell(page, "Доля выполненных", "факт", 1) == "100"
    # January is below the plan: its fact and % are pink; February's are not.
    pink = page.table.item(2, 2).background().color().name()
    assert pink == BELOW_PLAN and page.table.item(0, 2).background().color().name() == BELOW_PLAN
    assert page.table.item(2, 3).background().color().name() != BELOW_PLAN
    # The chart of the current indicator: fact bars and the plan line.
    page.table.setCurrentCell(0, 2)
    assert "Контакты: динамика за 2026 год по месяцам" == page.chart_title.text()
    items = page.plot.plotItem.items
    bars = [i for i in items if type(i).__name__ == "BarGraphItem"]
    assert bars and list(bars[0].opts["height"])[:4] == [2.0, 1.0, 0.0, 0.0]
    lines = [i for i in items if type(i).__name__ == "PlotDataItem"]
    assert lines and list(lines[0].yData) == [4.0, 1.0]
    assert page.bottom.label.toPlainText().strip() == "Месяц"
    QApplication.processEvents()
    assert page.grab().save(png(f"kpi_employee_page_{empty_base.dialect}.png"))


def test_quarters_sum_the_months(qtbot, empty_base: OpenedBase, known: dict[str, int],  # noqa: ANN001, F811
                                 kpi: dict[str, int], catalogue) -> None:  # noqa: ANN001
    page = _page(qtbot, empty_base, catalogue, known["petrov"])
    page.data = None
    page.period_combo.setCurrentIndex(page.period_combo.findData(PeriodKind.QUARTER.value))
    qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
    # Petrov: January and 30 March in the first quarter, 1 April in the second.
    assert [_cell(page, "Контакты", "факт", q) for q in range(4)] == ["2", "1", "0", "0"]
    assert page.table.horizontalHeaderItem(2).text() == "1 кв. 2026"
    assert page.bottom.label.toPlainText().strip() == "Квартал"
    QApplication.processEvents()
    assert page.grab().save(png(f"kpi_employee_page_quarters_{empty_base.dialect}.png"))


def test_enter_on_a_fact_shows_its_rows(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                        known: dict[str, int], kpi: dict[str, int],  # noqa: F811
                                        catalogue) -> None:  # noqa: ANN001
    page = _page(qtbot, empty_base, catalogue, known["ivanov"])
    # A formula has no rows of its own: a hint, no dialog.
    page.table.setCurrentCell(3, 2)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.drill_dialog is None and "факт показателя отчёта" in page.status_label.text()
    page.table.setCurrentCell(0, 2)  # contacts, January: Ivanov's two works
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.drill_dialog is not None, timeout=20000)
    dialog = page.drill_dialog
    assert isinstance(dialog, DrillDialog) and dialog.table.rowCount() == 2
    assert dialog.windowTitle().endswith("Иванов И. И., январь 2026")
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(png(f"kpi_employee_drill_{empty_base.dialect}.png"))
    dialog.close()


def test_formatting_and_period_ends() -> None:
    assert format_value(Decimal("1234567.5"), "₽") == "1\u00a0234\u00a0567,50\u00a0₽"
    assert format_value(Decimal("12.25")) == "12,2" or format_value(Decimal("12.25")) == "12,3"
    assert format_value(Decimal(1500)) == "1\u00a0500"
    assert period_end(date(2026, 2, 1), PeriodKind.MONTH) == date(2026, 2, 28)
    assert period_end(date(2026, 10, 1), PeriodKind.QUARTER) == date(2026, 12, 31)


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.gui.kpi import install_kpi
    from vostok_desktop.gui.reports import install_reports
    from vostok_desktop.settings import Settings

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    if not hasattr(win, "reports"):
        install_reports(win)
    if "kpi.dashboard" not in win.context.actions:
        install_kpi(win)
    win.resize(1400, 850)
    win.show()
    yield win
    win.context.cards.close_all()


def test_the_employee_card_has_the_page_and_enter_opens_the_report(
        qtbot, window) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from vostok_desktop.domain import Employee
    from vostok_desktop.services.demo.kpi import seed_kpi

    base = window.context.base
    with base.sessions() as s, s.begin():
        seed_kpi(s, None)
        employee_id = s.scalar(select(Employee.id).where(Employee.is_active.is_(True))
                               .order_by(Employee.id))
    card = window.context.cards.open("employee", employee_id)
    page = card.findChild(EmployeeKpiPage, "page_kpi")
    assert page is not None
    assert card.pages.tabText(card.pages.indexOf(page)) == "Показатели"
    page.today = date(2026, 11, 20)
    page.year_spin.setValue(2026)
    card.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.data is not None, timeout=30000)
    assert page.table.rowCount() > 0
    # The administrator has no contacts of his own: zeros, not empty cells.
    contacts = next(r for r in range(0, page.table.rowCount(), 3)
                    if page._codes_by_row[r] == "контакты")
    assert page.table.item(contacts, 2).text() in {"0"} | {
        str(v) for v in page.data.table.series("контакты", employee_id)}
    row = next(r for r in range(0, page.table.rowCount(), 3)
               if page._codes_by_row[r] == "контакты")
    page.table.setCurrentCell(row, 2 + 9)  # October
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    tab = page.report_tab
    assert tab is not None and window.tabs.currentWidget() is tab
    query = tab.query()
    code = page._codes_by_row[row]
    report_key, measure_key = page.data.measures[code]
    dimension = tab.definition.employee_dimension
    assert query.period == (date(2026, 10, 1), date(2026, 10, 31))
    assert [(f.dimension, f.values) for f in query.filters] == [(dimension, (employee_id,))]
    assert query.measures == (measure_key,)
    qtbot.waitUntil(lambda: not tab.running() and tab.result is not None, timeout=30000)
    expected = page.data.table.fact(code, employee_id, date(2026, 10, 1)) or 0
    assert (tab.result.grand_total(measure_key) or 0) == expected
    window.tabs.setCurrentWidget(card)
    QApplication.processEvents()
    assert window.grab().save(png(f"kpi_employee_card_{base.dialect}.png"))
