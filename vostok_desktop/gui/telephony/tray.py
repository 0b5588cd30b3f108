"""The tray icon: telephony state at a glance, and the way back to the program."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from vostok_desktop.plugins import ProviderState, ProviderStatus

STATE_COLOURS = {
    ProviderState.CONNECTED: "#2e8b3e",
    ProviderState.CONNECTING: "#d4a017",
    ProviderState.DISCONNECTED: "#8a8a8a",
    ProviderState.LOGIN_REFUSED: "#c62828",
    ProviderState.UNREACHABLE: "#c62828",
}


def state_icon(state: ProviderState, base_lost: bool = False) -> QIcon:
    """The phone with the PBX state as a dot; a lost base adds a red «!» badge."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1f4e8c"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(1, 1, 30, 30), 6, 6)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPixelSize(20)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, 32, 30), Qt.AlignmentFlag.AlignCenter, "☎")
    painter.setPen(QColor("white"))
    painter.setBrush(QColor(STATE_COLOURS[state]))
    painter.drawEllipse(QRectF(19, 19, 12, 12))
    if base_lost:
        painter.setBrush(QColor("#c62828"))
        painter.drawEllipse(QRectF(0, 0, 14, 14))
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, 14, 14), Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return QIcon(pixmap)


class TelephonyTray(QObject):
    show_window = Signal()

    def __init__(self, actions: list[QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.addAction("Открыть Vostok Desktop", self.show_window.emit)
        self.menu.addSeparator()
        for action in actions:
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.state_action = self.menu.addAction("")
        self.state_action.setEnabled(False)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.base_text = ""  # the base's connection state, empty while it is fine
        self.messages: list[tuple[str, str]] = []  # balloons shown, latest last
        self.set_status(ProviderStatus(ProviderState.DISCONNECTED))
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    def set_status(self, status: ProviderStatus) -> None:
        self.status = status
        self._show_state()

    def set_base_connection(self, connected: bool, text: str) -> None:
        """The base's connection next to the telephony state: in the tooltip and as a
        badge on the icon; a balloon when the server is lost and when it is back."""
        was_lost = bool(self.base_text)
        self.base_text = "" if connected else text
        self._show_state()
        if not connected and not was_lost:
            self.notify("Нет связи с сервером базы", text, critical=True)
        elif connected and was_lost:
            self.notify("Связь с сервером базы восстановлена",
                        "Несохранённые карточки можно записать.")

    def notify(self, title: str, text: str, *, critical: bool = False) -> None:
        self.messages.append((title, text))
        if QSystemTrayIcon.isSystemTrayAvailable() and self.icon.isVisible():
            icon = (QSystemTrayIcon.MessageIcon.Critical if critical
                    else QSystemTrayIcon.MessageIcon.Information)
            self.icon.showMessage(title, text, icon, 10_000)

    def _show_state(self) -> None:
        self.icon.setIcon(state_icon(self.status.state, bool(self.base_text)))
        text = self.status.text()
        tooltip = f"Vostok Desktop — {text}"
        if self.base_text:
            tooltip += f"\nБаза: {self.base_text}"
        self.icon.setToolTip(tooltip)
        self.state_action.setText(text)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window.emit()

    def close(self) -> None:
        self.icon.hide()
