"""«Из чего сложилась ячейка»: the source rows behind a cell of a pivot report; Enter (or
a double click) opens the client card of the row."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.services.reports.pivot import DrillResult, ReportDefinition


def _text(value: Any, money: bool, titles: dict[Any, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, Decimal) or money:
        return f"{Decimal(value):,.2f}".replace(",", "\u00a0").replace(".", ",")
    if value in titles:
        return titles[value]
    return str(value)


class _RowsTable(QTableWidget):
    def __init__(self, rows: int, columns: int, on_enter: Any) -> None:
        super().__init__(rows, columns)
        self._on_enter = on_enter

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter()
            event.accept()
            return
        super().keyPressEvent(event)


class DrillDialog(QDialog):
    def __init__(self, context: Any, definition: ReportDefinition, cell_title: str,
                 drill: DrillResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_drill")
        self.setWindowTitle(f"{definition.title}: {cell_title}")
        self.context, self.drill = context, drill
        # Enumerations of the definition, to show «Звонок», not «call».
        titles: dict[Any, str] = {}
        for dimension in definition.dimensions:
            titles.update(dimension.titles or {})
        count = len(drill.rows)
        more = " (показаны первые)" if drill.truncated else ""
        self.summary = QLabel(f"Строк: {count}{more}. Enter — открыть карточку клиента.")
        self.summary.setObjectName("drill_summary")
        self.table = _RowsTable(count, len(drill.columns), self.open_current)
        self.table.setObjectName("drill_table")
        self.table.setHorizontalHeaderLabels([c.title for c in drill.columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for r, row in enumerate(drill.rows):
            for c, (value, column) in enumerate(zip(row, drill.columns, strict=True)):
                item = QTableWidgetItem(_text(value, column.money, titles))
                if column.money:
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 12, 360))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 480)
        if count:
            self.table.selectRow(0)
        self.opened: list[int] = []

    def open_current(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.drill.entity_ids):
            return
        entity_id = self.drill.entity_ids[row]
        cards = getattr(self.context, "cards", None)
        if entity_id is None:
            self.summary.setText("У этой строки нет клиента.")
            return
        self.opened.append(entity_id)
        if cards is not None:
            cards.open(self.drill.entity, entity_id)
