"""The working calendar: answer deadlines counted in working time (no Qt).

Working days are Monday to Friday, 9:00–18:00 local time by default; public holidays
and moved working days (the Russian production calendar) come from the base
(``calendar_exceptions``) on top of the fixed Russian public holidays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.domain.hotline import CalendarException

# Fixed non-working public holidays of the Russian Federation (month, day).
RUSSIAN_HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
)


def local_zone() -> tzinfo:
    """The workstation's time zone (working hours are local office hours)."""
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


@dataclass
class WorkingCalendar:
    """Working days and hours; adds working time to a moment.

    ``holidays`` are days off that would be working by the weekly pattern;
    ``working_days`` are days that work although the pattern says otherwise
    (a moved working Saturday). ``fixed_holidays`` adds the Russian public holidays.
    """

    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: set[date] = field(default_factory=set)
    working_days: set[date] = field(default_factory=set)
    fixed_holidays: bool = True
    zone: tzinfo = field(default_factory=local_zone)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("Конец рабочего дня должен быть позже начала")

    @property
    def day_minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.holidays:
            return False
        if self.fixed_holidays and (day.month, day.day) in RUSSIAN_HOLIDAYS:
            return False
        return day.weekday() in self.weekdays

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)

    def next_working_moment(self, moment: datetime) -> datetime:
        """The moment itself if it is within working hours, else the next day start."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            if local.timetz().replace(tzinfo=None) < self.start:
                return self._at(day, self.start)
            if local.timetz().replace(tzinfo=None) < self.end:
                return local
        day += timedelta(days=1)
        for _ in range(3700):  # ten years of holidays would be a broken calendar
            if self.is_working_day(day):
                return self._at(day, self.start)
            day += timedelta(days=1)
        raise ValueError("В календаре нет рабочих дней")

    def add_working_minutes(self, moment: datetime, minutes: int) -> datetime:
        """``minutes`` of working time after ``moment`` (in the calendar's zone)."""
        current = self.next_working_moment(moment)
        remaining = max(0, minutes)
        while True:
            day_end = self._at(current.date(), self.end)
            left_today = int((day_end - current).total_seconds() // 60)
            if remaining <= left_today:
                return current + timedelta(minutes=remaining)
            remaining -= left_today
            current = self.next_working_moment(day_end)

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same working moment ``days`` working days later (a request received out of
        hours counts from the next working morning)."""
        current = self.next_working_moment(moment)
        day = current.date()
        for _ in range(max(0, days)):
            day += timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
        return self._at(day, current.timetz().replace(tzinfo=None))

    def deadline(self, received_at: datetime, days: int, minutes: int) -> datetime:
        """The answer deadline, in UTC: working days first, then working minutes."""
        moment = self.add_working_days(received_at, days) if days else received_at
        if minutes or not days:
            moment = self.add_working_minutes(moment, minutes)
        return moment.astimezone(UTC)

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from ``start`` to ``end`` (0 if end is earlier)."""
        current = self.next_working_moment(start)
        finish = self._local(end)
        total = 0
        while current < finish:
            day_end = self._at(current.date(), self.end)
            stop = min(day_end, finish)
            total += int((stop - current).total_seconds() // 60)
            if stop == finish:
                break
            current = self.next_working_moment(day_end)
        return total


def load_calendar(session: Session, *, zone: tzinfo | None = None,
                  start: time = time(9, 0), end: time = time(18, 0)) -> WorkingCalendar:
    """The calendar with the base's holidays and moved working days."""
    holidays: set[date] = set()
    working: set[date] = set()
    for day, is_working in session.execute(
            select(CalendarException.day, CalendarException.is_working)):
        (working if is_working else holidays).add(day)
    return WorkingCalendar(start=start, end=end, holidays=holidays, working_days=working,
                           zone=zone or local_zone())


def set_exceptions(session: Session, days: Iterable[tuple[date, bool, str]]) -> None:
    """Add or replace calendar exceptions: (day, is working, note)."""
    for day, is_working, note in days:
        row = session.get(CalendarException, day)
        if row is None:
            session.add(CalendarException(day=day, is_working=is_working, note=note))
        else:
            row.is_working, row.note = is_working, note


@dataclass(frozen=True)
class ExceptionDay:
    day: date
    is_working: bool
    note: str


def list_exceptions(session: Session) -> list[ExceptionDay]:
    """Holidays and moved working days of the base, by date."""
    stmt = select(CalendarException).order_by(CalendarException.day)
    return [ExceptionDay(r.day, r.is_working, r.note) for r in session.scalars(stmt)]


def remove_exception(session: Session, day: date) -> None:
    row = session.get(CalendarException, day)
    if row is not None:
        session.delete(row)
        session.flush()
