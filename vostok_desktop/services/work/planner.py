"""The planner (ежедневник): my works, assignments and reminders for a day or a week, each
with its timing (overdue / today / later, as seeds/004 colours them) and importance. No Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import and_, or_, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.work import (
    OPEN_ASSIGNMENT_STATES,
    WORK_KIND_TITLES,
    Assignment,
    Importance,
    Reminder,
    ReminderState,
    WorkKind,
    WorkRecord,
)
from vostok_desktop.services.cards.common import CardNotFound
from vostok_desktop.services.common.change_log import record_changes


class ItemType(enum.StrEnum):
    WORK = "work"
    ASSIGNMENT = "assignment"
    REMINDER = "reminder"


class Timing(enum.StrEnum):
    OVERDUE = "overdue"  # red
    TODAY = "today"  # black
    LATER = "later"  # grey
    DONE = "done"  # a done work of the period, shown quietly


ITEM_TYPE_TITLES = {ItemType.WORK: "Работа", ItemType.ASSIGNMENT: "Поручение",
                    ItemType.REMINDER: "Напоминание"}
IMPORTANCE_MARKS = {Importance.HIGH: "!", Importance.NORMAL: "", Importance.LOW: "↓"}


@dataclass(frozen=True)
class PlannerFilter:
    client_id: int | None = None
    item_types: frozenset[ItemType] | None = None  # None: all
    work_kind: WorkKind | None = None
    importance: Importance | None = None
    show_done: bool = True


@dataclass(frozen=True)
class PlannerItem:
    type: ItemType
    id: int
    when: datetime | None  # start, deadline or reminder time (aware, UTC)
    title: str
    client_id: int | None
    client_name: str
    importance: Importance
    timing: Timing
    work_kind: WorkKind | None = None
    done: bool = False

    @property
    def mark(self) -> str:
        return IMPORTANCE_MARKS[self.importance]

    @property
    def key(self) -> tuple[str, int]:
        return (self.type.value, self.id)


def local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def day_bounds(day: date, days: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tz)
    return start, start + timedelta(days=days)


def timing_of(when: datetime | None, now: datetime, tz: tzinfo, *, done: bool = False
              ) -> Timing:
    """Red when its time has passed, black when due today, grey when later."""
    if done:
        return Timing.DONE
    if when is None:
        return Timing.LATER
    if when < now:
        return Timing.OVERDUE
    return Timing.TODAY if when.astimezone(tz).date() == now.astimezone(tz).date() \
        else Timing.LATER


def planner_items(base: OpenedBase, employee_id: int, day: date, days: int = 1,
                  flt: PlannerFilter | None = None, *, now: datetime | None = None,
                  tz: tzinfo | None = None, limit: int = 2000) -> list[PlannerItem]:
    """What the planner shows for ``days`` days from ``day``. Overdue open items from
    before the period come along when the period includes today (they are still to do)."""
    flt = flt or PlannerFilter()
    now = now or utcnow()
    tz = tz or local_tz()
    start, end = day_bounds(day, days, tz)
    with_overdue = start <= now < end
    types = flt.item_types or frozenset(ItemType)
    items: list[PlannerItem] = []
    with base.sessions() as s:
        if ItemType.WORK in types:
            in_period = and_(WorkRecord.starts_at >= start, WorkRecord.starts_at < end)
            cond = or_(in_period, and_(WorkRecord.done.is_(False), WorkRecord.starts_at < start)
                       ) if with_overdue else in_period
            query = (select(WorkRecord, Client.short_name)
                     .join(Client, Client.id == WorkRecord.client_id)
                     .where(WorkRecord.employee_id == employee_id, cond)
                     .order_by(WorkRecord.starts_at).limit(limit))
            if flt.client_id is not None:
                query = query.where(WorkRecord.client_id == flt.client_id)
            if flt.work_kind is not None:
                query = query.where(WorkRecord.kind == flt.work_kind)
            if flt.importance is not None:
                query = query.where(WorkRecord.importance == flt.importance)
            if not flt.show_done:
                query = query.where(WorkRecord.done.is_(False))
            for w, client in s.execute(query):
                title = WORK_KIND_TITLES[w.kind] + (f": {w.subject}" if w.subject else "")
                if w.done and w.result:
                    title += f" — {w.result}"
                items.append(PlannerItem(ItemType.WORK, w.id, w.starts_at, title, w.client_id,
                                         client, w.importance,
                                         timing_of(w.starts_at, now, tz, done=w.done),
                                         w.kind, w.done))
        if ItemType.ASSIGNMENT in types and flt.work_kind is None:
            in_period = and_(Assignment.deadline >= start, Assignment.deadline < end)
            undated = Assignment.deadline.is_(None)
            cond = or_(in_period, Assignment.deadline < start, undated) if with_overdue \
                else in_period
            query = (select(Assignment, Client.short_name)
                     .join(Client, Client.id == Assignment.client_id)
                     .where(Assignment.executor_id == employee_id,
                            Assignment.state.in_(OPEN_ASSIGNMENT_STATES), cond)
                     .order_by(Assignment.deadline).limit(limit))
            if flt.client_id is not None:
                query = query.where(Assignment.client_id == flt.client_id)
            if flt.importance is not None:
                query = query.where(Assignment.importance == flt.importance)
            for a, client in s.execute(query):
                items.append(PlannerItem(ItemType.ASSIGNMENT, a.id, a.deadline,
                                         "Поручение: " + a.text, a.client_id, client,
                                         a.importance, timing_of(a.deadline, now, tz)))
        if ItemType.REMINDER in types and flt.work_kind is None and flt.importance in (
                None, Importance.NORMAL):
            in_period = and_(Reminder.remind_at >= start, Reminder.remind_at < end)
            query = (select(Reminder, Client.short_name)
                     .outerjoin(Client, Client.id == Reminder.client_id)
                     .where(Reminder.employee_id == employee_id,
                            Reminder.state != ReminderState.DISMISSED, in_period)
                     .order_by(Reminder.remind_at).limit(limit))
            if flt.client_id is not None:
                query = query.where(Reminder.client_id == flt.client_id)
            for r, client in s.execute(query):
                items.append(PlannerItem(ItemType.REMINDER, r.id, r.remind_at,
                                         "Напоминание: " + r.text, r.client_id, client or "",
                                         Importance.NORMAL,
                                         timing_of(r.remind_at, now, tz,
                                                   done=r.state is ReminderState.FIRED)))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (i.when or far, i.type.value, i.id))
    return items


def reschedule(base: OpenedBase, item_type: ItemType, item_id: int, delta: timedelta,
               employee_id: int | None, now: datetime | None = None) -> datetime:
    """Move an item by ``delta`` (Ctrl+→ next day…). An undated assignment gets its deadline
    from now. Returns the new time."""
    if item_type is ItemType.WORK:
        from vostok_desktop.services.work.works import reschedule_work

        return reschedule_work(base, item_id, delta, employee_id)
    now = now or utcnow()
    with base.sessions() as s, s.begin():
        if item_type is ItemType.ASSIGNMENT:
            a = s.get(Assignment, item_id)
            if a is None:
                raise CardNotFound("assignment", item_id)
            before = a.deadline
            a.deadline = (a.deadline or now) + delta
            record_changes(s, "assignments", a.id, a.client_id, employee_id,
                           {"deadline": before}, {"deadline": a.deadline})
            return a.deadline
        r = s.get(Reminder, item_id)
        if r is None:
            raise CardNotFound("reminder", item_id)
        r.remind_at = r.remind_at + delta
        r.state = ReminderState.PENDING
        return r.remind_at
