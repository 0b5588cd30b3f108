"""The tab «Платежи»: received payments (cash and bank), «Загрузить выписку…» (a 1C
«Клиент-банк» file, imported and matched on a worker), the filter «Только
неразнесённые», «Разобрать неразнесённые…» (the review dialog), «Принять наличные…»
(the cash payment form), «Разнести вручную…» (the allocation form of the selected
payment) and a payment's allocations below the table.

Local keys: Ctrl+O load a statement, Ctrl+R review the unassigned, Ctrl+N a cash
payment, Ctrl+L allocate the selected payment, F5 refresh."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import Right
from vostok_desktop.domain.money import PAYMENT_KIND_TITLES
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, set_text_colour
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.money.payment_review import (
    AllocationDialog,
    PaymentReviewDialog,
    day,
    no_right_tip,
    rub,
)
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.money import payments as pay
from vostok_desktop.services.money.companies import company_rows

AnyIndex = QModelIndex | QPersistentModelIndex
UNASSIGNED_COLOUR = "#b00020"


class PaymentsModel(QAbstractTableModel):
    COLUMNS = ("Дата", "Вид", "Номер", "Плательщик", "ИНН", "Клиент", "Сумма", "Разнесено",
               "Аванс", "Назначение платежа", "Как разнесён")
    MONEY_COLUMNS = {6, 7, 8}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[pay.PaymentRow] = []

    def set_rows(self, rows: list[pay.PaymentRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def text(self, row: pay.PaymentRow, column: int) -> str:
        values = (day(row.paid_on), PAYMENT_KIND_TITLES[row.kind], row.doc_number,
                  row.payer_name, row.payer_inn,
                  row.client_name or "— не разнесён —", rub(row.amount), rub(row.allocated),
                  rub(row.advance) if row.advance else "", row.purpose, row.match_note)
        return values[column]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (9, 10):
            return self.text(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and row.unassigned:
            return QBrush(QColor(UNASSIGNED_COLOUR))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


CLIENT_ROLE = Qt.ItemDataRole.UserRole


class CashPaymentDialog(QDialog):
    """«Принять оплату наличными»: client (search by name or INN, Enter), amount, date,
    company, note. Ctrl+Enter (or «Принять») saves and opens the allocation form."""

    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cash_payment_dialog")
        self.setWindowTitle("Оплата наличными")
        self.context = context
        self.payment_id: int | None = None
        self.allocation: AllocationDialog | None = None
        self.resize(640, 400)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("cash_client_search")
        self.search_edit.setPlaceholderText("Название или ИНН клиента, Enter — искать")
        self.search_edit.returnPressed.connect(self.search)
        self.clients = QListWidget()
        self.clients.setObjectName("cash_clients")
        self.clients.currentRowChanged.connect(lambda _r: self._client_changed())
        self.clients.setMaximumHeight(self.fontMetrics().height() * 9)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("cash_amount")
        self.amount_edit.setPlaceholderText("например, 12 400,00")
        self.amount_edit.textEdited.connect(lambda _t: self.status.setText(""))
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("cash_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        on = today or date.today()
        self.date_edit.setDate(QDate(on.year, on.month, on.day))
        self.company = QComboBox()
        self.company.setObjectName("cash_company")
        for company in company_rows(context.base, active_only=True):
            self.company.addItem(company.name, company.id)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("cash_note")
        self.note_edit.setPlaceholderText("например, приходный ордер № 15")
        self.status = QLabel("")
        self.status.setObjectName("cash_status")
        self.status.setWordWrap(True)
        set_text_colour(self.status, ERROR_COLOUR)
        self.save_button = QPushButton("&Принять (Ctrl+Enter)")
        self.save_button.setObjectName("cash_save")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        allowed = context.allows(Right.MONEY_PAYMENTS)
        self.save_button.setEnabled(allowed)
        if not allowed:
            self.save_button.setToolTip(no_right_tip())

        form = QFormLayout()
        client_label = QLabel("&Клиент:")
        client_label.setBuddy(self.search_edit)
        form.addRow(client_label, self.search_edit)
        form.addRow("", self.clients)
        for title, widget in (("&Сумма, руб.:", self.amount_edit), ("&Дата:", self.date_edit),
                              ("Субъект &учёта:", self.company),
                              ("П&римечание:", self.note_edit)):
            label = QLabel(title)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save, context=scope)
        self.clients.installEventFilter(self)
        self.search_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.clients and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.amount_edit.setFocus()  # the client chosen: on to the amount
            return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        text = self.search_edit.text().strip()
        self.clients.clear()
        if not text:
            return
        found = pay.search_clients(self.context.base, text)
        for candidate in found:
            debt = sum((i.rest for i in candidate.invoices), Decimal(0))
            suffix = f", неоплаченных счетов: {len(candidate.invoices)} на {rub(debt)} руб." \
                if candidate.invoices else ""
            item = QListWidgetItem(f"{candidate.name}"
                                   f"{' (ИНН ' + candidate.inn + ')' if candidate.inn else ''}"
                                   f"{suffix}")
            item.setData(CLIENT_ROLE, candidate.client_id)
            self.clients.addItem(item)
        if found:
            self.clients.setCurrentRow(0)
            self.clients.setFocus()
            self.status.setText("")
        else:
            self.status.setText(f"Клиентов по запросу «{text}» не найдено.")

    def client_id(self) -> int | None:
        item = self.clients.currentItem()
        return None if item is None else int(item.data(CLIENT_ROLE))

    def _client_changed(self) -> None:
        self.status.setText("")

    def save(self) -> int | None:
        """Write the payment; then the allocation form of it. None when refused."""
        if self.payment_id is not None:
            return self.payment_id
        client_id = self.client_id()
        if client_id is None:
            self.status.setText("Выберите клиента: введите название или ИНН и нажмите "
                                "Enter.")
            self.search_edit.setFocus()
            return None
        qdate = self.date_edit.date()
        try:
            payment_id = pay.add_cash_payment(
                self.context.base, client_id, self.amount_edit.text(),
                date(qdate.year(), qdate.month(), qdate.day()), self.note_edit.text(), None,
                self.context.employee_id, self.context.access,
                company_id=self.company.currentData())
        except pay.PaymentError as refused:
            self.status.setText(f"Оплата не принята: {refused}")
            (self.amount_edit if refused.field == "amount" else self.search_edit).setFocus()
            return None
        except AccessDenied as refused:
            self.status.setText(f"Оплата не принята: {refused}")
            return None
        self.payment_id = payment_id
        self.context.bus.announce("payments", [payment_id])
        if pay.client_open_invoices(self.context.base, client_id):
            self.allocation = AllocationDialog(self.context, payment_id, self.parentWidget())
        self.saved.emit(payment_id)
        self.accept()
        if self.allocation is not None:
            self.allocation.open()
        return payment_id


class PaymentsWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payments_widget")
        self.context = context
        self.operation: BackgroundOperation | None = None
        self.last_result: pay.ImportResult | None = None
        allowed = context.allows(Right.MONEY_PAYMENTS)

        self.import_button = QPushButton("Загрузить &выписку…")
        self.import_button.setObjectName("import_statement")
        self.import_button.clicked.connect(lambda: self.import_file())
        self.review_button = QPushButton("&Разобрать неразнесённые…")
        self.review_button.setObjectName("review_payments")
        self.review_button.clicked.connect(lambda: self.open_review())
        self.cash_button = QPushButton("Принять &наличные…")
        self.cash_button.setObjectName("cash_payment")
        self.cash_button.clicked.connect(lambda: self.cash_payment())
        self.allocate_button = QPushButton("Ра&знести вручную…")
        self.allocate_button.setObjectName("allocate_payment")
        self.allocate_button.clicked.connect(lambda: self.allocate_current())
        for button, tip in ((self.import_button, "Файл 1С «Клиент-банк» (kl_to_1c.txt)"),
                            (self.review_button, "Отнести нераспознанные платежи клиентам"),
                            (self.cash_button, "Оплата наличными в кассу (Ctrl+N)"),
                            (self.allocate_button, "Разнести выбранный платёж по счетам "
                                                   "клиента (Ctrl+L)")):
            button.setEnabled(allowed)
            button.setToolTip(tip if allowed else no_right_tip())
        self.unassigned_box = QCheckBox("Только не&разнесённые")
        self.unassigned_box.setObjectName("unassigned_only")
        self.unassigned_box.toggled.connect(lambda _on: self.refresh())
        self.refresh_button = QPushButton("Обновить")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.status_label = QLabel("")
        self.status_label.setObjectName("payments_status")
        self.status_label.setWordWrap(True)

        self.model = PaymentsModel(self)
        self.view = QTableView()
        self.view.setObjectName("payments_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_allocations(current.row()))
        self.allocations_label = QLabel("")
        self.allocations_label.setObjectName("payment_allocations")
        self.allocations_label.setWordWrap(True)
        self.allocations_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.review_button)
        top.addWidget(self.cash_button)
        top.addWidget(self.allocate_button)
        top.addSpacing(12)
        top.addWidget(self.unassigned_box)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        caption = QLabel("<b>Разнесение выбранного платежа</b>")
        bottom_layout.addWidget(caption)
        bottom_layout.addWidget(self.allocations_label, 1)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        context_ = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, action in (("Ctrl+O", lambda: self.import_file()),
                             ("Ctrl+R", lambda: self.open_review()),
                             ("Ctrl+N", lambda: self.cash_payment()),
                             ("Ctrl+L", lambda: self.allocate_current()),
                             ("F5", lambda: self.refresh())):
            QShortcut(QKeySequence(keys), self, action, context=context_)
        self.refresh()

    # -- reading ----------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_payment_id()
        rows = pay.list_payments(self.context.base,
                                 unassigned_only=self.unassigned_box.isChecked())
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("M")
        for column in range(self.model.columnCount()):
            cap = em * (18 if column == 9 else 24)
            self.view.setColumnWidth(column, min(self.view.columnWidth(column) + 10, cap))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        unassigned = sum(1 for r in rows if r.unassigned)
        if not self.status_label.text() or self.last_result is None:
            self.status_label.setText(f"Платежей: {len(rows)}; неразнесённых: {unassigned}."
                                      if rows else "Платежей пока нет: загрузите выписку "
                                                   "банка.")
        ids = [r.id for r in rows]
        row = ids.index(current) if current in ids else 0
        if rows:
            self.view.selectRow(row)
        self._show_allocations(row if rows else -1)

    def current_payment_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()].id

    def _show_allocations(self, row: int) -> None:
        if row < 0 or row >= len(self.model.rows):
            self.allocations_label.setText("")
            return
        payment = self.model.rows[row]
        parts = [f"Счёт {a.number_text} от {day(a.issued_on)}: {rub(a.amount)} руб."
                 for a in pay.payment_allocations(self.context.base, payment.id)]
        if payment.advance:
            parts.append(f"Аванс (не разнесено): {rub(payment.advance)} руб.")
        if payment.unassigned:
            parts.insert(0, f"Клиент не определён ({payment.match_note or 'не разобран'}).")
        self.allocations_label.setText("<br>".join(parts) or "—")

    # -- import -----------------------------------------------------------------------
    def import_file(self, path: str | None = None) -> BackgroundOperation | None:
        if not self.context.allows(Right.MONEY_PAYMENTS):
            self.status_label.setText(no_right_tip())
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Загрузить выписку банка", "",
                "Выписка 1С «Клиент-банк» (*.txt);;Все файлы (*)")
            if not path:
                return None
        base, employee, profile = (self.context.base, self.context.employee_id,
                                   self.context.access)
        target = path

        def work(state: OperationState) -> pay.ImportResult:
            state.progress("Загрузка выписки", 0, 1)
            return pay.import_statement(base, target, None, employee, profile)

        self.import_button.setEnabled(False)
        self.status_label.setText("Выписка загружается и разносится…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(self._imported)
        operation.failed.connect(self._import_failed)
        self.operation = operation
        return operation.start()

    def _imported(self, result: pay.ImportResult) -> None:
        self.import_button.setEnabled(True)
        self.last_result = result
        self.status_label.setText(result.summary)
        self.refresh()
        self.context.bus.announce("payments", [])

    def _import_failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.status_label.setText(f"Выписка не загружена: {message}")

    def open_review(self) -> Any:
        if not self.context.allows(Right.MONEY_PAYMENTS):
            self.status_label.setText(no_right_tip())
            return None
        dialog = PaymentReviewDialog(self.context, None, self)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.open()
        return dialog

    # -- cash and manual allocation -----------------------------------------------------
    def cash_payment(self) -> CashPaymentDialog | None:
        """«Принять оплату наличными…»: the form; once saved, its allocation form."""
        if not self.context.allows(Right.MONEY_PAYMENTS):
            self.status_label.setText(no_right_tip())
            return None
        dialog = CashPaymentDialog(self.context, self)
        dialog.saved.connect(lambda payment_id: self._cash_saved(dialog, payment_id))
        dialog.open()
        return dialog

    def _cash_saved(self, dialog: CashPaymentDialog, payment_id: int) -> None:
        if dialog.allocation is not None:  # the tab shows the allocations made there
            dialog.allocation.finished.connect(lambda _code: self.refresh())
        self.refresh()
        ids = [r.id for r in self.model.rows]
        if payment_id in ids:
            self.view.selectRow(ids.index(payment_id))

    def allocate_current(self, payment_id: int | None = None) -> AllocationDialog | None:
        if not self.context.allows(Right.MONEY_PAYMENTS):
            self.status_label.setText(no_right_tip())
            return None
        payment_id = payment_id or self.current_payment_id()
        if payment_id is None:
            self.status_label.setText("Выберите платёж в таблице.")
            return None
        row = next((r for r in self.model.rows if r.id == payment_id), None)
        if row is not None and row.unassigned:
            self.status_label.setText("Платёж ещё не отнесён клиенту: сначала разберите его "
                                      "(Ctrl+R).")
            return None
        dialog = AllocationDialog(self.context, payment_id, self)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.open()
        return dialog


__all__ = ["AllocationDialog", "CashPaymentDialog", "PaymentsModel", "PaymentsWidget", "day",
           "no_right_tip", "rub"]
