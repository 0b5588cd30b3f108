"""A distributive's own dated terms at its client («Цены и скидки дистрибутива»): a fixed
price or a discount from a date, up to a date or open-ended (0017). Billing and the
budget take the row valid on the day asked (:func:`terms_on`). No Qt.

Writes need «Скидки и VIP-программы» (money.discounts). A row belongs to the distributive
at its current client; the periods of one distributive at one client never overlap (a
clear refusal names the other period; on a server base a trigger refuses the same). The
change log is written by the program on a file base, by the database on a server base.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee
from vostok_desktop.domain.distributives import Distributive
from vostok_desktop.domain.money import DistributiveTerm
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import (
    check,
    label,
    parse_decimal,
    refuse,
    run_write,
)

DISCOUNTS = "money.discounts"
TABLE = "distributive_terms"
STEP = Decimal("0.01")


@dataclass(frozen=True)
class TermRow:
    """A row as the editor lists it."""

    id: int
    valid_from: date
    valid_to: date | None
    fixed_price: Decimal | None
    discount_percent: Decimal | None
    note: str
    author: str

    @property
    def period_text(self) -> str:
        start = f"с {self.valid_from:%d.%m.%Y}"
        return f"{start} по {self.valid_to:%d.%m.%Y}" if self.valid_to else f"{start}, бессрочно"

    @property
    def terms_text(self) -> str:
        if self.fixed_price is not None:
            return f"цена {self.fixed_price:,.2f}".replace(",", "\u00a0").replace(".", ",") \
                + " руб."
        percent = f"{self.discount_percent.normalize():f}".replace(".", ",") \
            if self.discount_percent is not None else "0"
        return f"скидка {percent} %"

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


@dataclass
class TermData:
    """A row as typed: a price or a discount as text («1 500,50», «7,5») or Decimal."""

    valid_from: date | None
    valid_to: date | None = None
    fixed_price: Decimal | str | None = None
    discount_percent: Decimal | str | None = None
    note: str = ""


@dataclass(frozen=True)
class ValidTerm:
    """The terms valid on a day, for the budget."""

    fixed_price: Decimal | None
    discount_percent: Decimal | None


def _program_logs(s: Session) -> bool:
    return s.get_bind().dialect.name != "postgresql"


def _values(row: DistributiveTerm) -> dict:
    return {"valid_from": row.valid_from, "valid_to": row.valid_to,
            "fixed_price": row.fixed_price, "discount_percent": row.discount_percent,
            "note": row.note}


def list_terms(base: OpenedBase, distributive_id: int) -> list[TermRow]:
    """The rows of the distributive at its current client, the latest first."""
    t = DistributiveTerm
    with base.sessions() as s:
        client_id = s.scalar(select(Distributive.client_id)
                             .where(Distributive.id == distributive_id))
        if client_id is None:
            return []
        rows = s.execute(select(t, Employee.full_name)
                         .outerjoin(Employee, Employee.id == t.created_by_id)
                         .where(t.distributive_id == distributive_id,
                                t.client_id == client_id)
                         .order_by(t.valid_from.desc(), t.id.desc())).all()
        return [TermRow(r.id, r.valid_from, r.valid_to, r.fixed_price,
                        None if r.discount_percent is None else Decimal(r.discount_percent),
                        r.note, name or "") for r, name in rows]


def validated(number: str, data: TermData) -> TermData:
    """The row checked and parsed; every refusal names the distributive and the field."""
    what = label(number)
    if data.valid_from is None:
        raise refuse("valid_from", f"{what}: не указана дата начала условий")
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise refuse("valid_to", f"{what}: дата окончания ({data.valid_to:%d.%m.%Y}) раньше "
                                 f"даты начала ({data.valid_from:%d.%m.%Y})")
    price = parse_decimal(data.fixed_price, "fixed_price", f"{what}: цена")
    discount = parse_decimal(data.discount_percent, "discount_percent", f"{what}: скидка")
    if price is None and discount is None:
        raise refuse("fixed_price", f"{what}: укажите фиксированную цену или скидку")
    if price is not None and discount is not None:
        raise refuse("fixed_price", f"{what}: укажите либо фиксированную цену, либо скидку "
                                    "— не обе")
    if price is not None:
        if price < 0:
            raise refuse("fixed_price", f"{what}: цена не может быть отрицательной")
        if price != price.quantize(STEP):
            raise refuse("fixed_price", f"{what}: цена — с точностью до копейки")
        if price >= Decimal("1e10"):
            raise refuse("fixed_price", f"{what}: слишком большая цена")
    if discount is not None:
        if not Decimal(0) <= discount <= Decimal(100):
            raise refuse("discount_percent", f"{what}: скидка — от 0 до 100 %")
        if discount != discount.quantize(STEP):
            raise refuse("discount_percent", f"{what}: скидка — не больше двух знаков после "
                                             "запятой")
    return TermData(data.valid_from, data.valid_to, price, discount, data.note.strip()[:300])


def _overlap(s: Session, distributive_id: int, client_id: int, clean: TermData,
             term_id: int | None) -> DistributiveTerm | None:
    t = DistributiveTerm
    query = select(t).where(
        t.distributive_id == distributive_id, t.client_id == client_id,
        or_(t.valid_to.is_(None), t.valid_to >= clean.valid_from))
    if clean.valid_to is not None:
        query = query.where(t.valid_from <= clean.valid_to)
    if term_id is not None:
        query = query.where(t.id != term_id)
    return s.scalars(query.order_by(t.valid_from).limit(1)).first()


def _period(row: DistributiveTerm) -> str:
    start = f"с {row.valid_from:%d.%m.%Y}"
    return f"{start} по {row.valid_to:%d.%m.%Y}" if row.valid_to else f"{start} (бессрочно)"


def save_term(base: OpenedBase, distributive_id: int, data: TermData,
              employee_id: int | None, *, term_id: int | None = None,
              profile: AccessProfile | None = None) -> int:
    """Add a row (``term_id`` None) or change one; returns its id. Refused when the
    period overlaps another of the distributive at its client."""
    check(profile, DISCOUNTS)

    def write(s: Session) -> int:
        d = s.scalars(select(Distributive).where(Distributive.id == distributive_id)
                      .with_for_update()).one_or_none()
        if d is None:
            raise refuse("id", "Дистрибутив не найден (возможно, удалён или вне видимой вам "
                               "части базы)")
        if d.client_id is None:
            raise refuse("client_id", f"{label(d.number)} не у клиента: цены и скидки "
                                      "задают дистрибутиву у клиента")
        clean = validated(d.number, data)
        row: DistributiveTerm | None = None
        if term_id is not None:
            row = s.get(DistributiveTerm, term_id)
            if row is None or row.distributive_id != d.id or row.client_id != d.client_id:
                raise refuse("id", "Условия не найдены (возможно, удалены)")
        other = _overlap(s, d.id, d.client_id, clean, term_id)
        if other is not None:
            raise refuse("valid_from", f"{label(d.number)}: период пересекается с условиями "
                                       f"{_period(other)} — измените даты или закройте те "
                                       "условия раньше")
        before = _values(row) if row is not None else {}
        if row is None:
            row = DistributiveTerm(distributive_id=d.id, client_id=d.client_id,
                                   created_by_id=employee_id)
            s.add(row)
        row.valid_from, row.valid_to = clean.valid_from, clean.valid_to
        row.fixed_price = clean.fixed_price  # type: ignore[assignment]
        row.discount_percent = clean.discount_percent  # type: ignore[assignment]
        row.note = clean.note
        s.flush()
        after = _values(row)
        if _program_logs(s) and after != before:
            record_changes(s, TABLE, row.id, row.client_id, employee_id, before, after)
        return row.id

    return run_write(base, write)


def delete_term(base: OpenedBase, term_id: int, employee_id: int | None, *,
                profile: AccessProfile | None = None) -> None:
    check(profile, DISCOUNTS)

    def write(s: Session) -> None:
        row = s.get(DistributiveTerm, term_id)
        if row is None:
            raise refuse("id", "Условия не найдены (возможно, уже удалены)")
        if _program_logs(s):
            record_changes(s, TABLE, row.id, row.client_id, employee_id, _values(row), {})
        s.delete(row)

    run_write(base, write)


def terms_on(session: Session, distributives: Iterable[tuple[int, int]], on: date
             ) -> dict[int, ValidTerm]:
    """The row valid on ``on`` of each (distributive id, its client id), by distributive."""
    from vostok_desktop.domain.distributives import Distributive
    from vostok_desktop.services.distributives.common import has_dated_terms

    pairs = dict(distributives)
    out: dict[int, ValidTerm] = {}
    ids = list(pairs)
    if not has_dated_terms(session):
        # A base one revision behind (read-only until upgraded): its undated terms.
        d = Distributive
        for start in range(0, len(ids), 1000):
            for did, cid, price, percent in session.execute(
                    select(d.id, d.client_id, d.fixed_price, d.discount_percent)
                    .where(d.id.in_(ids[start:start + 1000]))):
                if pairs.get(did) == cid and (price is not None or percent is not None):
                    out[did] = ValidTerm(None if price is None else Decimal(price),
                                         None if percent is None else Decimal(percent))
        return out
    t = DistributiveTerm
    for start in range(0, len(ids), 1000):
        for did, cid, price, percent in session.execute(
                select(t.distributive_id, t.client_id, t.fixed_price, t.discount_percent)
                .where(t.distributive_id.in_(ids[start:start + 1000]), t.valid_from <= on,
                       or_(t.valid_to.is_(None), t.valid_to >= on))):
            if pairs.get(did) == cid:
                out[did] = ValidTerm(price, None if percent is None else Decimal(percent))
    return out


__all__ = ["TermData", "TermRow", "ValidTerm", "delete_term", "list_terms", "save_term",
           "terms_on", "validated"]
