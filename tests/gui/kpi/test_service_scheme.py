"""The report «Новая схема сервиса» in the window and the employee card's page
«Мониторинг НСС», on both dialects from the НСС rig of test_nss.py: the command is in
«KPI» and «Отчёты», the table groups clients under each manager with «нужен контакт»
counted by hand, Excel goes through the export gate; the card page shows that
employee's monitor with long reasons wrapped, and the menu tab stays."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui.kpi.kpi_gui import png
from tests.services.kpi.test_nss import catalogue, rig  # noqa: F401 - the fixtures
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.kpi import NSS_PAGE, install_kpi
from vostok_desktop.gui.kpi.nss_monitor import EmployeeNssPage, NssMonitorTab
from vostok_desktop.gui.kpi.service_scheme import ServiceSchemeTab
from vostok_desktop.settings import Settings


@pytest.fixture
def window(qtbot, empty_base, rig):  # noqa: ANN001, F811
    win = build_main_window(empty_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.context.employee_id = rig["ivanov"]
    if "kpi.nss_monitor" not in win.context.actions:
        install_kpi(win)
    win.resize(1650, 650)
    win.show()
    yield win
    win.context.cards.close_all()


def _rows(model) -> list[list[str]]:  # noqa: ANN001
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_report_tab(qtbot, window, rig, tmp_path) -> None:  # noqa: ANN001, F811
    reports = window.menuBar().findChild(QMenu, "reports_menu")
    if reports is not None:
        listed = [a.objectName() for m in reports.findChildren(QMenu) for a in m.actions()]
        assert "report.service_scheme" in listed
    window.context.actions.trigger("report.service_scheme")
    tab = window.service_scheme
    assert isinstance(tab, ServiceSchemeTab) and window.tabs.currentWidget() is tab
    tab.today = date(2026, 1, 20)
    tab._fill_periods()
    tab.refresh()
    qtbot.waitUntil(lambda: tab.operation is None and tab.scheme is not None, timeout=20000)
    rows = _rows(tab.model)
    assert [r[:5] for r in rows] == [
        ["Иванов И. И.", "", "", "", "нужен контакт — 2 из 3"],
        ["    Клиент B", "0", "0", "0", "нужен контакт"],
        ["    Клиент C", "0", "0", "0", "нужен контакт"],
        ["    Клиент A", "3", "2", "15", ""],
        ["Петров П. П.", "", "", "", "нужен контакт — 1 из 1"],
        ["    Клиент C", "0", "0", "0", "нужен контакт"]]
    assert rows[0][5] == "Открытых поручений 0, просрочено 0"
    assert "менеджеров 2, клиентов 3, нужен контакт — 2" in tab.summary.text()
    QApplication.processEvents()
    window.grab().save(png(f"kpi_service_scheme_{window.context.base.dialect}.png"))
    tab.needing_only.setChecked(True)
    qtbot.waitUntil(lambda: tab.operation is None and tab.model.rowCount() == 5,
                    timeout=20000)
    path = tmp_path / "scheme.xlsx"
    assert tab.export_excel(str(path)), tab.status.text()
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Новая схема сервиса"
    header = next(i for i, r in enumerate(values) if r[0] == "Менеджер")
    assert values[header + 1][:2] == ("Иванов И. И.", "итого: клиентов 2")
    assert values[header + 2][:3] == ("Иванов И. И.", "Клиент B", 0)


def test_the_employee_card_page(qtbot, window, rig) -> None:  # noqa: ANN001, F811
    card = window.context.cards.open("employee", rig["ivanov"])
    page = card.findChild(EmployeeNssPage, NSS_PAGE)
    assert page is not None
    assert card.pages.tabText(card.pages.indexOf(page)) == "Мониторинг НСС"
    card.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.monitor is not None, timeout=20000)
    monitor = page.monitor
    monitor.today = date(2026, 1, 20)
    monitor._fill_periods()
    monitor.refresh()
    qtbot.waitUntil(lambda: monitor.operation is None and monitor.monitor is not None,
                    timeout=20000)
    assert not monitor.manager.isEnabled()
    assert monitor.manager.currentText() == "Иванов И. И."
    assert [monitor.model.index(r, 0).data() for r in range(monitor.model.rowCount())] == [
        "Клиент B", "Клиент C", "Клиент A"]
    # «Причины» wrap: the row is taller than one line when the text is wider than the cell.
    reasons = monitor.model.columnCount() - 1
    monitor.table.setColumnWidth(reasons, 120)
    monitor.table.resizeRowsToContents()
    line = monitor.table.fontMetrics().height()
    assert monitor.table.rowHeight(0) > 2 * line
    QApplication.processEvents()
    window.grab().save(png(f"kpi_nss_card_page_{window.context.base.dialect}.png"))
    # The menu tab stays.
    window.context.actions.trigger("kpi.nss_monitor")
    assert isinstance(window.nss_monitor, NssMonitorTab)
    assert window.tabs.currentWidget() is window.nss_monitor
    assert monitor.table.wordWrap() and window.nss_monitor.table.wordWrap()
