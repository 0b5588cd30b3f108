"""The client card's page «Продажи»: the client's deals (Insert — new deal, Enter — open)
and the needs detected from its contacts' positions, with the contacts that make each
system needed. Built when first shown; a new unsaved card has no client yet."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from vostok_desktop.gui.sales.common import fill_table, make_table
from vostok_desktop.gui.sales.deals_tab import DealsTab
from vostok_desktop.services.sales import needs


class ClientSalesPage(QWidget):
    def __init__(self, context: Any, card: Any = None) -> None:
        super().__init__()
        self.context = context
        self.client_id: int | None = None
        self.deals: DealsTab | None = None
        self._filled_for: int | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel("Сделки и потребности появятся, когда карточка клиента будет "
                           "сохранена.")
        self._layout.addWidget(self.hint)
        self.needs_table = make_table(["Рекомендуемая система", "Почему (контактные лица)"],
                                      1, "client_needs")

    def card_loaded(self, entity_id: int | None) -> None:
        if entity_id is None or entity_id == self.client_id:
            return
        self.client_id = entity_id
        if self.isVisible():
            self.fill()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.client_id is not None and self._filled_for != self.client_id:
            self.fill()

    def fill(self) -> None:
        assert self.client_id is not None
        self._filled_for = self.client_id
        if self.deals is None:
            self.hint.hide()
            self.deals = DealsTab(self.context, client_id=self.client_id)
            self.deals.stage_combo.setCurrentIndex(1)  # all the client's deals
            actions = getattr(self.context, "actions", None)
            if actions is not None:
                for action_id in ("client_deals.new", "deal_list.open",
                                  "deal_list.next_stage"):
                    if action_id in actions:
                        actions.attach(action_id, self.deals)
            splitter = QSplitter(Qt.Orientation.Vertical)
            splitter.addWidget(self.deals)
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            self.needs_title = QLabel()
            inner.addWidget(self.needs_title)
            inner.addWidget(self.needs_table)
            splitter.addWidget(box)
            splitter.setSizes([300, 160])
            self._layout.addWidget(splitter)
        else:
            self.deals.client_id = self.client_id
            self.deals.reload()
        found = needs.detect_needs(self.context.base, self.client_id)
        self.needs_title.setText(
            "Выявленные потребности (по должностям контактных лиц, кроме систем, которые у "
            f"клиента уже есть): {len(found)}" if found else
            "Выявленных потребностей нет: должности контактных лиц не подходят ни под одно "
            "правило, или системы у клиента уже есть.")
        fill_table(self.needs_table, [[n.title, "; ".join(n.reasons)] for n in found],
                   list(range(len(found))))
