"""What every reference editor shares: who edits (and with which rights), bad input,
«used by N rows» refusals and the change log. No Qt.

The program checks the right «Справочники» first; on a server base the database checks
it again per statement (migration 0011), so a psql login gets no further.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from vostok_desktop.domain import Base
from vostok_desktop.domain.access import Right
from vostok_desktop.services.access.rights import (
    AccessDenied,
    AccessProfile,
    describe_refusal,
    refusal,
)
from vostok_desktop.services.common.change_log import record_changes

T = TypeVar("T")
RIGHT = Right.REFERENCE_EDIT

# What a row of a referring table is called in a refusal: table -> (one, few, many).
_ROW_NAMES: dict[str, tuple[str, str, str]] = {
    "employees": ("сотрудник", "сотрудника", "сотрудников"),
    "departments": ("подчинённый отдел", "подчинённых отдела", "подчинённых отделов"),
    "clients": ("клиент", "клиента", "клиентов"),
    "responsibilities": ("ответственный у клиента", "ответственных у клиентов",
                         "ответственных у клиентов"),
    "assignment_kinds": ("вид поручений", "вида поручений", "видов поручений"),
    "assignments": ("поручение", "поручения", "поручений"),
    "work_records": ("работа", "работы", "работ"),
    "custom_values": ("заполненное значение", "заполненных значения", "заполненных значений"),
}
# Rows that belong to the referred row and go with it (its head, its «required» flag).
_OWNED_TABLES = frozenset({"department_heads", "custom_field_rules"})


class ReferenceDataError(ValueError):
    """Bad input to a reference editor; the message names what is wrong, in Russian."""


class InUseError(ReferenceDataError):
    """A row that other rows use cannot be deleted; the message says how many use it."""


@dataclass(frozen=True)
class Editor:
    """Who edits: the employee (None for a privileged login with no employee row) and
    what their login may do (None: a file base opened with every right)."""

    employee_id: int | None
    profile: AccessProfile | None = None

    def may_edit(self) -> bool:
        return self.profile is None or self.profile.allows(RIGHT)

    def require(self) -> None:
        if not self.may_edit():
            raise refusal(RIGHT)


def plural(count: int, forms: tuple[str, str, str]) -> str:
    """«1 клиент», «3 клиента», «5 клиентов»."""
    n = abs(count) % 100
    if 11 <= n <= 14:
        form = forms[2]
    elif n % 10 == 1:
        form = forms[0]
    elif 2 <= n % 10 <= 4:
        form = forms[1]
    else:
        form = forms[2]
    return f"{count} {form}"


def usage(session: Session, table: str, row_id: int) -> list[tuple[str, int]]:
    """Which rows use ``table``'s row: (referring table, how many), those that do.

    Found from the schema's foreign keys, so a table added later counts too."""
    found: list[tuple[str, int]] = []
    for other in Base.metadata.sorted_tables:
        if other.name in _OWNED_TABLES:
            continue
        for fk in other.foreign_keys:
            if fk.column.table.name != table or fk.column.name != "id":
                continue
            count = session.scalar(select(func.count()).select_from(other)
                                   .where(fk.parent == row_id)) or 0
            if count:
                found.append((other.name, int(count)))
    return found


def usage_text(found: list[tuple[str, int]]) -> str:
    return ", ".join(plural(n, _ROW_NAMES.get(t, ("запись", "записи", "записей")) )
                     + ("" if t in _ROW_NAMES else f" ({t})") for t, n in found)


def refuse_if_used(session: Session, table: str, row_id: int, what: str) -> None:
    """Raise InUseError naming how many rows use the row (nothing is deleted in cascade)."""
    found = usage(session, table, row_id)
    if found:
        raise InUseError(f"Нельзя удалить {what}: используется — {usage_text(found)}. "
                         "Сначала замените или уберите эти ссылки.")


def log(session: Session, editor: Editor, table: str, row_id: int,
        old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """The change log of a reference row (the server's triggers write it on PostgreSQL)."""
    record_changes(session, table, row_id, None, editor.employee_id, old, new)


def clean_title(text: str | None, what: str, limit: int = 200) -> str:
    title = " ".join((text or "").split())
    if not title:
        raise ReferenceDataError(f"Укажите {what}.")
    if len(title) > limit:
        raise ReferenceDataError(f"{what[:1].upper()}{what[1:]} длиннее {limit} символов.")
    return title


def write(session: Session, action: Callable[[], T]) -> T:
    """Run a write and flush it: a refusal by the database comes out in Russian, a
    constraint error as ReferenceDataError (the caller's transaction is rolled back)."""
    try:
        result = action()
        session.flush()
        return result
    except IntegrityError as exc:
        denied = describe_refusal(exc)
        if denied is not None:
            raise denied from None
        raise ReferenceDataError(_integrity_text(exc)) from None
    except DBAPIError as exc:
        denied = describe_refusal(exc)
        if denied is not None:
            raise denied from None
        message = _server_message(exc)
        if message:
            raise ReferenceDataError(message) from None
        raise


def _integrity_text(exc: IntegrityError) -> str:
    message = _server_message(exc)
    if message and not message.isascii():
        return message
    text = str(getattr(exc, "orig", exc)).lower()
    if "unique" in text:
        return "Такое название уже есть."
    if "foreign key" in text:
        return "Запись используется в других данных; удалить её нельзя."
    return "Данные не прошли проверку базы."


def _server_message(exc: DBAPIError) -> str | None:
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    primary = getattr(diag, "message_primary", None)
    return primary.strip() if primary and not primary.isascii() else None


__all__ = ["AccessDenied", "Editor", "InUseError", "RIGHT", "ReferenceDataError", "clean_title",
           "log", "plural", "refuse_if_used", "usage", "usage_text", "write"]
