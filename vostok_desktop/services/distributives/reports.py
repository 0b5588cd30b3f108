"""Report queries over distributives (tables now; the pivot engine of the reports issue
reuses them): «Движение дистрибутивов» for a period, «Баланс дистрибутивов» (connected −
disconnected by month), «Дистрибутивы клиентов». Long ones run on a worker (DESIGN)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import extract, func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    MovementKind,
)
from vostok_desktop.services.distributives.common import (
    DistributiveRow,
    MovementRow,
    distributive_rows,
    distributive_select,
    movement_rows,
    movement_select,
)

M = DistributiveMovement
REPORT_LIMIT = 100_000


def movements_between(base: OpenedBase, start: date, end: date, *,
                      kinds: Sequence[MovementKind] = (), client_id: int | None = None,
                      limit: int = REPORT_LIMIT) -> list[MovementRow]:
    """«Движение дистрибутивов» from ``start`` to ``end`` inclusive, in date order."""
    stmt = movement_select().where(M.moved_on >= start, M.moved_on <= end)
    if kinds:
        stmt = stmt.where(M.kind.in_([MovementKind(k) for k in kinds]))
    if client_id is not None:
        stmt = stmt.where((M.to_client_id == client_id) | (M.from_client_id == client_id))
    with base.sessions() as s:
        return movement_rows(s.execute(stmt.order_by(M.moved_on, M.id).limit(limit)))


@dataclass(frozen=True)
class BalanceRow:
    year: int
    month: int
    connected: int
    disconnected: int

    @property
    def balance(self) -> int:
        return self.connected - self.disconnected


def balance_by_month(base: OpenedBase, start: date, end: date) -> list[BalanceRow]:
    """«Баланс дистрибутивов»: подключения − отключения per month of ``start``…``end``
    (a transfer or a replacement moves a distributive without changing the balance)."""
    year = extract("year", M.moved_on)
    month = extract("month", M.moved_on)
    stmt = (select(year, month,
                   func.count().filter(M.kind == MovementKind.CONNECT),
                   func.count().filter(M.kind == MovementKind.DISCONNECT))
            .where(M.moved_on >= start, M.moved_on <= end,
                   M.kind.in_([MovementKind.CONNECT, MovementKind.DISCONNECT]))
            .group_by(year, month).order_by(year, month))
    with base.sessions() as s:
        return [BalanceRow(int(y), int(m), c, d) for y, m, c, d in s.execute(stmt)]


def month_span(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month from ``start``'s to ``end``'s, inclusive."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def balance_months(base: OpenedBase, start: date, end: date) -> list[BalanceRow]:
    """«Баланс дистрибутивов» with every month of the period, a month without
    movements as zeros (the table and its running total have no gaps)."""
    found = {(r.year, r.month): r for r in balance_by_month(base, start, end)}
    return [found.get((y, m), BalanceRow(y, m, 0, 0)) for y, m in month_span(start, end)]


def client_distributives_report(base: OpenedBase, *,
                                statuses: Sequence[DistributiveStatus] = (
                                    DistributiveStatus.SERVED,),
                                limit: int = REPORT_LIMIT) -> list[DistributiveRow]:
    """«Дистрибутивы клиентов»: the distributives at clients, by client name and number."""
    stmt = (distributive_select(base)
            .where(Distributive.client_id.is_not(None),
                   Distributive.status.in_([DistributiveStatus(s) for s in statuses])))
    stmt = stmt.order_by(stmt.selected_columns.client_name, Distributive.client_id,
                         Distributive.number).limit(limit)
    with base.sessions() as s:
        return distributive_rows(s.execute(stmt))


__all__ = ["REPORT_LIMIT", "BalanceRow", "balance_by_month", "balance_months",
           "client_distributives_report", "month_span", "movements_between"]


# --------------------------------------------------------------------------- tables
# The four reports as plain tables (typed values: str, int, date, Decimal) for the
# reports window and its Excel export.

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")


@dataclass(frozen=True)
class ReportTable:
    title: str
    subtitle: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    totals: tuple[Any, ...] | None = None
    truncated: bool = False  # more rows than the report's limit: the first ones shown


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _count_word(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _terms(row: DistributiveRow) -> str:
    if row.fixed_price is not None:
        return f"{row.fixed_price:,.2f}".replace(",", "\u00a0").replace(".", ",") + " руб."
    if row.discount_percent is not None:
        return f"скидка {row.discount_percent.normalize():f}".replace(".", ",") + " %"
    return ""


CLIENT_STATUS_CHOICES: dict[str, tuple[DistributiveStatus, ...]] = {
    "На обслуживании": (DistributiveStatus.SERVED,),
    "На обслуживании и ознакомительные": (DistributiveStatus.SERVED,
                                          DistributiveStatus.DEMO),
    "Ознакомительные": (DistributiveStatus.DEMO,),
    "Отключённые": (DistributiveStatus.DISCONNECTED,),
    "Все у клиентов": (DistributiveStatus.SERVED, DistributiveStatus.DEMO,
                       DistributiveStatus.DISCONNECTED),
}


def clients_table(base: OpenedBase, statuses: Sequence[DistributiveStatus] = (
        DistributiveStatus.SERVED,), *, limit: int = REPORT_LIMIT) -> ReportTable:
    """«Дистрибутивы клиентов»: each client's distributives, by client and number."""
    found = client_distributives_report(base, statuses=statuses, limit=limit + 1)
    truncated = len(found) > limit
    found = found[:limit]
    rows = [(r.client_name or "(клиент недоступен)", r.number, r.system_title, r.kind_title,
             r.series, r.network_size, r.status_title, r.status_since,
             r.kit_title or "", r.engineer_name or "", _terms(r)) for r in found]
    clients = len({r.client_id for r in found})
    systems = sum(r.network_size for r in found)
    subtitle = (f"{', '.join(DISTRIBUTIVE_STATUS_TITLES[s] for s in statuses).capitalize()}: "
                f"{len(found)} {_count_word(len(found), 'дистрибутив', 'дистрибутива', 'дистрибутивов')}"
                f" у {clients} {_count_word(clients, 'клиента', 'клиентов', 'клиентов')}")
    if truncated:
        subtitle += f" (показаны первые {limit:,})".replace(",", "\u00a0")
    return ReportTable(
        "Дистрибутивы клиентов", subtitle,
        ("Клиент", "Номер", "Система", "Тип", "Серия", "Сеть", "Состояние", "С",
         "Комплект", "Инженер", "Условия"),
        rows, ("Итого", len(found), "", "", "", systems, "", None, "", "", ""), truncated)


