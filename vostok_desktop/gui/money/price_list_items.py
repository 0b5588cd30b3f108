"""The item editor of «Прейскуранты»: the table model over the lines being edited (a dirty
mark on every change) and the «Система» cell's list of the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget

from vostok_desktop.gui.distributives.common import money
from vostok_desktop.gui.money.price_list_common import parse_money
from vostok_desktop.services.money.prices import PriceItemData

SERVICE_CHOICE = "— другая услуга —"
COLUMNS = ["Система", "Услуга", "Сеть от", "Ед.", "Цена, ₽"]
SYSTEM, SERVICE, SIZE, UNIT, PRICE = range(5)
Index = QModelIndex | QPersistentModelIndex


class PriceItemsModel(QAbstractTableModel):
    """The items being edited: plain PriceItemData, a dirty mark on every change."""

    def __init__(self, systems: list[tuple[int, str, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.systems = systems
        self.titles = {sid: f"{code} — {title}" for sid, code, title in systems}
        self.items: list[PriceItemData] = []
        self.editable = True
        self.dirty = False
        self.on_dirty: Callable[[], None] = lambda: None

    def load(self, items: list[PriceItemData]) -> None:
        self.beginResetModel()
        self.items = items
        self.dirty = False
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return base
        item = self.items[index.row()]
        if index.column() == SERVICE and item.system_id is not None:
            return base
        if index.column() == SIZE and item.system_id is None:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.items[index.row()]
        c = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == SYSTEM:
                if item.system_id is None:
                    return SERVICE_CHOICE if role == Qt.ItemDataRole.EditRole else ""
                return self.titles.get(item.system_id, item.system_code)
            if c == SERVICE:
                return item.service
            if c == SIZE:
                return "" if item.system_id is None else str(item.min_network_size)
            if c == UNIT:
                return item.unit
            if c == PRICE:
                if item.price is None:
                    return ""
                return money(item.price) if role == Qt.ItemDataRole.DisplayRole else \
                    format(item.price, "f").replace(".", ",")
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (SIZE, PRICE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and c == SYSTEM and item.system_id:
            return self.titles.get(item.system_id)
        if role == Qt.ItemDataRole.ForegroundRole and c == PRICE and item.price is None:
            return QBrush(QColor("#b3261e"))
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        item = self.items[index.row()]
        c = index.column()
        text = "" if value is None else str(value)
        if c == SYSTEM:
            sid = next((s for s, t in self.titles.items() if t == text), None)
            item.system_id = sid
            if sid is not None:
                item.service = ""
                item.system_code, item.system_title = next(
                    (code, title) for s, code, title in self.systems if s == sid)
            else:
                item.system_code = item.system_title = ""
        elif c == SERVICE:
            item.service = " ".join(text.split())
        elif c == SIZE:
            try:
                item.min_network_size = int(text.strip())
            except ValueError:
                return False
        elif c == UNIT:
            item.unit = text.strip()
        elif c == PRICE:
            price = parse_money(text)
            if price is None:
                return False
            item.price = price
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(COLUMNS) - 1))
        self._touch()
        return True

    def insert_item(self, row: int, item: PriceItemData) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.insert(row, item)
        self.endInsertRows()
        self._touch()

    def remove_item(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.items[row]
        self.endRemoveRows()
        self._touch()

    def _touch(self) -> None:
        self.dirty = True
        self.on_dirty()


class SystemDelegate(QStyledItemDelegate):
    """The «Система» cell edits with a list of the catalogue (or «другая услуга»)."""

    def __init__(self, model: PriceItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:  # noqa: N802
        if index.column() != SYSTEM:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName("system_editor")
        combo.addItem(SERVICE_CHOICE)
        combo.addItems(list(self.model.titles.values()))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


__all__ = ["COLUMNS", "PRICE", "SERVICE", "SERVICE_CHOICE", "SIZE", "SYSTEM", "UNIT",
           "PriceItemsModel", "SystemDelegate"]
