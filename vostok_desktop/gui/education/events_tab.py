"""The tab «Мероприятия»: every event, the latest first, with its counts; Insert makes a
new one, Enter (or a double click) opens its card."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.education import EventStatus
from vostok_desktop.gui.cards.widgets import fmt_dt, on_activate, read_only_table
from vostok_desktop.gui.education.event_form import EventForm
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.education.events import EventRow, list_events

TITLE = "Мероприятия"
LIST_SCOPE = "education_events_list"
COLUMNS = ["Начало", "Вид", "Тема", "Лектор", "Место / ссылка", "Цена, ₽", "Записано",
           "Посетили", "Состояние"]


class EventsTab(QWidget):
    def __init__(self, context: Any, open_event: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_events_tab")
        self.context = context
        self.open_event = open_event
        self.rows: list[EventRow] = []
        self.table = QTableWidget()
        self.table.setObjectName("events_table")
        read_only_table(self.table, COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        on_activate(self.table, self.open_current)
        self.hide_cancelled = QCheckBox("Не показывать отменённые")
        self.hide_cancelled.setObjectName("events_hide_cancelled")
        self.hide_cancelled.toggled.connect(lambda _on: self.reload())
        new = QPushButton(context.actions.action("education.new_event").text() + " (Insert)")
        new.setObjectName("events_new")
        new.clicked.connect(lambda: context.actions.trigger("education.new_event"))
        top = QHBoxLayout()
        top.addWidget(new)
        top.addWidget(self.hide_cancelled)
        top.addStretch(1)
        self.count = QLabel()
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        context.actions.attach("education.new_event", self)
        context.bus.entities_changed.connect(self._changed)

    def _changed(self, kind: str, _ids: list) -> None:
        if kind in ("education_event", "education_participant"):
            self.reload()

    def reload(self) -> None:
        current = self.current_id()
        self.rows = list_events(self.context.base,
                                include_cancelled=not self.hide_cancelled.isChecked())
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            places = f"{row.registered} из {row.capacity}" if row.capacity else str(row.registered)
            values = [fmt_dt(row.starts_at), row.kind_title, row.theme, row.lecturer,
                      row.where, money(row.price) if row.price else "бесплатно", places,
                      str(row.attended), row.status_title]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c in (5, 6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if row.status is EventStatus.CANCELLED:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.count.setText(f"Мероприятий: {len(self.rows)}")
        for r, row in enumerate(self.rows):
            if row.id == current:
                self.table.selectRow(r)
                break
        else:
            if self.rows:
                self.table.selectRow(0)

    def current_id(self) -> int | None:
        r = self.table.currentRow()
        return self.rows[r].id if 0 <= r < len(self.rows) else None

    def open_current(self) -> None:
        event_id = self.current_id()
        if event_id is not None:
            self.open_event(event_id)


class NewEventDialog(QDialog):
    """«Новое мероприятие»: the details form; saved, the event's card opens."""

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_new_event")
        self.setWindowTitle("Новое мероприятие")
        self.form = EventForm(context)
        self.form.save_button.setVisible(False)
        self.event_id: int | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Создать")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def create(self) -> int | None:
        event_id = self.form.save()
        if event_id is not None:
            self.event_id = event_id
            self.accept()
        return event_id
