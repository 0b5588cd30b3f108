"""Deadline control: every minute, warn the operator and their supervisor about requests
that are due within the hour or overdue (tray message, else the status bar); at login,
list what became overdue since the program last looked («Пока вас не было»)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMainWindow, QSystemTrayIcon

from vostok_desktop.domain.base import utcnow
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.hotline import requests as hl

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60_000
MAX_LISTED = 5
AWAY_LOOKBACK = timedelta(days=14)  # first run: what became overdue in the last two weeks


def last_seen_key(employee_id: int | None) -> str:
    return f"hotline/v1/last_seen/{employee_id or 0}"


class DeadlineMonitor(QObject):
    """Checks deadlines on a timer; ``clock`` is injectable for tests."""

    notified = Signal(str, str)  # title, text

    def __init__(self, window: QMainWindow, context: AppContext,
                 clock: Callable[[], datetime] = utcnow,
                 interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.clock = clock
        self.tracker = hl.AlertTracker()
        self.messages: list[tuple[str, str]] = []
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> list[hl.DeadlineAlert]:
        """Announce the requests that newly became due soon or overdue."""
        now = self.clock()
        try:
            with self.context.base.sessions() as session:
                alerts = hl.deadline_alerts(session, self.context.employee_id, now)
        except Exception:  # noqa: BLE001 - a lost connection must not kill the timer
            log.exception("deadline check failed")
            return []
        fresh = self.tracker.fresh(alerts)
        self.remember_seen(now)
        if not fresh:
            return []
        overdue = [a for a in fresh if a.urgency == "overdue"]
        title = (f"Просрочены обращения: {len(overdue)}" if overdue
                 else f"Срок ответа истекает в течение часа: {len(fresh)}")
        lines = [a.text() for a in fresh[:MAX_LISTED]]
        if len(fresh) > MAX_LISTED:
            lines.append(f"и ещё {len(fresh) - MAX_LISTED}")
        self.notify(title, "\n".join(lines), critical=bool(overdue))
        return fresh

    def notify(self, title: str, text: str, *, critical: bool = False) -> None:
        self.messages.append((title, text))
        self.notified.emit(title, text)
        telephony = getattr(self.window, "telephony", None)
        tray = getattr(getattr(telephony, "tray", None), "icon", None)
        if (isinstance(tray, QSystemTrayIcon) and QSystemTrayIcon.isSystemTrayAvailable()
                and tray.isVisible()):
            icon = (QSystemTrayIcon.MessageIcon.Critical if critical
                    else QSystemTrayIcon.MessageIcon.Warning)
            tray.showMessage(title, text, icon, 15_000)
        else:
            self.window.statusBar().showMessage(f"{title}: {text.splitlines()[0]}", 30_000)

    # -- «since you were away» -----------------------------------------------------------------
    def last_seen(self) -> datetime | None:
        value = self.context.qsettings.value(last_seen_key(self.context.employee_id))
        if not value:
            return None
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            return None

    def remember_seen(self, now: datetime) -> None:
        self.context.qsettings.setValue(last_seen_key(self.context.employee_id), now.isoformat())

    def overdue_while_away(self) -> list[hl.DeadlineAlert]:
        """What became overdue since the last check (then remembers now)."""
        now = self.clock()
        since = self.last_seen() or now - AWAY_LOOKBACK
        with self.context.base.sessions() as session:
            alerts = hl.overdue_since(session, self.context.employee_id, since, now)
        for alert in alerts:
            self.tracker.announced[alert.request_id] = alert.urgency
        self.remember_seen(now)
        return alerts


class AwayList(QListWidget):
    """«Пока вас не было»: overdue requests, Enter opens one."""

    def __init__(self, alerts: list[hl.DeadlineAlert],
                 open_request: Callable[[int], None]) -> None:
        super().__init__()
        self.setObjectName("hotline_away_list")
        for alert in alerts:
            item = QListWidgetItem(alert.text())
            item.setData(0x0100, alert.request_id)
            self.addItem(item)
        self.setCurrentRow(0)
        self.itemActivated.connect(lambda item: open_request(item.data(0x0100)))
