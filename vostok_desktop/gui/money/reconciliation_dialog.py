"""«Акт сверки…»: a client's settlements with a company over a period — the lines in a
table (opening balance, invoices and stornos, payments, turnovers, closing balance), the
conclusion, and «Печать» into the print form (a DOCX in the documents folder, opened).

From a client card the client is fixed; from the menu («Финансы») the dialog starts with
a client search. Keys: Alt+underlined letter to reach a field, Ctrl+P — «Печать»,
Esc — close."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    HINT_COLOUR,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.documents import printing as prn
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.money import reconciliation as rec

HEADERS = ["Дата", "Документ", "Дебет, руб.", "Кредит, руб."]
ALL_COMPANIES = -1


def documents_folder() -> Path:
    """Where the act's DOCX goes (the mass print's default folder)."""
    return Path.home() / "Документы Vostok"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _cell(text: str, right: bool = False, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
    return item


def _amount(value) -> str:  # noqa: ANN001
    return money(value) if value else ""


class ReconciliationDialog(QDialog):
    """The act for ``client_id`` (None: choose the client first)."""

    def __init__(self, context: AppContext, client_id: int | None,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Акт сверки взаимных расчётов")
        self.setObjectName("reconciliation_dialog")
        self.context = context
        self.client_id = client_id
        self.act: rec.Reconciliation | None = None
        self.last_printed: Path | None = None
        self.open_files = True  # tests switch opening the printed file off
        self.folder: Path | None = None  # None: the documents folder
        start, end = rec.default_period(today)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.client_label = QLabel()
        self.search = QLineEdit()
        self.search.setObjectName("client_search")
        self.search.setPlaceholderText("Название или ИНН — не меньше двух знаков")
        self.client_combo = QComboBox()
        self.client_combo.setObjectName("client_combo")
        if client_id is None:
            form.addRow("&Найти клиента:", self.search)
            form.addRow("&Клиент:", self.client_combo)
            self.search.textEdited.connect(self._search)
            self.client_combo.currentIndexChanged.connect(self._client_chosen)
        else:
            form.addRow("Клиент:", self.client_label)
        self.company = QComboBox()
        self.company.setObjectName("company_combo")
        form.addRow("Субъект &учёта:", self.company)
        self.start = QDateEdit(_qdate(start))
        self.end = QDateEdit(_qdate(end))
        period = QHBoxLayout()
        for edit, name in ((self.start, "start_date"), (self.end, "end_date")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        to = QLabel("п&о")
        to.setBuddy(self.end)
        period.addWidget(self.start)
        period.addWidget(to)
        period.addWidget(self.end)
        period.addStretch(1)
        since = QLabel("Период &с")
        since.setBuddy(self.start)
        form.addRow(since, period)
        layout.addLayout(form)
        self.table = QTableWidget()
        self.table.setObjectName("lines_table")
        read_only_table(self.table, HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.conclusion = QLabel()
        self.conclusion.setObjectName("conclusion")
        self.conclusion.setWordWrap(True)
        font = QFont(self.conclusion.font())
        font.setBold(True)
        self.conclusion.setFont(font)
        layout.addWidget(self.conclusion)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        layout.addWidget(self.error)
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_text_colour(self.note, HINT_COLOUR)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        self.print_button = self.buttons.addButton("&Печать",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("print_button")
        self.print_button.setDefault(True)
        self.print_button.setToolTip("Ctrl+P: акт в DOCX по печатной форме «Акт сверки»")
        self.print_button.clicked.connect(self.print_act)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_act)
        self.resize(760, 520)
        self._close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self._close.setAutoDefault(False)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.company.currentIndexChanged.connect(self.refresh)
        if client_id is not None:
            self._load_client()
        else:
            self.refresh()
            self.search.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.print_button.setDefault(True)  # Enter prints, Esc closes

    # -- the client --------------------------------------------------------------------
    def _search(self, text: str) -> None:
        from vostok_desktop.services.money.payments import search_clients

        self.client_combo.blockSignals(True)
        self.client_combo.clear()
        if len(text.strip()) >= 2:
            for found in search_clients(self.context.base, text.strip()):
                label = found.name + (f" (ИНН {found.inn})" if found.inn else "")
                self.client_combo.addItem(label, found.client_id)
        self.client_combo.blockSignals(False)
        self._client_chosen()

    def _client_chosen(self) -> None:
        self.client_id = self.client_combo.currentData()
        if self.client_id is not None:
            self._load_client()
        else:
            self.refresh()

    def _load_client(self) -> None:
        assert self.client_id is not None
        from vostok_desktop.domain import Client

        with self.context.base.sessions() as s:
            client = s.get(Client, self.client_id)
            name = (client.full_name or client.short_name) if client is not None else ""
        self.client_label.setText(name)
        companies = rec.companies_of_client(self.context.base, self.client_id)
        wanted = self.company.currentData()
        self.company.blockSignals(True)
        self.company.clear()
        for company_id, company_name in companies:
            self.company.addItem(company_name, company_id)
        if len(companies) > 1:
            self.company.addItem("Все субъекты учёта", ALL_COMPANIES)
        index = self.company.findData(wanted)
        self.company.setCurrentIndex(max(index, 0))
        self.company.blockSignals(False)
        self.refresh()

    # -- the act -----------------------------------------------------------------------
    def _company_id(self) -> int | None:
        data = self.company.currentData()
        return None if data in (None, ALL_COMPANIES) else int(data)

    def refresh(self) -> None:
        self.act = None
        self.table.setRowCount(0)
        self.conclusion.setText("")
        self.print_button.setEnabled(False)
        if self.client_id is None:
            self.error.setText("Выберите клиента: начните вводить название или ИНН.")
            return
        try:
            with self.context.base.sessions() as s:
                self.act = rec.reconciliation(s, self.client_id, self._company_id(),
                                              _pydate(self.start.date()),
                                              _pydate(self.end.date()))
        except rec.ReconciliationError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        act = self.act
        rows: list[tuple[str, str, str, str, bool]] = []

        def balance(title: str, value) -> None:  # noqa: ANN001
            rows.append(("", title, _amount(value) if value > 0 else "",
                         _amount(-value) if value < 0 else "", True))

        balance(f"Сальдо на {act.start:%d.%m.%Y}", act.opening)
        rows += [(f"{ln.on:%d.%m.%Y}", ln.title, _amount(ln.debit), _amount(ln.credit),
                  False) for ln in act.lines]
        rows.append(("", "Обороты за период", money(act.debit_turnover),
                     money(act.credit_turnover), True))
        balance(f"Сальдо на {act.end:%d.%m.%Y}", act.closing)
        self.table.setRowCount(len(rows))
        for r, (day, title, debit, credit, bold) in enumerate(rows):
            for c, (text, right) in enumerate(((day, False), (title, False), (debit, True),
                                               (credit, True))):
                self.table.setItem(r, c, _cell(text, right, bold))
        self.conclusion.setText(prn.reconciliation_conclusion(act))
        self.note.setText("Дебет — выставленные счета (сторно — с минусом), кредит — "
                          "поступившие оплаты, в том числе авансы. Сторона клиента в "
                          "печатной форме остаётся пустой для его данных.")
        self.print_button.setEnabled(True)

    def print_act(self) -> Path | None:
        """The act into its print form, saved as DOCX in the documents folder and
        opened; returns the file."""
        if self.act is None or self.client_id is None:
            return None
        from vostok_desktop.services.documents.templates import TemplateError

        try:
            rendered = prn.render_reconciliation(
                self.context.base, self.client_id, self._company_id(), self.act.start,
                self.act.end, self.context.employee_id)
        except (LookupError, TemplateError, ValueError) as exc:
            self.error.setText(f"Акт не напечатан: {exc}")
            return None
        folder = self.folder or documents_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / rendered.file_name
            path.write_bytes(rendered.data)
        except OSError as exc:
            self.error.setText(f"Файл акта не записан в папку «{folder}»: "
                               f"{exc.strerror or exc}")
            return None
        self.last_printed = path
        self.error.setText("")
        self.note.setText(f"Акт сохранён: {path}")
        if self.open_files:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path


def open_reconciliation(context: AppContext, client_id: int | None,
                        parent: QWidget | None = None) -> ReconciliationDialog:
    """«Акт сверки…» for a client (from its card) or, with ``client_id`` None, for a
    client chosen in the dialog (from the menu «Финансы»). Shown non-modal."""
    dialog = ReconciliationDialog(context, client_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


__all__ = ["ReconciliationDialog", "documents_folder", "open_reconciliation"]
