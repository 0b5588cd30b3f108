"""The call informer (CallInformer): a small popup per call in the bottom-right corner.

Frameless, on top, shown without activation (it never steals the keyboard from what
the user is typing); Alt+T (action ``telephony.current_call``) gives it the focus,
then single keys shown on its buttons act; Esc closes. Several calls stack upwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain import CallDirection, CallEvent
from vostok_desktop.domain.validators import ValidationError, normalize_phone
from vostok_desktop.services.telephony.caller_lookup import CallerInfo, CallerMatch

POPUP_WIDTH = 400
MARGIN = 12
SPACING = 8

# Keys work in both layouts: the Cyrillic letter on the button, or the Latin letter
# on the same physical key (К/R, Л/K, О/J, П/G, Н/Y, С/C).
KEYS: dict[str, tuple[str, ...]] = {
    "client": ("к", "r"),
    "contact": ("л", "k"),
    "request": ("о", "j"),
    "transfer": ("п", "g"),
    "find": ("н", "y"),
    "new": ("с", "c"),
}

STATE_COLOURS = {
    "ringing": "#1f6fd1",
    "talking": "#2e8b3e",
    "ended": "#6b7785",
    "missed": "#c62828",
    "transferred": "#7b52ab",
}


@dataclass(frozen=True)
class CallView:
    """What one popup shows: the latest event of the call and who the caller is."""

    event: CallEvent
    caller: CallerInfo
    state: str = "ringing"  # ringing / talking / ended / missed / transferred
    answered_at: float | None = None  # monotonic, for the talk timer

    @property
    def call_id(self) -> str:
        return self.event.call_id


def display_number(number: str) -> str:
    try:
        return normalize_phone(number).formatted()
    except ValidationError:
        return number or "номер скрыт"


def _key_button(key: str, text: str, tooltip: str) -> QPushButton:
    button = QPushButton(f"{key}  {text}")
    button.setToolTip(f"{tooltip} (клавиша {key})")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class CallPopup(QFrame):
    """One call. Emits what the user asked for; the controller acts on it."""

    open_client = Signal(int)
    open_contact = Signal(int)
    register_request = Signal(str, object)  # call id, CallerMatch | None
    transfer_requested = Signal(str)
    find_client = Signal(str)
    new_client = Signal(str)
    closed = Signal(str)

    def __init__(self, view: CallView, linger_s: int = 15) -> None:
        super().__init__(None)
        self.setObjectName("call_popup")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(POPUP_WIDTH)
        self.linger_s = linger_s
        self.view = view
        self._focused_once = False
        # Where the keyboard was when the call came: given back if a platform that
        # ignores WindowDoesNotAcceptFocus (offscreen, some window managers) activated us.
        self._return_window: QWidget | None = None
        self._return_focus: QWidget | None = None
        self._linger = QTimer(self, singleShot=True)
        self._linger.timeout.connect(self._linger_over)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._update_status)
        self._build()
        self.set_view(view)

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.setStyleSheet("""
            #call_popup { background: #ffffff; border: 1px solid #7d8da1; }
            #call_header { color: white; padding: 5px 8px; }
            #call_header QLabel { color: white; font-weight: bold; }
            #call_number { font-size: 17pt; font-weight: bold; color: #1a1a1a; }
            #call_person { font-size: 12.5pt; font-weight: bold; color: #1a1a1a; }
            #call_position, #call_hint { color: #555e69; }
            #call_client { font-size: 11pt; font-weight: bold; color: #1a3d73; }
            #call_status_badge { border-radius: 3px; padding: 1px 6px; color: white; }
            #call_popup QPushButton { padding: 4px 8px; text-align: left; }
        """)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = QWidget(objectName="call_header")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        head = QHBoxLayout(self.header)
        head.setContentsMargins(8, 4, 4, 4)
        self.title_label = QLabel()
        self.status_label = QLabel()
        close = QToolButton(text="✕", toolTip="Закрыть (Esc)")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.setAutoRaise(True)
        close.setStyleSheet("color: white; font-weight: bold; border: none;")
        close.clicked.connect(self.close)
        head.addWidget(self.title_label)
        head.addStretch(1)
        head.addWidget(self.status_label)
        head.addWidget(close)
        outer.addWidget(self.header)

        body = QVBoxLayout()
        body.setContentsMargins(12, 8, 12, 10)
        body.setSpacing(3)
        self.number_label = QLabel(objectName="call_number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.number_label)
        self.person_label = QLabel(objectName="call_person")
        self.position_label = QLabel(objectName="call_position")
        client_row = QHBoxLayout()
        self.client_label = QLabel(objectName="call_client")
        self.client_label.setWordWrap(True)
        self.client_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                        QSizePolicy.Policy.Preferred)
        self.status_badge = QLabel(objectName="call_status_badge")
        client_row.addWidget(self.client_label, 1)
        client_row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.responsible_label = QLabel(objectName="call_hint")
        self.requests_label = QLabel(objectName="call_hint")
        for label in (self.person_label, self.position_label, self.responsible_label,
                      self.requests_label):
            label.setWordWrap(True)
        self.matches = QListWidget()
        self.matches.setObjectName("call_matches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(96)
        self.matches.currentRowChanged.connect(lambda _r: self._show_match(self.current_match()))
        self.unknown_label = QLabel("Номера нет в базе", objectName="call_hint")
        body.addWidget(self.matches)
        body.addWidget(self.person_label)
        body.addWidget(self.position_label)
        body.addLayout(client_row)
        body.addWidget(self.responsible_label)
        body.addWidget(self.requests_label)
        body.addWidget(self.unknown_label)
        self.message_label = QLabel(objectName="call_hint")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        body.addWidget(self.message_label)

        self.buttons: dict[str, QPushButton] = {
            "client": _key_button("К", "Карточка клиента", "Открыть карточку клиента"),
            "contact": _key_button("Л", "Карточка КЛ", "Открыть карточку контактного лица"),
            "request": _key_button("О", "Обращение", "Зарегистрировать обращение на ГЛ"),
            "transfer": _key_button("П", "Перевести", "Перевести звонок сотруднику"),
            "find": _key_button("Н", "Найти клиента", "Найти клиента по номеру"),
            "new": _key_button("С", "Новый клиент", "Создать клиента с этим номером"),
        }
        grid = QVBoxLayout()
        grid.setSpacing(4)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for key in ("client", "contact", "find", "new"):
            row1.addWidget(self.buttons[key])
        for key in ("request", "transfer"):
            row2.addWidget(self.buttons[key])
        grid.addLayout(row1)
        grid.addLayout(row2)
        body.addSpacing(6)
        body.addLayout(grid)
        self.hint_label = QLabel("Alt+T — перейти к звонку, Esc — закрыть",
                                 objectName="call_hint")
        body.addWidget(self.hint_label)
        outer.addLayout(body)
        for key, button in self.buttons.items():
            button.clicked.connect(lambda _c=False, k=key: self.act(k))

    # -- content -----------------------------------------------------------------------------
    def set_view(self, view: CallView) -> None:
        self.view = view
        event = view.event
        incoming = event.direction is CallDirection.INCOMING
        self.title_label.setText(("Входящий" if incoming else "Исходящий")
                                 + f" · вн. {event.extension}")
        self.number_label.setText(display_number(event.number))
        caller = view.caller
        several = len(caller.matches) > 1
        self.matches.setVisible(several)
        if several and self.matches.count() != len(caller.matches):
            self.matches.clear()
            for match in caller.matches:
                item = QListWidgetItem(f"{match.title} · {match.client_status_title}")
                self.matches.addItem(item)
            self.matches.setCurrentRow(0)
        self.unknown_label.setVisible(not caller.known)
        if not caller.known and event.caller_name:
            self.unknown_label.setText(f"Номера нет в базе · АТС называет: {event.caller_name}")
        self._show_match(self.current_match())
        known = caller.known
        for key in ("client", "contact", "request"):
            self.buttons[key].setVisible(known)
        for key in ("find", "new"):
            self.buttons[key].setVisible(not known)
        self._update_status()
        self._ticker.start() if view.state == "talking" else self._ticker.stop()
        if view.state in ("ended", "missed", "transferred"):
            self.buttons["transfer"].setEnabled(False)
            if self.linger_s > 0 and not self._linger.isActive():
                self._linger.start(self.linger_s * 1000)
        self.adjustSize()

    def current_match(self) -> CallerMatch | None:
        matches = self.view.caller.matches
        if not matches:
            return None
        row = self.matches.currentRow() if len(matches) > 1 else 0
        return matches[row] if 0 <= row < len(matches) else matches[0]

    def _show_match(self, match: CallerMatch | None) -> None:
        has_contact = bool(match and match.contact_id)
        self.person_label.setVisible(has_contact)
        self.position_label.setVisible(bool(match and match.contact_position))
        self.client_label.setVisible(match is not None)
        self.status_badge.setVisible(match is not None)
        self.responsible_label.setVisible(bool(match and match.responsibles))
        self.requests_label.setVisible(match is not None)
        self.buttons["contact"].setEnabled(has_contact)
        if match is None:
            return
        self.person_label.setText(match.contact_name)
        self.position_label.setText(match.contact_position)
        deleted = " (помечен на удаление)" if match.client_marked_for_deletion else ""
        self.client_label.setText(match.client_name + deleted)
        colour = {"served": "#2e8b3e", "prospect": "#b26a00"}.get(match.client_status,
                                                                  "#8a8a8a")
        self.status_badge.setText(match.client_status_title)
        self.status_badge.setStyleSheet(f"background: {colour};")
        self.responsible_label.setText("Ответственные: " + "; ".join(match.responsibles))
        self.requests_label.setText(
            "Открытые обращения: " + ("; ".join(match.open_requests)
                                      if match.open_requests else "нет"))

    def _update_status(self) -> None:
        view = self.view
        text = {
            "ringing": "звонит…",
            "talking": "разговор",
            "ended": "завершён",
            "missed": "пропущен",
            "transferred": f"переведён на {view.event.transferred_to or ''}".strip(),
        }.get(view.state, view.state)
        if view.state == "talking" and view.answered_at is not None:
            seconds = int(time.monotonic() - view.answered_at)
            text += f" {seconds // 60:02d}:{seconds % 60:02d}"
        self.status_label.setText(text)
        self.header.setStyleSheet(
            f"#call_header {{ background: {STATE_COLOURS.get(view.state, '#1f6fd1')}; }}")

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        self.adjustSize()

    # -- behaviour ---------------------------------------------------------------------------
    def act(self, what: str) -> None:
        button = self.buttons.get(what)
        if button is None or not button.isVisible() or not button.isEnabled():
            return
        match = self.current_match()
        number = self.view.event.number
        if what == "client" and match is not None:
            self.open_client.emit(match.client_id)
        elif what == "contact" and match is not None and match.contact_id:
            self.open_contact.emit(match.contact_id)
        elif what == "request":
            self.register_request.emit(self.call_id, match)
        elif what == "transfer":
            self.transfer_requested.emit(self.call_id)
        elif what == "find":
            self.find_client.emit(number)
        elif what == "new":
            self.new_client.emit(number)

    @property
    def call_id(self) -> str:
        return self.view.call_id

    def take_focus(self) -> None:
        """Alt+T: from now on this popup accepts the keyboard."""
        if self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus:
            geometry = self.geometry()
            self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus, False)
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
            self.setGeometry(geometry)
        self._focused_once = True
        self._linger.stop()  # the user is working with it: it stays until closed
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_without_focus(self) -> None:
        self._return_window = QApplication.activeWindow()
        self._return_focus = QApplication.focusWidget()
        self.show()

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.WindowActivate and not self._focused_once
                and self._return_window is not None):
            QTimer.singleShot(0, self._give_focus_back)
        return super().event(event)

    def _give_focus_back(self) -> None:
        window, focus = self._return_window, self._return_focus
        if self._focused_once or window is None or not window.isVisible():
            return
        window.activateWindow()
        if focus is not None and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.matches.isVisible():
            step = -1 if key == Qt.Key.Key_Up else 1
            row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
            self.matches.setCurrentRow(row)
            return
        text = event.text().lower()
        plain = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        if event.modifiers() & ~plain:
            super().keyPressEvent(event)
            return
        for what, letters in KEYS.items():
            if text in letters:
                self.act(what)
                return
        super().keyPressEvent(event)

    def _linger_over(self) -> None:
        if not self._focused_once:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._ticker.stop()
        self._linger.stop()
        self.closed.emit(self.call_id)
        super().closeEvent(event)


class InformerStack(QObject):
    """The popups of the current calls, stacked upwards from the bottom-right corner
    of the available area of the screen where the main window is."""

    popup_shown = Signal(str)  # call id

    def __init__(self, anchor: QWidget | None, linger_s: int = 15,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._anchor = anchor
        self.linger_s = linger_s
        self.popups: dict[str, CallPopup] = {}
        self._order: list[str] = []

    def screen(self) -> QScreen:
        if self._anchor is not None and self._anchor.screen() is not None:
            return self._anchor.screen()
        return QGuiApplication.primaryScreen()

    def popup(self, call_id: str) -> CallPopup | None:
        return self.popups.get(call_id)

    def current(self) -> CallPopup | None:
        """The newest popup of a call still going, else the newest one."""
        live = [c for c in self._order
                if self.popups[c].view.state in ("ringing", "talking")]
        order = live or self._order
        return self.popups[order[-1]] if order else None

    def show_call(self, view: CallView) -> CallPopup:
        existing = self.popups.get(view.call_id)
        if existing is not None:
            existing.set_view(view)
            self.restack()
            return existing
        popup = CallPopup(view, self.linger_s)
        popup.closed.connect(self._forget)
        self.popups[view.call_id] = popup
        self._order.append(view.call_id)
        popup.adjustSize()
        self.restack()
        popup.show_without_focus()
        self.popup_shown.emit(view.call_id)
        return popup

    def update_call(self, call_id: str, **changes: object) -> CallPopup | None:
        popup = self.popups.get(call_id)
        if popup is None:
            return None
        popup.set_view(replace(popup.view, **changes))  # type: ignore[arg-type]
        self.restack()
        return popup

    def restack(self) -> None:
        area: QRect = self.screen().availableGeometry()
        bottom = area.bottom() - MARGIN
        for call_id in self._order:
            popup = self.popups[call_id]
            size = popup.sizeHint().expandedTo(popup.minimumSizeHint())
            height = max(size.height(), popup.height() if popup.isVisible() else 0)
            top = max(area.top() + MARGIN, bottom - height + 1)  # many calls: overlap
            popup.setGeometry(area.right() - MARGIN - POPUP_WIDTH + 1, top, POPUP_WIDTH, height)
            bottom -= height + SPACING

    def _forget(self, call_id: str) -> None:
        self.popups.pop(call_id, None)
        if call_id in self._order:
            self._order.remove(call_id)
        self.restack()

    def close_all(self) -> None:
        for popup in list(self.popups.values()):
            popup.close()


__all__ = ["CallPopup", "CallView", "InformerStack", "display_number"]
