"""«Прейскуранты»: dated price lists of monthly support prices per system of the
catalogue from a network size up, and of other services; their copy with a new date,
the export table and «Сопоставление цен прейскурантов». Writes need «Прейскуранты»
(money.prices). No Qt.

A list is in use (not deleted) while documents were issued in its validity (from its
``valid_from`` to the next list's): their prices came from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import ProductSystem
from vostok_desktop.domain.money import MoneyDocument, PriceList, PriceListItem
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import check, refuse, run_write
from vostok_desktop.services.distributives.reports import ReportTable
from vostok_desktop.services.money.budget import percent_text, round_money

PRICES = "money.prices"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PriceListRow:
    """A price list as the list on the left shows it."""

    id: int
    name: str
    valid_from: date
    company_id: int | None
    notes: str
    version: int
    items: int


@dataclass
class PriceItemData:
    """One price: of a system (``system_id``) from ``min_network_size`` up, or of a
    service (``service`` with a unit, no system)."""

    system_id: int | None
    min_network_size: int = 1
    price: Decimal = Decimal("0.00")
    service: str = ""
    unit: str = "мес."
    id: int | None = None
    system_code: str = field(default="", compare=False)
    system_title: str = field(default="", compare=False)

    @property
    def title(self) -> str:
        return self.system_title or self.system_code or self.service


@dataclass(frozen=True)
class ComparisonRow:
    """One position of two lists side by side; None where a list has no price."""

    title: str
    system_code: str
    min_network_size: int | None
    price_a: Decimal | None
    price_b: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.price_a is None or self.price_b is None:
            return None
        return self.price_b - self.price_a

    @property
    def difference_percent(self) -> Decimal | None:
        if self.difference is None or not self.price_a:
            return None
        return round_money(self.difference * HUNDRED / self.price_a)


# --------------------------------------------------------------------------- reading


def list_price_lists(base: OpenedBase) -> list[PriceListRow]:
    """All price lists, newest first, with their number of items."""
    counts = (select(PriceListItem.price_list_id, func.count().label("n"))
              .group_by(PriceListItem.price_list_id).subquery())
    stmt = (select(PriceList.id, PriceList.name, PriceList.valid_from, PriceList.company_id,
                   PriceList.notes, PriceList.version, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.price_list_id == PriceList.id)
            .order_by(PriceList.valid_from.desc(), PriceList.id.desc()))
    with base.sessions() as s:
        return [PriceListRow(*r) for r in s.execute(stmt)]


def price_list(base: OpenedBase, list_id: int) -> PriceListRow | None:
    return next((r for r in list_price_lists(base) if r.id == list_id), None)


def _items(s: Session, list_id: int) -> list[PriceItemData]:
    i = PriceListItem
    rows = s.execute(
        select(i.system_id, i.min_network_size, i.price, i.service, i.unit, i.id,
               ProductSystem.code, ProductSystem.title)
        .outerjoin(ProductSystem, ProductSystem.id == i.system_id)
        .where(i.price_list_id == list_id)
        .order_by(i.system_id.is_(None), ProductSystem.code, i.min_network_size, i.service))
    return [PriceItemData(r[0], r[1], Decimal(r[2]), r[3], r[4], r[5], r[6] or "",
                          r[7] or "") for r in rows]


def price_list_items(base: OpenedBase, list_id: int) -> list[PriceItemData]:
    """The items of a list: systems by code and network size, then services."""
    with base.sessions() as s:
        return _items(s, list_id)


def catalogue_systems(base: OpenedBase) -> list[tuple[int, str, str]]:
    """(id, code, title) of the catalogue's systems an item may name."""
    with base.sessions() as s:
        return [tuple(r) for r in s.execute(
            select(ProductSystem.id, ProductSystem.code, ProductSystem.title)
            .order_by(ProductSystem.code))]


# --------------------------------------------------------------------------- validation


def _clean_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise refuse("name", "Не указано название прейскуранта")
    if len(clean) > 200:
        raise refuse("name", "Название прейскуранта длиннее 200 знаков")
    return clean


