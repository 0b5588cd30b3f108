"""The tab «Панель показателей» on both dialects, from known works: tiles give this
quarter's fact over everyone, the summed plans and the completion with its colour; a chart
per indicator with a line per department; the choice is kept per user; a change announced
on the bus reads the numbers again after the delay, F5 at once."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.kpi.kpi_gui import png
from tests.gui.kpi.test_employee_page import catalogue, kpi, window  # noqa: F401 - fixtures
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.gui.context import ChangeBus
from vostok_desktop.gui.kpi.dashboard import BELOW_PLAN, KpiDashboard
from vostok_desktop.services.kpi.facts import KpiSubject
from vostok_desktop.services.kpi.plans import PlanCell, Subject, save_plan_cells

TODAY = date(2026, 3, 15)  # the first quarter


class _Ctx:
    def __init__(self, base: OpenedBase, settings: QSettings) -> None:
        self.base, self.employee_id, self.qsettings = base, 7, settings
        self.bus = ChangeBus()


@pytest.fixture
def settings(tmp_path) -> QSettings:  # noqa: ANN001
    return QSettings(str(tmp_path / "vostok.ini"), QSettings.Format.IniFormat)


def _dashboard(qtbot, ctx: _Ctx, reports) -> KpiDashboard:  # noqa: ANN001
    board = KpiDashboard(ctx, today=TODAY, catalogue=reports)
    qtbot.addWidget(board)
    board.resize(1400, 900)
    board.show()
    qtbot.waitExposed(board)
    return board


def _wait(qtbot, board: KpiDashboard, before: int) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: board.reloads > before, timeout=20000)


def test_tiles_charts_choice_and_refresh(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                         known: dict[str, int], kpi: dict[str, int],  # noqa: F811
                                         catalogue, settings: QSettings) -> None:  # noqa: ANN001, F811
    save_plan_cells(empty_base, kpi["контакты"], PeriodKind.QUARTER, Subject.DEPARTMENT,
                    [PlanCell(known["sales"], date(2026, 1, 1), "4"),
                     PlanCell(known["service"], date(2026, 1, 1), "3")], None)
    ctx = _Ctx(empty_base, settings)
    board = _dashboard(qtbot, ctx, catalogue)
    # Choose «Контакты» and «Доля выполненных», by departments, by quarters.
    board.period_combo.setCurrentIndex(board.period_combo.findData(PeriodKind.QUARTER.value))
    for i in range(board.indicators_list.count()):
        item = board.indicators_list.item(i)
        wanted = item.text() in ("Контакты", "Доля выполненных")
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    before = board.reloads
    board.refresh()
    _wait(qtbot, board, before)
    assert sorted(board.chosen_codes()) == ["доля", "контакты"]
    tiles = {t.code: t for t in board.data.tiles}
    # The first quarter: 6 contacts in all (Ivanov 3, Petrov 2, Sidorova 1); plans 4 + 3.
    assert tiles["контакты"].fact == 6 and tiles["контакты"].plan == 7
    assert str(tiles["контакты"].percent) == "85.7" and tiles["контакты"].colour == BELOW_PLAN
    frame = board.tiles["контакты"]
    assert frame.findChild(type(board.status_label), "tile_fact").text() == "6"
    assert frame.findChild(type(board.status_label), "tile_percent").text() == \
        "Выполнено: 85,7\u00a0%"
    # 4 done of 6: the share is a formula, its plans are not summed.
    assert tiles["доля"].fact is not None and round(tiles["доля"].fact) == 67
    assert tiles["доля"].plan is None
    assert board.status_label.text().startswith("Итоги за 1 кв. 2026")
    # The contacts' chart: a line per department (and the one without), by quarters.
    table = board.data.table
    assert table.subject is KpiSubject.DEPARTMENT
    assert set(board.data.lines["контакты"]) == {known["sales"], known["service"], None}
    plot = board.plots["контакты"]
    lines = {i.name(): list(i.yData) for i in plot.plotItem.items
             if type(i).__name__ == "PlotDataItem"}
    assert lines["Продажи"] == [3.0, 0.0, 0.0, 0.0]
    assert lines["Сервис"] == [2.0, 1.0, 0.0, 0.0]
    QApplication.processEvents()
    assert board.grab().save(png(f"kpi_dashboard_{empty_base.dialect}.png"))

    # The choice is kept for this user: a new tab opens the same way.
    again = _dashboard(qtbot, ctx, catalogue)
    assert sorted(again.chosen_codes()) == ["доля", "контакты"]
    assert again.period_combo.currentData() == PeriodKind.QUARTER.value

    # A work written elsewhere: the bus asks for fresh numbers after the delay.
    board.refresh_timer.setInterval(50)
    before = board.reloads
    ctx.bus.announce("client_not_counted_here", [1])
    assert not board.refresh_timer.isActive()
    ctx.bus.announce("work", [1])
    ctx.bus.announce("work", [2])  # a burst: one reading
    assert board.refresh_timer.isActive()
    _wait(qtbot, board, before)
    assert board.reloads == before + 1


def test_employees_top_and_no_choice(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                     known: dict[str, int], kpi: dict[str, int],  # noqa: F811
                                     catalogue, settings: QSettings) -> None:  # noqa: ANN001, F811
    board = _dashboard(qtbot, _Ctx(empty_base, settings), catalogue)
    before = board.reloads
    board.subject_combo.setCurrentIndex(board.subject_combo.findData("employee"))
    _wait(qtbot, board, before)
    # By employees: the people by their year's total, most first (3, 3, then Sidorova's 1).
    lines = board.data.lines["контакты"]
    assert set(lines[:2]) == {known["ivanov"], known["petrov"]}
    assert lines[2] == known["sidorova"]
    QApplication.processEvents()
    assert board.grab().save(png(f"kpi_dashboard_employees_{empty_base.dialect}.png"))
    for i in range(board.indicators_list.count()):
        board.indicators_list.item(i).setCheckState(Qt.CheckState.Unchecked)
    assert board.data is None and board.status_label.text() == \
        "Отметьте показатели в списке слева."


def test_the_command_opens_one_tab(qtbot, window) -> None:  # noqa: ANN001, F811
    registry = window.context.actions
    assert registry.action("kpi.dashboard").text() == "Панель показателей"
    registry.trigger("kpi.dashboard")
    board = window.kpi.dashboard
    assert isinstance(board, KpiDashboard) and window.tabs.currentWidget() is board
    assert window.tabs.tabText(window.tabs.indexOf(board)) == "Панель показателей"
    registry.trigger("kpi.dashboard")  # again: the same tab in front
    assert window.kpi.dashboard is board
    assert sum(isinstance(window.tabs.widget(i), KpiDashboard)
               for i in range(window.tabs.count())) == 1
