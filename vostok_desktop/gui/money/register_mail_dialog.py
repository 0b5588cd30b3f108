"""«Отправить реестр счетов…»: an earlier billing register chosen from the list (number,
month, company, documents and how many of them were already e-mailed) is sent the same
way as right after a run: each client its documents, on a worker with progress and
«Отмена»; what was sent before is not sent again (the change log's ``sent_by_email``).

The mail settings prompt and the sending worker are shared with «Выписка за месяц»
(billing_dialog.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    fmt_dt,
    on_activate,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.distributives.common import cell, money
from vostok_desktop.gui.money.price_list_common import no_right_tip
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.documents import mail
from vostok_desktop.services.money.billing import month_title
from vostok_desktop.services.money.register_mail import RegisterMailResult, RegisterRun

RIGHT = "money.documents"
COLUMNS = ["Реестр", "Месяц", "Субъект учёта", "Документы", "Всего", "Отправлено",
           "Сумма, ₽", "Выписан"]
MailLogin = tuple[mail.SmtpSettings, str | None]


def ask_mail_login(owner: QWidget, say: Callable[[str], None]) -> MailLogin | None:
    """The saved mail settings and password; the settings dialog when none are saved and
    the password asked when the keyring has none. None (with ``say`` told why, unless the
    user cancelled) when there is nothing to send with."""
    settings = mail.load_settings()
    if not settings.configured:
        from vostok_desktop.gui.documents.mail_dialog import SmtpSettingsDialog

        SmtpSettingsDialog(owner).exec()
        settings = mail.load_settings()
        if not settings.configured:
            say("Почта не настроена: письма не отправлены")
            return None
    password = mail.load_password(settings)
    if settings.login and password is None:
        password, ok = QInputDialog.getText(owner, "Пароль почты",
                                            f"Пароль для {settings.login}:",
                                            QLineEdit.EchoMode.Password)
        if not ok:
            return None
    return settings, password


def start_register_mail(owner: QWidget, context: AppContext, run_id: int, login: MailLogin,
                        holder: dict[str, RegisterMailResult]) -> BackgroundOperation:
    """A worker sending the register ``run_id``; its result also lands in ``holder`` so a
    cancel still reports what was sent. The caller connects the signals, then starts it."""
    from vostok_desktop.services.money import register_mail

    base, employee, access = context.base, context.employee_id, context.access
    settings, password = login

    def work(state: OperationState) -> RegisterMailResult:
        result = register_mail.send_register(base, run_id, settings, password, employee,
                                             access, state)
        holder["result"] = result
        return result

    return BackgroundOperation(work, owner)


class RegisterMailDialog(QDialog):
    """The registers, the newest first; «Отправить» (or Enter on a row) sends the chosen."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.runs: list[RegisterRun] = []
        self.operation: BackgroundOperation | None = None
        self.mail_result: RegisterMailResult | None = None
        self.may_send = context.allows(RIGHT)
        self.setWindowTitle("Отправить реестр счетов по e-mail")
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        hint = QLabel("Выберите реестр выписки: каждому клиенту уйдут его документы реестра "
                      "на адреса его контактов. Уже отправленные документы не повторяются.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget()
        self.table.setObjectName("register_runs")
        read_only_table(self.table, COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        on_activate(self.table, lambda: self.send())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 2)
        self.stage = QLabel()
        self.stage.setObjectName("register_mail_stage")
        self.stage.setWordWrap(True)
        layout.addWidget(self.stage)
        self.progress = QProgressBar()
        self.progress.setFormat("%v из %m")
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("Здесь будет итог отправки")
        layout.addWidget(self.report, 1)
        self.error = QLabel()
        self.error.setObjectName("register_mail_error")
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.send_button = QPushButton("&Отправить по e-mail")
        self.send_button.setObjectName("register_send")
        self.cancel_button = QPushButton("Отмена")
        self.close_button = QPushButton("Закрыть")
        self.cancel_button.setEnabled(False)
        self.send_button.clicked.connect(lambda: self.send())
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        if not self.may_send:
            self.send_button.setToolTip(no_right_tip(RIGHT))
            self.error.setText(no_right_tip(RIGHT))
        self.reload()

    # -- the list ------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        from vostok_desktop.services.money.register_mail import register_runs

        wanted = select if select is not None else getattr(self.current_run(), "id", None)
        self.runs = register_runs(self.context.base)
        self.table.setRowCount(len(self.runs))
        for n, run in enumerate(self.runs):
            values = [(f"№ {run.id}", False), (month_title(run.period), False),
                      (run.company_name, False), (run.kinds_text, False),
                      (str(run.documents), True),
                      (f"{run.sent} из {run.documents}" if run.sent else "нет", True),
                      (money(run.total), True),
                      (f"{fmt_dt(run.created_at)} {run.author}".strip(), False)]
            for c, (text, right) in enumerate(values):
                self.table.setItem(n, c, cell(text, run.id if c == 0 else None,
                                              align_right=right))
        row = next((n for n, r in enumerate(self.runs) if r.id == wanted), 0)
        if self.runs:
            self.table.setCurrentCell(row, 0)
            self.stage.setText("")
        else:
            self.stage.setText("Реестров пока нет: документы выписываются командой "
                               "«Выписка за месяц…».")
        self._update_buttons()

    def current_run(self) -> RegisterRun | None:
        row = self.table.currentRow() if hasattr(self, "table") else -1
        return self.runs[row] if 0 <= row < len(self.runs) else None

    def _busy(self) -> bool:
        return self.cancel_button.isEnabled()

    def _update_buttons(self) -> None:
        self.send_button.setEnabled(self.may_send and self.current_run() is not None
                                    and not self._busy())

    # -- sending -------------------------------------------------------------------------
    def send(self, settings: mail.SmtpSettings | None = None,
             password: str | None = None) -> BackgroundOperation | None:
        """The chosen register's documents to the clients, on a worker. Without
        ``settings`` the saved mail settings (the settings dialog when none)."""
        run = self.current_run()
        if self._busy():
            return None
        if not self.may_send:
            self.error.setText(no_right_tip(RIGHT))
            return None
        if run is None:
            self.error.setText("Выберите реестр в списке")
            return None
        login = (settings, password) if settings is not None else \
            ask_mail_login(self, self.error.setText)
        if login is None:
            return None
        holder: dict[str, RegisterMailResult] = {}
        self.error.setText("")
        self.mail_result = None
        self.report.clear()
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        self.stage.setText(f"{run.title} отправляется по e-mail…")
        operation = start_register_mail(self, self.context, run.id, login, holder)
        operation.progress.connect(self._progress)
        operation.finished.connect(lambda result: self._sent(run, result))
        operation.cancelled.connect(lambda: self._sent(run, holder.get("result")))
        operation.failed.connect(self._failed)
        self.operation = operation
        return operation.start()

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.stage.setText("Останавливается после текущего клиента…")

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.stage.setText(stage)

    def _idle(self) -> None:
        self.cancel_button.setEnabled(False)
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self._idle()
        self.stage.setText("")
        self.error.setText(f"Письма не отправлены: {message}")

    def _sent(self, run: RegisterRun, result: RegisterMailResult | None) -> None:
        self._idle()
        self.reload(run.id)  # the column «Отправлено» now counts this run
        self.mail_result = result or RegisterMailResult(cancelled=True)
        if result is None:
            self.stage.setText("Отправка прервана")
        else:
            self.stage.setText(f"{run.title}: отправка прервана, часть писем отправлена"
                               if result.cancelled else f"{run.title}: отправка завершена")
            self.report.setPlainText("\n".join(result.report_lines()))
        self.context.bus.announce("work", [])


def open_register_mail(context: AppContext, parent: QWidget | None = None
                       ) -> RegisterMailDialog:
    """«Отправить реестр счетов…» from the menu «Финансы»."""
    dialog = RegisterMailDialog(context, parent)
    dialog.show()
    return dialog


__all__ = ["RegisterMailDialog", "ask_mail_login", "open_register_mail",
           "start_register_mail"]
