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
