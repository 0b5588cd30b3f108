"""Duplicate clients: probable duplicate groups in the base and the merge of two clients.

No Qt. Three signs of a duplicate: the same INN, the same normalized name (legal form,
quotes, case and punctuation ignored), the same phone digits. A merge moves every row
that points at the duplicate (contacts, phones, e-mails, addresses, attachments, works,
history... any table with a foreign key to ``clients``) to the survivor, fills the
survivor's empty fields, records it in the change log and deletes the duplicate — all
in one transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, text, update
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Base, Client, Contact, Phone
from vostok_desktop.domain.base import utcnow
from vostok_desktop.services.common.change_log import (
    display_value,
    move_client_history,
    record_changes,
)

_LEGAL_FORMS = (
    "общество с ограниченной ответственностью", "закрытое акционерное общество",
    "открытое акционерное общество", "публичное акционерное общество",
    "непубличное акционерное общество", "акционерное общество",
    "индивидуальный предприниматель", "автономная некоммерческая организация",
    "некоммерческая организация", "муниципальное унитарное предприятие",
    "государственное унитарное предприятие", "федеральное государственное унитарное "
    "предприятие", "ооо", "оао", "зао", "пао", "нао", "ао", "ип", "ано", "нко", "муп",
    "гуп", "фгуп", "мбоу", "мбу", "гбу", "фгбу", "тоо", "ltd", "llc",
)
_FORMS_RE = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r")\b")
_PUNCT_RE = re.compile(r"[^\w]+")
_WORD_RE = re.compile(r"\w+")


def lift_statement_timeout(session: Session) -> None:
    """Background work (imports, exports, merges, duplicate search) may run longer than the
    GUI's statement timeout: lift it for the current transaction (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL statement_timeout = 0"))


_SINGLE_FORMS = frozenset(f for f in _LEGAL_FORMS if " " not in f)
_MULTI_FORM_STARTS = frozenset(f.split()[0] for f in _LEGAL_FORMS if " " in f)


def normalize_name(name: str | None) -> str:
    """«ООО "Ромашка-Плюс"» and «Ромашка плюс, ООО» both become «ромашка плюс»."""
    words = _WORD_RE.findall((name or "").lower().replace("ё", "е"))
    if _MULTI_FORM_STARTS.isdisjoint(words):
        # No spelled-out legal form: dropping whole-word abbreviations is what the
        # regular expression below does, in a third of the time (an import normalizes
        # every name in the base once).
        return " ".join(w for w in words if w not in _SINGLE_FORMS)
    return " ".join(_FORMS_RE.sub(" ", " ".join(words)).split())


def _normalize_name_slow(name: str | None) -> str:
    """The reference definition (tests check the fast path against it)."""
    text = (name or "").lower().replace("ё", "е")
    text = _PUNCT_RE.sub(" ", text)
    text = _FORMS_RE.sub(" ", text)
    return " ".join(text.split())


MERGE_FIELDS: dict[str, str] = {
    "short_name": "Краткое наименование",
    "full_name": "Полное наименование",
    "inn": "ИНН",
    "kpp": "КПП",
    "ogrn": "ОГРН/ОГРНИП",
    "status": "Статус",
    "segment": "Сегмент",
    "region": "Регион",
    "source": "Источник",
    "website": "Сайт",
    "notes": "Примечание",
    "group_id": "Группа компаний",
}


@dataclass(frozen=True)
class ClientBrief:
    id: int
    short_name: str
    inn: str | None
    region: str | None


@dataclass
class DuplicateGroup:
    reasons: set[str]  # "ИНН", "наименование", "телефон"
    key: str
    clients: list[ClientBrief] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return ", ".join(sorted(self.reasons))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicate_groups(base: OpenedBase, *, by: Sequence[str] = ("inn", "name", "phone"),
                          limit: int = 2000) -> list[DuplicateGroup]:
    """Probable duplicate groups among the clients not marked for deletion."""
    uf = _UnionFind()
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    keys: dict[int, str] = {}

    def link(ids: Iterable[int], reason: str, key: str) -> None:
        ids = sorted(set(ids))
        for other in ids[1:]:
            uf.union(ids[0], other)
        for i in ids:
            reasons[(i, 0)].add(reason)
            keys.setdefault(i, key)

    alive = Client.marked_for_deletion.is_(False)
    with base.sessions() as s:
        lift_statement_timeout(s)
        if "inn" in by:
            dup_inns = select(Client.inn).where(alive, Client.inn.is_not(None)).group_by(
                Client.inn).having(func.count() > 1).limit(limit * 5).subquery()
            by_inn: dict[str, list[int]] = defaultdict(list)
            for cid, inn in s.execute(select(Client.id, Client.inn).where(
                    alive, Client.inn.in_(select(dup_inns.c.inn)))):
                by_inn[inn].append(cid)
            for inn, ids in by_inn.items():
                link(ids, "ИНН", inn)
        if "name" in by:
            # Same name but two different INNs are two organisations (branches, namesake
            # schools): a name links clients only where at least one has no INN.
            by_name: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
            for cid, name, inn in s.execute(
                    select(Client.id, Client.short_name, Client.inn).where(alive)
                    .execution_options(yield_per=20000)):
                key = normalize_name(name)
                if key:
                    by_name[key].append((cid, inn))
            for key, members in by_name.items():
                if len(members) > 1 and any(inn is None for _cid, inn in members):
                    link([cid for cid, _inn in members], "наименование", key)
            del by_name
        if "phone" in by:
            contact = aliased(Contact)
            owner = func.coalesce(Phone.client_id, contact.client_id)
            pairs = select(Phone.digits, owner.label("cid")).outerjoin(
                contact, contact.id == Phone.contact_id).subquery()
            dup_digits = select(pairs.c.digits).group_by(pairs.c.digits).having(
                func.count(func.distinct(pairs.c.cid)) > 1).limit(limit * 5).subquery()
            by_phone: dict[str, set[int]] = defaultdict(set)
            for digits, cid in s.execute(select(pairs.c.digits, pairs.c.cid).where(
                    pairs.c.digits.in_(select(dup_digits.c.digits)))):
                by_phone[digits].add(cid)
            for digits, ids in by_phone.items():
                link(ids, "телефон", "+" + digits)
        members: dict[int, list[int]] = defaultdict(list)
        for cid in list(uf.parent):
            members[uf.find(cid)].append(cid)
        groups_ids = sorted((sorted(v) for v in members.values() if len(v) > 1),
                            key=lambda ids: ids[0])[:limit]
        wanted = [i for ids in groups_ids for i in ids]
        briefs: dict[int, ClientBrief] = {}
        for start in range(0, len(wanted), 1000):
            for row in s.execute(select(Client.id, Client.short_name, Client.inn,
                                        Client.region).where(
                    Client.id.in_(wanted[start:start + 1000]), alive)):
                briefs[row.id] = ClientBrief(row.id, row.short_name, row.inn, row.region)
    result = []
    for ids in groups_ids:
        clients = [briefs[i] for i in ids if i in briefs]
        if len(clients) < 2:
            continue
        group_reasons = set().union(*(reasons[(i, 0)] for i in ids))
        result.append(DuplicateGroup(group_reasons, keys.get(ids[0], ""), clients))
    return result


