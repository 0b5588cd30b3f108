"""What the KPI dialogs share: the context they take, the read-only notice and the
refusal text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFormLayout, QLabel, QWidget


class KpiContext(Protocol):
    """What the dialogs take from the application's context."""

    base: Any
    employee_id: int | None
    access: Any

    def allows(self, right: str) -> bool: ...


def error_text(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)


def announce(context: Any, table: str) -> None:
    bus = getattr(context, "bus", None)
    if bus is not None:
        bus.announce(table, [])


def read_only_label(right_title: str) -> QLabel:
    label = QLabel(f"Только просмотр: изменять можно с правом «{right_title}».")
    label.setObjectName("read_only_notice")
    label.setStyleSheet("color: #8a5a00;")
    label.setWordWrap(True)
    return label


def set_buddies(form: QFormLayout) -> None:
    """Alt+letter of each form label jumps to its field."""
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None or not isinstance(label.widget(), QLabel):
            continue
        widget: QWidget | None = field.widget()
        if widget is None and field.layout() is not None and field.layout().count():
            widget = field.layout().itemAt(0).widget()
        if widget is not None:
            label.widget().setBuddy(widget)


class KeyHandler(QObject):
    """Keys of one widget handled by the dialog (Insert, Delete, Ctrl+Up…) while the
    widget itself has the keyboard and is not editing a cell."""

    def __init__(self, widget: QWidget,
                 keys: dict[tuple[Qt.Key, Qt.KeyboardModifier], Callable[[], object]]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.keys = keys
        widget.installEventFilter(self)

    def _handler(self, event: QKeyEvent) -> Callable[[], object] | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return self.keys.get((Qt.Key(event.key()), modifiers))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is not self.widget or not isinstance(event, QKeyEvent):
            return False
        state = getattr(self.widget, "state", None)
        if state is not None and state() == QAbstractItemView.State.EditingState:
            return False
        handler = self._handler(event)
        if handler is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a window shortcut's
            return True
        if event.type() == QEvent.Type.KeyPress:
            handler()
            return True
        return False


NO_MOD = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def ask_to_save(parent: QWidget, title: str, what: str) -> str:
    """«save», «discard» or «cancel» for unsaved edits of ``what``."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent, title, f"{what} изменён, но не записан. Записать?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel)
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


class ListEditorMixin:
    """A list of entries with the editor of the current one beside it: an edit marks the
    editor dirty; leaving it (another entry, closing) asks to write, drop or stay;
    «Новый…» empties the editor, «Записать» writes it and re-reads the list.
    The dialog sets ``EDITOR_TITLE`` / ``EDITOR_WHAT``, ``NEW_TEXT`` / ``SAVED_TEXT``
    (the status after «Новый…» and after a write) and ``TABLE`` (announced after a write),
    and has ``list``, ``status``, ``context``, ``current_id``, ``dirty``, ``_filling``,
    ``may_edit``, ``reload(id)``, ``_entries()``, ``_show(entry)``, ``_first_field()``
    and ``_save_entry() -> id`` (the service call; raises with the reason)."""

    EDITOR_TITLE = ""
    EDITOR_WHAT = ""
    NEW_TEXT = ""
    SAVED_TEXT = ""
    TABLE = ""
    list: Any
    status: Any
    context: Any
    current_id: int | None
    dirty: bool
    _filling: bool
    may_edit: bool

    def _entries(self) -> list[Any]:
        raise NotImplementedError

    def _show(self, entry: Any) -> None:
        raise NotImplementedError

    def _first_field(self) -> QWidget:
        raise NotImplementedError

    def _save_entry(self) -> int:
        raise NotImplementedError

    def reload(self, select_id: int | None = None) -> None:
        raise NotImplementedError

    def new(self) -> None:
        """An empty editor for a new entry (after asking about unsaved edits)."""
        if not self.may_edit and self._entries():
            return
        if not self._may_leave():
            return
        self.current_id = None
        self._filling = True
        self.list.setCurrentRow(-1)
        self._filling = False
        self._show(None)
        self._first_field().setFocus()
        if self.may_edit:
            self.status.setText(self.NEW_TEXT)

    def save(self) -> bool:
        if not self._write():
            return False
        self.reload(self.current_id)
        self.status.setText(self.SAVED_TEXT)
        return True

    def _write(self) -> bool:
        if not self.may_edit:
            return False
        try:
            saved = self._save_entry()
        except Exception as exc:  # noqa: BLE001 - refusals and server errors alike
            self.status.setText(f"Не записано: {error_text(exc)}")
            return False
        self.current_id = saved
        self.dirty = False
        announce(self.context, self.TABLE)
        return True

    def current_entry(self) -> Any:
        r, entries = self.list.currentRow(), self._entries()
        return entries[r] if 0 <= r < len(entries) else None

    def _edited(self) -> None:
        if not self._filling and self.may_edit:
            self.dirty = True

    def _may_leave(self) -> bool:
        """Unsaved edits of the shown entry: written, dropped, or stay (False)."""
        if not self.dirty:
            return True
        answer = ask_to_save(self, self.EDITOR_TITLE, self.EDITOR_WHAT)  # type: ignore[arg-type]
        if answer == "cancel" or (answer == "save" and not self._write()):
            return False
        self.dirty = False
        return True

    def _select_id(self, entry_id: int | None) -> None:
        ids = [e.id for e in self._entries()]
        self._filling = True
        try:
            self.list.setCurrentRow(ids.index(entry_id) if entry_id in ids else -1)
        finally:
            self._filling = False

    def _picked(self) -> None:
        if self._filling:
            return
        entry = self.current_entry()
        if entry is None or entry.id == self.current_id and not self.dirty:
            return
        if not self._may_leave():
            self._select_id(self.current_id)
            return
        entry = self.current_entry()
        if entry is None:
            return
        self.current_id = entry.id
        self._show(entry)

    def done(self, result: int) -> None:
        if self._may_leave():
            super().done(result)  # type: ignore[misc]


def fit_text_column(table: Any, column: int, minimum_chars: int = 40) -> None:
    """Columns to their contents, except ``column`` (long text such as «Причины»): it takes
    the room left but at least ``minimum_chars`` wide, and wraps — the rows grow to show
    all of it instead of cutting it off."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for c in range(table.model().columnCount()):
        if c != column:
            table.resizeColumnToContents(c)
    used = sum(table.columnWidth(c) for c in range(table.model().columnCount()) if c != column)
    room = table.viewport().width() - used - 2
    table.setColumnWidth(column, max(room, table.fontMetrics().averageCharWidth()
                                     * minimum_chars))
    table.setWordWrap(True)
    table.resizeRowsToContents()
