"""Dialogs of «Прейскуранты»: «Копировать прейскурант» (a new list from a date, prices
raised by a percent) and «Сопоставление цен прейскурантов» (two lists side by side, to
Excel through the export gate)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import read_only_table, show_status
from vostok_desktop.gui.distributives.common import fill_table, fmt_date, money, paint_row
from vostok_desktop.gui.distributives.dialogs import date_edit, from_qdate
from vostok_desktop.services.distributives.reports import write_xlsx
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.prices import PriceListRow


class CopyPriceListDialog(QDialog):
    """«Копировать прейскурант»: name, the new list's date and a change of prices."""

    def __init__(self, source: PriceListRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Копировать прейскурант")
        self.source = source
        form = QFormLayout(self)
        form.addRow(QLabel(f"Копия прейскуранта «{source.name}» "
                           f"(с {fmt_date(source.valid_from)})"))
        next_year = date(max(source.valid_from.year + 1, date.today().year), 1, 1)
        self.name = QLineEdit(f"Прейскурант {next_year.year}")
        self.name.setObjectName("copy_name")
        self.valid_from = date_edit(next_year, "copy_valid_from")
        self.percent = QDoubleSpinBox()
        self.percent.setObjectName("copy_percent")
        self.percent.setRange(-99.99, 1000)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        form.addRow("Название:", self.name)
        form.addRow("Действует с:", self.valid_from)
        form.addRow("Изменить цены на:", self.percent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Копировать")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def values(self) -> tuple[str, date, Decimal]:
        return (self.name.text(), from_qdate(self.valid_from.date()),
                Decimal(str(round(self.percent.value(), 2))))


class ComparisonDialog(QDialog):
    """«Сопоставление цен прейскурантов»: two lists side by side with the difference."""

    def __init__(self, context: Any, lists: list[PriceListRow], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Сопоставление цен прейскурантов")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.first, self.second = QComboBox(), QComboBox()
        self.first.setObjectName("compare_first")
        self.second.setObjectName("compare_second")
        for combo in (self.first, self.second):
            for item in lists:
                combo.addItem(f"{item.name} (с {fmt_date(item.valid_from)})", item.id)
        if len(lists) > 1:  # the older one first
            self.first.setCurrentIndex(1)
        row.addWidget(QLabel("Сравнить:"))
        row.addWidget(self.first, 1)
        row.addWidget(QLabel("и"))
        row.addWidget(self.second, 1)
        layout.addLayout(row)
        self.table = QTableWidget()
        self.table.setObjectName("comparison_table")
        read_only_table(self.table, ["Код", "Система / услуга", "Сеть от", "Цена 1, ₽",
                                     "Цена 2, ₽", "Разница, ₽", "Разница, %"])
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        self.excel_button = self.buttons.addButton("В Excel…",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.excel_button.clicked.connect(lambda: self.export())
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.first.currentIndexChanged.connect(self.refresh)
        self.second.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        a, b = self.first.currentData(), self.second.currentData()
        if a is None or b is None:
            return
        rows = prices.compare_price_lists(self.context.base, a, b)
        header = self.table.horizontalHeader()
        self.table.setHorizontalHeaderLabels([
            "Код", "Система / услуга", "Сеть от", self.first.currentText().split(" (с")[0],
            self.second.currentText().split(" (с")[0], "Разница, ₽", "Разница, %"])
        fill_table(self.table, [
            (r.system_code, r.title, str(r.min_network_size or ""), money(r.price_a),
             money(r.price_b), *prices.difference_text(r)) for r in rows])
        for n, r in enumerate(rows):
            if r.difference is None:
                paint_row(self.table, n, foreground="#b3261e")
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rows = rows

    def export(self, path: str | None = None) -> str | None:
        from vostok_desktop.gui.export_gate import pass_export_gate

        table = prices.comparison_table(self.context.base, self.first.currentData(),
                                        self.second.currentData())
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить в Excel",
                                                  "Сопоставление цен.xlsx", "Excel (*.xlsx)")
            if not path:
                return None
        refused = pass_export_gate(self.context, "excel", table.title, len(table.rows))
        if refused:
            show_status(self.status, refused)
            return None
        written = str(write_xlsx(table, path))
        show_status(self.status, f"Сохранено: {written}", error=False)
        return written


__all__ = ["ComparisonDialog", "CopyPriceListDialog"]
