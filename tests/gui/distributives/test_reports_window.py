"""The window «Отчёты по дистрибутивам» driven like a user on the demo base of both
dialects: each tab's parameters, «Сформировать» (the report is built on a worker), the
table compared with the base, a bad period named, «В Excel…» through the export gate."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import extract, func, select

from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    MovementKind,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.distributives.reports_window import (
    DistributiveReportsWindow,
    ReportPage,
    open_distributive_reports,
)
from vostok_desktop.services.access import rights as access
from vostok_desktop.settings import Settings

S = DistributiveStatus
K = MovementKind
M = DistributiveMovement


@pytest.fixture
def reports(qtbot, demo_base):
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    window = open_distributive_reports(win, win.context)
    qtbot.waitExposed(window)
    yield window
    window.close()
    win.context.cards.close_all()


def _done(qtbot, page: ReportPage) -> None:
    qtbot.waitUntil(lambda: page.table_data is not None and not page.running(),
                    timeout=20000)


def _run(qtbot, page: ReportPage) -> None:
    page.table_data = None
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    _done(qtbot, page)


def _column(page: ReportPage, col: int) -> list[object]:
    model = page.model
    rows = model.rowCount() - (1 if page.table_data and page.table_data.totals else 0)
    return [model.data(model.index(r, col), Qt.ItemDataRole.UserRole) for r in range(rows)]


def _count(base, *where) -> int:  # noqa: ANN001
    with base.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Distributive).where(*where)))


def _set_date(edit, value: date) -> None:  # noqa: ANN001
    edit.setDate(QDate(value.year, value.month, value.day))


def test_opens_once_on_the_clients_report_built_at_once(qtbot, reports, demo_base) -> None:
    assert reports.windowTitle() == "Отчёты по дистрибутивам"
    assert [reports.tabs.tabText(i) for i in range(reports.tabs.count())] == [
        "Дистрибутивы клиентов", "Движение дистрибутивов", "Склад дистрибутивов",
        "Баланс дистрибутивов"]
    assert open_distributive_reports(reports.parentWidget(), reports.context) is reports
    page = reports.clients
    _done(qtbot, page)
    served = _count(demo_base, Distributive.status == S.SERVED)
    assert len(page.table_data.rows) == served > 100
    assert page.model.rowCount() == served + 1  # the totals row, in bold
    last = page.model.index(served, 0)
    assert page.model.data(last) == "Итого"
    assert page.model.data(last, Qt.ItemDataRole.FontRole).bold()
    assert f"{served} дистрибутив" in page.status_label.text()
    names = [str(n) for n in _column(page, 0)]
    groups = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert len(groups) == len(set(names))  # by client: each client's rows together
    # Another status, through the combo box and the button.
    page.status_box.setCurrentIndex(page.status_box.findText("Отключённые"))
    _run(qtbot, page)
    assert set(_column(page, 6)) == {"Отключён"}
    assert len(page.table_data.rows) == _count(demo_base, Distributive.status == S.DISCONNECTED)


def test_movements_of_a_period_and_a_bad_period(qtbot, reports, demo_base) -> None:
    page = reports.movements
    reports.show_report(page)
    _done(qtbot, page)
    _set_date(page.from_edit, date(2025, 1, 1))
    _set_date(page.to_edit, date(2025, 12, 31))
    _run(qtbot, page)
    with demo_base.sessions() as s:
        expected = int(s.scalar(select(func.count()).select_from(M).where(
            M.moved_on >= date(2025, 1, 1), M.moved_on <= date(2025, 12, 31))))
        connects = int(s.scalar(select(func.count()).select_from(M).where(
            M.moved_on >= date(2025, 1, 1), M.moved_on <= date(2025, 12, 31),
            M.kind == K.CONNECT)))
    days = _column(page, 0)
    assert len(days) == expected > 0
    assert days == sorted(days) and date(2025, 1, 1) <= days[0] <= days[-1] <= date(2025, 12, 31)
    assert page.model.data(page.model.index(0, 0)) == days[0].strftime("%d.%m.%Y")
    assert "С 01.01.2025 по 31.12.2025" in page.status_label.text()
    page.kind_box.setCurrentIndex(page.kind_box.findText("Подключение"))
    _run(qtbot, page)
    assert set(_column(page, 1)) == {"Подключение"} and len(_column(page, 1)) == connects
    # The end before the start: said, and the table stays as it was.
    _set_date(page.from_edit, date(2026, 2, 1))
    _set_date(page.to_edit, date(2026, 1, 1))
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert "начало периода 01.02.2026 позже его конца 01.01.2026" in page.status_label.text()
    assert len(_column(page, 1)) == connects


def test_stock_summary_and_list(qtbot, reports, demo_base) -> None:
    page = reports.stock
    reports.tabs.setCurrentWidget(page)
    _done(qtbot, page)
    in_stock = _count(demo_base, Distributive.status == S.IN_STOCK)
    reserved = _count(demo_base, Distributive.status == S.RESERVED)
    assert page.table_data.totals == ("Итого", "", in_stock, reserved, in_stock + reserved)
    assert sum(_column(page, 2)) == in_stock
    assert not page.reserved_box.isEnabled()
    page.view_box.setCurrentIndex(page.view_box.findText("Список дистрибутивов"))
    assert page.reserved_box.isEnabled()
    _run(qtbot, page)
    assert len(_column(page, 0)) == in_stock + reserved
    page.reserved_box.setChecked(False)
    _run(qtbot, page)
    assert set(_column(page, 5)) == {"На складе"} and len(_column(page, 0)) == in_stock


def test_balance_by_month_with_running_total(qtbot, reports, demo_base) -> None:
    page = reports.balance
    reports.tabs.setCurrentWidget(page)
    _done(qtbot, page)
    assert len(page.table_data.rows) == 12  # a year to this month by default
    _set_date(page.from_edit, date(2025, 1, 15))
    _set_date(page.to_edit, date(2025, 12, 3))
    _run(qtbot, page)
    with demo_base.sessions() as s:
        month = extract("month", M.moved_on)
        counted = dict(s.execute(
            select(month, func.count()).where(
                M.kind == K.CONNECT, M.moved_on >= date(2025, 1, 1),
                M.moved_on <= date(2025, 12, 31)).group_by(month)).all())
    rows = page.table_data.rows
    assert [r[0] for r in rows][:2] == ["Январь 2025", "Февраль 2025"] and len(rows) == 12
    assert [r[1] for r in rows] == [counted.get(m, 0) for m in range(1, 13)]
    assert all(r[3] == r[1] - r[2] for r in rows)
    assert rows[-1][4] == sum(r[3] for r in rows)
    assert page.table_data.totals[1] == sum(counted.values())
    assert "С 01.01.2025 по 31.12.2025" in page.status_label.text()
    # A month with more disconnections than connections reads red.
    for r, row in enumerate(rows):
        if row[3] < 0:
            brush = page.model.data(page.model.index(r, 3), Qt.ItemDataRole.ForegroundRole)
            assert brush.color().name() == "#b00020"


@pytest.mark.parametrize("tab", ["clients", "movements", "stock", "balance"])
def test_each_report_goes_to_excel_through_the_gate(qtbot, reports, demo_base, tmp_path,
                                                    monkeypatch, tab) -> None:
    page: ReportPage = getattr(reports, tab)
    reports.tabs.setCurrentWidget(page)
    if tab == "movements":
        _set_date(page.from_edit, date(2020, 1, 1))
    _run(qtbot, page)
    target = tmp_path / f"{tab}.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    assert page.excel_button.isEnabled()
    qtbot.mouseClick(page.excel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Выгружено" in page.status_label.text(), timeout=20000)
    sheet = load_workbook(target).active
    table = page.table_data
    assert sheet["A1"].value == table.title and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == list(table.columns)
    assert sheet.max_row == 3 + len(table.rows) + (1 if table.totals else 0)
    logged = access.export_log(demo_base)[0]
    assert (logged.kind, logged.row_count) == ("excel", len(table.rows))
    assert table.title in logged.what
    # Without the right: refused, nothing written, nothing logged.
    reports.context.access = access.AccessProfile(frozenset({"client.edit"}),
                                                  access.Visibility.OWN, "service_engineer")
    target.unlink()
    before = len(access.export_log(demo_base))
    qtbot.mouseClick(page.excel_button, Qt.MouseButton.LeftButton)
    assert "Не выгружено" in page.status_label.text()
    assert not target.exists() and len(access.export_log(demo_base)) == before
    reports.context.access = access.FULL_ACCESS


def test_keyboard_f5_rebuilds_and_escape_closes(qtbot, reports) -> None:
    page = reports.clients
    _done(qtbot, page)
    page.table_data = None
    reports.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is reports)
    qtbot.keyClick(reports.tabs, Qt.Key.Key_F5)
    _done(qtbot, page)
    assert page.table_data is not None
    qtbot.keyClick(reports.tabs, Qt.Key.Key_Escape)
    assert not reports.isVisible()
    assert isinstance(reports, DistributiveReportsWindow)
