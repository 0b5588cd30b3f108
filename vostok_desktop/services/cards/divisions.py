"""«Подразделения клиента» on the client card: the client's divisions as a tree, read with
the card, checked and written in the card's own save transaction (``cards.clients``). No Qt.

A division is keyed on the card by ``key``: its id when stored, a negative number while it
is new, so a new division can already have new sub-divisions. A division with sub-divisions
or with kits of distributives (``kits.division_id``) is not deleted; the save is refused
whole, naming how many use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import ClientDivision, Kit
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.reference.common import plural

NAME_MAX = 300
KIT_FORMS = ("комплект дистрибутивов", "комплекта дистрибутивов", "комплектов дистрибутивов")
SUB_FORMS = ("подразделение", "подразделения", "подразделений")


@dataclass
class DivisionData:
    key: int  # the stored id; negative for a division not saved yet
    parent_key: int | None
    name: str
    kits: int = 0  # kits of distributives at this division (read only)

    @property
    def id(self) -> int | None:
        return self.key if self.key > 0 else None


class DivisionList(list[DivisionData]):
    """The divisions of a card; reads for people as their paths («Офис / Бухгалтерия»),
    which is how the conflict comparison shows them."""

    def __str__(self) -> str:
        return "; ".join(sorted(division_paths(self).values()))


def division_paths(divisions: Iterable[DivisionData]) -> dict[int, str]:
    """key → «Родитель / Подразделение» (a cycle or a lost parent just stops the path)."""
    by_key = {d.key: d for d in divisions}
    paths: dict[int, str] = {}
    for d in by_key.values():
        names, seen, node = [], set(), d
        while node is not None and node.key not in seen:
            seen.add(node.key)
            names.append(node.name.strip())
            node = by_key.get(node.parent_key) if node.parent_key is not None else None
        paths[d.key] = " / ".join(reversed(names))
    return paths


def delete_refusal(name: str, kits: int, children: int) -> str | None:
    """Why a division may not be deleted (None when it may)."""
    uses = []
    if children:
        uses.append(f"в него входят {plural(children, SUB_FORMS)}")
    if kits:
        uses.append(f"к нему относятся {plural(kits, KIT_FORMS)}")
    if not uses:
        return None
    return f"Подразделение «{name}» нельзя удалить: " + " и ".join(uses) + "."


def is_ancestor(divisions: Iterable[DivisionData], key: int, of: int | None) -> bool:
    """True when ``key`` is ``of`` itself or one of the divisions ``of`` lies under."""
    parents = {d.key: d.parent_key for d in divisions}
    seen: set[int] = set()
    node = of
    while node is not None and node not in seen:
        if node == key:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


# --------------------------------------------------------------------------- read


def load_divisions(s: Session, client_id: int) -> DivisionList:
    kits = dict(s.execute(select(Kit.division_id, func.count()).where(
        Kit.client_id == client_id, Kit.division_id.is_not(None)).group_by(Kit.division_id)).all())
    rows = s.scalars(select(ClientDivision).where(ClientDivision.client_id == client_id)
                     .order_by(ClientDivision.name, ClientDivision.id))
    return DivisionList(DivisionData(r.id, r.parent_id, r.name, int(kits.get(r.id, 0)))
                        for r in rows)


# --------------------------------------------------------------------------- validate


def name_problem(divisions: list[DivisionData], key: int) -> str | None:
    """What is wrong with the name of division ``key`` among ``divisions`` (None if fine)."""
    by_key = {d.key: d for d in divisions}
    d = by_key[key]
    name = d.name.strip()
    if not name:
        return "Подразделение: наименование не указано"
    if len(name) > NAME_MAX:
        return f"Подразделение «{name[:40]}…»: наименование длиннее {NAME_MAX} символов"
    twin = next((o for o in divisions if o.key != key and o.parent_key == d.parent_key
                 and o.name.strip().casefold() == name.casefold()), None)
    if twin is not None:
        parent = by_key.get(d.parent_key) if d.parent_key is not None else None
        where = f"в подразделении «{parent.name.strip()}»" if parent else "на верхнем уровне"
        return f"Подразделение «{name}» уже есть {where}"
    return None


def validate_divisions(divisions: list[DivisionData]) -> DivisionList:
    """A normalised copy; the first problem raises ValidationError("division:<key>", …)."""
    keys = {d.key for d in divisions}
    if len(keys) != len(divisions):
        raise ValidationError("divisions", "Подразделения: повторяющийся ключ строки")
    for d in divisions:
        message = name_problem(divisions, d.key)
        if message:
            raise ValidationError(f"division:{d.key}", message)
        if d.parent_key is not None and d.parent_key not in keys:
            raise ValidationError(f"division:{d.key}", f"Подразделение «{d.name.strip()}»: "
                                  "вышестоящее подразделение удалено")
        if is_ancestor(divisions, d.key, d.parent_key):
            raise ValidationError(f"division:{d.key}", f"Подразделение «{d.name.strip()}» не "
                                  "может входить в само себя или в своё подчинённое")
    return DivisionList(replace(d, name=d.name.strip()) for d in divisions)


# --------------------------------------------------------------------------- write


def _depth(parents: dict[int, int | None], key: int) -> int:
    depth, node, seen = 0, parents.get(key), {key}
    while node is not None and node not in seen:
        seen.add(node)
        depth += 1
        node = parents.get(node)
    return depth


def sync_divisions(s: Session, client_id: int, wanted: list[DivisionData],
                   employee_id: int | None, now: datetime) -> None:
    """Make the stored divisions of the client match ``wanted`` (already validated).

    Raises ValidationError for a deletion the stored kits or sub-divisions forbid; the
    caller's transaction then writes nothing.
    """
    stored = {r.id: r for r in s.scalars(
        select(ClientDivision).where(ClientDivision.client_id == client_id))}
    wanted_keys = {d.key for d in wanted}
    unknown = [d for d in wanted if d.id is not None and d.id not in stored]
    if unknown:
        raise ValidationError(f"division:{unknown[0].key}",
                              f"Подразделение «{unknown[0].name}» уже удалено другим "
                              "пользователем. Перечитайте карточку.")
    ids: dict[int, int] = {k: k for k in stored}  # card key → stored id
    parents = {d.key: d.parent_key for d in wanted}
    # New divisions parent-first, so a new sub-division finds its new parent's id.
    for d in sorted((d for d in wanted if d.id is None), key=lambda d: _depth(parents, d.key)):
        parent_id = ids[d.parent_key] if d.parent_key is not None else None
        row = ClientDivision(client_id=client_id, parent_id=parent_id, name=d.name)
        s.add(row)
        s.flush()
        ids[d.key] = row.id
        record_changes(s, "client_divisions", row.id, client_id, employee_id, {},
                       {"name": row.name, "parent_id": parent_id}, changed_at=now)
    for d in wanted:
        if d.id is None:
            continue
        row = stored[d.id]
        old = {"name": row.name, "parent_id": row.parent_id}
        row.name = d.name
        row.parent_id = ids[d.parent_key] if d.parent_key is not None else None
        record_changes(s, "client_divisions", row.id, client_id, employee_id, old,
                       {"name": row.name, "parent_id": row.parent_id}, changed_at=now)
    s.flush()
    gone = [r for r in stored.values() if r.id not in wanted_keys]
    if not gone:
        return
    gone_ids = {r.id for r in gone}
    kits = dict(s.execute(select(Kit.division_id, func.count())
                          .where(Kit.division_id.in_(gone_ids)).group_by(Kit.division_id)).all())
    stored_parents = {r.id: r.parent_id for r in stored.values()}
    for row in gone:
        children = sum(1 for r in stored.values()
                       if r.parent_id == row.id and r.id not in gone_ids)
        message = delete_refusal(row.name, int(kits.get(row.id, 0)), children)
        if message:
            raise ValidationError("divisions", message)
    for row in sorted(gone, key=lambda r: -_depth(stored_parents, r.id)):
        record_changes(s, "client_divisions", row.id, client_id, employee_id,
                       {"name": row.name, "parent_id": row.parent_id}, {}, changed_at=now)
        s.delete(row)
        s.flush()
