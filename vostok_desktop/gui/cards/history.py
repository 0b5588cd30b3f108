"""The «История изменений» page of the cards: the change log as a field-by-field diff.

Changes are grouped by save (when, who); each row is field | было | стало, the old value
struck through in red and the new one in green (plain model roles, no rich text: 2,000
rows fill at once). A filter box narrows the rows by field, value or person. An employee
with the right «Восстановление значений из журнала изменений» selects a row and gives it
its old value back («Вернуть прежнее значение», a button, the context menu and a shortcut);
the service (``services.change_restore``) checks the right, the card's version and what can
be restored, and the card re-reads itself afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    HINT_COLOUR,
    fmt_dt,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.services.cards.clients import CLIENT_FIELD_TITLES
from vostok_desktop.services.cards.common import (
    SUBROW_TITLES,
    CardConflict,
    CardNotFound,
    Lookups,
)
from vostok_desktop.services.cards.contacts import CONTACT_FIELD_TITLES

RESTORE_ACTION = "card.restore_value"
RESTORE_TEXT = "Вернуть прежнее значение"
RESTORE_RIGHT = "changelog.restore"
EMPTY_TEXT = "пусто"
GROUP_BACKGROUND = "#eef2f7"

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def fill_history(table: QTableWidget, rows: list[Any], describe: Callable[[Any], str],
                 employees: dict[int, str]) -> None:
    """The plain table of a card without a diff page (kept for pages built elsewhere)."""
    read_only_table(table, ["Когда", "Кто", "Что изменено", "Было", "Стало"])
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        values = [fmt_dt(row.changed_at), employees.get(row.employee_id or 0, ""),
                  describe(row), row.old_value or "—", row.new_value or "—"]
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    for c, width in enumerate((120, 200, 220, 220)):
        table.setColumnWidth(c, width)
    header.setStretchLastSection(True)


def describe_change(row: Any, lookups: Lookups) -> str:
    """A change-log row's field in Russian («Телефон», «Ответственный: Продажи»...)."""
    table, field_ = row.table_name, row.field
    if field_ == "created":  # the server logs a bulk load one line a row, values as JSON
        return "Создано массовой загрузкой"
    if table == "clients":
        return CLIENT_FIELD_TITLES.get(field_, field_)
    if table == "contacts":
        return "Контактное лицо: " + CONTACT_FIELD_TITLES.get(field_, field_)
    if table == "responsibilities":
        names = {code: name for _id, code, name in lookups.directions}
        code = field_.removeprefix("responsible:")  # older logs have the bare code
        return "Ответственный: " + names.get(code, code)
    if table == "custom_values" and field_.startswith("custom:"):
        names = {f.id: f.name for f in lookups.client_fields + lookups.contact_fields}
        key = field_.split(":", 1)[1]
        return names.get(int(key), field_) if key.isdigit() else field_
    return SUBROW_TITLES.get((table, field_), f"{table}.{field_}")


def _value_titles() -> dict[tuple[str, str], dict[str, str]]:
    from vostok_desktop.domain.work import (
        ACTION_ITEM_KIND_TITLES,
        ACTION_ITEM_STATE_TITLES,
        ASSIGNMENT_STATE_TITLES,
        IMPORTANCE_TITLES,
        WORK_KIND_TITLES,
    )

    def plain(titles: dict[Any, str]) -> dict[str, str]:
        return {str(k.value): v for k, v in titles.items()}

    return {
        ("action_items", "kind"): plain(ACTION_ITEM_KIND_TITLES),
        ("action_items", "state"): plain(ACTION_ITEM_STATE_TITLES),
        ("assignments", "state"): plain(ASSIGNMENT_STATE_TITLES),
        ("assignments", "importance"): plain(IMPORTANCE_TITLES),
        ("work_records", "kind"): plain(WORK_KIND_TITLES),
        ("work_records", "importance"): plain(IMPORTANCE_TITLES),
    }


_VALUE_TITLES: dict[tuple[str, str], dict[str, str]] = {}
_LOGGED_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def shown_value(table: str, field: str, value: str | None) -> str | None:
    """A logged value as the user reads it: enum values by their Russian titles, moments
    (stored as UTC ISO text) in local time."""
    if value is None:
        return None
    if not _VALUE_TITLES:
        _VALUE_TITLES.update(_value_titles())
    titles = _VALUE_TITLES.get((table, field))
    if titles is not None:
        return titles.get(value, value)
    if _LOGGED_MOMENT.match(value):
        return datetime.fromisoformat(value).astimezone().strftime("%d.%m.%Y %H:%M")
    return value


def show_history(table: QTableWidget, rows: list[Any], lookups: Lookups) -> None:
    """Fill a card's history page: the diff page when the card has one (see
    :class:`HistoryPage`), else the plain table; fields and people named from ``lookups``."""
    page = getattr(table, "history_page", None)
    describe: Callable[[Any], str] = lambda r: describe_change(r, lookups)  # noqa: E731
    if isinstance(page, HistoryPage):
        page.set_rows(rows, describe, dict(lookups.employees))
    else:
        fill_history(table, rows, describe, dict(lookups.employees))


