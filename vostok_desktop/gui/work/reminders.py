"""Reminders on time: a scheduler driven by a clock, a tray notification and a small
window with «Отложить», «Открыть», «Закрыть»; the digest shown at login."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import HINT_COLOUR, fmt_dt, set_text_colour, style_header
from vostok_desktop.services.work import reminders as rem

POLL_MS = 30_000
SNOOZE_MINUTES = 10


class ReminderScheduler(QObject):
    """Checks the base for due reminders on a timer; ``check()`` may be called any time
    (tests move the clock and call it). Each due reminder is emitted once, then marked
    fired; snoozing makes it pending again."""

    reminder_due = Signal(object)  # ReminderInfo

    def __init__(self, base, employee_id: int, clock: Callable[[], datetime],  # noqa: ANN001
                 parent: QObject | None = None, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.base = base
        self.employee_id = employee_id
        self.clock = clock
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> list[rem.ReminderInfo]:
        now = self.clock()
        try:
            due = rem.due_reminders(self.base, self.employee_id, now)
            for info in due:
                rem.mark_fired(self.base, info.id, now)
        except Exception:  # noqa: BLE001 - a lost connection must not stop the timer
            return []
        for info in due:
            self.reminder_due.emit(info)
        return due

    def snooze(self, reminder_id: int, minutes: int = SNOOZE_MINUTES) -> datetime:
        return rem.snooze(self.base, reminder_id, self.clock(), minutes)

    def dismiss(self, reminder_id: int) -> None:
        rem.dismiss(self.base, reminder_id)


class ReminderPopup(QWidget):
    """A small always-on-top window for one reminder."""

    snoozed = Signal(int)
    opened = Signal(object)  # ReminderInfo
    dismissed = Signal(int)

    def __init__(self, info: rem.ReminderInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.info = info
        self.setObjectName("reminder_popup")
        self.setWindowTitle("Напоминание")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        layout = QVBoxLayout(self)
        title = QLabel("⏰ Напоминание")
        style_header(title)
        layout.addWidget(title)
        self.text_label = QLabel(info.text)
        self.text_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        when = QLabel(f"{fmt_dt(info.remind_at)}" + (f" · {info.client_name}"
                                                     if info.client_name else ""))
        set_text_colour(when, HINT_COLOUR)
        layout.addWidget(when)
        row = QHBoxLayout()
        self.snooze_button = QPushButton(f"&Отложить на {SNOOZE_MINUTES} мин")
        self.open_button = QPushButton("Отк&рыть")
        self.dismiss_button = QPushButton("&Закрыть")
        for b in (self.snooze_button, self.open_button, self.dismiss_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.snooze_button.clicked.connect(lambda: self._done(self.snoozed, info.id))
        self.open_button.clicked.connect(lambda: self._done(self.opened, info))
        self.dismiss_button.clicked.connect(lambda: self._done(self.dismissed, info.id))
        self.setMinimumWidth(360)

    def _done(self, signal, value) -> None:  # noqa: ANN001
        signal.emit(value)
        self.close()


class ReminderNotifier(QObject):
    """Shows due reminders: a tray balloon (the telephony tray icon when there is one) and
    a popup per reminder with snooze / open / dismiss."""

    def __init__(self, scheduler: ReminderScheduler, tray_icon: QSystemTrayIcon | None,
                 open_reminder: Callable[[rem.ReminderInfo], None],
                 anchor: QWidget | None = None) -> None:
        super().__init__(scheduler)
        self.scheduler = scheduler
        self.open_reminder = open_reminder
        self.anchor = anchor
        self.own_tray = tray_icon is None
        if tray_icon is None:
            tray_icon = QSystemTrayIcon(self)
            if anchor is not None:
                tray_icon.setIcon(anchor.windowIcon())
        self.tray = tray_icon
        self.popups: dict[int, ReminderPopup] = {}
        self.shown: list[rem.ReminderInfo] = []
        scheduler.reminder_due.connect(self.show_reminder)

    def show_reminder(self, info: rem.ReminderInfo) -> None:
        self.shown.append(info)
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.own_tray and not self.tray.isVisible():
                self.tray.show()
            self.tray.showMessage("Напоминание", info.text + (f"\n{info.client_name}"
                                                              if info.client_name else ""),
                                  QSystemTrayIcon.MessageIcon.Information, 15_000)
        old = self.popups.pop(info.id, None)
        if old is not None:
            old.close()
        popup = ReminderPopup(info)
        popup.snoozed.connect(self.scheduler.snooze)
        popup.dismissed.connect(self.scheduler.dismiss)
        popup.opened.connect(self._open)
        popup.destroyed.connect(lambda _o=None, i=info.id: self.popups.pop(i, None))
        popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.popups[info.id] = popup
        self._place(popup)
        popup.show()

    def _open(self, info: rem.ReminderInfo) -> None:
        self.scheduler.dismiss(info.id)
        self.open_reminder(info)

    def _place(self, popup: ReminderPopup) -> None:
        screen = (self.anchor.screen() if self.anchor is not None else None) or popup.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        popup.adjustSize()
        offset = 12 + 20 * (len(self.popups) - 1)
        popup.move(area.right() - popup.width() - offset, area.top() + offset)


class DigestDialog(QDialog):
    """«Что случилось с моими клиентами с последнего входа» and missed reminders."""

    open_client = Signal(int)

    def __init__(self, digest: rem.Digest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digest_dialog")
        self.setWindowTitle("С последнего входа")
        layout = QVBoxLayout(self)
        header = QLabel("Что случилось с моими клиентами")
        style_header(header)
        layout.addWidget(header)
        since = QLabel(f"С {fmt_dt(digest.since)}" if digest.since else
                       "Первый вход: за последние сутки")
        set_text_colour(since, HINT_COLOUR)
        layout.addWidget(since)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Когда", "Клиент", "Что"])
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 240)
        sections = [("Пропущенные напоминания", [
            (r.remind_at, r.client_id, r.client_name, r.text) for r in digest.missed_reminders])]
        if digest.requests_available:
            sections.append(("Новые обращения", [
                (d.when, d.client_id, d.client_name, d.text) for d in digest.requests]))
        sections += [
            ("Поручения", [(d.when, d.client_id, d.client_name, d.text)
                           for d in digest.assignments]),
            ("Изменения, сделанные другими", [(d.when, d.client_id, d.client_name, d.text)
                                              for d in digest.changes]),
        ]
        for title, rows in sections:
            top = QTreeWidgetItem([f"{title} ({len(rows)})", "", ""])
            top.setFirstColumnSpanned(True)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            for when, client_id, client, text in rows:
                row = QTreeWidgetItem([fmt_dt(when), client, text])
                row.setData(0, Qt.ItemDataRole.UserRole, client_id)
                row.setToolTip(2, text)
                top.addChild(row)
            top.setExpanded(bool(rows))
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        hint = QLabel("Enter на строке — открыть карточку клиента.")
        set_text_colour(hint, HINT_COLOUR)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 480)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        client_id = item.data(0, Qt.ItemDataRole.UserRole)
        if client_id:
            self.open_client.emit(int(client_id))
