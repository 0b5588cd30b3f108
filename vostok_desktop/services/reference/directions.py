"""«Направления деятельности»: the directions a client has a responsible for. No Qt."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import Direction, Responsibility
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    refuse_if_used,
    write,
)

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class DirectionRow:
    id: int
    code: str
    name: str
    clients: int  # clients with a responsible for it


def list_directions(session: Session) -> list[DirectionRow]:
    counts = dict(session.execute(
        select(Responsibility.direction_id, func.count())
        .group_by(Responsibility.direction_id)).all())
    return [DirectionRow(d.id, d.code, d.name, int(counts.get(d.id, 0)))
            for d in session.scalars(select(Direction).order_by(Direction.id))]


def save_direction(session: Session, editor: Editor, *, code: str, name: str,
                   direction_id: int | None = None) -> int:
    """Add or change a direction. The code (Latin, for filters and the log) is unique."""
    editor.require()
    title = clean_title(name, "название направления")
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise ReferenceDataError("Код направления: латинские буквы, цифры и «_», "
                                 "начинается с буквы, до 40 символов (например, service).")
    taken = select(Direction.id).where(Direction.code == code)
    if direction_id is not None:
        taken = taken.where(Direction.id != direction_id)
    if session.scalar(taken) is not None:
        raise ReferenceDataError(f"Код «{code}» уже занят другим направлением.")

    def apply() -> int:
        if direction_id is None:
            row = Direction(code=code, name=title)
            session.add(row)
            session.flush()
            log(session, editor, "directions", row.id, {}, {"code": code, "name": title})
            return row.id
        row = session.get(Direction, direction_id)
        if row is None:
            raise ReferenceDataError("Направление уже удалено.")
        old = {"code": row.code, "name": row.name}
        row.code, row.name = code, title
        session.flush()
        log(session, editor, "directions", row.id, old, {"code": code, "name": title})
        return row.id

    return write(session, apply)


def delete_direction(session: Session, editor: Editor, direction_id: int) -> None:
    """Delete an unused direction; one with responsibles, works or assignments is refused."""
    editor.require()
    row = session.get(Direction, direction_id)
    if row is None:
        return
    refuse_if_used(session, "directions", direction_id, f"направление «{row.name}»")

    def apply() -> None:
        log(session, editor, "directions", direction_id, {"code": row.code, "name": row.name},
            {})
        session.delete(row)

    write(session, apply)
