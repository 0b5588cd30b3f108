"""«Разбор платежей» and «Разнесение платежа по счетам».

«Разбор платежей»: the bank payments the program could not assign (or found
ambiguous), one after another, with the candidates for the current one — the clients
with the payer's INN or name words and their unpaid invoices.

Keys (local to the dialog): Up/Down the payments, Tab to the candidates, Enter assigns
the selected invoice (or the selected client: the payment becomes its advance), Ctrl+F
search a client by name or INN, Del «не наш платёж» (stays unassigned with a note),
Esc closes. Without the right «Платежи» the actions are disabled, with a tooltip.

«Разнесение платежа по счетам» (AllocationDialog): a payment of a client against its
unpaid invoices — Enter on an invoice credits the typed amount (empty: as much as fits),
Del on an allocation removes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import Right
from vostok_desktop.domain.money import PAYMENT_KIND_TITLES
from vostok_desktop.gui.cards.widgets import read_only_table
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.access.rights import AccessDenied, right_title
from vostok_desktop.services.money import payments as pay


def rub(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def no_right_tip() -> str:
    return f"Нет права «{right_title(Right.MONEY_PAYMENTS)}». Обратитесь к администратору."


CLIENT_ROLE = Qt.ItemDataRole.UserRole
INVOICE_ROLE = Qt.ItemDataRole.UserRole + 1


class PaymentReviewDialog(QDialog):
    def __init__(self, context: AppContext, statement_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payment_review")
        self.setWindowTitle("Разбор неразнесённых платежей")
        self.context = context
        self.statement_id = statement_id
        self.allowed = context.allows(Right.MONEY_PAYMENTS)
        self.rows: list[pay.PaymentRow] = []
        self.resize(1100, 620)

        self.payments_view = QTableWidget(0, 6)
        self.payments_view.setObjectName("review_payments")
        self.payments_view.setHorizontalHeaderLabels(
            ["Дата", "Номер", "Плательщик", "ИНН", "Сумма", "Назначение платежа"])
        self.payments_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.payments_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.payments_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.payments_view.setTabKeyNavigation(False)
        self.payments_view.verticalHeader().hide()
        self.payments_view.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 8)
        self.payments_view.setWordWrap(False)
        self.payments_view.horizontalHeader().setStretchLastSection(True)
        self.payments_view.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._load_candidates(row))
        self.note_label = QLabel("")
        self.note_label.setObjectName("review_note")
        self.note_label.setWordWrap(True)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("client_search")
        self.search_edit.setPlaceholderText("Найти клиента по названию или ИНН (Ctrl+F), "
                                            "Enter — искать")
        self.search_edit.returnPressed.connect(self.search)
        self.candidates = QTreeWidget()
        self.candidates.setObjectName("review_candidates")
        self.candidates.setColumnCount(4)
        self.candidates.setHeaderLabels(["Клиент / счёт", "ИНН / дата", "Сумма", "Остаток"])
        self.candidates.setAlternatingRowColors(True)
        self.candidates.header().setStretchLastSection(False)
        self.candidates.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.candidates.itemActivated.connect(lambda _i, _c: None)

        self.assign_button = QPushButton("&Отнести (Enter)")
        self.assign_button.setObjectName("assign_payment")
        self.assign_button.setAutoDefault(False)
        self.assign_button.clicked.connect(self.assign)
        self.not_ours_button = QPushButton("&Не наш платёж (Del)")
        self.not_ours_button.setObjectName("not_ours")
        self.not_ours_button.setAutoDefault(False)
        self.not_ours_button.clicked.connect(self.not_ours)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("not_ours_note")
        self.note_edit.setPlaceholderText("Примечание к «не нашему» платежу")
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        for button, tip in ((self.assign_button, "Отнести платёж выбранному счёту или "
                                                 "клиенту (аванс)"),
                            (self.not_ours_button, "Оставить платёж без клиента с "
                                                   "примечанием")):
            button.setEnabled(self.allowed)
            button.setToolTip(tip if self.allowed else no_right_tip())
        self.status_label = QLabel("")
        self.status_label.setObjectName("review_status")
        self.status_label.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Платежи без клиента</b>"))
        left_layout.addWidget(self.payments_view, 1)
        left_layout.addWidget(self.note_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Кому отнести</b>"))
        right_layout.addWidget(self.search_edit)
        right_layout.addWidget(self.candidates, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.not_ours_button)
        buttons.addWidget(self.note_edit, 1)
        buttons.addStretch(0)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.payments_view, self.candidates)
        QWidget.setTabOrder(self.candidates, self.search_edit)

        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        # Enter and Del are the views' own keys: an event filter, not shortcuts (an item
        # view takes Enter itself).
        self.candidates.installEventFilter(self)
        self.payments_view.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search, context=scope)
        self.reload()
        self.payments_view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier):
            key = event.key()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.candidates and enter:
                self.assign()
                return True
            if watched is self.payments_view and enter:
                self._to_candidates()
                return True
            if watched is self.payments_view and key == Qt.Key.Key_Delete:
                self.not_ours()
                return True
        return super().eventFilter(watched, event)

    # -- payments ---------------------------------------------------------------------
    def reload(self, keep_row: int = 0) -> None:
        rows = pay.list_payments(self.context.base, unassigned_only=True,
                                 statement_id=self.statement_id, include_not_ours=False)
        self.rows = rows
        view = self.payments_view
        view.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (day(row.paid_on), row.doc_number, row.payer_name, row.payer_inn,
                      rub(row.amount), row.purpose)
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 5:
                    item.setToolTip(text)
                view.setItem(r, c, item)
        view.resizeColumnsToContents()
        cap = self.fontMetrics().horizontalAdvance("M") * 16
        for c in range(5):
            view.setColumnWidth(c, min(view.columnWidth(c) + 10, cap))
        if rows:
            view.setCurrentCell(min(keep_row, len(rows) - 1), 0)
            self._load_candidates(view.currentRow())
        else:
            self.candidates.clear()
            self.note_label.setText("Все платежи разобраны.")

    def current(self) -> pay.PaymentRow | None:
        row = self.payments_view.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- candidates -------------------------------------------------------------------
    def _load_candidates(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        payment = self.rows[row]
        self.note_label.setText(f"Сумма {rub(payment.amount)} руб. от {payment.payer_name or '—'}"
                                f"; {payment.match_note or 'не разобран'}.")
        self.show_candidates(pay.review_candidates(self.context.base, payment.id),
                             payment.amount)

    def show_candidates(self, candidates: list[pay.ClientCandidate], amount=None) -> None:  # noqa: ANN001
        tree = self.candidates
        tree.clear()
        best: QTreeWidgetItem | None = None
        for candidate in candidates:
            top = QTreeWidgetItem([f"{candidate.name} ({candidate.reason})", candidate.inn,
                                   "", ""])
            top.setData(0, CLIENT_ROLE, candidate.client_id)
            top.setToolTip(0, "Enter — весь платёж авансом этому клиенту")
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for invoice in candidate.invoices:
                child = QTreeWidgetItem([f"Счёт {invoice.number_text}", day(invoice.issued_on),
                                         rub(invoice.total), rub(invoice.rest)])
                child.setData(0, CLIENT_ROLE, candidate.client_id)
                child.setData(0, INVOICE_ROLE, invoice.id)
                for c in (2, 3):
                    child.setTextAlignment(c, Qt.AlignmentFlag.AlignRight
                                           | Qt.AlignmentFlag.AlignVCenter)
                top.addChild(child)
                if best is None and amount is not None and invoice.rest == amount:
                    best = child
            tree.addTopLevelItem(top)
            top.setExpanded(True)
        if not candidates:
            empty = QTreeWidgetItem(["Кандидатов нет — найдите клиента (Ctrl+F)", "", "", ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            tree.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)
            return
        tree.setCurrentItem(best or tree.topLevelItem(0).child(0) or tree.topLevelItem(0))
        for c in (1, 2, 3):
            tree.resizeColumnToContents(c)

    def _to_candidates(self) -> None:
        self.candidates.setFocus()

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def search(self) -> None:
        text = self.search_edit.text().strip()
        if not text:
            self._load_candidates(self.payments_view.currentRow())
            return
        found = pay.search_clients(self.context.base, text)
        payment = self.current()
        self.show_candidates(found, payment.amount if payment else None)
        self.status_label.setText(f"Найдено клиентов: {len(found)}" if found
                                  else f"Клиентов по запросу «{text}» не найдено.")
        if found:
            self.candidates.setFocus()

    # -- actions ----------------------------------------------------------------------
    def _refused(self) -> bool:
        if not self.allowed:
            self.status_label.setText(no_right_tip())
            return True
        return False

    def assign(self) -> None:
        if self._refused():
            return
        payment = self.current()
        item = self.candidates.currentItem()
        if payment is None or item is None or item.data(0, CLIENT_ROLE) is None:
            self.status_label.setText("Выберите счёт или клиента в списке справа.")
            return
        client_id = int(item.data(0, CLIENT_ROLE))
        invoice_id = item.data(0, INVOICE_ROLE)
        row = self.payments_view.currentRow()
        try:
            pay.assign_payment(self.context.base, payment.id, client_id,
                               None if invoice_id is None else int(invoice_id),
                               self.context.employee_id, self.context.access)
        except (pay.PaymentError, AccessDenied) as refused:
            self.status_label.setText(f"Не отнесено: {refused}")
            return
        top = item if item.parent() is None else item.parent()
        name = top.text(0).rsplit(" (", 1)[0]
        what = f"счёт {item.text(0).removeprefix('Счёт ')}" if invoice_id else "аванс"
        self.status_label.setText(f"Платёж № {payment.doc_number} на {rub(payment.amount)} "
                                  f"руб. отнесён клиенту «{name}» ({what}).")
        self.context.bus.announce("payments", [payment.id])
        self.reload(row)
        self.payments_view.setFocus()

    def not_ours(self) -> None:
        if self._refused():
            return
        payment = self.current()
        if payment is None:
            return
        row = self.payments_view.currentRow()
        try:
            pay.mark_not_ours(self.context.base, payment.id, self.note_edit.text(),
                              self.context.employee_id, self.context.access)
        except (pay.PaymentError, AccessDenied) as refused:
            self.status_label.setText(f"Не записано: {refused}")
            return
        self.status_label.setText(f"Платёж № {payment.doc_number} отмечен как «не наш».")
        self.note_edit.clear()
        self.reload(row)
        self.payments_view.setFocus()


class AllocationDialog(QDialog):
    """«Разнесение платежа»: the client's unpaid invoices with their rests; Enter credits
    the amount typed (empty = as much as fits) to the selected invoice; the allocations
    below, Del removes the selected one (its sum goes back to the advance)."""

    def __init__(self, context: AppContext, payment_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("allocation_dialog")
        self.setWindowTitle("Разнесение платежа по счетам")
        self.context = context
        self.payment_id = payment_id
        self.payment: pay.PaymentRow | None = None
        self.invoices: list[pay.OpenInvoiceRow] = []
        self.allocations: list[pay.AllocationRow] = []
        self.allowed = context.allows(Right.MONEY_PAYMENTS)
        self.resize(760, 540)
        self.header = QLabel("")
        self.header.setObjectName("allocation_header")
        self.header.setWordWrap(True)
        self.invoice_view = QTableWidget(0, 5)
        self.invoice_view.setObjectName("allocation_invoices")
        read_only_table(self.invoice_view, ["Счёт", "Дата", "Оплатить до", "Сумма",
                                            "Остаток"])
        self.invoice_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.invoice_view.setTabKeyNavigation(False)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("allocation_amount")
        self.amount_edit.setPlaceholderText("пусто — сколько поместится")
        self.amount_edit.returnPressed.connect(self.allocate)
        self.allocate_button = QPushButton("&Разнести (Enter)")
        self.allocate_button.setObjectName("allocation_add")
        self.allocate_button.setAutoDefault(False)
        self.allocate_button.clicked.connect(self.allocate)
        self.allocation_view = QTableWidget(0, 3)
        self.allocation_view.setObjectName("allocation_rows")
        read_only_table(self.allocation_view, ["Счёт", "Дата", "Разнесено"])
        self.allocation_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.allocation_view.setTabKeyNavigation(False)
        self.remove_button = QPushButton("&Снять разнесение (Del)")
        self.remove_button.setObjectName("allocation_remove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove)
        for button in (self.allocate_button, self.remove_button):
            button.setEnabled(self.allowed)
            if not self.allowed:
                button.setToolTip(no_right_tip())
        self.status = QLabel("")
        self.status.setObjectName("allocation_status")
        self.status.setWordWrap(True)
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(QLabel("<b>Неоплаченные счета клиента</b>"))
        layout.addWidget(self.invoice_view, 3)
        row = QHBoxLayout()
        amount_label = QLabel("С&умма:")
        amount_label.setBuddy(self.amount_edit)
        row.addWidget(amount_label)
        row.addWidget(self.amount_edit, 1)
        row.addWidget(self.allocate_button)
        layout.addLayout(row)
        layout.addWidget(QLabel("<b>Разнесено</b>"))
        layout.addWidget(self.allocation_view, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.invoice_view, self.amount_edit)
        QWidget.setTabOrder(self.amount_edit, self.allocation_view)
        self.invoice_view.installEventFilter(self)
        self.allocation_view.installEventFilter(self)
        self.reload()
        self.invoice_view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier):
            key = event.key()
            if watched is self.invoice_view and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.allocate()
                return True
            if watched is self.allocation_view and key == Qt.Key.Key_Delete:
                self.remove()
                return True
        return super().eventFilter(watched, event)

    def reload(self) -> None:
        base = self.context.base
        self.payment = pay.payment_row(base, self.payment_id)
        if self.payment is None:
            self.header.setText("Платёж не найден: возможно, его удалили.")
            self.invoices, self.allocations = [], []
        else:
            p = self.payment
            what = PAYMENT_KIND_TITLES[p.kind].lower()
            self.header.setText(
                f"Платёж ({what}) от {day(p.paid_on)} на <b>{rub(p.amount)} руб.</b>, "
                f"клиент «{p.client_name}». Разнесено {rub(p.allocated)} руб.; "
                f"<b>не разнесено (аванс): {rub(p.advance)} руб.</b>")
            self.invoices = ([] if p.client_id is None
                             else pay.client_open_invoices(base, p.client_id))
            self.allocations = pay.payment_allocations(base, self.payment_id)
        keep = max(self.invoice_view.currentRow(), 0)
        fill = self.invoice_view
        fill.setRowCount(len(self.invoices))
        for r, invoice in enumerate(self.invoices):
            values = (f"Счёт {invoice.number_text}", day(invoice.issued_on),
                      day(invoice.due_on), rub(invoice.total), rub(invoice.rest))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                fill.setItem(r, c, item)
        if self.invoices:
            fill.setCurrentCell(min(keep, len(self.invoices) - 1), 0)
        shown = self.allocation_view
        shown.setRowCount(len(self.allocations))
        for r, allocation in enumerate(self.allocations):
            values = (f"Счёт {allocation.number_text}", day(allocation.issued_on),
                      rub(allocation.amount))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                shown.setItem(r, c, item)
        if self.allocations:
            shown.setCurrentCell(0, 0)
        for view in (fill, shown):
            for c in range(1, view.columnCount()):
                view.resizeColumnToContents(c)

    def _refused(self) -> bool:
        if not self.allowed:
            self.status.setText(no_right_tip())
            return True
        return False

    def allocate(self) -> bool:
        if self._refused():
            return False
        row = self.invoice_view.currentRow()
        if not 0 <= row < len(self.invoices):
            self.status.setText("Выберите счёт в списке неоплаченных.")
            return False
        invoice = self.invoices[row]
        text = self.amount_edit.text().strip()
        try:
            pay.allocate(self.context.base, self.payment_id, invoice.id, text or None,
                         self.context.employee_id, self.context.access)
        except (pay.PaymentError, AccessDenied) as refused:
            self.status.setText(f"Не разнесено: {refused}")
            return False
        before = self.payment.allocated if self.payment else Decimal(0)
        self.amount_edit.clear()
        self.reload()
        credited = (self.payment.allocated if self.payment else before) - before
        self.status.setText(f"Разнесено {rub(credited)} руб. на счёт {invoice.number_text}.")
        self.context.bus.announce("payments", [self.payment_id])
        self.invoice_view.setFocus()
        return True

    def remove(self) -> bool:
        if self._refused():
            return False
        row = self.allocation_view.currentRow()
        if not 0 <= row < len(self.allocations):
            self.status.setText("Выберите разнесение в нижней таблице.")
            return False
        allocation = self.allocations[row]
        try:
            pay.remove_allocation(self.context.base, allocation.id, self.context.employee_id,
                                  self.context.access)
        except (pay.PaymentError, AccessDenied) as refused:
            self.status.setText(f"Не снято: {refused}")
            return False
        self.reload()
        self.status.setText(f"Разнесение на счёт {allocation.number_text} снято: сумма "
                            "вернулась в аванс.")
        self.context.bus.announce("payments", [self.payment_id])
        self.allocation_view.setFocus()
        return True


__all__ = ["AllocationDialog", "PaymentReviewDialog", "day", "no_right_tip", "rub"]
