"""A distributive's own terms, edited on its card: the service engineer, a fixed price or
a discount (Decimal, never float), series, network size, notes. Where it is and its status
change only by movements (``movements``). The right follows the status: «Склад» for a
distributive on the warehouse or a demo copy, «Движение дистрибутивов» at a client."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.services.access.rights import AccessProfile, require
from vostok_desktop.services.distributives.common import (
    check_version,
    label,
    log_update,
    parse_decimal,
    refuse,
    run_write,
    snapshot,
    status_right,
)

PRICE_STEP = Decimal("0.01")


@dataclass
class Terms:
    engineer_id: int | None = None
    fixed_price: Decimal | str | None = None  # rubles; a string is parsed («1 500,50»)
    discount_percent: Decimal | str | None = None
    series: str = ""
    network_size: int = 1
    notes: str = ""


def read_terms(base: OpenedBase, distributive_id: int) -> tuple[Terms, int]:
    """The terms and the version they were read at."""
    with base.sessions() as s:
        d = s.get(Distributive, distributive_id)
        if d is None:
            raise refuse("id", "Дистрибутив не найден (возможно, удалён)")
        return Terms(d.engineer_id, d.fixed_price, d.discount_percent, d.series,
                     d.network_size, d.notes), d.version


def validated(number: str, terms: Terms) -> Terms:
    price = parse_decimal(terms.fixed_price, "fixed_price", f"{label(number)}: цена")
    discount = parse_decimal(terms.discount_percent, "discount_percent",
                             f"{label(number)}: скидка")
    if price is not None:
        if price < 0:
            raise refuse("fixed_price", f"{label(number)}: цена не может быть отрицательной")
        if price != price.quantize(PRICE_STEP):
            raise refuse("fixed_price", f"{label(number)}: цена — с точностью до копейки")
        if price >= Decimal("1e10"):
            raise refuse("fixed_price", f"{label(number)}: слишком большая цена")
    if discount is not None:
        if not Decimal(0) <= discount <= Decimal(100):
            raise refuse("discount_percent", f"{label(number)}: скидка — от 0 до 100 %")
        if discount != discount.quantize(PRICE_STEP):
            raise refuse("discount_percent", f"{label(number)}: скидка — не больше двух "
                                             "знаков после запятой")
    if price is not None and discount is not None:
        raise refuse("fixed_price", f"{label(number)}: укажите либо фиксированную цену, "
                                    "либо скидку — не обе")
    if terms.network_size < 1:
        raise refuse("network_size", f"{label(number)}: размер сети (число пользователей) — "
                                     "не меньше 1")
    return Terms(terms.engineer_id, price, discount, terms.series.strip()[:40],
                 terms.network_size, terms.notes.strip())


def save_terms(base: OpenedBase, distributive_id: int, terms: Terms, expected_version: int,
               employee_id: int | None, *, profile: AccessProfile | None = None) -> int:
    """Save the terms; refused (CardConflict) when someone changed the distributive
    since ``expected_version``. Returns the new version."""

    def write(s: Session) -> int:
        d = s.scalars(select(Distributive).where(Distributive.id == distributive_id)
                      .with_for_update()).one_or_none()
        if d is None:
            raise refuse("id", "Дистрибутив не найден (возможно, удалён или вне видимой вам "
                               "части базы)")
        if profile is not None:
            require(profile, status_right(DistributiveStatus(d.status)))
        check_version("distributive", d, expected_version, s)
        clean = validated(d.number, terms)
        if clean.engineer_id is not None and s.scalar(
                select(Employee.id).where(Employee.id == clean.engineer_id)) is None:
            raise refuse("engineer_id", f"{label(d.number)}: сотрудник не найден")
        if clean.engineer_id is not None and d.client_id is None:
            raise refuse("engineer_id", f"{label(d.number)} на складе: сервисного инженера "
                                        "назначают дистрибутиву у клиента")
        before = snapshot(d)
        for key in ("engineer_id", "fixed_price", "discount_percent", "series",
                    "network_size", "notes"):
            setattr(d, key, getattr(clean, key))
        if snapshot(d) == before:
            return d.version
        d.updated_by_id, d.updated_at = employee_id, utcnow()
        s.flush()
        log_update(s, "distributives", d.id, d.client_id, employee_id, before, snapshot(d))
        return d.version

    return run_write(base, write)


__all__ = ["Terms", "read_terms", "save_terms", "validated"]
