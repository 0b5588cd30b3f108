"""«Счёт» / «Акт» / «УПД»: an issued document read-only (lines, totals, «Печать»,
«Сторно…»), or a new one typed line by line or filled «Из бюджета» of the client.

Local keys: Insert — add a line, Delete — remove the line (new document); Ctrl+P —
«Печать» (issued document)."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.money import DOCUMENT_KIND_TITLES, DocumentKind, TaxMode
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, HINT_COLOUR, set_text_colour
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.money import documents as doc_service
from vostok_desktop.services.money.companies import company_rows
from vostok_desktop.services.money.documents import DocumentView, LineData

RIGHT = "money.documents"
LINE_HEADERS = ["№", "Наименование", "Кол-во", "Ед.", "Цена, руб.", "НДС, руб.", "Сумма, руб."]
EDIT_HEADERS = ["Наименование", "Кол-во", "Ед.", "Цена, руб."]


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


class DocumentDialog(QDialog):
    """``document_id`` given: the issued document read-only. Otherwise a new document
    of ``kind`` for ``client_id``; after «Выписать» ``created_id`` is its id."""

    def __init__(self, context: AppContext, *, document_id: int | None = None,
                 client_id: int | None = None, kind: DocumentKind = DocumentKind.INVOICE,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.document_id = document_id
        self.client_id = client_id
        self.created_id: int | None = None
        self.storno_id: int | None = None
        self.last_printed: Path | None = None
        self.open_files = True  # tests switch opening the printed file off
        self._today = today or date.today()
        self.setMinimumSize(820, 460)
        layout = QVBoxLayout(self)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        if document_id is not None:
            self._build_view(layout)
            self.load()
        else:
            self._build_new(layout, DocumentKind(kind))
        layout.addWidget(self.error)

    # ------------------------------------------------------------------ read-only

    def _build_view(self, layout: QVBoxLayout) -> None:
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        set_text_colour(self.state, ERROR_COLOUR)
        self.lines = QTableWidget()
        self._table(self.lines, LINE_HEADERS)
        self.totals = QLabel()
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.words = QLabel()
        self.words.setAlignment(Qt.AlignmentFlag.AlignRight)
        set_text_colour(self.words, HINT_COLOUR)
        for widget in (self.heading, self.details, self.state, self.lines, self.totals,
                       self.words):
            layout.addWidget(widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        self.print_button = self.buttons.addButton(
            "Печать", QDialogButtonBox.ButtonRole.ActionRole)
        self.storno_button = self.buttons.addButton(
            "Сторно…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_document)
        self.storno_button.clicked.connect(self.ask_storno)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_document)

    def _table(self, table: QTableWidget, headers: list[str]) -> None:
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1 if headers is LINE_HEADERS else 0,
                                    QHeaderView.ResizeMode.Stretch)

    def load(self) -> None:
        assert self.document_id is not None
        with self.context.base.sessions() as s:
            view = doc_service.document_view(s, self.document_id)
        self.view = view
        self.setWindowTitle(view.title)
        self.heading.setText(view.title)
        period = f", период: {view.period:%m.%Y}" if view.period else ""
        due = f", оплатить до {view.due_on:%d.%m.%Y}" if view.due_on else ""
        vat = "Без НДС (УСН)" if TaxMode(view.tax_mode) is TaxMode.USN else \
            f"НДС {view.vat_rate.normalize():f} % включён в цену"
        basis = f"\nОснование: {view.basis}" if view.basis else ""
        self.details.setText(f"От: {view.company_name}{period}{due}. {vat}.{basis}")
        notes = []
        if view.corrects_number:
            notes.append(f"Сторно документа № {view.corrects_number}")
        if view.reversed_by:
            notes.append(f"Сторнирован документом № {view.reversed_by}")
        self.state.setText(". ".join(notes))
        self.state.setVisible(bool(notes))
        self.lines.setRowCount(len(view.lines))
        for r, line in enumerate(view.lines):
            values = [(str(line.position), False), (line.name, False),
                      (f"{line.quantity.normalize():f}", True), (line.unit, False),
                      (money(line.price), True), (money(line.vat), True),
                      (money(line.amount), True)]
            for c, (text, right) in enumerate(values):
                self.lines.setItem(r, c, _item(text, right))
        vat_text = "Без НДС" if TaxMode(view.tax_mode) is TaxMode.USN \
            else f"в т. ч. НДС: {money(view.vat)}"
        self.totals.setText(f"<b>Итого: {money(view.total)} руб.</b>, {vat_text}")
        from vostok_desktop.services.documents.printing import money_in_words

        self.words.setText(money_in_words(view.total))
        can = self.context.allows(RIGHT) and not view.corrects_id and not view.reversed_by
        self.storno_button.setEnabled(can)
        self.storno_button.setToolTip("" if can else (
            "Нет права «Выписка счетов и актов»" if not self.context.allows(RIGHT)
            else "Сторно и сторнированный документ не сторнируются"))

    def print_document(self) -> None:
        from vostok_desktop.services.money.printing import render_money_document

        try:
            rendered = render_money_document(self.context.base, self.document_id,
                                             self.context.employee_id)
        except (LookupError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        folder = Path(tempfile.mkdtemp(prefix="vostok-money-"))
        path = folder / rendered.file_name
        path.write_bytes(rendered.data)
        self.last_printed = path
        self.error.setText("")
        if self.open_files:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def ask_storno(self, confirm: bool = True) -> None:
        view: DocumentView = self.view
        if confirm and QMessageBox.question(
                self, "Сторно", f"Сторнировать {view.title}?\nБудет выписан документ с "
                                "теми же строками с минусом; исходный не изменится.") \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            self.storno_id = doc_service.storno(self.context.base, view.id,
                                                self.context.employee_id,
                                                self.context.access, on=self._today)
        except Exception as exc:  # noqa: BLE001 - refusals reach the user as text
            self.error.setText(str(exc))
            return
        self.context.bus.announce("money_document", [view.id, self.storno_id])
        self.load()

    # ------------------------------------------------------------------ new

    def _build_new(self, layout: QVBoxLayout, kind: DocumentKind) -> None:
        self.setWindowTitle(f"Новый документ: {DOCUMENT_KIND_TITLES[kind].lower()}")
        form = QFormLayout()
        self.kind = QComboBox()
        for value, title in DOCUMENT_KIND_TITLES.items():
            self.kind.addItem(title, value)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.company = QComboBox()
        self._companies = {c.id: c for c in company_rows(self.context.base, active_only=True)}
        for company in self._companies.values():
            self.company.addItem(company.name, company.id)
        self.company.currentIndexChanged.connect(self.recalculate)
        self.issued_on = QDateEdit(_qdate(self._today))
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("dd.MM.yyyy")
        self.period = QDateEdit(_qdate(self._today.replace(day=1)))
        self.period.setDisplayFormat("MM.yyyy")
        self.basis = QLineEdit()
        self.basis.setPlaceholderText("Договор № … от …")
        form.addRow("&Вид:", self.kind)
        form.addRow("&От кого (субъект учёта):", self.company)
        form.addRow("&Дата:", self.issued_on)
        form.addRow("&Период (месяц):", self.period)
        form.addRow("&Основание:", self.basis)
        layout.addLayout(form)
        self.edit_lines = QTableWidget()
        self._table(self.edit_lines, EDIT_HEADERS)
        self.edit_lines.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.edit_lines.itemChanged.connect(self.recalculate)
        layout.addWidget(self.edit_lines)
        row = QHBoxLayout()
        self.add_button = QPushButton("Добавить строку")
        self.remove_button = QPushButton("Удалить строку")
        self.budget_button = QPushButton("Из бюджета")
        self.budget_button.setToolTip("Строки из бюджета клиента на выбранный месяц")
        self.add_button.clicked.connect(lambda: self.add_line())
        self.remove_button.clicked.connect(self.remove_line)
        self.budget_button.clicked.connect(self.fill_from_budget)
        for button in (self.add_button, self.remove_button, self.budget_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.preview)
        for key, slot in ((Qt.Key.Key_Insert, lambda: self.add_line()),
                          (Qt.Key.Key_Delete, self.remove_line)):
            shortcut = QShortcut(QKeySequence(key), self.edit_lines)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Выписать")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.accepted.connect(self.issue)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if not self.context.allows(RIGHT):
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            self.error.setText("Нет права «Выписка счетов и актов»")
        self.add_line()

    def add_line(self, name: str = "", quantity: str = "1", unit: str = "мес.",
                 price: str = "") -> None:
        table = self.edit_lines
        table.blockSignals(True)
        r = table.rowCount()
        table.insertRow(r)
        for c, text in enumerate((name, quantity, unit, price)):
            item = QTableWidgetItem(text)
            if c in (1, 3):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
        table.blockSignals(False)
        table.setCurrentCell(r, 0)
        self.recalculate()

    def remove_line(self) -> None:
        r = self.edit_lines.currentRow()
        if r >= 0:
            self.edit_lines.removeRow(r)
            self.recalculate()

    def typed_lines(self) -> list[LineData]:
        lines = []
        for r in range(self.edit_lines.rowCount()):
            texts = [(self.edit_lines.item(r, c).text() if self.edit_lines.item(r, c)
                      else "").strip() for c in range(4)]
            if not any(texts[0:1] + texts[3:4]):
                continue  # an empty row
            lines.append(LineData(texts[0], texts[1] or "1", texts[2],  # type: ignore[arg-type]
                                  texts[3] or "0"))  # type: ignore[arg-type]
        return lines

    def recalculate(self) -> None:
        company = self._companies.get(self.company.currentData())
        total = vat = Decimal(0)
        for line in self.typed_lines():
            quantity, price = _decimal(str(line.quantity)), _decimal(str(line.price))
            if quantity is None or price is None:
                continue
            mode = company.tax_mode if company else TaxMode.USN
            rate = Decimal(company.vat_rate) if company else Decimal(0)
            amounts = doc_service.line_amounts(quantity, price, mode, rate)
            total += amounts.amount
            vat += amounts.vat
        vat_text = "Без НДС" if company is None or company.tax_mode == TaxMode.USN \
            else f"в т. ч. НДС {money(vat)}"
        self.preview.setText(f"Итого: <b>{money(total)}</b> руб., {vat_text}")

    def fill_from_budget(self) -> None:
        from vostok_desktop.services.money import budget

        on = _pydate(self.period.date()).replace(day=1)
        with self.context.base.sessions() as s:
            found = budget.client_budget(s, self.client_id, on, self.company.currentData())
        if not found.lines and not found.problems:
            self.error.setText("В бюджете клиента нет строк: нет дистрибутивов на "
                               "сопровождении")
            return
        self.edit_lines.setRowCount(0)
        for line in found.lines:
            self.add_line(line.name, "1", "мес.", f"{line.price:.2f}".replace(".", ","))
        self.error.setText("\n".join(found.problems))

    def issue(self) -> None:
        kind = DocumentKind(self.kind.currentData())
        lines = []
        for line in self.typed_lines():
            lines.append(LineData(line.name, _decimal(str(line.quantity)) or line.quantity,
                                  line.unit, _decimal(str(line.price)) or line.price))
        try:
            self.created_id = doc_service.create_document(
                self.context.base, self.context.access,
                company_id=self.company.currentData(), client_id=self.client_id, kind=kind,
                issued_on=_pydate(self.issued_on.date()),
                period=_pydate(self.period.date()).replace(day=1), lines=lines,
                basis=self.basis.text().strip(), employee_id=self.context.employee_id)
        except Exception as exc:  # noqa: BLE001 - refusals reach the user as text
            self.error.setText(str(exc))
            return
        self.context.bus.announce("money_document", [self.created_id])
        self.accept()
