"""The list of bases (like 1C's list of infobases): add file/server base, test, open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
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
from vostok_desktop.services import credentials
from vostok_desktop.settings import KnownBase, Settings


class ServerBaseDialog(QDialog):
    """Add a server base: host, port, database, the employee's own login and password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Серверная база (PostgreSQL)")
        form = QFormLayout()
        self.name_edit = QLineEdit(placeholderText="например: Офис на Ленина")
        self.host_edit = QLineEdit("localhost")
        self.port_spin = QSpinBox(minimum=1, maximum=65535, value=5432)
        self.database_edit = QLineEdit("vostok")
        self.login_edit = QLineEdit(placeholderText="ваш личный логин на сервере")
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox("Запомнить пароль в хранилище паролей ОС")
        status = credentials.keyring_status()
        self.remember_check.setChecked(status.available)
        self.remember_check.setEnabled(status.available)
        if not status.available:
            self.remember_check.setToolTip(status.reason)
        form.addRow("&Название:", self.name_edit)
        form.addRow("&Сервер:", self.host_edit)
        form.addRow("П&орт:", self.port_spin)
        form.addRow("&База данных:", self.database_edit)
        form.addRow("&Логин:", self.login_edit)
        form.addRow("&Пароль:", self.password_edit)
        form.addRow("", self.remember_check)
        if not status.available:
            note = QLabel(status.reason)
            note.setWordWrap(True)
            form.addRow("", note)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.test_button = buttons.addButton("Проверить соединение",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.test)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

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
    def __init__(self, location: BaseLocation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Вход на сервер")
        status = credentials.keyring_status()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"База: {location.display()}"))
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Пароль:", self.password_edit)
        layout.addLayout(form)
        self.remember_check = QCheckBox("Запомнить пароль в хранилище паролей ОС")
        self.remember_check.setChecked(status.available)
        self.remember_check.setEnabled(status.available)
        layout.addWidget(self.remember_check)
        if not status.available:
            note = QLabel(status.reason)
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


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

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.chosen: KnownBase | None = None
        self.setWindowTitle("Выбор базы")
        self.resize(640, 360)
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda _item: self._open())
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_file_button = QPushButton("Добавить &файловую базу…")
        self.add_server_button = QPushButton("Добавить &серверную базу…")
        self.test_button = QPushButton("&Проверить соединение")
        self.remove_button = QPushButton("&Удалить из списка")
        self.open_button = QPushButton("&Открыть")
        self.open_button.setDefault(True)
        self.add_file_button.clicked.connect(self._add_file)
        self.add_server_button.clicked.connect(self._add_server)
        self.test_button.clicked.connect(self.test_selected)
        self.remove_button.clicked.connect(self._remove)
        self.open_button.clicked.connect(self._open)
        side = QVBoxLayout()
        for button in (self.open_button, self.add_file_button, self.add_server_button,
                       self.test_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        side.addWidget(cancel)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("&Базы:", buddy=self.list))
        layout.addLayout(top)
        layout.addWidget(self.status_label)
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
