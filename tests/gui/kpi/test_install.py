"""The KPI commands in the main window (installed as ``_install_areas`` will call
``install_kpi``): the menu «KPI» opens the three dialogs with the window's base and
rights, and every command is in the one action registry with a Russian title."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.kpi.kpi_gui import CATALOGUE, png
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.kpi import install_kpi
from vostok_desktop.gui.kpi.indicators_dialog import IndicatorsDialog
from vostok_desktop.gui.kpi.plans_dialog import PlansDialog
from vostok_desktop.gui.kpi.sets_dialog import SetsDialog
from vostok_desktop.settings import Settings


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    if "kpi.indicators" not in win.context.actions:  # until the lead wires it
        install_kpi(win, catalogue_provider=lambda: CATALOGUE)
    win.resize(1400, 850)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.context.cards.close_all()


def test_the_menu_opens_the_three_dialogs(qtbot, window) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "KPI")
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Панель показателей", "Мониторинг НСС", "Новая схема сервиса",
        "Показатели KPI…", "Планы KPI…", "Наборы показателей…"]
    registry = window.context.actions
    for action_id, kind in (("kpi.indicators", IndicatorsDialog), ("kpi.plans", PlansDialog),
                            ("kpi.sets", SetsDialog)):
        assert action_id in registry
        registry.trigger(action_id)
        dialog = window.kpi.dialog
        assert isinstance(dialog, kind) and dialog.isVisible()
        assert dialog.context is window.context
        qtbot.waitExposed(dialog)
        dialog.grab().save(png(f"kpi_window_{action_id.split('.')[1]}.png"))
        dialog.close()
    # The window's catalogue reaches the editor.
    registry.trigger("kpi.indicators")
    assert window.kpi.dialog.report.findData("client_contacts") >= 0
    window.kpi.dialog.close()
