"""The list of bases (like 1C's list of infobases): add file/server base, test, open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from vostok_desktop.db import BaseError, BaseKind, BaseLocation, check_connection
from vostok_desktop.gui.cards.widgets import build_form
from vostok_desktop.gui.uiloader import child
from vostok_desktop.services.common import credentials
from vostok_desktop.settings import KnownBase, Settings

UI_SERVER_BASE = "server_base_dialog.ui"
SERVER_BASE_WIDGETS: dict[str, type[QWidget]] = {
    "name_edit": QLineEdit, "host_edit": QLineEdit, "port_spin": QSpinBox,
    "database_edit": QLineEdit, "login_edit": QLineEdit, "password_edit": QLineEdit,
    "remember_check": QCheckBox, "result_label": QLabel, "test_button": QPushButton,
    "button_box": QDialogButtonBox,
}
UI_PASSWORD = "password_dialog.ui"
PASSWORD_WIDGETS: dict[str, type[QWidget]] = {
    "base_label": QLabel, "password_edit": QLineEdit, "remember_check": QCheckBox,
    "button_box": QDialogButtonBox,
}
UI_CONNECTION = "connection_dialog.ui"
CONNECTION_WIDGETS: dict[str, type[QWidget]] = {
    "list": QListWidget, "status_label": QLabel, "open_button": QPushButton,
    "add_file_button": QPushButton, "add_server_button": QPushButton,
    "create_server_button": QPushButton, "test_button": QPushButton,
    "remove_button": QPushButton, "cancel_button": QPushButton,
}


def _keyring_note(reason: str) -> QLabel:
    """Why the password cannot be remembered (no usable keyring); shown under the check box."""
    note = QLabel(reason)
    note.setObjectName("keyring_note")
    note.setWordWrap(True)
    return note


def _apply_keyring_status(check: QCheckBox) -> credentials.KeyringStatus:
    status = credentials.keyring_status()
    check.setChecked(status.available)
    check.setEnabled(status.available)
    if not status.available:
        check.setToolTip(status.reason)
    return status


class ServerBaseDialog(QDialog):
    """Add a server base: host, port, database, the employee's own login and password."""

    name_edit: QLineEdit
    host_edit: QLineEdit
    port_spin: QSpinBox
    database_edit: QLineEdit
    login_edit: QLineEdit
    password_edit: QLineEdit
    remember_check: QCheckBox
    result_label: QLabel
    test_button: QPushButton
    button_box: QDialogButtonBox

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Серверная база (PostgreSQL)")
        form = build_form(self, UI_SERVER_BASE, SERVER_BASE_WIDGETS)
        status = _apply_keyring_status(self.remember_check)
        if not status.available:
            child(form, QFormLayout, "fields_layout").addRow("", _keyring_note(status.reason))
        self.test_button.clicked.connect(self.test)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

    def location(self) -> BaseLocation:
        login = self.login_edit.text().strip()
        host = self.host_edit.text().strip()
        database = self.database_edit.text().strip()
        missing = [label for label, value in (("Сервер", host), ("База данных", database),
                                              ("Логин", login)) if not value]
        if missing:
            raise BaseError("Не заполнено: " + ", ".join(missing))
        url = URL.create("postgresql+psycopg", username=login, host=host,
                         port=self.port_spin.value(), database=database)
        return BaseLocation.parse(url.render_as_string(hide_password=False))

    def test(self) -> bool:
        try:
            message = check_connection(self.location(), self.password_edit.text() or None)
        except BaseError as exc:
            self.result_label.setText(f"<span style='color:#b00020'>{exc}</span>")
            return False
        self.result_label.setText(message)
        return True

    def accept(self) -> None:
        try:
            location = self.location()
        except BaseError as exc:
            self.result_label.setText(f"<span style='color:#b00020'>{exc}</span>")
            return
        if self.remember_check.isChecked() and self.password_edit.text():
            credentials.save_password(location.url, location.login or "",
                                      self.password_edit.text())
        super().accept()


