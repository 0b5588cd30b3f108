"""«Создать базу на сервере»: a new server base from the program, on a worker with its
stages shown. The superuser's password is asked here, used once and never stored; the
first administrator gets their own login."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.db import BaseLocation
from vostok_desktop.gui.operations import BackgroundOperation
from vostok_desktop.services.common import credentials, server_setup
from vostok_desktop.services.common.server_setup import NewServerBase, ServerSetupError


class CreateServerBaseDialog(QDialog):
    """``created``: where the administrator logs in, once the base is made."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Новая база на сервере (PostgreSQL)")
        self.created: BaseLocation | None = None
        self._operation: BackgroundOperation | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("Программа создаст базу, её схему, роли и права сотрудников и вход "
                       "первого администратора. Пароль суперпользователя нужен один раз "
                       "и нигде не сохраняется.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name_edit = QLineEdit("Офис")
        self.host_edit = QLineEdit("localhost")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit("vostok")
        self.superuser_edit = QLineEdit("postgres")
        self.superuser_password_edit = QLineEdit()
        self.admin_full_name_edit = QLineEdit()
        self.admin_login_edit = QLineEdit()
        self.admin_password_edit = QLineEdit()
        self.admin_repeat_edit = QLineEdit()
        for secret in (self.superuser_password_edit, self.admin_password_edit,
                       self.admin_repeat_edit):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox("Запомнить пароль администратора в хранилище паролей")
        self.remember_check.setChecked(credentials.keyring_status().available)
        self.remember_check.setEnabled(credentials.keyring_status().available)
        for label, widget in (
                ("&Название в списке:", self.name_edit), ("С&ервер:", self.host_edit),
                ("&Порт:", self.port_spin), ("&База данных:", self.database_edit),
                ("&Суперпользователь:", self.superuser_edit),
                ("Пароль с&уперпользователя:", self.superuser_password_edit),
                ("&ФИО администратора:", self.admin_full_name_edit),
                ("&Логин администратора:", self.admin_login_edit),
                ("П&ароль администратора:", self.admin_password_edit),
                ("Пароль ещё &раз:", self.admin_repeat_edit)):
            form.addRow(label, widget)
        form.addRow("", self.remember_check)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setRange(0, server_setup.STEPS)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.button_box.addButton(
            "Со&здать базу", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.button_box.accepted.connect(self.create)
        self.button_box.rejected.connect(self.reject)
        layout.addWidget(self.button_box)
        self.resize(520, self.sizeHint().height())

    def request(self) -> NewServerBase:
        if self.admin_password_edit.text() != self.admin_repeat_edit.text():
            raise ServerSetupError("Пароли администратора не совпадают")
        spec = NewServerBase(
            host=self.host_edit.text().strip(), port=self.port_spin.value(),
            database=self.database_edit.text().strip(),
            superuser=self.superuser_edit.text().strip(),
            superuser_password=self.superuser_password_edit.text(),
            admin_login=self.admin_login_edit.text().strip(),
            admin_full_name=self.admin_full_name_edit.text().strip(),
            admin_password=self.admin_password_edit.text())
        server_setup.validate(spec)
        return spec

    def create(self) -> None:
        try:
            spec = self.request()
        except ServerSetupError as exc:
            self._say(str(exc), error=True)
            return
        self._busy(True)
        operation = BackgroundOperation(
            lambda state: server_setup.create_server_base(spec, state.progress), self)
        operation.progress.connect(self._stage)
        operation.finished.connect(lambda location: self._done(spec, location))
        operation.failed.connect(lambda message: (self._busy(False),
                                                  self._say(message, error=True)))
        self._operation = operation.start()

    def _stage(self, stage: str, done: int, _total: int) -> None:
        self.progress.setValue(done)
        self._say(f"{stage}…")

    def _done(self, spec: NewServerBase, location: BaseLocation) -> None:
        self.superuser_password_edit.clear()  # used once, kept nowhere
        if self.remember_check.isChecked():
            credentials.save_password(location.url, location.login or "",
                                      spec.admin_password)
        self.created = location
        self.accept()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.create_button.setEnabled(not busy)
        for edit in self.findChildren(QLineEdit):
            edit.setReadOnly(busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.result_label.setText(f"<span style='color:#b00020'>{text}</span>" if error
                                  else text)
