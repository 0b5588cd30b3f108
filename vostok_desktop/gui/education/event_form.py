"""The event's details as a form: kind, theme, start, lecturer (an employee or a name
typed in), price, place or link, places, state, notes. Used by «Новое мероприятие…» and
by the event card's page «Сведения»."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    EVENT_STATUS_TITLES,
    EventKind,
    EventStatus,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.widgets import show_status
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.education import events as ev

OTHER_LECTURER = -1


class EventForm(QWidget):
    """Edits one event; ``save()`` writes it and emits ``saved(event_id)``."""

    saved = Signal(int)

    def __init__(self, context: Any, event_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_event_form")
        self.context = context
        self.event_id = event_id
        self.kind = QComboBox()
        self.kind.setObjectName("event_kind")
        for kind, title in EVENT_KIND_TITLES.items():
            self.kind.addItem(title, kind.value)
        self.theme = QLineEdit()
        self.theme.setObjectName("event_theme")
        self.theme.setPlaceholderText("Например: Изменения в НДС")
        self.starts = QDateTimeEdit()
        self.starts.setObjectName("event_starts_at")
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat("dd.MM.yyyy HH:mm")
        soon = (datetime.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0,
                                                             microsecond=0)
        self.starts.setDateTime(QDateTime(soon))
        self.lecturer = QComboBox()
        self.lecturer.setObjectName("event_lecturer")
        self.lecturer.addItem("(не выбран)", None)
        for employee_id, name in ev.lecturers(context.base):
            self.lecturer.addItem(name, employee_id)
        self.lecturer.addItem("Другой (указать)…", OTHER_LECTURER)
        self.lecturer_name = QLineEdit()
        self.lecturer_name.setObjectName("event_lecturer_name")
        self.lecturer_name.setPlaceholderText("Фамилия И. О. приглашённого лектора")
        self.price = QLineEdit("0,00")
        self.price.setObjectName("event_price")
        self.price.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.place = QLineEdit()
        self.place.setObjectName("event_place")
        self.link = QLineEdit()
        self.link.setObjectName("event_link")
        self.link.setPlaceholderText("https://…")
        self.capacity = QSpinBox()
        self.capacity.setObjectName("event_capacity")
        self.capacity.setRange(0, 100000)
        self.capacity.setSpecialValueText("без ограничения")
        self.status = QComboBox()
        self.status.setObjectName("event_status")
        for status, title in EVENT_STATUS_TITLES.items():
            self.status.addItem(title, status.value)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("event_notes")
        self.notes.setMaximumHeight(70)
        self.message = QLabel()
        self.message.setObjectName("event_form_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.save_button = QPushButton("Сохранить")
        self.save_button.setObjectName("event_save")
        self.save_button.clicked.connect(self.save)

        lecturer_row = QHBoxLayout()
        lecturer_row.addWidget(self.lecturer, 1)
        lecturer_row.addWidget(self.lecturer_name, 1)
        form = QFormLayout()
        form.addRow("Вид:", self.kind)
        form.addRow("Тема:", self.theme)
        form.addRow("Начало:", self.starts)
        form.addRow("Лектор:", lecturer_row)
        form.addRow("Цена участия, ₽:", self.price)
        form.addRow("Место:", self.place)
        form.addRow("Ссылка (вебинар):", self.link)
        form.addRow("Мест:", self.capacity)
        form.addRow("Состояние:", self.status)
        form.addRow("Примечание:", self.notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.lecturer.currentIndexChanged.connect(lambda _i: self._lecturer_changed())
        self._lecturer_changed()
        can_edit = context.allows("education.events")
        for widget in (self.kind, self.theme, self.starts, self.lecturer, self.lecturer_name,
                       self.price, self.place, self.link, self.capacity, self.status,
                       self.notes, self.save_button):
            widget.setEnabled(can_edit)
        if not can_edit:
            show_status(self.message, "Изменять мероприятия можно с правом «Учебный центр».",
                        error=False)
        if event_id is not None:
            self.load()

    def _lecturer_changed(self) -> None:
        self.lecturer_name.setVisible(self.lecturer.currentData() == OTHER_LECTURER)

    def load(self) -> None:
        row = ev.get_event(self.context.base, self.event_id)
        self.kind.setCurrentIndex(self.kind.findData(row.kind.value))
        self.theme.setText(row.theme)
        self.starts.setDateTime(QDateTime(row.starts_at.astimezone().replace(tzinfo=None)))
        if row.lecturer_id:
            self.lecturer.setCurrentIndex(max(self.lecturer.findData(row.lecturer_id), 0))
        elif row.lecturer_name:
            self.lecturer.setCurrentIndex(self.lecturer.findData(OTHER_LECTURER))
            self.lecturer_name.setText(row.lecturer_name)
        self.price.setText(money(row.price))
        self.place.setText(row.place)
        self.link.setText(row.link)
        self.capacity.setValue(row.capacity or 0)
        self.status.setCurrentIndex(self.status.findData(row.status.value))
        self.notes.setPlainText(row.notes)

    def data(self) -> ev.EventData:
        lecturer = self.lecturer.currentData()
        starts = self.starts.dateTime().toPython().astimezone().astimezone(UTC)
        return ev.EventData(
            EventKind(self.kind.currentData()), self.theme.text(), starts,
            self.price.text(), lecturer if lecturer not in (None, OTHER_LECTURER) else None,
            self.lecturer_name.text() if lecturer == OTHER_LECTURER else "",
            self.place.text(), self.link.text(), self.capacity.value() or None,
            EventStatus(self.status.currentData()), self.notes.toPlainText())

    def save(self) -> int | None:
        try:
            event_id = ev.save_event(self.context.base, self.data(), self.context.employee_id,
                                     event_id=self.event_id, profile=self.context.access)
        except (ValidationError, AccessDenied) as exc:
            show_status(self.message, str(exc))
            return None
        self.event_id = event_id
        show_status(self.message, "Сохранено", error=False)
        self.context.bus.announce("education_event", [event_id])
        self.saved.emit(event_id)
        return event_id
