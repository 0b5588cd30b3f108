"""«Записать на мероприятие…» for the contacts selected in the contact agent, and
«Нормы обучения…» (trainings a year per position and/or client)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.widgets import read_only_table, show_status
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.education import events as ev
from vostok_desktop.services.education.participants import RegisterResult, people, register_contacts


class RegisterDialog(QDialog):
    """Choose an event (coming ones first) and register the selected contacts."""

    def __init__(self, context: Any, contact_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_register_dialog")
        self.setWindowTitle("Записать на мероприятие")
        self.context = context
        self.contact_ids = contact_ids
        self.result_value: RegisterResult | None = None
        since = datetime.now(UTC) - timedelta(days=1)
        self.events = sorted(ev.list_events(context.base, since=since,
                                            include_cancelled=False),
                             key=lambda e: (e.starts_at, e.id))
        self.event = QComboBox()
        self.event.setObjectName("register_event")
        for row in self.events:
            free = "" if row.capacity is None else \
                f", свободно {max(row.capacity - row.registered, 0)} из {row.capacity}"
            self.event.addItem(f"{row.starts_at.astimezone():%d.%m.%Y} — {row.kind_title} "
                               f"«{row.theme}»{free}", row.id)
        self.message = QLabel()
        self.message.setObjectName("register_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Записать")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.register)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Выбрано: {people(len(contact_ids))}."))
        form = QFormLayout()
        form.addRow("Мероприятие:", self.event)
        layout.addLayout(form)
        if not self.events:
            show_status(self.message, "Предстоящих мероприятий нет: создайте мероприятие в "
                                      "«Учебный центр → Мероприятия».")
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 160)

    def register(self) -> RegisterResult | None:
        event_id = self.event.currentData()
        if event_id is None:
            return None
        try:
            result = register_contacts(self.context.base, event_id, self.contact_ids,
                                       self.context.employee_id)
        except (ValidationError, AccessDenied) as exc:
            show_status(self.message, str(exc))
            return None
        self.result_value = result
        self.context.bus.announce("education_participant", [event_id])
        self.accept()
        return result


class NormsDialog(QDialog):
    """The training norms: a list, and a form to add one (position, client or both)."""

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_norms_dialog")
        self.setWindowTitle("Нормы обучения")
        self.context = context
        self.rows: list[ev.NormRow] = []
        self.table = QTableWidget()
        self.table.setObjectName("norms_table")
        read_only_table(self.table, ["Для кого", "Обучений в год", "Примечание"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.position = QLineEdit()
        self.position.setObjectName("norm_position")
        self.position.setPlaceholderText("Например: Главный бухгалтер")
        self.client = QComboBox()
        self.client.setObjectName("norm_client")
        self.client.setEditable(True)
        self.client.lineEdit().setPlaceholderText("все клиенты (или название / ИНН, Enter)")
        self.client.lineEdit().returnPressed.connect(self.find_clients)
        self.per_year = QSpinBox()
        self.per_year.setObjectName("norm_per_year")
        self.per_year.setRange(1, 366)
        self.per_year.setValue(2)
        self.notes = QLineEdit()
        self.add_button = QPushButton("Добавить норму")
        self.add_button.setObjectName("norm_add")
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton("Удалить выбранную")
        self.delete_button.setObjectName("norm_delete")
        self.delete_button.clicked.connect(self.delete_current)
        self.message = QLabel()
        self.message.setObjectName("norms_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        form = QFormLayout()
        form.addRow("Должность:", self.position)
        form.addRow("Клиент:", self.client)
        form.addRow("Обучений в год:", self.per_year)
        form.addRow("Примечание:", self.notes)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        allowed = context.allows("education.events")
        for w in (self.add_button, self.delete_button, self.position, self.client,
                  self.per_year, self.notes):
            w.setEnabled(allowed)
        if not allowed:
            show_status(self.message, "Изменять нормы можно с правом «Учебный центр».",
                        error=False)
        self.resize(680, 480)
        self.reload()

    def reload(self) -> None:
        self.rows = ev.list_norms(self.context.base)
        self.table.setRowCount(len(self.rows))
        for r, n in enumerate(self.rows):
            for c, value in enumerate((n.subject, str(n.trainings_per_year), n.notes)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def find_clients(self) -> None:
        from vostok_desktop.services.money.payments import search_clients

        text = self.client.currentText().strip()
        self.client.clear()
        if not text:
            return
        for c in search_clients(self.context.base, text, 20):
            self.client.addItem(f"{c.name} (ИНН {c.inn})" if c.inn else c.name, c.client_id)
        if not self.client.count():
            show_status(self.message, f"Клиент «{text}» не найден")

    def add(self) -> int | None:
        client_id = self.client.currentData() if self.client.currentText().strip() else None
        if self.client.currentText().strip() and client_id is None:
            show_status(self.message, "Клиент не выбран: введите название или ИНН и нажмите "
                                      "Enter, затем выберите его из списка")
            return None
        try:
            norm_id = ev.save_norm(self.context.base, client_id=client_id,
                                   position=self.position.text(),
                                   trainings_per_year=self.per_year.value(),
                                   notes=self.notes.text(),
                                   employee_id=self.context.employee_id,
                                   profile=self.context.access)
        except (ValidationError, AccessDenied) as exc:
            show_status(self.message, str(exc))
            return None
        show_status(self.message, "Норма добавлена", error=False)
        self.position.clear()
        self.reload()
        return norm_id

    def delete_current(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < len(self.rows):
            return
        try:
            ev.delete_norm(self.context.base, self.rows[r].id, self.context.employee_id,
                           profile=self.context.access)
        except (ValidationError, AccessDenied) as exc:
            show_status(self.message, str(exc))
            return
        self.reload()
