"""The tab «Кампании обзвона»: the campaigns with their progress, the current one's
information occasion, results and operators, and the commands to set them up, start,
close and work them («Обзвон»)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.campaigns import CAMPAIGN_STATUS_TITLES, CampaignStatus
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.common.live_updates import ChangeBatch

if TYPE_CHECKING:
    from vostok_desktop.gui.campaigns import CampaignsArea

TITLE = "Кампании обзвона"
SCOPE = "campaign_list"
REREAD_MS = 500  # a burst of colleagues' results re-reads the list once
COMMANDS = ("campaign_list.new", "campaign_list.edit", "campaign_list.add_filter",
            "campaign_list.start", "campaign_list.close", "campaign_list.work")


def minutes_text(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} мин {rest:02d} с"


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(24)
    return table


def _cell(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class CampaignListPage(QWidget):
    def __init__(self, area: CampaignsArea) -> None:
        super().__init__()
        self.area = area
        self.context = area.context
        self.setObjectName("campaign_list_page")
        self.rows: list[cmp.CampaignRow] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        a = self.context.actions
        for action_id in COMMANDS:
            button = QToolButton()
            button.setDefaultAction(a.action(action_id))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = _table(["Кампания", "Состояние", "Начало", "Окончание", "Обработано",
                             "Автор"], "campaigns_table")
        self.table.itemSelectionChanged.connect(self.show_details)
        self.table.doubleClicked.connect(lambda _i: self.area.open_work(self.current_id()))
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        top_layout.addWidget(self.summary_label)
        splitter.addWidget(top)
        details = QWidget()
        lower = QHBoxLayout(details)
        lower.setContentsMargins(0, 0, 0, 0)
        occasion_box = QGroupBox("Информационный повод")
        box = QVBoxLayout(occasion_box)
        self.occasion_label = QLabel()
        self.occasion_label.setWordWrap(True)
        self.occasion_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        box.addWidget(self.occasion_label, 1)
        lower.addWidget(occasion_box, 2)
        results_box = QGroupBox("Итоги по результатам")
        QVBoxLayout(results_box).addWidget(results := _table(["Результат", "Контактов"],
                                                             "results_table"))
        self.results_table = results
        lower.addWidget(results_box, 3)
        operators_box = QGroupBox("По операторам")
        QVBoxLayout(operators_box).addWidget(operators := _table(
            ["Оператор", "Звонков", "Успех", "Отказ", "Разговор"],
            "operators_table"))
        self.operators_table = operators
        lower.addWidget(operators_box, 4)
        splitter.addWidget(details)
        splitter.setSizes([250, 330])
        layout.addWidget(splitter, 1)
        for action_id in COMMANDS:
            a.attach(action_id, self)
        self.context.bus.entities_changed.connect(self._changed)
        # Colleagues' campaigns and results: one re-read per burst, while shown.
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.setInterval(REREAD_MS)
        self._reread.timeout.connect(lambda: self.isVisible() and self.reload())
        self.context.bus.changes_arrived.connect(self._arrived)

    def _changed(self, kind: str, _ids: list) -> None:
        if kind == "campaign" and self.isVisible():
            self.reload()

    def _arrived(self, batch: ChangeBatch) -> None:
        touched = any(batch.rows(t) != set() for t in ("campaigns", "campaign_items"))
        if touched and self.isVisible() and not self._reread.isActive():
            self._reread.start()

    def current_id(self) -> int | None:
        row = self.table.currentRow()
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def current(self) -> cmp.CampaignRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id or self.current_id()
        with self.context.base.sessions() as s:
            self.rows = cmp.list_campaigns(s)
        self.table.setRowCount(len(self.rows))
        for n, r in enumerate(self.rows):
            values = [r.title, CAMPAIGN_STATUS_TITLES[r.status], f"{r.starts_on:%d.%m.%Y}",
                      f"{r.ends_on:%d.%m.%Y}" if r.ends_on else "—",
                      f"{r.done} из {r.total} ({r.percent} %)", r.author]
            for col, text in enumerate(values):
                self.table.setItem(n, col, _cell(text, col == 4))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        index = next((n for n, r in enumerate(self.rows) if r.id == keep), 0)
        if self.rows:
            self.table.selectRow(index)
        self.show_details()
        self.context.actions.refresh_enabled()

    def show_details(self) -> None:
        row = self.current()
        self.results_table.setRowCount(0)
        self.operators_table.setRowCount(0)
        if row is None:
            self.occasion_label.setText("Кампаний пока нет: «Создать…» (Insert).")
            self.summary_label.setText("")
            return
        with self.context.base.sessions() as s:
            p = cmp.progress(s, row.id)
            operators = cmp.operator_results(s, row.id)
        self.occasion_label.setText(row.occasion or "(не указан)")
        self.summary_label.setText(
            f"Контактов: {p.total}; обработано: {p.done}, пропущено: {p.skipped}, "
            f"в очереди: {p.pending}, звонит оператор: {p.in_progress}. "
            f"Время разговоров: {minutes_text(p.talk_seconds)}.")
        for title, count in p.by_result + [(f"  отказ: {t}", n) for t, n in p.by_reason]:
            n = self.results_table.rowCount()
            self.results_table.insertRow(n)
            self.results_table.setItem(n, 0, _cell(title))
            self.results_table.setItem(n, 1, _cell(str(count), True))
        self.results_table.resizeColumnToContents(1)
        for o in operators:
            n = self.operators_table.rowCount()
            self.operators_table.insertRow(n)
            for col, text in enumerate([o.name, str(o.calls), str(o.successes),
                                        str(o.refusals), minutes_text(o.talk_seconds)]):
                self.operators_table.setItem(n, col, _cell(text, col > 0))
        self.operators_table.resizeColumnsToContents()
        self.operators_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)

    def is_status(self, *statuses: CampaignStatus) -> bool:
        row = self.current()
        return row is not None and row.status in statuses


__all__ = ["CampaignListPage", "SCOPE", "TITLE", "minutes_text"]