def movements_table(base: OpenedBase, start: date, end: date, *,
                    kinds: Sequence[MovementKind] = (),
                    limit: int = REPORT_LIMIT) -> ReportTable:
    """«Движение дистрибутивов» of a period, in date order."""
    if start > end:
        raise ValueError(f"Начало периода {_day(start)} позже его конца {_day(end)}")
    found = movements_between(base, start, end, kinds=kinds, limit=limit + 1)
    truncated = len(found) > limit
    found = found[:limit]
    rows = [(m.moved_on, m.kind_title, m.number, m.system_title, m.description,
             m.employee_name or "", m.note) for m in found]
    by_kind: dict[str, int] = {}
    for m in found:
        by_kind[m.kind_title] = by_kind.get(m.kind_title, 0) + 1
    parts = "; ".join(f"{k}: {n}" for k, n in sorted(by_kind.items(),
                                                             key=lambda kv: -kv[1]))
    subtitle = f"С {_day(start)} по {_day(end)} — движений: {len(found)}"
    if parts:
        subtitle += f" ({parts})"
    if truncated:
        subtitle += f"; показаны первые {limit:,}".replace(",", "\u00a0")
    return ReportTable("Движение дистрибутивов", subtitle,
                       ("Дата", "Вид", "Номер", "Система", "Содержание", "Провёл",
                        "Примечание"), rows, None, truncated)


