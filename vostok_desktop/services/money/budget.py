"""«Бюджет клиента»: what a client's served distributives cost per month on a date.

Per distributive on service: its own fixed price valid on the date wins (its dated terms,
:mod:`vostok_desktop.services.money.distributive_terms`); otherwise the price-list price
less the LARGEST of the distributive's percent valid on the date, the client's dated
discount valid on the date and the client's VIP ``applied_percent`` (discounts never
stack). The price list is the newest one valid on the date (common or of the company);
its item of the system with the largest ``min_network_size`` not above the
distributive's network size. A distributive without a price is left out and named in
``problems``.

:func:`budgets` reads any number of clients with a constant number of queries (billing
calls it per chunk of 1000 clients). No Qt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vostok_desktop.domain.distributives import Distributive, DistributiveStatus, ProductSystem
from vostok_desktop.domain.money import (
    ClientDiscount,
    PriceList,
    PriceListItem,
    VipMember,
    VipProgramme,
)
from vostok_desktop.services.money.distributive_terms import ValidTerm, terms_on

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
NO_TERMS = ValidTerm(None, None)


def round_money(value: Decimal) -> Decimal:
    """Half up, to kopecks (the rounding of every money rule)."""
    return Decimal(value).quantize(KOPECK, ROUND_HALF_UP)


def discounted(list_price: Decimal, percent: Decimal) -> Decimal:
    """``round(list_price * (100 - percent) / 100)``."""
    return round_money(Decimal(list_price) * (Decimal(100) - Decimal(percent)) / Decimal(100))


def percent_text(percent: Decimal) -> str:
    """«10», «12,5» — a percent as a Russian text shows it."""
    value = Decimal(percent).normalize()
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def support_name(system_title: str, number: str) -> str:
    return f"Сопровождение СПС КонсультантПлюс: {system_title}, дистрибутив № {number}"


@dataclass(frozen=True)
class BudgetLine:
    distributive_id: int | None
    number: str  # distributive number
    name: str  # «Сопровождение СПС КонсультантПлюс: <system title>, дистрибутив № <number>»
    list_price: Decimal | None
    discount_percent: Decimal  # applied percent (0 when fixed price or none)
    price: Decimal  # the month's price, kopecks
    rule: str  # «фиксированная цена», «скидка дистрибутива 10 %», «по прейскуранту»…


@dataclass(frozen=True)
class ClientBudget:
    client_id: int
    on: date
    lines: tuple[BudgetLine, ...]
    problems: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.price for line in self.lines), ZERO)


@dataclass(frozen=True)
class _PriceTable:
    """The price list valid on a date, its system items by system (sizes ascending)."""

    list_id: int | None
    list_name: str
    items: dict[int, list[tuple[int, Decimal]]]

    def lookup(self, system_id: int, network_size: int) -> Decimal | None:
        found = None
        for size, price in self.items.get(system_id, ()):
            if size <= network_size:
                found = price
            else:
                break
        return found


def valid_price_list(session: Session, on: date, company_id: int | None = None
                     ) -> PriceList | None:
    """The newest price list with ``valid_from <= on``, common or of ``company_id``
    (on the same date the company's own list goes first)."""
    stmt = select(PriceList).where(PriceList.valid_from <= on)
    if company_id is None:
        stmt = stmt.where(PriceList.company_id.is_(None))
    else:
        stmt = stmt.where(or_(PriceList.company_id.is_(None),
                              PriceList.company_id == company_id))
    stmt = stmt.order_by(PriceList.valid_from.desc(), PriceList.company_id.is_(None),
                         PriceList.id.desc()).limit(1)
    return session.scalars(stmt).first()


def _price_table(session: Session, on: date, company_id: int | None) -> _PriceTable:
    price_list = valid_price_list(session, on, company_id)
    if price_list is None:
        return _PriceTable(None, "", {})
    items: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    rows = session.execute(
        select(PriceListItem.system_id, PriceListItem.min_network_size, PriceListItem.price)
        .where(PriceListItem.price_list_id == price_list.id,
               PriceListItem.system_id.is_not(None))
        .order_by(PriceListItem.system_id, PriceListItem.min_network_size))
    for system_id, size, price in rows:
        items[system_id].append((size, Decimal(price)))
    return _PriceTable(price_list.id, price_list.name, dict(items))


def client_budget(session: Session, client_id: int, on: date,
                  company_id: int | None = None) -> ClientBudget:
    """One client's budget on ``on``."""
    return budgets(session, [client_id], on, company_id)[0]


def budgets(session: Session, client_ids: Sequence[int], on: date,
            company_id: int | None = None) -> list[ClientBudget]:
    """The budgets of ``client_ids`` (in that order) with six queries whatever their
    number: the price list, its items, the distributives, their own dated terms (per
    1000 distributives), the discounts, the VIP."""
    ids = list(dict.fromkeys(client_ids))
    if not ids:
        return []
    table = _price_table(session, on, company_id)
    d = Distributive
    distributives: dict[int, list[tuple]] = defaultdict(list)
    for row in session.execute(
            select(d.id, d.client_id, d.number, d.system_id, d.network_size,
                   ProductSystem.title)
            .join(ProductSystem, ProductSystem.id == d.system_id)
            .where(d.client_id.in_(ids), d.status == DistributiveStatus.SERVED)
            .order_by(d.number)):
        distributives[row.client_id].append(row)
    own = terms_on(session, [(row.id, row.client_id) for rows in distributives.values()
                             for row in rows], on)
    client_percent: dict[int, Decimal] = {}
    for cid, percent in session.execute(
            select(ClientDiscount.client_id, ClientDiscount.percent)
            .where(ClientDiscount.client_id.in_(ids), ClientDiscount.valid_from <= on,
                   or_(ClientDiscount.valid_to.is_(None), ClientDiscount.valid_to >= on))):
        percent = Decimal(percent)
        if percent > client_percent.get(cid, Decimal(0)):
            client_percent[cid] = percent
    vip: dict[int, tuple[Decimal, str]] = {}
    for cid, percent, name in session.execute(
            select(VipMember.client_id, VipMember.applied_percent, VipProgramme.name)
            .join(VipProgramme, VipProgramme.id == VipMember.programme_id)
            .where(VipMember.client_id.in_(ids), VipMember.since <= on,
                   VipProgramme.is_active.is_(True))):
        vip[cid] = (Decimal(percent or 0), name)
    return [_budget(cid, on, distributives.get(cid, []), own, client_percent.get(cid),
                    vip.get(cid), table) for cid in ids]


def _budget(client_id: int, on: date, rows: list, own: dict[int, ValidTerm],
            client_percent: Decimal | None, vip: tuple[Decimal, str] | None,
            table: _PriceTable) -> ClientBudget:
    lines: list[BudgetLine] = []
    problems: list[str] = []
    for row in rows:
        name = support_name(row.title, row.number)
        list_price = table.lookup(row.system_id, row.network_size)
        terms = own.get(row.id, NO_TERMS)
        if terms.fixed_price is not None:
            lines.append(BudgetLine(row.id, row.number, name, list_price, Decimal(0),
                                    round_money(terms.fixed_price), "фиксированная цена"))
            continue
        if list_price is None:
            if table.list_id is None:
                problems.append(f"Дистрибутив № {row.number} ({row.title}, сеть "
                                f"{row.network_size}): нет прейскуранта, действующего на "
                                f"{on:%d.%m.%Y}")
            else:
                problems.append(f"Дистрибутив № {row.number}: в прейскуранте "
                                f"«{table.list_name}» нет цены системы «{row.title}» для "
                                f"сети {row.network_size}")
            continue
        # The largest percent wins; on a tie the distributive's own, then the client's.
        candidates: list[tuple[Decimal, str]] = []
        if terms.discount_percent is not None and terms.discount_percent > 0:
            p = terms.discount_percent
            candidates.append((p, f"скидка дистрибутива {percent_text(p)} %"))
        if client_percent is not None and client_percent > 0:
            candidates.append((client_percent,
                               f"скидка клиента {percent_text(client_percent)} %"))
        if vip is not None and vip[0] > 0:
            candidates.append((vip[0], f"VIP «{vip[1]}» {percent_text(vip[0])} %"))
        best: tuple[Decimal, str] | None = None
        for candidate in candidates:
            if best is None or candidate[0] > best[0]:
                best = candidate
        if best is None:
            lines.append(BudgetLine(row.id, row.number, name, list_price, Decimal(0),
                                    round_money(list_price), "по прейскуранту"))
        else:
            lines.append(BudgetLine(row.id, row.number, name, list_price, best[0],
                                    discounted(list_price, best[0]), best[1]))
    return ClientBudget(client_id, on, tuple(lines), tuple(problems))


__all__ = ["BudgetLine", "ClientBudget", "budgets", "client_budget", "discounted",
           "percent_text", "round_money", "support_name", "valid_price_list"]
