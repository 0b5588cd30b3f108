"""The tab «Платежи»: received payments (cash and bank), «Загрузить выписку…» (a 1C
«Клиент-банк» file, imported and matched on a worker), the filter «Только
неразнесённые», «Разобрать неразнесённые…» (the review dialog) and a payment's
allocations below the table.

Local keys: Ctrl+O load a statement, Ctrl+R review the unassigned, F5 refresh."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import Right
from vostok_desktop.domain.money import PAYMENT_KIND_TITLES
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.money.payment_review import (
    PaymentReviewDialog,
    day,
    no_right_tip,
    rub,
)
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.money import payments as pay

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
        for button, tip in ((self.import_button, "Файл 1С «Клиент-банк» (kl_to_1c.txt)"),
                            (self.review_button, "Отнести нераспознанные платежи клиентам")):
            button.setEnabled(allowed)
            button.setToolTip(tip if allowed else no_right_tip())
        self.unassigned_box = QCheckBox("Только &неразнесённые")
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


__all__ = ["PaymentsModel", "PaymentsWidget", "day", "no_right_tip", "rub"]
