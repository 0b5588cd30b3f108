"""Helpers the price-list screens share: the «Нет права» tip, money typed by a user, and a
report table printed as simple HTML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from vostok_desktop.gui.distributives.common import fmt_date, money
from vostok_desktop.services.access.rights import right_title
from vostok_desktop.services.distributives.reports import ReportTable

PRICES = "money.prices"


def no_right_tip(right: str) -> str:
    return f"Нет права «{right_title(right)}»"


def parse_money(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def table_html(table: ReportTable) -> str:
    """A report table as simple HTML for printing."""
    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return money(value)
        if isinstance(value, date):
            return fmt_date(value)
        return str(value).replace("&", "&amp;").replace("<", "&lt;")

    head = "".join(f"<th>{text(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(
        f"<td align='right'>{text(v)}</td>" if isinstance(v, Decimal | int)
        else f"<td>{text(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return (f"<h3>{text(table.title)}</h3><p>{text(table.subtitle)}</p>"
            f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}"
            "</table>")


def print_html(owner: QWidget, html: str) -> None:
    from PySide6.QtGui import QTextDocument
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer, owner)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        document = QTextDocument()
        document.setHtml(html)
        document.print_(printer)


__all__ = ["PRICES", "no_right_tip", "parse_money", "print_html", "table_html"]
