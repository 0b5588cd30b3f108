"""The employee card's page «Показатели»: plan and fact of the employee's indicators by
month or quarter of a year, the dynamics of the chosen indicator on a chart, and the
facts behind a number.

The indicators are the set of the employee's job role («Наборы показателей», the role's
default set) or every indicator. The table has three rows per indicator (факт, план,
% плана) and a column per period; a completion below the plan is pink. Enter (or a double
click) on a fact of a measure indicator opens the pivot report it comes from, filtered to
the employee and the period (when the main window has its reports), or else the rows behind
the number in «Из чего сложилась ячейка». Everything is read on a worker thread: the card
never waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.gui.reports.chart import PALETTE, ReportChart
from vostok_desktop.services.kpi.facts import KpiSubject, KpiTable, compute_kpi
from vostok_desktop.services.reports.catalogue import ReportCatalogue
from vostok_desktop.services.reports.periods import MONTHS

BELOW_PLAN = "#f8d7da"  # pink: the fact is on the wrong side of the plan
PLAN_MET = "#d4edda"
NEAR_PLAN = "#fff3cd"
HINT = "#666666"
KIND_TITLES = {PeriodKind.MONTH: "по месяцам", PeriodKind.QUARTER: "по кварталам"}
ROW_KINDS = ("факт", "план", "% плана")


# -- shared with the dashboard -----------------------------------------------------------
_CATALOGUE: ReportCatalogue | None = None


def find_catalogue(widget: QWidget | None) -> ReportCatalogue:
    """The main window's report catalogue, or the plugins' one read once."""
    global _CATALOGUE
    reports = getattr(widget.window(), "reports", None) if widget is not None else None
    catalogue = getattr(reports, "catalogue", None)
    if isinstance(catalogue, ReportCatalogue):
        return catalogue
    if _CATALOGUE is None:
        from vostok_desktop.plugins import load_plugins
        from vostok_desktop.services.reports.catalogue import report_catalogue

        _CATALOGUE = report_catalogue(load_plugins())
    return _CATALOGUE


def format_value(value: Decimal | float | int | None, unit: str = "") -> str:
    """«1 234», «12,5», «1 234 567,00 ₽»; empty for no value."""
    if value is None:
        return ""
    value = Decimal(value)
    if unit == "₽":
        text = f"{value:,.2f}"
    elif value == value.to_integral_value():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0₽" if unit == "₽" else text


def format_percent(value: Decimal | None) -> str:
    return "" if value is None else format_value(value) + "\u00a0%"


def completion_colour(percent: Decimal | None, higher_is_better: bool = True) -> str | None:
    """Green at or over the plan, amber within 10 % of it, pink below (mirrored when
    lower is better); None without a plan."""
    if percent is None:
        return None
    good = percent >= 100 if higher_is_better else percent <= 100
    if good:
        return PLAN_MET
    near = percent >= 90 if higher_is_better else percent <= 110
    return NEAR_PLAN if near else BELOW_PLAN


def short_period(start: date, kind: PeriodKind) -> str:
    if kind is PeriodKind.MONTH:
        return MONTHS[start.month - 1][:3]
    if kind is PeriodKind.QUARTER:
        return f"{(start.month - 1) // 3 + 1} кв."
    return str(start.year)


def period_end(start: date, kind: PeriodKind) -> date:
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def new_chart() -> ReportChart:
    """The report tab's chart (gui/reports/chart.py: Russian axis numbers, white, a grid;
    ``clear()`` drops the legend too) for a KPI series: fixed — no mouse zoom — and
    without the report's note line; draw on ``chart.plot``."""
    chart = ReportChart()
    chart.plot.setMouseEnabled(x=False, y=False)
    chart.note.hide()
    return chart


def add_legend(plot: pg.PlotWidget) -> None:
    """The legend as the report charts have it."""
    plot.addLegend(offset=(-10, 5), labelTextColor="k", brush=pg.mkBrush(255, 255, 255, 210),
                   pen=pg.mkPen("#bbb"))


# -- the page --------------------------------------------------------------------------------
@dataclass
class EmployeeKpi:
    """What the worker reads for the page (plain data)."""

    employee_id: int
    set_title: str  # «Руководитель продаж» or «все показатели»
    table: KpiTable
    higher: dict[str, bool] = field(default_factory=dict)
    measures: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> report, measure


