"""The one gate every export and mass printing passes: the right is checked (by the
database on a server base) and the export is recorded — who, what, how many rows —
before a single row leaves the program (ФЗ №98 «О коммерческой тайне»)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from vostok_desktop.services.access import rights as access

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext


def pass_export_gate(context: AppContext, kind: str, what: str, rows: int) -> str | None:
    """Record the export; None when it may go ahead, else the reason it may not
    (Russian, for the user). ``kind`` is «excel» or «print»."""
    profile = context.access or access.FULL_ACCESS
    try:
        access.record_export(context.base, profile, context.employee_id, kind, what, rows)
    except access.AccessDenied as denied:
        return denied.message
    except DBAPIError as exc:
        return f"Выгрузка не записана в журнал, поэтому не выполнена: {exc.orig}"
    return None


__all__ = ["pass_export_gate"]
