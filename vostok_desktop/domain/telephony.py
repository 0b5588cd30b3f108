"""Telephone calls: the call log table and the plain call events providers emit.

No Qt here: telephony providers (plugins) produce ``CallEvent`` values, the services
record them as ``Call`` rows, the GUI shows them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class CallDirection(enum.StrEnum):
    INCOMING = "in"
    OUTGOING = "out"


CALL_DIRECTION_TITLES: dict[CallDirection, str] = {
    CallDirection.INCOMING: "Входящий",
    CallDirection.OUTGOING: "Исходящий",
}


class CallEventKind(enum.StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    HANGUP = "hangup"
    TRANSFERRED = "transferred"


@dataclass(frozen=True)
class CallEvent:
    """One thing that happened to a call on my extension, as a provider reports it.

    ``call_id`` is stable for the whole call (Asterisk: the Linkedid); ``number`` is the
    other party as the PBX gives it (not normalized); ``extension`` the internal number
    that rings or talks; ``transferred_to`` the target extension of a transfer.
    """

    kind: CallEventKind
    call_id: str
    direction: CallDirection
    number: str
    extension: str
    provider: str = ""
    caller_name: str = ""
    transferred_to: str | None = None
    answered: bool = False  # on hangup: whether this extension talked at all
    at: datetime = field(default_factory=utcnow)


class Call(Base):
    """One call on one extension in the call log («Журнал звонков»).

    A call transferred from 101 to 102 is two rows, one per extension: each workstation
    records its own leg, so (provider, provider_call_id, extension) is unique.
    """

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("provider", "provider_call_id", "extension"),
        Index("ix_calls_started_at_id", "started_at", "id"),
        Index("ix_calls_employee_id_started_at", "employee_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    provider_call_id: Mapped[str] = mapped_column(String(100))
    direction: Mapped[CallDirection] = mapped_column(
        str_enum(CallDirection, length=3), default=CallDirection.INCOMING
    )
    number_raw: Mapped[str] = mapped_column(String(60), default="")
    number_digits: Mapped[str] = mapped_column(String(20), default="", index=True)
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    extension: Mapped[str] = mapped_column(String(20), default="")
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_s: Mapped[int | None]  # talk time, answer to hangup
    answered: Mapped[bool] = mapped_column(default=False)
    missed: Mapped[bool] = mapped_column(default=False)
    transferred_to: Mapped[str | None] = mapped_column(String(20))
    # The hot-line request registered from this call; a foreign key comes with that table.
    request_id: Mapped[int | None]
