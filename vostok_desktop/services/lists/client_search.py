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
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    func,
    select,
    union,
)
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Department,
    Direction,
    Distributive,
    DistributiveStatus,
    Employee,
    Favourite,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.validators import phone_search_digits

# Operations on many selected clients, re-exported: the agent calls them as cs.*.
from vostok_desktop.services.clients.operations import (
    favourite_ids,
    log_rows,
    set_favourite,
    set_marked_for_deletion,
    set_responsible,
    touch_clients,
)
from vostok_desktop.services.lists.filters import (
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
    WITH_SERVED = "with_served"  # a distributive on service at the client
    WITHOUT_DISTRIBUTIVES = "without_distributives"  # no distributive at the client


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
    ClientPreset.WITH_SERVED: "С дистрибутивами на обслуживании",
    ClientPreset.WITHOUT_DISTRIBUTIVES: "Без дистрибутивов",
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
    FieldSpec("systems", "Систем на обслуживании", FieldKind.NUMBER),
    FieldSpec("has_distributives", "Есть дистрибутивы", FieldKind.BOOL),
)


def served_systems(client_id: Any) -> Any:
    """How many of the client's distributives are on service («Систем»); from
    ``ix_distributives_client_id_status`` alone. On a server base row-level security
    counts only what the login sees — exactly where the client is visible."""
    return (select(func.count()).select_from(Distributive)
            .where(Distributive.client_id == client_id,
                   Distributive.status == DistributiveStatus.SERVED)
            .scalar_subquery())


def has_distributives(client_id: Any) -> Any:
    """Any distributive at the client, whatever its state («Есть дистрибутивы»)."""
    return exists().where(Distributive.client_id == client_id)


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
    "systems": served_systems(Client.id),
    "has_distributives": has_distributives(Client.id),
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
    if preset is ClientPreset.WITH_SERVED:
        return exists().where(Distributive.client_id == Client.id,
                              Distributive.status == DistributiveStatus.SERVED)
    if preset is ClientPreset.WITHOUT_DISTRIBUTIVES:
        return ~has_distributives(Client.id)
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
    """The client's own columns; the page's details come from :func:`_details`."""
    return select(
        sort_expression(query.sort).label("_sort"),
        Client.id, Client.short_name, Client.full_name, Client.inn, Client.kpp,
        Client.status, Client.segment, Client.region, Client.created_at,
        Client.marked_for_deletion,
    ).select_from(Client)


def _details(employee_id: int | None) -> Any:
    """Main phone (the client's first), the favourite flag, the responsibles' names
    (string_agg on PostgreSQL, group_concat on SQLite) and the distributive counts,
    correlated to the page's rows only. Measured at a million clients (PostgreSQL, next page): this 7.3 ms, the same
    as LATERAL joins (7.6 ms); one batched query per lookup for the page's ids 12 ms
    (three more round trips and 200-item IN lists)."""

    def columns(page: Any) -> list[ColumnElement[Any]]:
        main_phone = (select(Phone.raw).where(Phone.client_id == page.c.id)
                      .order_by(Phone.id).limit(1).scalar_subquery())
        favourite = exists().where(Favourite.client_id == page.c.id,
                                   Favourite.employee_id == (employee_id or -1))
        # The name by primary key per responsibility: a join here became a hash join
        # built again for every row of the page.
        name = (select(Employee.full_name).where(Employee.id == Responsibility.employee_id)
                .scalar_subquery())
        responsible = (select(func.aggregate_strings(name, ", "))
                       .where(Responsibility.client_id == page.c.id)
                       .scalar_subquery())
        return [main_phone.label("phone"), favourite.label("favourite"),
                responsible.label("responsible"),
                served_systems(page.c.id).label("systems"),
                has_distributives(page.c.id).label("has_distributives")]

    return columns


def pager(query: ClientQuery) -> KeysetPager:
    order = KeysetOrder(sort_expression(query.sort), Client.id, query.descending)
    return KeysetPager(_row_select(query), order, where_clauses(query),
                       _details(query.employee_id))


