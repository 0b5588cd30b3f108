"""The list of the agent «Дистрибутивы»: every distributive the login may see, paged by
keyset in number order (the unique number index serves the order; the number prefix
search uses ``ix_distributives_number_pattern`` on PostgreSQL, the same index's range
on SQLite), filtered by status, system, engineer, client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.services.distributives.common import distributive_select
from vostok_desktop.services.lists.filters import (
    KeysetOrder,
    KeysetPager,
    KeysetSource,
    SortKey,
    starts_with,
)

PAGE_SIZE = 200


@dataclass(frozen=True)
class DistributiveQuery:
    text: str = ""  # the number's beginning
    statuses: tuple[DistributiveStatus, ...] = ()
    system_id: int | None = None
    engineer_id: int | None = None
    client_id: int | None = None


def where_clauses(query: DistributiveQuery) -> list[ColumnElement[bool]]:
    d = Distributive
    where: list[ColumnElement[bool]] = []
    prefix = "".join(query.text.split())
    if prefix:
        where.append(starts_with(d.number, prefix))
    if query.statuses:
        where.append(d.status.in_([DistributiveStatus(s) for s in query.statuses]))
    if query.system_id is not None:
        where.append(d.system_id == query.system_id)
    if query.engineer_id is not None:
        where.append(d.engineer_id == query.engineer_id)
    if query.client_id is not None:
        where.append(d.client_id == query.client_id)
    return where


def pager(query: DistributiveQuery) -> KeysetPager:
    base = distributive_select().add_columns(Distributive.number.label("_sort"))
    return KeysetPager(base, KeysetOrder(Distributive.number, Distributive.id),
                       where_clauses(query))


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["status"] = DistributiveStatus(row["status"])
    return rows


def page_after(conn: Connection, query: DistributiveQuery, after_key: SortKey | None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _rows(pager(query).page(conn, after_key, limit))


def rows_from(conn: Connection, query: DistributiveQuery, anchor_key: SortKey | None,
              limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _rows(pager(query).page(conn, anchor_key, limit, inclusive=True))


def count(conn: Connection, query: DistributiveQuery, limit: int | None = None) -> int:
    return pager(query).count(conn, Distributive, limit)


def anchors(conn: Connection, query: DistributiveQuery, every: int = PAGE_SIZE
            ) -> list[SortKey]:
    return pager(query).anchors(conn, Distributive, every)


def rows_by_ids(conn: Connection, query: DistributiveQuery, ids: Sequence[int]
                ) -> list[dict[str, Any]]:
    if not ids:
        return []
    p = pager(query)
    stmt = p.base_select.where(Distributive.id.in_(list(ids)))
    return _rows(p.fetch(conn, p.with_details(stmt)))


def status_counts(conn: Connection) -> dict[DistributiveStatus, int]:
    """How many distributives of each status the login sees (the agent's filter menu)."""
    rows = conn.execute(Distributive.__table__.select().with_only_columns(
        Distributive.status, func.count()).group_by(Distributive.status))
    return {DistributiveStatus(s): n for s, n in rows}


class DistributiveSearch(KeysetSource):
    """The agent's data source over an open base (a connection per call)."""

    def __init__(self, base: OpenedBase) -> None:
        super().__init__(base, page_after, rows_from, count, anchors, rows_by_ids)


__all__ = ["DistributiveQuery", "DistributiveSearch", "anchors", "count", "page_after",
           "rows_by_ids", "rows_from", "status_counts", "where_clauses"]
