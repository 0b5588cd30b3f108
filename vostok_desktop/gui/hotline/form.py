"""The request registration form (ui/hotline_request.ui), built for the keyboard.

Opened prefilled from the informer (client, contact, call), from the contact agent (one
or many contacts), from a card's «Обращения» page, or empty by the global hotkey with a
type-ahead search of the caller by phone or name. Tab goes top to bottom; Enter saves
(Shift+Enter is a new line in the question); Esc cancels and asks if something was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.hotline import (
    CHANNEL_TITLES,
    LINE_TITLES,
    HotlineLine,
    RequestChannel,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.uiloader import child, load_ui
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.services.hotline.calendar import WorkingCalendar, load_calendar

UI_WIDGETS: dict[str, type[QWidget]] = {
    "line_box": QComboBox, "channel_box": QComboBox, "caller_edit": QLineEdit,
    "contact_box": QComboBox, "contacts_label": QLabel, "text_edit": QPlainTextEdit,
    "type_box": QComboBox, "deadline_label": QLabel, "documents_edit": QLineEdit,
    "call_label": QLabel, "message_label": QLabel, "button_box": QDialogButtonBox,
}
LAST_LINE_KEY = "hotline/v1/last_line"
TYPE_AHEAD_DELAY_MS = 150


@dataclass(frozen=True)
class CallInfo:
    """The call a request is registered from (the informer's)."""

    call_row_id: int | None
    number: str
    started_at: datetime | None = None


class RequestForm(QDialog):
    """«Новое обращение». ``saved(ids)`` after a successful save."""

    saved = Signal(list)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 calendar: WorkingCalendar | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("hotline_request_form")
        self.setWindowTitle("Новое обращение на ГЛ / ЛК")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.form = load_ui("hotline_request.ui", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        for name, kind in UI_WIDGETS.items():
            setattr(self, name, child(self.form, kind, name))
        self.resize(640, 470)
        with context.base.sessions() as session:
            self.calendar = calendar or load_calendar(session)
            self.types = hl.request_types(session)
        self.client_id: int | None = None
        self.contact_ids: list[int] = []
        self.call: CallInfo | None = None
        self.received_at: datetime | None = None
        self._choices: dict[str, hl.CallerChoice] = {}
        self._prefilled_text = ""
        self._fill_lists()
        self._wire()
        self._show_message("")
        self.contacts_label.hide()
        self.call_label.hide()

    # -- construction ---------------------------------------------------------------------
    def _fill_lists(self) -> None:
        for line, title in LINE_TITLES.items():
            self.line_box.addItem(title, line.value)
        last = self.context.qsettings.value(LAST_LINE_KEY)
        index = self.line_box.findData(last) if last else -1
        self.line_box.setCurrentIndex(max(0, index))
        for channel, title in CHANNEL_TITLES.items():
            self.channel_box.addItem(title, channel.value)
        for rtype in self.types:
            self.type_box.addItem(rtype.name, rtype.id)
        self._update_deadline()

    def _wire(self) -> None:
        buttons = self.button_box
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Сохранить (Enter)")
        save.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена (Esc)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.type_box.currentIndexChanged.connect(lambda _i: self._update_deadline())
        self.text_edit.installEventFilter(self)
        self.caller_edit.installEventFilter(self)
        self.completer_model = QStringListModel(self)
        self.completer = QCompleter(self.completer_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.caller_edit.setCompleter(self.completer)
        self.completer.activated[str].connect(self._choose_title)
        self._type_ahead = QTimer(self, singleShot=True, interval=TYPE_AHEAD_DELAY_MS)
        self._type_ahead.timeout.connect(self.search_callers)
        self.caller_edit.textEdited.connect(self._caller_typed)

    # -- prefill ----------------------------------------------------------------------------
    def set_caller(self, client_id: int, contact_id: int | None = None) -> None:
        """The request is from this client (and contact)."""
        with self.context.base.sessions() as session:
            name = hl.client_name(session, client_id)
            contacts = hl.contacts_of(session, client_id)
        self.client_id = client_id
        self.contact_ids = [contact_id] if contact_id else []
        self.caller_edit.setText(name)
        self.caller_edit.setCursorPosition(0)
        self.contact_box.setVisible(True)
        self.contacts_label.hide()
        self.contact_box.clear()
        self.contact_box.addItem("— без контактного лица —", None)
        for cid, cname in contacts:
            self.contact_box.addItem(cname, cid)
        index = self.contact_box.findData(contact_id) if contact_id else 0
        self.contact_box.setCurrentIndex(max(0, index))

    def set_contacts(self, contact_ids: Sequence[int]) -> None:
        """Several contacts (the contact agent's selection): one request for each."""
        with self.context.base.sessions() as session:
            callers = hl.caller_of_contacts(session, contact_ids)
        if len(callers) == 1:
            self.set_caller(callers[0].client_id, callers[0].contact_id)
            return
        self.contact_ids = [c.contact_id for c in callers if c.contact_id]
        clients = {c.client_id for c in callers}
        self.client_id = callers[0].client_id if len(clients) == 1 and callers else None
        self.caller_edit.setText(
            callers[0].client_name if len(clients) == 1 and callers
            else f"Клиентов: {len(clients)}")
        self.caller_edit.setReadOnly(True)
        self.contact_box.hide()
        names = ", ".join(c.contact_name if len(clients) == 1 else c.title
                          for c in callers[:6])
        more = f" и ещё {len(callers) - 6}" if len(callers) > 6 else ""
        self.contacts_label.setText(
            f"Обращение будет зарегистрировано для {len(callers)} контактных лиц: {names}{more}")
        self.contacts_label.show()

    def set_call(self, call: CallInfo) -> None:
        self.call = call
        self.received_at = call.started_at
        self.channel_box.setCurrentIndex(self.channel_box.findData(RequestChannel.PHONE.value))
        when = (call.started_at or utcnow()).astimezone().strftime("%H:%M")
        self.call_label.setText(f"☎ Звонок с номера {call.number or 'скрыт'}, начат в {when}")
        self.call_label.show()
        self._update_deadline()

    def focus_first_empty(self) -> None:
        """The keyboard goes where typing starts: the caller if unknown, else the question."""
        target = self.text_edit if (self.client_id or self.contact_ids) else self.caller_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- type-ahead -------------------------------------------------------------------------
    def search_callers(self) -> None:
        self._type_ahead.stop()
        text = self.caller_edit.text()
        with self.context.base.sessions() as session:
            choices = hl.find_callers(session, text)
        self._choices = {}
        for choice in choices:
            title = choice.title
            while title in self._choices:
                title += " "
            self._choices[title] = choice
        self.completer_model.setStringList(list(self._choices))
        if choices and self.caller_edit.hasFocus():
            self.completer.complete()

    def _caller_typed(self, _text: str) -> None:
        self.client_id = None  # what is typed now is a search, not the chosen client
        self.contact_ids = []
        self.contact_box.clear()
        self._type_ahead.start()

    def _choose_title(self, title: str) -> None:
        choice = self._choices.get(title)
        if choice is not None:
            self.set_caller(choice.client_id, choice.contact_id)
            QTimer.singleShot(0, lambda: self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason))

    def _caller_return(self) -> None:
        """Enter in the caller field takes the first candidate (no popup needed)."""
        if self._type_ahead.isActive() or not self._choices:
            self.search_callers()
        if self._choices:
            self.completer.popup().hide()
            self._choose_title(next(iter(self._choices)))
        else:
            self._show_message("Никого не нашлось: проверьте телефон или название")

    # -- deadline preview -------------------------------------------------------------------
    def current_type(self) -> hl.RequestTypeInfo | None:
        type_id = self.type_box.currentData()
        return next((t for t in self.types if t.id == type_id), None)

    def _update_deadline(self) -> None:
        rtype = self.current_type()
        if rtype is None:
            self.deadline_label.setText("")
            return
        deadline = self.calendar.deadline(self.received_at or utcnow(), rtype.deadline_days,
                                          rtype.deadline_minutes)
        self.deadline_label.setText(
            f"Срок ответа: {deadline.astimezone():%d.%m %H:%M} ({rtype.rule_text()})")

    # -- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        is_enter = (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                    and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter))
        if watched is self.caller_edit and is_enter:
            if self.client_id is None or self._type_ahead.isActive():
                self._caller_return()
                return True
            return super().eventFilter(watched, event)
        if watched is self.text_edit and is_enter:
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.text_edit.insertPlainText("\n")
            else:
                self.save()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.completer.popup(
                ).isVisible():
            self.save()
            return
        super().keyPressEvent(event)

    def has_typed(self) -> bool:
        return bool(self.text_edit.toPlainText().strip() != self._prefilled_text
                    or self.documents_edit.text().strip())

    def reject(self) -> None:
        if self.has_typed():
            answer = QMessageBox.question(
                self, "Отменить регистрацию",
                "Текст обращения будет потерян. Отменить регистрацию?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self.text_edit.setFocus()
                return
        super().reject()

    # -- save --------------------------------------------------------------------------------
    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.message_label.setVisible(bool(text))

    def draft(self) -> hl.RequestDraft:
        contact_ids = list(self.contact_ids)
        if self.contact_box.isVisible() or not self.contacts_label.isVisible():
            chosen = self.contact_box.currentData()
            contact_ids = [chosen] if chosen else []
        return hl.RequestDraft(
            line=HotlineLine(self.line_box.currentData()),
            type_id=self.type_box.currentData(),
            text=self.text_edit.toPlainText(),
            client_id=self.client_id,
            contact_ids=contact_ids,
            channel=RequestChannel(self.channel_box.currentData()),
            operator_id=self.context.employee_id,
            received_at=self.received_at,
            call_id=self.call.call_row_id if self.call else None,
            documents="\n".join(p.strip() for p in self.documents_edit.text().split(";")
                                if p.strip()),
        )

    def save(self) -> bool:
        if self.completer.popup().isVisible():
            return False
        draft = self.draft()
        try:
            with self.context.base.sessions.begin() as session:
                ids = hl.register_requests(session, draft, self.calendar)
        except hl.RequestError as exc:
            self._show_message(str(exc))
            focus = {"текст": self.text_edit, "тип": self.type_box,
                     "клиент": self.caller_edit}
            for word, widget in focus.items():
                if word in str(exc).lower():
                    widget.setFocus()
                    break
            return False
        self.context.qsettings.setValue(LAST_LINE_KEY, draft.line.value)
        self.context.bus.announce("hotline_request", ids)
        self.saved.emit(ids)
        self.accept()
        return True
