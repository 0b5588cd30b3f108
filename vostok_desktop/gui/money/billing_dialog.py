"""«Выписка за месяц»: the month's invoices and acts for the selected or all served
clients, on a worker with a progress bar and «Отмена»; then the register's result
(written, skipped, problems), «Печать реестра…» (one DOCX per document into a
folder) and «Отправить по e-mail…» (each client its documents of the register, on a
worker with progress and «Отмена»; a client without an address is listed as a problem;
what was sent before is not sent again; an earlier register is sent the same way from
«Отправить реестр счетов…», register_mail_dialog.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.money import DocumentKind
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, set_text_colour
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.documents import mail
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.money import billing
from vostok_desktop.services.money.billing import BillingResult
from vostok_desktop.services.money.companies import company_rows
from vostok_desktop.services.money.register_mail import RegisterMailResult

RIGHT = "money.documents"


class BillingDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 client_ids: Sequence[int] | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.selected = list(client_ids or [])
        self.result: BillingResult | None = None
        self.operation: BackgroundOperation | None = None
        self.printed: list[Path] = []
        self.setWindowTitle("Выписка счетов и актов за месяц")
        self.setMinimumWidth(620)
        today = today or date.today()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.company = QComboBox()
        for company in company_rows(context.base, active_only=True):
            self.company.addItem(company.name, company.id)
        self.month = QDateEdit(QDate(today.year, today.month, 1))
        self.month.setDisplayFormat("MM.yyyy")
        kinds = QHBoxLayout()
        self.invoices = QCheckBox("&Счета")
        self.invoices.setChecked(True)
        self.acts = QCheckBox("&Акты")
        kinds.addWidget(self.invoices)
        kinds.addWidget(self.acts)
        kinds.addStretch(1)
        who = QHBoxLayout()
        self.all_clients = QRadioButton("&Все клиенты на обслуживании")
        self.selected_clients = QRadioButton(f"В&ыбранные клиенты ({len(self.selected)})")
        group = QButtonGroup(self)
        group.addButton(self.all_clients)
        group.addButton(self.selected_clients)
        self.selected_clients.setEnabled(bool(self.selected))
        (self.selected_clients if self.selected else self.all_clients).setChecked(True)
        who.addWidget(self.all_clients)
        who.addWidget(self.selected_clients)
        who.addStretch(1)
        form.addRow("&От кого (субъект учёта):", self.company)
        form.addRow("&Месяц:", self.month)
        form.addRow("Выписать:", kinds)
        form.addRow("Кому:", who)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setFormat("%v из %m")
        self.progress.setValue(0)
        self.stage = QLabel("Документы выписываются по бюджетам клиентов на этот месяц; "
                            "уже выписанные за месяц пропускаются.")
        self.stage.setWordWrap(True)
        layout.addWidget(self.stage)
        layout.addWidget(self.progress)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("Здесь будет итог выписки")
        layout.addWidget(self.report)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Вы&писать")
        self.cancel_button = QPushButton("Отмена")
        self.print_button = QPushButton("Печать реестра…")
        self.mail_button = QPushButton("Отправить по &e-mail…")
        self.mail_button.setObjectName("billing_send_mail")
        self.mail_button.setToolTip("Каждому клиенту — его документы реестра на адреса "
                                    "его контактов; уже отправленные не повторяются")
        self.close_button = QPushButton("Закрыть")
        self.cancel_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.mail_button.setEnabled(False)
        self.mail_result: RegisterMailResult | None = None
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button.clicked.connect(lambda: self.print_register())
        self.mail_button.clicked.connect(lambda: self.send_by_email())
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.mail_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        if not context.allows(RIGHT):
            self.run_button.setEnabled(False)
            self.error.setText("Нет права «Выписка счетов и актов»")

    def kinds(self) -> set[DocumentKind]:
        return ({DocumentKind.INVOICE} if self.invoices.isChecked() else set()) | \
            ({DocumentKind.ACT} if self.acts.isChecked() else set())

    def start(self) -> None:
        kinds = self.kinds()
        if not kinds:
            self.error.setText("Отметьте, что выписывать: счета и (или) акты")
            return
        company_id = self.company.currentData()
        if company_id is None:
            self.error.setText("Нет ни одного действующего субъекта учёта")
            return
        qdate = self.month.date()
        period = date(qdate.year(), qdate.month(), 1)
        clients = self.selected if self.selected_clients.isChecked() else None
        base, employee, access = self.context.base, self.context.employee_id, \
            self.context.access
        holder: dict[str, BillingResult] = {}

        def work(state: OperationState) -> BillingResult:
            result = billing.run_billing(base, company_id, period, kinds, clients,
                                         employee, access, state)
            holder["result"] = result
            return result

        self._holder = holder
        self.error.setText("")
        self.report.clear()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.print_button.setEnabled(False)
        self.stage.setText(f"Выписка за {billing.month_title(period)}…")
        self.operation = BackgroundOperation(work, self)
        self.operation.progress.connect(self._progress)
        self.operation.finished.connect(self._done)
        self.operation.cancelled.connect(lambda: self._done(holder.get("result")))
        self.operation.failed.connect(self._failed)
        self.operation.start()

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.cancel_button.setEnabled(False)
            self.stage.setText("Останавливается после текущей пачки…")

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.stage.setText(stage)

    def _failed(self, message: str) -> None:
        self.error.setText(message)
        self._idle()

    def _idle(self) -> None:
        self.run_button.setEnabled(self.context.allows(RIGHT))
        self.cancel_button.setEnabled(False)

    def _done(self, result: BillingResult | None) -> None:
        self._idle()
        self.result = result
        if result is None:
            self.stage.setText("Выписка прервана")
            return
        self.stage.setText("Выписка прервана: записаны только целые пачки"
                           if result.cancelled else
                           f"Выписка за {billing.month_title(result.period)} завершена")
        lines = [f"Реестр № {result.run_id}",
                 f"Выписано документов: {result.documents}, клиентов: {result.clients}, "
                 f"на сумму {money(result.total)} руб.",
                 f"Пропущено (уже выписаны за месяц): {result.skipped}"]
        if result.problems:
            lines.append(f"Не выписано из-за бюджета: {len(result.problems)}")
            lines.extend(f"  • {p.client_name}: {p.text}" for p in result.problems[:500])
            if len(result.problems) > 500:
                lines.append(f"  … и ещё {len(result.problems) - 500}")
        self.report.setPlainText("\n".join(lines))
        self.print_button.setEnabled(result.documents > 0)
        self.mail_button.setEnabled(result.documents > 0 and self.context.allows(RIGHT))
        self.context.bus.announce("money_document", [])

    def print_register(self, folder: Path | None = None, open_folder: bool = True) -> None:
        if self.result is None:
            return
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Папка для документов реестра")
            if not chosen:
                return
            folder = Path(chosen)
        run_id, base, employee = self.result.run_id, self.context.base, \
            self.context.employee_id

        def work(state: OperationState) -> list[Path]:
            from vostok_desktop.services.money.printing import render_documents

            ids = billing.run_documents(base, run_id)
            return render_documents(base, ids, folder, employee, state.progress).files

        def done(files: list[Path]) -> None:
            self.printed = files
            self._idle()
            self.stage.setText(f"Напечатано документов: {len(files)} в папку {folder}")
            if open_folder:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.operation = BackgroundOperation(work, self)
        self.operation.progress.connect(self._progress)
        self.operation.finished.connect(done)
        self.operation.cancelled.connect(self._idle)
        self.operation.failed.connect(self._failed)
        self.operation.start()

    # -- e-mail of the register ----------------------------------------------------------
    def send_by_email(self, settings: mail.SmtpSettings | None = None,
                      password: str | None = None) -> BackgroundOperation | None:
        """«Отправить по e-mail…»: the register's documents to the clients, on a worker.
        Without ``settings`` the saved mail settings (the settings dialog when none)."""
        if self.result is None:
            return None
        from vostok_desktop.gui.money.register_mail_dialog import (
            ask_mail_login,
            start_register_mail,
        )

        login = (settings, password) if settings is not None else \
            ask_mail_login(self, self.error.setText)
        if login is None:
            return None
        holder: dict[str, RegisterMailResult] = {}
        self.error.setText("")
        self.run_button.setEnabled(False)
        self.mail_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.stage.setText("Документы реестра отправляются по e-mail…")
        self.operation = start_register_mail(self, self.context, self.result.run_id, login,
                                             holder)
        self.operation.progress.connect(self._progress)
        self.operation.finished.connect(self._mailed)
        self.operation.cancelled.connect(lambda: self._mailed(holder.get("result")))
        self.operation.failed.connect(self._mail_failed)
        return self.operation.start()

    def _mail_failed(self, message: str) -> None:
        self.mail_button.setEnabled(True)
        self._failed(f"Письма не отправлены: {message}")

    def _mailed(self, result: RegisterMailResult | None) -> None:
        self._idle()
        self.mail_button.setEnabled(True)
        self.mail_result = result
        if result is None:
            self.stage.setText("Отправка прервана")
            return
        self.stage.setText("Отправка прервана: часть писем отправлена" if result.cancelled
                           else "Отправка по e-mail завершена")
        lines = [self.report.toPlainText().rstrip(), "", *result.report_lines()]
        self.report.setPlainText("\n".join(lines).lstrip())
        self.context.bus.announce("work", [])
