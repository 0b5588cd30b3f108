"""«Планы KPI»: the plans of one indicator for a year, per employees or departments and
per month, quarter or year — a table edited from the keyboard (type over a cell, Enter;
Delete empties the selected cells; «Записать» or Ctrl+S writes the changed cells in one
go). Numbers take a comma. Without «Планы KPI» the table is read-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import RIGHT_TITLES, Right
from vostok_desktop.domain.kpi import PERIOD_KIND_TITLES
from vostok_desktop.gui.kpi.common import announce, error_text, read_only_label
from vostok_desktop.services.kpi import indicators, plans
from vostok_desktop.services.kpi.indicators import KpiRefused
from vostok_desktop.services.kpi.plans import SUBJECT_TITLES, PlanCell, PlanGrid

BAD_COLOUR = "#ffd6d6"
CHANGED_COLOUR = "#fff4c2"


class PlansDialog(QDialog):
    """«Планы KPI»."""

    def __init__(self, context: Any, parent: QWidget | None = None, *,
                 year: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpi_plans_dialog")
        self.setWindowTitle("Планы KPI")
        self.context = context
        self.may_edit = context.allows(Right.KPI_PLANS)
        self.grid: PlanGrid | None = None
        self.changed: dict[tuple[int, int], str] = {}  # (row, column) -> typed text
        self._filling = False
        self._shown: tuple[Any, ...] | None = None

        self.indicator = QComboBox()
        self.indicator.setObjectName("plans_indicator")
        for row in indicators.list_indicators(context.base, include_archived=False):
            self.indicator.addItem(row.label, row.id)
        self.year = QSpinBox()
        self.year.setObjectName("plans_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(year or date.today().year)
        self.kind = QComboBox()
        self.kind.setObjectName("plans_kind")
        for kind, title in PERIOD_KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.subject = QComboBox()
        self.subject.setObjectName("plans_subject")
        for subject, title in SUBJECT_TITLES.items():
            self.subject.addItem(title, subject)
        top = QHBoxLayout()
        for text, widget in (("&Показатель:", self.indicator), ("&Год:", self.year),
                             ("П&ериод:", self.kind), ("&Кому:", self.subject)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 3 if widget is self.indicator else 0)
        for combo in (self.indicator, self.kind, self.subject):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.year.valueChanged.connect(lambda _y: self.reload())

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("plans_grid")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            if self.may_edit else QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemChanged.connect(self._changed)
        self.table.installEventFilter(self)

        self.save_button = QPushButton("&Записать")
        self.save_button.setObjectName("save_plans")
        self.save_button.setToolTip("Записать изменённые планы (Ctrl+S)")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button = QPushButton("&Отменить изменения")
        self.revert_button.setObjectName("revert_plans")
        self.revert_button.setAutoDefault(False)
        self.revert_button.clicked.connect(lambda: self.reload(force=True))
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save())
        self.status = QLabel()
        self.status.setObjectName("plans_status")
        self.status.setWordWrap(True)
        hint = QLabel("Введите план в клетку и нажмите Enter; Delete очищает клетку "
                      "(пустая клетка — плана нет). Дробные числа — через запятую.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555;")
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if not self.may_edit:
            layout.addWidget(read_only_label(RIGHT_TITLES[Right.KPI_PLANS]))
            self.save_button.setEnabled(False)
            self.revert_button.setEnabled(False)
        else:
            layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(1180, 520)
        self.reload()

    def done(self, result: int) -> None:
        """Closing with unsaved plans asks first (Esc, «Закрыть», the window's ×)."""
        if self.changed and self.may_edit:
            answer = QMessageBox.question(
                self, "Планы KPI", "Планы изменены, но не записаны. Записать их?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self._save_shown()):
                return
            self.changed.clear()
        super().done(result)

    # -- reading -----------------------------------------------------------------------
    def _params(self) -> tuple[Any, ...]:
        return (self.indicator.currentData(), self.year.value(), self.kind.currentData(),
                self.subject.currentData())

    def _restore(self, params: tuple[Any, ...]) -> None:
        widgets = (self.indicator, self.year, self.kind, self.subject)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.indicator.setCurrentIndex(self.indicator.findData(params[0]))
            self.year.setValue(params[1])
            self.kind.setCurrentIndex(self.kind.findData(params[2]))
            self.subject.setCurrentIndex(self.subject.findData(params[3]))
        finally:
            for w in widgets:
                w.blockSignals(False)

    def reload(self, *, force: bool = False) -> None:
        params = self._params()
        if self.changed and not force and self._shown is not None and params != self._shown:
            answer = QMessageBox.question(
                self, "Планы KPI", "Планы изменены, но не записаны. Записать их?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self._save_shown()):
                self._restore(self._shown)
                return
        self.changed.clear()
        indicator_id, year, kind, subject = params
        self._shown = params
        self._filling = True
        try:
            if indicator_id is None:
                self.grid = None
                self.table.setRowCount(0)
                self.table.setColumnCount(0)
                self.status.setText("Показателей пока нет: заведите их в «Показатели KPI…»")
                self.save_button.setEnabled(False)
                self.revert_button.setEnabled(False)
                return
            self.grid = plans.plan_grid(self.context.base, indicator_id, year, kind, subject)
            self.table.clear()
            self.table.setColumnCount(len(self.grid.columns))
            self.table.setRowCount(len(self.grid.rows))
            self.table.setHorizontalHeaderLabels(self.grid.headers)
            self.table.setVerticalHeaderLabels([r.name for r in self.grid.rows])
            for r, row in enumerate(self.grid.rows):
                for c, value in enumerate(row.values):
                    item = QTableWidgetItem(plans.format_value(value))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(r, c, item)
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self.table.verticalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents)
        finally:
            self._filling = False
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)
        self.status.setText("" if self.grid.rows else "Некому планировать: список пуст")

    # -- editing -----------------------------------------------------------------------
    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        r, c = item.row(), item.column()
        self.changed[(r, c)] = item.text()
        self._filling = True
        try:
            try:
                plans.parse_value(item.text(), "План")
                item.setBackground(QBrush(QColor(CHANGED_COLOUR)))
                self.status.setText("Есть незаписанные изменения")
            except KpiRefused as exc:
                item.setBackground(QBrush(QColor(BAD_COLOUR)))
                self.status.setText(f"{self.table.verticalHeaderItem(r).text()}, "
                                    f"{self.table.horizontalHeaderItem(c).text()}: "
                                    f"{exc.message.removeprefix('План: ')}")
        finally:
            self._filling = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and self.may_edit
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.table.state() != QAbstractItemView.State.EditingState):
            for item in self.table.selectedItems():
                item.setText("")
            return True
        return super().eventFilter(watched, event)

    def cells(self) -> list[PlanCell]:
        assert self.grid is not None
        return [PlanCell(self.grid.rows[r].subject_id, self.grid.columns[c], text)
                for (r, c), text in sorted(self.changed.items())]

    def _save_shown(self) -> bool:
        if self.grid is None or not self.changed:
            return True
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.setCurrentCell(self.table.currentRow(), self.table.currentColumn())
        try:
            count = plans.save_plan_cells(
                self.context.base, self.grid.indicator_id, self.grid.kind,
                self.grid.subject, self.cells(), self.context.employee_id,
                profile=self.context.access)
        except Exception as exc:  # noqa: BLE001 - refusals and server errors alike
            self.status.setText(f"Не записано: {error_text(exc)}")
            return False
        self.changed.clear()
        self._saved_count = count
        announce(self.context, "kpi_plans")
        return True

    def save(self) -> bool:
        if not self.may_edit:
            return False
        if not self.changed:
            self.status.setText("Изменений нет")
            return True
        if not self._save_shown():
            return False
        self.reload(force=True)
        self.status.setText(f"Планы записаны: изменено {self._saved_count}")
        return True


__all__ = ["PlansDialog"]
