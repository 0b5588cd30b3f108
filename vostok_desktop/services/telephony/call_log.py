"""The call log («Журнал звонков»): record call events, read pages for the journal.

Each event is one short transaction, so a crash mid-call leaves a consistent row.
Rows are keyed by (provider, provider call id, extension): the same event twice
(a reconnect replaying, two listeners) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from vostok_desktop.domain import Call, CallDirection, CallEvent, CallEventKind, Client, Contact
from vostok_desktop.domain.org import Employee
from vostok_desktop.services.telephony.caller_lookup import CallerInfo, caller_digits

PAGE_SIZE = 200


class CallLogRecorder:
    """Writes what happens to calls on this workstation's extension."""

    def __init__(self, sessions: sessionmaker[Session], employee_id: int | None) -> None:
        self._sessions = sessions
        self.employee_id = employee_id

    def record(self, event: CallEvent, caller: CallerInfo | None = None) -> int:
        """Apply one event to its call row (created on first sight); returns the row id."""
        with self._sessions.begin() as session:
            call = session.scalars(select(Call).where(
                Call.provider == event.provider, Call.provider_call_id == event.call_id,
                Call.extension == event.extension)).first()
            if call is None:
                call = self._new_call(event, caller)
                session.add(call)
            self._apply(call, event)
            session.flush()
            return call.id

    def _new_call(self, event: CallEvent, caller: CallerInfo | None) -> Call:
        digits = caller.digits if caller else next(iter(caller_digits(event.number)), "")
        call = Call(provider=event.provider, provider_call_id=event.call_id,
                    direction=event.direction, number_raw=event.number[:60],
                    number_digits=digits[:20], caller_name=event.caller_name[:200],
                    extension=event.extension, employee_id=self.employee_id,
                    started_at=event.at, answered=False, missed=False)
        if caller is not None and caller.matches:
            clients = {m.client_id for m in caller.matches}
            if len(clients) == 1:
                call.client_id = caller.matches[0].client_id
            if caller.single is not None:
                call.contact_id = caller.single.contact_id
        return call

    @staticmethod
    def _apply(call: Call, event: CallEvent) -> None:
        if event.kind is CallEventKind.ANSWERED and not call.answered:
            call.answered = True
            call.answered_at = event.at
        elif event.kind is CallEventKind.TRANSFERRED:
            call.transferred_to = event.transferred_to
        elif event.kind is CallEventKind.HANGUP and call.ended_at is None:
            call.ended_at = event.at
            if event.answered and not call.answered:
                call.answered = True
                call.answered_at = call.answered_at or event.at
            if call.answered and call.answered_at is not None:
                call.duration_s = max(0, round((event.at - call.answered_at).total_seconds()))
            call.missed = (not call.answered and call.direction is CallDirection.INCOMING
                           and call.transferred_to is None)

    def link(self, call_id: int, *, client_id: int | None = None,
             contact_id: int | None = None, request_id: int | None = None) -> None:
        """The operator chose who it was (several matches) or registered a request."""
        with self._sessions.begin() as session:
            call = session.get(Call, call_id)
            if call is None:
                return
            if client_id is not None:
                call.client_id = client_id
            if contact_id is not None:
                call.contact_id = contact_id
            if request_id is not None:
                call.request_id = request_id


@dataclass(frozen=True)
class CallRow:
    id: int
    started_at: datetime
    direction: CallDirection
    number: str
    caller_name: str
    client_id: int | None
    client_name: str
    contact_id: int | None
    contact_name: str
    employee_name: str
    extension: str
    duration_s: int | None
    answered: bool
    missed: bool
    transferred_to: str | None
    request_id: int | None

    @property
    def key(self) -> tuple[datetime, int]:
        return self.started_at, self.id


def list_calls(session: Session, *, after: tuple[datetime, int] | None = None,
               limit: int = PAGE_SIZE, employee_id: int | None = None,
               missed_only: bool = False) -> list[CallRow]:
    """Newest first; ``after`` is the key of the last row of the previous page (keyset)."""
    employee = aliased(Employee)
    stmt = (
        select(Call.id, Call.started_at, Call.direction, Call.number_raw, Call.caller_name,
               Call.client_id, Client.short_name, Call.contact_id, Contact.last_name,
               Contact.first_name, Contact.middle_name, employee.full_name, Call.extension,
               Call.duration_s, Call.answered, Call.missed, Call.transferred_to,
               Call.request_id)
        .outerjoin(Client, Client.id == Call.client_id)
        .outerjoin(Contact, Contact.id == Call.contact_id)
        .outerjoin(employee, employee.id == Call.employee_id)
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(limit)
    )
    if after is not None:
        started, last_id = after
        stmt = stmt.where(or_(Call.started_at < started,
                              and_(Call.started_at == started, Call.id < last_id)))
    if employee_id is not None:
        stmt = stmt.where(Call.employee_id == employee_id)
    if missed_only:
        stmt = stmt.where(Call.missed.is_(True))
    return [
        CallRow(id=r[0], started_at=r[1], direction=CallDirection(r[2]), number=r[3],
                caller_name=r[4], client_id=r[5], client_name=r[6] or "", contact_id=r[7],
                contact_name=" ".join(p for p in (r[8], r[9], r[10]) if p), employee_name=r[11]
                or "", extension=r[12], duration_s=r[13], answered=r[14], missed=r[15],
                transferred_to=r[16], request_id=r[17])
        for r in session.execute(stmt)
    ]
