"""«Заявка в КЦ на СВ/ЛСВ…»: a request to the network centre for shipment or transfer of
network distributives, saved as a file and/or mailed with the card's contract files.

Keyboard: Вид, Клиент (type a name or an INN and press Enter to find), Дата, Номер
(narrows the list), the list (Space ticks a distributive), Примечание, the card's files
(Space), Адрес КЦ; Enter (outside the client search) sends, Esc closes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.distributives.expert_file_dialog import (
    FILES_RIGHT,
    KEY_CODE,
    RIGHT_MISSING,
    default_code,
    fill_writers,
    remember,
    remembered,
)
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.plugins import (
    NETWORK_CENTRE_REQUEST_TITLES,
    NetworkCentreRequestKind,
    PluginRegistry,
    load_plugins,
)
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.distributives import network_centre as kc
from vostok_desktop.services.documents import attachments as att
from vostok_desktop.services.documents import mail

KEY_ADDRESS = "distributives/kc_address"
KEY_WRITER = "distributives/kc_writer"
KEY_FOLDER = "distributives/kc_folder"
CONTRACT_WORDS = ("договор", "соглаш", "contract")
ROLE = Qt.ItemDataRole.UserRole


def _checkable(widget: QListWidget, text: str, data: object, checked: bool) -> None:
    item = QListWidgetItem(text, widget)
    item.setData(ROLE, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def _checked(widget: QListWidget) -> list:
    return [widget.item(i).data(ROLE) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class KcRequestDialog(QDialog):
    def __init__(self, context: AppContext, client_id: int | None = None,
                 parent: QWidget | None = None, *, plugins: PluginRegistry | None = None,
                 distributive_ids: list[int] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kc_request_dialog")
        self.setWindowTitle("Заявка в КЦ на СВ/ЛСВ")
        self.context = context
        self.plugins = plugins or load_plugins()
        self.sent: kc.SentRequest | None = None
        self.saved: Path | None = None
        self.operation: BackgroundOperation | None = None
        self._preselected = set(distributive_ids or [])
        self.code, self.company_name = default_code(context)

        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kind_combo")
        for kind, title in NETWORK_CENTRE_REQUEST_TITLES.items():
            self.kind_combo.addItem(title, kind)
        self.client_edit = QLineEdit(self)
        self.client_edit.setObjectName("client_search_edit")
        self.client_edit.setPlaceholderText("название или ИНН, Enter — найти")
        self.client_edit.returnPressed.connect(self.find_clients)
        self.client_combo = QComboBox(self)
        self.client_combo.setObjectName("client_combo")
        client_row = QHBoxLayout()
        client_row.addWidget(self.client_edit, 1)
        client_row.addWidget(self.client_combo, 2)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setObjectName("date_edit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("number_filter_edit")
        self.number_edit.setPlaceholderText("начало номера")
        self.number_edit.textChanged.connect(lambda _t: self.load_candidates())
        self.distributives = QListWidget(self)
        self.distributives.setObjectName("distributives_list")
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("note_edit")
        self.files = QListWidget(self)
        self.files.setObjectName("files_list")
        self.files.setMaximumHeight(110)
        self.address_edit = QLineEdit(remembered(context, KEY_ADDRESS), self)
        self.address_edit.setObjectName("address_edit")
        self.address_edit.setPlaceholderText("адрес КЦ, несколько — через запятую")
        self.code_edit = QLineEdit(self.code, self)
        self.code_edit.setObjectName("ric_code_edit")
        self.writer_combo = QComboBox(self)
        self.writer_combo.setObjectName("writer_combo")
        api = self.plugins.api
        fill_writers(self.writer_combo, api.network_centre_request_writers,
                     api.network_centre_request_writer(remembered(context, KEY_WRITER)
                                                       or None))
        self.status = QLabel(self)
        self.status.setObjectName("status_label")
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Вид заявки:", self.kind_combo)
        client_label = QLabel("&Клиент:", self)
        client_label.setBuddy(self.client_edit)
        form.addRow(client_label, client_row)
        form.addRow("&Дата:", self.date_edit)
        form.addRow("&Номер:", self.number_edit)
        form.addRow("Д&истрибутивы:", self.distributives)
        form.addRow("&Примечание:", self.note_edit)
        form.addRow("&Файлы карточки:", self.files)
        form.addRow("&Адрес КЦ:", self.address_edit)
        form.addRow("Код &РИЦ:", self.code_edit)
        form.addRow("Фор&мат:", self.writer_combo)
        self.buttons = QDialogButtonBox(self)
        self.send_button = self.buttons.addButton("&Отправить в КЦ",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("send_button")
        self.send_button.setDefault(True)
        self.save_button = self.buttons.addButton("&Сохранить файл…",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("save_button")
        self.save_button.clicked.connect(lambda: self.save_file())
        settings = QPushButton("Настройка по&чты…", self)
        settings.clicked.connect(self._mail_settings)
        self.buttons.addButton(settings, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("close_button")
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(760, 640)

        self.kind_combo.currentIndexChanged.connect(lambda _i: self.load_candidates())
        self.client_combo.currentIndexChanged.connect(lambda _i: self._client_changed())
        if client_id is not None:
            title = kc.client_title(context.base, client_id)
            if title is not None:
                self.client_combo.addItem(title, client_id)
        if not api.network_centre_request_writers:
            self._refuse("Нет ни одного модуля записи заявок в КЦ: встроенный модуль "
                         "«rc_files» не загружен (см. «О программе»)")
        elif not context.allows(FILES_RIGHT):
            self._refuse(RIGHT_MISSING)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter in the client search finds clients instead of sending the request."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.focusWidget() in (self.client_edit, self.number_edit):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- state -----------------------------------------------------------------------
    def _refuse(self, message: str) -> None:
        for button in (self.send_button, self.save_button):
            button.setEnabled(False)
            button.setToolTip(message)
        self.status.setText(message)

    def kind(self) -> NetworkCentreRequestKind:
        return NetworkCentreRequestKind(self.kind_combo.currentData())

    def client_id(self) -> int | None:
        return self.client_combo.currentData()

    def find_clients(self) -> None:
        found = kc.find_clients(self.context.base, self.client_edit.text())
        self.client_combo.clear()
        for cid, title in found:
            self.client_combo.addItem(title, cid)
        if not found:
            self.status.setText(f"Клиент «{self.client_edit.text()}» не найден")
        else:
            self.client_combo.setFocus()

    def _client_changed(self) -> None:
        self.load_candidates()
        self.files.clear()
        client_id = self.client_id()
        if client_id is None:
            return
        for info in att.list_attachments(self.context.base, client_id):
            contract = any(w in info.file_name.lower() for w in CONTRACT_WORDS)
            _checkable(self.files, f"{info.file_name} ({att.format_size(info.size)})",
                       info.id, contract)

    def load_candidates(self) -> None:
        self.distributives.clear()
        client_id = self.client_id()
        if client_id is None:
            return
        for c in kc.candidates(self.context.base, client_id, self.kind(),
                               number_prefix=self.number_edit.text()):
            _checkable(self.distributives, c.text, c.id, c.id in self._preselected)
        if not self.distributives.count():
            where = ("на обслуживании у других клиентов" if self.kind() is
                     NetworkCentreRequestKind.TRANSFER else "на складе или у этого клиента")
            self.status.setText(f"Нет сетевых (СВ/ЛСВ) дистрибутивов {where}")
        else:
            self.status.clear()

    def request(self) -> kc.NetworkCentreRequest | None:
        client_id = self.client_id()
        if client_id is None:
            self.status.setText("Выберите клиента: введите название или ИНН и нажмите Enter")
            self.client_edit.setFocus()
            return None
        return kc.NetworkCentreRequest(self.kind(), client_id, _checked(self.distributives),
                                       self.date_edit.date().toPython(),
                                       self.note_edit.text())

    def _writer(self):  # noqa: ANN202
        return self.plugins.api.network_centre_request_writers.get(
            self.writer_combo.currentData())

    def _prepare(self, request: kc.NetworkCentreRequest):  # noqa: ANN202
        return kc.prepare_request(self.context.base, request,
                                  company_code=self.code_edit.text(),
                                  company_name=self.company_name,
                                  profile=self.context.access, today=date.today())

    # -- actions ---------------------------------------------------------------------
    def save_file(self, target: Path | None = None) -> Path | None:
        """Save the request file only (nothing is sent or recorded)."""
        request, writer = self.request(), self._writer()
        if request is None or writer is None:
            return None
        try:
            data = self._prepare(request)
            file = kc.request_file(data, writer)
        except (ValueError, LookupError, AccessDenied) as exc:
            self.status.setText(str(exc))
            return None
        if target is None:
            folder = remembered(self.context, KEY_FOLDER, str(Path.home()))
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить заявку в КЦ",
                                                  str(Path(folder) / file.file_name),
                                                  "Текстовые файлы (*.txt);;Все файлы (*)")
            if not path:
                return None
            target = Path(path)
        try:
            self.saved = kc.save_request_file(data, writer, target)
        except ValueError as exc:
            self.status.setText(str(exc))
            return None
        remember(self.context, KEY_FOLDER, str(self.saved.parent))
        remember(self.context, KEY_CODE, self.code_edit.text().strip())
        self.status.setText(f"Заявка сохранена: {self.saved}")
        return self.saved

    def _mail_settings(self) -> None:
        from vostok_desktop.gui.documents.mail_dialog import SmtpSettingsDialog

        SmtpSettingsDialog(self).exec()

    def send(self, password: str | None = None) -> BackgroundOperation | None:
        request, writer = self.request(), self._writer()
        if request is None or writer is None:
            return None
        to = [a.strip() for a in self.address_edit.text().replace(";", ",").split(",")
              if a.strip()]
        if not to:
            self.status.setText("Укажите адрес КЦ")
            self.address_edit.setFocus()
            return None
        try:
            data = self._prepare(request)
            kc.request_file(data, writer)  # the writer's refusal, before any mail
        except (ValueError, LookupError, AccessDenied) as exc:
            self.status.setText(str(exc))
            return None
        settings = mail.load_settings()
        if not settings.configured:
            self._mail_settings()
            settings = mail.load_settings()
            if not settings.configured:
                self.status.setText("Почта не настроена: письмо не отправлено")
                return None
        if password is None:
            password = mail.load_password(settings)
        if settings.login and password is None:
            password, ok = QInputDialog.getText(self, "Пароль почты",
                                                f"Пароль для {settings.login}:",
                                                QLineEdit.EchoMode.Password)
            if not ok:
                return None
        options = kc.MailOptions(to, kc.default_subject(data),
                                 kc.default_body(data, self.context.employee_name),
                                 _checked(self.files))
        base, employee = self.context.base, self.context.employee_id

        def work(_state: OperationState) -> kc.SentRequest:
            return kc.send_request(base, settings, password, data, writer, options, employee)

        def done(sent: kc.SentRequest) -> None:
            self.sent = sent
            remember(self.context, KEY_ADDRESS, ", ".join(to))
            remember(self.context, KEY_WRITER, writer.id)
            remember(self.context, KEY_CODE, data.company_code)
            self.context.bus.announce("client", [data.client_id])
            self.context.bus.announce("distributive", list(request.distributive_ids))
            self.status.setText(f"Заявка отправлена: {', '.join(sent.recipients)}; "
                                f"вложения: {', '.join(sent.files)}")
            self.send_button.setEnabled(True)

        def failed(message: str) -> None:
            self.send_button.setEnabled(True)
            self.status.setText(message)

        self.send_button.setEnabled(False)
        self.status.setText("Отправка заявки…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(done)
        operation.failed.connect(failed)
        self.operation = operation
        return operation.start()


def open_kc_request_dialog(parent: QWidget | None, context: AppContext,
                           client_id: int | None = None, *,
                           distributive_ids: list[int] | None = None,
                           plugins: PluginRegistry | None = None) -> KcRequestDialog:
    """Show «Заявка в КЦ на СВ/ЛСВ» for a client (of the open card or the agent's
    selection) or with an empty client field (non-modal; returned for tests)."""
    dialog = KcRequestDialog(context, client_id, parent, plugins=plugins,
                             distributive_ids=distributive_ids)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    (dialog.kind_combo if client_id is not None else dialog.client_edit).setFocus()
    return dialog
