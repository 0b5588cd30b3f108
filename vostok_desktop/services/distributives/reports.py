"""Report queries over distributives (tables now; the pivot engine of the reports issue
reuses them): «Движение дистрибутивов» for a period, «Баланс дистрибутивов» (connected −
disconnected by month), «Дистрибутивы клиентов». Long ones run on a worker (DESIGN)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import (
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


def client_distributives_report(base: OpenedBase, *,
                                statuses: Sequence[DistributiveStatus] = (
                                    DistributiveStatus.SERVED,),
                                limit: int = REPORT_LIMIT) -> list[DistributiveRow]:
    """«Дистрибутивы клиентов»: the distributives at clients, by client and number."""
    stmt = (distributive_select()
            .where(Distributive.client_id.is_not(None),
                   Distributive.status.in_([DistributiveStatus(s) for s in statuses]))
            .order_by(Distributive.client_id, Distributive.number).limit(limit))
    with base.sessions() as s:
        return distributive_rows(s.execute(stmt))


__all__ = ["BalanceRow", "balance_by_month", "client_distributives_report",
           "movements_between"]
