"""Saved filters and colour rules of the list agents kept in the base (0011): a user's
own (private) ones and shared ones everybody sees. No Qt.

* Private rows are seen and written only by their owner (on a server base row-level
  security on ``owner_id`` = the login's employee).
* A shared filter is written by its owner, or by whoever has the right «Справочники»;
  shared colour rules (one set per list) likewise.
* Shared rows are logged in the change log; private ones are nobody else's business.

Bases older than 0011 have no table: :func:`supported` says so and the GUI keeps
QSettings, as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vostok_desktop.domain import Employee
from vostok_desktop.domain.reference import ListSettingKind, SavedListSetting
from vostok_desktop.services.access.rights import refusal
from vostok_desktop.services.lists.filters import (
    ColourRule,
    FilterGroup,
    dump_colour_rules,
    dump_saved_filters,
    load_colour_rules,
    load_saved_filters,
)
from vostok_desktop.services.reference.common import (
    RIGHT,
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    write,
)

TABLE = "saved_list_settings"
COLOUR_RULES_TITLE = "Правила раскраски"
_supported: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def supported(engine: Engine) -> bool:
    """Whether the base has the table (schema 0011 or newer)."""
    if engine not in _supported:
        with engine.connect() as conn:
            _supported[engine] = inspect(conn).has_table(TABLE)
    return _supported[engine]


@dataclass(frozen=True)
class SharedFilter:
    title: str
    group: FilterGroup
    owner_id: int | None
    owner_name: str
    editable: bool  # by the user asking: their own, or they have the right


@dataclass(frozen=True)
class StoredFilters:
    own: dict[str, FilterGroup]
    shared: dict[str, SharedFilter]


@dataclass(frozen=True)
class StoredColourRules:
    own: list[ColourRule] | None  # None: the user has none of their own in the base
    shared: list[ColourRule] | None
    shared_editable: bool


def _filter_group(body: str) -> FilterGroup | None:
    return load_saved_filters(body).get("filter")


def _rows(session: Session, list_kind: str, kind: ListSettingKind) -> list[SavedListSetting]:
    return list(session.scalars(select(SavedListSetting).where(
        SavedListSetting.list_kind == list_kind, SavedListSetting.kind == kind)
        .order_by(SavedListSetting.title, SavedListSetting.id)))


def _may_change_shared(editor: Editor, row: SavedListSetting) -> bool:
    return editor.may_edit() or (row.owner_id is not None and row.owner_id == editor.employee_id)


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Employee.id, Employee.full_name)
                                .where(Employee.id.in_(wanted))).all())


def load_filters(session: Session, editor: Editor, list_kind: str) -> StoredFilters:
    """The user's own filters and the shared ones of a list (what the base shows them)."""
    own: dict[str, FilterGroup] = {}
    shared: dict[str, SharedFilter] = {}
    rows = _rows(session, list_kind, ListSettingKind.FILTER)
    names = _names(session, {r.owner_id for r in rows if r.is_shared})
    for row in rows:
        group = _filter_group(row.body)
        if group is None:
            continue
        if row.is_shared:
            shared[row.title] = SharedFilter(row.title, group, row.owner_id,
                                             names.get(row.owner_id or 0, ""),
                                             _may_change_shared(editor, row))
        elif row.owner_id == editor.employee_id:
            own[row.title] = group
    return StoredFilters(own, shared)


def _body(group: FilterGroup) -> str:
    return dump_saved_filters({"filter": group})


def save_own_filters(session: Session, editor: Editor, list_kind: str,
                     filters: Mapping[str, FilterGroup]) -> None:
    """Make the user's private filters of a list exactly ``filters`` (one transaction)."""
    wanted = {clean_title(n, "название фильтра"): g for n, g in filters.items()}
    rows = {r.title: r for r in _rows(session, list_kind, ListSettingKind.FILTER)
            if not r.is_shared and r.owner_id == editor.employee_id}

    def apply() -> None:
        for title, row in rows.items():
            if title not in wanted:
                session.delete(row)
            elif _filter_group(row.body) != wanted[title]:
                row.body = _body(wanted[title])
        for title, group in wanted.items():
            if title not in rows:
                session.add(SavedListSetting(owner_id=editor.employee_id, is_shared=False,
                                             list_kind=list_kind, kind=ListSettingKind.FILTER,
                                             title=title, body=_body(group)))

    write(session, apply)


def save_shared_filter(session: Session, editor: Editor, list_kind: str, title: str,
                       group: FilterGroup) -> None:
    """Share a filter under ``title``: a new one is the user's; an existing one is
    replaced only by its owner or with the right «Справочники»."""
    title = clean_title(title, "название фильтра")
    if group.is_empty():
        raise ReferenceDataError("В фильтре нет ни одного условия.")
    row = next((r for r in _rows(session, list_kind, ListSettingKind.FILTER)
                if r.is_shared and r.title == title), None)
    if row is not None and not _may_change_shared(editor, row):
        raise ReferenceDataError(f"Общий фильтр «{title}» сохранил другой сотрудник; "
                                 "заменить его может он или тот, у кого есть право "
                                 "«Справочники». Выберите другое название.")

    def apply() -> None:
        if row is None:
            new = SavedListSetting(owner_id=editor.employee_id, is_shared=True,
                                   list_kind=list_kind, kind=ListSettingKind.FILTER,
                                   title=title, body=_body(group))
            session.add(new)
            session.flush()
            log(session, editor, TABLE, new.id, {}, {"list_kind": list_kind, "title": title,
                                                     "body": new.body})
        elif _filter_group(row.body) != group:
            old = row.body
            row.body = _body(group)
            session.flush()
            log(session, editor, TABLE, row.id, {"body": old}, {"body": row.body})

    write(session, apply)


