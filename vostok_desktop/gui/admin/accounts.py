"""The small dialogs of «Пользователи и права»: an employee (new or changed), a password
set by the administrator (or a new server login), and «Сменить пароль…» for oneself.

Every refusal (a bad login, a short password, the server saying no) is named at the
field or under the fields; the dialog stays open and keeps what was typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from vostok_desktop.db import BaseKind, OpenedBase
from vostok_desktop.domain.org import ROLE_TITLES, EmployeeRole
from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    HINT_COLOUR,
    build_form,
    mark,
    set_text_colour,
)
from vostok_desktop.gui.uiloader import child
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.common import credentials

UI_ACCOUNT = "employee_account.ui"
ACCOUNT_WIDGETS: dict[str, type[QWidget]] = {
    "full_name_edit": QLineEdit,
    "login_edit": QLineEdit,
    "role_box": QComboBox,
    "department_box": QComboBox,
    "extension_edit": QLineEdit,
    "email_edit": QLineEdit,
    "password_edit": QLineEdit,
    "password2_edit": QLineEdit,
    "active_check": QCheckBox,
    "hint_label": QLabel,
    "message_label": QLabel,
    "button_box": QDialogButtonBox,
}

UI_PASSWORD = "change_password.ui"
PASSWORD_WIDGETS: dict[str, type[QWidget]] = {
    "intro_label": QLabel,
    "old_password_edit": QLineEdit,
    "new_password_edit": QLineEdit,
    "repeat_password_edit": QLineEdit,
    "remember_check": QCheckBox,
    "message_label": QLabel,
    "button_box": QDialogButtonBox,
}

PASSWORDS_DIFFER = "Пароль и повтор не совпадают"


def show_message(label: QLabel, text: str, error: bool = True) -> None:
    label.setText(text)
    set_text_colour(label, ERROR_COLOUR if error else HINT_COLOUR)
    label.setVisible(bool(text))


def russian_buttons(box: QDialogButtonBox, ok_text: str) -> None:
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")


class EmployeeAccountDialog(QDialog):
    """A new employee (``account`` None) or a change of role, department, activity.

    ``save()`` is what «ОК» does; it returns True once the base has taken the change."""

    full_name_edit: QLineEdit
    login_edit: QLineEdit
    role_box: QComboBox
    department_box: QComboBox
    extension_edit: QLineEdit
    email_edit: QLineEdit
    password_edit: QLineEdit
    password2_edit: QLineEdit
    active_check: QCheckBox
    hint_label: QLabel
    message_label: QLabel
    button_box: QDialogButtonBox

    def __init__(self, base: OpenedBase, account: access.EmployeeAccount | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base, self.account = base, account
        self.employee_id: int | None = account.id if account else None
        self.server = base.location.kind is BaseKind.SERVER
        form = build_form(self, UI_ACCOUNT, ACCOUNT_WIDGETS)
        self.fields = child(form, QFormLayout, "fields_layout")
        for role in EmployeeRole:
            self.role_box.addItem(ROLE_TITLES[role], role.value)
        self.department_box.addItem("(не указан)", None)
        for dept_id, name in access.list_departments(base):
            self.department_box.addItem(name, dept_id)
        self.role_box.setCurrentIndex(self.role_box.findData(EmployeeRole.MANAGER.value))
        if account is None:
            self.setWindowTitle("Новый сотрудник")
            self.fields.setRowVisible(self.active_check, False)
            if not self.server:
                for edit in (self.password_edit, self.password2_edit):
                    self.fields.setRowVisible(edit, False)
                self.hint_label.setText("В файловой базе нет входов и паролей: сотрудник "
                                        "выбирается в настройках программы.")
            russian_buttons(self.button_box, "&Добавить")
        else:
            self.setWindowTitle(f"Сотрудник — {account.full_name}")
            self.full_name_edit.setText(account.full_name)
            self.login_edit.setText(account.login)
            for edit in (self.full_name_edit, self.login_edit):
                edit.setReadOnly(True)
            for edit in (self.extension_edit, self.email_edit, self.password_edit,
                         self.password2_edit):
                self.fields.setRowVisible(edit, False)
            self.role_box.setCurrentIndex(max(0, self.role_box.findData(account.role)))
            dept = access.account_department(base, account.id)
            self.department_box.setCurrentIndex(max(0, self.department_box.findData(dept)))
            self.active_check.setChecked(account.is_active)
            self.hint_label.setText("Неактивный сотрудник не может войти на сервер; его "
                                    "история и ответственности сохраняются." if self.server
                                    else "")
            russian_buttons(self.button_box, "&Сохранить")
        self.hint_label.setVisible(bool(self.hint_label.text()))
        set_text_colour(self.hint_label, HINT_COLOUR)
        self.message_label.setVisible(False)
        self.button_box.accepted.connect(self.save)
        self.button_box.rejected.connect(self.reject)
        self.setMinimumWidth(480)

    # -- saving ------------------------------------------------------------------------
    def _clear_marks(self) -> None:
        for edit in (self.full_name_edit, self.login_edit, self.password_edit,
                     self.password2_edit):
            mark(edit, None, None)
        show_message(self.message_label, "")

    def _refuse(self, message: str, field: QWidget | None) -> bool:
        if field is not None:
            mark(field, None, message)
            field.setFocus()
        show_message(self.message_label, message)
        return False

    def _field_for(self, message: str) -> QWidget | None:
        low = message.lower()
        if "логин" in low or "роль «" in low:
            return self.login_edit
        if "парол" in low:
            return self.password_edit
        if "фамилия" in low:
            return self.full_name_edit
        return None

    def save(self) -> bool:
        self._clear_marks()
        role = EmployeeRole(self.role_box.currentData())
        department_id = self.department_box.currentData()
        try:
            if self.account is not None:
                access.update_account(self.base, self.account.id, role=role,
                                      department_id=department_id,
                                      is_active=self.active_check.isChecked())
            else:
                password: str | None = None
                if self.server:
                    password = self.password_edit.text()
                    if password != self.password2_edit.text():
                        return self._refuse(PASSWORDS_DIFFER, self.password2_edit)
                self.employee_id = access.create_account(
                    self.base, login=self.login_edit.text(),
                    full_name=self.full_name_edit.text(), role=role,
                    department_id=department_id, password=password,
                    extension=self.extension_edit.text().strip() or None,
                    email=self.email_edit.text().strip() or None)
        except access.AccessError as exc:
            return self._refuse(str(exc), self._field_for(str(exc)))
        except access.AccessDenied as exc:
            return self._refuse(exc.message, None)
        self.accept()
        return True


class PasswordDialog(QDialog):
    """A password: the administrator's for an employee (``account`` given: a new password,
    or a first server login for someone without one), or one's own (``account`` None:
    old, new, repeat; the keyring then holds the new one)."""

    intro_label: QLabel
    old_password_edit: QLineEdit
    new_password_edit: QLineEdit
    repeat_password_edit: QLineEdit
    remember_check: QCheckBox
    message_label: QLabel
    button_box: QDialogButtonBox

    def __init__(self, base: OpenedBase, account: access.EmployeeAccount | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base, self.account = base, account
        form = build_form(self, UI_PASSWORD, PASSWORD_WIDGETS)
        fields = child(form, QFormLayout, "fields_layout")
        location = base.location
        if account is None:
            self.setWindowTitle("Смена пароля")
            self.intro_label.setText(f"Вход <b>{location.login}</b> на сервер "
                                     f"{location.display()}. Пароль не короче "
                                     f"{access.MIN_PASSWORD} знаков.")
            status = credentials.keyring_status()
            if status.available:
                self.remember_check.setChecked(
                    credentials.load_password(location.url, location.login or "") is not None)
            else:
                self.remember_check.setChecked(False)
                self.remember_check.setEnabled(False)
                self.remember_check.setText("Хранилище паролей ОС недоступно: пароль будет "
                                            "спрашиваться при входе")
                self.remember_check.setToolTip(status.reason)
            russian_buttons(self.button_box, "&Сменить пароль")
        else:
            fields.setRowVisible(self.old_password_edit, False)
            self.remember_check.setVisible(False)
            if account.has_login:
                self.setWindowTitle("Задать пароль")
                what = "Новый пароль"
                ok = "&Задать пароль"
            else:
                self.setWindowTitle("Вход на сервер для сотрудника")
                what = "Вход на сервер с начальным паролем"
                ok = "&Сделать вход"
            self.intro_label.setText(
                f"{what} для <b>{account.full_name}</b> (логин <b>{account.login}</b>). "
                f"Не короче {access.MIN_PASSWORD} знаков; сотрудник сменит его сам: "
                "«Сервис → Сменить пароль…».")
            russian_buttons(self.button_box, ok)
        self.message_label.setVisible(False)
        self.button_box.accepted.connect(self.save)
        self.button_box.rejected.connect(self.reject)
        self.setMinimumWidth(460)

    def _refuse(self, message: str, field: QWidget | None) -> bool:
        if field is not None:
            mark(field, None, message)
            field.setFocus()
        show_message(self.message_label, message)
        return False

    def save(self) -> bool:
        for edit in (self.old_password_edit, self.new_password_edit,
                     self.repeat_password_edit):
            mark(edit, None, None)
        show_message(self.message_label, "")
        new = self.new_password_edit.text()
        if new != self.repeat_password_edit.text():
            return self._refuse(PASSWORDS_DIFFER, self.repeat_password_edit)
        try:
            access.validate_password(new)
            if self.account is None:
                self._change_own(new)
            elif self.account.has_login:
                access.set_password(self.base, self.account.login, new)
            else:
                access.ensure_login(self.base, self.account.id, new)
        except _WrongOldPassword as exc:
            return self._refuse(str(exc), self.old_password_edit)
        except access.AccessError as exc:
            return self._refuse(str(exc), self.new_password_edit)
        except access.AccessDenied as exc:
            return self._refuse(exc.message, None)
        self.accept()
        return True

    def _change_own(self, new: str) -> None:
        if not access.check_own_password(self.base, self.old_password_edit.text()):
            raise _WrongOldPassword("Старый пароль неверен")
        access.change_own_password(self.base, new)
        access.use_new_password(self.base, new)
        location = self.base.location
        login = location.login or ""
        if self.remember_check.isChecked():
            self.saved_in_keyring = credentials.save_password(location.url, login, new)
        else:
            credentials.forget_password(location.url, login)
            self.saved_in_keyring = False

    saved_in_keyring: bool = False


class _WrongOldPassword(Exception):
    pass
