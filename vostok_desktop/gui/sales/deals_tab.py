"""The tab «Сделки»: the deals in stage order with a filter by stage (or open ones), the
count and expected sum per stage, and the keys Insert — new deal, Enter — open,
Ctrl+→ — next stage (commands of the one registry, attached to the tab)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.sales.common import (
    attempt,
    current_key,
    day,
    fill_table,
    make_table,
    rub,
)
from vostok_desktop.services.sales import catalogue, deals

COLUMNS = ["Клиент", "Сделка", "Этап", "Вероятность", "Ожидаемая сумма, ₽", "Закрытие",
           "Ответственный", "Инструмент"]
WIDTHS = (180, 200, 195, 90, 135, 85, 150)
ALL, OPEN = "all", "open"


class DealsTab(QWidget):
    def __init__(self, context: Any, *, client_id: int | None = None) -> None:
        super().__init__()
        self.context = context
        self.client_id = client_id
        self.setObjectName("deals_tab")
        self.rows: dict[int, deals.DealRow] = {}
        self.dialog: Any = None
        self.last_message = ""

        top = QHBoxLayout()
        top.addWidget(QLabel("Этап:"))
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("deal_stage_filter")
        self.stage_combo.addItem("Открытые сделки", OPEN)
        self.stage_combo.addItem("Все сделки", ALL)
        for st in catalogue.list_stages(context.base):
            self.stage_combo.addItem(st.title, st.id)
        self.stage_combo.currentIndexChanged.connect(lambda _i: self.reload())
        top.addWidget(self.stage_combo)
        top.addStretch(1)
        for key, text, handler in (("new", "Новая сделка… (Ins)", self.new_deal),
                                   ("open", "Открыть (Enter)", self.open_current),
                                   ("next", "Следующий этап (Ctrl+→)", self.next_stage),
                                   ("reload", "Обновить", self.reload)):
            button = QPushButton(text)
            button.setObjectName(f"deal_{key}")
            button.clicked.connect(lambda _c=False, h=handler: h())
            top.addWidget(button)
        self.table = make_table(COLUMNS, 1, "deal_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.setColumnHidden(0, client_id is not None)  # a card's page: its client
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.summary = QLabel()
        self.summary.setObjectName("deal_summary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.reload()

    def reload(self) -> None:
        choice = self.stage_combo.currentData()
        found = deals.list_deals(self.context.base, client_id=self.client_id,
                                 open_only=choice == OPEN,
                                 stage_id=choice if isinstance(choice, int) else None)
        self.rows = {r.id: r for r in found}
        fill_table(self.table, [[r.client_name, r.title, r.stage_title, f"{r.probability} %",
                                 rub(r.expected_sum), day(r.expected_close_on),
                                 r.responsible_name, r.instrument_title] for r in found],
                   [r.id for r in found], right_columns=(3, 4))
        per_stage: dict[str, list[Decimal]] = defaultdict(list)
        for r in found:
            per_stage[r.stage_title].append(r.expected_sum)
        parts = [f"{title}: {len(sums)} на {rub(sum(sums, Decimal(0)))} ₽"
                 for title, sums in per_stage.items()]
        total = sum((r.expected_sum for r in found), Decimal(0))
        self.summary.setText(f"Сделок: {len(found)} на {rub(total)} ₽"
                             + (" — " + "; ".join(parts) if parts else ""))

    def current(self) -> deals.DealRow | None:
        key = current_key(self.table)
        return self.rows.get(key) if key is not None else None

    def _dialog(self, **kwargs: Any) -> Any:
        from vostok_desktop.gui.sales.deal_dialog import DealDialog

        dialog = DealDialog(self.context, parent=self, **kwargs)
        dialog.saved.connect(lambda _id: self.reload())
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_deal(self) -> Any:
        return self._dialog(client_id=self.client_id)

    def open_current(self) -> Any:
        row = self.current()
        return self._dialog(deal_id=row.id) if row is not None else None

    def next_stage(self) -> None:
        row = self.current()
        if row is None:
            return
        done, _ = attempt(lambda: deals.advance_deal(self.context.base, row.id,
                                                     self.context.employee_id),
                          self._tell)
        if done:
            self.reload()
            moved = deals.list_deals(self.context.base, client_id=row.client_id)
            now = next((d for d in moved if d.id == row.id), None)
            self._tell(f"Сделка «{row.title}»: этап «{now.stage_title if now else '?'}»")

    def _tell(self, message: str) -> None:
        self.last_message = message
        self.summary.setText(message)
