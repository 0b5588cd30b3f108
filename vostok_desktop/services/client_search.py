"""Searching and listing clients for the «Список клиентов» agent; operations on many.

A :class:`ClientQuery` (quick search text, preset, user filter, sort, who asks) turns into
SQLAlchemy Core selects paged by keyset. Sort orders agree with indexes: the default
(search_name, id) is served by ``ix_clients_search_name_id``.

Quick search rules:

* Text made only of digits and phone punctuation (spaces, ``+ - ( )``) searches the INN
  by prefix, the KPP when exactly 9 digits are typed (a KPP prefix repeats the region
  code of every INN and would flood the list), and — when it has at least
  :data:`MIN_PHONE_DIGITS` digits — the phone
  digits (E.164 without '+') of the client or of its contacts by prefix. The Russian trunk
  prefix is understood («8 916…» → «7916…»), and a number typed without the country code
  («3832 123…», fewer than 11 digits) is also looked for as «7» + digits.
* Anything else: every word must occur in the lower-cased ``search_name`` (short and full
  name) as a substring: ``search_name LIKE '%word%'`` — Python's ``str.lower`` is applied
  to the text, since SQLite's LIKE folds only ASCII case; on PostgreSQL the pg_trgm GIN
  index serves it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
    union,
    update,
)
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    ClientStatus,
    Contact,
    Department,
    Direction,
    Employee,
    Favourite,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import phone_search_digits
from vostok_desktop.services.change_log import display_value
from vostok_desktop.services.list_filters import (
    FieldKind,
    FieldSpec,
    FilterGroup,
    KeysetOrder,
    KeysetPager,
    SortKey,
    like_escape,
    starts_with,
)

MIN_PHONE_DIGITS = 5
KPP_LENGTH = 9
PAGE_SIZE = 200
_DIGITS_QUERY = re.compile(r"^[\d\s+\-()]*\d[\d\s+\-()]*$")


class ClientSort(enum.StrEnum):
    NAME = "name"
    INN = "inn"
    STATUS = "status"
    REGION = "region"
    CREATED_AT = "created_at"


class ClientPreset(enum.StrEnum):
    ALL = "all"
    MINE = "mine"
    SERVED = "served"
    PROSPECT = "prospect"
    DISCONNECTED = "disconnected"
    FAVOURITES = "favourites"
    DEPARTMENT = "department"  # preset_value: department id
    RESPONSIBLE = "responsible"  # preset_value: employee id
    SEGMENT = "segment"  # preset_value: segment text
    REGION = "region"  # preset_value: region text


PRESET_TITLES: dict[ClientPreset, str] = {
    ClientPreset.ALL: "Все клиенты",
    ClientPreset.MINE: "Мои клиенты",
    ClientPreset.SERVED: "Обслуживаемые",
    ClientPreset.PROSPECT: "Потенциальные",
    ClientPreset.DISCONNECTED: "Отключённые",
    ClientPreset.FAVOURITES: "Любимые",
    ClientPreset.DEPARTMENT: "По отделу…",
    ClientPreset.RESPONSIBLE: "По ответственному…",
    ClientPreset.SEGMENT: "По сегменту…",
    ClientPreset.REGION: "По региону…",
}

PRESETS_WITH_VALUE = frozenset({ClientPreset.DEPARTMENT, ClientPreset.RESPONSIBLE,
                                ClientPreset.SEGMENT, ClientPreset.REGION})

CLIENT_FILTER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Наименование"),
    FieldSpec("inn", "ИНН"),
    FieldSpec("kpp", "КПП"),
    FieldSpec("status", "Статус", FieldKind.CHOICE, (
        ("served", "Обслуживаемый"), ("prospect", "Потенциальный"),
        ("disconnected", "Отключённый"))),
    FieldSpec("segment", "Сегмент"),
    FieldSpec("region", "Регион"),
    FieldSpec("source", "Источник"),
    FieldSpec("website", "Сайт"),
    FieldSpec("created_at", "Создан", FieldKind.DATE),
    FieldSpec("marked_for_deletion", "Помечен на удаление", FieldKind.BOOL),
)

_FILTER_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": Client.search_name,
    "inn": Client.inn,
    "kpp": Client.kpp,
    "status": Client.status,
    "segment": Client.segment,
    "region": Client.region,
    "source": Client.source,
    "website": Client.website,
    "created_at": Client.created_at,
    "marked_for_deletion": Client.marked_for_deletion,
}


@dataclass(frozen=True)
class ClientQuery:
    """What the client list shows: everything the GUI knows about the user's request."""

    text: str = ""
    preset: ClientPreset = ClientPreset.ALL
    preset_value: int | str | None = None
    user_filter: FilterGroup | None = None
    sort: ClientSort = ClientSort.NAME
    descending: bool = False
    employee_id: int | None = None  # «мои», «любимые», the favourite flag
    show_marked: bool = False
    client_ids: tuple[int, ...] | None = None