def stock_table(base: OpenedBase, *, summary: bool = True,
                include_reserved: bool = True) -> ReportTable:
    """«Склад дистрибутивов»: totals by system, or the list of what lies on the
    warehouse."""
    from vostok_desktop.services.distributives import warehouse

    if summary:
        found = warehouse.stock_summary(base)
        rows = [(s.system_code, s.system_title, s.in_stock, s.reserved,
                 s.in_stock + s.reserved) for s in found]
        free = sum(s.in_stock for s in found)
        held = sum(s.reserved for s in found)
        return ReportTable("Склад дистрибутивов",
                           f"Сводка по системам: на складе {free}, в резерве {held}",
                           ("Код", "Система", "На складе", "В резерве", "Всего"), rows,
                           ("Итого", "", free, held, free + held))
    limit = 5000
    listed = warehouse.stock(base, include_reserved=include_reserved, limit=limit + 1)
    truncated = len(listed) > limit
    listed = listed[:limit]
    rows = [(d.number, d.system_title, d.kind_title, d.series, d.network_size,
             d.status_title, d.status_since,
             d.reserved_for_client_name or d.reserved_for_employee_name or "", d.notes)
            for d in listed]
    what = "на складе и в резерве" if include_reserved else "на складе, без резерва"
    subtitle = f"Дистрибутивы {what}: {len(listed)}"
    if truncated:
        subtitle += f" (показаны первые {limit})"
    return ReportTable("Склад дистрибутивов", subtitle,
                       ("Номер", "Система", "Тип", "Серия", "Сеть", "Состояние", "С",
                        "Зарезервирован за", "Примечание"), rows, None, truncated)


def month_title(year: int, month: int) -> str:
    return f"{MONTHS[month - 1].capitalize()} {year}"


def balance_table(base: OpenedBase, start: date, end: date) -> ReportTable:
    """«Баланс дистрибутивов»: подключено, отключено, баланс and its running total for
    every month of the period."""
    if start > end:
        raise ValueError(f"Начало периода {_day(start)} позже его конца {_day(end)}")
    months = balance_months(base, start, end)
    rows, running = [], 0
    for m in months:
        running += m.balance
        rows.append((month_title(m.year, m.month), m.connected, m.disconnected, m.balance,
                     running))
    connected = sum(m.connected for m in months)
    disconnected = sum(m.disconnected for m in months)
    return ReportTable(
        "Баланс дистрибутивов",
        f"С {_day(start)} по {_day(end)}: подключено {connected}, отключено "
        f"{disconnected}, баланс {connected - disconnected:+d}",
        ("Месяц", "Подключено", "Отключено", "Баланс", "Нарастающим итогом"), rows,
        ("Итого", connected, disconnected, connected - disconnected, None))


def write_xlsx(table: ReportTable, path: str | Path,
               progress: Callable[[int, int], None] | None = None) -> Path:
    """The table as .xlsx (write-only workbook): title, subtitle, bold frozen header,
    real numbers and dates, bold totals."""
    from openpyxl import Workbook  # heavy: imported when first used
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31])
    sheet.freeze_panes = "A4"
    for n, title in enumerate(table.columns, start=1):
        widest = max([len(title), *(len(str(r[n - 1])) for r in table.rows[:200])])
        sheet.column_dimensions[get_column_letter(n)].width = min(max(10, widest + 2), 60)
    bold = Font(bold=True)

    def cell(value: Any, strong: bool = False) -> Any:
        c = WriteOnlyCell(sheet, value=value)
        if strong:
            c.font = bold
        if isinstance(value, date):
            c.number_format = "DD.MM.YYYY"
        elif isinstance(value, Decimal):
            c.number_format = "#,##0.00"
        return c

    sheet.append([cell(table.title, True)])
    sheet.append([cell(table.subtitle)])
    sheet.append([cell(title, True) for title in table.columns])
    total = len(table.rows)
    for i, row in enumerate(table.rows, start=1):
        sheet.append([cell(v) if isinstance(v, date | Decimal) else v for v in row])
        if progress is not None and i % 1000 == 0:
            progress(i, total)
    if table.totals is not None:
        sheet.append([cell(v, True) for v in table.totals])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


__all__ += ["CLIENT_STATUS_CHOICES", "ReportTable", "balance_table", "clients_table",
            "month_title", "movements_table", "stock_table", "write_xlsx"]