def delete_shared_filter(session: Session, editor: Editor, list_kind: str, title: str) -> None:
    row = next((r for r in _rows(session, list_kind, ListSettingKind.FILTER)
                if r.is_shared and r.title == title), None)
    if row is None:
        return
    if not _may_change_shared(editor, row):
        raise ReferenceDataError(f"Общий фильтр «{title}» удаляет его автор или тот, у кого "
                                 "есть право «Справочники».")

    def apply() -> None:
        log(session, editor, TABLE, row.id, {"list_kind": list_kind, "title": title,
                                             "body": row.body}, {})
        session.delete(row)

    write(session, apply)


# -- colour rules ---------------------------------------------------------------------------

def load_colour_rule_sets(session: Session, editor: Editor,
                          list_kind: str) -> StoredColourRules:
    own: list[ColourRule] | None = None
    shared: list[ColourRule] | None = None
    editable = editor.may_edit()
    for row in _rows(session, list_kind, ListSettingKind.COLOUR_RULES):
        rules = load_colour_rules(row.body, list)
        if row.is_shared and shared is None:
            shared = rules
            editable = _may_change_shared(editor, row)
        elif not row.is_shared and row.owner_id == editor.employee_id and own is None:
            own = rules
    return StoredColourRules(own, shared, editable)


def save_own_colour_rules(session: Session, editor: Editor, list_kind: str,
                          rules: Sequence[ColourRule] | None) -> None:
    """The user's own colour rules of a list; None removes them (the shared ones apply)."""
    row = next((r for r in _rows(session, list_kind, ListSettingKind.COLOUR_RULES)
                if not r.is_shared and r.owner_id == editor.employee_id), None)

    def apply() -> None:
        if rules is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(SavedListSetting(owner_id=editor.employee_id, is_shared=False,
                                         list_kind=list_kind,
                                         kind=ListSettingKind.COLOUR_RULES,
                                         title=COLOUR_RULES_TITLE,
                                         body=dump_colour_rules(rules)))
        else:
            row.body = dump_colour_rules(rules)

    write(session, apply)


def save_shared_colour_rules(session: Session, editor: Editor, list_kind: str,
                             rules: Sequence[ColourRule]) -> None:
    """Everybody's colour rules of a list: the first set is the user's; changing an
    existing one needs its owner or the right «Справочники»."""
    row = next((r for r in _rows(session, list_kind, ListSettingKind.COLOUR_RULES)
                if r.is_shared), None)
    if row is None and not editor.may_edit():
        raise refusal(RIGHT)
    if row is not None and not _may_change_shared(editor, row):
        raise refusal(RIGHT)
    body = dump_colour_rules(rules)

    def apply() -> None:
        if row is None:
            new = SavedListSetting(owner_id=editor.employee_id, is_shared=True,
                                   list_kind=list_kind, kind=ListSettingKind.COLOUR_RULES,
                                   title=COLOUR_RULES_TITLE, body=body)
            session.add(new)
            session.flush()
            log(session, editor, TABLE, new.id, {}, {"list_kind": list_kind, "body": body})
        elif row.body != body:
            old = row.body
            row.body = body
            session.flush()
            log(session, editor, TABLE, row.id, {"body": old}, {"body": body})

    write(session, apply)


# -- the shared ones, for «Справочники» ----------------------------------------------------

LIST_TITLES = {"client_list": "Список клиентов", "contact_list": "Контактные лица"}
KIND_TITLES = {ListSettingKind.FILTER: "Фильтр", ListSettingKind.COLOUR_RULES: "Раскраска"}


@dataclass(frozen=True)
class SharedRow:
    id: int
    title: str
    list_title: str
    kind_title: str
    owner_name: str
    editable: bool


def list_shared(session: Session, editor: Editor) -> list[SharedRow]:
    """Every shared filter and colour-rule set, by list and title."""
    rows = list(session.scalars(select(SavedListSetting)
                                .where(SavedListSetting.is_shared.is_(True))
                                .order_by(SavedListSetting.list_kind, SavedListSetting.kind,
                                          SavedListSetting.title)))
    names = _names(session, {r.owner_id for r in rows})
    return [SharedRow(r.id, r.title, LIST_TITLES.get(r.list_kind, r.list_kind),
                      KIND_TITLES[ListSettingKind(r.kind)], names.get(r.owner_id or 0, ""),
                      _may_change_shared(editor, r)) for r in rows]


def delete_shared(session: Session, editor: Editor, setting_id: int) -> None:
    """Remove a shared filter or colour-rule set (its owner, or with the right)."""
    row = session.get(SavedListSetting, setting_id)
    if row is None or not row.is_shared:
        return
    if not _may_change_shared(editor, row):
        raise refusal(RIGHT)

    def apply() -> None:
        log(session, editor, TABLE, row.id, {"list_kind": row.list_kind, "title": row.title,
                                             "body": row.body}, {})
        session.delete(row)

    write(session, apply)
