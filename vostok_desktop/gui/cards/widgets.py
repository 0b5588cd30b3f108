"""Small look-and-feel helpers every card uses: colours, the validation mark at a field,
read-only tables that open a row on Enter, the status message, building the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.uiloader import child, load_ui

ERROR_COLOUR = "#b3261e"
INVALID_BASE = "#fff4f3"
HINT_COLOUR = "#5f6368"
DONE_COLOUR = "#1b5e20"


def set_text_colour(widget: QWidget, colour: str | None) -> None:
    """Palette colours, not style sheets: a style sheet on a card re-polishes its whole widget
    tree and made opening a card ~40 ms slower."""
    palette = widget.palette()
    default = QApplication.palette(widget)
    palette.setColor(QPalette.ColorRole.WindowText,
                     QColor(colour) if colour else default.color(QPalette.ColorRole.WindowText))
    widget.setPalette(palette)


def style_header(label: QLabel) -> None:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.45)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)


def build_form(card: QWidget, ui_file: str, ui_widgets: dict[str, type[QWidget]]) -> QWidget:
    """Load ``ui/<ui_file>`` into ``card`` (filling the card) and set each widget the code
    takes from it as an attribute of the card under its object name."""
    form = load_ui(ui_file, card)
    for name, kind in ui_widgets.items():
        setattr(card, name, child(form, kind, name))
    layout = QVBoxLayout(card)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form


def show_status(label: QLabel, text: str, error: bool = True) -> None:
    """The message line under a card: red for a refusal, green for «Сохранено»."""
    label.setText(text)
    set_text_colour(label, ERROR_COLOUR if error else DONE_COLOUR)
    label.setVisible(bool(text))


def fmt_dt(value: Any) -> str:
    return value.astimezone().strftime("%d.%m.%Y %H:%M") if value else ""


def mark(edit: QWidget, label: QLabel | None, message: str | None) -> None:
    """Show (or clear) a validation message at a field; the typed text stays as it is."""
    edit.setProperty("invalid", bool(message))
    palette = edit.palette()
    default = QApplication.palette(edit)
    palette.setColor(QPalette.ColorRole.Base, QColor(INVALID_BASE) if message
                     else default.color(QPalette.ColorRole.Base))
    edit.setPalette(palette)
    edit.setToolTip(message or "")
    if label is not None:
        label.setText(message or "")
        label.setVisible(bool(message))


def read_only_table(table: QTableWidget, headers: list[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setHighlightSections(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)


def on_activate(table: QTableWidget, handler: Callable[[], None]) -> None:
    """Enter or a double click on a row runs ``handler`` (opens the row's card)."""
    table.doubleClicked.connect(lambda _index: handler())

    class _Filter(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                    event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    table.state() != QAbstractItemView.State.EditingState:
                handler()
                return True
            return False

    table._activate_filter = _Filter(table)  # type: ignore[attr-defined]
    table.installEventFilter(table._activate_filter)  # type: ignore[attr-defined]
