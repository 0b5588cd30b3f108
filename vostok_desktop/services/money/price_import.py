"""«Загрузить из Excel…»: a price list read from an .xlsx sheet into a new list or over
the items of a chosen one. No Qt.

The columns are those «В Excel…» writes (so an exported list loads back as it was):
«Код» (a system's code of the catalogue; empty for a service), «Система / услуга»
(the service's name; for a system only informative), «Сеть от» (empty = 1), «Ед.»
(empty = «мес.») and «Цена, ₽». The header row is looked for in the first rows of the
first sheet, so the export's title lines above it do no harm; «Код системы», «Сетевой
размер от», «Цена», «Услуга», «Единица» are understood too. A file with any error
(a missing column, a price «12,3,4», an unknown system code, the same system and size
twice) imports nothing: the message names the row and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import ProductSystem
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import check, refuse
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.prices import PRICES, PriceItemData

HEADER_SEARCH_ROWS = 15

# Column → (the title the messages use, every header text understood for it).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("Код", ("код", "код системы", "код системы/услуги")),
    "title": ("Система / услуга", ("система / услуга", "система/услуга", "услуга",
                                   "система", "наименование", "название")),
    "size": ("Сеть от", ("сеть от", "сетевой размер от", "размер сети от", "сеть")),
    "unit": ("Ед.", ("ед.", "ед", "единица", "ед. изм.", "единица измерения")),
    "price": ("Цена", ("цена, ₽", "цена", "цена, руб.", "цена, руб", "цена в месяц")),
}
TITLE_RE = re.compile(r"Прейскурант «(.+)»")
VALID_FROM_RE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


class PriceImportError(ValueError):
    """The file cannot be imported; the Russian message names the row and column."""


@dataclass(frozen=True)
class ParsedPriceFile:
    items: list[PriceItemData]
    title: str  # the list's name from the export's title line, or ""
    valid_from: date | None  # «Действует с …» of the export's subtitle, or None


@dataclass(frozen=True)
class PriceImportResult:
    list_id: int
    name: str
    items: int
    created: bool


def _header_key(value: object) -> str | None:
    text = " ".join(str(value or "").lower().replace("ё", "е").split())
    for key, (_title, names) in COLUMNS.items():
        if text in names:
            return key
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_price_value(value: object) -> Decimal:
    """A price cell: a number, or text like «1 234,50» / «1234.50 ₽»."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("₽", "")
    text = text.removesuffix("руб.").removesuffix("руб").replace(",", ".")
    if text.count(".") > 1 or not text:
        raise ValueError
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def _size_value(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    if isinstance(value, int):
        return value
    return int(str(value).strip().replace("\u00a0", "").replace(" ", ""))


def read_price_file(path: str | Path, systems: dict[str, tuple[int, str]]) -> ParsedPriceFile:
    """The items of the file's first sheet; ``systems`` = the catalogue by lower-cased
    code → (id, title). PriceImportError on the first wrong cell."""
    from openpyxl import load_workbook  # heavy: imported when first used

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl and zipfile raise many kinds
        raise PriceImportError(f"Файл «{path.name}» не открывается как книга Excel "
                               f"(.xlsx): {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    header_row, columns = None, {}
    for n, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            key = _header_key(value)
            if key is not None and key not in found:
                found[key] = c
        if "price" in found and ("code" in found or "title" in found):
            header_row, columns = n, found
            break
    if header_row is None:
        needed = ", ".join(f"«{title}»" for title, _names in COLUMNS.values())
        raise PriceImportError(f"В файле «{path.name}» не найдена строка заголовков: нужны "
                               f"столбцы {needed} (как в выгрузке «В Excel…»); "
                               "обязательны «Цена» и «Код» или «Система / услуга»")
    title, valid_from = "", None
    for row in rows[:header_row - 1]:
        for value in row:
            text = _cell_text(value)
            if not title and (m := TITLE_RE.search(text)):
                title = m.group(1)
            if valid_from is None and "действует с" in text.lower() \
                    and (d := VALID_FROM_RE.search(text)):
                try:
                    valid_from = date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
                except ValueError:
                    valid_from = None

    def cell(row: tuple, key: str) -> object:
        c = columns.get(key)
        return row[c] if c is not None and c < len(row) else None

    items: list[PriceItemData] = []
    seen: dict[tuple, int] = {}
    for n, row in enumerate(rows[header_row:], start=header_row + 1):
        if all(_cell_text(v) == "" for v in row):
            continue

        def where(key: str, row_number: int = n) -> str:
            return f"Строка {row_number}, столбец «{COLUMNS[key][0]}»"

        code = _cell_text(cell(row, "code"))
        name = _cell_text(cell(row, "title"))
        unit = _cell_text(cell(row, "unit")) or "мес."
        raw_price = cell(row, "price")
        if raw_price is None or _cell_text(raw_price) == "":
            raise PriceImportError(f"{where('price')}: не указана цена")
        try:
            price = parse_price_value(raw_price)
        except ValueError:
            raise PriceImportError(f"{where('price')}: «{_cell_text(raw_price)}» — "
                                   "не число") from None
        if price < 0:
            raise PriceImportError(f"{where('price')}: цена не может быть отрицательной")
        if price >= Decimal("1000000000000"):
            raise PriceImportError(f"{where('price')}: слишком большая цена")
        if len(unit) > 20:
            raise PriceImportError(f"{where('unit')}: единица длиннее 20 знаков")
        if code:
            system = systems.get(code.lower())
            if system is None:
                raise PriceImportError(f"{where('code')}: системы с кодом «{code}» нет в "
                                       "каталоге")
            raw_size = cell(row, "size")
            try:
                size = _size_value(raw_size)
            except ValueError:
                raise PriceImportError(f"{where('size')}: «{_cell_text(raw_size)}» — не "
                                       "целое число") from None
            if size < 1:
                raise PriceImportError(f"{where('size')}: размер сети — не меньше 1")
            key: tuple = (system[0], size, "")
            item = PriceItemData(system[0], size, price, "", unit, None, code, system[1])
            twice = f"система «{code}» с сетью от {size} указана дважды"
        else:
            if not name:
                raise PriceImportError(f"{where('code')}: не указан код системы (или "
                                       "название услуги в столбце «Система / услуга»)")
            if len(name) > 300:
                raise PriceImportError(f"{where('title')}: название услуги длиннее 300 "
                                       "знаков")
            key = (None, 1, name.casefold())
            item = PriceItemData(None, 1, price, name, unit)
            twice = f"услуга «{name}» указана дважды"
        if key in seen:
            raise PriceImportError(f"Строки {seen[key]} и {n}: {twice}")
        seen[key] = n
        items.append(item)
    if not items:
        raise PriceImportError(f"В файле «{path.name}» под заголовком (строка {header_row}) "
                               "нет ни одной цены")
    return ParsedPriceFile(items, title, valid_from)


def catalogue_by_code(base: OpenedBase) -> dict[str, tuple[int, str]]:
    with base.sessions() as s:
        return {code.lower(): (sid, title) for sid, code, title in s.execute(
            select(ProductSystem.id, ProductSystem.code, ProductSystem.title))}


def import_price_list(base: OpenedBase, path: str | Path, employee_id: int | None, *,
                      list_id: int | None = None, name: str | None = None,
                      valid_from: date | None = None,
                      profile: AccessProfile | None = None) -> PriceImportResult:
    """Read the file and write it in one transaction: with ``list_id`` the chosen list's
    items are replaced by the file's (its name and date stay); without, a new list named
    ``name`` (else the export's title, else the file's name) valid from ``valid_from``
    (else the export's «Действует с», else today)."""
    check(profile, PRICES)
    parsed = read_price_file(path, catalogue_by_code(base))
    if list_id is not None:
        current = prices.price_list(base, list_id)
        if current is None:
            raise refuse("id", "Прейскурант не найден (возможно, удалён)")
        prices.save_price_list(base, list_id, current.name, current.valid_from,
                               parsed.items, employee_id, version=current.version,
                               profile=profile)
        return PriceImportResult(list_id, current.name, len(parsed.items), False)
    title = (name or "").strip() or parsed.title or Path(path).stem
    start = valid_from or parsed.valid_from or date.today()
    new_id = prices.create_price_list(base, title, start, employee_id, items=parsed.items,
                                      profile=profile)
    return PriceImportResult(new_id, " ".join(title.split()), len(parsed.items), True)


__all__ = ["COLUMNS", "ParsedPriceFile", "PriceImportError", "PriceImportResult",
           "catalogue_by_code", "import_price_list", "parse_price_value", "read_price_file"]