def _finish_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Make the row dicts plain Python: enum status, bool flags, «» for no responsible;
    the same person responsible for several directions is named once."""
    for row in rows:
        row["status"] = ClientStatus(row["status"])
        row["favourite"] = bool(row["favourite"])
        row["marked_for_deletion"] = bool(row["marked_for_deletion"])
        row["has_distributives"] = bool(row["has_distributives"])
        row["systems"] = int(row["systems"] or 0)
        names = row["responsible"]
        if names and ", " in names:
            row["responsible"] = ", ".join(dict.fromkeys(names.split(", ")))
        elif not names:
            row["responsible"] = ""
        row["name"] = row["short_name"]
    return rows


# ---------------------------------------------------------------------------
# A name search in the list's order
# ---------------------------------------------------------------------------

# How many index entries (in the list's order) the first try of a name search reads.
NAME_PRESCAN_ROWS = 20_000
# Above this many estimated matches the trigram index + sort costs more than reading
# the whole name index in order (PostgreSQL, 1M clients: 30k matches 80 ms vs 370 ms;
# 61k matches 545 ms vs 285 ms).
TRIGRAM_MAX_ROWS = 50_000


def _plain_name_search(query: ClientQuery) -> list[str] | None:
    """The words of a name search that nothing but the «not marked» filter narrows, in
    the name order: the case the name index can serve. None for any other query."""
    text = query.text.strip()
    if (not text or is_digits_query(text) or query.sort is not ClientSort.NAME
            or _preset(query) is not None or query.client_ids is not None
            or (query.user_filter is not None and not query.user_filter.is_empty())):
        return None
    return name_words(text) or None


def _name_page(conn: Connection, query: ClientQuery, words: list[str],
               after: SortKey | None, limit: int, inclusive: bool) -> list[dict[str, Any]]:
    """A page of a name search (substring of every word), in name order.

    PostgreSQL only: SQLite's plain query already reads the name index in order and
    stops at a full page (100k clients: median 33 ms vs 79 ms by these steps).

    Planners guess how far an ordered scan must go to find a page of matches as if they
    were spread evenly; they are not («бук» is in 3 % of the names, but those start
    with «мбук»: 400k index entries in). That guess was the 1.5–2.3 s p99. So:

    1. read the first :data:`NAME_PRESCAN_ROWS` keys in order from the name index
       (index-only: it carries ``marked_for_deletion``) and filter them: a frequent
       word fills the page in a few ms;
    2. otherwise, on PostgreSQL, when the planner's estimate of the matches is at most
       :data:`TRIGRAM_MAX_ROWS`, collect them by the trigram index (no more than that)
       and sort them;
    3. otherwise read the name index in order until the page is full, filtering its
       entries (~1 µs an entry on PostgreSQL: «тск», in 6 % of the
       names but only from the 313,000th on, takes ~0.3 s — the remaining worst case).
    """
    p = pager(query)
    patterns = [f"%{like_escape(w)}%" for w in words]
    keys = select(Client.search_name.label("k"), Client.id.label("kid"))
    if not query.show_marked:
        keys = keys.where(Client.marked_for_deletion.is_(False))
    if after is not None:
        keys = keys.where(p.order.after(after, inclusive))
    keys = keys.order_by(*p.order.order_by())

    def first_matches(source: Any) -> Any:
        sub = source.subquery("keys")
        ordering = [sub.c.k, sub.c.kid]
        return (select(sub.c.kid)
                .where(*[sub.c.k.like(pattern, escape="\\") for pattern in patterns])
                .order_by(*(c.desc() if query.descending else c for c in ordering))
                .limit(limit))

    def rows_of(ids: Any, *extra: str) -> list[dict[str, Any]]:
        hits = ids.subquery("hits")
        return p.fetch(conn, p.with_details(
            p.base_select.add_columns(*(hits.c[name] for name in extra))
            .join(hits, hits.c.kid == Client.id)))

    if not _limited_visibility(conn):
        rows = rows_of(first_matches(keys.limit(NAME_PRESCAN_ROWS)))
        if len(rows) == limit:
            return rows
    if conn.dialect.name == "postgresql":
        matching = select(Client.id.label("kid"), Client.search_name.label("k")).where(
            *p.where)
        if after is not None:
            matching = matching.where(p.order.after(after, inclusive))
        if _estimated_rows(conn, matching) <= TRIGRAM_MAX_ROWS:
            # At most TRIGRAM_MAX_ROWS matches are collected (estimates of rare words
            # can be 100 times low); the page is right only if that was all of them.
            found = (matching.limit(TRIGRAM_MAX_ROWS + 1).cte("found")
                     .prefix_with("MATERIALIZED"))
            ordering = [found.c.k, found.c.kid]
            total = select(func.count()).select_from(found).scalar_subquery()
            rows = rows_of(select(found.c.kid, total.label("_found")).order_by(
                *(c.desc() if query.descending else c for c in ordering)).limit(limit),
                "_found")
            if not rows or rows[0]["_found"] <= TRIGRAM_MAX_ROWS:
                for row in rows:
                    del row["_found"]
                return rows
    # OFFSET 0 keeps PostgreSQL from merging the scan into the outer query and choosing
    # an ordered index scan that reads the table row of every entry (0.9 s at 1M).
    return rows_of(first_matches(keys.offset(0)))


def _limited_visibility(conn: Connection) -> bool:
    """A server login under the limited-visibility policies (migration 0007). Its
    prescan of the name index cannot be index-only (every key passes the policy), and
    the planner then joins it badly (0.7 s at 100k), so its searches start at step 2."""
    if conn.dialect.name != "postgresql":
        return False
    info = conn.connection.info
    if "vostok_limited" not in info:
        info["vostok_limited"] = bool(conn.exec_driver_sql(
            # A superuser is a member of every role but row-level security does not
            # apply to it (nor to the owner): it is not limited.
            "select exists (select 1 from pg_roles where rolname = 'vostok_see_limited') "
            "and not (select rolsuper or rolbypassrls from pg_roles "
            "         where rolname = session_user) "
            "and not exists (select 1 from pg_class where oid = 'clients'::regclass "
            "                and relowner = (select oid from pg_roles "
            "                                where rolname = session_user)) "
            "and pg_has_role(session_user, 'vostok_see_limited', 'MEMBER')").scalar())
    return bool(info["vostok_limited"])


def _estimated_rows(conn: Connection, stmt: Any) -> float:
    """The PostgreSQL planner's estimate of the rows ``stmt`` returns (no execution)."""
    compiled = stmt.compile(dialect=conn.dialect)
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def page_after(conn: Connection, query: ClientQuery, after_key: SortKey | None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The next ``limit`` rows after ``after_key`` (None: the first page)."""
    words = _plain_name_search(query) if conn.dialect.name == "postgresql" else None
    if words:
        return _finish_rows(_name_page(conn, query, words, after_key, limit, False))
    return _finish_rows(pager(query).page(conn, after_key, limit))


def rows_from(conn: Connection, query: ClientQuery, anchor_key: SortKey | None,
              limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """``limit`` rows starting at ``anchor_key`` itself (as returned by :func:`anchors`)."""
    words = _plain_name_search(query) if conn.dialect.name == "postgresql" else None
    if words:
        return _finish_rows(_name_page(conn, query, words, anchor_key, limit, True))
    return _finish_rows(pager(query).page(conn, anchor_key, limit, inclusive=True))


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
    return pager(query).anchors(conn, Client, every, by_steps=_index_served(query))


def _index_served(query: ClientQuery) -> bool:
    """The whole list (only «not marked» filters it) in name order: the name index
    serves the order and the filter, so anchors can step through it."""
    return (query.sort is ClientSort.NAME and not query.text.strip()
            and _preset(query) is None and query.client_ids is None
            and (query.user_filter is None or query.user_filter.is_empty()))


def rows_by_ids(conn: Connection, query: ClientQuery, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Fresh rows for given ids (ignores the filters, keeps the favourite flag's owner)."""
    if not ids:
        return []
    p = pager(query)
    return _finish_rows(p.fetch(conn, p.with_details(
        _row_select(query).where(Client.id.in_(list(ids))))))


class ClientSearch(KeysetSource):
    """The client list's data source over an open base (a connection per call)."""

    def __init__(self, base: OpenedBase) -> None:
        super().__init__(base, page_after, rows_from, count, anchors, rows_by_ids)


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


__all__ = [
    "CLIENT_FILTER_FIELDS", "ClientPreset", "ClientQuery", "ClientSearch", "ClientSort",
    "MIN_PHONE_DIGITS", "PAGE_SIZE", "PRESETS_WITH_VALUE", "PRESET_TITLES", "PresetChoices",
    "anchors", "count", "favourite_ids", "is_digits_query", "page_after",
    "phone_prefixes", "preset_choices", "rows_by_ids", "rows_from", "set_favourite",
    "set_marked_for_deletion", "set_responsible", "sort_expression", "touch_clients",
    "where_clauses", "log_rows",
]
