"""Events («Мероприятия») and training norms («Нормы обучения»): create, edit, list.
No Qt.

Both are read by everybody and written with «Учебный центр» (education.events); the
server base checks the right itself (migration 0021) and stamps who wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    EVENT_STATUS_TITLES,
    EducationEvent,
    EventKind,
    EventParticipant,
    EventStatus,
    ParticipantStage,
    ParticipantStatus,
    TrainingNorm,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.common.change_log import record_changes

T = TypeVar("T")
CENT = Decimal("0.01")
MAX_THEME = 300


class EducationRefused(ValidationError):
    """An education write that cannot be done; the Russian message says why."""


def refuse(field: str, message: str) -> EducationRefused:
    return EducationRefused(field, message)


def check_right(profile: AccessProfile | None) -> None:
    """The program's own check of «Учебный центр» (the server checks anyway)."""
    if profile is not None:
        require(profile, Right.EDUCATION_EVENTS)


def program_logs(s: Session) -> bool:
    """On a server base the database writes the change log of these tables itself."""
    return s.get_bind().dialect.name != "postgresql"


def log(s: Session, table: str, row_id: int, client_id: int | None,
        employee_id: int | None, old: dict[str, Any], new: dict[str, Any]) -> None:
    if program_logs(s):
        record_changes(s, table, row_id, client_id, employee_id, old, new)


def run_write(base: OpenedBase, action: Callable[[Session], T]) -> T:
    """``action`` in one transaction; a server refusal becomes AccessDenied."""

    def go() -> T:
        with base.sessions() as s, s.begin():
            return action(s)

    return guarded(go)


def parse_price(value: object) -> Decimal:
    """«1 500,50» → Decimal('1500.50'); empty is 0; negative or not a number refused."""
    text = str(value if value is not None else "").strip()
    text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".") or "0"
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise refuse("price", f"Цена «{value}» — не число") from None
    if not price.is_finite():
        raise refuse("price", f"Цена «{value}» — не число")
    if price < 0:
        raise refuse("price", "Цена не может быть отрицательной")
    if price != price.quantize(CENT):
        raise refuse("price", f"Цена {price} — больше двух знаков после запятой (копейки)")
    if price >= Decimal("1e12"):
        raise refuse("price", "Цена слишком велика")
    return price.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class EventData:
    kind: EventKind | str
    theme: str
    starts_at: datetime
    price: Decimal | str | int = Decimal("0.00")
    lecturer_id: int | None = None
    lecturer_name: str = ""
    place: str = ""
    link: str = ""
    capacity: int | None = None
    status: EventStatus | str = EventStatus.PLANNED
    notes: str = ""


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: EventKind
    theme: str
    starts_at: datetime
    lecturer: str
    lecturer_id: int | None
    lecturer_name: str
    price: Decimal
    place: str
    link: str
    capacity: int | None
    status: EventStatus
    notes: str
    registered: int  # not cancelled
    attended: int

    @property
    def kind_title(self) -> str:
        return EVENT_KIND_TITLES[self.kind]

    @property
    def status_title(self) -> str:
        return EVENT_STATUS_TITLES[self.status]

    @property
    def where(self) -> str:
        return self.place or self.link

    @property
    def title(self) -> str:
        return f"{self.kind_title} «{self.theme}» {self.starts_at.astimezone():%d.%m.%Y}"

    def as_data(self) -> EventData:
        return EventData(self.kind, self.theme, self.starts_at, self.price, self.lecturer_id,
                         self.lecturer_name, self.place, self.link, self.capacity,
                         self.status, self.notes)


def _clean(data: EventData) -> dict[str, Any]:
    try:
        kind = EventKind(data.kind)
    except ValueError:
        raise refuse("kind", f"Неизвестный вид мероприятия «{data.kind}»") from None
    try:
        status = EventStatus(data.status)
    except ValueError:
        raise refuse("status", f"Неизвестное состояние мероприятия «{data.status}»") from None
    theme = " ".join((data.theme or "").split())
    if not theme:
        raise refuse("theme", "Укажите тему мероприятия")
    if len(theme) > MAX_THEME:
        raise refuse("theme", f"Тема длиннее {MAX_THEME} знаков")
    if not isinstance(data.starts_at, datetime):
        raise refuse("starts_at", "Укажите дату и время начала мероприятия")
    capacity = data.capacity
    if capacity is not None and (not isinstance(capacity, int) or capacity <= 0):
        raise refuse("capacity", "Число мест должно быть больше нуля (или не указано)")
    if capacity == 0:
        capacity = None
    place, link = (data.place or "").strip()[:300], (data.link or "").strip()[:500]
    if kind is EventKind.WEBINAR and not link and not place:
        raise refuse("link", "Укажите ссылку на вебинар")
    lecturer_name = (data.lecturer_name or "").strip()[:200]
    return {"kind": kind, "theme": theme, "starts_at": data.starts_at,
            "price": parse_price(data.price), "lecturer_id": data.lecturer_id or None,
            "lecturer_name": "" if data.lecturer_id else lecturer_name, "place": place,
            "link": link, "capacity": capacity, "status": status,
            "notes": (data.notes or "").strip()}


