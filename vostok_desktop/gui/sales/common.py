"""Small helpers the sales windows share: money and date texts, read-only tables keyed by
row id, the Russian report of a refused write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessDenied, describe_refusal
from vostok_desktop.services.cards.common import CardConflict

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def rub(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def moment(value: datetime | None) -> str:
    return value.astimezone().strftime("%d.%m.%Y %H:%M") if value else ""


def make_table(headers: list[str], stretch: int, object_name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: list[list[Any]], keys: list[Any],
               right_columns: tuple[int, ...] = ()) -> None:
    """Rows of texts; the first cell of each row keeps ``keys[i]``. The current row stays
    on the same key when it is still there."""
    keep = current_key(table)
    table.setRowCount(len(rows))
    for r, (values, key) in enumerate(zip(rows, keys, strict=True)):
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            if c in right_columns:
                item.setTextAlignment(RIGHT)
            if c == 0:
                item.setData(KEY_ROLE, key)
            table.setItem(r, c, item)
    if rows:
        table.selectRow(keys.index(keep) if keep in keys else 0)


def current_key(table: QTableWidget) -> Any:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(KEY_ROLE) if item is not None else None


def error_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label


def attempt(action: Callable[[], Any], report: Callable[[str], None]) -> tuple[bool, Any]:
    """Run a write; a refusal is reported in Russian. (done, result)."""
    try:
        return True, action()
    except (ValidationError, AccessDenied, CardConflict) as exc:
        report(getattr(exc, "message", None) or str(exc))
    except SQLAlchemyError as exc:
        refused = describe_refusal(exc)
        report(refused.args[0] if refused is not None
               else f"Ошибка базы данных ({exc.__class__.__name__}); ничего не записано")
    return False, None
