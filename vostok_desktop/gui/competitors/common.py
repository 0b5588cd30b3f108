"""Small helpers the competitors' windows share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTableWidget, QTableWidgetItem, QWidget
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.widgets import read_only_table
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.cards.common import CardConflict


def rub(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def make_table(headers: list[str], stretch: int | None = None) -> QTableWidget:
    table = QTableWidget()
    read_only_table(table, headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1 if stretch is None else stretch,
                                QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: list[list[Any]], keys: list[Any]) -> None:
    """Rows of texts; the first cell of each row keeps ``keys[i]`` as its data."""
    table.setRowCount(len(rows))
    for r, (values, key) in enumerate(zip(rows, keys, strict=True)):
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            if c == 0:
                item.setData(256, key)
            table.setItem(r, c, item)
    if rows and table.currentRow() < 0:
        table.selectRow(0)


def current_key(table: QTableWidget) -> Any:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(256) if item is not None else None


def attempt(action: Callable[[], Any], report: Callable[[str], None], what: str) -> Any:
    """Run a write; a refusal is reported in Russian (``what`` not done: why), None back."""
    try:
        return action()
    except (ValidationError, AccessDenied, CardConflict) as exc:
        report(f"{what}: {getattr(exc, 'message', None) or exc}")
    except SQLAlchemyError as exc:
        report(f"{what}: ошибка базы данных ({exc.__class__.__name__})")
    return None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
