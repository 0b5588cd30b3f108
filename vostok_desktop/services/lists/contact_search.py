"""Searching and listing contact persons for the «Контактные лица» agent (no Qt).

Quick search by ФИО: the words may come in any order and each must be the beginning of
a word of the lower-cased ``search_name`` («ив ан» finds «Иванова Анна Сергеевна»).
Each word becomes ``search_name LIKE '%w%' AND (search_name LIKE 'w%' OR search_name
LIKE '% w%')``: the first part lets PostgreSQL's trigram index find candidates, the
second keeps word-prefix semantics. Digits search phone digits like the client list.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Email, Favourite, Phone
from vostok_desktop.domain.base import utcnow
from vostok_desktop.services.common.change_log import insert_log_rows
from vostok_desktop.services.lists.client_search import (
    PAGE_SIZE,
    is_digits_query,
    log_rows,
    phone_prefixes,
)
from vostok_desktop.services.lists.favourites import set_favourites
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


class ContactSort(enum.StrEnum):
    NAME = "name"
    POSITION = "position"
    BIRTHDAY = "birthday"
    CREATED_AT = "created_at"


class ContactPreset(enum.StrEnum):
    ALL = "all"
    FAVOURITES = "favourites"
    BIRTHDAY_WEEK = "birthday_week"
    BIRTHDAY_MONTH = "birthday_month"
    STOP_LIST = "stop_list"
    NO_PHONE = "no_phone"
    NO_EMAIL = "no_email"


PRESET_TITLES: dict[ContactPreset, str] = {
    ContactPreset.ALL: "Все контактные лица",
    ContactPreset.FAVOURITES: "Любимые",
    ContactPreset.BIRTHDAY_WEEK: "День рождения на этой неделе",
    ContactPreset.BIRTHDAY_MONTH: "День рождения в этом месяце",
    ContactPreset.STOP_LIST: "В стоп-листе",
    ContactPreset.NO_PHONE: "Без телефона",
    ContactPreset.NO_EMAIL: "Без e-mail",
}

CONTACT_FILTER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "ФИО"),
    FieldSpec("position", "Должность"),
    FieldSpec("client", "Клиент"),
    FieldSpec("birthday", "День рождения", FieldKind.DATE),
    FieldSpec("stop_list", "В стоп-листе", FieldKind.BOOL),
    FieldSpec("marked_for_deletion", "Помечен на удаление", FieldKind.BOOL),
)

_FILTER_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": Contact.search_name,
    "position": Contact.position,
    "client": Client.search_name,
    "birthday": Contact.birthday,
    "stop_list": Contact.stop_list,
    "marked_for_deletion": Contact.marked_for_deletion,
}


@dataclass(frozen=True)
class ContactQuery:
    text: str = ""
    preset: ContactPreset = ContactPreset.ALL
    client_ids: tuple[int, ...] | None = None  # «контакты выбранных клиентов»
    position: str = ""  # substring of the position
    user_filter: FilterGroup | None = None
    sort: ContactSort = ContactSort.NAME
    descending: bool = False
    employee_id: int | None = None
    show_marked: bool = False
    today: date | None = None  # for birthday presets; None: the real today


def sort_expression(sort: ContactSort) -> ColumnElement[Any]:

    return {
        ContactSort.NAME: Contact.search_name,
        ContactSort.POSITION: func.coalesce(Contact.position, ""),
        ContactSort.BIRTHDAY: func.coalesce(Contact.birthday_mmdd, 0),
        ContactSort.CREATED_AT: Contact.created_at,
    }[sort]


def week_mmdd(today: date) -> list[int]:
    """month*100+day of the seven days of today's week, Monday to Sunday."""
    monday = today - timedelta(days=today.weekday())
    return [(d.month * 100 + d.day) for d in (monday + timedelta(days=i) for i in range(7))]