# -- merge -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldDiff:
    field: str
    title: str
    survivor: Any
    duplicate: Any

    @property
    def survivor_text(self) -> str:
        return display_value(self.survivor) or ""

    @property
    def duplicate_text(self) -> str:
        return display_value(self.duplicate) or ""


def merge_preview(base: OpenedBase, survivor_id: int, duplicate_id: int) -> list[FieldDiff]:
    """The fields where the two clients differ (the merge form shows them side by side)."""
    with base.sessions() as s:
        a, b = s.get(Client, survivor_id), s.get(Client, duplicate_id)
        if a is None or b is None:
            raise LookupError("Один из клиентов не найден (возможно, удалён)")
        return [FieldDiff(f, t, getattr(a, f), getattr(b, f)) for f, t in MERGE_FIELDS.items()
                if display_value(getattr(a, f)) != display_value(getattr(b, f))]


def _client_fk_columns() -> list[Any]:
    """Every column in the schema that references clients.id, except clients' own."""
    result = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "clients" and fk.column.name == "id":
                result.append(fk.parent)
    return result


def _drop_unique_clashes(s: Session, column: Any, survivor_id: int, duplicate_id: int) -> None:
    """Rows of the duplicate that would break a unique constraint once moved (a favourite
    star twice, a second responsible for a direction) give way to the survivor's."""
    table = column.table
    for constraint in table.constraints:
        cols = list(getattr(constraint, "columns", []))
        if constraint.__class__.__name__ != "UniqueConstraint" or column not in cols:
            continue
        others = [c for c in cols if c is not column]
        twin = table.alias("twin")
        clause = and_(twin.c[column.name] == survivor_id,
                      *[twin.c[c.name] == c for c in others])
        s.execute(delete(table).where(column == duplicate_id, exists(
            select(1).select_from(twin).where(clause))))


def merge_clients(base: OpenedBase, survivor_id: int, duplicate_id: int,
                  employee_id: int | None, take_from_duplicate: Iterable[str] = ()) -> None:
    """Merge ``duplicate_id`` into ``survivor_id`` in one transaction.

    The survivor keeps its values except its empty fields, which the duplicate fills, and
    the fields named in ``take_from_duplicate``, which the duplicate's values replace.
    """
    if survivor_id == duplicate_id:
        raise ValueError("Нельзя объединить клиента с самим собой")
    take = set(take_from_duplicate)
    with base.sessions() as s, s.begin():
        lift_statement_timeout(s)
        survivor, duplicate = s.get(Client, survivor_id), s.get(Client, duplicate_id)
        if survivor is None or duplicate is None:
            raise LookupError("Один из клиентов не найден (возможно, удалён)")
        old = {f: getattr(survivor, f) for f in MERGE_FIELDS}
        new = dict(old)
        for f in MERGE_FIELDS:
            theirs = getattr(duplicate, f)
            if theirs in (None, ""):
                continue
            if f in take or old[f] in (None, ""):
                new[f] = theirs
        dup_title = f"{duplicate.short_name} (№{duplicate.id}" + (
            f", ИНН {duplicate.inn})" if duplicate.inn else ")")
        dup_version = duplicate.version
        s.expunge(duplicate)
        for column in _client_fk_columns():
            _drop_unique_clashes(s, column, survivor_id, duplicate_id)
            s.execute(update(column.table).where(column == duplicate_id)
                      .values({column.name: survivor_id}))
        s.execute(delete(Client).where(Client.id == duplicate_id,
                                       Client.version == dup_version))
        # After the delete: on a server base the delete itself is logged under the duplicate.
        move_client_history(s, duplicate_id, survivor_id)
        for f, value in new.items():
            setattr(survivor, f, value)
        survivor.updated_by_id = employee_id
        survivor.updated_at = utcnow()
        s.flush()
        record_changes(s, "clients", survivor_id, survivor_id, employee_id, old, new)
        record_changes(s, "clients", survivor_id, survivor_id, employee_id,
                       {}, {"merged_from": dup_title})
