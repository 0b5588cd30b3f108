"""The status-bar reminder of overdue demo copies and installations, on both dialects:
the demo base has overdue demo copies, the test plans an installation that becomes
overdue; the indicator says how many, a click opens the warehouse or the control."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.distributives.conftest import TODAY
from tests.gui.distributives.conftest import window as window  # noqa: F401 - the fixture
from vostok_desktop.domain import DistributiveStatus
from vostok_desktop.gui.distributives.installation_dialog import InstallationControl
from vostok_desktop.gui.distributives.reminders import overdue_counts
from vostok_desktop.services.distributives import gui_queries as gq
from vostok_desktop.services.distributives import installations as ins

LATER = TODAY + timedelta(days=5)


def _overdue_demos(base) -> int:
    return sum(1 for r in gq.warehouse_rows(base, (DistributiveStatus.DEMO,))
               if r.demo_until is not None and r.demo_until < LATER)


def _plan_overdue(base, engineer_id: int) -> None:
    """An installation due on TODAY: five days overdue on LATER."""
    for client_id in gq_clients(base):
        choices = ins.installable_choices(base, client_id)
        if choices:
            ins.plan_installation(base, ins.InstallationDraft(
                client_id, engineer_id, TODAY, [choices[0].id]), None, today=TODAY)
            return
    raise AssertionError("the demo base has no distributive in stock")


def gq_clients(base) -> list[int]:
    from sqlalchemy import select

    from vostok_desktop.domain import Client
    with base.sessions() as s:
        return list(s.scalars(select(Client.id).order_by(Client.id).limit(20)))


def _check(qtbot, window) -> None:
    reminders = window.distributives.reminders
    reminders.today = lambda: LATER
    reminders.check()
    qtbot.waitUntil(lambda: not reminders.running, timeout=5000)


def test_indicator_counts_and_opens_the_right_screen(qtbot, window) -> None:
    base = window.context.base
    reminders = window.distributives.reminders
    indicator = reminders.indicator
    demos = _overdue_demos(base)
    assert demos > 0  # the demo base has overdue demo copies
    _check(qtbot, window)
    assert indicator.isVisible()
    assert indicator.text() == f"Просрочены: ознакомительных {demos}"
    assert not indicator.installations.isVisible()

    _plan_overdue(base, window.context.employee_id or gq.employees(base)[0].id)
    window.context.bus.announce("installation", [])
    _check(qtbot, window)
    assert indicator.text() == f"Просрочены: ознакомительных {demos}, установок 1"
    assert indicator.installations.isVisible()
    window.statusBar().grab().save("/tmp/scr/png/reminder_status.png")

    # A click on «ознакомительных N» opens the warehouse with the demo copies.
    qtbot.mouseClick(indicator.demos, Qt.MouseButton.LeftButton)
    warehouse = window.distributives.warehouse
    assert warehouse is not None and window.tabs.currentWidget() is warehouse
    assert {r.status for r in warehouse.rows} == {DistributiveStatus.DEMO}
    # A click on «установок 1» opens «Контроль сроков установки».
    qtbot.mouseClick(indicator.installations, Qt.MouseButton.LeftButton)
    control = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, InstallationControl) and w.isVisible())
    assert control.windowTitle() == "Контроль сроков установки"
    assert len(control.rows) == 1
    control.close()


def test_nothing_overdue_hides_the_indicator(qtbot, window) -> None:
    base = window.context.base
    reminders = window.distributives.reminders
    reminders.today = lambda: TODAY - timedelta(days=3650)
    reminders.check()
    qtbot.waitUntil(lambda: not reminders.running, timeout=5000)
    assert not reminders.indicator.isVisible() and reminders.indicator.text() == ""
    # Someone without «Склад» counts only their own: an engineer with nothing is clean.
    assert overdue_counts(base, None, False, LATER) == (0, 0)
    # With «Склад», later on, every demo copy out is overdue.
    demos, _installations = overdue_counts(base, window.context.employee_id, True, LATER)
    assert demos > 0
