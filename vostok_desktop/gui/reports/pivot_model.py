"""The table model of a pivot report: row labels, then one column per column header ×
measure; subtotals bold, the grand total bold on a tinted background; numbers right-aligned
and formatted the Russian way."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from vostok_desktop.services.reports.flat import FlatColumn, FlatPivot, FlatRow, format_value
from vostok_desktop.services.reports.pivot import Key

Index = QModelIndex | QPersistentModelIndex
TOTAL_BACKGROUND = QColor("#e8eef7")
SUBTOTAL_BACKGROUND = QColor("#f4f6fa")


class PivotTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.flat: FlatPivot | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_flat(self, flat: FlatPivot | None) -> None:
        self.beginResetModel()
        self.flat = flat
        self.endResetModel()

    # -- shape ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.flat is None else len(self.flat.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.flat is None else len(self.flat.columns)

    def column(self, index: int) -> FlatColumn:
        assert self.flat is not None
        return self.flat.columns[index]

    def row(self, index: int) -> FlatRow:
        assert self.flat is not None
        return self.flat.rows[index]

    def cell(self, index: Index) -> tuple[Key, Key, str] | None:
        """The row key, column key and measure of a value cell (None for a label cell)."""
        if self.flat is None or not index.isValid():
            return None
        column = self.flat.columns[index.column()]
        if column.measure is None or column.column_key is None:
            return None
        return self.flat.rows[index.row()].header.key, column.column_key, column.measure.key

    # -- data ------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.flat is None or not index.isValid():
            return None
        row = self.flat.rows[index.row()]
        labels = self.flat.label_columns
        column = self.flat.columns[index.column()]
        is_label = index.column() < labels
        if role == Qt.ItemDataRole.DisplayRole:
            if is_label:
                return row.labels[index.column()]
            assert column.measure is not None
            return format_value(row.values[index.column() - labels], column.measure)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if is_label:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and (row.header.is_total or column.is_total):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.header.key == ():
                return QBrush(TOTAL_BACKGROUND)
            if row.header.is_total:
                return QBrush(SUBTOTAL_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and not is_label:
            return "Enter или двойной щелчок — строки, из которых сложилась ячейка"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (self.flat is None or orientation != Qt.Orientation.Horizontal
                or role != Qt.ItemDataRole.DisplayRole):
            return None
        return self.flat.columns[section].title
