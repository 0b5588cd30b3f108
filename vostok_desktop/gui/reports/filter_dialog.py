"""«Отбор»: which values of a dimension the report keeps. The values offered are those
present in the report's source for the period (read on a worker), with their counts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.reports.flat import format_value
from vostok_desktop.services.reports.pivot import (
    MeasureKind,
    PivotQuery,
    PivotResult,
    ReportDefinition,
    run_pivot,
)

VALUE_ROLE = Qt.ItemDataRole.UserRole
# Dimensions with a value per client would offer thousands of values: not offered here.
NOT_FILTERED = frozenset({"client"})


class ReportFilterDialog(QDialog):
    def __init__(self, context: Any, definition: ReportDefinition, query: PivotQuery,
                 filters: dict[str, tuple[Any, ...]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_filter_dialog")
        self.setWindowTitle(f"Отбор: {definition.title}")
        self.context, self.definition, self.query = context, definition, query
        self.filters = dict(filters)
        self.operation: BackgroundOperation | None = None
        self.dimension_box = QComboBox()
        self.dimension_box.setObjectName("filter_dimension")
        for dimension in definition.dimensions:
            if dimension.key not in NOT_FILTERED:
                mark = " ✓" if dimension.key in self.filters else ""
                self.dimension_box.addItem(dimension.title + mark, dimension.key)
        self.values = QListWidget()
        self.values.setObjectName("filter_values")
        self.status = QLabel()
        self.status.setObjectName("filter_status")
        all_button, none_button = QPushButton("&Все"), QPushButton("&Ни одного")
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button.clicked.connect(lambda: self._check_all(False))
        clear_button = QPushButton("&Снять все отборы")
        clear_button.setObjectName("filter_clear")
        clear_button.clicked.connect(self.clear_all)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        label = QLabel("&Измерение:")
        label.setBuddy(self.dimension_box)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.dimension_box, 1)
        layout.addLayout(top)
        values_label = QLabel("&Значения (пробел — отметить):")
        values_label.setBuddy(self.values)
        layout.addWidget(values_label)
        layout.addWidget(self.values, 1)
        row = QHBoxLayout()
        for b in (all_button, none_button, clear_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(440, 480)
        self.values.itemChanged.connect(lambda _i: self._remember())
        self.dimension_box.currentIndexChanged.connect(lambda _i: self.load_values())
        self.load_values()

    def dimension_key(self) -> str:
        return self.dimension_box.currentData()

    def load_values(self) -> BackgroundOperation | None:
        key = self.dimension_key()
        if key is None:
            return None
        counting = next((m for m in self.definition.measures
                         if m.kind is MeasureKind.COUNT and m.condition is None),
                        self.definition.measures[0])
        query = PivotQuery(rows=(key,), measures=(counting.key,), grouping=self.query.grouping,
                           period=self.query.period,
                           filters=tuple(f for f in self.query.filters if f.dimension != key))
        base, definition = self.context.base, self.definition
        self.values.clear()
        self.status.setText("Значения загружаются…")

        def work(_state: OperationState) -> PivotResult:
            return run_pivot(base, definition, query)

        operation = BackgroundOperation(work, self)
        operation.finished.connect(lambda r, k=key, m=counting: self._show(k, m, r))
        operation.failed.connect(lambda m: self.status.setText(f"Значения не получены: {m}"))
        self.operation = operation
        return operation.start()

    def _show(self, key: str, measure: Any, result: PivotResult) -> None:
        if key != self.dimension_key():
            return
        kept = self.filters.get(key)
        self.values.blockSignals(True)
        self.values.clear()
        for header in result.leaf_rows:
            value = header.key[0]
            count = format_value(result.value(header.key, (), measure.key), measure)
            item = QListWidgetItem(f"{header.label}  ({count})")
            item.setData(VALUE_ROLE, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = kept is None or value in kept
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.values.addItem(item)
        self.values.blockSignals(False)
        if self.values.count():
            self.values.setCurrentRow(0)
        self.status.setText(f"Значений: {self.values.count()}. Снимите отметки с лишних."
                            if self.values.count() else "За период нет ни одного значения.")

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.values.blockSignals(True)
        for i in range(self.values.count()):
            self.values.item(i).setCheckState(state)
        self.values.blockSignals(False)
        self._remember()

    def set_checked(self, values: set[Any]) -> None:
        self.values.blockSignals(True)
        for i in range(self.values.count()):
            item = self.values.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(VALUE_ROLE) in values
                               else Qt.CheckState.Unchecked)
        self.values.blockSignals(False)
        self._remember()

    def _remember(self) -> None:
        key = self.dimension_key()
        items = [self.values.item(i) for i in range(self.values.count())]
        checked = tuple(i.data(VALUE_ROLE) for i in items
                        if i.checkState() == Qt.CheckState.Checked)
        if len(checked) == len(items):
            self.filters.pop(key, None)  # everything kept: no filter
        else:
            self.filters[key] = checked

    def clear_all(self) -> None:
        self.filters.clear()
        self._check_all(True)

    def accept(self) -> None:
        for key, values in self.filters.items():
            if not values:
                title = self.definition.dimension(key).title
                self.status.setText(f"По «{title}» не отмечено ни одного значения: отчёт "
                                    "был бы пустым. Отметьте хотя бы одно.")
                return
        super().accept()
