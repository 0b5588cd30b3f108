"""«Пользователи и права» (administrators): employees with their server logins, the
rights and visibility of each role, and the export log.

On a server base an employee is a PostgreSQL login in the group roles of their job; on a
file base there are no logins or passwords, and the rights only grey out commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from vostok_desktop.db import BaseKind, OpenedBase
from vostok_desktop.domain.org import ROLE_TITLES, EmployeeRole
from vostok_desktop.gui.admin.accounts import EmployeeAccountDialog, PasswordDialog, show_message
from vostok_desktop.gui.admin.rights_matrix import RightsMatrix
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    build_form,
    fmt_dt,
    on_activate,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.services.access import rights as access

UI_FILE = "users_rights.ui"
UI_WIDGETS: dict[str, type[QWidget]] = {
    "base_note_label": QLabel,
    "pages": QTabWidget,
    "employees_table": QTableWidget,
    "add_button": QPushButton,
    "edit_button": QPushButton,
    "password_button": QPushButton,
    "login_button": QPushButton,
    "employees_status_label": QLabel,
    "roles_table": QTableWidget,
    "roles_status_label": QLabel,
    "revert_button": QPushButton,
    "save_roles_button": QPushButton,
    "export_hint_label": QLabel,
    "export_table": QTableWidget,
    "refresh_button": QPushButton,
    "button_box": QDialogButtonBox,
}

EMPLOYEE_COLUMNS = ["ФИО", "Логин", "Роль", "Отдел", "Активен", "Вход на сервер"]
LOGIN_COLUMN = 5
EXPORT_COLUMNS = ["Когда", "Кто", "Что выгружено", "Как", "Строк"]
EXPORT_KINDS = {"excel": "Выгрузка в Excel", "print": "Массовая печать"}
EXPORT_HINT = ("Каждая выгрузка в Excel и массовая печать: когда, кто, что и сколько строк "
               "(ФЗ №98 «О коммерческой тайне»).")
EMPLOYEES_PAGE, ROLES_PAGE, EXPORT_PAGE = range(3)


def role_title(role: str) -> str:
    try:
        return ROLE_TITLES[EmployeeRole(role)]
    except ValueError:
        return role


class UsersRightsDialog(QDialog):
    """The administrator's window; ``editor`` is the employee or password dialog open now."""

    base_note_label: QLabel
    pages: QTabWidget
    employees_table: QTableWidget
    add_button: QPushButton
    edit_button: QPushButton
    password_button: QPushButton
    login_button: QPushButton
    employees_status_label: QLabel
    roles_table: QTableWidget
    roles_status_label: QLabel
    revert_button: QPushButton
    save_roles_button: QPushButton
    export_hint_label: QLabel
    export_table: QTableWidget
    refresh_button: QPushButton
    button_box: QDialogButtonBox

    def __init__(self, base: OpenedBase, *, own_role: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        self.server = base.location.kind is BaseKind.SERVER
        self.accounts: list[access.EmployeeAccount] = []
        self.editor: QDialog | None = None
        self.setWindowTitle("Пользователи и права")
        build_form(self, UI_FILE, UI_WIDGETS)
        if self.server:
            self.base_note_label.setText(
                "Серверная база: у каждого сотрудника свой вход на сервер. Права и "
                "видимость клиентов проверяет сам сервер, в том числе для входа мимо "
                "программы.")
        else:
            self.base_note_label.setText(
                "Файловая база: входов и паролей нет; права только скрывают недоступные "
                "команды.")
        set_text_colour(self.base_note_label, HINT_COLOUR)
        close = self.button_box.button(QDialogButtonBox.StandardButton.Close)
        close.setText("Закрыть")
        self.button_box.rejected.connect(self.reject)
        self._build_employees_page()
        self.matrix = RightsMatrix(base, self.roles_table, self.save_roles_button,
                                   self.revert_button, self.roles_status_label, own_role)
        read_only_table(self.export_table, EXPORT_COLUMNS)
        self.export_loaded = False
        self.refresh_button.clicked.connect(self.load_export_log)
        self.pages.currentChanged.connect(self._page_shown)
        self.resize(1180, 680)

    # -- employees -----------------------------------------------------------------------
    def _build_employees_page(self) -> None:
        table = self.employees_table
        read_only_table(table, EMPLOYEE_COLUMNS)
        table.setColumnHidden(LOGIN_COLUMN, not self.server)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        on_activate(table, self.edit_employee)
        table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_employee)
        self.edit_button.clicked.connect(self.edit_employee)
        self.password_button.clicked.connect(self.set_password)
        self.login_button.clicked.connect(self.make_login)
        for button in (self.password_button, self.login_button):
            button.setVisible(self.server)
        self.employees_status_label.setVisible(False)
        self.reload_accounts()

    def reload_accounts(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else getattr(self.selected_account(),
                                                               "id", None)
        self.accounts = access.list_accounts(self.base)
        table = self.employees_table
        table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            values = [account.full_name, account.login, role_title(account.role),
                      account.department or "", "да" if account.is_active else "нет",
                      "есть" if account.has_login else "нет"]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, account.id)
                if not account.is_active:
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, column, item)
            if account.id == keep:
                table.selectRow(row)
        if table.currentRow() < 0 and self.accounts:
            table.selectRow(0)
        self._update_buttons()

    def selected_account(self) -> access.EmployeeAccount | None:
        row = self.employees_table.currentRow()
        if 0 <= row < len(self.accounts):
            return self.accounts[row]
        return None

    def account(self, login: str) -> access.EmployeeAccount | None:
        return next((a for a in self.accounts if a.login == login), None)

    def select_login(self, login: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.login == login:
                self.employees_table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        account = self.selected_account()
        self.edit_button.setEnabled(account is not None)
        self.password_button.setEnabled(account is not None and account.has_login)
        self.login_button.setEnabled(account is not None and not account.has_login)

    def _open_editor(self, dialog: QDialog, done: str) -> QDialog:
        """Open a dialog over this one (window-modal, no nested event loop); on «ОК» the
        list is read again and ``done`` is said under it."""
        self.editor = dialog
        show_message(self.employees_status_label, "")

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.reload_accounts(getattr(dialog, "employee_id", None))
                show_message(self.employees_status_label, done, error=False)
            if self.editor is dialog:
                self.editor = None

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def add_employee(self) -> EmployeeAccountDialog:
        dialog = EmployeeAccountDialog(self.base, None, self)
        self._open_editor(dialog, "Сотрудник добавлен." + (
            " Сообщите ему логин и начальный пароль." if self.server else ""))
        return dialog

    def edit_employee(self) -> EmployeeAccountDialog | None:
        account = self.selected_account()
        if account is None:
            return None
        dialog = EmployeeAccountDialog(self.base, account, self)
        self._open_editor(dialog, f"Изменения сотрудника «{account.full_name}» сохранены.")
        return dialog

    def set_password(self) -> PasswordDialog | None:
        account = self.selected_account()
        if account is None or not self.server or not account.has_login:
            return None
        dialog = PasswordDialog(self.base, account, self)
        self._open_editor(dialog, f"Пароль сотрудника «{account.full_name}» задан.")
        return dialog

    def make_login(self) -> PasswordDialog | None:
        account = self.selected_account()
        if account is None or not self.server or account.has_login:
            return None
        dialog = PasswordDialog(self.base, account, self)
        self._open_editor(dialog, f"У сотрудника «{account.full_name}» есть вход на сервер "
                                  f"под логином «{account.login}».")
        return dialog

    # -- export log ------------------------------------------------------------------------
    def _page_shown(self, index: int) -> None:
        if index == EXPORT_PAGE and not self.export_loaded:
            self.load_export_log()

    def load_export_log(self) -> None:
        names = {a.login: a.full_name for a in self.accounts}
        records = access.export_log(self.base)
        table = self.export_table
        table.setRowCount(len(records))
        for row, record in enumerate(records):
            who = names.get(record.login, "")
            who = f"{who} ({record.login})" if who else record.login
            values = [fmt_dt(record.exported_at), who, record.what,
                      EXPORT_KINDS.get(record.kind, record.kind), str(record.row_count)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.export_loaded = True
        self.export_hint_label.setText(EXPORT_HINT if records else
                                       EXPORT_HINT + " Выгрузок пока не было.")

    # -- closing ---------------------------------------------------------------------------
    def reject(self) -> None:
        """Unsaved role changes are asked about (kept unless the user lets them go)."""
        if self.matrix.changed_roles():
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(
                self, "Пользователи и права",
                "Изменения прав ролей не сохранены. Сохранить их?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.matrix.save():
                self.pages.setCurrentIndex(ROLES_PAGE)
                return
        super().reject()
