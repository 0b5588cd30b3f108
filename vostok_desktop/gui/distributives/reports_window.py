"""The window «Отчёты по дистрибутивам»: «Дистрибутивы клиентов», «Движение
дистрибутивов» for a period, «Склад дистрибутивов», «Баланс дистрибутивов» (connected −
disconnected by month) — one tab each with its parameters, «Сформировать» (the query
runs on a worker: on a big base a report takes seconds), the table, and «В Excel…»
through the export gate (the file is written on a worker too).

``open_distributive_reports(parent, context)`` shows the window (one per parent)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.distributives import MOVEMENT_KIND_TITLES, MovementKind
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.distributives import reports as dr

WINDOW_TITLE = "Отчёты по дистрибутивам"
NEGATIVE_COLOUR = "#b00020"
AnyIndex = QModelIndex | QPersistentModelIndex


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return str(value)


class ReportModel(QAbstractTableModel):
    """A report's rows (and its bold totals row) for a table view: a plain list, so a
    report of 100 000 rows shows at once (no widget per cell)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: dr.ReportTable | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: dr.ReportTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._rows = [] if table is None else [*table.rows,
                                               *([table.totals] if table.totals else [])]
        self.endResetModel()

    def is_totals(self, row: int) -> bool:
        return bool(self.table and self.table.totals) and row == len(self._rows) - 1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and self.table is not None):
            return self.table.columns[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = display(value)
            return text if role == Qt.ItemDataRole.DisplayRole or len(text) > 30 else None
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | Decimal):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_totals(index.row()):
            return self._bold
        if (role == Qt.ItemDataRole.ForegroundRole and isinstance(value, int)
                and not isinstance(value, bool) and value < 0):
            return QBrush(QColor(NEGATIVE_COLOUR))
        return None


