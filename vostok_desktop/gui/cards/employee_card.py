"""Карточка сотрудника: details (read-only for non-administrators), the clients the employee
is responsible for, and on the «Поручения» tab the open assignments and the load."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain import EmployeeRole
from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES
from vostok_desktop.domain.org import ROLE_TITLES
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.cards.pages import notify_loaded
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    build_form,
    on_activate,
    read_only_table,
    set_text_colour,
    show_status,
    style_header,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.common import CardNotFound, Lookups
from vostok_desktop.services.cards.employees import EmployeeData, load_employee, save_employee

UI_WIDGETS: dict[str, type[QWidget]] = {
    "header_label": QLabel, "full_name_edit": QLineEdit, "login_edit": QLineEdit,
    "department_combo": QComboBox, "role_combo": QComboBox, "extension_edit": QLineEdit,
    "email_edit": QLineEdit, "active_check": QCheckBox, "readonly_label": QLabel,
    "clients_table": QTableWidget, "message_label": QLabel, "save_button": QPushButton,
    "reload_button": QPushButton, "pages": QTabWidget, "load_label": QLabel,
    "assignments_table": QTableWidget,
}
OVERDUE_COLOUR = "#c62828"


class EmployeeCard(CardWidget):
    kind = "employee"

    def __init__(self, context: AppContext, entity_id: int | None, lookups: Lookups) -> None:
        super().__init__(entity_id)
        self.context = context
        self.editable = context.is_admin and not context.base.read_only
        self._data = EmployeeData()
        self._snapshot: tuple = ()
        self._dirty = False
        self.form = build_form(self, "employee_card.ui", UI_WIDGETS)
        self.department_combo.addItem("— нет —", None)
        for dep_id, name in lookups.departments:
            self.department_combo.addItem(name, dep_id)
        for role, title in ROLE_TITLES.items():
            self.role_combo.addItem(title, role.value)
        read_only_table(self.clients_table, ["Клиент", "ИНН", "Статус", "Направление"])
        for c, width in enumerate((230, 100, 120)):
            self.clients_table.setColumnWidth(c, width)
        self.clients_table.horizontalHeader().setStretchLastSection(True)
        on_activate(self.clients_table, self.open_current_client)
        read_only_table(self.assignments_table,
                        ["Срок", "Клиент", "Поручение", "Состояние", "Автор"])
        for c, width in enumerate((120, 220, 330, 90)):
            self.assignments_table.setColumnWidth(c, width)
        self.assignments_table.horizontalHeader().setStretchLastSection(True)
        on_activate(self.assignments_table, self.open_current_assignment)
        self._assignment_ids: list[int] = []
        self._assignments_loaded = False
        self.pages.currentChanged.connect(lambda _i: self._load_assignments())
        self.extension_pages = context.card_pages.install(context, self, self.pages)
        context.bus.entities_changed.connect(self._entities_changed)
        for edit in (self.full_name_edit, self.login_edit, self.extension_edit, self.email_edit):
            edit.setReadOnly(not self.editable)
            edit.textChanged.connect(lambda _t: self._edited())
        for widget in (self.department_combo, self.role_combo, self.active_check):
            widget.setEnabled(self.editable)
        self.department_combo.currentIndexChanged.connect(lambda _i: self._edited())
        self.role_combo.currentIndexChanged.connect(lambda _i: self._edited())
        self.active_check.toggled.connect(lambda _b: self._edited())
        self.save_button.setVisible(self.editable)
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.reload)
        self.readonly_label.setText("" if self.editable else
                                    "Сведения о сотруднике изменяет администратор.")
        set_text_colour(self.readonly_label, HINT_COLOUR)
        self.message_label.setVisible(False)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        style_header(self.header_label)
        if entity_id is not None:
            try:
                self.fill(load_employee(context.base, entity_id))
            except CardNotFound as exc:
                self._message(str(exc))
        else:
            self.fill(EmployeeData())

    def title(self) -> str:
        return self._data.full_name or "Новый сотрудник"

    def fill(self, data: EmployeeData) -> None:
        self._data = data
        self._filling = True
        self.full_name_edit.setText(data.full_name)
        self.login_edit.setText(data.login)
        self.department_combo.setCurrentIndex(
            max(0, self.department_combo.findData(data.department_id)))
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(data.role.value)))
        self.extension_edit.setText(data.phone_extension or "")
        self.email_edit.setText(data.email or "")
        self.active_check.setChecked(data.is_active)
        self.header_label.setText(data.full_name or "Новый сотрудник")
        table = self.clients_table
        table.setRowCount(len(data.clients))
        for r, row in enumerate(data.clients):
            values = [row.client_name, row.inn or "", CLIENT_STATUS_TITLES[row.status],
                      row.direction]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.client_id)
                table.setItem(r, c, item)
        if data.clients:
            table.setCurrentCell(0, 0)
        self._assignments_loaded = False
        self._load_assignments()
        self._filling = False
        self._snapshot = self._state()
        self._set_dirty(False)
        notify_loaded(self.extension_pages, self.entity_id)
        self.title_changed.emit(self.title())

    def _state(self) -> tuple:
        return (self.full_name_edit.text(), self.login_edit.text(),
                self.department_combo.currentIndex(), self.role_combo.currentIndex(),
                self.extension_edit.text(), self.email_edit.text(), self.active_check.isChecked())

    def _edited(self) -> None:
        if not getattr(self, "_filling", True):
            self._set_dirty(self._state() != self._snapshot)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def is_dirty(self) -> bool:
        return self._dirty and self.editable

    def _message(self, text: str, error: bool = True) -> None:
        show_status(self.message_label, text, error)

    def save(self) -> bool:
        if not self.editable:
            self._message("Изменять сведения о сотрудниках может только администратор.")
            return False
        d = self._data.copy()
        d.full_name = self.full_name_edit.text()
        d.login = self.login_edit.text()
        d.department_id = self.department_combo.currentData()
        d.role = EmployeeRole(self.role_combo.currentData())
        d.phone_extension = self.extension_edit.text()
        d.email = self.email_edit.text()
        d.is_active = self.active_check.isChecked()
        try:
            saved = save_employee(self.context.base, d, self.context.employee_id)
        except ValidationError as exc:
            self._message("Карточка не сохранена. " + exc.message)
            return False
        except SQLAlchemyError as exc:
            self._message(f"Карточка не сохранена: ошибка базы данных ({exc.__class__.__name__})")
            return False
        self.entity_id = saved.id
        self.fill(saved)
        self._message("Сохранено", error=False)
        self.context.bus.announce("employee", [saved.id])
        return True

    def reload(self) -> None:
        if self.entity_id is not None:
            self.fill(load_employee(self.context.base, self.entity_id))

    def open_current_client(self) -> None:
        item = self.clients_table.item(self.clients_table.currentRow(), 0)
        if item is not None:
            self.context.cards.open("client", int(item.data(Qt.ItemDataRole.UserRole)))

    # -- «Поручения»: open assignments and the load, read when the tab is shown ---------
    def _load_assignments(self, force: bool = False) -> None:
        if self.entity_id is None or (self._assignments_loaded and not force):
            return
        if self.pages.currentWidget() is not self.pages.widget(1) and not force:
            return
        from vostok_desktop.domain.work import ASSIGNMENT_STATE_TITLES
        from vostok_desktop.gui.cards.widgets import fmt_dt
        from vostok_desktop.services.work.assignments import employee_load, open_assignments_of

        self._assignments_loaded = True
        try:
            rows = open_assignments_of(self.context.base, self.entity_id)
            load = employee_load(self.context.base, self.entity_id)
        except SQLAlchemyError as exc:
            self.load_label.setText(f"Поручения не прочитаны: {exc.__class__.__name__}")
            return
        self.load_label.setText(load.summary())
        table = self.assignments_table
        table.setRowCount(len(rows))
        self._assignment_ids = [r.id for r in rows]
        for r, row in enumerate(rows):
            values = [fmt_dt(row.deadline) or "без срока", row.client_name, row.text,
                      ASSIGNMENT_STATE_TITLES[row.state], row.author_name]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if row.overdue:
                    item.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
                table.setItem(r, c, item)
        if rows:
            table.setCurrentCell(0, 0)

    def _entities_changed(self, kind: str, _ids: list) -> None:
        if kind in ("assignment", "work") and self._assignments_loaded:
            self._load_assignments(force=True)

    def open_current_assignment(self) -> None:
        row = self.assignments_table.currentRow()
        work = getattr(self.window(), "work", None)
        if 0 <= row < len(self._assignment_ids) and work is not None:
            work.open_assignment(self._assignment_ids[row])