def validate_items(items: Sequence[PriceItemData],
                   systems: dict[int, str] | None = None) -> list[PriceItemData]:
    """The items cleaned, or a refusal naming the first wrong one (its row number)."""
    seen: dict[tuple, int] = {}
    clean: list[PriceItemData] = []
    for n, item in enumerate(items, start=1):
        what = item.title or f"строка {n}"
        price = item.price
        if price is None:
            raise refuse("price", f"Строка {n} («{what}»): не указана цена")
        price = Decimal(price)
        if not price.is_finite():
            raise refuse("price", f"Строка {n} («{what}»): цена — не число")
        if price < 0:
            raise refuse("price", f"Строка {n} («{what}»): цена не может быть "
                                  "отрицательной")
        if price >= Decimal("1000000000000"):
            raise refuse("price", f"Строка {n} («{what}»): слишком большая цена")
        price = round_money(price)
        service = " ".join((item.service or "").split())
        unit = (item.unit or "").strip() or "мес."
        if item.system_id is None:
            if not service:
                raise refuse("service", f"Строка {n}: не указана система или название "
                                        "услуги")
            key: tuple = (None, 1, service.casefold())
            size = 1
        else:
            if systems is not None and item.system_id not in systems:
                raise refuse("system_id", f"Строка {n}: системы нет в каталоге")
            service = ""
            size = int(item.min_network_size or 0)
            if size < 1:
                raise refuse("min_network_size", f"Строка {n} («{what}»): размер сети — "
                                                 "не меньше 1")
            key = (item.system_id, size, "")
        if key in seen:
            if item.system_id is None:
                raise refuse("service", f"Строки {seen[key]} и {n}: услуга «{service}» "
                                        "указана дважды")
            raise refuse("min_network_size",
                         f"Строки {seen[key]} и {n}: для системы «{what}» и сети от {size} "
                         "цена указана дважды")
        seen[key] = n
        clean.append(replace(item, min_network_size=size, price=price, service=service[:300],
                             unit=unit[:20]))
    return clean


def _system_names(s: Session) -> dict[int, str]:
    return dict(s.execute(select(ProductSystem.id, ProductSystem.title)).all())


def _write_items(s: Session, list_id: int, items: Sequence[PriceItemData]) -> None:
    s.execute(delete(PriceListItem).where(PriceListItem.price_list_id == list_id))
    if items:
        s.execute(insert(PriceListItem), [
            {"price_list_id": list_id, "system_id": i.system_id,
             "min_network_size": i.min_network_size, "service": i.service, "unit": i.unit,
             "price": i.price} for i in items])


# --------------------------------------------------------------------------- writing


def create_price_list(base: OpenedBase, name: str, valid_from: date,
                      employee_id: int | None, *, items: Sequence[PriceItemData] = (),
                      company_id: int | None = None, notes: str = "",
                      profile: AccessProfile | None = None) -> int:
    """A new price list (with ``items``); returns its id."""
    check(profile, PRICES)
    clean_name = _clean_name(name)
    if valid_from is None:
        raise refuse("valid_from", "Не указана дата начала действия прейскуранта")

    def write(s: Session) -> int:
        clean = validate_items(items, _system_names(s))
        p = PriceList(name=clean_name, valid_from=valid_from, company_id=company_id,
                      notes=notes.strip(), created_by_id=employee_id,
                      updated_by_id=employee_id, version=1)
        s.add(p)
        s.flush()
        _write_items(s, p.id, clean)
        return p.id

    return run_write(base, write)


def save_price_list(base: OpenedBase, list_id: int, name: str, valid_from: date,
                    items: Sequence[PriceItemData], employee_id: int | None, *,
                    version: int | None = None, notes: str | None = None,
                    profile: AccessProfile | None = None) -> int:
    """Save an edited list with all its items (read at ``version``); the new version."""
    check(profile, PRICES)
    clean_name = _clean_name(name)
    if valid_from is None:
        raise refuse("valid_from", "Не указана дата начала действия прейскуранта")

    def write(s: Session) -> int:
        p = s.get(PriceList, list_id)
        if p is None:
            raise refuse("id", f"Прейскурант «{clean_name}» не найден (возможно, удалён)")
        if version is not None and p.version != version:
            raise refuse("version", f"Прейскурант «{p.name}» уже изменил другой "
                                    "пользователь: обновите его и повторите")
        clean = validate_items(items, _system_names(s))
        p.name, p.valid_from, p.updated_by_id = clean_name, valid_from, employee_id
        if notes is not None:
            p.notes = notes.strip()
        flag_modified(p, "name")  # the items changed: the list's version moves on
        s.flush()
        _write_items(s, p.id, clean)
        return p.version

    return run_write(base, write)


def copy_price_list(base: OpenedBase, source_id: int, name: str, valid_from: date,
                    employee_id: int | None, *, raise_percent: Decimal = Decimal(0),
                    profile: AccessProfile | None = None) -> int:
    """«Копировать прейскурант»: a new list from ``valid_from`` with the source's items,
    prices raised by ``raise_percent`` (rounded half up to kopecks)."""
    check(profile, PRICES)
    clean_name = _clean_name(name)
    percent = Decimal(raise_percent or 0)
    if percent <= -100 or percent > 1000:
        raise refuse("raise_percent", "Изменение цен — от −99,99 до 1000 %")

    def write(s: Session) -> int:
        source = s.get(PriceList, source_id)
        if source is None:
            raise refuse("id", "Копируемый прейскурант не найден (возможно, удалён)")
        if source.valid_from == valid_from and source.company_id is None:
            raise refuse("valid_from", f"Прейскурант «{source.name}» уже действует с "
                                       f"{valid_from:%d.%m.%Y}: укажите другую дату")
        items = [replace(i, id=None, price=round_money(i.price * (HUNDRED + percent)
                                                       / HUNDRED))
                 for i in _items(s, source_id)]
        p = PriceList(name=clean_name, valid_from=valid_from, company_id=source.company_id,
                      notes=source.notes, created_by_id=employee_id,
                      updated_by_id=employee_id, version=1)
        s.add(p)
        s.flush()
        _write_items(s, p.id, items)
        return p.id

    return run_write(base, write)


