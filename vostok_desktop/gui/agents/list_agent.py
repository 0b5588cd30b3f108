"""The machinery both list agents share («Список клиентов», «Контактные лица»).

:class:`KeysetListAgent`: debounced quick search, header with user-chosen columns whose
layout persists in QSettings under a versioned key, sorting only by indexed columns, saved
filters and colour rules kept per user as JSON, export to Excel (:func:`write_xlsx`),
refresh on ``entities_changed``. Subclasses give the columns, the search service and the
query builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.admin.reference_list_store import ListSettingsStore
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.filter_dialogs import SharedFilterInfo
from vostok_desktop.gui.models.keyset_model import (
    BoundSource,
    ColumnSpec,
    KeysetTableModel,
    Row,
)
from vostok_desktop.services.common.live_updates import ChangeBatch
from vostok_desktop.services.lists.filters import (
    ColourRule,
    FieldSpec,
    FilterGroup,
)

LAYOUT_VERSION = 1
DEBOUNCE_MS = 250
MAX_SELECTED = 10_000
MAX_CARDS_AT_ONCE = 20
MAX_EXPORT_ROWS = 20_000  # synchronous for now; bigger exports belong on a worker


class KeysetListAgent(QWidget):
    """Shared list agent: subclasses give columns, a search service, the query builder
    and their actions."""

    scope = "list"
    action_prefix = "list"
    category = ""
    entity_kind = ""
    settings_name = "list"
    filter_fields: tuple[FieldSpec, ...] = ()
    default_sort_column = 1

    def __init__(self, context: AppContext, columns: Sequence[ColumnSpec],
                 search: Any, placeholder: str) -> None:
        super().__init__()
        self.context = context
        self.search_service = search
        self._user_filter: FilterGroup | None = None
        self._user_filter_name = ""
        self._sort_column = self.default_sort_column
        self._descending = False
        self._applied_query: Any = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("quick_search")
        self.search_edit.setPlaceholderText(placeholder)
        self.search_edit.setToolTip(placeholder)
        self.search_edit.setClearButtonEnabled(True)
        layout.addWidget(self.search_edit)
        self.second_row = QHBoxLayout()
        self.second_row.setSpacing(4)
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("preset")
        self.preset_box.setToolTip("Готовый отбор")
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.second_row.addWidget(self.preset_box, 0)
        self.value_box = QComboBox()
        self.value_box.setObjectName("preset_value")
        self.value_box.setEditable(True)
        self.value_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.value_box.setMinimumContentsLength(12)
        self.value_box.hide()
        self.second_row.addWidget(self.value_box, 1)
        self.filter_button = QToolButton()
        self.filter_button.setText("Фильтр")
        self.filter_button.setToolTip("Фильтр пользователя, сохранённые фильтры, раскраска")
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filter_button.setMinimumWidth(self.fontMetrics().horizontalAdvance("Фильтр ✓") + 28)
        self.filter_menu = QMenu(self.filter_button)
        self.filter_menu.aboutToShow.connect(self._fill_filter_menu)
        self.filter_button.setMenu(self.filter_menu)
        self.second_row.addWidget(self.filter_button, 0)
        self.marked_box = QCheckBox("Помеченные")
        self.marked_box.setToolTip("Показывать помеченных на удаление")
        self.second_row.addWidget(self.marked_box, 0)
        self.second_row.addStretch(1)
        layout.addLayout(self.second_row)

        self.model = KeysetTableModel(columns, self)
        self.model.count_changed.connect(self._show_count)
        self.model.count_failed.connect(
            lambda reason: self.show_message(f"Не удалось посчитать строки: {reason}"))
        self.view = QTableView()
        self.view.setObjectName(f"{self.settings_name}_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vheader = self.view.verticalHeader()
        vheader.hide()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.setFocusProxy(self.search_edit)
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.filter_label = QLabel()
        self.filter_label.setObjectName("filter_label")
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.filter_label, 0)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._search_now)
        self.search_edit.installEventFilter(self)
        self.preset_box.activated.connect(lambda _i: self._preset_changed())
        self.value_box.activated.connect(lambda _i: self.apply_query())
        self.marked_box.toggled.connect(lambda _c: self.apply_query())
        context.bus.entities_changed.connect(self._entities_changed)

        # Saved filters and colour rules: in the base (own and shared), else QSettings.
        self.list_store = ListSettingsStore(context, self.settings_name, self._qs_key)
        self._colour_rules = self.list_store.colour_rules(self.default_colour_rules)
        self.model.set_colour_rules(self._colour_rules)
        self.restore_layout()
        self._apply_default_widths_if_new()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Down / Page Down in the quick search go to the list; Esc clears the search."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                if self.pending_search():
                    self.apply_query()
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.view.currentIndex().isValid():
                    self.select_row(0)
                return True
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
        return super().eventFilter(watched, event)

    # -- subclass hooks ------------------------------------------------------------
    def build_query(self) -> Any:
        raise NotImplementedError

    def default_colour_rules(self) -> list[ColourRule]:
        return []

    def _preset_changed(self) -> None:
        self.apply_query()

    # -- settings --------------------------------------------------------------------
    def _qs_key(self, name: str) -> str:
        return f"agents/{self.settings_name}/v{LAYOUT_VERSION}/{name}"

    def _qs_value(self, name: str) -> str | None:
        value = self.context.qsettings.value(self._qs_key(name))
        return str(value) if value is not None else None

    def save_layout(self) -> None:
        """Column order, widths, visibility and sort; the main window calls it on close."""
        qs = self.context.qsettings
        qs.setValue(self._qs_key("header"), self.view.horizontalHeader().saveState())
        qs.setValue(self._qs_key("columns"), len(self.model.columns))
        qs.sync()

    def restore_layout(self) -> None:
        header = self.view.horizontalHeader()
        state = self.context.qsettings.value(self._qs_key("header"))
        columns = self.context.qsettings.value(self._qs_key("columns"))
        header.blockSignals(True)  # the sort is read below; no query before the agent is built
        restored = (isinstance(state, QByteArray) and str(columns) == str(len(self.model.columns))
                    and header.restoreState(state))
        header.blockSignals(False)
        self._restored = bool(restored)
        if restored:
            column = header.sortIndicatorSection()
            if 0 <= column < len(self.model.columns) and self.model.columns[column].sort:
                self._sort_column = column
                self._descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        header.blockSignals(True)
        header.setSortIndicator(self._sort_column, Qt.SortOrder.DescendingOrder
                                if self._descending else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _apply_default_widths_if_new(self) -> None:
        if self._restored:
            return
        for i, column in enumerate(self.model.columns):
            self.view.setColumnWidth(i, column.width)
            self.view.setColumnHidden(i, column.hidden_by_default)

    def reset_columns(self) -> None:
        header = self.view.horizontalHeader()
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if logical != visual:
                header.moveSection(visual, header.visualIndex(visual))
        self._restored = False
        self._apply_default_widths_if_new()

    # -- actions ---------------------------------------------------------------------
    def add_action(self, action_id: str, text: str, handler: Callable[[], object]) -> QAction:
        """Register a scoped action in the one registry and make it live in this agent.
        A second agent of the same kind (tests, a future «new window») gets a private
        action with the same text and the user's shortcut."""
        registry = self.context.actions
        if action_id in registry:
            action = QAction(text, self)
            action.setObjectName(action_id)
            action.setShortcut(QKeySequence(registry.shortcut(action_id)))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False: handler())
            self.addAction(action)
            return action
        action = registry.register(action_id, text, handler, category=self.category,
                                   scope=self.scope, parent=self)
        registry.attach(action_id, self)
        return action

    # -- query -----------------------------------------------------------------------
    def _search_now(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.apply_query()

    def apply_query(self) -> None:
        """Show the list for the current search text, preset, filter and sort. A newer
        request supersedes a stale one (the debounce timer restarts on each key)."""
        self._debounce.stop()
        self._generation += 1
        query = self.build_query()
        self._applied_query = query
        self.model.set_source(self.bound_source(query))
        if self.model.rowCount():
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, self._first_visible_column()),
                self.view.selectionModel().SelectionFlag.ClearAndSelect
                | self.view.selectionModel().SelectionFlag.Rows)
            self.view.scrollToTop()

    def _show_count(self) -> None:
        count = f"{self.model.rowCount():,}".replace(",", " ")
        self.status_label.setText(f"Найдено: {count}" if self.model.count_exact
                                  else f"Найдено: не менее {count}, считаю…")

    def _first_visible_column(self) -> int:
        header = self.view.horizontalHeader()
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if not header.isSectionHidden(logical):
                return logical
        return 0

    def sizeHint(self) -> QSize:  # noqa: N802 - the dock's first width comes from here
        return QSize(600, 600)

    def pending_search(self) -> bool:
        return self._debounce.isActive()

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if not 0 <= column < len(self.model.columns) or not self.model.columns[column].sort:
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._sort_column, Qt.SortOrder.DescendingOrder
                                    if self._descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            self.show_message("По этому столбцу список не сортируется")
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.apply_query()

    def sort_key(self) -> str:
        return self.model.columns[self._sort_column].sort or "name"

    def _entities_changed(self, kind: str, _ids: list) -> None:
        if kind == self.entity_kind and self._applied_query is not None:
            self.model.refresh()

    def bound_source(self, query: Any) -> BoundSource:
        """The model's data source for a query (subclasses add how to narrow it to ids)."""
        return BoundSource(self.search_service, query)

    # -- live updates ------------------------------------------------------------------
    def live_match(self, batch: ChangeBatch) -> dict[str, set[int] | None]:
        """Which cached rows a burst of changes from other workstations touches: row key
        (``id``, ``client_id``) → changed ids (None: any). Subclasses say."""
        return {}

    def live_structural(self, batch: ChangeBatch) -> bool:
        """Rows of this list may have come or gone (its count and positions move)."""
        return False

    def apply_live_changes(self, batch: ChangeBatch) -> None:
        """Changes made elsewhere: re-read the affected rows that are loaded, keeping the
        selection and the scroll position; new or deleted rows show after a recount."""
        if self._applied_query is None or not batch:
            return
        match = {key: ids for key, ids in self.live_match(batch).items()
                 if ids is None or ids}
        structural = self.live_structural(batch)
        if match or structural:
            self.model.refresh_rows(match, structural)

    # -- selection ---------------------------------------------------------------------
    def selected_rows(self, limit: int = MAX_SELECTED) -> list[int]:
        rows: list[int] = []
        selection = self.view.selectionModel().selection()
        for rng in selection:
            rows.extend(range(rng.top(), min(rng.bottom() + 1, rng.top() + limit)))
            if len(rows) >= limit:
                break
        rows = sorted(set(rows))[:limit]
        if not rows:
            current = self.view.currentIndex()
            if current.isValid():
                rows = [current.row()]
        return rows

    def selected_ids(self, limit: int = MAX_SELECTED) -> list[int]:
        ids = [self.model.row_id(r) for r in self.selected_rows(limit)]
        return [i for i in ids if i is not None]

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, self._first_visible_column())
            self.view.selectionModel().setCurrentIndex(
                index, self.view.selectionModel().SelectionFlag.ClearAndSelect
                | self.view.selectionModel().SelectionFlag.Rows)
            self.view.scrollTo(index)

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.status_label.setText(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout_ms)

    # -- cards -------------------------------------------------------------------------
    def open_card(self, kind: str, entity_id: int | None) -> bool:
        try:
            self.context.cards.open(kind, entity_id)
        except KeyError:
            self.show_message("Карточки этого вида пока нет в программе")
            return False
        return True

    def open_selected(self) -> None:
        raise NotImplementedError

    # -- filters and colours -------------------------------------------------------------
    def saved_filters(self) -> dict[str, FilterGroup]:
        """The user's own saved filters (the base's and any left in QSettings)."""
        return self.list_store.stored().own

    def store_saved_filters(self, filters: dict[str, FilterGroup]) -> None:
        self.list_store.store_own(filters)

    def _shared_for_builder(self) -> dict[str, SharedFilterInfo] | None:
        if not self.list_store.in_base():
            return None
        return {name: SharedFilterInfo(f.group, f.editable, f.owner_name)
                for name, f in self.list_store.stored().shared.items()}

    def set_user_filter(self, group: FilterGroup | None, name: str = "") -> None:
        self._user_filter = group if group is not None and not group.is_empty() else None
        self._user_filter_name = name if self._user_filter else ""
        if self._user_filter is None:
            self.filter_label.setText("")
        else:
            title = f"«{name}»" if name else f"условий: {len(self._user_filter.conditions)}"
            self.filter_label.setText(f"Фильтр {title}")
        self.filter_button.setText("Фильтр ✓" if self._user_filter else "Фильтр")
        self.apply_query()

    def edit_filter(self) -> None:
        from vostok_desktop.gui.filter_dialogs import FilterBuilderDialog

        stored = self.list_store.stored()
        dialog = FilterBuilderDialog(self.filter_fields, self._user_filter, stored.own, self,
                                     shared=self._shared_for_builder())
        accepted = dialog.exec()
        self.store_saved_filters(dialog.saved)
        if not self.list_store.store_shared(dialog.shared_added, dialog.shared_removed):
            QMessageBox.warning(self, "Общий фильтр", "Общий фильтр не сохранён: "
                                f"{self.list_store.last_error}")
        if accepted:
            group = dialog.result_filter()
            everything = {**{n: i.group for n, i in (dialog.shared or {}).items()},
                          **dialog.saved}
            name = next((n for n, g in everything.items() if g == group), "")
            self.set_user_filter(group, name)

    def colour_rules(self) -> list[ColourRule]:
        return list(self._colour_rules)

    def set_colour_rules(self, rules: Sequence[ColourRule], shared: bool = False) -> bool:
        """Apply and keep the rules (``shared``: for everybody, needs «Справочники»);
        False when sharing was refused (the rules still apply here)."""
        self._colour_rules = list(rules)
        kept = self.list_store.store_colour_rules(self._colour_rules, shared=shared)
        self.model.set_colour_rules(self._colour_rules)
        return kept or not shared

    def edit_colour_rules(self) -> None:
        from vostok_desktop.gui.filter_dialogs import ColourRulesDialog

        can_share = (self.list_store.can_share_colours() if self.list_store.in_base()
                     else None)
        dialog = ColourRulesDialog(self.filter_fields, self._colour_rules,
                                   self.default_colour_rules, self, can_share=can_share)
        if dialog.exec():
            shared = dialog.share_box.isEnabled() and dialog.share_box.isChecked()
            if not self.set_colour_rules(dialog.rules, shared=shared):
                QMessageBox.warning(self, "Правила раскраски", "Правила не стали общими: "
                                    f"{self.list_store.last_error}")

    def _fill_filter_menu(self) -> None:
        menu = self.filter_menu
        menu.clear()
        prefix = self.action_prefix
        builder_id = f"{prefix}.filter_builder"
        if builder_id in self.context.actions:
            menu.addAction(self.context.actions.action(builder_id))
        else:
            menu.addAction("Настроить фильтр…", self.edit_filter)
        stored = self.list_store.stored()
        entries = [(name, name, group) for name, group in sorted(stored.own.items())]
        entries += [(name, f"{name} (общий)", f.group)
                    for name, f in sorted(stored.shared.items()) if name not in stored.own]
        if entries:
            menu.addSeparator()
            for name, title, group in entries:
                act = menu.addAction(title)
                act.setCheckable(True)
                act.setChecked(name == self._user_filter_name)
                act.triggered.connect(lambda _c=False, n=name, g=group: self.set_user_filter(g, n))
        menu.addSeparator()
        reset = menu.addAction("Сбросить фильтр", lambda: self.set_user_filter(None))
        reset.setEnabled(self._user_filter is not None)
        menu.addSeparator()
        colours_id = f"{prefix}.colour_rules"
        if colours_id in self.context.actions:
            menu.addAction(self.context.actions.action(colours_id))
        else:
            menu.addAction("Правила раскраски…", self.edit_colour_rules)

    # -- header ---------------------------------------------------------------------------
    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addSection("Показывать столбцы")
        for i, column in enumerate(self.model.columns):
            act = menu.addAction(column.title if column.title != "★" else "★ Любимый")
            act.setCheckable(True)
            act.setChecked(not self.view.isColumnHidden(i))
            act.toggled.connect(lambda on, c=i: self.set_column_visible(c, on))
        menu.addSeparator()
        menu.addAction("Столбцы по умолчанию", self.reset_columns)
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def set_column_visible(self, column: int, visible: bool) -> None:
        hidden = sum(self.view.isColumnHidden(i) for i in range(len(self.model.columns)))
        if not visible and hidden >= len(self.model.columns) - 1:
            return  # at least one column stays
        self.view.setColumnHidden(column, not visible)
        if visible and self.view.columnWidth(column) < 20:
            self.view.setColumnWidth(column, self.model.columns[column].width)

    def menu_action_ids(self) -> list[str | None]:
        """The context menu: the agent's own commands, then those other areas attached to
        it (a request, an assignment for the selection)."""
        own = self.context_menu_actions()
        extra = [e.id for e in self.context.actions.entries()
                 if self in e.widgets and e.id not in own]
        return [*own, *([None, *extra] if extra else [])]

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action_id in self.menu_action_ids():
            if action_id is None:
                menu.addSeparator()
            elif action_id in self.context.actions:
                menu.addAction(self.context.actions.action(action_id))
            else:
                act = self.findChild(QAction, action_id)
                if act is not None:
                    menu.addAction(act)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu_actions(self) -> list[str | None]:
        return []

    # -- export ---------------------------------------------------------------------------
    def rows_for_export(self) -> list[Row]:
        """The selected rows when several are selected, otherwise the whole list."""
        rows = self.selected_rows(MAX_EXPORT_ROWS)
        if len(rows) > 1:
            return [r for n in rows if (r := self.model.row(n)) is not None]
        source = self.model.source
        result: list[Row] = []
        key = None
        while len(result) < MAX_EXPORT_ROWS:
            page = source.page_after(key, 1000)
            if not page:
                break
            result += page
            key = page[-1]["_key"]
        return result

    def export_excel(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel",
                                                  f"{self.settings_name}.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None
        rows = self.rows_for_export()
        from vostok_desktop.gui.export_gate import pass_export_gate

        what = self.windowTitle() or self.settings_name
        search = self.search_edit.text().strip() if hasattr(self, "search_edit") else ""
        refused = pass_export_gate(self.context, "excel",
                                   f"{what}" + (f" (поиск «{search}»)" if search else ""),
                                   len(rows))
        if refused:
            self.show_message(f"Не выгружено: {refused}")
            return None
        header = self.view.horizontalHeader()
        columns = [self.model.columns[header.logicalIndex(v)] for v in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(v))]
        out = write_xlsx(Path(path), columns, rows)
        more = (f" (первые {MAX_EXPORT_ROWS:,}; сузьте список отбором)".replace(",", " ")
                if len(rows) >= MAX_EXPORT_ROWS else "")
        self.show_message(f"Выгружено строк: {len(rows)}{more} — {out}")
        return out


def write_xlsx(path: Path, columns: Sequence[ColumnSpec], rows: Sequence[Row]) -> Path:
    """Write-only workbook: bold frozen header, autofilter (openpyxl imported on use)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Список")
    sheet.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(8, column.width // 7)
    bold = Font(bold=True)
    head = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title if column.title != "★" else "Любимый")
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([column.text(row) for column in columns])
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    book.save(path)
    return path
