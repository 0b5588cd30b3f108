"""What the distributive screens share: table cells, how terms and dates read, opening a
dialog without blocking (tests and the keyboard drive it the same way), and finding the
widget a scoped command is meant for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget, QTableWidgetItem, QWidget

from vostok_desktop.services.distributives.common import DistributiveRow

W = TypeVar("W", bound=QWidget)

OVERDUE_BACKGROUND = "#fde7e9"
DEMO_BACKGROUND = "#fff8e1"
DISCONNECTED_COLOUR = "#6b6b6b"


def fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def money(value: Decimal | None) -> str:
    """1500.5 → «1 500,50»."""
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


SYSTEM_PREFIX = "КонсультантПлюс: "


def system_text(title: str) -> str:
    """A system's title in a narrow column: without the «КонсультантПлюс: » every title
    starts with (the full title is the cell's tooltip)."""
    return title[len(SYSTEM_PREFIX):] if title.startswith(SYSTEM_PREFIX) else title


def short_name(full_name: str | None) -> str:
    """«Попова Людмила Ивановна» → «Попова Л. И.» (a narrow column)."""
    if not full_name:
        return ""
    surname, *rest = full_name.split()
    if not rest or not all(part[:1].isupper() for part in rest):
        return full_name  # not «Фамилия Имя Отчество» («Администратор системы»)
    return " ".join([surname, *(f"{part[0]}." for part in rest)])


def terms_text(row: DistributiveRow) -> str:
    if row.fixed_price is not None:
        return f"{money(row.fixed_price)} руб."
    if row.discount_percent is not None:
        percent = f"{row.discount_percent.normalize():f}".replace(".", ",")
        return f"скидка {percent} %"
    return ""


def cell(text: str, data: Any = None, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if len(text) > 12:
        item.setToolTip(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]],
               ids: Sequence[Any] | None = None) -> None:
    table.setUpdatesEnabled(False)
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            table.setItem(r, c, cell(text, ids[r] if ids is not None and c == 0 else None))
    table.setUpdatesEnabled(True)


def paint_row(table: QTableWidget, row: int, *, background: str | None = None,
              foreground: str | None = None, bold: bool = False) -> None:
    for c in range(table.columnCount()):
        item = table.item(row, c)
        if item is None:
            continue
        if background:
            item.setBackground(QBrush(QColor(background)))
        if foreground:
            item.setForeground(QBrush(QColor(foreground)))
        if bold:
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)


def row_id(table: QTableWidget) -> Any:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def select_id(table: QTableWidget, wanted: Any) -> bool:
    for r in range(table.rowCount()):
        item = table.item(r, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == wanted:
            table.setCurrentCell(r, 0)
            return True
    return False


def shortcut_hint(actions: Any, pairs: Sequence[tuple[str, str]]) -> str:
    """«Insert — подключить, Delete — отключить…» from the registry (the user's keys)."""
    if actions is None:
        return ""
    from vostok_desktop.gui.actions import shortcut_text

    parts = []
    for action_id, what in pairs:
        if action_id in actions:
            key = shortcut_text(actions.action(action_id).shortcut())
            if key:
                parts.append(f"{key} — {what}")
    return ", ".join(parts)


def show_dialog(owner: QWidget, dialog: QDialog, on_done: Callable[[], None]) -> QDialog:
    """Open ``dialog`` window-modal without blocking; ``on_done`` after «ОК»."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(on_done)
    owner.active_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()
    return dialog


def focused(kind: type[W]) -> W | None:
    """The widget of ``kind`` holding the keyboard focus (or an ancestor of it)."""
    widget = QApplication.focusWidget()
    while widget is not None and not isinstance(widget, kind):
        widget = widget.parentWidget()
    return widget


__all__ = ["DEMO_BACKGROUND", "DISCONNECTED_COLOUR", "OVERDUE_BACKGROUND", "cell", "fill_table",
           "fmt_date", "focused", "money", "paint_row", "row_id", "select_id", "short_name", "shortcut_hint", "show_dialog", "system_text",
           "terms_text"]
