"""The tab «Панель показателей» for heads: the chosen indicators as tiles (this period's
fact over everyone, the plan, the completion, coloured) and a chart of each one's dynamics,
a line per department or per leading employee.

The choice (indicators, by departments or employees, months or quarters) is kept per user
in the program's settings (``context.qsettings``, keys ``kpi/dashboard/<employee id>/…``).
The numbers are read on a worker thread; the tab reads them again two seconds after the
data they come from changes (this workstation's writes through ``context.bus``, other
workstations' through the live updates) and at once on F5 (``refresh()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.gui.kpi.employee_page import (
    BELOW_PLAN,
    HINT,
    KIND_TITLES,
    NEAR_PLAN,
    PLAN_MET,
    add_legend,
    completion_colour,
    find_catalogue,
    format_percent,
    format_value,
    new_chart,
    short_period,
)
from vostok_desktop.gui.operations import BackgroundOperation
from vostok_desktop.gui.reports.chart import PALETTE
from vostok_desktop.services.kpi.facts import KpiSubject, KpiTable, compute_kpi
from vostok_desktop.services.reports.catalogue import ReportCatalogue

TITLE = "Панель показателей"
REFRESH_DELAY_MS = 2000
TOP_EMPLOYEES = 5
MAX_LINES = 10
DEFAULT_COUNT = 4
SUBJECT_TITLES = {KpiSubject.DEPARTMENT: "По отделам", KpiSubject.EMPLOYEE: "По сотрудникам"}
# What the indicators count: a change of these asks for fresh numbers.
RELEVANT_KINDS = frozenset({"work", "assignment", "payments", "money_document",
                            "hotline_request", "client", "employee", "departments"})
RELEVANT_TABLES = frozenset({"*", "work_records", "assignments", "payments",
                             "money_documents", "hotline_requests", "clients", "employees",
                             "departments", "kpi_indicators", "kpi_plans"})
NO_TILE = "#f4f4f4"


@dataclass
class Tile:
    code: str
    title: str
    unit: str
    fact: Decimal | None
    plan: Decimal | None
    percent: Decimal | None
    colour: str


@dataclass
class DashboardData:
    table: KpiTable
    current: date | None
    tiles: list[Tile] = field(default_factory=list)
    lines: dict[str, list[Any]] = field(default_factory=dict)  # code -> subject ids


def current_period(periods: list[date], today: date) -> date | None:
    """The period today falls in, else the last one (a past year)."""
    inside = [p for p in periods if p <= today]
    return inside[-1] if inside else (periods[0] if periods else None)


def read_dashboard(base: Any, catalogue: ReportCatalogue, codes: list[str],
                   subject: KpiSubject, kind: PeriodKind, year: int,
                   today: date) -> DashboardData:
    from vostok_desktop.services.kpi.indicators import indicator_model, list_indicators
    from vostok_desktop.services.reports.pivot import MeasureKind

    rows = {r.code: r for r in list_indicators(base)}
    codes = [c for c in codes if c in rows]
    table = compute_kpi(base, catalogue, codes, subject, kind, date(year, 1, 1),
                        date(year, 12, 31))
    current = current_period(table.periods, today)
    model = indicator_model(base)
    data = DashboardData(table, current)
    for code in codes:
        row = rows[code]
        fact = table.totals.get((code, current)) if current else None
        # Plans of subjects add up only for counts and sums; a formula's do not.
        additive = False
        if code in model.measures:
            report_key, measure_key = model.measures[code]
            definition = catalogue.get(report_key)
            additive = definition is not None and any(
                m.key == measure_key and m.kind in (MeasureKind.COUNT, MeasureKind.SUM,
                                                    MeasureKind.COUNT_DISTINCT)
                for m in definition.measures)
        plans = [v for (c, _who, start), v in table.plans.items()
                 if c == code and start == current]
        plan = sum(plans, Decimal(0)) if plans and additive else None
        percent = (Decimal(fact or 0) * 100 / plan).quantize(Decimal("0.1")) if plan else None
        colour = completion_colour(percent, row.higher_is_better) or NO_TILE
        data.tiles.append(Tile(code, row.title, row.unit, fact, plan, percent, colour))
        # Lines: every department, or the employees with the largest total.
        def total(who: Any, code: str = code) -> Decimal:
            return sum((v for v in table.series(code, who) if v is not None), Decimal(0))

        who = [s for s in table.subjects if any(
            (code, s, p) in table.facts for p in table.periods)]
        if subject is KpiSubject.EMPLOYEE:
            who = sorted((s for s in who if s is not None), key=lambda s: -total(s))
            who = who[:TOP_EMPLOYEES]
        else:
            who = sorted(who, key=lambda s: (s is None, table.subjects.get(s) or ""))
            who = who[:MAX_LINES]
        data.lines[code] = who
    return data


class KpiDashboard(QWidget):
    def __init__(self, context: Any, *, live: Any = None, today: date | None = None,
                 catalogue: ReportCatalogue | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpi_dashboard")
        self.context = context
        self.today = today or date.today()
        self._catalogue = catalogue
        self.data: DashboardData | None = None
        self.operation: BackgroundOperation | None = None
        self._generation = 0
        self._stale = False
        self.reloads = 0  # finished readings, for tests
        self.settings = getattr(context, "qsettings", None)
        self._prefix = f"kpi/dashboard/{getattr(context, 'employee_id', None) or 0}"

        self.indicators_list = QListWidget()
        self.indicators_list.setObjectName("dashboard_indicators")
        self.subject_combo = QComboBox()
        self.subject_combo.setObjectName("dashboard_subject")
        for subject, title in SUBJECT_TITLES.items():
            self.subject_combo.addItem(title, subject.value)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("dashboard_period")
        for kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            self.period_combo.addItem(KIND_TITLES[kind].capitalize(), kind.value)
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("dashboard_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.today.year)
        self.year_spin.setSuffix(" год")
        self.refresh_button = QPushButton("Обновить (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        side = QVBoxLayout()
        side.addWidget(QLabel("Показатели на панели:"))
        side.addWidget(self.indicators_list, 1)
        side.addWidget(QLabel("Кого показывать:"))
        side.addWidget(self.subject_combo)
        side.addWidget(QLabel("Период:"))
        side.addWidget(self.year_spin)
        side.addWidget(self.period_combo)
        side.addWidget(self.refresh_button)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setFixedWidth(280)

        self.status_label = QLabel()
        self.status_label.setObjectName("dashboard_status")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(f"color: {HINT}")
        self.tiles_box = QWidget()
        self.tiles_layout = QGridLayout(self.tiles_box)
        self.tiles_layout.setContentsMargins(0, 0, 0, 0)
        self.charts_box = QWidget()
        self.charts_layout = QGridLayout(self.charts_box)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.status_label)
        content_layout.addWidget(self.tiles_box)
        content_layout.addWidget(self.charts_box, 1)
        content_layout.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QHBoxLayout(self)
        layout.addWidget(side_box)
        layout.addWidget(scroll, 1)
        self.tiles: dict[str, QFrame] = {}
        self.plots: dict[str, pg.PlotWidget] = {}

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self._timer_refresh)
        bus = getattr(context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)
        if live is not None:
            live.rows_changed.connect(self._rows_changed)
        self._fill_indicators()
        self._restore()
        self.indicators_list.itemChanged.connect(lambda _i: self._choice_changed())
        self.subject_combo.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.period_combo.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.year_spin.valueChanged.connect(lambda _v: self.reload())

    # -- the choice ---------------------------------------------------------------------------
    @property
    def catalogue(self) -> ReportCatalogue:
        if self._catalogue is None:
            self._catalogue = find_catalogue(self)
        return self._catalogue

    def _fill_indicators(self) -> None:
        from vostok_desktop.services.kpi.indicators import list_indicators

        self.indicators_list.blockSignals(True)
        self.indicators_list.clear()
        for row in list_indicators(self.context.base, include_archived=False):
            item = QListWidgetItem(row.title)
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.indicators_list.addItem(item)
        self.indicators_list.blockSignals(False)

    def _value(self, key: str) -> Any:
        return None if self.settings is None else self.settings.value(f"{self._prefix}/{key}")

    def _restore(self) -> None:
        codes = self._value("codes")
        if isinstance(codes, str):
            codes = [c for c in codes.split("\n") if c]
        items = [self.indicators_list.item(i) for i in range(self.indicators_list.count())]
        if not codes:
            codes = [item.data(Qt.ItemDataRole.UserRole) for item in items[:DEFAULT_COUNT]]
        self.indicators_list.blockSignals(True)
        for item in items:
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in codes else Qt.CheckState.Unchecked)
        self.indicators_list.blockSignals(False)
        for combo, key in ((self.subject_combo, "subject"), (self.period_combo, "period")):
            index = combo.findData(self._value(key))
            if index >= 0:
                combo.setCurrentIndex(index)

    def chosen_codes(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole)
                for item in (self.indicators_list.item(i)
                             for i in range(self.indicators_list.count()))
                if item.checkState() == Qt.CheckState.Checked]

    def _choice_changed(self) -> None:
        if self.settings is not None:
            self.settings.setValue(f"{self._prefix}/codes", "\n".join(self.chosen_codes()))
            self.settings.setValue(f"{self._prefix}/subject", self.subject_combo.currentData())
            self.settings.setValue(f"{self._prefix}/period", self.period_combo.currentData())
        self.reload()

    # -- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """F5: the indicators' list and the numbers, at once."""
        self.refresh_timer.stop()
        chosen = self.chosen_codes()
        self._fill_indicators()
        self.indicators_list.blockSignals(True)
        for i in range(self.indicators_list.count()):
            item = self.indicators_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in chosen:
                item.setCheckState(Qt.CheckState.Checked)
        self.indicators_list.blockSignals(False)
        self.reload()

    def _entities_changed(self, kind: str, _ids: list) -> None:
        if kind in RELEVANT_KINDS:
            self.schedule_refresh()

    def _rows_changed(self, table: str, _ids: Any) -> None:
        if table in RELEVANT_TABLES:
            self.schedule_refresh()

    def schedule_refresh(self) -> None:
        """Read again in two seconds (a burst of changes gives one reading)."""
        if not self.refresh_timer.isActive():
            self.refresh_timer.start()

    def _timer_refresh(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read when shown

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> BackgroundOperation | None:
        self._stale = False
        codes = self.chosen_codes()
        self._generation += 1
        generation = self._generation
        if not codes:
            self.data = None
            self._clear()
            self.status_label.setText(
                "Отметьте показатели в списке слева." if self.indicators_list.count() else
                "Показателей KPI нет: их заводят в «KPI → Показатели KPI…».")
            return None
        base, catalogue, today = self.context.base, self.catalogue, self.today
        subject = KpiSubject(self.subject_combo.currentData())
        kind = PeriodKind(self.period_combo.currentData())
        year = self.year_spin.value()
        self.status_label.setText("Показатели считаются…")
        op = BackgroundOperation(lambda _s: read_dashboard(
            base, catalogue, codes, subject, kind, year, today), self)
        op.finished.connect(lambda data, g=generation: self._loaded(g, data))
        op.failed.connect(lambda text, g=generation: self._failed(g, text))
        self.operation = op
        return op.start()

    def _failed(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.status_label.setText(f"Показатели не посчитаны: {text}")

    # -- showing ----------------------------------------------------------------------------------
    def _clear(self) -> None:
        for layout in (self.tiles_layout, self.charts_layout):
            while layout.count():
                widget = layout.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
        self.tiles.clear()
        self.plots.clear()

    def _loaded(self, generation: int, data: DashboardData) -> None:
        if generation != self._generation:
            return
        self.data = data
        self.reloads += 1
        self._clear()
        table = data.table
        when = table.period_title(data.current) if data.current else ""
        problems = [f"«{table.titles.get(c, c)}»: {why}" for c, why in table.problems.items()]
        self.status_label.setText(f"Итоги за {when} по всем"
                                  + (". Пустые клетки: " + "; ".join(problems) if problems else "")
                                  + ".")
        for i, tile in enumerate(data.tiles):
            frame = self._tile(tile)
            self.tiles[tile.code] = frame
            self.tiles_layout.addWidget(frame, i // 4, i % 4)
        for i, tile in enumerate(data.tiles):
            box = self._chart(data, tile)
            self.charts_layout.addWidget(box, i // 2, i % 2)

    def _tile(self, tile: Tile) -> QFrame:
        frame = QFrame()
        frame.setObjectName(f"tile_{tile.code}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setStyleSheet(f"QFrame#tile_{tile.code} {{ background: {tile.colour}; "
                            "border: 1px solid #c8c8c8; border-radius: 4px; }")
        frame.setMinimumHeight(96)
        title = QLabel(tile.title)
        title.setWordWrap(True)
        fact = QLabel(format_value(tile.fact if tile.fact is not None else None, tile.unit)
                      or "—")
        fact.setObjectName("tile_fact")
        font = fact.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        fact.setFont(font)
        unit = tile.unit if tile.unit not in ("₽", "шт") else ""
        if unit:
            fact.setText(f"{fact.text()} {unit}")
        plan = QLabel(f"План: {format_value(tile.plan, tile.unit)}" if tile.plan is not None
                      else "План не задан")
        plan.setObjectName("tile_plan")
        percent = QLabel(f"Выполнено: {format_percent(tile.percent)}"
                         if tile.percent is not None else "")
        percent.setObjectName("tile_percent")
        layout = QVBoxLayout(frame)
        layout.addWidget(title)
        layout.addWidget(fact)
        layout.addWidget(plan)
        layout.addWidget(percent)
        return frame

    def _chart(self, data: DashboardData, tile: Tile) -> QWidget:
        table = data.table
        chart = new_chart()
        plot, bottom, left = chart.plot, chart.bottom, chart.left
        plot.setObjectName(f"chart_{tile.code}")
        chart.setMinimumHeight(260)
        who = data.lines.get(tile.code, [])
        if len(who) > 1:
            add_legend(plot)
        x = list(range(len(table.periods)))
        for i, subject in enumerate(who):
            # An empty cell (a division by zero) is a gap in the line, not a zero.
            values = [float(v) if v is not None else float("nan")
                      for v in table.series(tile.code, subject)]
            colour = PALETTE[i % len(PALETTE)]
            name = table.subjects.get(subject) or "(не указан)"
            plot.plot(x, values, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5,
                      symbolBrush=colour, name=name[:24], connect="finite")
        bottom.setTicks([[(i, short_period(p, table.period_kind))
                          for i, p in enumerate(table.periods)]])
        left.setLabel(tile.unit if tile.unit else "")
        plot.autoRange()
        if table.periods:  # room for the first and last periods' labels
            plot.setXRange(-0.5, len(table.periods) - 0.5, padding=0)
        self.plots[tile.code] = plot
        kind = KpiSubject(table.subject)
        by = ("по отделам" if kind is KpiSubject.DEPARTMENT
              else f"первые {TOP_EMPLOYEES} сотрудников")
        caption = QLabel(f"{tile.title} — {by}, {KIND_TITLES[table.period_kind]}")
        caption.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(chart, 1)
        return box


__all__ = ["BELOW_PLAN", "NEAR_PLAN", "PLAN_MET", "TITLE", "KpiDashboard", "current_period",
           "read_dashboard"]