def _snapshot(event: EducationEvent) -> dict[str, Any]:
    return {"kind": EventKind(event.kind).value, "theme": event.theme,
            "starts_at": event.starts_at, "lecturer_id": event.lecturer_id,
            "lecturer_name": event.lecturer_name, "price": event.price, "place": event.place,
            "link": event.link, "capacity": event.capacity,
            "status": EventStatus(event.status).value, "notes": event.notes}


def save_event(base: OpenedBase, data: EventData, employee_id: int | None, *,
               event_id: int | None = None, profile: AccessProfile | None = None) -> int:
    """Create (``event_id`` None) or rewrite an event; returns its id."""
    check_right(profile)
    values = _clean(data)

    def write(s: Session) -> int:
        if values["lecturer_id"] is not None and s.get(Employee, values["lecturer_id"]) is None:
            raise refuse("lecturer_id", "Лектор не найден среди сотрудников")
        if event_id is None:
            event = EducationEvent(**values, created_by_id=employee_id,
                                   updated_by_id=employee_id)
            s.add(event)
            s.flush()
            log(s, "education_events", event.id, None, employee_id, {}, _snapshot(event))
            return event.id
        event = s.get(EducationEvent, event_id)
        if event is None:
            raise refuse("id", "Мероприятие не найдено (возможно, удалено)")
        if values["capacity"] is not None:
            taken = _registered(s, event_id)
            if taken > values["capacity"]:
                raise refuse("capacity", f"Мест {values['capacity']}, а записано уже "
                                         f"{taken}: отмените лишних участников или "
                                         "увеличьте число мест")
        old = _snapshot(event)
        for key, value in values.items():
            setattr(event, key, value)
        event.updated_by_id = employee_id
        s.flush()
        log(s, "education_events", event.id, None, employee_id, old, _snapshot(event))
        return event.id

    return run_write(base, write)


def delete_event(base: OpenedBase, event_id: int, employee_id: int | None, *,
                 profile: AccessProfile | None = None) -> None:
    """Delete an event nobody is invoiced for (otherwise cancel it: status «Отменено»)."""
    check_right(profile)

    def write(s: Session) -> None:
        event = s.get(EducationEvent, event_id)
        if event is None:
            raise refuse("id", "Мероприятие не найдено (возможно, уже удалено)")
        invoiced = s.scalar(select(func.count()).where(
            EventParticipant.event_id == event_id, EventParticipant.invoice_id.is_not(None)))
        if invoiced:
            raise refuse("id", f"Участникам мероприятия выписаны счета ({invoiced}): "
                               "удалить его нельзя, отметьте его отменённым")
        old = _snapshot(event)
        s.delete(event)
        s.flush()
        log(s, "education_events", event_id, None, employee_id, old, {})

    run_write(base, write)


def _registered(s: Session, event_id: int) -> int:
    return int(s.scalar(select(func.count()).where(
        EventParticipant.event_id == event_id,
        EventParticipant.status != ParticipantStatus.CANCELLED)) or 0)


def _event_rows(s: Session, where: Any = None) -> list[EventRow]:
    p = EventParticipant
    counts = (select(p.event_id,
                     func.sum(case((p.status != ParticipantStatus.CANCELLED, 1), else_=0))
                     .label("registered"),
                     func.sum(case((p.stage == ParticipantStage.ATTENDED, 1), else_=0))
                     .label("attended"))
              .group_by(p.event_id).subquery())
    e = EducationEvent
    stmt = (select(e, Employee.full_name, counts.c.registered, counts.c.attended)
            .outerjoin(Employee, Employee.id == e.lecturer_id)
            .outerjoin(counts, counts.c.event_id == e.id)
            .order_by(e.starts_at.desc(), e.id.desc()))
    if where is not None:
        stmt = stmt.where(where)
    rows = []
    for event, lecturer, registered, attended in s.execute(stmt):
        rows.append(EventRow(
            event.id, EventKind(event.kind), event.theme, event.starts_at,
            lecturer or event.lecturer_name, event.lecturer_id, event.lecturer_name,
            Decimal(event.price), event.place, event.link, event.capacity,
            EventStatus(event.status), event.notes, int(registered or 0),
            int(attended or 0)))
    return rows


def list_events(base: OpenedBase, *, since: datetime | None = None,
                include_cancelled: bool = True) -> list[EventRow]:
    """Events, the latest first (from ``since`` on, when given), with their counts."""
    conditions = []
    if since is not None:
        conditions.append(EducationEvent.starts_at >= since)
    if not include_cancelled:
        conditions.append(EducationEvent.status != EventStatus.CANCELLED)
    with base.sessions() as s:
        return _event_rows(s, and_(*conditions) if conditions else None)


