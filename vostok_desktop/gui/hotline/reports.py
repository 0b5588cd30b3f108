"""The two hot-line reports as document tabs: built on a worker, shown in a table,
exported to Excel (also on a worker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.base import utcnow
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.hotline import reports as hr

HOTLINE = "hotline"
DEADLINES = "deadlines"
TITLES = {HOTLINE: "Отчет по горячей линии",
          DEADLINES: "Контроль сроков предоставления ответа"}
DEFAULT_DIMS = {HOTLINE: ("line", "type", "operator"), DEADLINES: ("line", "type")}


class ReportTab(QWidget):
    """Period, grouping, «Сформировать», «В Excel»; the result below."""

    def __init__(self, context: AppContext, kind: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__()
        self.setObjectName(f"hotline_report_{kind}")
        self.context = context
        self.kind = kind
        self.clock = clock
        self.table_data: hr.ReportTable | None = None
        self.operation: BackgroundOperation | None = None
        today = QDate.currentDate()
        self.from_edit = QDateEdit(QDate(today.year(), today.month(), 1))
        self.to_edit = QDateEdit(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.dim_checks: dict[str, QCheckBox] = {}
        top = QHBoxLayout()
        period = QLabel("&Период:")
        period.setBuddy(self.from_edit)
        top.addWidget(period)
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("—"))
        top.addWidget(self.to_edit)
        top.addStretch(1)
        groups = QHBoxLayout()
        groups.addWidget(QLabel("Группировать по:"))
        for dim, title in hr.DIMENSIONS.items():
            check = QCheckBox(title.lower())
            check.setChecked(dim in DEFAULT_DIMS[kind])
            self.dim_checks[dim] = check
            groups.addWidget(check)
        groups.addStretch(1)
        self.run_button = QPushButton("&Сформировать")
        self.run_button.setObjectName("run_report")
        self.run_button.clicked.connect(self.run)
        self.excel_button = QPushButton("В &Excel…")
        self.excel_button.setObjectName("export_report")
        self.excel_button.clicked.connect(lambda: self.export())
        self.excel_button.setEnabled(False)
        top.addWidget(self.run_button)
        top.addWidget(self.excel_button)
        self.title_label = QLabel(TITLES[kind])
        self.title_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.status_label = QLabel()
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(groups)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)

    def period(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.from_edit.date().toPython(), time()).astimezone()
        end = datetime.combine(self.to_edit.date().toPython(), time()).astimezone()
        return start, end + timedelta(days=1)

    def dims(self) -> list[str]:
        return [d for d, check in self.dim_checks.items() if check.isChecked()]

    def run(self) -> BackgroundOperation:
        start, end = self.period()
        dims, now, kind = self.dims(), self.clock(), self.kind
        sessions = self.context.base.sessions

        def work(state: OperationState) -> hr.ReportTable:
            state.progress("Отчёт", 0, 1)
            with sessions() as session:  # the worker's own Session; plain data back
                if kind == HOTLINE:
                    return hr.hotline_report(session, start, end, dims)
                return hr.deadline_report(session, start, end, now, dims)

        self.run_button.setEnabled(False)
        self.status_label.setText("Отчёт формируется…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(self.show_table)
        operation.failed.connect(self._failed)
        self.operation = operation
        return operation.start()

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.status_label.setText(f"Отчёт не сформирован: {message}")

    def show_table(self, table: hr.ReportTable) -> None:
        self.table_data = table
        self.run_button.setEnabled(True)
        self.excel_button.setEnabled(True)
        self.status_label.setText(table.subtitle + f" · строк: {len(table.rows)}")
        rows = table.rows + ([table.totals] if table.totals else [])
        self.table.clear()
        self.table.setColumnCount(len(table.columns))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(table.columns)
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(f"{value:.1f}" if isinstance(value, float) else
                                        str(value))
                if isinstance(value, int | float):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if table.totals and r == len(rows) - 1:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def export(self, path: str | None = None) -> BackgroundOperation | None:
        table = self.table_data
        if table is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel", f"{table.title}.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None

        from vostok_desktop.gui.export_gate import pass_export_gate

        refused = pass_export_gate(self.context, "excel", f"Отчёт «{table.title}»",
                                   len(table.rows))
        if refused:
            self.status_label.setText(f"Не выгружено: {refused}")
            return None

        def work(state: OperationState) -> str:
            return str(hr.export_excel(table, path,
                                       lambda d, t: state.progress("Выгрузка", d, t)))

        self.status_label.setText("Выгрузка в Excel…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(lambda p: self.status_label.setText(f"Выгружено: {p}"))
        operation.failed.connect(lambda m: self.status_label.setText(f"Не выгружено: {m}"))
        self.operation = operation
        return operation.start()