class PasswordDialog(QDialog):
    base_label: QLabel
    password_edit: QLineEdit
    remember_check: QCheckBox
    button_box: QDialogButtonBox

    def __init__(self, location: BaseLocation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Вход на сервер")
        form = build_form(self, UI_PASSWORD, PASSWORD_WIDGETS)
        self.base_label.setText(f"База: {location.display()}")
        status = _apply_keyring_status(self.remember_check)
        if not status.available:
            layout = child(form, QVBoxLayout, "main_layout")
            layout.insertWidget(layout.indexOf(self.remember_check) + 1,
                                _keyring_note(status.reason))
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)


def obtain_password(location: BaseLocation, parent: QWidget | None = None) -> str | None:
    """The keyring's password, or ask (and say why it is asked every time, if so)."""
    stored = credentials.load_password(location.url, location.login or "")
    if stored is not None:
        return stored
    dialog = PasswordDialog(location, parent)
    if not dialog.exec():
        return None
    password = dialog.password_edit.text()
    if dialog.remember_check.isChecked():
        credentials.save_password(location.url, location.login or "", password)
    return password


class ConnectionDialog(QDialog):
    """Choose the base to work in; ``chosen`` is set when the user presses «Открыть»."""

    list: QListWidget
    status_label: QLabel
    open_button: QPushButton
    add_file_button: QPushButton
    add_server_button: QPushButton
    create_server_button: QPushButton
    test_button: QPushButton
    remove_button: QPushButton
    cancel_button: QPushButton

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.chosen: KnownBase | None = None
        self.setWindowTitle("Выбор базы")
        self.resize(640, 360)
        build_form(self, UI_CONNECTION, CONNECTION_WIDGETS)
        self.list.itemActivated.connect(lambda _item: self._open())
        self.add_file_button.clicked.connect(self._add_file)
        self.add_server_button.clicked.connect(self._add_server)
        self.create_server_button.clicked.connect(self._create_server)
        self.test_button.clicked.connect(self.test_selected)
        self.remove_button.clicked.connect(self._remove)
        self.open_button.clicked.connect(self._open)
        self.cancel_button.clicked.connect(self.reject)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for entry in self.settings.known_bases:
            kind = "файловая" if entry.kind == BaseKind.FILE else "серверная"
            item = QListWidgetItem(f"{entry.name}  —  {kind}: {entry.location.display()}")
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.list.addItem(item)
            if entry.id == self.settings.last_base_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for button in (self.test_button, self.remove_button, self.open_button):
            button.setEnabled(has)

    def selected(self) -> KnownBase | None:
        item = self.list.currentItem()
        return self.settings.base_by_id(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def add_known(self, name: str, location: BaseLocation) -> KnownBase:
        entry = self.settings.add_base(name or location.display(), location)
        self.settings.save()
        self._fill()
        self.list.setCurrentRow(self.settings.known_bases.index(entry))
        return entry

    def _add_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Файловая база", "", "База Vostok (*.sqlite);;Все файлы (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.add_known("", BaseLocation.file(path))

    def _add_server(self) -> None:
        dialog = ServerBaseDialog(self)
        if dialog.exec():
            self.add_known(dialog.name_edit.text().strip(), dialog.location())

    def _create_server(self) -> None:
        from vostok_desktop.gui.create_server_dialog import CreateServerBaseDialog

        dialog = CreateServerBaseDialog(self)
        if dialog.exec() and dialog.created is not None:
            self.add_known(dialog.name_edit.text().strip(), dialog.created)
            self.status_label.setText(
                f"База создана. Войдите как «{dialog.created.login}»: "
                "выберите её и нажмите «Открыть».")

    def test_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        location = entry.location
        password = None
        if location.kind is BaseKind.SERVER:
            password = obtain_password(location, self)
            if password is None:
                return
        try:
            self.status_label.setText(check_connection(location, password))
        except BaseError as exc:
            self.status_label.setText(f"<span style='color:#b00020'>{exc}</span>")

    def _remove(self) -> None:
        entry = self.selected()
        if entry and QMessageBox.question(
            self, "Удалить из списка",
            f"Убрать базу «{entry.name}» из списка? Сама база не удаляется.",
        ) == QMessageBox.StandardButton.Yes:
            self.settings.remove_base(entry.id)
            self.settings.save()
            self._fill()

    def _open(self) -> None:
        self.chosen = self.selected()
        if self.chosen is not None:
            self.accept()
