"""«Настройка продаж»: three editable tables — the deal stages (order, probability, won /
lost, in use), the instruments of attraction and the need rules (a position's text → a
system of the catalogue or a free title). Each table is written in one transaction with
«Записать»; without «Настройка продаж» the dialog is read-only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.sales.common import KEY_ROLE, attempt, error_label
from vostok_desktop.services.sales import catalogue
from vostok_desktop.services.sales.catalogue import InstrumentData, NeedRuleData, StageData

CHECKED = Qt.CheckState.Checked
UNCHECKED = Qt.CheckState.Unchecked


def _text(value: object) -> QTableWidgetItem:
    return QTableWidgetItem("" if value is None else str(value))


def _check(value: bool) -> QTableWidgetItem:
    item = QTableWidgetItem()
    item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                  | Qt.ItemFlag.ItemIsSelectable)
    item.setCheckState(CHECKED if value else UNCHECKED)
    return item


def _checked(table: QTableWidget, row: int, column: int) -> bool:
    item = table.item(row, column)
    return item is not None and item.checkState() == CHECKED


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


class CatalogueTable(QWidget):
    """One catalogue: the table, «Добавить», «Удалить», «Записать»."""

    def __init__(self, owner: SalesSetupDialog, which: str, headers: list[str],
                 editable: bool, widths: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.owner, self.which, self.editable = owner, which, editable
        self.deleted: list[int] = []
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"setup_{which}")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if widths:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(True)
            for column, width in enumerate(widths):
                self.table.setColumnWidth(column, width)
        if not editable:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        buttons = QHBoxLayout()
        for key, text, handler in (("add", "Добавить", self.add_row),
                                   ("delete", "Удалить", self.delete_row),
                                   ("save", "Записать", self.save)):
            button = QPushButton(text)
            button.setObjectName(f"setup_{which}_{key}")
            button.setEnabled(editable)
            button.clicked.connect(lambda _c=False, h=handler: h())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.owner.fill_row(self.which, self.table, row, None)
        self.table.setCurrentCell(row, 0)
        return row

    def delete_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        item = self.table.item(row, 0)
        key = item.data(KEY_ROLE) if item is not None else None
        if key is not None:
            self.deleted.append(key)
        self.table.removeRow(row)

    def save(self) -> bool:
        context = self.owner.context

        def go() -> None:
            rows = [self.owner.read_row(self.which, self.table, r)
                    for r in range(self.table.rowCount())]
            catalogue.save_list(context.base, self.which, rows, self.deleted,
                                context.employee_id, profile=getattr(context, "access", None))

        done, _ = attempt(go, self.owner.show_error)
        if done:
            self.deleted = []
            self.owner.show_error("")
            self.owner.reload(self.which)
        return done


class SalesSetupDialog(QDialog):
    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("sales_setup_dialog")
        self.setWindowTitle("Настройка продаж")
        self.resize(820, 480)
        editable = context.allows("sales.setup")
        self.systems = catalogue.systems(context.base)
        self.tabs = QTabWidget()
        self.pages = {
            "stages": CatalogueTable(self, "stages", [
                "Этап", "Порядок", "Вероятность, %", "Успешный", "Отказ", "Используется"],
                editable),
            "instruments": CatalogueTable(self, "instruments", [
                "Инструмент привлечения", "Используется"], editable),
            "need_rules": CatalogueTable(self, "need_rules", [
                "Должность содержит", "Рекомендуемая система", "или рекомендация (текст)",
                "Используется"], editable, widths=(160, 330, 190)),
        }
        for which, title in (("stages", "Этапы сделок"),
                             ("instruments", "Инструменты привлечения"),
                             ("need_rules", "Правила потребностей")):
            self.tabs.addTab(self.pages[which], title)
            self.reload(which)
        layout = QVBoxLayout(self)
        if not editable:
            layout.addWidget(QLabel("Только просмотр: нет права «Настройка продаж»."))
        layout.addWidget(self.tabs)
        hint = QLabel("Потребности клиента: должность контактного лица содержит текст правила "
                      "(без учёта регистра) → система рекомендуется, если её у клиента нет.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = error_label("setup_error")
        layout.addWidget(self.error)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- rows ------------------------------------------------------------------------------
    def reload(self, which: str) -> None:
        table = self.pages[which].table
        base = self.context.base
        rows: list[Any] = {"stages": catalogue.list_stages,
                           "instruments": catalogue.list_instruments,
                           "need_rules": catalogue.list_need_rules}[which](base)
        table.setRowCount(len(rows))
        for r, data in enumerate(rows):
            self.fill_row(which, table, r, data)

    def fill_row(self, which: str, table: QTableWidget, row: int, data: Any) -> None:
        if which == "stages":
            d = data or StageData(position=(table.rowCount()) * 10, probability=50)
            items = [_text(d.title), _text(d.position), _text(d.probability),
                     _check(d.is_won), _check(d.is_lost), _check(d.is_active)]
        elif which == "instruments":
            d = data or InstrumentData()
            items = [_text(d.title), _check(d.is_active)]
        else:
            d = data or NeedRuleData()
            items = [_text(d.position_pattern), _text(""), _text(d.title),
                     _check(d.is_active)]
            combo = QComboBox()
            combo.addItem("(нет — текст справа)", None)
            for system_id, title in self.systems:
                combo.addItem(title, system_id)
            combo.setCurrentIndex(max(combo.findData(d.system_id), 0))
            combo.setEnabled(self.pages[which].editable)
            table.setCellWidget(row, 1, combo)
        items[0].setData(KEY_ROLE, d.id)
        for column, item in enumerate(items):
            table.setItem(row, column, item)

    def read_row(self, which: str, table: QTableWidget, row: int) -> Any:
        item = table.item(row, 0)
        key = item.data(KEY_ROLE) if item is not None else None
        if which == "stages":
            def number(column: int, title: str) -> int:
                text = _cell(table, row, column) or "0"
                try:
                    return int(text)
                except ValueError:
                    from vostok_desktop.services.distributives.common import refuse

                    raise refuse(title, f"Строка {row + 1}: «{title}» — целое число, "
                                        f"указано «{text}»") from None

            return StageData(key, _cell(table, row, 0), number(1, "Порядок"),
                             number(2, "Вероятность, %"), _checked(table, row, 3),
                             _checked(table, row, 4), _checked(table, row, 5))
        if which == "instruments":
            return InstrumentData(key, _cell(table, row, 0), _checked(table, row, 1))
        combo = table.cellWidget(row, 1)
        system = combo.currentData() if isinstance(combo, QComboBox) else None
        return NeedRuleData(key, _cell(table, row, 0), system, _cell(table, row, 2),
                            _checked(table, row, 3))