def read_employee_kpi(base: Any, catalogue: ReportCatalogue, employee_id: int,
                      role: Any, kind: PeriodKind, year: int,
                      _state: OperationState | None = None) -> EmployeeKpi:
    from vostok_desktop.services.kpi.indicators import indicator_model, list_indicators
    from vostok_desktop.services.kpi.sets import set_for_role

    rows = {r.code: r for r in list_indicators(base, include_archived=False)}
    chosen = set_for_role(base, role) if role else None
    if chosen is not None and chosen.items:
        codes = [item.code for item in chosen.items]
        title = f"набор «{chosen.title}»"
    else:
        codes = list(rows)
        title = "все показатели"
    table = compute_kpi(base, catalogue, codes, KpiSubject.EMPLOYEE, kind, date(year, 1, 1),
                        date(year, 12, 31), subject_ids=[employee_id])
    model = indicator_model(base)
    # An employee with no rows at all in a report: counts and sums are 0, not «unknown».
    from vostok_desktop.services.reports.pivot import MeasureKind

    for code in codes:
        if code not in model.measures or code in table.problems:
            continue
        report_key, measure_key = model.measures[code]
        definition = catalogue.get(report_key)
        if definition is None or definition.measure(measure_key).kind not in (
                MeasureKind.COUNT, MeasureKind.COUNT_DISTINCT, MeasureKind.SUM):
            continue
        for start in table.periods:
            table.facts.setdefault((code, employee_id, start), Decimal(0))
    higher = {c: rows[c].higher_is_better if c in rows else True for c in codes}
    return EmployeeKpi(employee_id, title, table, higher,
                       {c: model.measures[c] for c in codes if c in model.measures})


class _Table(QTableWidget):
    def __init__(self, on_enter: Any) -> None:
        super().__init__()
        self._on_enter = on_enter

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter()
            event.accept()
            return
        super().keyPressEvent(event)


