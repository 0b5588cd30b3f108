"""The chart view of a pivot report (pyqtgraph): bars, stacked bars, lines over periods,
shares. Categories along the axis are the column headers when the report has columns (a
series per row), else the rows (one series). Axis numbers are Russian («1 234,5»), axis
titles name the dimension and the measure."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vostok_desktop.services.reports.pivot import MeasureKind, PivotResult

MAX_SERIES = 10
MAX_LABEL = 18
PALETTE = ("#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477",
           "#66aa00", "#b82e2e", "#316395", "#994499")


class ChartKind(enum.StrEnum):
    BARS = "bars"
    STACKED = "stacked"
    LINES = "lines"
    SHARES = "shares"


CHART_TITLES = {ChartKind.BARS: "Столбцы", ChartKind.STACKED: "Столбцы с накоплением",
                ChartKind.LINES: "Линии", ChartKind.SHARES: "Доли, %"}


def russian_number(value: float, spacing: float = 1.0) -> str:
    places = 0 if spacing >= 1 or float(value).is_integer() else 1
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


class RussianAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [russian_number(v * scale, spacing * scale) for v in values]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


class ChartData:
    """Categories, series and their values taken from a result for one measure."""

    def __init__(self, result: PivotResult, measure_key: str) -> None:
        self.measure = next(m for m in result.measures if m.key == measure_key)
        self.note = ""
        if result.column_dimensions:
            columns = result.leaf_columns
            self.categories = [" / ".join(h.labels) for h in columns]
            self.axis_title = " / ".join(d.title for d in result.column_dimensions)
            rows = result.leaf_rows if result.row_dimensions else [result.row_headers[-1]]
            series = [(" / ".join(h.labels) or self.measure.title,
                       [_number(result.value(h.key, c.key, measure_key)) for c in columns],
                       _number(result.value(h.key, (), measure_key))) for h in rows]
        else:
            rows = result.leaf_rows
            self.categories = [" / ".join(h.labels) for h in rows]
            self.axis_title = " / ".join(d.title for d in result.row_dimensions)
            series = [(self.measure.title,
                       [_number(result.value(h.key, (), measure_key)) for h in rows],
                       _number(result.grand_total(measure_key)))]
        if len(series) > MAX_SERIES:
            series.sort(key=lambda s: -s[2])
            self.note = (f"Показаны {MAX_SERIES} строк с наибольшим итогом из {len(series)}; "
                         "все строки — в таблице.")
            series = series[:MAX_SERIES]
        self.series = [(name, values) for name, values, _total in series]
        self.totals = [_number(result.value(h.key, (), measure_key)) for h in rows] \
            if not result.column_dimensions else [
            _number(result.value((), c.key, measure_key)) for c in result.leaf_columns]
        self.grand = _number(result.grand_total(measure_key))


class ReportChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_chart")
        pg.setConfigOptions(antialias=True)
        self.bottom = RussianAxis("bottom")
        self.left = RussianAxis("left")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.bottom, "left": self.left})
        self.plot.setBackground("w")
        for axis in (self.bottom, self.left):
            axis.setPen("k")
            axis.setTextPen("k")
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.note = QLabel()
        self.note.setObjectName("chart_note")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.data: ChartData | None = None
        self.kind = ChartKind.BARS

    def clear(self) -> None:
        self.plot.clear()
        legend = self.plot.plotItem.legend
        if legend is not None:
            legend.scene().removeItem(legend)
            self.plot.plotItem.legend = None

    def show_result(self, result: PivotResult, measure_key: str, kind: ChartKind) -> None:
        self.clear()
        self.kind = kind = ChartKind(kind)
        data = self.data = ChartData(result, measure_key)
        measure = data.measure
        unit = f", {measure.unit}" if measure.unit and measure.unit not in measure.title else ""
        notes = [data.note] if data.note else []
        if kind is ChartKind.SHARES:
            self._shares(data)
            if measure.kind in (MeasureKind.AVG, MeasureKind.SHARE):
                notes.append("Доли среднего или доли не складываются: смотрите столбцы.")
        else:
            if len(data.series) > 1:
                self.plot.addLegend(offset=(-10, 5), labelTextColor="k",
                                    brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen("#bbb"))
            if kind is ChartKind.LINES:
                self._lines(data)
            else:
                self._bars(data, stacked=kind is ChartKind.STACKED)
            self.bottom.setLabel(data.axis_title)
            self.left.setLabel(measure.title + unit)
            self._category_ticks(self.bottom, data.categories)
            self.left.setTicks(None)
            self.left.setWidth(None)
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        if kind is not ChartKind.SHARES:
            self.plot.autoRange()
            # Half a category of room at each end: pyqtgraph hides a tick label that would
            # stick out of the axis, so the first and last months lost theirs.
            if data.categories:
                self.plot.setXRange(-0.5, len(data.categories) - 0.5, padding=0)

    def _category_ticks(self, axis: pg.AxisItem, categories: list[str]) -> None:
        step = max(1, len(categories) // 12 + (1 if len(categories) % 12 else 0)) \
            if len(categories) > 12 else 1
        axis.setTicks([[(i, _short(c)) for i, c in enumerate(categories) if i % step == 0]])

    def _bars(self, data: ChartData, *, stacked: bool) -> None:
        n = max(1, len(data.series))
        width = 0.8 if stacked else 0.8 / n
        base = [0.0] * len(data.categories)
        for i, (name, values) in enumerate(data.series):
            colour = PALETTE[i % len(PALETTE)]
            if stacked:
                x = list(range(len(values)))
                item = pg.BarGraphItem(x=x, height=values, y0=base, width=width, brush=colour,
                                       pen=pg.mkPen("w", width=0.5), name=_short(name))
                base = [b + v for b, v in zip(base, values, strict=True)]
            else:
                x = [j - 0.4 + width * (i + 0.5) for j in range(len(values))]
                item = pg.BarGraphItem(x=x, height=values, width=width * 0.95, brush=colour,
                                       pen=pg.mkPen("w", width=0.5), name=_short(name))
            self.plot.addItem(item)  # the legend, when there is one, takes it by name

    def _lines(self, data: ChartData) -> None:
        for i, (name, values) in enumerate(data.series):
            colour = PALETTE[i % len(PALETTE)]
            self.plot.plot(list(range(len(values))), values, pen=pg.mkPen(colour, width=2),
                           symbol="o", symbolSize=6, symbolBrush=colour, name=_short(name))

    def _shares(self, data: ChartData) -> None:
        """Horizontal bars: each category's share of the whole, in per cent."""
        grand = data.grand or sum(data.totals) or 1.0
        shares = [t * 100.0 / grand for t in data.totals]
        y = list(range(len(shares)))[::-1]
        item = pg.BarGraphItem(x0=[0.0] * len(shares), y=y, width=shares, height=0.7,
                               brush=PALETTE[0], pen=pg.mkPen("w", width=0.5))
        self.plot.addItem(item)
        for share, row in zip(shares, y, strict=True):
            label = pg.TextItem(russian_number(share, 0.1) + " %", color="k",
                                anchor=(0, 0.5))
            label.setPos(share, row)
            self.plot.addItem(label)
        ticks = [(row, _short(c)) for c, row in zip(data.categories, y, strict=True)]
        self.left.setTicks([ticks])
        # The axis grows to its labels only on a later paint: give it the room at once.
        metrics = self.fontMetrics()
        self.left.setWidth(max((metrics.horizontalAdvance(t) for _r, t in ticks), default=30)
                           + metrics.height() + 16)
        self.plot.autoRange()
        self.plot.setXRange(0, max(shares, default=1.0) * 1.18, padding=0)
        self.bottom.setTicks(None)
        self.bottom.setLabel("Доля, %")
        self.left.setLabel(data.axis_title)

    def save_png(self, path: str) -> bool:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # the axes take their room for the labels first
        return self.plot.grab().save(path, "PNG")


__all__ = ["CHART_TITLES", "ChartKind", "ReportChart", "russian_number"]
