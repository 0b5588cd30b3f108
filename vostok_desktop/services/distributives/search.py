"""The list of the agent «Дистрибутивы»: every distributive the login may see, paged by
keyset in number order, byte by byte (``ix_distributives_number_c`` on PostgreSQL serves
the order and the number prefix search as one range; on SQLite the unique number index),
filtered by status, system, engineer, client.

Quick search: text that starts with a digit is the beginning of a number (spaces
ignored); anything else is the client's name — every word must occur in the client's
lower-cased ``search_name`` (the client list's own rule, served by its pg_trgm index),
and the distributives of those clients come by ``ix_distributives_client_id_number``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    SYSTEM_KIND_TITLES,
    Distributive,
    DistributiveStatus,
    Kit,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.services.distributives.common import distributive_select
from vostok_desktop.services.lists.filters import (
    ByteOrder,
    FieldKind,
    FieldSpec,
    FilterGroup,
    KeysetOrder,
    KeysetPager,
    KeysetSource,
    SortKey,
    like_escape,
    starts_with,
)

PAGE_SIZE = 200
NUMBER_SORT = "number"
# The list's order and the prefix search, byte by byte (``ix_distributives_number_c``).
NUMBER_ORDER = ByteOrder(Distributive.number)

# What the user filter and the colour rules of the agent may name (row keys).
DISTRIBUTIVE_FILTER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("number", "Номер"),
    FieldSpec("status", "Состояние", FieldKind.CHOICE,
              tuple((s.value, t) for s, t in DISTRIBUTIVE_STATUS_TITLES.items())),
    FieldSpec("kind", "Тип", FieldKind.CHOICE,
              tuple((k.value, t) for k, t in SYSTEM_KIND_TITLES.items())),
    FieldSpec("system_code", "Система (код)"),
    FieldSpec("system_title", "Система"),
    FieldSpec("series", "Серия"),
    FieldSpec("client_name", "Клиент"),
    FieldSpec("engineer_name", "Инженер"),
    FieldSpec("kit_title", "Комплект"),
    FieldSpec("status_since", "В состоянии с", FieldKind.DATE),
    FieldSpec("demo_until", "Вернуть до (ознакомительный)", FieldKind.DATE),
    FieldSpec("demo_overdue", "Просрочен возврат ознакомительного", FieldKind.BOOL),
)


@dataclass(frozen=True)
class DistributiveQuery:
    text: str = ""  # the number's beginning, or words of the client's name
    statuses: tuple[DistributiveStatus, ...] = ()
    system_id: int | None = None
    engineer_id: int | None = None
    client_id: int | None = None
    demo_overdue: bool = False  # only demo copies past their return date
    user_filter: FilterGroup | None = None
    descending: bool = False
    ids: tuple[int, ...] | None = None  # only these (live updates narrow to rows)
    today: date | None = None  # «overdue» is judged on this day (None: today)

    def day(self) -> date:
        return self.today or date.today()


def is_number_text(text: str) -> bool:
    """The quick search looks for a number when the text starts with a digit."""
    stripped = text.strip()
    return bool(stripped) and stripped[0].isdigit()


def _client_name_clause(text: str) -> ColumnElement[bool] | None:
    words = [w for w in text.lower().split() if w]
    if not words:
        return None
    clients = select(Client.id).where(*[
        Client.search_name.like(f"%{like_escape(w)}%", escape="\\") for w in words])
    return Distributive.client_id.in_(clients)


def _overdue(today: date) -> ColumnElement[bool]:
    d = Distributive
    return and_(d.status == DistributiveStatus.DEMO, d.demo_until < today)


def _filter_columns(query: DistributiveQuery) -> Mapping[str, ColumnElement[Any]]:
    """The user filter's fields as SQL (correlated look-ups for names: a filter on a
    name is rare and then narrows by the other conditions too)."""
    d = Distributive
    return {
        "number": d.number,
        "status": d.status,
        "kind": d.kind,
        "series": d.series,
        "status_since": d.status_since,
        "demo_until": d.demo_until,
        "demo_overdue": _overdue(query.day()),
        "system_code": select(ProductSystem.code).where(ProductSystem.id == d.system_id)
        .scalar_subquery(),
        "system_title": select(ProductSystem.title).where(ProductSystem.id == d.system_id)
        .scalar_subquery(),
        # Lower-cased already: SQLite's lower() leaves Cyrillic as it is.
        "client_name": select(Client.search_name).where(Client.id == d.client_id)
        .scalar_subquery(),
        "engineer_name": select(Employee.full_name).where(Employee.id == d.engineer_id)
        .scalar_subquery(),
        "kit_title": select(Kit.title).where(Kit.id == d.kit_id).scalar_subquery(),
    }


def where_clauses(query: DistributiveQuery) -> list[ColumnElement[bool]]:
    d = Distributive
    where: list[ColumnElement[bool]] = []
    if is_number_text(query.text):
        where.append(starts_with(NUMBER_ORDER, "".join(query.text.split())))
    elif (by_name := _client_name_clause(query.text)) is not None:
        where.append(by_name)
    if query.statuses:
        where.append(d.status.in_([DistributiveStatus(s) for s in query.statuses]))
    if query.system_id is not None:
        where.append(d.system_id == query.system_id)
    if query.engineer_id is not None:
        where.append(d.engineer_id == query.engineer_id)
    if query.client_id is not None:
        where.append(d.client_id == query.client_id)
    if query.demo_overdue:
        where.append(_overdue(query.day()))
    if query.user_filter is not None and not query.user_filter.is_empty():
        where.append(query.user_filter.to_sql(_filter_columns(query)))
    if query.ids is not None:
        where.append(d.id.in_(list(query.ids) or [-1]))
    return where


def pager(query: DistributiveQuery, bind: Any = None) -> KeysetPager:
    base = distributive_select(bind).add_columns(NUMBER_ORDER.label("_sort"))
    return KeysetPager(base, KeysetOrder(NUMBER_ORDER, Distributive.id,
                                         query.descending), where_clauses(query))


def _rows(rows: list[dict[str, Any]], query: DistributiveQuery) -> list[dict[str, Any]]:
    """Plain rows with enums, and ``demo_overdue`` for the colour rules."""
    today = query.day()
    for row in rows:
        row["status"] = DistributiveStatus(row["status"])
        row["kind"] = SystemKind(row["kind"])
        until = row.get("demo_until")
        row["demo_overdue"] = bool(row["status"] is DistributiveStatus.DEMO
                                   and until is not None and until < today)
    return rows


def page_after(conn: Connection, query: DistributiveQuery, after_key: SortKey | None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _rows(pager(query, conn).page(conn, after_key, limit), query)


def rows_from(conn: Connection, query: DistributiveQuery, anchor_key: SortKey | None,
              limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _rows(pager(query, conn).page(conn, anchor_key, limit, inclusive=True), query)


def count(conn: Connection, query: DistributiveQuery, limit: int | None = None) -> int:
    return pager(query, conn).count(conn, Distributive, limit)


def anchors(conn: Connection, query: DistributiveQuery, every: int = PAGE_SIZE
            ) -> list[SortKey]:
    return pager(query, conn).anchors(conn, Distributive, every)


def rows_by_ids(conn: Connection, query: DistributiveQuery, ids: Sequence[int]
                ) -> list[dict[str, Any]]:
    if not ids:
        return []
    p = pager(query, conn)
    stmt = p.base_select.where(Distributive.id.in_(list(ids)))
    return _rows(p.fetch(conn, p.with_details(stmt)), query)


def narrow_to_ids(query: DistributiveQuery, ids: Sequence[int]) -> DistributiveQuery:
    """The same query (every filter kept) restricted to these distributives."""
    wanted = set(ids) if query.ids is None else set(ids) & set(query.ids)
    return dataclasses.replace(query, ids=tuple(sorted(wanted)))


def status_counts(conn: Connection) -> dict[DistributiveStatus, int]:
    """How many distributives of each status the login sees (the agent's filter menu)."""
    rows = conn.execute(Distributive.__table__.select().with_only_columns(
        Distributive.status, func.count()).group_by(Distributive.status))
    return {DistributiveStatus(s): n for s, n in rows}


class DistributiveSearch(KeysetSource):
    """The agent's data source over an open base (a connection per call)."""

    def __init__(self, base: OpenedBase) -> None:
        super().__init__(base, page_after, rows_from, count, anchors, rows_by_ids)


__all__ = ["DISTRIBUTIVE_FILTER_FIELDS", "NUMBER_SORT", "DistributiveQuery",
           "DistributiveSearch", "anchors", "count", "is_number_text", "narrow_to_ids",
           "page_after", "rows_by_ids", "rows_from", "status_counts", "where_clauses"]