class EmployeeKpiPage(QWidget):
    """The page; ``card_loaded(employee_id)`` (the card calls it) reads it afresh."""

    def __init__(self, context: Any, card: Any = None, *, today: date | None = None,
                 catalogue: ReportCatalogue | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.card = context, card
        self.today = today or date.today()
        self._catalogue = catalogue
        self.employee_id: int | None = None
        self.data: EmployeeKpi | None = None
        self.operation: BackgroundOperation | None = None
        self._generation = 0
        self.drill_dialog: Any = None
        self.report_tab: Any = None

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("kpi_period")
        for kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            self.period_combo.addItem(KIND_TITLES[kind].capitalize(), kind.value)
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("kpi_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.today.year)
        self.year_spin.setSuffix(" год")
        self.set_label = QLabel()
        self.set_label.setObjectName("kpi_set_label")
        self.status_label = QLabel()
        self.status_label.setObjectName("kpi_status")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(f"color: {HINT}")
        top = QHBoxLayout()
        top.addWidget(QLabel("Период:"))
        top.addWidget(self.year_spin)
        top.addWidget(self.period_combo)
        top.addSpacing(16)
        top.addWidget(self.set_label, 1)

        self.table = _Table(self.drill)
        self.table.setObjectName("kpi_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.drill())
        self.table.currentCellChanged.connect(lambda *_a: self._chart_current())
        self.chart = new_chart()
        self.plot, self.bottom, self.left = self.chart.plot, self.chart.bottom, self.chart.left
        self.plot.setObjectName("kpi_chart")
        self.chart_title = QLabel()
        self.chart_title.setObjectName("kpi_chart_title")
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart_title)
        chart_layout.addWidget(self.chart, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(chart_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.year_spin.valueChanged.connect(lambda _v: self.reload())
        self._codes_by_row: list[str] = []
        self._stale = False

    # -- loading ------------------------------------------------------------------------------
    @property
    def catalogue(self) -> ReportCatalogue:
        if self._catalogue is None:
            self._catalogue = find_catalogue(self)
        return self._catalogue

    @property
    def period_kind(self) -> PeriodKind:
        return PeriodKind(self.period_combo.currentData())

    def card_loaded(self, entity_id: int | None) -> None:
        """The card is filled: read the page now if it is shown, else when it is."""
        self.employee_id = entity_id
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale and self.employee_id is not None:
            self.reload()

    def refresh(self) -> None:
        self.reload()

    def _role(self) -> Any:
        data = getattr(self.card, "_data", None)
        return getattr(data, "role", None)

    def reload(self) -> BackgroundOperation | None:
        if self.employee_id is None:
            self.status_label.setText("Показатели появятся, когда сотрудник будет сохранён.")
            return None
        self._stale = False
        self._generation += 1
        generation = self._generation
        base, catalogue, employee_id = self.context.base, self.catalogue, self.employee_id
        role, kind, year = self._role(), self.period_kind, self.year_spin.value()
        self.status_label.setText("Показатели считаются…")
        op = BackgroundOperation(lambda state: read_employee_kpi(
            base, catalogue, employee_id, role, kind, year, state), self)
        op.finished.connect(lambda data, g=generation: self._loaded(g, data))
        op.failed.connect(lambda text, g=generation: self._failed(g, text))
        self.operation = op
        return op.start()

    def _failed(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.status_label.setText(f"Показатели не посчитаны: {text}")

    def _loaded(self, generation: int, data: EmployeeKpi) -> None:
        if generation != self._generation:
            return  # an older question, answered late
        self.data = data
        table, who = data.table, data.employee_id
        self.set_label.setText(f"Показатели: {data.set_title}")
        periods = table.periods
        grid = self.table
        grid.clear()
        grid.setColumnCount(2 + len(periods))
        grid.setHorizontalHeaderLabels(["Показатель", ""] + [
            table.period_title(p) if table.period_kind is PeriodKind.QUARTER
            else MONTHS[p.month - 1] for p in periods])
        codes = [c for c in table.codes if c in table.titles]
        grid.setRowCount(3 * len(codes))
        self._codes_by_row = []
        for i, code in enumerate(codes):
            unit = table.units.get(code, "")
            title = table.titles[code] + (f", {unit}" if unit and unit != "шт" else "")
            for k, row_kind in enumerate(ROW_KINDS):
                r = 3 * i + k
                self._codes_by_row.append(code)
                head = QTableWidgetItem(title if k == 0 else "")
                if k == 0:
                    font = head.font()
                    font.setBold(True)
                    head.setFont(font)
                grid.setItem(r, 0, head)
                kind_item = QTableWidgetItem(row_kind)
                kind_item.setForeground(QBrush(QColor(HINT)))
                grid.setItem(r, 1, kind_item)
                for c, start in enumerate(periods, start=2):
                    percent = table.completion(code, who, start)
                    if k == 0:
                        text = format_value(table.fact(code, who, start), unit)
                    elif k == 1:
                        text = format_value(table.plan(code, who, start), unit)
                    else:
                        text = format_percent(percent)
                    item = QTableWidgetItem(text)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                    colour = completion_colour(percent, data.higher.get(code, True))
                    if k != 1 and colour == BELOW_PLAN:
                        item.setBackground(QBrush(QColor(BELOW_PLAN)))
                    if k == 0 and code in data.measures:
                        item.setToolTip("Enter — из чего сложилось число")
                    grid.setItem(r, c, item)
        grid.resizeColumnsToContents()
        grid.setColumnWidth(0, min(grid.columnWidth(0) + 12, 300))
        problems = [f"«{table.titles.get(c, c)}»: {why}" for c, why in table.problems.items()]
        if not codes:
            self.status_label.setText("Показателей KPI нет: их заводят в «KPI → "
                                      "Показатели KPI…».")
        else:
            self.status_label.setText(
                ("Пустые клетки: " + "; ".join(problems) + ".") if problems else
                "Enter на факте показателя отчёта — из чего сложилось число.")
        if codes:
            current = grid.currentRow()
            grid.setCurrentCell(current if 0 <= current < grid.rowCount() else 0, 2)
        self._chart_current()

    # -- the chart -----------------------------------------------------------------------------
    def current_code(self) -> str | None:
        row = self.table.currentRow()
        return self._codes_by_row[row] if 0 <= row < len(self._codes_by_row) else None

    def _chart_current(self) -> None:
        code = self.current_code()
        self.chart.clear()
        if self.data is None or code is None:
            self.chart_title.setText("")
            return
        self.show_chart(code)

    def show_chart(self, code: str) -> None:
        assert self.data is not None
        table, who = self.data.table, self.data.employee_id
        unit = table.units.get(code, "")
        self.chart_title.setText(f"{table.titles[code]}: динамика за "
                                 f"{self.year_spin.value()} год {KIND_TITLES[table.period_kind]}")
        self.chart.clear()
        x = list(range(len(table.periods)))
        facts = [float(v) if v is not None else 0.0 for v in table.series(code, who)]
        plans = [table.plan(code, who, p) for p in table.periods]
        add_legend(self.plot)
        self.plot.addItem(pg.BarGraphItem(x=x, height=facts, width=0.6, brush=PALETTE[0],
                                          pen=pg.mkPen("w", width=0.5), name="Факт"))
        if any(p is not None for p in plans):
            points = [(i, float(p)) for i, p in enumerate(plans) if p is not None]
            self.plot.plot([p[0] for p in points], [p[1] for p in points],
                           pen=pg.mkPen(PALETTE[1], width=2), symbol="o", symbolSize=6,
                           symbolBrush=PALETTE[1], name="План")
        self.bottom.setTicks([[(i, short_period(p, table.period_kind))
                               for i, p in enumerate(table.periods)]])
        self.bottom.setLabel("Месяц" if table.period_kind is PeriodKind.MONTH else "Квартал")
        self.left.setLabel(table.titles[code] + (f", {unit}" if unit else ""))
        self.plot.autoRange()
        if table.periods:  # room for the first and last periods' labels
            self.plot.setXRange(-0.5, len(table.periods) - 0.5, padding=0)

    # -- drill-down --------------------------------------------------------------------------
    def drill_target(self) -> tuple[str, str, date] | None:
        """(report key, measure key, period start) of the current fact cell, or None."""
        if self.data is None:
            return None
        row, column = self.table.currentRow(), self.table.currentColumn()
        if row < 0 or row % 3 != 0 or column < 2:
            return None
        code = self._codes_by_row[row]
        if code not in self.data.measures:
            return None
        report_key, measure_key = self.data.measures[code]
        return report_key, measure_key, self.data.table.periods[column - 2]

    def drill(self) -> Any:
        from vostok_desktop.services.reports.periods import PeriodGrouping
        from vostok_desktop.services.reports.pivot import Filter, PivotQuery

        target = self.drill_target()
        if target is None:
            if self.data is not None and self.table.currentRow() >= 0:
                self.status_label.setText("Разобрать можно факт показателя отчёта: встаньте "
                                          "на строку «факт» в колонке периода.")
            return None
        report_key, measure_key, start = target
        definition = self.catalogue.get(report_key)
        if definition is None or definition.employee_dimension is None:
            self.status_label.setText(f"Отчёта «{report_key}» нет в программе.")
            return None
        assert self.data is not None
        kind = self.data.table.period_kind
        grouping = PeriodGrouping(
            {PeriodKind.MONTH: "month", PeriodKind.QUARTER: "quarter"}.get(kind, "year"))
        dimension = definition.employee_dimension
        query = PivotQuery(rows=(dimension,),
                           columns=("period",) if definition.period_dimension else (),
                           measures=(measure_key,), grouping=grouping,
                           period=(start, period_end(start, kind)),
                           filters=(Filter(dimension, (self.data.employee_id,)),))
        reports = getattr(self.window(), "reports", None)
        if reports is not None and hasattr(reports, "open_report"):
            tab = reports.open_report(report_key)
            if tab is not None:
                tab.set_query(query)
                tab.run()
                self.report_tab = tab
                return tab
        return self._drill_dialog(definition, query, start, measure_key)

    def _drill_dialog(self, definition: Any, query: Any, start: date,
                      measure_key: str) -> Any:
        from vostok_desktop.gui.reports.drill_dialog import DrillDialog
        from vostok_desktop.services.reports.pivot import drill_down

        assert self.data is not None
        column = (start.isoformat(),) if definition.period_dimension else ()
        base, who = self.context.base, self.data.employee_id
        title = (f"{self.data.table.subjects.get(who) or 'сотрудник'}, "
                 f"{self.data.table.period_title(start)}")
        self.status_label.setText("Читаю строки…")
        op = BackgroundOperation(lambda _s: drill_down(base, definition, query, (who,), column,
                                                       measure_key=measure_key), self)

        def show(result: Any) -> None:
            self.status_label.setText("")
            dialog = DrillDialog(self.context, definition, title, result, self)
            self.drill_dialog = dialog
            dialog.show()

        op.finished.connect(show)
        op.failed.connect(lambda text: self.status_label.setText(f"Строки не прочитаны: {text}"))
        self.operation = op
        return op.start()


def employee_page(context: Any, card: Any) -> EmployeeKpiPage:
    """The factory for ``context.card_pages.register("employee", "Показатели", …)``."""
    return EmployeeKpiPage(context, card)


__all__ = ["EmployeeKpiPage", "completion_colour", "employee_page", "find_catalogue",
           "format_percent", "format_value", "period_end", "short_period"]
