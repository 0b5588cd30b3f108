"""The planner tab («Ежедневник»): my works, assignments and reminders for a day or a week.

Overdue in red, today in black, later in grey (seeds/004); «!» important, «↓» minor;
filters by client, kind and importance; Enter opens, Ctrl+→ / Ctrl+← move an item a day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.work import IMPORTANCE_TITLES, WORK_KIND_TITLES, Importance, WorkKind
from vostok_desktop.gui.cards.widgets import HINT_COLOUR, set_text_colour, style_header
from vostok_desktop.services.work import planner as pl

TIMING_COLOURS = {
    pl.Timing.OVERDUE: "#c62828",
    pl.Timing.TODAY: "#000000",
    pl.Timing.LATER: "#8a8a8a",
    pl.Timing.DONE: "#8a8a8a",
}
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
KEY_ROLE = Qt.ItemDataRole.UserRole
COL_MARK, COL_WHEN, COL_WHAT, COL_CLIENT = range(4)


def day_title(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


class PlannerWidget(QWidget):
    """One employee's planner. ``open_item(item)`` opens what Enter is pressed on."""

    item_rescheduled = Signal(str, int)

    def __init__(self, base, employee_id: int, *, clock: Callable[[], datetime],  # noqa: ANN001
                 open_item: Callable[[pl.PlannerItem], None] | None = None,
                 tz=None, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("planner")
        self.base = base
        self.employee_id = employee_id
        self.clock = clock
        self.tz = tz or pl.local_tz()
        self.open_item = open_item
        self.day = clock().astimezone(self.tz).date()
        self.days = 1
        self.items: list[pl.PlannerItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.title_label = QLabel("Ежедневник")
        style_header(self.title_label)
        top.addWidget(self.title_label)
        top.addStretch(1)
        self.view_group = QButtonGroup(self)
        for days, text in ((1, "День"), (7, "Неделя")):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(days == 1)
            button.setObjectName(f"view_{days}")
            self.view_group.addButton(button, days)
            top.addWidget(button)
        self.view_group.idClicked.connect(self.set_days)
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip("Назад (Alt+←)")
        self.today_button = QPushButton("Сегодня")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("Вперёд (Alt+→)")
        self.prev_button.clicked.connect(lambda: self.shift_view(-1))
        self.next_button.clicked.connect(lambda: self.shift_view(1))
        self.today_button.clicked.connect(self.go_today)
        for w in (self.prev_button, self.today_button, self.next_button):
            top.addWidget(w)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.period_label = QLabel()
        bold = QFont(self.period_label.font())
        bold.setBold(True)
        self.period_label.setFont(bold)
        filters.addWidget(self.period_label, 1)
        self.client_combo = QComboBox()
        self.client_combo.setObjectName("client_filter")
        self.client_combo.setMinimumContentsLength(22)
        self.client_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_filter")
        self.kind_combo.addItem("Все события", None)
        self.kind_combo.addItem("Только поручения", "assignment")
        self.kind_combo.addItem("Только напоминания", "reminder")
        for kind, title in WORK_KIND_TITLES.items():
            self.kind_combo.addItem(f"Работы: {title.lower()}", kind.value)
        self.importance_combo = QComboBox()
        self.importance_combo.setObjectName("importance_filter")
        self.importance_combo.addItem("Любая важность", None)
        for imp, title in IMPORTANCE_TITLES.items():
            self.importance_combo.addItem(title, imp.value)
        for caption, combo in (("&Клиент:", self.client_combo), ("&Вид:", self.kind_combo),
                               ("Ва&жность:", self.importance_combo)):
            label = QLabel(caption)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
            combo.activated.connect(lambda _i: self.refresh())
        layout.addLayout(filters)

        self.tree = QTreeWidget()
        self.tree.setObjectName("planner_tree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["", "Когда", "Что", "Клиент"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.itemActivated.connect(lambda _i, _c: self.open_current())
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_MARK, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(COL_MARK, 28)
        self.tree.setColumnWidth(COL_WHEN, 130)
        self.tree.setColumnWidth(COL_CLIENT, 300)
        layout.addWidget(self.tree, 1)
        self.hint_label = QLabel(
            "Enter — открыть; Ctrl+→ / Ctrl+← — перенести на день позже / раньше, "
            "Ctrl+Shift+→ — на неделю; Alt+← / Alt+→ — листать; Alt+1 / Alt+7 — день / неделя. "
            "Красным — просрочено, чёрным — сегодня, серым — позже; «!» важное, «↓» "
            "малозначительное.")
        self.hint_label.setWordWrap(True)
        set_text_colour(self.hint_label, HINT_COLOUR)
        layout.addWidget(self.hint_label)
        self.setFocusProxy(self.tree)
        self.refresh()

    # -- filters ----------------------------------------------------------------------
    def current_filter(self) -> pl.PlannerFilter:
        kind = self.kind_combo.currentData()
        types: frozenset[pl.ItemType] | None = None
        work_kind = None
        if kind in ("assignment", "reminder"):
            types = frozenset({pl.ItemType(kind)})
        elif kind is not None:
            types, work_kind = frozenset({pl.ItemType.WORK}), WorkKind(kind)
        importance = self.importance_combo.currentData()
        return pl.PlannerFilter(client_id=self.client_combo.currentData(), item_types=types,
                                work_kind=work_kind,
                                importance=Importance(importance) if importance else None)

    def _fill_clients(self, items: list[pl.PlannerItem]) -> None:
        chosen = self.client_combo.currentData()
        names = {i.client_id: i.client_name for i in items if i.client_id is not None}
        if chosen is not None and chosen not in names:
            names[chosen] = self.client_combo.currentText()
        self.client_combo.blockSignals(True)
        self.client_combo.clear()
        self.client_combo.addItem("Все клиенты", None)
        for cid, name in sorted(names.items(), key=lambda p: p[1].lower()):
            self.client_combo.addItem(name, cid)
        self.client_combo.setCurrentIndex(max(0, self.client_combo.findData(chosen)))
        self.client_combo.blockSignals(False)

    # -- view -------------------------------------------------------------------------
    def set_days(self, days: int) -> None:
        self.days = days
        self.view_group.button(days).setChecked(True)
        if days == 7:  # a week starts on Monday
            self.day = self.day - timedelta(days=self.day.weekday())
        self.refresh()

    def shift_view(self, step: int) -> None:
        self.day = self.day + timedelta(days=step * self.days)
        self.refresh()

    def go_today(self) -> None:
        today = self.clock().astimezone(self.tz).date()
        self.day = today - timedelta(days=today.weekday()) if self.days == 7 else today
        self.refresh()

    def refresh(self) -> None:
        key = self.current_key()
        flt = self.current_filter()
        items = pl.planner_items(self.base, self.employee_id, self.day, self.days, flt,
                                 now=self.clock(), tz=self.tz)
        if flt.client_id is None:
            self._fill_clients(items)
        self.items = items
        last = self.day + timedelta(days=self.days - 1)
        self.period_label.setText(day_title(self.day) if self.days == 1 else
                                  f"{day_title(self.day)} — {day_title(last)}")
        self.tree.clear()
        groups: dict[date, QTreeWidgetItem] = {}
        today = self.clock().astimezone(self.tz).date()
        for item in items:
            parent = None
            if self.days > 1:
                day = item.when.astimezone(self.tz).date() if item.when else self.day
                day = max(day, self.day)  # earlier overdue items sit on the first day
                parent = groups.get(day)
                if parent is None:
                    parent = QTreeWidgetItem([
                        day_title(day) + (" — сегодня" if day == today else ""), "", "", ""])
                    font = QFont(self.tree.font())
                    font.setBold(True)
                    parent.setFont(0, font)
                    parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    groups[day] = parent
                    self.tree.addTopLevelItem(parent)
                    parent.setFirstColumnSpanned(True)  # only once it is in the tree
            row = self._row(item)
            if parent is None:
                self.tree.addTopLevelItem(row)
            else:
                parent.addChild(row)
        self.tree.setRootIsDecorated(False)
        self.tree.expandAll()
        if not items:
            empty = QTreeWidgetItem(["", "", "Ничего не запланировано", ""])
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            empty.setForeground(COL_WHAT, QBrush(QColor(HINT_COLOUR)))
            self.tree.addTopLevelItem(empty)
        self.select_key(key)

    def _row(self, item: pl.PlannerItem) -> QTreeWidgetItem:
        when = ""
        if item.when is not None:
            local = item.when.astimezone(self.tz)
            same_day = self.days == 1 and local.date() == self.day
            when = local.strftime("%H:%M" if same_day or self.days > 1 and
                                  local.date() >= self.day else "%d.%m %H:%M")
        else:
            when = "без срока"
        what = ("✓ " if item.done else "") + item.title
        row = QTreeWidgetItem([item.mark, when, what, item.client_name])
        row.setData(0, KEY_ROLE, item.key)
        brush = QBrush(QColor(TIMING_COLOURS[item.timing]))
        for c in range(4):
            row.setForeground(c, brush)
        mark_font = QFont(self.tree.font())
        mark_font.setBold(True)
        row.setFont(COL_MARK, mark_font)
        row.setTextAlignment(COL_MARK, Qt.AlignmentFlag.AlignCenter)
        row.setToolTip(COL_WHAT, item.title)
        return row

    # -- selection and commands ----------------------------------------------------------
    def rows(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, KEY_ROLE):
                out.append(top)
            out.extend(top.child(j) for j in range(top.childCount()))
        return out

    def current_key(self) -> tuple[str, int] | None:
        current = self.tree.currentItem() if hasattr(self, "tree") else None
        key = current.data(0, KEY_ROLE) if current is not None else None
        return tuple(key) if key else None  # type: ignore[return-value]

    def current_item(self) -> pl.PlannerItem | None:
        key = self.current_key()
        return next((i for i in self.items if i.key == key), None)

    def select_key(self, key: tuple[str, int] | None) -> None:
        rows = self.rows()
        chosen = next((r for r in rows if key and tuple(r.data(0, KEY_ROLE)) == key),
                      rows[0] if rows else None)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    def colour_of(self, key: tuple[str, int]) -> str:
        row = next(r for r in self.rows() if tuple(r.data(0, KEY_ROLE)) == key)
        return row.foreground(COL_WHAT).color().name()

    def open_current(self) -> None:
        item = self.current_item()
        if item is not None and self.open_item is not None:
            self.open_item(item)

    def reschedule_current(self, delta: timedelta) -> None:
        item = self.current_item()
        if item is None:
            return
        pl.reschedule(self.base, item.type, item.id, delta, self.employee_id, self.clock())
        self.refresh()
        self.select_key(item.key)
        self.item_rescheduled.emit(item.type.value, item.id)