def is_digits_query(text: str) -> bool:
    return bool(_DIGITS_QUERY.match(text.strip()))


def phone_prefixes(text: str) -> list[str]:
    """Digit prefixes a phone query may start with in stored E.164 digits."""
    digits = phone_search_digits(text)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    prefixes = [digits]
    if len(digits) < 11:
        if digits.startswith("8"):
            prefixes.append("7" + digits[1:])
        prefixes.append("7" + digits)
    return list(dict.fromkeys(prefixes))


def name_words(text: str) -> list[str]:
    return [w for w in text.lower().split() if w]


def sort_expression(sort: ClientSort) -> ColumnElement[Any]:
    return {
        ClientSort.NAME: Client.search_name,
        ClientSort.INN: func.coalesce(Client.inn, ""),
        ClientSort.STATUS: Client.status,
        ClientSort.REGION: func.coalesce(Client.region, ""),
        ClientSort.CREATED_AT: Client.created_at,
    }[sort]


def _quick_search(text: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if is_digits_query(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        # A union of id sets keeps each branch on its own index (inn, kpp, phone digits).
        branches: list[Any] = [select(Client.id).where(starts_with(Client.inn, digits))]
        if len(digits) == KPP_LENGTH:
            # Only a whole KPP: its first digits repeat the region code every INN there
            # starts with (5401… / 540101001), so a KPP prefix would flood the list.
            branches.append(select(Client.id).where(Client.kpp == digits))
        for prefix in phone_prefixes(text):
            phone_like = starts_with(Phone.digits, prefix)
            branches += [
                select(Phone.client_id).where(phone_like, Phone.client_id.is_not(None)),
                select(Contact.client_id).join(Phone, Phone.contact_id == Contact.id)
                .where(phone_like),
            ]
        ids = union(*branches)
        return Client.id.in_(ids)
    conditions = [Client.search_name.like(f"%{like_escape(w)}%", escape="\\")
                  for w in name_words(text)]
    return and_(*conditions)


def _preset(query: ClientQuery) -> ColumnElement[bool] | None:
    preset, value, me = query.preset, query.preset_value, query.employee_id
    if preset is ClientPreset.MINE:
        return exists().where(Responsibility.client_id == Client.id,
                              Responsibility.employee_id == (me or -1))
    if preset is ClientPreset.SERVED:
        return Client.status == ClientStatus.SERVED
    if preset is ClientPreset.PROSPECT:
        return Client.status == ClientStatus.PROSPECT
    if preset is ClientPreset.DISCONNECTED:
        return Client.status == ClientStatus.DISCONNECTED
    if preset is ClientPreset.FAVOURITES:
        return exists().where(Favourite.client_id == Client.id,
                              Favourite.employee_id == (me or -1))
    if value is None or value == "":
        return None
    if preset is ClientPreset.DEPARTMENT:
        return exists().where(Responsibility.client_id == Client.id,
                              Responsibility.employee_id == Employee.id,
                              Employee.department_id == int(value))
    if preset is ClientPreset.RESPONSIBLE:
        return exists().where(Responsibility.client_id == Client.id,
                              Responsibility.employee_id == int(value))
    if preset is ClientPreset.SEGMENT:
        return Client.segment == str(value)
    if preset is ClientPreset.REGION:
        return Client.region == str(value)
    return None


def where_clauses(query: ClientQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if not query.show_marked:
        clauses.append(Client.marked_for_deletion.is_(False))
    for clause in (_quick_search(query.text), _preset(query)):
        if clause is not None:
            clauses.append(clause)
    if query.user_filter is not None and not query.user_filter.is_empty():
        clauses.append(query.user_filter.to_sql(_FILTER_COLUMNS))
    if query.client_ids is not None:
        clauses.append(Client.id.in_(query.client_ids or (-1,)))
    return clauses


def _row_select(query: ClientQuery) -> Any:
    main_phone = (select(Phone.raw).where(Phone.client_id == Client.id)
                  .order_by(Phone.id).limit(1).correlate(Client).scalar_subquery())
    favourite = exists().where(Favourite.client_id == Client.id,
                               Favourite.employee_id == (query.employee_id or -1))
    # One query per page: the responsibles' names aggregated per row (string_agg on
    # PostgreSQL, group_concat on SQLite), not a second round trip.
    responsible = (select(func.aggregate_strings(Employee.full_name, ", "))
                   .where(Responsibility.client_id == Client.id,
                          Employee.id == Responsibility.employee_id)
                   .correlate(Client).scalar_subquery())
    return select(
        sort_expression(query.sort).label("_sort"),
        Client.id, Client.short_name, Client.full_name, Client.inn, Client.kpp,
        Client.status, Client.segment, Client.region, Client.created_at,
        Client.marked_for_deletion,
        main_phone.label("phone"),
        favourite.label("favourite"),
        responsible.label("responsible"),
    ).select_from(Client)


def pager(query: ClientQuery) -> KeysetPager:
    order = KeysetOrder(sort_expression(query.sort), Client.id, query.descending)
    return KeysetPager(_row_select(query), order, where_clauses(query))


def _finish_rows(_conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Make the row dicts plain Python: enum status, bool flags, «» for no responsible;
    the same person responsible for several directions is named once."""
    for row in rows:
        row["status"] = ClientStatus(row["status"])
        row["favourite"] = bool(row["favourite"])
        row["marked_for_deletion"] = bool(row["marked_for_deletion"])
        names = row["responsible"]
        if names and ", " in names:
            row["responsible"] = ", ".join(dict.fromkeys(names.split(", ")))
        elif not names:
            row["responsible"] = ""
        row["name"] = row["short_name"]
    return rows


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def page_after(conn: Connection, query: ClientQuery, after_key: SortKey | None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The next ``limit`` rows after ``after_key`` (None: the first page)."""
    return _finish_rows(conn, pager(query).page(conn, after_key, limit))


def rows_from(conn: Connection, query: ClientQuery, anchor_key: SortKey | None,
              limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """``limit`` rows starting at ``anchor_key`` itself (as returned by :func:`anchors`)."""
    return _finish_rows(conn, pager(query).page(conn, anchor_key, limit, inclusive=True))


def count(conn: Connection, query: ClientQuery, limit: int | None = None) -> int:
    """How many rows the query shows; with ``limit``, stop counting at ``limit + 1``
    (a quick first answer for a broad search; the exact count can follow). Digit searches
    always count exactly: their index finds few rows, and a LIMIT would tempt PostgreSQL
    into a sequential scan hoping to stop early."""
    if is_digits_query(query.text):
        limit = None
    return pager(query).count(conn, Client, limit)


def anchors(conn: Connection, query: ClientQuery, every: int = PAGE_SIZE) -> list[SortKey]:
    """Sort keys of rows 0, every, 2·every, …: row N is ``rows_from(anchors[N // every])``
    advanced by ``N % every``."""
    return pager(query).anchors(conn, Client, every)


def rows_by_ids(conn: Connection, query: ClientQuery, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Fresh rows for given ids (ignores the filters, keeps the favourite flag's owner)."""
    if not ids:
        return []
    stmt = _row_select(query).where(Client.id.in_(list(ids)))
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    for row in rows:
        row["_key"] = (row.pop("_sort"), row["id"])
    return _finish_rows(conn, rows)


class ClientSearch:
    """The client list's data source over an open base (a connection per call)."""

    def __init__(self, base: OpenedBase) -> None:
        self.base = base

    def page_after(self, query: ClientQuery, after_key: SortKey | None,
                   limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        with self.base.engine.connect() as conn:
            return page_after(conn, query, after_key, limit)

    def rows_from(self, query: ClientQuery, anchor_key: SortKey | None,
                  limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        with self.base.engine.connect() as conn:
            return rows_from(conn, query, anchor_key, limit)

    def count(self, query: ClientQuery, limit: int | None = None) -> int:
        with self.base.engine.connect() as conn:
            return count(conn, query, limit)

    def anchors(self, query: ClientQuery, every: int = PAGE_SIZE) -> list[SortKey]:
        with self.base.engine.connect() as conn:
            return anchors(conn, query, every)

    def rows_by_ids(self, query: ClientQuery, ids: Sequence[int]) -> list[dict[str, Any]]:
        with self.base.engine.connect() as conn:
            return rows_by_ids(conn, query, ids)


# ---------------------------------------------------------------------------
# Choices for presets and dialogs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PresetChoices:
    departments: list[tuple[int, str]] = field(default_factory=list)
    employees: list[tuple[int, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    directions: list[tuple[int, str]] = field(default_factory=list)


def preset_choices(base: OpenedBase) -> PresetChoices:
    with base.engine.connect() as conn:
        return PresetChoices(
            departments=[(r.id, r.name) for r in conn.execute(
                select(Department.id, Department.name).order_by(Department.name))],
            employees=[(r.id, r.full_name) for r in conn.execute(
                select(Employee.id, Employee.full_name).where(Employee.is_active.is_(True))
                .order_by(Employee.full_name))],
            segments=[s for s in conn.scalars(
                select(Client.segment).where(Client.segment.is_not(None)).distinct()
                .order_by(Client.segment))],
            regions=[s for s in conn.scalars(
                select(Client.region).where(Client.region.is_not(None)).distinct()
                .order_by(Client.region))],
            directions=[(r.id, r.name) for r in conn.execute(
                select(Direction.id, Direction.name).order_by(Direction.id))],
        )


# ---------------------------------------------------------------------------
# Operations on many selected clients (each one transaction)
# ---------------------------------------------------------------------------


def log_rows(entries: Iterable[tuple[str, int, int | None, str, Any, Any]],
              employee_id: int | None) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {"changed_at": now, "employee_id": employee_id, "table_name": table, "row_id": row_id,
         "client_id": client_id, "field": field_, "old_value": display_value(old),
         "new_value": display_value(new)}
        for table, row_id, client_id, field_, old, new in entries
    ]


def touch_clients(conn: Connection, ids: Sequence[int], employee_id: int | None) -> None:
    """Bump version and updated_* so open cards notice the change (optimistic locking)."""
    conn.execute(update(Client).where(Client.id.in_(ids)).values(
        version=Client.version + 1, updated_at=utcnow(), updated_by_id=employee_id))


def set_marked_for_deletion(base: OpenedBase, client_ids: Sequence[int], marked: bool,
                            employee_id: int | None) -> list[int]:
    """Mark (or unmark: the undo) clients for deletion; returns the ids that changed."""
    with base.engine.begin() as conn:
        changed = list(conn.scalars(select(Client.id).where(
            Client.id.in_(list(client_ids)), Client.marked_for_deletion.is_not(marked))))
        if not changed:
            return []
        conn.execute(update(Client).where(Client.id.in_(changed))
                     .values(marked_for_deletion=marked))
        touch_clients(conn, changed, employee_id)
        conn.execute(insert(ChangeLog), log_rows(
            (("clients", cid, cid, "marked_for_deletion", not marked, marked)
             for cid in changed), employee_id))
    return changed


def favourite_ids(base: OpenedBase, client_ids: Sequence[int], employee_id: int) -> set[int]:
    with base.engine.connect() as conn:
        return set(conn.scalars(select(Favourite.client_id).where(
            Favourite.employee_id == employee_id, Favourite.client_id.in_(list(client_ids)))))


def set_favourite(base: OpenedBase, client_ids: Sequence[int], employee_id: int,
                  on: bool | None = None) -> bool:
    """Star or unstar clients for an employee. ``on=None`` toggles: if every one is a
    favourite they all lose the star, otherwise they all get it. Returns the new state."""
    ids = list(dict.fromkeys(client_ids))
    with base.engine.begin() as conn:
        have = set(conn.scalars(select(Favourite.client_id).where(
            Favourite.employee_id == employee_id, Favourite.client_id.in_(ids))))
        if on is None:
            on = len(have) < len(ids)
        if on:
            missing = [cid for cid in ids if cid not in have]
            if missing:
                conn.execute(insert(Favourite), [
                    {"employee_id": employee_id, "client_id": cid, "contact_id": None}
                    for cid in missing])
        elif have:
            conn.execute(delete(Favourite).where(Favourite.employee_id == employee_id,
                                                 Favourite.client_id.in_(list(have))))
    return on


def set_responsible(base: OpenedBase, client_ids: Sequence[int], direction_id: int,
                    responsible_id: int, employee_id: int | None) -> list[int]:
    """Make ``responsible_id`` the responsible of every client for the direction; writes
    the change log (field ``responsible:<direction code>``, old → new employee names)."""
    ids = list(dict.fromkeys(client_ids))
    with base.engine.begin() as conn:
        code = conn.scalar(select(Direction.code).where(Direction.id == direction_id))
        if code is None:
            raise ValueError(f"direction {direction_id} does not exist")
        names = dict(conn.execute(select(Employee.id, Employee.full_name)).tuples().all())
        if responsible_id not in names:
            raise ValueError(f"employee {responsible_id} does not exist")
        current = {r.client_id: (r.id, r.employee_id) for r in conn.execute(
            select(Responsibility.id, Responsibility.client_id, Responsibility.employee_id)
            .where(Responsibility.direction_id == direction_id,
                   Responsibility.client_id.in_(ids)))}
        log: list[tuple[str, int, int | None, str, Any, Any]] = []
        changed: list[int] = []
        to_update = [cid for cid in ids if cid in current
                     and current[cid][1] != responsible_id]
        if to_update:
            conn.execute(update(Responsibility).where(
                Responsibility.direction_id == direction_id,
                Responsibility.client_id.in_(to_update)).values(employee_id=responsible_id))
            for cid in to_update:
                row_id, old = current[cid]
                log.append(("responsibilities", row_id, cid, f"responsible:{code}",
                            names.get(old), names[responsible_id]))
            changed += to_update
        to_insert = [cid for cid in ids if cid not in current]
        if to_insert:
            conn.execute(insert(Responsibility), [
                {"client_id": cid, "direction_id": direction_id, "employee_id": responsible_id}
                for cid in to_insert])
            new_ids = dict(conn.execute(
                select(Responsibility.client_id, Responsibility.id).where(
                    Responsibility.direction_id == direction_id,
                    Responsibility.client_id.in_(to_insert))).tuples().all())
            for cid in to_insert:
                log.append(("responsibilities", new_ids[cid], cid, f"responsible:{code}",
                            None, names[responsible_id]))
            changed += to_insert
        if changed:
            touch_clients(conn, changed, employee_id)
            conn.execute(insert(ChangeLog), log_rows(log, employee_id))
    return changed


__all__ = [
    "CLIENT_FILTER_FIELDS", "ClientPreset", "ClientQuery", "ClientSearch", "ClientSort",
    "MIN_PHONE_DIGITS", "PAGE_SIZE", "PRESETS_WITH_VALUE", "PRESET_TITLES", "PresetChoices",
    "anchors", "count", "favourite_ids", "is_digits_query", "page_after",
    "phone_prefixes", "preset_choices", "rows_by_ids", "rows_from", "set_favourite",
    "set_marked_for_deletion", "set_responsible", "sort_expression", "where_clauses",
]