def get_event(base: OpenedBase, event_id: int) -> EventRow:
    with base.sessions() as s:
        rows = _event_rows(s, EducationEvent.id == event_id)
    if not rows:
        raise refuse("id", "Мероприятие не найдено (возможно, удалено)")
    return rows[0]


def lecturers(base: OpenedBase) -> list[tuple[int, str]]:
    """Active employees, by name, for the lecturer's list."""
    with base.sessions() as s:
        return [(r.id, r.full_name) for r in s.execute(
            select(Employee.id, Employee.full_name).where(Employee.is_active)
            .order_by(Employee.full_name))]


# --------------------------------------------------------------------------- norms


@dataclass(frozen=True)
class NormRow:
    id: int
    client_id: int | None
    client_name: str
    position: str
    trainings_per_year: int
    notes: str

    @property
    def subject(self) -> str:
        parts = []
        if self.position:
            parts.append(f"должность «{self.position}»")
        parts.append(f"клиент «{self.client_name}»" if self.client_id else "все клиенты")
        return ", ".join(parts)


def normal_position(text: str | None) -> str:
    return " ".join((text or "").split())


def list_norms(base: OpenedBase) -> list[NormRow]:
    with base.sessions() as s:
        rows = s.execute(select(TrainingNorm, Client.short_name)
                         .outerjoin(Client, Client.id == TrainingNorm.client_id))
        norms = [NormRow(n.id, n.client_id, name or "", n.position, n.trainings_per_year,
                         n.notes) for n, name in rows]
    # Sorted here: SQLite's lower() and the server's collation disagree on Cyrillic.
    return sorted(norms, key=lambda n: (n.client_id is not None, n.client_name.lower(),
                                        n.position.lower(), n.id))


def save_norm(base: OpenedBase, *, client_id: int | None, position: str,
              trainings_per_year: int, employee_id: int | None, notes: str = "",
              norm_id: int | None = None, profile: AccessProfile | None = None) -> int:
    """A norm for a position (any client), a client (any position) or both."""
    check_right(profile)
    position = normal_position(position)[:200]
    if client_id is None and not position:
        raise refuse("position", "Укажите должность или клиента, для которых действует норма")
    if not isinstance(trainings_per_year, int) or trainings_per_year < 1:
        raise refuse("trainings_per_year", "Норма — не меньше одного обучения в год")
    if trainings_per_year > 366:
        raise refuse("trainings_per_year", "Норма — не больше 366 обучений в год")

    def write(s: Session) -> int:
        if client_id is not None and s.get(Client, client_id) is None:
            raise refuse("client_id", "Клиент не найден (возможно, нет доступа)")
        # Compared here: SQLite's lower() leaves Cyrillic as it is.
        twin = next((n for n in s.scalars(select(TrainingNorm).where(
            TrainingNorm.client_id.is_(None) if client_id is None
            else TrainingNorm.client_id == client_id))
            if n.position.lower() == position.lower()), None)
        if twin is not None and twin.id != norm_id:
            raise refuse("position", "Такая норма уже есть: измените её")
        if norm_id is None:
            norm = TrainingNorm(client_id=client_id, position=position,
                                trainings_per_year=trainings_per_year, notes=notes,
                                updated_by_id=employee_id)
            s.add(norm)
            s.flush()
            old: dict[str, Any] = {}
        else:
            norm = s.get(TrainingNorm, norm_id)
            if norm is None:
                raise refuse("id", "Норма не найдена (возможно, удалена)")
            old = {"client_id": norm.client_id, "position": norm.position,
                   "trainings_per_year": norm.trainings_per_year}
            norm.client_id, norm.position = client_id, position
            norm.trainings_per_year, norm.notes = trainings_per_year, notes
            norm.updated_by_id = employee_id
            s.flush()
        log(s, "training_norms", norm.id, client_id, employee_id, old,
            {"client_id": client_id, "position": position,
             "trainings_per_year": trainings_per_year})
        return norm.id

    return run_write(base, write)


def delete_norm(base: OpenedBase, norm_id: int, employee_id: int | None, *,
                profile: AccessProfile | None = None) -> None:
    check_right(profile)

    def write(s: Session) -> None:
        norm = s.get(TrainingNorm, norm_id)
        if norm is None:
            raise refuse("id", "Норма не найдена (возможно, уже удалена)")
        old = {"client_id": norm.client_id, "position": norm.position,
               "trainings_per_year": norm.trainings_per_year}
        client_id = norm.client_id
        s.delete(norm)
        s.flush()
        log(s, "training_norms", norm_id, client_id, employee_id, old, {})

    run_write(base, write)
