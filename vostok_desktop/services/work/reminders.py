"""Reminders (напоминания) and the «since you last logged in» digest. No Qt.

Time comes from a clock (a callable returning an aware datetime) so tests can move it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client, Employee, Responsibility
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    Assignment,
    LoginMark,
    Reminder,
    ReminderState,
)
from vostok_desktop.services.cards.common import CardNotFound

Clock = Callable[[], datetime]
DIGEST_LIMIT = 200


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    remind_at: datetime
    text: str
    client_id: int | None
    client_name: str
    work_id: int | None
    assignment_id: int | None


def _info(r: Reminder, client: str | None) -> ReminderInfo:
    return ReminderInfo(r.id, r.remind_at, r.text, r.client_id, client or "", r.work_id,
                        r.assignment_id)


def add_reminder(base: OpenedBase, employee_id: int, remind_at: datetime, text: str, *,
                 client_id: int | None = None, work_id: int | None = None,
                 assignment_id: int | None = None) -> int:
    if not text.strip():
        raise ValidationError("text", "Текст напоминания: обязательное поле")
    with base.sessions() as s, s.begin():
        r = Reminder(employee_id=employee_id, remind_at=remind_at, text=text.strip(),
                     client_id=client_id, work_id=work_id, assignment_id=assignment_id)
        s.add(r)
        s.flush()
        return r.id


def due_reminders(base: OpenedBase, employee_id: int, now: datetime) -> list[ReminderInfo]:
    """Pending reminders whose time has come (oldest first)."""
    with base.sessions() as s:
        rows = s.execute(select(Reminder, Client.short_name)
                         .outerjoin(Client, Client.id == Reminder.client_id)
                         .where(Reminder.employee_id == employee_id,
                                Reminder.state == ReminderState.PENDING,
                                Reminder.remind_at <= now)
                         .order_by(Reminder.remind_at, Reminder.id).limit(DIGEST_LIMIT))
        return [_info(r, c) for r, c in rows]


def next_reminder_at(base: OpenedBase, employee_id: int) -> datetime | None:
    with base.sessions() as s:
        return s.scalar(select(func.min(Reminder.remind_at))
                        .where(Reminder.employee_id == employee_id,
                               Reminder.state == ReminderState.PENDING))


def _set(base: OpenedBase, reminder_id: int, **values: object) -> None:
    with base.sessions() as s, s.begin():
        r = s.get(Reminder, reminder_id)
        if r is None:
            raise CardNotFound("reminder", reminder_id)
        for name, value in values.items():
            setattr(r, name, value)


def mark_fired(base: OpenedBase, reminder_id: int, now: datetime) -> None:
    """Shown to the user: it will not pop again unless snoozed."""
    _set(base, reminder_id, state=ReminderState.FIRED, fired_at=now)


def snooze(base: OpenedBase, reminder_id: int, now: datetime,
           minutes: int = 10) -> datetime:
    when = now + timedelta(minutes=minutes)
    _set(base, reminder_id, state=ReminderState.PENDING, remind_at=when)
    return when


def dismiss(base: OpenedBase, reminder_id: int) -> None:
    _set(base, reminder_id, state=ReminderState.DISMISSED)


# --------------------------------------------------------------------------- digest
@dataclass(frozen=True)
class DigestLine:
    client_id: int | None
    client_name: str
    when: datetime
    text: str
    kind: str  # "request", "assignment", "change", "reminder"
    entity_id: int | None = None


@dataclass
class Digest:
    since: datetime | None
    missed_reminders: list[ReminderInfo] = field(default_factory=list)
    requests: list[DigestLine] = field(default_factory=list)
    assignments: list[DigestLine] = field(default_factory=list)
    changes: list[DigestLine] = field(default_factory=list)
    requests_available: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.missed_reminders or self.requests or self.assignments or self.changes)


def last_login(base: OpenedBase, employee_id: int) -> datetime | None:
    with base.sessions() as s:
        return s.scalar(select(LoginMark.last_login_at)
                        .where(LoginMark.employee_id == employee_id))


def record_login(base: OpenedBase, employee_id: int, now: datetime) -> datetime | None:
    """Stamp this login; return the previous one (None on the very first)."""
    with base.sessions() as s, s.begin():
        mark = s.get(LoginMark, employee_id)
        previous = mark.last_login_at if mark else None
        if mark is None:
            s.add(LoginMark(employee_id=employee_id, last_login_at=now))
        else:
            mark.last_login_at = now
        return previous


def _hotline_model() -> type | None:
    """HotlineRequest if the hot-line module is in this build (another area owns it)."""
    try:
        module = importlib.import_module("vostok_desktop.domain.hotline")
    except ImportError:
        return None
    model = getattr(module, "HotlineRequest", None)
    needed = ("client_id", "received_at", "text")
    return model if model is not None and all(hasattr(model, n) for n in needed) else None


def since_last_login(base: OpenedBase, employee_id: int, since: datetime | None,
                     now: datetime, *, first_login_window: timedelta = timedelta(days=1)
                     ) -> Digest:
    """What happened to my clients (those I am responsible for) since ``since``: new
    hot-line requests, assignments given to me or about my clients, changes by others;
    plus reminders that came due while I was away."""
    since_at = since or now - first_login_window
    digest = Digest(since)
    digest.missed_reminders = due_reminders(base, employee_id, now)
    mine = select(Responsibility.client_id).where(Responsibility.employee_id == employee_id)
    with base.sessions() as s:
        model = _hotline_model()
        if model is not None and inspect(s.connection()).has_table(model.__tablename__):
            digest.requests_available = True
            rows = s.execute(
                select(model.id, model.client_id, Client.short_name, model.received_at,
                       model.text)
                .join(Client, Client.id == model.client_id)
                .where(model.client_id.in_(mine), model.received_at > since_at)
                .order_by(model.received_at.desc()).limit(DIGEST_LIMIT))
            digest.requests = [
                DigestLine(cid, name, at, "Обращение на линию: " + _short(text), "request",
                           rid) for rid, cid, name, at, text in rows]
        author = Employee.__table__.alias("author")
        rows = s.execute(
            select(Assignment.id, Assignment.client_id, Client.short_name,
                   Assignment.created_at, Assignment.text, Assignment.executor_id,
                   author.c.full_name)
            .join(Client, Client.id == Assignment.client_id)
            .outerjoin(author, author.c.id == Assignment.author_id)
            .where(Assignment.created_at > since_at,
                   (Assignment.executor_id == employee_id) | Assignment.client_id.in_(mine),
                   (Assignment.author_id.is_(None)) | (Assignment.author_id != employee_id))
            .order_by(Assignment.created_at.desc()).limit(DIGEST_LIMIT))
        for aid, cid, name, at, text, executor, who in rows:
            prefix = "Вам поручено" if executor == employee_id else "Поручение по клиенту"
            by = f" ({who})" if who else ""
            digest.assignments.append(DigestLine(cid, name, at, f"{prefix}{by}: "
                                                 + _short(text), "assignment", aid))
        rows = s.execute(
            select(ChangeLog.client_id, Client.short_name, func.max(ChangeLog.changed_at),
                   func.count(), func.count(func.distinct(ChangeLog.employee_id)))
            .join(Client, Client.id == ChangeLog.client_id)
            .where(ChangeLog.client_id.in_(mine), ChangeLog.changed_at > since_at,
                   ChangeLog.employee_id.is_not(None), ChangeLog.employee_id != employee_id,
                   ChangeLog.table_name != "assignments")  # listed above already
            .group_by(ChangeLog.client_id, Client.short_name)
            .order_by(func.max(ChangeLog.changed_at).desc()).limit(DIGEST_LIMIT))
        for cid, name, at, count, people in rows:
            digest.changes.append(DigestLine(
                cid, name, at, f"Изменений: {count}, кто менял: {people} чел.", "change"))
    return digest


def _short(text: str, width: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