def documents_in_validity(s: Session, list_id: int) -> int:
    """How many documents were issued while the list was the valid one."""
    p = s.get(PriceList, list_id)
    if p is None:
        return 0
    following = s.scalar(select(func.min(PriceList.valid_from))
                         .where(PriceList.valid_from > p.valid_from,
                                PriceList.company_id.is_(None)
                                if p.company_id is None
                                else PriceList.company_id.in_([p.company_id])))
    stmt = select(func.count()).select_from(MoneyDocument).where(
        MoneyDocument.issued_on >= p.valid_from)
    if following is not None:
        stmt = stmt.where(MoneyDocument.issued_on < following)
    if p.company_id is not None:
        stmt = stmt.where(MoneyDocument.company_id == p.company_id)
    return int(s.scalar(stmt) or 0)


def delete_price_list(base: OpenedBase, list_id: int, employee_id: int | None, *,
                      profile: AccessProfile | None = None) -> None:
    """Delete a list no document was priced by."""
    check(profile, PRICES)

    def write(s: Session) -> None:
        p = s.get(PriceList, list_id)
        if p is None:
            return
        used = documents_in_validity(s, list_id)
        if used:
            raise refuse("id", f"Прейскурант «{p.name}» нельзя удалить: по нему выписано "
                               f"документов — {used}")
        s.delete(p)
        s.flush()

    run_write(base, write)


# --------------------------------------------------------------------------- tables


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def price_list_table(base: OpenedBase, list_id: int) -> ReportTable:
    """The list as a table for Excel and printing."""
    row = price_list(base, list_id)
    if row is None:
        raise refuse("id", "Прейскурант не найден (возможно, удалён)")
    items = price_list_items(base, list_id)
    return ReportTable(
        f"Прейскурант «{row.name}»", f"Действует с {row.valid_from:%d.%m.%Y}",
        ("Код", "Система / услуга", "Сеть от", "Ед.", "Цена, ₽"),
        [(i.system_code, i.title, i.min_network_size if i.system_id else None, i.unit,
          i.price) for i in items])


def compare_price_lists(base: OpenedBase, list_a: int, list_b: int) -> list[ComparisonRow]:
    """«Сопоставление цен прейскурантов»: every system/size and service of either list."""
    a = {_key(i): i for i in price_list_items(base, list_a)}
    b = {_key(i): i for i in price_list_items(base, list_b)}
    rows = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: (k[0] == "", k[0], k[1], k[2])):
        item = a.get(key) or b[key]
        rows.append(ComparisonRow(item.title, item.system_code,
                                  item.min_network_size if item.system_id else None,
                                  a[key].price if key in a else None,
                                  b[key].price if key in b else None))
    return rows


def _key(item: PriceItemData) -> tuple[str, int, str]:
    if item.system_id is None:
        return ("", 1, item.service.casefold())
    return (item.system_code, item.min_network_size, "")


def comparison_table(base: OpenedBase, list_a: int, list_b: int) -> ReportTable:
    a, b = price_list(base, list_a), price_list(base, list_b)
    if a is None or b is None:
        raise refuse("id", "Прейскурант не найден (возможно, удалён)")
    rows = compare_price_lists(base, list_a, list_b)
    return ReportTable(
        "Сопоставление цен прейскурантов",
        f"«{a.name}» (с {a.valid_from:%d.%m.%Y}) и «{b.name}» (с {b.valid_from:%d.%m.%Y})",
        ("Код", "Система / услуга", "Сеть от", f"«{a.name}», ₽", f"«{b.name}», ₽",
         "Разница, ₽", "Разница, %"),
        [(r.system_code, r.title, r.min_network_size, r.price_a, r.price_b, r.difference,
          r.difference_percent) for r in rows])


def difference_text(row: ComparisonRow) -> tuple[str, str]:
    """The two difference cells as the window shows them: «+1 200,00», «+7,5 %»."""
    if row.difference is None:
        return ("нет цены", "")
    sign = "+" if row.difference > 0 else ""
    percent = row.difference_percent
    return (sign + _money_text(row.difference),
            "" if percent is None else f"{sign}{percent_text(percent)} %")


__all__ = ["ComparisonRow", "PriceItemData", "PriceListRow", "catalogue_systems",
           "compare_price_lists", "comparison_table", "copy_price_list", "create_price_list",
           "delete_price_list", "difference_text", "documents_in_validity",
           "list_price_lists", "price_list", "price_list_items", "price_list_table",
           "save_price_list", "validate_items"]
