"""The client card's money page: the balance (долг / аванс) on top and the client's
documents (вид, номер, дата, период, сумма, оплачено, долг); stornos and reversed
documents struck out in grey.

Local keys: Enter — open the document, Insert — «Новый счёт…»; «Акт сверки…» opens the
act for a company and a period (gui/money/reconciliation_dialog.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.money import DocumentKind
from vostok_desktop.gui.cards.widgets import DONE_COLOUR, ERROR_COLOUR, on_activate, set_text_colour
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.money.document_dialog import RIGHT, DocumentDialog
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.money import documents as doc_service

HEADERS = ["Вид", "Номер", "Дата", "Период", "Сумма, руб.", "Оплачено", "Долг", "От кого"]
GREY = "#80868b"


class _InsertFilter(QObject):
    """Insert on the table (the table's own key handling would swallow it)."""

    def __init__(self, handler: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.handler = handler

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() == Qt.Key.Key_Insert and not event.modifiers():
            self.handler()
            return True
        return False


class DocumentsPage(QWidget):
    def __init__(self, context: AppContext, client_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.client_id = context, client_id
        self.dialog: DocumentDialog | None = None
        self._loaded = False
        layout = QVBoxLayout(self)
        self.balance = QLabel()
        font = QFont(self.balance.font())
        font.setBold(True)
        font.setPointSize(font.pointSize() + 1)
        self.balance.setFont(font)
        layout.addWidget(self.balance)
        self.table = QTableWidget()
        self.table.setColumnCount(len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.new_button = QPushButton("Новый счёт…")
        self.open_button = QPushButton("Открыть")
        self.reconciliation_button = QPushButton("Акт с&верки…")
        self.reconciliation_button.setObjectName("reconciliation_button")
        self.new_button.clicked.connect(self.new_invoice)
        self.open_button.clicked.connect(self.open_current)
        self.reconciliation_button.clicked.connect(self.open_reconciliation)
        row.addWidget(self.new_button)
        row.addWidget(self.open_button)
        row.addWidget(self.reconciliation_button)
        row.addStretch(1)
        hint = QLabel("Enter — открыть, Insert — новый счёт, Alt+В — акт сверки")
        set_text_colour(hint, GREY)
        row.addWidget(hint)
        layout.addLayout(row)
        on_activate(self.table, self.open_current)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Insert), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.new_invoice)
        self._insert_filter = _InsertFilter(self.new_invoice, self.table)
        self.table.installEventFilter(self._insert_filter)
        allowed = context.allows(RIGHT)
        self.new_button.setEnabled(allowed)
        if not allowed:
            self.new_button.setToolTip("Нет права «Выписка счетов и актов»")
        context.bus.entities_changed.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def _changed(self, kind: str, _ids: list) -> None:
        if kind in ("money_document", "payment") and self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        with self.context.base.sessions() as s:
            self.rows = doc_service.documents_of_client(s, self.client_id)
            balance = doc_service.client_balance(s, self.client_id)
        self.balance.setText(balance.text)
        net = balance.debt - balance.advance
        set_text_colour(self.balance, ERROR_COLOUR if net > 0 else
                        DONE_COLOUR if net < 0 else None)
        current = self.current_id()
        self.table.setRowCount(len(self.rows))
        for r, doc in enumerate(self.rows):
            invoice = doc.kind is DocumentKind.INVOICE
            kind = doc.kind_title + (" (сторно)" if doc.is_storno else "")
            values = [kind, doc.number_text, f"{doc.issued_on:%d.%m.%Y}",
                      f"{doc.period:%m.%Y}" if doc.period else "", money(doc.total),
                      money(doc.paid) if invoice else "", money(doc.debt) if invoice else "",
                      doc.company_name]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, doc.id)
                if doc.inactive:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(QBrush(QColor(GREY)))
                    item.setToolTip(f"Сторнирован документом № {doc.reversed_by}"
                                    if doc.reversed_by else "Сторно")
                self.table.setItem(r, c, item)
        if self.rows:
            wanted = next((r for r, d in enumerate(self.rows) if d.id == current), 0)
            self.table.setCurrentCell(wanted, 0)

    def current_id(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def open_current(self) -> None:
        document_id = self.current_id()
        if document_id is None:
            return
        self.dialog = DocumentDialog(self.context, document_id=document_id, parent=self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(lambda _r: self.refresh())
        self.dialog.open()

    def open_reconciliation(self) -> QWidget:
        from vostok_desktop.gui.money.reconciliation_dialog import open_reconciliation

        self.reconciliation = open_reconciliation(self.context, self.client_id, self)
        return self.reconciliation

    def new_invoice(self) -> None:
        if not self.context.allows(RIGHT):
            return
        self.dialog = DocumentDialog(self.context, client_id=self.client_id,
                                     kind=DocumentKind.INVOICE, parent=self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()
