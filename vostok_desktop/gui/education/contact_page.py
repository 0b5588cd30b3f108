"""The contact card's page «Обучение»: the norm and how far it is met this year, and the
events the contact attended."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    fmt_dt,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.services.education.certificates import certificate_text
from vostok_desktop.services.education.summary import norm_status, training_record


class ContactTrainingPage(QWidget):
    def __init__(self, context: Any, card: Any) -> None:
        super().__init__()
        self.context = context
        self.card = card
        self.norm = QLabel()
        self.norm.setObjectName("training_norm")
        self.norm.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("training_record")
        read_only_table(self.table, ["Дата", "Вид", "Тема", "Оценка", "Сертификат",
                                     "Вручён"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.norm)
        layout.addWidget(QLabel("Посещённые мероприятия:"))
        layout.addWidget(self.table, 1)
        entity = getattr(card, "entity_id", None)
        if entity is not None:
            self.card_loaded(entity)

    def card_loaded(self, entity_id: int | None) -> None:
        if entity_id is None:
            self.norm.setText("Обучение появится после сохранения контактного лица.")
            self.table.setRowCount(0)
            return
        status = norm_status(self.context.base, entity_id)
        self.norm.setText(status.text)
        set_text_colour(self.norm, None if status.norm is None else
                        DONE_COLOUR if status.met else ERROR_COLOUR)
        rows = training_record(self.context.base, entity_id)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [fmt_dt(row.starts_at), row.kind_title, row.theme,
                      str(row.feedback_score or ""),
                      certificate_text(row.event_id, row.certificate_number)
                      if row.certificate_number else "", fmt_dt(row.certificate_handed_at)]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
