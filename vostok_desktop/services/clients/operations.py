"""Operations on many clients selected in «Список клиентов» (each one transaction): mark
for deletion and undo, favourites, responsible for a direction; all write the change log
and bump the clients' versions so open cards notice (optimistic locking)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    Direction,
    Employee,
    Favourite,
    Responsibility,
)
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import Distributive, DistributiveMovement
from vostok_desktop.services.common.change_log import display_value, insert_log_rows
from vostok_desktop.services.lists.favourites import set_favourites


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
        insert_log_rows(conn, log_rows(
            (("clients", cid, cid, "marked_for_deletion", not marked, marked)
             for cid in changed), employee_id), employee_id)
    return changed


def favourite_ids(base: OpenedBase, client_ids: Sequence[int], employee_id: int) -> set[int]:
    with base.engine.connect() as conn:
        return set(conn.scalars(select(Favourite.client_id).where(
            Favourite.employee_id == employee_id, Favourite.client_id.in_(list(client_ids)))))


def set_favourite(base: OpenedBase, client_ids: Sequence[int], employee_id: int,
                  on: bool | None = None) -> bool:
    """Star or unstar clients for an employee; ``on=None`` toggles (see set_favourites)."""
    return set_favourites(base, "client", client_ids, employee_id, on)


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
            insert_log_rows(conn, log_rows(log, employee_id), employee_id)
    return changed


class ClientDeleteRefused(ValueError):
    """A client that may not be deleted; the message names it and says what to do."""


def distributive_ties(conn: Connection, client_id: int) -> tuple[int, int]:
    """(distributives at or reserved for the client, movements naming it)."""
    d, m = Distributive, DistributiveMovement
    held = conn.scalar(select(func.count()).select_from(d).where(or_(
        d.client_id == client_id, d.reserved_for_client_id == client_id)))
    history = conn.scalar(select(func.count()).select_from(m).where(or_(
        m.from_client_id == client_id, m.to_client_id == client_id)))
    return int(held or 0), int(history or 0)


def delete_clients(base: OpenedBase, client_ids: Sequence[int],
                   employee_id: int | None) -> list[int]:
    """Delete clients (with their contacts, phones and the rest) in one transaction.

    A client that has distributives, or had them (their movements name it), is refused
    with a message naming it: the history of distributives must stay whole. Nothing is
    deleted then. Returns the ids deleted."""
    ids = list(dict.fromkeys(client_ids))
    with base.engine.begin() as conn:
        names = dict(conn.execute(select(Client.id, Client.short_name)
                                  .where(Client.id.in_(ids))).tuples().all())
        for cid in ids:
            if cid not in names:
                continue
            held, history = distributive_ties(conn, cid)
            if held:
                raise ClientDeleteRefused(
                    f"У клиента «{names[cid]}» есть дистрибутивы ({held}): удалить нельзя, "
                    "отключите или передайте их")
            if history:
                raise ClientDeleteRefused(
                    f"У клиента «{names[cid]}» есть история движений дистрибутивов "
                    f"({history}): удалить нельзя, пометьте его на удаление")
        present = [cid for cid in ids if cid in names]
        if not present:
            return []
        insert_log_rows(conn, log_rows(
            (("clients", cid, cid, "short_name", names[cid], None) for cid in present),
            employee_id), employee_id)
        conn.execute(delete(Client).where(Client.id.in_(present)))
    return present


__all__ = ["ClientDeleteRefused", "delete_clients", "distributive_ties", "favourite_ids", "log_rows", "set_favourite", "set_marked_for_deletion",
           "set_responsible", "touch_clients"]
