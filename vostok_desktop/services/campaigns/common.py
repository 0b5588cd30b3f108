"""What the campaign services share: the error type, rights, writes that come out in
Russian, and the file base's change log (a server base logs by its triggers, 0019). No Qt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from vostok_desktop.domain.access import Right
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile, describe_refusal
from vostok_desktop.services.access.rights import require as require_right
from vostok_desktop.services.common.change_log import record_changes

T = TypeVar("T")
RIGHT = Right.CAMPAIGNS_MANAGE


class CampaignError(ValueError):
    """Bad input or a refused step of a campaign; the message is for the user (Russian)."""


def require_manage(profile: AccessProfile | None) -> None:
    """«Кампании обзвона» to create campaigns, fill them and edit the lists (the server
    checks it again per statement)."""
    if profile is not None:
        require_right(profile, RIGHT)


def guarded_write(session: Session, action: Callable[[], T]) -> T:
    """Run a write and flush it; a refusal of the database comes out as AccessDenied, a
    check of the server (a refusal without its reason) as CampaignError."""
    try:
        result = action()
        session.flush()
        return result
    except (IntegrityError, DBAPIError) as exc:
        denied = describe_refusal(exc)
        if denied is not None:
            raise denied from None
        diag = getattr(getattr(exc, "orig", None), "diag", None)
        primary = getattr(diag, "message_primary", None)
        if primary and not primary.isascii():
            raise CampaignError(primary.strip()) from None
        if isinstance(exc, IntegrityError):
            raise CampaignError("Данные не прошли проверку базы: "
                                f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}") from None
        raise


def log_file_base(session: Session, table: str, row_id: int, client_id: int | None,
                  employee_id: int | None, old: Mapping[str, Any],
                  new: Mapping[str, Any]) -> None:
    """The change log on a file base; on PostgreSQL the triggers of 0019 write it."""
    if session.get_bind().dialect.name == "postgresql":
        return
    record_changes(session, table, row_id, client_id, employee_id, old, new)


__all__ = ["AccessDenied", "CampaignError", "RIGHT", "guarded_write", "log_file_base",
           "require_manage"]
