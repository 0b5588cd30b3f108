"""A pivot report in a tab: the layout (rows, columns, measures) chosen from the keyboard
or by dragging, the period and its grouping, filters, saved variants; the table with
totals or the chart; drill-down to the rows of a cell; Excel through the export gate and
the chart as PNG. The report is computed on a worker and can be cancelled (Esc).

Keys inside the layout lists: Enter puts the dimension into rows, Ctrl+Enter into
columns, Delete takes it out, Ctrl+↑/↓ move it; Space ticks a measure. F5 builds the
report, Ctrl+E exports, Ctrl+G switches table/chart, Enter on a cell drills down."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.gui.reports.chart import CHART_TITLES, ChartKind, ReportChart
from vostok_desktop.gui.reports.pivot_model import PivotTableModel
from vostok_desktop.services.lists.filters import Canceller
from vostok_desktop.services.reports.flat import flatten, subtitle, to_report_table
from vostok_desktop.services.reports.periods import PERIOD_TITLES, PeriodGrouping
from vostok_desktop.services.reports.pivot import (
    Filter,
    PivotQuery,
    PivotResult,
    ReportCancelled,
    ReportDefinition,
    ReportError,
    drill_down,
    run_pivot,
)

KEY_ROLE = Qt.ItemDataRole.UserRole
PRESETS = ("Этот месяц", "Прошлый месяц", "Этот квартал", "Этот год", "Прошлый год",
           "Последние 12 месяцев", "Произвольный период")


def preset_period(name: str, today: date) -> tuple[date, date] | None:
    month = today.replace(day=1)
    if name == "Этот месяц":
        return month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if name == "Прошлый месяц":
        last = month - timedelta(days=1)
        return last.replace(day=1), last
    if name == "Этот квартал":
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        after = (first + timedelta(days=95)).replace(day=1)
        return first, after - timedelta(days=1)
    if name == "Этот год":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if name == "Прошлый год":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if name == "Последние 12 месяцев":
        start = date(today.year - 1, today.month, 1) + timedelta(days=32)
        return start.replace(day=1), today
    return None


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class _LayoutList(QListWidget):
    """A list of dimensions that accepts drops from the other layout lists."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

        self.key_handlers: dict[tuple[int, bool], Any] = {}

    def keys(self) -> tuple[str, ...]:
        return tuple(self.item(i).data(KEY_ROLE) for i in range(self.count()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # The layout keys belong to the list with the focus (not window shortcuts).
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        key = Qt.Key.Key_Return if event.key() == Qt.Key.Key_Enter else event.key()
        handler = self.key_handlers.get((int(key), ctrl))
        if handler is not None:
            handler()
            event.accept()
            return
        super().keyPressEvent(event)


class _PivotView(QTableView):
    """The table: Enter on a cell drills down (a double click too)."""

    def __init__(self, on_enter: Any) -> None:
        super().__init__()
        self._on_enter = on_enter

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class ReportTab(QWidget):
    def __init__(self, context: Any, definition: ReportDefinition, parent: QWidget | None = None,
                 *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"report_{definition.key}")
        self.context, self.definition = context, definition
        self.today = today or date.today()
        self.result: PivotResult | None = None
        self.filters: dict[str, tuple[Any, ...]] = {}
        self.operation: BackgroundOperation | None = None
        self.canceller: Canceller | None = None
        self._generation = 0
        self.opened_dialog: QWidget | None = None  # the last drill-down or filter dialog

        self.title_label = QLabel(f"<b>{definition.title}</b>")
        self.title_label.setObjectName("report_title")
        self.description = QLabel(definition.description)
        self.description.setWordWrap(True)

        # -- period --------------------------------------------------------------------
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("report_preset")
        self.preset_box.addItems(PRESETS)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit, name in ((self.start_edit, "report_start"), (self.end_edit, "report_end")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.grouping_box = QComboBox()
        self.grouping_box.setObjectName("report_grouping")
        for grouping, title in PERIOD_TITLES.items():
            self.grouping_box.addItem(title, grouping)
        self.grouping_box.setCurrentIndex(list(PERIOD_TITLES).index(PeriodGrouping.MONTH))
        self.preset_box.currentTextChanged.connect(self._apply_preset)
        self.preset_box.setCurrentText("Этот год")
        self._apply_preset("Этот год")

        # -- layout lists ------------------------------------------------------------------
        self.available = _LayoutList("report_dimensions")
        self.rows_list = _LayoutList("report_rows")
        self.columns_list = _LayoutList("report_columns")
        self.measures_list = QListWidget()
        self.measures_list.setObjectName("report_measures")
        for measure in definition.measures:
            item = QListWidgetItem(measure.title)
            item.setData(KEY_ROLE, measure.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.measures_list.addItem(item)
        self.filter_label = QLabel("Отбор не задан.")
        self.filter_label.setObjectName("report_filter_summary")
        self.filter_label.setWordWrap(True)
        self.variant_box = QComboBox()
        self.variant_box.setObjectName("report_variants")
        self.variant_box.activated.connect(lambda _i: self._apply_variant())

        # -- buttons ---------------------------------------------------------------------------
        def button(text: str, name: str, slot: Any, tip: str = "") -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(lambda _c=False: slot())
            if tip:
                b.setToolTip(tip)
            return b

        self.to_rows = button("В &строки", "to_rows", lambda: self.move_to(self.rows_list),
                              "Enter в списке измерений")
        self.to_columns = button("В &колонки", "to_columns",
                                 lambda: self.move_to(self.columns_list),
                                 "Ctrl+Enter в списке измерений")
        self.remove_button = button("&Убрать", "remove_dimension", self.remove_current,
                                    "Delete в строках или колонках")
        self.filter_button = button("&Отбор…", "report_filter", self.edit_filters)
        self.save_variant_button = button("Со&хранить…", "save_variant", self.save_variant,
                                          "Сохранить макет как вариант отчёта")
        self.delete_variant_button = button("Удалить", "delete_variant", self.delete_variant,
                                            "Удалить выбранный вариант")
        self.run_button = button("С&формировать", "run_report", self.run, "F5")
        self.run_button.setDefault(True)
        self.cancel_button = button("Отменить", "cancel_report", self.cancel, "Esc")
        self.cancel_button.hide()
        self.excel_button = button("В &Excel…", "export_report", self.export_excel, "Ctrl+E")
        self.png_button = button("Диаграмму в &PNG…", "export_chart", self.export_png)
        self.view_button = button("&Диаграмма", "toggle_view", self.toggle_view, "Ctrl+G")
        for b in (self.excel_button, self.png_button):
            b.setEnabled(False)
        self.print_button: QPushButton | None = None
        self.print_operation: BackgroundOperation | None = None
        if definition.key == "employee_diary":
            self.print_button = button("&Печать ежедневника…", "print_diary", self.print_diary,
                                       "Документ Word по шаблону «Ежедневник сотрудника»: "
                                       "период и отбор отчёта")

        # -- result ----------------------------------------------------------------------------
        self.model = PivotTableModel(self)
        self.table = _PivotView(lambda index: self.drill(index))
        self.table.setObjectName("report_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda index: self.drill(index))
        self.chart_kind_box = QComboBox()
        self.chart_kind_box.setObjectName("chart_kind")
        for kind, title in CHART_TITLES.items():
            self.chart_kind_box.addItem(title, kind)
        self.chart_measure_box = QComboBox()
        self.chart_measure_box.setObjectName("chart_measure")
        self.chart_kind_box.currentIndexChanged.connect(lambda _i: self._draw_chart())
        self.chart_measure_box.currentIndexChanged.connect(lambda _i: self._draw_chart())
        self.chart = ReportChart()
        chart_page = QWidget()
        chart_layout = QVBoxLayout(chart_page)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_bar = QHBoxLayout()
        kind_label = QLabel("&Вид:")
        kind_label.setBuddy(self.chart_kind_box)
        measure_label = QLabel("По&казатель:")
        measure_label.setBuddy(self.chart_measure_box)
        for w in (kind_label, self.chart_kind_box, measure_label, self.chart_measure_box):
            chart_bar.addWidget(w)
        chart_bar.addStretch(1)
        chart_layout.addLayout(chart_bar)
        chart_layout.addWidget(self.chart, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(chart_page)
        self.status_label = QLabel("Выберите строки, колонки и показатели и нажмите "
                                   "«Сформировать» (F5).")
        self.status_label.setObjectName("report_status")
        self.status_label.setWordWrap(True)

        self._build_layout()
        self._shortcuts()
        self.set_query(definition.default_query(self.period()))
        self._load_variants()

    # -- building ----------------------------------------------------------------------------
    def _build_layout(self) -> None:
        def labelled(text: str, widget: QWidget) -> QLabel:
            label = QLabel(text)
            label.setBuddy(widget)
            return label

        period_box = QHBoxLayout()
        if self.definition.as_of:
            self.start_edit.hide()
            self.preset_box.hide()
            self.grouping_box.hide()
            period_box.addWidget(labelled("&На дату:", self.end_edit))
            period_box.addWidget(self.end_edit)
            self.end_edit.setDate(_qdate(self.today))
        elif self.definition.period_dimension is None:
            for w in (self.preset_box, self.start_edit, self.end_edit):
                w.hide()
            period_box.addWidget(labelled("Даты &по:", self.grouping_box))
            period_box.addWidget(self.grouping_box)
        else:
            period_box.addWidget(labelled("П&ериод:", self.preset_box))
            period_box.addWidget(self.preset_box)
            period_box.addWidget(labelled("&с", self.start_edit))
            period_box.addWidget(self.start_edit)
            period_box.addWidget(labelled("п&о", self.end_edit))
            period_box.addWidget(self.end_edit)
            period_box.addWidget(labelled("&Группировать:", self.grouping_box))
            period_box.addWidget(self.grouping_box)
        period_box.addStretch(1)
        for b in (self.run_button, self.cancel_button, self.view_button, self.excel_button,
                  self.png_button, self.print_button):
            if b is not None:
                period_box.addWidget(b)

        panel = QGroupBox("Макет отчёта")
        grid = QGridLayout(panel)
        grid.addWidget(labelled("&Измерения:", self.available), 0, 0)
        grid.addWidget(self.available, 1, 0, 1, 3)
        moves = QHBoxLayout()
        for b in (self.to_rows, self.to_columns, self.remove_button):
            moves.addWidget(b)
        grid.addLayout(moves, 2, 0, 1, 3)
        grid.addWidget(labelled("С&троки:", self.rows_list), 3, 0)
        grid.addWidget(labelled("Ко&лонки:", self.columns_list), 3, 1, 1, 2)
        grid.addWidget(self.rows_list, 4, 0)
        grid.addWidget(self.columns_list, 4, 1, 1, 2)
        grid.addWidget(labelled("Пока&затели (пробел — отметить):", self.measures_list),
                       5, 0, 1, 3)
        grid.addWidget(self.measures_list, 6, 0, 1, 3)
        grid.addWidget(self.filter_button, 7, 0)
        grid.addWidget(self.filter_label, 7, 1, 1, 2)
        grid.addWidget(labelled("Вари&ант:", self.variant_box), 8, 0)
        grid.addWidget(self.variant_box, 8, 1, 1, 2)
        variant_buttons = QHBoxLayout()
        variant_buttons.addWidget(self.save_variant_button)
        variant_buttons.addWidget(self.delete_variant_button)
        grid.addLayout(variant_buttons, 9, 0, 1, 3)
        for lst in (self.available, self.rows_list, self.columns_list):
            lst.setMinimumHeight(self.fontMetrics().height() * 4)
        panel.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 18)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.stack, 1)
        splitter = QSplitter()
        splitter.addWidget(panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        # The layout panel narrow, the table wide.
        em = self.fontMetrics().horizontalAdvance("M")
        splitter.setSizes([em * 27, em * 80])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title_label)
        if self.definition.description:
            layout.addWidget(self.description)
        layout.addLayout(period_box)
        layout.addWidget(splitter, 1)

    def _shortcuts(self) -> None:
        def key(sequence: str | QKeySequence, widget: QWidget, slot: Any,
                scope: Qt.ShortcutContext = Qt.ShortcutContext.WidgetShortcut) -> None:
            QShortcut(QKeySequence(sequence), widget, slot, context=scope)

        tab = Qt.ShortcutContext.WidgetWithChildrenShortcut
        ret, up, down = int(Qt.Key.Key_Return), int(Qt.Key.Key_Up), int(Qt.Key.Key_Down)
        self.available.key_handlers.update({
            (ret, False): lambda: self.move_to(self.rows_list),
            (ret, True): lambda: self.move_to(self.columns_list)})
        for lst in (self.rows_list, self.columns_list):
            lst.key_handlers.update({
                (int(Qt.Key.Key_Delete), False): lambda lst=lst: self.remove_from(lst),
                (up, True): lambda lst=lst: self.shift(lst, -1),
                (down, True): lambda lst=lst: self.shift(lst, 1)})
        key("Ctrl+E", self, self.export_excel, tab)
        key("Ctrl+G", self, self.toggle_view, tab)
        key("Escape", self, self.cancel, tab)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # F5 reaches here when no window command takes it (in the main window
        # «Перечитать карточку» does, and calls refresh()).
        if event.key() == Qt.Key.Key_F5:
            self.refresh()
            event.accept()
            return
        super().keyPressEvent(event)

    def refresh(self) -> None:
        self.run()

    # -- the query -------------------------------------------------------------------------
    def _apply_preset(self, name: str) -> None:
        period = preset_period(name, self.today)
        custom = period is None
        self.start_edit.setEnabled(True)
        self.end_edit.setEnabled(True)
        if not custom:
            self.start_edit.setDate(_qdate(period[0]))
            self.end_edit.setDate(_qdate(period[1]))

    def period(self) -> tuple[date, date] | None:
        if self.definition.as_of:
            day = _pydate(self.end_edit)
            return day, day
        if self.definition.period_dimension is None:
            return None
        return _pydate(self.start_edit), _pydate(self.end_edit)

    def query(self) -> PivotQuery:
        measures = tuple(self.measures_list.item(i).data(KEY_ROLE)
                         for i in range(self.measures_list.count())
                         if self.measures_list.item(i).checkState() == Qt.CheckState.Checked)
        return PivotQuery(
            rows=self.rows_list.keys(), columns=self.columns_list.keys(), measures=measures,
            grouping=PeriodGrouping(self.grouping_box.currentData()), period=self.period(),
            filters=tuple(Filter(k, v) for k, v in self.filters.items()))

    def set_query(self, query: PivotQuery) -> None:
        """Lay the lists out as ``query`` says (a variant, the defaults)."""
        for lst in (self.available, self.rows_list, self.columns_list):
            lst.clear()
        placed = {k: self.rows_list for k in query.rows} | {
            k: self.columns_list for k in query.columns}
        order = list(query.rows) + list(query.columns)
        dims = sorted(self.definition.dimensions,
                      key=lambda d: order.index(d.key) if d.key in order else len(order))
        for dimension in dims:
            item = QListWidgetItem(dimension.title)
            item.setData(KEY_ROLE, dimension.key)
            placed.get(dimension.key, self.available).addItem(item)
        for i in range(self.measures_list.count()):
            item = self.measures_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(KEY_ROLE) in query.measures
                               else Qt.CheckState.Unchecked)
        self.grouping_box.setCurrentIndex(list(PERIOD_TITLES).index(query.grouping))
        if query.period is not None and self.definition.period_dimension is not None:
            self.preset_box.blockSignals(True)
            self.preset_box.setCurrentText(next(
                (p for p in PRESETS if preset_period(p, self.today) == query.period),
                "Произвольный период"))
            self.preset_box.blockSignals(False)
            self.start_edit.setDate(_qdate(query.period[0]))
            self.end_edit.setDate(_qdate(query.period[1]))
        self.filters = {f.dimension: f.values for f in query.filters}
        self._show_filters()
        if self.available.count():
            self.available.setCurrentRow(0)

    def move_to(self, target: _LayoutList) -> None:
        """The chosen dimension into ``target``: from «Измерения», or from the other of
        rows/columns when nothing is chosen there."""
        source = self.available
        if source.currentRow() < 0:
            other = self.columns_list if target is self.rows_list else self.rows_list
            if other.currentRow() >= 0:
                source = other
        row = source.currentRow()
        if row < 0:
            return
        item = source.takeItem(row)
        target.addItem(item)
        target.setCurrentItem(item)
        if source.count():
            source.setCurrentRow(min(row, source.count() - 1))

    def remove_current(self) -> None:
        """«Убрать»: the chosen dimension of rows (else of columns) back to «Измерения»."""
        lst = self.columns_list if self.columns_list.hasFocus() else self.rows_list
        if lst.currentRow() < 0:
            lst = self.columns_list if lst is self.rows_list else self.rows_list
        self.remove_from(lst)

    def remove_from(self, lst: _LayoutList) -> None:
        row = lst.currentRow()
        if row < 0:
            return
        item = lst.takeItem(row)
        self.available.addItem(item)
        self.available.setCurrentItem(item)

    def shift(self, lst: _LayoutList, step: int) -> None:
        row = lst.currentRow()
        new = row + step
        if row < 0 or not 0 <= new < lst.count():
            return
        item = lst.takeItem(row)
        lst.insertItem(new, item)
        lst.setCurrentRow(new)

    # -- running ------------------------------------------------------------------------------
    def running(self) -> bool:
        return not self.cancel_button.isHidden()

    def run(self) -> BackgroundOperation | None:
        query = self.query()
        if not query.measures:
            self.status_label.setText("Отметьте хотя бы один показатель (пробел в списке "
                                      "«Показатели»).")
            return None
        if query.period and query.period[1] < query.period[0]:
            self.status_label.setText("Начало периода позже его конца: исправьте даты.")
            return None
        self._generation += 1
        generation = self._generation
        base, definition = self.context.base, self.definition
        canceller = self.canceller = Canceller()

        def work(_state: OperationState) -> PivotResult:
            return run_pivot(base, definition, query, canceller=canceller)

        self.run_button.setEnabled(False)
        self.cancel_button.show()
        self.status_label.setText("Отчёт формируется… (Esc — отменить)")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(lambda r, g=generation: self._ready(g, r))
        operation.failed.connect(lambda m, g=generation: self._failed(g, m))
        operation.cancelled.connect(lambda g=generation: self._failed(g, "отменён"))
        self.operation = operation
        return operation.start()

    def cancel(self) -> None:
        if not self.running():
            return
        if self.canceller is not None:
            self.canceller.cancel()
        if self.operation is not None:
            self.operation.cancel()
        self._generation += 1
        self._idle()
        self.status_label.setText("Отчёт отменён.")

    def _idle(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.hide()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._idle()
        self.status_label.setText(f"Отчёт не сформирован: {message}")

    def _ready(self, generation: int, result: PivotResult) -> None:
        if generation != self._generation:
            return
        self._idle()
        self.show_result(result)

    def show_result(self, result: PivotResult) -> None:
        self.result = result
        flat = flatten(result)
        self.model.set_flat(flat)
        rows = len(result.leaf_rows) if result.row_dimensions else (0 if result.is_empty else 1)
        self.status_label.setText(
            f"{subtitle(result)}. " + ("Нет данных за выбранные условия." if result.is_empty
                                       else f"Строк: {rows}. Enter на ячейке — из чего она "
                                       "сложилась."))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        cap = max(self.fontMetrics().horizontalAdvance("M") * 28, 160)
        for c in range(self.model.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 10, cap))
        self.excel_button.setEnabled(not result.is_empty)
        self.png_button.setEnabled(not result.is_empty)
        self.chart_measure_box.blockSignals(True)
        self.chart_measure_box.clear()
        for measure in result.measures:
            self.chart_measure_box.addItem(measure.title, measure.key)
        self.chart_measure_box.blockSignals(False)
        if self.model.rowCount() and self.model.columnCount() > flat.label_columns:
            self.table.setCurrentIndex(self.model.index(0, flat.label_columns))
        self._draw_chart()

    # -- views ----------------------------------------------------------------------------------
    def toggle_view(self) -> None:
        chart = self.stack.currentIndex() == 0
        self.stack.setCurrentIndex(1 if chart else 0)
        self.view_button.setText("&Таблица" if chart else "&Диаграмма")
        self._draw_chart()

    def show_chart(self, kind: ChartKind, measure_key: str | None = None) -> None:
        self.chart_kind_box.setCurrentIndex(list(CHART_TITLES).index(kind))
        if measure_key is not None:
            index = self.chart_measure_box.findData(measure_key)
            if index >= 0:
                self.chart_measure_box.setCurrentIndex(index)
        if self.stack.currentIndex() == 0:
            self.toggle_view()
        self._draw_chart()

    def _draw_chart(self) -> None:
        if self.result is None or self.result.is_empty or self.stack.currentIndex() != 1:
            return
        measure_key = self.chart_measure_box.currentData()
        if measure_key is None:
            return
        self.chart.show_result(self.result, measure_key,
                               ChartKind(self.chart_kind_box.currentData()))

    # -- drill-down -------------------------------------------------------------------------------
    def drill(self, index: Any) -> QWidget | None:
        cell = self.model.cell(index)
        if cell is None or self.result is None:
            return None
        row_key, column_key, measure_key = cell
        from vostok_desktop.gui.reports.drill_dialog import DrillDialog

        try:
            drill = drill_down(self.context.base, self.definition, self.result.query, row_key,
                               column_key, measure_key=measure_key)
        except (ReportError, ReportCancelled) as exc:
            self.status_label.setText(f"Строки ячейки не получены: {exc}")
            return None
        row = self.model.row(index.row())
        column = self.model.column(index.column())
        title = " · ".join(x for x in (" / ".join(row.header.labels) or "Итого", column.title) if x)
        dialog = DrillDialog(self.context, self.definition, title, drill, self)
        self.opened_dialog = dialog
        dialog.show()
        return dialog

    # -- filters ----------------------------------------------------------------------------------
    def _show_filters(self) -> None:
        if not self.filters:
            self.filter_label.setText("Отбор не задан.")
            return
        parts = []
        for key, values in self.filters.items():
            parts.append(f"{self.definition.dimension(key).title}: {len(values)} знач.")
        self.filter_label.setText("; ".join(parts))

    def edit_filters(self) -> QDialog:
        from vostok_desktop.gui.reports.filter_dialog import ReportFilterDialog

        dialog = ReportFilterDialog(self.context, self.definition, self.query(), self.filters,
                                    self)
        dialog.accepted.connect(lambda: self._set_filters(dialog.filters))
        self.opened_dialog = dialog
        dialog.open()
        return dialog

    def _set_filters(self, filters: dict[str, tuple[Any, ...]]) -> None:
        self.filters = dict(filters)
        self._show_filters()

    # -- variants ---------------------------------------------------------------------------------
    def _editor(self) -> Any:
        from vostok_desktop.services.reference.common import Editor

        return Editor(self.context.employee_id, getattr(self.context, "access", None))

    def _variants_supported(self) -> bool:
        from vostok_desktop.services.reference.list_settings import supported

        return supported(self.context.base.engine)

    def _load_variants(self, select_title: str | None = None) -> None:
        from vostok_desktop.services.reports.variants import load_variants

        self.variant_box.clear()
        self.variant_box.addItem("(по умолчанию)", None)
        if not self._variants_supported():
            self.save_variant_button.setEnabled(False)
            return
        with self.context.base.sessions() as s:
            self.variants = load_variants(s, self._editor(), self.definition.key)
        for variant in self.variants:
            self.variant_box.addItem(variant.display, variant)
            if variant.title == select_title:
                self.variant_box.setCurrentIndex(self.variant_box.count() - 1)
        self.delete_variant_button.setEnabled(bool(self.variants))

    def _apply_variant(self) -> None:
        variant = self.variant_box.currentData()
        query = variant.query if variant is not None else self.definition.default_query(
            self.period())
        if self.definition.as_of or self.definition.period_dimension is None:
            query = replace(query, period=self.period())
        self.set_query(query)
        self.run()

    def save_variant(self, title: str | None = None, *, shared: bool | None = None) -> bool:
        from vostok_desktop.services.reference.common import ReferenceDataError
        from vostok_desktop.services.reports.variants import save_variant

        if title is None:
            current = self.variant_box.currentData()
            title, ok = QInputDialog.getText(self, "Сохранить вариант отчёта",
                                             "Название варианта:",
                                             text=current.title if current else "")
            if not ok:
                return False
        if shared is None:
            shared = QMessageBox.question(
                self, "Сохранить вариант отчёта",
                "Сделать вариант общим — видимым всем сотрудникам?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes
        try:
            with self.context.base.sessions() as s, s.begin():
                saved = save_variant(s, self._editor(), self.definition.key, title,
                                     self.query(), shared=shared)
        except ReferenceDataError as exc:
            self.status_label.setText(f"Вариант не сохранён: {exc}")
            return False
        self._load_variants(saved.title)
        self.status_label.setText(f"Вариант «{saved.title}» сохранён"
                                  + (" как общий." if shared else "."))
        return True

    def delete_variant(self) -> bool:
        from vostok_desktop.services.reference.common import ReferenceDataError
        from vostok_desktop.services.reports.variants import delete_variant

        variant = self.variant_box.currentData()
        if variant is None:
            self.status_label.setText("Выберите вариант, который удалить.")
            return False
        try:
            with self.context.base.sessions() as s, s.begin():
                delete_variant(s, self._editor(), variant.id)
        except ReferenceDataError as exc:
            self.status_label.setText(f"Вариант не удалён: {exc}")
            return False
        self._load_variants()
        self.status_label.setText(f"Вариант «{variant.title}» удалён.")
        return True

    # -- export -----------------------------------------------------------------------------------
    def export_excel(self, path: str | None = None) -> BackgroundOperation | None:
        result = self.result
        if result is None or result.is_empty:
            self.status_label.setText("Сначала сформируйте отчёт.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel",
                                                  f"{self.definition.title}.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None
        from vostok_desktop.gui.export_gate import pass_export_gate
        from vostok_desktop.services.distributives.reports import write_xlsx

        table = to_report_table(flatten(result))
        refused = pass_export_gate(self.context, "excel", f"Отчёт «{self.definition.title}»",
                                   len(table.rows))
        if refused:
            self.status_label.setText(f"Не выгружено: {refused}")
            return None
        target = path

        def work(state: OperationState) -> str:
            return str(write_xlsx(table, target, lambda d, t: state.progress("Выгрузка", d, t)))

        self.excel_button.setEnabled(False)
        self.status_label.setText("Выгрузка в Excel…")
        operation = BackgroundOperation(work, self)
        operation.finished.connect(self._exported)
        operation.failed.connect(lambda m: self._export_failed(m))
        self.operation = operation
        return operation.start()

    def _exported(self, path: str) -> None:
        self.excel_button.setEnabled(True)
        self.status_label.setText(f"Отчёт выгружен: {path}")

    def _export_failed(self, message: str) -> None:
        self.excel_button.setEnabled(True)
        self.status_label.setText(f"Не выгружено: {message}")

    def print_diary(self, path: str | None = None) -> BackgroundOperation | None:
        """«Печать ежедневника…» (gui/reports/diary_print.py)."""
        from vostok_desktop.gui.reports.diary_print import print_diary

        return print_diary(self, path)

    def export_png(self, path: str | None = None) -> bool:
        if self.result is None or self.result.is_empty:
            self.status_label.setText("Сначала сформируйте отчёт.")
            return False
        if self.stack.currentIndex() != 1:
            self.toggle_view()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить диаграмму",
                                                  f"{self.definition.title}.png",
                                                  "Рисунок PNG (*.png)")
            if not path:
                return False
        ok = self.chart.save_png(path)
        self.status_label.setText(f"Диаграмма сохранена: {path}" if ok
                                  else f"Диаграмма не сохранена в {path}: нет доступа к папке?")
        return ok


class ReportChooser(QDialog):
    """«Отчёты…»: every report by section; type to filter, Enter opens."""

    def __init__(self, definitions: list[ReportDefinition], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_chooser")
        self.setWindowTitle("Отчёты")
        from PySide6.QtWidgets import QLineEdit

        self.search = QLineEdit()
        self.search.setObjectName("report_search")
        self.search.setPlaceholderText("Начните вводить название отчёта")
        self.list = QListWidget()
        self.list.setObjectName("report_list")
        self.definitions = definitions
        self.chosen: ReportDefinition | None = None
        self._fill("")
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _i: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Open).setText("Открыть")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel("&Найти:")
        label.setBuddy(self.search)
        layout.addWidget(label)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(460, 520)
        QShortcut(QKeySequence("Down"), self.search, lambda: self.list.setFocus(),
                  context=Qt.ShortcutContext.WidgetShortcut)

    def _fill(self, text: str) -> None:
        self.list.clear()
        needle = text.casefold().strip()
        section = None
        for definition in self.definitions:
            if needle and needle not in definition.title.casefold():
                continue
            if definition.section != section:
                section = definition.section
                header = QListWidgetItem(section)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
            item = QListWidgetItem("    " + definition.title)
            item.setData(KEY_ROLE, definition.key)
            item.setToolTip(definition.description)
            self.list.addItem(item)
        for i in range(self.list.count()):
            if self.list.item(i).data(KEY_ROLE):
                self.list.setCurrentRow(i)
                break

    def accept(self) -> None:
        item = self.list.currentItem()
        key = item.data(KEY_ROLE) if item is not None else None
        self.chosen = next((d for d in self.definitions if d.key == key), None)
        if self.chosen is not None:
            super().accept()


__all__ = ["ReportChooser", "ReportTab", "preset_period"]