class ReportPage(QWidget):
    """One report: parameters on top («Сформировать», «В Excel…»), the subtitle, the
    table. Subclasses add their parameters and say how the table is built."""

    title = ""
    object_name = ""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setObjectName(self.object_name)
        self.context = context
        self.operation: BackgroundOperation | None = None
        self.table_data: dr.ReportTable | None = None
        self.ran_once = False
        self._generation = 0
        self.params = QHBoxLayout()
        self.params.setSpacing(6)
        self.run_button = QPushButton("&Сформировать")
        self.run_button.setObjectName("run_report")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button = QPushButton("Отменить")
        self.cancel_button.setObjectName("cancel_report")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.excel_button = QPushButton("В &Excel…")
        self.excel_button.setObjectName("export_report")
        self.excel_button.setToolTip("Выгрузить отчёт в книгу Excel")
        self.excel_button.clicked.connect(lambda: self.export())
        self.excel_button.setEnabled(False)
        self.status_label = QLabel("Задайте условия и нажмите «Сформировать».")
        self.status_label.setObjectName("report_status")
        self.status_label.setWordWrap(True)
        self.model = ReportModel(self)
        self.view = QTableView()
        self.view.setObjectName("report_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setHighlightSections(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addLayout(self.params)
        top.addStretch(1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.excel_button)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)

    # -- subclass hooks --------------------------------------------------------------
    def job(self) -> Callable[[], dr.ReportTable]:
        """Read the parameters (GUI thread) and return the work for the worker; raise
        ValueError with a Russian message for bad parameters."""
        raise NotImplementedError

    # -- running -----------------------------------------------------------------------
    def running(self) -> bool:
        return not self.cancel_button.isHidden()

    def run(self) -> BackgroundOperation | None:
        try:
            work = self.job()
        except ValueError as bad:
            self.status_label.setText(f"Отчёт не сформирован: {bad}")
            return None
        self.ran_once = True
        self._generation += 1
        generation = self._generation

        def go(state: OperationState) -> dr.ReportTable:
            state.progress(self.title, 0, 1)
            return work()

        self.run_button.setEnabled(False)
        self.cancel_button.show()
        self.status_label.setText("Отчёт формируется…")
        operation = BackgroundOperation(go, self)
        operation.finished.connect(lambda t, g=generation: self._ready(g, t))
        operation.failed.connect(lambda m, g=generation: self._failed(g, m))
        self.operation = operation
        return operation.start()

    def cancel(self) -> None:
        """Stop waiting: the result of the running query is thrown away."""
        if self.operation is not None:
            self.operation.cancel()
        self._generation += 1
        self._idle()
        self.status_label.setText("Отчёт отменён.")

    def _idle(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.hide()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._idle()
        self.status_label.setText(f"Отчёт не сформирован: {message}")

    def _ready(self, generation: int, table: dr.ReportTable) -> None:
        if generation != self._generation:
            return
        self._idle()
        self.show_table(table)

    def show_table(self, table: dr.ReportTable) -> None:
        self.table_data = table
        self.model.set_table(table)
        self.excel_button.setEnabled(bool(table.rows))
        self.status_label.setText(table.subtitle if table.rows
                                  else f"{table.subtitle}. Нет данных за выбранные условия.")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.resizeColumnsToContents()
        cap = max(self.fontMetrics().horizontalAdvance("M") * 36, 200)
        for c in range(self.model.columnCount()):
            self.view.setColumnWidth(c, min(self.view.columnWidth(c) + 8, cap))

    # -- export ------------------------------------------------------------------------
    def export(self, path: str | None = None) -> BackgroundOperation | None:
        table = self.table_data
        if table is None or not table.rows:
            self.status_label.setText("Сначала сформируйте отчёт")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel",
                                                  f"{table.title}.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None
        from vostok_desktop.gui.export_gate import pass_export_gate

        refused = pass_export_gate(self.context, "excel", f"Отчёт «{table.title}»",
                                   len(table.rows))
        if refused:
            self.status_label.setText(f"Не выгружено: {refused}")
            return None
        target = path

        def work(state: OperationState) -> str:
            return str(dr.write_xlsx(table, target,
                                     lambda d, t: state.progress("Выгрузка", d, t)))

        self.excel_button.setEnabled(False)
        self.status_label.setText("Выгрузка в Excel…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(self._exported)
        operation.failed.connect(self._export_failed)
        self.operation = operation
        return operation.start()

    def _exported(self, path: str) -> None:
        self.excel_button.setEnabled(True)
        self.status_label.setText(f"Выгружено строк: {len(self.table_data.rows)} — {path}"
                                  if self.table_data else f"Выгружено: {path}")

    def _export_failed(self, message: str) -> None:
        self.excel_button.setEnabled(True)
        self.status_label.setText(f"Не выгружено: {message}")


def _date_edit(value: date, name: str, fmt: str = "dd.MM.yyyy") -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(fmt)
    return edit


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class ClientsReport(ReportPage):
    title = "Дистрибутивы клиентов"
    object_name = "report_clients"

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.status_box = QComboBox()
        self.status_box.setObjectName("statuses")
        for title, statuses in dr.CLIENT_STATUS_CHOICES.items():
            self.status_box.addItem(title, statuses)
        self.params.addWidget(_label("&Состояние:", self.status_box))
        self.params.addWidget(self.status_box)

    def job(self) -> Callable[[], dr.ReportTable]:
        base, statuses = self.context.base, tuple(self.status_box.currentData())
        return lambda: dr.clients_table(base, statuses)


class MovementsReport(ReportPage):
    title = "Движение дистрибутивов"
    object_name = "report_movements"

    def __init__(self, context: AppContext, today: date) -> None:
        super().__init__(context)
        self.from_edit = _date_edit(today.replace(month=1, day=1), "period_from")
        self.to_edit = _date_edit(today, "period_to")
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kind")
        self.kind_box.addItem("Все виды", None)
        for kind, title in MOVEMENT_KIND_TITLES.items():
            self.kind_box.addItem(title, kind.value)
        self.params.addWidget(_label("&Период:", self.from_edit))
        self.params.addWidget(self.from_edit)
        self.params.addWidget(QLabel("—"))
        self.params.addWidget(self.to_edit)
        self.params.addSpacing(10)
        self.params.addWidget(_label("&Вид:", self.kind_box))
        self.params.addWidget(self.kind_box)

    def job(self) -> Callable[[], dr.ReportTable]:
        start, end = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        kind = self.kind_box.currentData()
        kinds = (MovementKind(kind),) if kind else ()
        if start > end:
            raise ValueError(f"начало периода {start:%d.%m.%Y} позже его конца "
                             f"{end:%d.%m.%Y}")
        base = self.context.base
        return lambda: dr.movements_table(base, start, end, kinds=kinds)


class StockReport(ReportPage):
    title = "Склад дистрибутивов"
    object_name = "report_stock"

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.view_box = QComboBox()
        self.view_box.setObjectName("stock_view")
        self.view_box.addItem("Сводка по системам", True)
        self.view_box.addItem("Список дистрибутивов", False)
        self.reserved_box = QCheckBox("С &зарезервированными")
        self.reserved_box.setObjectName("with_reserved")
        self.reserved_box.setChecked(True)
        self.view_box.currentIndexChanged.connect(
            lambda _i: self.reserved_box.setEnabled(not self.view_box.currentData()))
        self.reserved_box.setEnabled(False)
        self.params.addWidget(_label("&Вид:", self.view_box))
        self.params.addWidget(self.view_box)
        self.params.addWidget(self.reserved_box)

    def job(self) -> Callable[[], dr.ReportTable]:
        base, summary = self.context.base, bool(self.view_box.currentData())
        reserved = self.reserved_box.isChecked()
        return lambda: dr.stock_table(base, summary=summary, include_reserved=reserved)


def _month_end(value: date) -> date:
    following = (value.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


class BalanceReport(ReportPage):
    title = "Баланс дистрибутивов"
    object_name = "report_balance"
    MAX_YEARS = 20

    def __init__(self, context: AppContext, today: date) -> None:
        super().__init__(context)
        first = today.replace(day=1)
        year_ago = first.replace(year=first.year - 1)
        start = (year_ago.replace(day=28) + timedelta(days=4)).replace(day=1)
        self.from_edit = _date_edit(start, "months_from", "MM.yyyy")
        self.to_edit = _date_edit(first, "months_to", "MM.yyyy")
        self.params.addWidget(_label("&Месяцы:", self.from_edit))
        self.params.addWidget(self.from_edit)
        self.params.addWidget(QLabel("—"))
        self.params.addWidget(self.to_edit)

    def period(self) -> tuple[date, date]:
        """From the first day of the first month to the last day of the last one."""
        start = self.from_edit.date().toPython().replace(day=1)
        return start, _month_end(self.to_edit.date().toPython())

    def job(self) -> Callable[[], dr.ReportTable]:
        start, end = self.period()
        if start > end:
            raise ValueError(f"первый месяц ({start:%m.%Y}) позже последнего "
                             f"({end:%m.%Y})")
        if end.year - start.year > self.MAX_YEARS:
            raise ValueError(f"период длиннее {self.MAX_YEARS} лет")
        base = self.context.base
        return lambda: dr.balance_table(base, start, end)


class DistributiveReportsWindow(QWidget):
    """A window of its own (not modal): one tab per report; a tab's report is built
    the first time the tab is shown, again on «Сформировать» (F5)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("distributive_reports")
        self.setWindowTitle(WINDOW_TITLE)
        self.context = context
        day = today()
        self.clients = ClientsReport(context)
        self.movements = MovementsReport(context, day)
        self.stock = StockReport(context)
        self.balance = BalanceReport(context, day)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_tabs")
        self.pages: list[ReportPage] = [self.clients, self.movements, self.stock,
                                        self.balance]
        for page in self.pages:
            self.tabs.addTab(page, page.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._first_run())
        QShortcut(QKeySequence("F5"), self, lambda: self.current_page().run())
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.current_page().export())
        QShortcut(QKeySequence("Esc"), self, self.close)
        self.resize(1100, 650)

    def current_page(self) -> ReportPage:
        return self.pages[self.tabs.currentIndex()]

    def show_report(self, page: ReportPage) -> None:
        self.tabs.setCurrentWidget(page)

    def _first_run(self) -> None:
        page = self.current_page()
        if not page.ran_once and self.isVisible():
            page.run()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self._first_run()


def open_distributive_reports(parent: QWidget | None, context: AppContext
                              ) -> DistributiveReportsWindow:
    """Show the window «Отчёты по дистрибутивам» (the one already open for ``parent``,
    brought to the front)."""
    window = (parent.findChild(DistributiveReportsWindow, "distributive_reports",
                               Qt.FindChildOption.FindDirectChildrenOnly)
              if parent is not None else None)
    if window is None:
        window = DistributiveReportsWindow(context, parent)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


__all__ = ["DistributiveReportsWindow", "ReportModel", "ReportPage",
           "open_distributive_reports"]
