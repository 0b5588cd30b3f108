"""Excel export: streamed (write-only) workbooks with a bold frozen header, autofilter,
column widths and real Excel types (numbers, dates). No Qt; openpyxl imported on use.

Every list, agent and report can export through :func:`export_xlsx`; it never keeps the
rows in memory (shared/FINDINGS.md: write-only mode, 100k rows × 10 columns in ~9 s).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Address, AddressKind, Client, Email, Phone
from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES

Progress = Callable[[str, int, int], None]


class CellType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"


NUMBER_FORMATS = {
    CellType.INTEGER: "0",
    CellType.NUMBER: "#,##0.00",
    CellType.MONEY: "#,##0.00",
    CellType.DATE: "DD.MM.YYYY",
    CellType.DATETIME: "DD.MM.YYYY HH:MM",
}


@dataclass(frozen=True)
class ExportColumn:
    key: str
    title: str
    type: CellType = CellType.TEXT
    width: int = 18  # in characters
    value: Callable[[Any], Any] | None = None  # row -> value; default row[key]


def _cell_value(column: ExportColumn, row: Any) -> Any:
    value = column.value(row) if column.value else (
        row.get(column.key) if isinstance(row, dict) else getattr(row, column.key, None))
    if value is None or value == "":
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        # Excel has no time zones: show local wall time.
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, Decimal):
        return float(value)
    if column.type in (CellType.INTEGER, CellType.NUMBER, CellType.MONEY) and \
            isinstance(value, str):
        try:
            return int(value) if column.type is CellType.INTEGER else float(
                value.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            return value
    return value


def export_xlsx(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any], *,
                total: int | None = None, sheet_title: str = "Список",
                progress: Progress | None = None, every: int = 2000) -> tuple[Path, int]:
    """Stream ``rows`` into ``path`` (.xlsx); returns the path and the number of rows.

    ``progress(stage, done, total)`` is called every ``every`` rows and may raise to
    cancel; then the partial file is removed.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31] or "Список")
    sheet.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(6, column.width)
    bold, wrap = Font(bold=True), Alignment(vertical="center")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    # A styled cell per typed column; plain values for text (much faster).
    formats = [NUMBER_FORMATS.get(c.type) for c in columns]
    count = 0
    try:
        for row in rows:
            values: list[Any] = []
            for column, fmt in zip(columns, formats, strict=True):
                value = _cell_value(column, row)
                if fmt and value is not None and not isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = fmt
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
            count += 1
            if progress is not None and count % every == 0:
                progress("Выгрузка в Excel", count, total or 0)
        last = get_column_letter(max(len(columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{count + 1}"
        if progress is not None:
            progress("Запись файла", count, total or count)
        book.save(path)
    except BaseException:
        try:  # finish the streamed sheet so openpyxl does not complain when collected
            sheet.close()
        except Exception:  # noqa: BLE001, S110
            pass
        path.unlink(missing_ok=True)
        raise
    return path, count


def export_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 sheet_title: str = "Отчёт") -> Path:
    """A small report (summary, errors) as a sheet; types inferred from the values."""
    columns = [ExportColumn(str(i), title, CellType.TEXT, max(10, len(title) + 2),
                            value=(lambda r, i=i: r[i])) for i, title in enumerate(headers)]
    out, _n = export_xlsx(path, columns, rows, sheet_title=sheet_title)
    return out


# -- clients ---------------------------------------------------------------------------------
CLIENT_EXPORT_COLUMNS: list[ExportColumn] = [
    ExportColumn("id", "Код", CellType.INTEGER, 9),
    ExportColumn("short_name", "Краткое наименование", width=40),
    ExportColumn("full_name", "Полное наименование", width=50),
    ExportColumn("inn", "ИНН", width=14),
    ExportColumn("kpp", "КПП", width=12),
    ExportColumn("ogrn", "ОГРН", width=17),
    ExportColumn("status", "Статус", width=15,
                 value=lambda r: CLIENT_STATUS_TITLES.get(r["status"], r["status"])),
    ExportColumn("region", "Регион", width=24),
    ExportColumn("segment", "Сегмент", width=18),
    ExportColumn("website", "Сайт", width=24),
    ExportColumn("phone", "Телефон", width=20),
    ExportColumn("email", "E-mail", width=26),
    ExportColumn("address", "Адрес", width=50),
    ExportColumn("created_at", "Создан", CellType.DATETIME, 17),
]


def iter_client_rows(base: OpenedBase, client_ids: Sequence[int] | None = None,
                     page: int = 5000, limit: int | None = None) -> Iterable[dict[str, Any]]:
    """Clients with their first phone, e-mail and legal address, streamed by keyset pages."""
    last_id = 0
    sent = 0
    while True:
        if limit is not None:
            page = min(page, limit - sent)
            if page <= 0:
                return
        with base.sessions() as s:
            stmt = select(Client.id, Client.short_name, Client.full_name, Client.inn,
                          Client.kpp, Client.ogrn, Client.status, Client.region, Client.segment,
                          Client.website, Client.created_at).where(
                Client.id > last_id, Client.marked_for_deletion.is_(False)
            ).order_by(Client.id).limit(page)
            if client_ids is not None:
                stmt = stmt.where(Client.id.in_(list(client_ids)))
            rows = [dict(r._mapping) for r in s.execute(stmt)]
            if not rows:
                return
            ids = [r["id"] for r in rows]
            phones: dict[int, str] = {}
            for cid, raw in s.execute(select(Phone.client_id, Phone.raw).where(
                    Phone.client_id.in_(ids)).order_by(Phone.id)):
                phones.setdefault(cid, raw)
            emails: dict[int, str] = {}
            for cid, address in s.execute(select(Email.client_id, Email.address).where(
                    Email.client_id.in_(ids)).order_by(Email.id)):
                emails.setdefault(cid, address)
            addresses: dict[int, tuple[int, str]] = {}
            for cid, kind, code, text in s.execute(select(
                    Address.client_id, Address.kind, Address.postal_code, Address.text).where(
                    Address.client_id.in_(ids)).order_by(Address.id)):
                rank = 0 if kind == AddressKind.LEGAL else 1
                full = f"{code}, {text}" if code else text
                if cid not in addresses or rank < addresses[cid][0]:
                    addresses[cid] = (rank, full)
        for row in rows:
            row["phone"] = phones.get(row["id"])
            row["email"] = emails.get(row["id"])
            row["address"] = addresses.get(row["id"], (0, None))[1]
            yield row
        sent += len(rows)
        last_id = ids[-1]
        if client_ids is not None and len(rows) < page:
            return


def export_clients(base: OpenedBase, path: Path, client_ids: Sequence[int] | None = None,
                   progress: Progress | None = None, limit: int | None = None
                   ) -> tuple[Path, int]:
    """The client list (or the chosen clients) as an .xlsx that the importer reads back."""
    total = len(client_ids) if client_ids is not None else None
    if total is None:
        from sqlalchemy import func

        with base.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Client).where(
                Client.marked_for_deletion.is_(False))) or 0
    if limit is not None:
        total = min(total, limit)
    return export_xlsx(path, CLIENT_EXPORT_COLUMNS,
                       iter_client_rows(base, client_ids, limit=limit),
                       total=total, sheet_title="Клиенты", progress=progress)
