"""«Цены и скидки дистрибутива»: the distributive's dated terms at its client — a fixed
price or a discount from a date, up to a date or open-ended. The rows on top (the one
valid today in bold), the chosen row's fields below: «Добавить» writes a new row,
«Сохранить» the chosen one, «Удалить» removes it. An overlapping period or a bad value is
refused in Russian with nothing written; without «Скидки и VIP-программы» the rows are
shown read-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import on_activate, read_only_table, show_status
from vostok_desktop.gui.distributives.common import cell
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    date_edit,
    from_qdate,
    refusal_text,
    to_qdate,
)
from vostok_desktop.gui.money.price_list_common import no_right_tip
from vostok_desktop.services.money import distributive_terms as service
from vostok_desktop.services.money.distributive_terms import TermData, TermRow

DISCOUNTS = "money.discounts"
COLUMNS = ["Период", "Условия", "Примечание", "Записал"]


def _text(value: Any) -> str:
    return "" if value is None else f"{value:f}".replace(".", ",")


class DistributiveTermsDialog(QDialog):
    def __init__(self, context: Any, distributive_id: int, number: str,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.distributive_id = distributive_id
        self.number = number
        self.today = today or date.today()
        self.rows: list[TermRow] = []
        self.may_edit = context.allows(DISCOUNTS)
        self.setWindowTitle(f"Цены и скидки: дистрибутив № {number}")
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        header = QLabel(f"Дистрибутив № {number}: фиксированная цена или скидка от "
                        "прейскуранта, по периодам. В выписке за месяц действуют условия на "
                        "первое число месяца; периоды не пересекаются.")
        header.setWordWrap(True)
        layout.addWidget(header)
        self.table = QTableWidget()
        self.table.setObjectName("terms_table")
        read_only_table(self.table, COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_a: self._fill_form())
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        dates = QHBoxLayout()
        self.valid_from = date_edit(self.today, "terms_valid_from")
        self.valid_to = date_edit(self.today, "terms_valid_to")
        self.open_ended = QCheckBox("&бессрочно")
        self.open_ended.setObjectName("terms_open_ended")
        self.open_ended.setChecked(True)
        self.valid_to.setEnabled(False)
        self.open_ended.toggled.connect(lambda on: self.valid_to.setEnabled(not on))
        dates.addWidget(self.valid_from)
        dates.addWidget(QLabel("по"))
        dates.addWidget(self.valid_to)
        dates.addWidget(self.open_ended)
        dates.addStretch(1)
        since = QLabel("Действуют &с:")
        since.setBuddy(self.valid_from)
        form.addRow(since, dates)
        self.price = QLineEdit()
        self.price.setObjectName("terms_price")
        self.price.setPlaceholderText("руб., например 1 500,50")
        form.addRow("Фиксированная &цена:", self.price)
        self.discount = QLineEdit()
        self.discount.setObjectName("terms_discount")
        self.discount.setPlaceholderText("%, от 0 до 100")
        form.addRow("&Скидка, %:", self.discount)
        self.note = QLineEdit()
        self.note.setObjectName("terms_note")
        form.addRow("&Примечание:", self.note)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("terms_status")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Добавить")
        self.save_button = QPushButton("Со&хранить")
        self.delete_button = QPushButton("&Удалить")
        self.close_button = QPushButton("Закрыть")
        self.add_button.clicked.connect(lambda: self.add())
        self.save_button.clicked.connect(lambda: self.save())
        self.delete_button.clicked.connect(lambda: self.delete())
        self.close_button.clicked.connect(self.accept)
        for button in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        on_activate(self.table, lambda: self.price.setFocus())
        if not self.may_edit:
            for w in (self.add_button, self.save_button, self.delete_button):
                w.setEnabled(False)
                w.setToolTip(no_right_tip(DISCOUNTS))
            for edit in (self.price, self.discount, self.note):
                edit.setReadOnly(True)
        self.reload()

    # -- the rows ------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        self.rows = service.list_terms(self.context.base, self.distributive_id)
        self.table.setRowCount(len(self.rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for n, row in enumerate(self.rows):
            for c, text in enumerate((row.period_text, row.terms_text, row.note, row.author)):
                item = cell(text, row.id if c == 0 else None)
                if row.valid_on(self.today):
                    item.setFont(bold)
                    item.setToolTip("Действуют сегодня")
                self.table.setItem(n, c, item)
        index = next((n for n, r in enumerate(self.rows) if r.id == select), None)
        if index is None:
            index = next((n for n, r in enumerate(self.rows) if r.valid_on(self.today)), 0)
        if self.rows:
            self.table.setCurrentCell(index, 0)
        self._fill_form()

    def current(self) -> TermRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _fill_form(self) -> None:
        row = self.current()
        self.save_button.setEnabled(self.may_edit and row is not None)
        self.delete_button.setEnabled(self.may_edit and row is not None)
        if row is None:
            return
        self.valid_from.setDate(to_qdate(row.valid_from))
        self.open_ended.setChecked(row.valid_to is None)
        self.valid_to.setDate(to_qdate(row.valid_to or row.valid_from))
        self.price.setText(_text(row.fixed_price))
        self.discount.setText(_text(row.discount_percent))
        self.note.setText(row.note)

    def data(self) -> TermData:
        return TermData(from_qdate(self.valid_from.date()),
                        None if self.open_ended.isChecked() else from_qdate(self.valid_to.date()),
                        self.price.text(), self.discount.text(), self.note.text())

    # -- commands ------------------------------------------------------------------------
    def _write(self, term_id: int | None) -> int | None:
        if not self.may_edit:
            show_status(self.status, no_right_tip(DISCOUNTS))
            return None
        try:
            saved = service.save_term(self.context.base, self.distributive_id, self.data(),
                                      self.context.employee_id, term_id=term_id,
                                      profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return None
        self.reload(saved)
        show_status(self.status, "Условия добавлены" if term_id is None
                    else "Условия сохранены", error=False)
        self.context.bus.announce("distributive", [self.distributive_id])
        return saved

    def add(self) -> int | None:
        """«Добавить»: a new row from the fields."""
        return self._write(None)

    def save(self) -> int | None:
        """«Сохранить»: the chosen row changed to the fields."""
        row = self.current()
        if row is None:
            show_status(self.status, "Выберите условия в списке")
            return None
        return self._write(row.id)

    def delete(self, confirm: bool = True) -> bool:
        row = self.current()
        if row is None or not self.may_edit:
            return False
        if confirm and QMessageBox.question(
                self, "Цены и скидки", f"Удалить условия {row.period_text} "
                f"({row.terms_text})?") != QMessageBox.StandardButton.Yes:
            return False
        try:
            service.delete_term(self.context.base, row.id, self.context.employee_id,
                                profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return False
        self.reload()
        show_status(self.status, "Условия удалены", error=False)
        self.context.bus.announce("distributive", [self.distributive_id])
        return True


def open_distributive_terms(context: Any, distributive_id: int, number: str,
                            parent: QWidget | None = None) -> DistributiveTermsDialog:
    dialog = DistributiveTermsDialog(context, distributive_id, number, parent)
    dialog.open()
    return dialog


__all__ = ["DistributiveTermsDialog", "open_distributive_terms"]
