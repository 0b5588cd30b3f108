"""The import plan and what the analysis and writing steps share: parsed rows
(:class:`ImportRow`), duplicate groups with the action chosen for each
(:class:`ImportGroup`, :class:`GroupAction`), the plan itself (:class:`ImportPlan`),
:func:`combined` (a group's rows folded into one), the progress callback type and
:class:`ImportCancelled`.

No Qt, no database. :mod:`~vostok_desktop.services.importing.analysis` builds the plan,
:mod:`~vostok_desktop.services.importing.write` writes it; this module imports neither.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vostok_desktop.services.clients.duplicates import ClientBrief, normalize_name

Progress = Callable[[str, int, int], None]


class ImportCancelled(Exception):
    """Raised by a progress callback to stop the import; the batch in progress rolls back."""


# -- rows -------------------------------------------------------------------------------------
@dataclass
class ImportRow:
    index: int  # in the source table
    line: int  # in the file
    data: dict[str, Any] = field(default_factory=dict)  # cleaned client fields
    phones: list[tuple[str, str, str | None]] = field(default_factory=list)  # raw, digits, ext
    emails: list[str] = field(default_factory=list)
    address: str | None = None
    contact: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def name_key(self) -> str:
        return normalize_name(self.data.get("short_name"))


# -- groups and the plan -----------------------------------------------------------------------
class GroupAction(enum.StrEnum):
    CREATE = "create"
    MERGE = "merge"
    SKIP = "skip"


GROUP_ACTION_TITLES = {GroupAction.CREATE: "Создать новых",
                       GroupAction.MERGE: "Объединить",
                       GroupAction.SKIP: "Пропустить"}


@dataclass
class ImportGroup:
    id: int
    rows: list[int]  # indexes into ImportPlan.rows
    existing: list[ClientBrief]
    reasons: set[str]
    action: GroupAction
    target_id: int | None = None  # the existing client a merge goes into

    @property
    def reason_text(self) -> str:
        return ", ".join(sorted(self.reasons))


@dataclass
class ImportPlan:
    source: str
    rows: list[ImportRow]
    groups: list[ImportGroup]
    singles: list[int]  # rows with no duplicate: created as they are

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.valid]

    def group_of_row(self) -> dict[int, ImportGroup]:
        return {i: g for g in self.groups for i in g.rows}


def combined(plan: ImportPlan, row_idx: Sequence[int]) -> ImportRow:
    """The rows of one group folded into one: the first non-empty value of each field."""
    first = plan.rows[row_idx[0]]
    result = ImportRow(first.index, first.line, dict(first.data), list(first.phones),
                       list(first.emails), first.address,
                       dict(first.contact) if first.contact else None)
    contacts = [first.contact] if first.contact else []
    for i in row_idx[1:]:
        other = plan.rows[i]
        for key, value in other.data.items():
            if result.data.get(key) in (None, "") and value not in (None, ""):
                result.data[key] = value
        known = {p[1] for p in result.phones}
        result.phones += [p for p in other.phones if p[1] not in known]
        result.emails += [e for e in other.emails if e not in result.emails]
        result.address = result.address or other.address
        if other.contact:
            contacts.append(other.contact)
    result.contact = None
    result.data["_contacts"] = contacts
    return result
