"""Demo area step: a few starred clients and contacts for the administrator."""

from __future__ import annotations

from sqlalchemy import select, text

from vostok_desktop.domain.clients import (
    Favourite,
)
from vostok_desktop.services.demo.common import AreaContext


def add_favourites(area: AreaContext) -> None:
    """A few starred clients and contacts for the admin, so the favourites list is not empty."""
    session, admin_id, summary = area.session, area.admin_id, area.summary
    client_ids = session.execute(text(
        "SELECT id FROM clients WHERE status = 'served' ORDER BY id LIMIT 8")).scalars().all()
    contact_ids = session.execute(text(
        "SELECT id FROM contacts ORDER BY id LIMIT 5")).scalars().all()
    starred = {(f.client_id, f.contact_id) for f in
               session.scalars(select(Favourite).where(Favourite.employee_id == admin_id))}
    for client_id in client_ids:
        if (client_id, None) not in starred:
            session.add(Favourite(employee_id=admin_id, client_id=client_id))
            summary.favourites += 1
    for contact_id in contact_ids:
        if (None, contact_id) not in starred:
            session.add(Favourite(employee_id=admin_id, contact_id=contact_id))
            summary.favourites += 1
    session.flush()
