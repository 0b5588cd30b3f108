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

from sqlalchemy import and_, delete, exists, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Base, Client, Contact, Phone
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import Distributive, DistributiveMovement, Kit
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
        moved = _move_distributives(s, survivor_id, duplicate_id)
        for column in _client_fk_columns():
            if column.table.name in _DISTRIBUTIVE_TABLES:
                continue
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
        if any(moved.values()):
            record_changes(s, "clients", survivor_id, survivor_id, employee_id, {}, {
                "merged_distributives": _moved_text(moved)})


# Tables whose client columns the merge moves itself (a distributive's kit must stay a kit
# of its own client: the two move together).
_DISTRIBUTIVE_TABLES = frozenset({"kits", "distributives", "distributive_movements"})
_MOVED_TITLES = {"kits": "комплектов", "distributives": "дистрибутивов",
                 "reservations": "резервов", "movements": "движений"}


def _moved_text(moved: dict[str, int]) -> str:
    return ", ".join(f"{_MOVED_TITLES[k]}: {n}" for k, n in moved.items() if n)


def _move_distributives(s: Session, survivor_id: int, duplicate_id: int) -> dict[str, int]:
    """Re-point the duplicate's kits, distributives, reservations and the movements that
    name it («from» or «to») to the survivor; returns how many of each moved.

    The distributive's (client, kit) key points at its kit: the kit link is lifted, the
    kits and distributives move, the link is put back. On a server base the movements are
    a record ordinary logins may not rewrite: the merge is then refused, nothing written.
    """
    d, k, m = Distributive, Kit, DistributiveMovement
    kit_of = dict(s.execute(select(d.id, d.kit_id).where(
        d.client_id == duplicate_id, d.kit_id.is_not(None))).tuples().all())
    moved = {"kits": 0, "distributives": 0, "reservations": 0, "movements": 0}
    movement_ids = s.scalars(select(m.id).where(or_(
        m.from_client_id == duplicate_id, m.to_client_id == duplicate_id))).all()
    if movement_ids and s.get_bind().dialect.name == "postgresql" and not s.scalar(text(
            "select has_table_privilege('distributive_movements', 'UPDATE')")):
        raise MergeRefused(
            f"У клиента есть история движений дистрибутивов ({len(movement_ids)}): на "
            "сервере её переносит только владелец базы. Объединение не выполнено; "
            "обратитесь к администратору базы.")
    if kit_of:
        s.execute(update(d).where(d.id.in_(list(kit_of))).values(kit_id=None))
    moved["kits"] = s.execute(update(k).where(k.client_id == duplicate_id)
                              .values(client_id=survivor_id)).rowcount
    moved["distributives"] = s.execute(update(d).where(d.client_id == duplicate_id)
                                       .values(client_id=survivor_id)).rowcount
    by_kit: dict[int, list[int]] = defaultdict(list)
    for distributive_id, kit_id in kit_of.items():
        by_kit[kit_id].append(distributive_id)
    for kit_id, ids in by_kit.items():
        s.execute(update(d).where(d.id.in_(ids)).values(kit_id=kit_id))
    moved["reservations"] = s.execute(update(d).where(d.reserved_for_client_id == duplicate_id)
                                      .values(reserved_for_client_id=survivor_id)).rowcount
    for column in (m.from_client_id, m.to_client_id):
        s.execute(update(m).where(column == duplicate_id).values({column.key: survivor_id}))
    moved["movements"] = len(movement_ids)
    # A transfer between the two merged clients became one from the survivor to itself:
    # it stays in the history as it was written.
    return moved


class MergeRefused(ValueError):
    """The merge cannot be done; the message says why, in Russian."""
