"""A distributive's own terms, edited on its card: the service engineer, series, network
size, notes (its prices and discounts are dated: services/money/distributive_terms.py).
Where it is and its status change only by movements (``movements``). The right follows
the status: «Склад» for a distributive on the warehouse or a demo copy, «Движение
дистрибутивов» at a client."""

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
    refuse,
    run_write,
    snapshot,
    status_right,
)


@dataclass
class Terms:
    engineer_id: int | None = None
    # The undated terms of 0010 are gone: 0017 moved them into dated rows
    # (services/money/distributive_terms.py). Always None; a value given is refused.
    fixed_price: Decimal | str | None = None
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
        return Terms(d.engineer_id, None, None, d.series, d.network_size, d.notes), d.version


def validated(number: str, terms: Terms) -> Terms:
    for value in (terms.fixed_price, terms.discount_percent):
        if value is not None and str(value).strip():
            raise refuse("fixed_price", f"{label(number)}: цену и скидку задают по датам — "
                                        "«Цены и скидки по датам…»")
    if terms.network_size < 1:
        raise refuse("network_size", f"{label(number)}: размер сети (число пользователей) — "
                                     "не меньше 1")
    return Terms(terms.engineer_id, None, None, terms.series.strip()[:40],
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
        for key in ("engineer_id", "series", "network_size", "notes"):
            setattr(d, key, getattr(clean, key))
        if snapshot(d) == before:
            return d.version
        d.updated_by_id, d.updated_at = employee_id, utcnow()
        s.flush()
        log_update(s, "distributives", d.id, d.client_id, employee_id, before, snapshot(d))
        return d.version

    return run_write(base, write)


__all__ = ["Terms", "read_terms", "save_terms", "validated"]
