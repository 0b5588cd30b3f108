"""Per-employee stars («любимые») on clients and contacts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import delete, insert, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Favourite


def set_favourites(base: OpenedBase, target: Literal["client", "contact"],
                   ids: Sequence[int], employee_id: int, on: bool | None = None) -> bool:
    """Star or unstar rows for an employee in one transaction. ``on=None`` toggles: if
    every one is a favourite they all lose the star, otherwise they all get it. Returns
    the new state."""
    column = Favourite.client_id if target == "client" else Favourite.contact_id
    other = "contact_id" if target == "client" else "client_id"
    wanted = list(dict.fromkeys(ids))
    with base.engine.begin() as conn:
        have = set(conn.scalars(select(column).where(
            Favourite.employee_id == employee_id, column.in_(wanted))))
        if on is None:
            on = len(have) < len(wanted)
        if on:
            missing = [i for i in wanted if i not in have]
            if missing:
                conn.execute(insert(Favourite), [
                    {"employee_id": employee_id, column.key: i, other: None} for i in missing])
        elif have:
            conn.execute(delete(Favourite).where(Favourite.employee_id == employee_id,
                                                 column.in_(list(have))))
    return on