def _quick_search(text: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if is_digits_query(text):
        prefixes = phone_prefixes(text)
        if not prefixes:
            return Contact.id == -1
        return Contact.id.in_(
            select(Phone.contact_id).where(
                or_(*[starts_with(Phone.digits, p) for p in prefixes]),
                Phone.contact_id.is_not(None)))
    parts = []
    for word in text.lower().split():
        w = like_escape(word)
        parts.append(and_(
            Contact.search_name.like(f"%{w}%", escape="\\"),
            or_(Contact.search_name.like(f"{w}%", escape="\\"),
                Contact.search_name.like(f"% {w}%", escape="\\")),
        ))
    return and_(*parts)


def _preset(query: ContactQuery) -> ColumnElement[bool] | None:
    preset = query.preset
    me = query.employee_id or -1
    if preset is ContactPreset.FAVOURITES:
        return exists().where(Favourite.contact_id == Contact.id, Favourite.employee_id == me)
    if preset is ContactPreset.BIRTHDAY_WEEK:
        return Contact.birthday_mmdd.in_(week_mmdd(query.today or date.today()))
    if preset is ContactPreset.BIRTHDAY_MONTH:
        month = (query.today or date.today()).month
        return Contact.birthday_mmdd.between(month * 100 + 1, month * 100 + 31)
    if preset is ContactPreset.STOP_LIST:
        return Contact.stop_list.is_(True)
    if preset is ContactPreset.NO_PHONE:
        return ~exists().where(Phone.contact_id == Contact.id)
    if preset is ContactPreset.NO_EMAIL:
        return ~exists().where(Email.contact_id == Contact.id)
    return None


def where_clauses(query: ContactQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if not query.show_marked:
        clauses.append(Contact.marked_for_deletion.is_(False))
    for clause in (_quick_search(query.text), _preset(query)):
        if clause is not None:
            clauses.append(clause)
    if query.client_ids is not None:
        clauses.append(Contact.client_id.in_(query.client_ids or (-1,)))
    if query.position.strip():

        clauses.append(func.lower(Contact.position).like(
            f"%{like_escape(query.position.strip().lower())}%", escape="\\"))
    if query.user_filter is not None and not query.user_filter.is_empty():
        clauses.append(query.user_filter.to_sql(_FILTER_COLUMNS))
    return clauses


def _from_clause() -> Any:
    return Contact.__table__.join(Client.__table__, Client.id == Contact.client_id)


def _row_select(query: ContactQuery) -> Any:
    """The contact's own columns and its client's name; the page's details (first
    phone, first e-mail, favourite flag) are correlated to the page's rows only."""
    return select(
        sort_expression(query.sort).label("_sort"),
        Contact.id, Contact.last_name, Contact.first_name, Contact.middle_name,
        Contact.position, Contact.birthday, Contact.stop_list, Contact.marked_for_deletion,
        Contact.client_id, Client.short_name.label("client_name"),
    ).select_from(_from_clause())


def _details(employee_id: int | None) -> Any:
    def columns(page: Any) -> list[ColumnElement[Any]]:
        phone = (select(Phone.raw).where(Phone.contact_id == page.c.id)
                 .order_by(Phone.id).limit(1).scalar_subquery())
        email = (select(Email.address).where(Email.contact_id == page.c.id)
                 .order_by(Email.id).limit(1).scalar_subquery())
        favourite = exists().where(Favourite.contact_id == page.c.id,
                                   Favourite.employee_id == (employee_id or -1))
        return [phone.label("phone"), email.label("email"), favourite.label("favourite")]

    return columns


def pager(query: ContactQuery) -> KeysetPager:
    order = KeysetOrder(sort_expression(query.sort), Contact.id, query.descending)
    return KeysetPager(_row_select(query), order, where_clauses(query),
                       _details(query.employee_id))


def _finish(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["name"] = " ".join(p for p in (row["last_name"], row["first_name"],
                                           row["middle_name"]) if p)
        row["favourite"] = bool(row["favourite"])
        row["stop_list"] = bool(row["stop_list"])
        row["marked_for_deletion"] = bool(row["marked_for_deletion"])
    return rows


def page_after(conn: Connection, query: ContactQuery, after_key: SortKey | None,
               limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _finish(pager(query).page(conn, after_key, limit))


def rows_from(conn: Connection, query: ContactQuery, anchor_key: SortKey | None,
              limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return _finish(pager(query).page(conn, anchor_key, limit, inclusive=True))


def count(conn: Connection, query: ContactQuery, limit: int | None = None) -> int:
    if is_digits_query(query.text):
        limit = None  # selective by its index; see client_search.count
    return pager(query).count(conn, _keys_from(query), limit)


def anchors(conn: Connection, query: ContactQuery, every: int = PAGE_SIZE) -> list[SortKey]:
    plain = (query.sort is ContactSort.NAME and not query.text.strip()
             and _preset(query) is None and query.client_ids is None
             and not query.position.strip()
             and (query.user_filter is None or query.user_filter.is_empty()))
    return pager(query).anchors(conn, _keys_from(query), every, by_steps=plain)


def _keys_from(query: ContactQuery) -> Any:
    """Counts and anchors need the clients only to filter on them: every contact has
    its client (a non-null foreign key), and without the join the anchors are read from
    the name index alone."""
    conditions = query.user_filter.conditions if query.user_filter is not None else ()
    if any(_FILTER_COLUMNS.get(c.field) is not None
           and _FILTER_COLUMNS[c.field].table is Client.__table__ for c in conditions):
        return _from_clause()
    return Contact.__table__


def rows_by_ids(conn: Connection, query: ContactQuery,
                ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    p = pager(query)
    return _finish(p.fetch(conn, p.with_details(
        _row_select(query).where(Contact.id.in_(list(ids))))))


class ContactSearch(KeysetSource):
    """The contact list's data source over an open base (a connection per call)."""

    def __init__(self, base: OpenedBase) -> None:
        super().__init__(base, page_after, rows_from, count, anchors, rows_by_ids)


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------


def set_favourite(base: OpenedBase, contact_ids: Sequence[int], employee_id: int,
                  on: bool | None = None) -> bool:
    """Star/unstar contacts; ``on=None`` toggles (all starred → unstar all)."""
    return set_favourites(base, "contact", contact_ids, employee_id, on)


def _set_flag(base: OpenedBase, contact_ids: Sequence[int], column: str, value: bool,
              employee_id: int | None) -> list[int]:
    col = getattr(Contact, column)
    with base.engine.begin() as conn:
        rows = conn.execute(select(Contact.id, Contact.client_id).where(
            Contact.id.in_(list(contact_ids)), col.is_not(value))).all()
        if not rows:
            return []
        changed = [r.id for r in rows]
        conn.execute(update(Contact).where(Contact.id.in_(changed)).values(
            {column: value, "version": Contact.version + 1, "updated_at": utcnow(),
             "updated_by_id": employee_id}))
        insert_log_rows(conn, log_rows(
            (("contacts", r.id, r.client_id, column, not value, value) for r in rows),
            employee_id), employee_id)
    return changed


def set_stop_list(base: OpenedBase, contact_ids: Sequence[int], on: bool,
                  employee_id: int | None) -> list[int]:
    """Put contacts on (or take them off) the stop-list; logs the change."""
    return _set_flag(base, contact_ids, "stop_list", on, employee_id)


def set_marked_for_deletion(base: OpenedBase, contact_ids: Sequence[int], marked: bool,
                            employee_id: int | None) -> list[int]:
    return _set_flag(base, contact_ids, "marked_for_deletion", marked, employee_id)


def emails_of(base: OpenedBase, contact_ids: Sequence[int]) -> list[str]:
    """The first e-mail of each contact (in the order given), for a mailto: link."""
    with base.engine.connect() as conn:
        rows = conn.execute(select(Email.contact_id, Email.address)
                            .where(Email.contact_id.in_(list(contact_ids)))
                            .order_by(Email.id)).all()
    first: dict[int, str] = {}
    for contact_id, address in rows:
        first.setdefault(contact_id, address)
    return [first[c] for c in contact_ids if c in first]


__all__ = [
    "CONTACT_FILTER_FIELDS", "ContactPreset", "ContactQuery", "ContactSearch", "ContactSort",
    "PRESET_TITLES", "anchors", "count", "emails_of", "page_after", "rows_by_ids", "rows_from",
    "set_favourite", "set_marked_for_deletion", "set_stop_list", "week_mmdd",
]
