"""«Сделка»: the deal's form — client, title, stage, responsible, expected sum and close
date, instrument of attraction, notes — and its stage history. A new deal without a
client picks one by name."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.sales.common import attempt, error_label, make_table, moment, rub
from vostok_desktop.services.sales import catalogue, deals
from vostok_desktop.services.sales.deals import DealData


class DealDialog(QDialog):
    """Open with ``deal_id`` (an existing deal) or ``client_id`` (a new deal of that
    client) or neither (a new deal: choose the client)."""

    saved = Signal(int)

    def __init__(self, context: Any, *, deal_id: int | None = None,
                 client_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("deal_dialog")
        self.setMinimumWidth(560)
        self.data = (deals.load_deal(context.base, deal_id) if deal_id is not None
                     else DealData(client_id=client_id,
                                   responsible_id=context.employee_id))
        self.setWindowTitle("Сделка" if deal_id is not None else "Новая сделка")
        self.deal_id: int | None = deal_id

        form = QFormLayout()
        self.client_label = QLabel()
        self.client_search = QLineEdit()
        self.client_search.setObjectName("deal_client_search")
        self.client_search.setPlaceholderText("Часть наименования клиента")
        self.client_combo = QComboBox()
        self.client_combo.setObjectName("deal_client")
        client_row = QHBoxLayout()
        if self.data.client_id is not None:
            self.client_label.setText(deals.client_name(context.base, self.data.client_id))
            client_row.addWidget(self.client_label)
        else:
            client_row.addWidget(self.client_search, 1)
            client_row.addWidget(self.client_combo, 2)
            self.client_search.textChanged.connect(self._find_clients)
            self._find_clients("")
        form.addRow("Клиент:", client_row)

        self.title_edit = QLineEdit(self.data.title)
        self.title_edit.setObjectName("deal_title")
        self.title_edit.setMaxLength(300)
        form.addRow("Название:", self.title_edit)

        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("deal_stage")
        for st in catalogue.list_stages(context.base):
            if st.is_active or st.id == self.data.stage_id:
                self.stage_combo.addItem(f"{st.title} ({st.probability} %)", st.id)
        if self.data.stage_id is not None:
            self.stage_combo.setCurrentIndex(self.stage_combo.findData(self.data.stage_id))
        form.addRow("Этап:", self.stage_combo)

        self.responsible_combo = QComboBox()
        self.responsible_combo.setObjectName("deal_responsible")
        self.responsible_combo.addItem("(не назначен)", None)
        for employee_id, name in deals.active_employees(context.base):
            self.responsible_combo.addItem(name, employee_id)
        index = self.responsible_combo.findData(self.data.responsible_id)
        self.responsible_combo.setCurrentIndex(max(index, 0))
        form.addRow("Ответственный:", self.responsible_combo)

        self.sum_edit = QLineEdit(rub(deals.parse_sum(self.data.expected_sum))
                                  if deal_id is not None else "")
        self.sum_edit.setObjectName("deal_sum")
        self.sum_edit.setPlaceholderText("0,00")
        self.sum_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Ожидаемая сумма, ₽:", self.sum_edit)

        close_row = QHBoxLayout()
        self.close_check = QCheckBox("Ожидаемое закрытие")
        self.close_check.setObjectName("deal_close_set")
        self.close_edit = QDateEdit()
        self.close_edit.setObjectName("deal_close_on")
        self.close_edit.setCalendarPopup(True)
        self.close_edit.setDisplayFormat("dd.MM.yyyy")
        when = self.data.expected_close_on or date.today()
        self.close_edit.setDate(QDate(when.year, when.month, when.day))
        self.close_check.setChecked(self.data.expected_close_on is not None)
        self.close_edit.setEnabled(self.close_check.isChecked())
        self.close_check.toggled.connect(self.close_edit.setEnabled)
        close_row.addWidget(self.close_check)
        close_row.addWidget(self.close_edit)
        close_row.addStretch(1)
        form.addRow("", close_row)

        self.instrument_combo = QComboBox()
        self.instrument_combo.setObjectName("deal_instrument")
        self.instrument_combo.addItem("(не указан)", None)
        for item in catalogue.list_instruments(context.base):
            if item.is_active or item.id == self.data.instrument_id:
                self.instrument_combo.addItem(item.title, item.id)
        index = self.instrument_combo.findData(self.data.instrument_id)
        self.instrument_combo.setCurrentIndex(max(index, 0))
        form.addRow("Инструмент привлечения:", self.instrument_combo)

        self.notes_edit = QPlainTextEdit(self.data.notes)
        self.notes_edit.setObjectName("deal_notes")
        self.notes_edit.setFixedHeight(60)
        form.addRow("Примечание:", self.notes_edit)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.history = make_table(["Когда", "Из этапа", "В этап", "Кто"], 2, "deal_history")
        self.history.setMinimumHeight(110)
        if deal_id is not None:
            layout.addWidget(QLabel("История этапов:"))
            layout.addWidget(self.history)
            self._fill_history()
        self.error = error_label("deal_error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Записать")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.title_edit.setFocus()

    def _find_clients(self, text: str) -> None:
        self.client_combo.clear()
        for client_id, name in deals.find_clients(self.context.base, text):
            self.client_combo.addItem(name, client_id)

    def _fill_history(self) -> None:
        from vostok_desktop.gui.sales.common import fill_table

        moves = deals.stage_history(self.context.base, self.deal_id)  # type: ignore[arg-type]
        fill_table(self.history, [[moment(m.changed_at), m.from_title or "—", m.to_title,
                                   m.changed_by] for m in moves],
                   list(range(len(moves))))

    def collected(self) -> DealData:
        d = self.data
        client = d.client_id if d.client_id is not None else self.client_combo.currentData()
        close = self.close_edit.date()
        return DealData(
            id=d.id, version=d.version, client_id=client, lead_id=d.lead_id,
            title=self.title_edit.text(), stage_id=self.stage_combo.currentData(),
            responsible_id=self.responsible_combo.currentData(),
            expected_sum=self.sum_edit.text(),
            expected_close_on=date(close.year(), close.month(), close.day())
            if self.close_check.isChecked() else None,
            instrument_id=self.instrument_combo.currentData(),
            notes=self.notes_edit.toPlainText())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def save(self) -> None:
        data = self.collected()
        done, deal_id = attempt(
            lambda: deals.save_deal(self.context.base, data, self.context.employee_id),
            self.show_error)
        if done:
            self.deal_id = deal_id
            bus = getattr(self.context, "bus", None)
            if bus is not None and hasattr(bus, "announce"):
                bus.announce("deals", [deal_id])
            self.saved.emit(deal_id)
            self.accept()
