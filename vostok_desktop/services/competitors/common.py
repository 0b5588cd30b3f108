"""What the competitors services share: the refusal, the program's own change log (on a
file base; a server base logs these tables itself, migration 0020), the rights check."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from vostok_desktop.domain.access import Right
from vostok_desktop.domain.base import CENT
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, require
from vostok_desktop.services.common.change_log import act_as, record_changes

CATALOGUE_RIGHT = Right.COMPETITORS_CATALOGUE.value
DOCUMENT_RIGHT = Right.CLIENT_EDIT.value
MAX_MONEY = Decimal("999999999999.99")


class CompetitorRefused(ValidationError):
    """A competitors write that cannot be done; ``message`` is Russian, for the user."""


def refuse(field: str, message: str) -> CompetitorRefused:
    return CompetitorRefused(field, message)


def check_right(profile: AccessProfile | None, right: str) -> None:
    """The program's own check (greys out on a file base); the server checks anyway."""
    if profile is not None:
        require(profile, right)


def log(s: Session, table: str, row_id: int, client_id: int | None,
        employee_id: int | None, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """The change log: written by the program on a file base, by the server's triggers on
    a server base (there only the acting employee is named, for privileged connections)."""
    if s.get_bind().dialect.name == "postgresql":
        act_as(s, employee_id)
        return
    record_changes(s, table, row_id, client_id, employee_id, old, new)


def money(value: Decimal | str | int | float | None, what: str, *,
          optional: bool = False) -> Decimal | None:
    """A non-negative amount in roubles with kopecks; «1 200,50» is read as 1200.50."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        return Decimal("0.00")
    try:
        text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise refuse("money", f"{what}: «{value}» — не сумма в рублях") from None
    if not amount.is_finite() or amount < 0:
        raise refuse("money", f"{what}: сумма не может быть отрицательной") from None
    if amount != amount.quantize(CENT):
        raise refuse("money", f"{what}: сумма точнее копейки")
    if amount > MAX_MONEY:
        raise refuse("money", f"{what}: слишком большая сумма")
    return amount.quantize(CENT)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())
