"""The «История изменений» page of the client and contact cards: change-log rows in a
table, each field named in Russian."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from vostok_desktop.gui.cards.widgets import fmt_dt, read_only_table
from vostok_desktop.services.card_common import SUBROW_TITLES, Lookups
from vostok_desktop.services.client_cards import CLIENT_FIELD_TITLES
from vostok_desktop.services.contact_cards import CONTACT_FIELD_TITLES


def fill_history(table: QTableWidget, rows: list[Any], describe: Callable[[Any], str],
                 employees: dict[int, str]) -> None:
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
    table, field = row.table_name, row.field
    if table == "clients":
        return CLIENT_FIELD_TITLES.get(field, field)
    if table == "contacts":
        return "Контактное лицо: " + CONTACT_FIELD_TITLES.get(field, field)
    if table == "responsibilities":
        names = {code: name for _id, code, name in lookups.directions}
        code = field.removeprefix("responsible:")  # older logs have the bare code
        return "Ответственный: " + names.get(code, code)
    if table == "custom_values" and field.startswith("custom:"):
        names = {f.id: f.name for f in lookups.client_fields + lookups.contact_fields}
        return names.get(int(field.split(":", 1)[1]), field)
    return SUBROW_TITLES.get((table, field), f"{table}.{field}")


def show_history(table: QTableWidget, rows: list[Any], lookups: Lookups) -> None:
    """Fill a card's history page: fields and people named from ``lookups``."""
    fill_history(table, rows, lambda r: describe_change(r, lookups), dict(lookups.employees))
