"""E-mail from the client card and the SMTP settings dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.documents.widgets import russian_buttons as _russian
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.documents import attachments as att
from vostok_desktop.services.documents import mail
from vostok_desktop.services.documents import printing as prn
from vostok_desktop.services.documents import templates as tpl


def _checked_list(name: str, parent: QWidget) -> QListWidget:
    widget = QListWidget(parent)
    widget.setObjectName(name)
    widget.setMaximumHeight(120)
    return widget


def _add_checkable(widget: QListWidget, text: str, data: object, checked: bool) -> None:
    item = QListWidgetItem(text, widget)
    item.setData(Qt.ItemDataRole.UserRole, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def _checked(widget: QListWidget) -> list:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class MailDialog(QDialog):
    """Send the card's files and/or a printed form to chosen contacts."""

    def __init__(self, context: AppContext, client_id: int,
                 extra_files: list[mail.OutgoingFile] | None = None,
                 parent: QWidget | None = None, template_id: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Письмо клиенту")
        self.setObjectName("mail_dialog")
        self.context = context
        self.client_id = client_id
        self.extra_files = list(extra_files or [])
        self.sent: mail.SentMail | None = None
        draft = mail.default_draft(context.base, client_id, context.employee_id,
                                   prn.company_details(context.base)["name"])
        self.recipients = _checked_list("recipients_list", self)
        for r in mail.client_recipients(context.base, client_id):
            _add_checkable(self.recipients, r.display, r, False)
        if self.recipients.count():
            self.recipients.item(0).setCheckState(Qt.CheckState.Checked)
        self.subject_edit = QLineEdit(draft.subject, self)
        self.subject_edit.setObjectName("subject_edit")
        self.body_edit = QPlainTextEdit(draft.body, self)
        self.body_edit.setObjectName("body_edit")
        self.files = _checked_list("files_list", self)
        for f in self.extra_files:
            _add_checkable(self.files, f"{f.file_name} (печатная форма)", ("extra", f), True)
        for info in att.list_attachments(context.base, client_id):
            _add_checkable(self.files, f"{info.file_name} ({att.format_size(info.size)})",
                           ("attachment", info.id), False)
        self.form_combo = QComboBox(self)
        self.form_combo.setObjectName("form_combo")
        self.form_combo.addItem("— не прикладывать —", None)
        for info in tpl.templates_for_client(context.base, client_id):
            self.form_combo.addItem(info.name, info.id)
        if template_id is not None:
            self.form_combo.setCurrentIndex(max(0, self.form_combo.findData(template_id)))
        self.status = QLabel(self)
        self.status.setObjectName("status_label")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Кому:", self.recipients)
        form.addRow("Тема:", self.subject_edit)
        form.addRow("Текст:", self.body_edit)
        form.addRow("Файлы карточки:", self.files)
        form.addRow("Приложить форму:", self.form_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Отправить")
        settings = self.buttons.addButton("Настройка почты…",
                                          QDialogButtonBox.ButtonRole.ActionRole)
        settings.clicked.connect(lambda: SmtpSettingsDialog(self).exec())
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        _russian(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(620, 560)

    def draft(self) -> mail.Draft:
        files = [data for data in _checked(self.files)]
        draft = mail.Draft(self.client_id, _checked(self.recipients), self.subject_edit.text(),
                           self.body_edit.toPlainText())
        draft.attachment_ids = [v for kind, v in files if kind == "attachment"]
        draft.extra_files = [v for kind, v in files if kind == "extra"]
        return draft

    def send(self) -> BackgroundOperation | None:
        settings = mail.load_settings()
        if not settings.configured:
            SmtpSettingsDialog(self).exec()
            settings = mail.load_settings()
            if not settings.configured:
                return None
        password = mail.load_password(settings)
        if settings.login and password is None:
            password, ok = QInputDialog.getText(self, "Пароль почты",
                                                f"Пароль для {settings.login}:",
                                                QLineEdit.EchoMode.Password)
            if not ok:
                return None
        draft = self.draft()
        template_id = self.form_combo.currentData()
        base, employee = self.context.base, self.context.employee_id

        def work(_state: OperationState) -> mail.SentMail:
            if template_id is not None:
                rendered = prn.render_for_client(base, template_id, draft.client_id, employee)
                draft.extra_files.append(mail.OutgoingFile(rendered.file_name, rendered.data))
            return mail.send_client_mail(base, settings, password, draft, employee)

        self.buttons.setEnabled(False)
        self.status.setText("Отправка…")
        operation = BackgroundOperation(work, self)

        def done(sent: mail.SentMail) -> None:
            self.sent = sent
            self.context.bus.announce("client", [self.client_id])
            QMessageBox.information(self, "Письмо отправлено",
                                    f"Письмо отправлено: {', '.join(sent.recipients)}")
            self.accept()

        def failed(message: str) -> None:
            self.buttons.setEnabled(True)
            self.status.setText(message)

        operation.finished.connect(done)
        operation.failed.connect(failed)
        self.operation = operation
        return operation.start()


class SmtpSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Настройка почты (SMTP)")
        self.setObjectName("smtp_settings_dialog")
        s = mail.load_settings()
        self.host = QLineEdit(s.host, self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(s.port)
        self.security = QComboBox(self)
        for key, title in mail.SECURITY_TITLES.items():
            self.security.addItem(title, key)
        self.security.setCurrentIndex(max(0, self.security.findData(s.security)))
        self.login = QLineEdit(s.login, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("хранится в связке ключей ОС")
        self.sender = QLineEdit(s.sender, self)
        self.sender_name = QLineEdit(s.sender_name, self)
        self.remember = QCheckBox("Запомнить пароль", self)
        self.remember.setChecked(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow("Сервер SMTP:", self.host)
        form.addRow("Порт:", self.port)
        form.addRow("Шифрование:", self.security)
        form.addRow("Логин:", self.login)
        form.addRow("Пароль:", self.password)
        form.addRow("", self.remember)
        form.addRow("Адрес отправителя:", self.sender)
        form.addRow("Имя отправителя:", self.sender_name)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        _russian(buttons)
        form.addRow(buttons)

    def save(self) -> None:
        settings = mail.SmtpSettings(self.host.text(), self.port.value(),
                                     self.security.currentData(), self.login.text().strip(),
                                     self.sender.text(), self.sender_name.text().strip())
        try:
            settings.validate()
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        password = self.password.text() if self.remember.isChecked() and \
            self.password.text() else None
        if not mail.save_settings(settings, password) and password:
            QMessageBox.information(self, "Пароль не сохранён",
                                    "На этом компьютере нет хранилища паролей: пароль будет "
                                    "спрашиваться при отправке.")
        self.accept()
