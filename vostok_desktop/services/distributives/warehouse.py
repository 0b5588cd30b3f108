"""The warehouse («Склад дистрибутивов»): receipt (оприходование) of new distributives,
the stock, reservations for a client or an employee, demo (ознакомительные) copies and
those overdue for return. Everything here needs the right «Склад».

A distributive on the warehouse (in stock or reserved) has no client; on a server base
every login sees it, and only those with «Склад» change it (migration 0010).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    MovementKind,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import (
    DistributiveRow,
    MovementRefused,
    check,
    distributive_rows,
    distributive_select,
    label,
    log_insert,
    refuse,
    run_write,
)
from vostok_desktop.services.distributives.movements import (
    AppliedMovement,
    MovementRequest,
    apply_movement,
)

S = DistributiveStatus
K = MovementKind
STOCK = "distributives.stock"
MAX_NUMBER = 30


@dataclass
class ReceiptLine:
    """One distributive received: its number and system; type, series and network size
    default to the system's."""

    number: str
    system_id: int
    kind: SystemKind | None = None
    series: str | None = None
    network_size: int | None = None
    notes: str = ""


def normalize_number(number: str) -> str:
    """A distributive number as stored: no spaces around or inside."""
    return "".join((number or "").split())


def receive(base: OpenedBase, lines: Sequence[ReceiptLine], received_on: date,
            employee_id: int | None, *, note: str = "", profile: AccessProfile | None = None,
            today: date | None = None) -> list[int]:
    """Оприходование: the distributives arrive on the warehouse, in stock, each with a
    receipt movement — all lines or none (a bad line is named by its number)."""
    check(profile, STOCK)
    if not lines:
        raise refuse("lines", "Нет дистрибутивов для оприходования")
    today = today or date.today()
    if received_on > today:
        raise refuse("moved_on", f"Дата оприходования {received_on:%d.%m.%Y} позже "
                                 "сегодняшней")
    numbers = [normalize_number(line.number) for line in lines]
    seen: set[str] = set()
    for number in numbers:
        if not number:
            raise refuse("number", "Не указан номер дистрибутива")
        if len(number) > MAX_NUMBER:
            raise refuse("number", f"{label(number)}: номер длиннее {MAX_NUMBER} знаков")
        if number in seen:
            raise refuse("number", f"{label(number)} указан дважды")
        seen.add(number)

    def write(s: Session) -> list[int]:
        taken = set(s.scalars(select(Distributive.number)
                              .where(Distributive.number.in_(numbers))))
        ids = []
        for line, number in zip(lines, numbers, strict=True):
            if number in taken:
                raise refuse("number", f"{label(number)} уже есть в базе")
            system = s.get(ProductSystem, line.system_id)
            if system is None:
                raise refuse("system_id", f"{label(number)}: система не найдена")
            if not system.is_active:
                raise refuse("system_id", f"{label(number)}: система «{system.title}» снята "
                                          "с продажи (не действует)")
            size = line.network_size if line.network_size is not None else system.network_size
            if size < 1:
                raise refuse("network_size", f"{label(number)}: размер сети (число "
                                             "пользователей) — не меньше 1")
            d = Distributive(
                number=number, system_id=system.id, kind=line.kind or system.kind,
                series=(line.series if line.series is not None else system.series).strip(),
                network_size=size, status=S.IN_STOCK, status_since=received_on,
                last_moved_on=received_on, notes=line.notes.strip(),
                created_by_id=employee_id, updated_by_id=employee_id, version=1)
            s.add(d)
            s.flush()
            m = DistributiveMovement(distributive_id=d.id, kind=K.RECEIPT,
                                     moved_on=received_on, status_after=S.IN_STOCK,
                                     employee_id=employee_id, note=note.strip(),
                                     created_at=utcnow())
            s.add(m)
            s.flush()
            log_insert(s, "distributives", d, None, employee_id)
            log_insert(s, "distributive_movements", m, None, employee_id)
            ids.append(d.id)
        return ids

    try:
        return run_write(base, write)
    except IntegrityError as exc:
        # A number the caller could not see (a distributive at a client outside their
        # visibility) is still taken.
        text = str(exc.orig)
        if "number" not in text.lower():
            raise
        found = re.search(r"\(number\)=\((.+?)\)", text)  # PostgreSQL names the key
        if found:
            raise MovementRefused("number", f"{label(found.group(1))} уже есть в базе"
                                  ) from None
        raise MovementRefused("number", "Дистрибутив с номером из списка ("
                                        f"{', '.join(numbers)}) уже есть в базе") from None


def reserve(base: OpenedBase, distributive_id: int, moved_on: date, employee_id: int | None,
            *, client_id: int | None = None, for_employee_id: int | None = None,
            note: str = "", expected_version: int | None = None,
            profile: AccessProfile | None = None, today: date | None = None
            ) -> AppliedMovement:
    """Резервирование за клиентом и/или сотрудником (an engineer who will install it)."""
    return apply_movement(base, MovementRequest(
        K.RESERVE, distributive_id, moved_on, to_client_id=client_id,
        to_employee_id=for_employee_id, note=note, expected_version=expected_version),
        employee_id, profile=profile, today=today)[0]