# -- the model -----------------------------------------------------------------------------

@dataclass
class _Change:
    id: int
    field: str
    old: str | None
    new: str | None
    search: str  # lower-case field and values, for the filter


@dataclass
class _Group:
    title: str  # «12.03.2025 14:05 · Иванов Иван Иванович»
    search: str
    changes: list[_Change] = field(default_factory=list)


def _one_line(text: str | None) -> str:
    if text is None:
        return EMPTY_TEXT
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


class HistoryModel(QAbstractItemModel):
    """Saves (top level) and their fields (children): field | было | стало."""

    HEADERS = ("Поле", "Было", "Стало")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[_Group] = []
        self._groups: list[_Group] = []
        self._filter = ""
        base = QFont()
        self._bold = QFont(base)
        self._bold.setBold(True)
        self._struck = QFont(base)
        self._struck.setStrikeOut(True)
        self._italic = QFont(base)
        self._italic.setItalic(True)
        self._red = QBrush(QColor(ERROR_COLOUR))
        self._green = QBrush(QColor(DONE_COLOUR))
        self._grey = QBrush(QColor(HINT_COLOUR))
        self._group_bg = QBrush(QColor(GROUP_BACKGROUND))

    # -- filling ------------------------------------------------------------------------
    def set_rows(self, rows: list[Any], describe: Callable[[Any], str],
                 employees: dict[int, str]) -> None:
        """Log rows, newest first; consecutive rows of one save (same time and person) make
        one group."""
        groups: list[_Group] = []
        key = None
        for row in rows:
            row_key = (row.changed_at, row.employee_id)
            if row_key != key or not groups:
                who = employees.get(row.employee_id or 0, "") or "—"
                title = f"{fmt_dt(row.changed_at)} · {who}"
                groups.append(_Group(title, title.lower()))
                key = row_key
            name = describe(row)
            old = shown_value(row.table_name, row.field, row.old_value)
            new = shown_value(row.table_name, row.field, row.new_value)
            search = f"{name}\n{old or ''}\n{new or ''}".lower()
            groups[-1].changes.append(_Change(row.id, name, old, new, search))
        self.beginResetModel()
        self._all = groups
        self._groups = self._filtered(self._filter)
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self.beginResetModel()
        self._groups = self._filtered(self._filter)
        self.endResetModel()

    def _filtered(self, needle: str) -> list[_Group]:
        if not needle:
            return self._all
        out = []
        for group in self._all:
            if needle in group.search:
                out.append(group)
                continue
            changes = [c for c in group.changes if needle in c.search]
            if changes:
                out.append(_Group(group.title, group.search, changes))
        return out

    def change_count(self, filtered: bool = True) -> int:
        return sum(len(g.changes) for g in (self._groups if filtered else self._all))

    def group_count(self) -> int:
        return len(self._groups)

    def change_at(self, index: Index) -> _Change | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1].changes[index.row()]

    def first_change(self) -> QModelIndex:
        return self.index(0, 0, self.index(0, 0)) if self._groups else QModelIndex()

    # -- QAbstractItemModel ---------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if parent.isValid():
            if parent.internalId() != 0 or not 0 <= parent.row() < len(self._groups):
                return QModelIndex()
            if not 0 <= row < len(self._groups[parent.row()].changes):
                return QModelIndex()
            return self.createIndex(row, column, parent.row() + 1)
        if not 0 <= row < len(self._groups):
            return QModelIndex()
        return self.createIndex(row, column, 0)

    def parent(self, index: Index | None = None) -> Any:  # type: ignore[override]
        if index is None:
            return super().parent()
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].changes)
        return 0

    def columnCount(self, _parent: Index = _ROOT) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if index.internalId() == 0:
            group = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return group.title
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._group_bg
            return None
        change = self._groups[index.internalId() - 1].changes[index.row()]
        value = (change.field, change.old, change.new)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return value if column == 0 else _one_line(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return change.field
            return value if value is not None else EMPTY_TEXT
        if column == 0:
            return None
        if role == Qt.ItemDataRole.FontRole:
            if value is None:
                return self._italic
            return self._struck if column == 1 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if value is None:
                return self._grey
            return self._red if column == 1 else self._green
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ("было: " if column == 1 else "стало: ") + (value or EMPTY_TEXT)
        return None


# -- the page ------------------------------------------------------------------------------

class HistoryPage(QWidget):
    """Takes the place of a card's ``history_table`` (which stays, hidden, for the form)."""

    def __init__(self, card: Any, table: QTableWidget) -> None:
        super().__init__(table.parentWidget())
        self.setObjectName("history_page")
        self.card = card
        self.context = card.context
        self.model = HistoryModel(self)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("history_filter")
        self.filter_edit.setPlaceholderText("Фильтр: поле, значение или сотрудник")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Введите часть названия поля, значения или имени")
        self.count_label = QLabel()
        set_text_colour(self.count_label, HINT_COLOUR)
        self.restore_button = QPushButton(RESTORE_TEXT)
        self.restore_button.setObjectName("history_restore_button")
        self.view = QTreeView()
        self.view.setObjectName("history_view")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setAllColumnsShowFocus(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.header().setStretchLastSection(True)
        self.view.setColumnWidth(0, 280)
        self.view.setColumnWidth(1, 320)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addStretch()
        top.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.filter_edit, self.view)
        QWidget.setTabOrder(self.view, self.restore_button)

        outer = table.parentWidget().layout()
        if outer is not None:
            outer.replaceWidget(table, self)
        table.hide()
        table.history_page = self  # type: ignore[attr-defined]  # show_history finds it here

        self.filter_edit.textChanged.connect(self._filter)
        self.restore_button.clicked.connect(self.restore_selected)
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        action = restore_action(self.context)
        self.view.addAction(action)
        self.can_restore = self.context.allows(RESTORE_RIGHT)
        self.restore_button.setVisible(self.can_restore)
        self.restore_button.setToolTip(action.toolTip())
        if self.can_restore:
            self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._update_buttons()

    # -- filling ------------------------------------------------------------------------
    def set_rows(self, rows: list[Any], describe: Callable[[Any], str],
                 employees: dict[int, str]) -> None:
        self.model.set_rows(rows, describe, employees)
        self._after_reset()

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._after_reset()

    def _after_reset(self) -> None:
        view = self.view
        view.setUpdatesEnabled(False)
        view.expandAll()
        for r in range(self.model.group_count()):
            view.setFirstColumnSpanned(r, QModelIndex(), True)
        view.setUpdatesEnabled(True)
        first = self.model.first_change()
        if first.isValid():
            view.setCurrentIndex(first)
        total = self.model.change_count(filtered=False)
        shown = self.model.change_count()
        if not total:
            text = "Изменений нет"
        elif self.filter_edit.text().strip():
            text = f"Найдено {shown} из {total}"
        else:
            text = f"Изменений: {total}"
        self.count_label.setText(text)
        self._update_buttons()

    def current_change(self) -> _Change | None:
        return self.model.change_at(self.view.currentIndex())

    def _update_buttons(self) -> None:
        writable = not self.context.base.read_only
        self.restore_button.setEnabled(self.can_restore and writable
                                       and self.current_change() is not None)

    # -- restore --------------------------------------------------------------------------
    def restore_selected(self) -> bool:
        """Give the selected field its old value back; True when it was written."""
        from vostok_desktop.services.access.rights import AccessDenied
        from vostok_desktop.services.common.change_restore import RestoreRefused, restore_change

        card = self.card
        change = self.current_change()
        if change is None:
            card.show_message("Выберите в истории строку с изменением поля.")
            return False
        if not self.context.allows(RESTORE_RIGHT):
            card.show_message("Нет права «Восстановление значений из журнала изменений». "
                              "Обратитесь к администратору.")
            return False
        if self.context.base.read_only:
            card.show_message("База открыта только для чтения: значение не вернуть.")
            return False
        if card.entity_id is None:
            return False
        old = f"«{change.old}»" if change.old is not None else "«пусто»"
        question = f"Вернуть полю «{change.field}» прежнее значение {old}?"
        if card.is_dirty():
            question += ("\n\nВ карточке есть несохранённые изменения. После возврата "
                         "карточка будет перечитана из базы, и они пропадут.")
        if QMessageBox.question(self, RESTORE_TEXT, question) != \
                QMessageBox.StandardButton.Yes:
            return False
        try:
            restored = restore_change(self.context.base, change.id, self.context.employee_id,
                                      card_kind=card.kind, card_id=card.entity_id,
                                      card_version=card.loaded_version())
        except (RestoreRefused, AccessDenied) as exc:
            card.show_message(exc.message)
            return False
        except CardConflict as conflict:
            card.show_message(f"{conflict} Перечитайте карточку (F5) и повторите.")
            return False
        except CardNotFound as exc:
            card.show_message(str(exc))
            return False
        except SQLAlchemyError as exc:
            card.show_message(f"Значение не возвращено: ошибка базы данных "
                              f"({exc.__class__.__name__}).")
            return False
        card.fill(card._load())  # re-read: the field, the version and this page
        card.show_message(restored.message(), error=False)
        self.context.bus.announce(card.kind, [card.entity_id])
        self.view.setFocus()
        return True


def restore_action(context: Any) -> Any:
    """The registry's «Вернуть прежнее значение» (one QAction for every history page; it
    acts on the page that has the focus)."""
    if RESTORE_ACTION not in context.actions:
        context.actions.register(RESTORE_ACTION, RESTORE_TEXT, _restore_focused,
                                 category="Карточка", scope="card.history")
    return context.actions.action(RESTORE_ACTION)


def _restore_focused() -> None:
    widget = QApplication.focusWidget()
    while widget is not None and not isinstance(widget, HistoryPage):
        widget = widget.parentWidget()
    if widget is not None:
        widget.restore_selected()
