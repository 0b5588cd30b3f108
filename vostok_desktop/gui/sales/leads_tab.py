"""The tab «Заявки с сайта»: the leads newest first with a filter by state, the text of the
current one, and the commands «Загрузить заявки…», «Взять в работу» (F2), «Принять…»
(Enter: link or create the client, open a deal) and «Отклонить…» (Del, with the result)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.sales import LeadStatus
from vostok_desktop.gui.sales.common import (
    attempt,
    current_key,
    error_label,
    fill_table,
    make_table,
    moment,
)
from vostok_desktop.services.sales import catalogue, deals, leads

FILTERS: tuple[tuple[str, tuple[LeadStatus, ...]], ...] = (
    ("Открытые (новые и в работе)", (LeadStatus.NEW, LeadStatus.IN_WORK)),
    ("Новые", (LeadStatus.NEW,)),
    ("В работе", (LeadStatus.IN_WORK,)),
    ("Принятые", (LeadStatus.CONVERTED,)),
    ("Отклонённые", (LeadStatus.REJECTED,)),
    ("Все", ()),
)
COLUMNS = ["Получена", "Источник", "Имя", "Организация", "Телефон", "E-mail", "Клиент",
           "Ответственный", "Состояние", "Результат"]
FILE_FILTER = ("Заявки (*.csv *.xlsx *.eml *.mbox);;CSV (*.csv);;Excel (*.xlsx);;"
               "Письма (*.eml *.mbox)")


class LeadsTab(QWidget):
    def __init__(self, context: Any) -> None:
        super().__init__()
        self.context = context
        self.setObjectName("leads_tab")
        self.rows: dict[int, leads.LeadRow] = {}
        self.last_message = ""
        self.dialog: QDialog | None = None

        top = QHBoxLayout()
        top.addWidget(QLabel("Показать:"))
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("lead_filter")
        for title, _ in FILTERS:
            self.filter_combo.addItem(title)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self.reload())
        top.addWidget(self.filter_combo)
        top.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, handler in (("import", "Загрузить заявки…", self.import_file),
                                   ("take", "Взять в работу", self.take),
                                   ("accept", "Принять…", self.accept_current),
                                   ("reject", "Отклонить…", self.reject_current),
                                   ("reload", "Обновить", self.reload)):
            button = QPushButton(text)
            button.setObjectName(f"lead_{key}")
            button.clicked.connect(lambda _c=False, h=handler: h())
            top.addWidget(button)
            self.buttons[key] = button
        self.buttons["import"].setEnabled(context.allows("sales.leads"))
        if not context.allows("sales.leads"):
            self.buttons["import"].setToolTip("Нет права «Загрузка заявок»")

        self.table = make_table(COLUMNS, 9, "lead_table")
        self.table.currentCellChanged.connect(lambda *_a: self._show_current())
        self.table.doubleClicked.connect(lambda _i: self.accept_current())
        self.details = QPlainTextEdit()
        self.details.setObjectName("lead_details")
        self.details.setReadOnly(True)
        self.status = QLabel()
        self.status.setObjectName("lead_status")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([400, 110])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.reload()

    # -- reading -------------------------------------------------------------------------
    def reload(self) -> None:
        statuses = FILTERS[self.filter_combo.currentIndex()][1]
        found = leads.list_leads(self.context.base, statuses=statuses or None)
        self.rows = {r.id: r for r in found}
        fill_table(self.table, [[moment(r.received_at), r.source, r.name, r.organisation,
                                 r.phone, r.email, r.client_name or "—",
                                 r.responsible_name or "—", r.status_title, r.result]
                                for r in found], [r.id for r in found])
        self.status.setText(f"Заявок: {len(found)}")
        self._show_current()

    def current(self) -> leads.LeadRow | None:
        key = current_key(self.table)
        return self.rows.get(key) if key is not None else None

    def _show_current(self) -> None:
        row = self.current()
        if row is None:
            self.details.setPlainText("")
            return
        lines = [f"{moment(row.received_at)} · {row.source}",
                 f"{row.name} · {row.organisation}".strip(" ·"),
                 " · ".join(p for p in (f"ИНН {row.inn}" if row.inn else "", row.phone,
                                        row.email) if p),
                 "", row.text]
        self.details.setPlainText("\n".join(lines).strip())

    def tell(self, message: str, warning: bool = False) -> None:
        self.last_message = message
        self.status.setText(message)
        if warning:
            box = QMessageBox(QMessageBox.Icon.Warning, "Заявки с сайта", message,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("lead_warning")
            self.dialog = box  # type: ignore[assignment]
            box.open()

    def _changed(self) -> None:
        bus = getattr(self.context, "bus", None)
        if bus is not None and hasattr(bus, "announce"):
            bus.announce("leads", [])
        self.reload()

    # -- commands ------------------------------------------------------------------------
    def import_file(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Загрузить заявки", "", FILE_FILTER)
            if not path:
                return
        done, result = attempt(lambda: leads.import_leads(
            self.context.base, path, self.context.employee_id,
            profile=getattr(self.context, "access", None)),
            lambda m: self.tell(f"Заявки не загружены: {m}", warning=True))
        if done:
            self.filter_combo.setCurrentIndex(1)
            self._changed()
            self.tell(result.summary())

    def take(self) -> None:
        row = self.current()
        if row is None:
            return
        done, _ = attempt(lambda: leads.take_lead(self.context.base, row.id,
                                                  self.context.employee_id),
                          lambda m: self.tell(m, warning=True))
        if done:
            self._changed()
            self.tell(f"Заявка «{row.name or row.organisation}» взята в работу")

    def accept_current(self) -> QDialog | None:
        row = self.current()
        if row is None:
            return None
        dialog = AcceptLeadDialog(self.context, row, self)
        dialog.accepted.connect(self._changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def reject_current(self) -> QDialog | None:
        row = self.current()
        if row is None:
            return None
        dialog = RejectLeadDialog(self.context, row, self)
        dialog.accepted.connect(self._changed)
        self.dialog = dialog
        dialog.open()
        return dialog


class AcceptLeadDialog(QDialog):
    """«Принять заявку»: the client (the matched one, one found by name, or a new one made
    of the lead) and a deal at the first stage."""

    def __init__(self, context: Any, row: leads.LeadRow, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.context, self.row = context, row
        self.result_value: leads.Accepted | None = None
        self.setObjectName("accept_lead_dialog")
        self.setWindowTitle("Принять заявку")
        self.setMinimumWidth(520)
        form = QFormLayout()
        who = ", ".join(p for p in (row.name, row.organisation) if p)
        form.addRow("Заявка:", QLabel(f"{moment(row.received_at)} — {who}"))
        self.client_combo = QComboBox()
        self.client_combo.setObjectName("accept_client")
        if row.client_id is not None:
            self.client_combo.addItem(f"{row.client_name} (найден по заявке)", row.client_id)
        self.client_combo.addItem(f"Новый клиент «{row.organisation or row.name}»", None)
        for client_id, name in deals.find_clients(context.base, row.organisation or row.name,
                                                  limit=20):
            if client_id != row.client_id:
                self.client_combo.addItem(name, client_id)
        form.addRow("Клиент:", self.client_combo)
        self.deal_check = QCheckBox("Открыть сделку")
        self.deal_check.setObjectName("accept_create_deal")
        self.deal_check.setChecked(True)
        form.addRow("", self.deal_check)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("accept_deal_title")
        self.title_edit.setPlaceholderText("Заявка с сайта: …")
        form.addRow("Сделка:", self.title_edit)
        self.sum_edit = QLineEdit()
        self.sum_edit.setObjectName("accept_deal_sum")
        self.sum_edit.setPlaceholderText("0,00")
        form.addRow("Ожидаемая сумма, ₽:", self.sum_edit)
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("accept_stage")
        for st in catalogue.list_stages(context.base, active_only=True):
            if not st.is_closing:
                self.stage_combo.addItem(st.title, st.id)
        form.addRow("Этап:", self.stage_combo)
        self.deal_check.toggled.connect(self.title_edit.setEnabled)
        self.deal_check.toggled.connect(self.sum_edit.setEnabled)
        self.deal_check.toggled.connect(self.stage_combo.setEnabled)
        self.result_edit = QLineEdit()
        self.result_edit.setObjectName("accept_result")
        self.result_edit.setPlaceholderText("Открыта сделка")
        form.addRow("Результат:", self.result_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.error = error_label("accept_error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Принять")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        def go() -> leads.Accepted:
            return leads.accept_lead(self.context.base, self.row.id, leads.Acceptance(
                client_id=self.client_combo.currentData(),
                create_deal=self.deal_check.isChecked(), deal_title=self.title_edit.text(),
                expected_sum=deals.parse_sum(self.sum_edit.text() or Decimal("0")),
                stage_id=self.stage_combo.currentData(), result=self.result_edit.text()),
                self.context.employee_id)

        done, result = attempt(go, self._error)
        if done:
            self.result_value = result
            self.accept()

    def _error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class RejectLeadDialog(QDialog):
    """«Отклонить заявку»: the result (why) is required."""

    REASONS = ("Дубль заявки", "Не дозвонились", "Спам", "Нет потребности")

    def __init__(self, context: Any, row: leads.LeadRow, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.context, self.row = context, row
        self.setObjectName("reject_lead_dialog")
        self.setWindowTitle("Отклонить заявку")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Заявка: {row.name or row.organisation}, "
                                f"{moment(row.received_at)}"))
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reject_reason")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(("",) + self.REASONS)
        layout.addWidget(QLabel("Результат (причина отклонения):"))
        layout.addWidget(self.reason_combo)
        self.error = error_label("reject_error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Отклонить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        done, _ = attempt(lambda: leads.reject_lead(
            self.context.base, self.row.id, self.reason_combo.currentText(),
            self.context.employee_id), self._error)
        if done:
            self.accept()

    def _error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
