"""The tab «Мониторинг НСС» on both dialects, on the known works of the НСС service test:
the manager's clients × the set's indicators with «нужен контакт» highlighted (needing
first), another period recounted on the worker, Enter opens the client's card, Insert
plans the contact as an assignment to the manager and says so under the table."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.gui.kpi.kpi_gui import png
from tests.services.kpi.test_nss import catalogue, rig  # noqa: F401 - the fixtures
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.work import Assignment
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.kpi import install_kpi
from vostok_desktop.gui.kpi.nss_monitor import HINT_BRUSH, NssMonitorTab
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.settings import Settings


@pytest.fixture
def window(qtbot, empty_base, rig):  # noqa: ANN001, F811
    win = build_main_window(empty_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.context.employee_id, win.context.is_admin = rig["ivanov"], False
    win.context.access = AccessProfile(frozenset(), Visibility.ALL, "manager")
    if "kpi.nss_monitor" not in win.context.actions:
        install_kpi(win)
    win.resize(1300, 600)
    win.show()
    yield win
    win.context.cards.close_all()


def _wait(qtbot, tab: NssMonitorTab) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: tab.operation is None and tab.monitor is not None, timeout=20000)


def test_monitor_hint_enter_and_plan(qtbot, window, rig, monkeypatch) -> None:  # noqa: ANN001, F811
    window.context.actions.trigger("kpi.nss_monitor")
    tab = window.nss_monitor
    assert isinstance(tab, NssMonitorTab)
    tab.today = date(2026, 1, 20)
    tab._fill_periods()
    tab.refresh()
    _wait(qtbot, tab)
    # A manager sees only himself in the chooser.
    assert not tab.manager.isEnabled() and tab.manager.currentData() == rig["ivanov"]
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Клиент", "Контакты, шт", "Выполнено, шт", "Минуты, мин", "Подсказка",
                       "Причины"]
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert [r[:5] for r in rows] == [
        ["Клиент B", "0", "0", "0", "нужен контакт"],
        ["Клиент C", "0", "0", "0", "нужен контакт"],
        ["Клиент A", "3", "2", "15", ""]]
    assert model.item(0, 4).background() == HINT_BRUSH
    assert "клиентов 3, нужен контакт — 2" in tab.summary.text()
    qtbot.waitExposed(tab)
    window.grab().save(png("kpi_nss_monitor.png"))
    # Enter opens the client's card.
    opened: list = []
    monkeypatch.setattr(window.context.cards, "open", lambda kind, i: opened.append((kind, i)))
    tab.table.setFocus()
    tab.table.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == [("client", rig["b"])]
    # Insert plans the contact.
    qtbot.keyClick(tab.table, Qt.Key.Key_Insert)
    with window.context.base.sessions() as s:
        made = s.scalars(select(Assignment)).all()
        assert [(a.client_id, a.executor_id) for a in made] == [(rig["b"], rig["ivanov"])]
        new_id = made[0].id
    assert f"поручение № {new_id}" in tab.status.text()
    assert "срок — 21.01.2026" in tab.status.text()
    assert model.index(0, 4).data() == "нужен контакт, контакт запланирован"
    window.grab().save(png("kpi_nss_monitor_planned.png"))
    qtbot.keyClick(tab.table, Qt.Key.Key_Insert)  # twice: not a second assignment
    assert "уже запланирован" in tab.status.text()
    # February, counted again on the worker: A needs a contact now.
    tab.period.setCurrentIndex(tab.period.findData(date(2026, 1, 1)) - 0)
    tab.kind.setCurrentIndex(tab.kind.findData("quarter"))
    _wait(qtbot, tab)
    assert tab.monitor.first == date(2026, 1, 1) and tab.monitor.last == date(2026, 3, 31)
    assert [model.index(r, 0).data() for r in range(model.rowCount())][0] == "Клиент C"
