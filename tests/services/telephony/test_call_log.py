"""The call log records events (one transaction each) and pages the journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from vostok_desktop.domain import (
    Call,
    CallDirection,
    CallEvent,
    CallEventKind,
    Client,
    Contact,
    Employee,
    Phone,
)
from vostok_desktop.services.telephony.call_log import CallLogRecorder, list_calls
from vostok_desktop.services.telephony.caller_lookup import lookup_caller

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _event(kind: CallEventKind, call_id: str, seconds: float, **kw) -> CallEvent:  # noqa: ANN003
    return CallEvent(kind=kind, call_id=call_id, direction=kw.pop("direction",
                     CallDirection.INCOMING), number=kw.pop("number", "89161234567"),
                     extension=kw.pop("extension", "101"), provider="test",
                     at=T0 + timedelta(seconds=seconds), **kw)


def _setup(base) -> tuple[int, int, int]:  # noqa: ANN001
    with base.sessions.begin() as s:
        me = Employee(login="operator", full_name="Оператор Ольга", phone_extension="101")
        client = Client(short_name='ООО "Ромашка"')
        contact = Contact(last_name="Иванова", first_name="Анна")
        contact.phones.append(Phone(raw="8 916 123-45-67", digits="79161234567"))
        client.contacts.append(contact)
        s.add_all([me, client])
        s.flush()
        return me.id, client.id, contact.id


def test_answered_missed_and_transferred_calls(empty_base) -> None:
    me, client_id, contact_id = _setup(empty_base)
    log = CallLogRecorder(empty_base.sessions, me)
    with empty_base.sessions() as s:
        caller = lookup_caller(s, "89161234567")
    log.record(_event(CallEventKind.RINGING, "a", 0), caller)
    log.record(_event(CallEventKind.ANSWERED, "a", 5))
    log.record(_event(CallEventKind.HANGUP, "a", 65, answered=True))
    log.record(_event(CallEventKind.RINGING, "m", 100, number="+7 999 111-22-33"))
    log.record(_event(CallEventKind.HANGUP, "m", 120))
    log.record(_event(CallEventKind.RINGING, "t", 200), caller)
    log.record(_event(CallEventKind.ANSWERED, "t", 203))
    log.record(_event(CallEventKind.TRANSFERRED, "t", 210, transferred_to="102"))
    log.record(_event(CallEventKind.HANGUP, "t", 210, answered=True))
    # A repeated event changes nothing.
    log.record(_event(CallEventKind.HANGUP, "t", 300, answered=True))
    with empty_base.sessions() as s:
        rows = list_calls(s)
        assert s.scalar(select(func.count()).select_from(Call)) == 3
    by_number = {r.number: r for r in rows}
    assert [r.number for r in rows] == ["89161234567", "+7 999 111-22-33", "89161234567"]
    transferred, missed, answered = rows
    assert (answered.answered, answered.missed, answered.duration_s) == (True, False, 60)
    assert (answered.client_id, answered.contact_id) == (client_id, contact_id)
    assert answered.client_name == 'ООО "Ромашка"' and answered.contact_name == "Иванова Анна"
    assert answered.employee_name == "Оператор Ольга"
    assert (missed.answered, missed.missed, missed.client_id) == (False, True, None)
    assert (transferred.transferred_to, transferred.duration_s, transferred.missed) == \
        ("102", 7, False)
    assert by_number["+7 999 111-22-33"].direction is CallDirection.INCOMING


def test_hangup_without_ringing_still_records(empty_base) -> None:
    me, *_ = _setup(empty_base)
    log = CallLogRecorder(empty_base.sessions, me)
    log.record(_event(CallEventKind.HANGUP, "late", 10))  # program started mid-call
    with empty_base.sessions() as s:
        (row,) = list_calls(s)
    assert row.missed and row.number == "89161234567"


def test_keyset_pages_and_missed_filter(empty_base) -> None:
    me, *_ = _setup(empty_base)
    log = CallLogRecorder(empty_base.sessions, me)
    for i in range(25):
        log.record(_event(CallEventKind.RINGING, f"c{i}", i * 10))
        if i % 5:
            log.record(_event(CallEventKind.ANSWERED, f"c{i}", i * 10 + 1))
        log.record(_event(CallEventKind.HANGUP, f"c{i}", i * 10 + 5))
    with empty_base.sessions() as s:
        first = list_calls(s, limit=10)
        second = list_calls(s, limit=10, after=first[-1].key)
        third = list_calls(s, limit=10, after=second[-1].key)
        missed = list_calls(s, missed_only=True)
        mine = list_calls(s, employee_id=me)
    ids = [r.id for r in first + second + third]
    assert len(ids) == 25 == len(set(ids))
    assert [r.started_at for r in first] == sorted((r.started_at for r in first), reverse=True)
    assert len(missed) == 5 and all(r.missed for r in missed)
    assert len(mine) == 25
