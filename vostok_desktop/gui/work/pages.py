"""Client card pages «ПРиЗ» and «Поручения и работы», and the distribution settings
dialog (plans and kinds for the automatic choice of executor)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    ACTION_ITEM_KIND_TITLES,
    ACTION_ITEM_STATE_TITLES,
    ActionItemState,
)
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    fmt_dt,
    read_only_table,
    set_text_colour,
    show_status,
)
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import works as wk

if TYPE_CHECKING:
    from vostok_desktop.db import OpenedBase
    from vostok_desktop.gui.context import AppContext

OVERDUE_COLOUR = "#c62828"
CLOSED_COLOUR = "#8a8a8a"


class WorkHost(Protocol):
    """What the pages use of the work controller (kept one-way: controller -> pages)."""

    base: OpenedBase
    context: AppContext

    def now(self) -> datetime: ...

    def new_work_for(self, client_id: int) -> object: ...

    def assign(self, targets: list[tuple[int, int | None]]) -> object: ...

    def open_work(self, work_id: int) -> object: ...

    def open_assignment(self, assignment_id: int) -> object: ...

    def edit_action_item(self, data: wk.ActionItemData, after: Callable[[], None]) -> None: ...


class ActionItemsPage(QWidget):
    """ПРиЗ of the client: Insert adds, Enter opens; resolve / drop / reopen buttons."""

    def __init__(self, controller: WorkHost, card: object) -> None:
        super().__init__()
        self.controller = controller
        self.card = card
        self.client_id: int | None = None
        self.rows: list[wk.ActionItemData] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget()
        self.table.setObjectName("action_items_table")
        read_only_table(self.table, ["Вид", "ПРиЗ", "Контактное лицо", "Срок", "Состояние",
                                     "Автор", "Создан"])
        for c, width in enumerate((110, 330, 170, 90, 90, 170)):
            self.table.setColumnWidth(c, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.show_closed = QCheckBox("Показывать решённые и снятые")
        self.show_closed.toggled.connect(lambda _c: self.refresh())
        row.addWidget(self.show_closed)
        row.addStretch(1)
        self.add_button = QPushButton("Новый ПРиЗ (Insert)")
        self.resolve_button = QPushButton("Решён")
        self.drop_button = QPushButton("Снять")
        self.reopen_button = QPushButton("Открыть снова")
        self.work_button = QPushButton("Записать работу…")
        for b in (self.add_button, self.resolve_button, self.drop_button, self.reopen_button,
                  self.work_button):
            row.addWidget(b)
        self.add_button.clicked.connect(self.add)
        self.resolve_button.clicked.connect(lambda: self.set_state(ActionItemState.RESOLVED))
        self.drop_button.clicked.connect(lambda: self.set_state(ActionItemState.DROPPED))
        self.reopen_button.clicked.connect(lambda: self.set_state(ActionItemState.OPEN))
        self.work_button.clicked.connect(
            lambda: self.client_id and controller.new_work_for(self.client_id))
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setVisible(False)
        layout.addWidget(self.message)
        actions = controller.context.actions
        for action_id in ("action_items.new", "action_items.open"):
            actions.attach(action_id, self.table)

    def card_loaded(self, entity_id: int | None) -> None:
        self.client_id = entity_id
        self.setEnabled(entity_id is not None)
        self.refresh()

    def refresh(self) -> None:
        if self.client_id is None:
            self.table.setRowCount(0)
            return
        rows = wk.list_action_items(self.controller.base, self.client_id,
                                    only_open=not self.show_closed.isChecked())
        self.rows = rows
        t = self.table
        t.setRowCount(len(rows))
        for r, item in enumerate(rows):
            values = [ACTION_ITEM_KIND_TITLES[item.kind], item.text, item.contact_name,
                      item.due_date.strftime("%d.%m.%Y") if item.due_date else "",
                      ACTION_ITEM_STATE_TITLES[item.state], item.author_name,
                      fmt_dt(item.created_at)]
            for c, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if item.state is not ActionItemState.OPEN:
                    cell.setForeground(QBrush(QColor(CLOSED_COLOUR)))
                if c == 1:
                    cell.setToolTip(item.text)
                t.setItem(r, c, cell)
        if rows and t.currentRow() < 0:
            t.setCurrentCell(0, 0)

    def current(self) -> wk.ActionItemData | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def add(self) -> None:
        if self.client_id is not None:
            self.controller.edit_action_item(wk.ActionItemData(client_id=self.client_id),
                                             self.refresh)

    def edit_current(self) -> None:
        item = self.current()
        if item is not None:
            self.controller.edit_action_item(item, self.refresh)

    def set_state(self, state: ActionItemState) -> None:
        item = self.current()
        if item is None or item.id is None:
            return
        wk.set_action_item_state(self.controller.base, item.id, state,
                                 self.controller.context.employee_id)
        self.refresh()


class WorksPage(QWidget):
    """Assignments and works of the client, newest first; Enter opens."""

    def __init__(self, controller: WorkHost, card: object) -> None:
        super().__init__()
        self.controller = controller
        self.client_id: int | None = None
        self.rows: list[wk.ClientWorkRow] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget()
        self.table.setObjectName("client_works_table")
        read_only_table(self.table, ["Когда", "Что", "Кто", "Состояние"])
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(2, 200)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(3, 110)
        from vostok_desktop.gui.cards.widgets import on_activate

        on_activate(self.table, self.open_current)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        hint = QLabel("Enter — открыть. Просроченное — красным.")
        set_text_colour(hint, HINT_COLOUR)
        row.addWidget(hint, 1)
        self.work_button = QPushButton("Записать работу…")
        self.assign_button = QPushButton("Поручить…")
        row.addWidget(self.work_button)
        row.addWidget(self.assign_button)
        self.work_button.clicked.connect(
            lambda: self.client_id and controller.new_work_for(self.client_id))
        self.assign_button.clicked.connect(
            lambda: self.client_id and controller.assign([(self.client_id, None)]))
        layout.addLayout(row)

    def card_loaded(self, entity_id: int | None) -> None:
        self.client_id = entity_id
        self.setEnabled(entity_id is not None)
        self.refresh()

    def refresh(self) -> None:
        if self.client_id is None:
            self.table.setRowCount(0)
            return
        rows = wk.client_work_rows(self.controller.base, self.client_id, self.controller.now())
        self.rows = rows
        t = self.table
        t.setRowCount(len(rows))
        for r, item in enumerate(rows):
            for c, text in enumerate((fmt_dt(item.when), item.what, item.who, item.state)):
                cell = QTableWidgetItem(text)
                if item.overdue:
                    cell.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
                t.setItem(r, c, cell)

    def open_current(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if row.kind == "work":
                self.controller.open_work(row.id)
            else:
                self.controller.open_assignment(row.id)
            self.refresh()


OPEN_ASSIGNMENTS_FACT = "Открытые поручения этого вида (по умолчанию)"


def _fact_indicators(base) -> list[tuple[int, str]]:  # noqa: ANN001
    """KPI indicators to pick as the «fact»: active ones, then the archived marked so."""
    from vostok_desktop.services.kpi.indicators import list_indicators

    try:
        rows = list_indicators(base)
    except SQLAlchemyError:
        return []
    return [(r.id, r.label + (" — в архиве" if r.archived else "")) for r in rows]


class DistributionDialog(QDialog):
    """«Распределение поручений»: kinds of assignments, which are distributed, what counts
    as the «fact» (open assignments or any KPI indicator) and each participating
    employee's plan (target number in work)."""

    def __init__(self, base, author_id: int | None, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        from vostok_desktop.gui.work.assignment_form import employees_and_directions

        self.base = base
        self.author_id = author_id
        self.setObjectName("distribution_dialog")
        self.setWindowTitle("Распределение поручений")
        self.kinds = asg.load_kinds(base)
        self.employees, _dirs = employees_and_directions(base)
        self.indicators = _fact_indicators(base)
        self._current = -1
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        caption = QLabel("&Виды поручений:")
        self.kind_list = QListWidget()
        caption.setBuddy(self.kind_list)
        left.addWidget(caption)
        left.addWidget(self.kind_list, 1)
        add = QPushButton("Добавить вид…")
        add.clicked.connect(self.add_kind)
        left.addWidget(add)
        layout.addLayout(left, 1)
        right = QVBoxLayout()
        self.distributed_check = QCheckBox("&Распределять автоматически (наименьшее факт/план)")
        right.addWidget(self.distributed_check)
        fact_row = QHBoxLayout()
        fact_label = QLabel("&Факт для распределения:")
        self.fact_combo = QComboBox()
        self.fact_combo.setObjectName("fact_indicator")
        fact_label.setBuddy(self.fact_combo)
        self.fact_combo.addItem(OPEN_ASSIGNMENTS_FACT, None)
        for indicator_id, label in self.indicators:
            self.fact_combo.addItem(label, indicator_id)
        self.fact_combo.setToolTip("Что считается фактом сотрудника: новое поручение "
                                   "получит тот, у кого факт / план меньше")
        fact_row.addWidget(fact_label)
        fact_row.addWidget(self.fact_combo, 1)
        right.addLayout(fact_row)
        self.plans = QTableWidget()
        self.plans.setObjectName("plans_table")
        read_only_table(self.plans, ["Сотрудник", "План"])
        self.plans.setColumnWidth(0, 300)
        right.addWidget(self.plans, 1)
        hint = QLabel("План — целевое значение факта у сотрудника (по умолчанию — сколько "
                      "поручений этого вида должно быть у него в работе); 0 — не участвует. "
                      "Факт — открытые поручения вида или выбранный показатель KPI за "
                      "текущий месяц.")
        hint.setWordWrap(True)
        set_text_colour(hint, HINT_COLOUR)
        right.addWidget(hint)
        self.message = QLabel()
        self.message.setVisible(False)
        right.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        layout.addLayout(right, 2)
        self.kind_list.currentRowChanged.connect(self._show_kind)
        self._fill_list()
        self.resize(820, 520)

    def _fill_list(self) -> None:
        self.kind_list.clear()
        for k in self.kinds:
            QListWidgetItem(k.name, self.kind_list)
        if self.kinds:
            self.kind_list.setCurrentRow(0)
        else:
            self._show_kind(-1)

    def _keep_current(self) -> None:
        if 0 <= self._current < len(self.kinds):
            k = self.kinds[self._current]
            k.distributed = self.distributed_check.isChecked()
            k.fact_indicator_id = self.fact_combo.currentData()
            k.plans = {}
            for r, (eid, _name) in enumerate(self.employees):
                spin = self.plans.cellWidget(r, 1)
                if isinstance(spin, QSpinBox) and spin.value() > 0:
                    k.plans[eid] = spin.value()

    def _show_kind(self, row: int) -> None:
        self._keep_current()
        self._current = row
        kind = self.kinds[row] if 0 <= row < len(self.kinds) else None
        self.distributed_check.setEnabled(kind is not None)
        self.distributed_check.setChecked(bool(kind and kind.distributed))
        self.fact_combo.setEnabled(kind is not None)
        chosen = kind.fact_indicator_id if kind else None
        self.fact_combo.setCurrentIndex(max(0, self.fact_combo.findData(chosen)))
        self.plans.setRowCount(len(self.employees) if kind else 0)
        for r, (eid, name) in enumerate(self.employees if kind else []):
            self.plans.setItem(r, 0, QTableWidgetItem(name))
            spin = QSpinBox()
            spin.setRange(0, 10_000)
            spin.setValue(kind.plans.get(eid, 0))
            self.plans.setCellWidget(r, 1, spin)

    def add_kind(self) -> None:
        name, ok = QInputDialog.getText(self, "Новый вид поручения", "Название:")
        if ok and name.strip():
            self._keep_current()
            self.kinds.append(asg.KindSettings(None, name.strip(), True, None))
            self._current = -1
            self.kind_list.addItem(name.strip())
            self.kind_list.setCurrentRow(len(self.kinds) - 1)

    def save(self) -> None:
        self._keep_current()
        try:
            self.kinds = asg.save_kinds(self.base, self.kinds, self.author_id)
        except (ValidationError, SQLAlchemyError) as exc:
            show_status(self.message, "Не сохранено: " + str(exc))
            return
        self.accept()


