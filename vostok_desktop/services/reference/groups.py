"""«Группы компаний»: the client groups a client card picks from. No Qt.

A client's divisions (its internal structure) belong to the client and are edited in
its card; this list is the shared one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import Client, ClientGroup
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    refuse_if_used,
    write,
)


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    clients: int


def list_groups(session: Session) -> list[GroupRow]:
    counts = dict(session.execute(select(Client.group_id, func.count())
                                  .where(Client.group_id.is_not(None))
                                  .group_by(Client.group_id)).all())
    return [GroupRow(g.id, g.name, int(counts.get(g.id, 0)))
            for g in session.scalars(select(ClientGroup).order_by(ClientGroup.name))]


def save_group(session: Session, editor: Editor, *, name: str,
               group_id: int | None = None) -> int:
    editor.require()
    title = clean_title(name, "название группы компаний", 300)
    # In Python: SQLite's lower() folds only ASCII.
    names = session.execute(select(ClientGroup.id, ClientGroup.name)).all()
    if any(n.lower() == title.lower() and i != group_id for i, n in names):
        raise ReferenceDataError(f"Группа компаний «{title}» уже есть.")

    def apply() -> int:
        if group_id is None:
            row = ClientGroup(name=title)
            session.add(row)
            session.flush()
            log(session, editor, "client_groups", row.id, {}, {"name": title})
            return row.id
        row = session.get(ClientGroup, group_id)
        if row is None:
            raise ReferenceDataError("Группа компаний уже удалена.")
        old = {"name": row.name}
        row.name = title
        session.flush()
        log(session, editor, "client_groups", row.id, old, {"name": title})
        return row.id

    return write(session, apply)


def delete_group(session: Session, editor: Editor, group_id: int) -> None:
    """Delete a group no client is in; a group with clients is refused with their count."""
    editor.require()
    row = session.get(ClientGroup, group_id)
    if row is None:
        return
    refuse_if_used(session, "client_groups", group_id, f"группу компаний «{row.name}»")

    def apply() -> None:
        log(session, editor, "client_groups", group_id, {"name": row.name}, {})
        session.delete(row)

    write(session, apply)