def unreserve(base: OpenedBase, distributive_id: int, moved_on: date,
              employee_id: int | None, *, note: str = "",
              expected_version: int | None = None, profile: AccessProfile | None = None,
              today: date | None = None) -> AppliedMovement:
    """Снятие резерва: back in stock, free for anybody."""
    return apply_movement(base, MovementRequest(
        K.UNRESERVE, distributive_id, moved_on, note=note, expected_version=expected_version),
        employee_id, profile=profile, today=today)[0]


def issue_demo(base: OpenedBase, distributive_id: int, client_id: int, moved_on: date,
               demo_until: date, employee_id: int | None, *, kit_id: int | None = None,
               engineer_id: int | None = None, note: str = "",
               expected_version: int | None = None, profile: AccessProfile | None = None,
               today: date | None = None) -> AppliedMovement:
    """Выдача на ознакомление до ``demo_until``."""
    return apply_movement(base, MovementRequest(
        K.DEMO_ISSUE, distributive_id, moved_on, to_client_id=client_id, to_kit_id=kit_id,
        engineer_id=engineer_id, demo_until=demo_until, note=note,
        expected_version=expected_version), employee_id, profile=profile, today=today)[0]


def return_to_stock(base: OpenedBase, distributive_id: int, moved_on: date,
                    employee_id: int | None, *, note: str = "",
                    expected_version: int | None = None,
                    profile: AccessProfile | None = None,
                    today: date | None = None) -> AppliedMovement:
    """Возврат на склад of a demo copy or a disconnected distributive."""
    return apply_movement(base, MovementRequest(
        K.STOCK_RETURN, distributive_id, moved_on, note=note,
        expected_version=expected_version), employee_id, profile=profile, today=today)[0]


# --------------------------------------------------------------------------- reading


def stock(base: OpenedBase, *, system_id: int | None = None,
          include_reserved: bool = True, limit: int = 5000) -> list[DistributiveRow]:
    """«Склад дистрибутивов»: what is on the warehouse, by system and number."""
    statuses = [S.IN_STOCK, S.RESERVED] if include_reserved else [S.IN_STOCK]
    stmt = distributive_select(base).where(Distributive.status.in_(statuses))
    if system_id is not None:
        stmt = stmt.where(Distributive.system_id == system_id)
    stmt = stmt.order_by(ProductSystem.code, Distributive.number).limit(limit)
    with base.sessions() as s:
        return distributive_rows(s.execute(stmt))


@dataclass(frozen=True)
class StockSummary:
    system_id: int
    system_code: str
    system_title: str
    in_stock: int
    reserved: int


def stock_summary(base: OpenedBase) -> list[StockSummary]:
    """How many of each system are in stock and in reserve."""
    d = Distributive
    stmt = (select(ProductSystem.id, ProductSystem.code, ProductSystem.title,
                   func.count().filter(d.status == S.IN_STOCK),
                   func.count().filter(d.status == S.RESERVED))
            .join(d, d.system_id == ProductSystem.id)
            .where(d.status.in_([S.IN_STOCK, S.RESERVED]))
            .group_by(ProductSystem.id, ProductSystem.code, ProductSystem.title)
            .order_by(ProductSystem.code))
    with base.sessions() as s:
        return [StockSummary(*r) for r in s.execute(stmt)]


def reservations(base: OpenedBase, *, client_id: int | None = None,
                 employee_id: int | None = None) -> list[DistributiveRow]:
    """Reserved distributives, all or for one client / one employee."""
    stmt = distributive_select(base).where(Distributive.status == S.RESERVED)
    whose = []
    if client_id is not None:
        whose.append(Distributive.reserved_for_client_id == client_id)
    if employee_id is not None:
        whose.append(Distributive.reserved_for_employee_id == employee_id)
    if whose:
        stmt = stmt.where(or_(*whose))
    with base.sessions() as s:
        return distributive_rows(s.execute(stmt.order_by(Distributive.number)))


@dataclass(frozen=True)
class DemoDue:
    distributive: DistributiveRow
    days_overdue: int  # negative: days left


def demos_due(base: OpenedBase, today: date | None = None, *, within_days: int = 0,
              engineer_id: int | None = None) -> list[DemoDue]:
    """Demo copies due for return by ``today + within_days`` (overdue first): the list
    behind the reminders of overdue returns."""
    today = today or date.today()
    limit = today + timedelta(days=within_days)
    stmt = distributive_select(base).where(Distributive.status == S.DEMO,
                                       Distributive.demo_until <= limit)
    if engineer_id is not None:
        stmt = stmt.where(Distributive.engineer_id == engineer_id)
    with base.sessions() as s:
        rows = distributive_rows(s.execute(stmt.order_by(Distributive.demo_until,
                                                         Distributive.number)))
    return [DemoDue(r, (today - r.demo_until).days) for r in rows if r.demo_until]


def overdue_demos(base: OpenedBase, today: date | None = None) -> list[DemoDue]:
    """Demo copies whose return date has passed."""
    today = today or date.today()
    return [d for d in demos_due(base, today) if d.days_overdue > 0]


__all__ = [
    "DemoDue", "ReceiptLine", "StockSummary", "demos_due", "issue_demo", "normalize_number",
    "overdue_demos", "receive", "reservations", "reserve", "return_to_stock", "stock",
    "stock_summary", "unreserve",
]
