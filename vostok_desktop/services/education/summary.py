"""The event's results («Итоги») and a contact's training record with its norm. No Qt.

«Итоги»: invoiced and paid sums (the invoices of the event's participants, each paid sum
capped at its invoice), expected attendance (registered minus cancelled), attended, the
count per stage and the average feedback score. A contact's training record is the
events it attended (participants at «Посетил»); its norm is the most specific training
norm that applies — the position at its client, else its client, else its position at
any client — compared with the trainings attended in the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Contact
from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    STAGE_ORDER,
    EducationEvent,
    EventKind,
    EventParticipant,
    ParticipantStage,
    ParticipantStatus,
    TrainingNorm,
)
from vostok_desktop.services.education.events import normal_position, refuse
from vostok_desktop.services.education.participants import invoice_payments


@dataclass(frozen=True)
class EventSummary:
    invoiced: Decimal
    paid: Decimal
    registered: int  # every registration, cancelled included
    cancelled: int
    no_show: int
    expected: int  # registered minus cancelled
    attended: int
    by_stage: dict[ParticipantStage, int]  # among the not cancelled
    feedback_count: int
    average_score: Decimal | None  # one decimal
    certificates: int
    handed_over: int
    capacity: int | None

    @property
    def debt(self) -> Decimal:
        return self.invoiced - self.paid

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.expected, 0)


def event_summary(base: OpenedBase, event_id: int) -> EventSummary:
    """«Итоги» of the event, as the login sees its participants."""
    with base.sessions() as s:
        event = s.get(EducationEvent, event_id)
        if event is None:
            raise refuse("id", "Мероприятие не найдено (возможно, удалено)")
        rows = s.execute(select(EventParticipant.stage, EventParticipant.status,
                                EventParticipant.invoice_id, EventParticipant.feedback_score,
                                EventParticipant.certificate_number,
                                EventParticipant.certificate_handed_at)
                         .where(EventParticipant.event_id == event_id)).all()
        sums = invoice_payments(s, [r.invoice_id for r in rows])
    invoiced = sum((t for t, _ in sums.values()), Decimal("0.00"))
    paid = sum((p for _, p in sums.values()), Decimal("0.00"))
    cancelled = sum(1 for r in rows if r.status == ParticipantStatus.CANCELLED)
    no_show = sum(1 for r in rows if r.status == ParticipantStatus.NO_SHOW)
    by_stage = dict.fromkeys(STAGE_ORDER, 0)
    for r in rows:
        if r.status != ParticipantStatus.CANCELLED:
            by_stage[ParticipantStage(r.stage)] += 1
    scores = [r.feedback_score for r in rows if r.feedback_score is not None]
    average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP) \
        if scores else None
    return EventSummary(
        invoiced, paid, len(rows), cancelled, no_show, len(rows) - cancelled,
        by_stage[ParticipantStage.ATTENDED], by_stage, len(scores), average,
        sum(1 for r in rows if r.certificate_number is not None),
        sum(1 for r in rows if r.certificate_handed_at is not None), event.capacity)


# --------------------------------------------------------------------------- training record


@dataclass(frozen=True)
class TrainingRecordRow:
    participant_id: int
    event_id: int
    starts_at: datetime
    kind: EventKind
    theme: str
    feedback_score: int | None
    certificate_number: int | None
    certificate_handed_at: datetime | None

    @property
    def kind_title(self) -> str:
        return EVENT_KIND_TITLES[self.kind]


@dataclass(frozen=True)
class NormStatus:
    norm: int | None  # trainings a year; None: no norm applies
    done: int  # trainings attended in the year
    year: int
    source: str  # which norm: «должность «Бухгалтер» у клиента …»

    @property
    def met(self) -> bool:
        return self.norm is None or self.done >= self.norm

    @property
    def text(self) -> str:
        if self.norm is None:
            return f"Норма обучения не задана; в {self.year} году обучений: {self.done}"
        state = "выполнена" if self.met else f"не выполнена: осталось {self.norm - self.done}"
        return (f"Норма — {self.norm} в год ({self.source}); в {self.year} году обучений: "
                f"{self.done}, норма {state}")


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def training_record(base: OpenedBase, contact_id: int) -> list[TrainingRecordRow]:
    """The events the contact attended, the latest first."""
    e, p = EducationEvent, EventParticipant
    with base.sessions() as s:
        rows = s.execute(select(p.id, e.id, e.starts_at, e.kind, e.theme, p.feedback_score,
                                p.certificate_number, p.certificate_handed_at)
                         .join(e, e.id == p.event_id)
                         .where(p.contact_id == contact_id,
                                p.stage == ParticipantStage.ATTENDED)
                         .order_by(e.starts_at.desc(), e.id.desc())).all()
    return [TrainingRecordRow(r[0], r[1], r[2], EventKind(r[3]), r[4], r[5], r[6], r[7])
            for r in rows]


def applicable_norm(s: Session, client_id: int, position: str | None
                    ) -> tuple[TrainingNorm | None, str]:
    """The most specific norm for a contact of ``client_id`` at ``position``."""
    pos = normal_position(position).lower()
    norms = list(s.scalars(select(TrainingNorm).where(
        (TrainingNorm.client_id == client_id) | TrainingNorm.client_id.is_(None))))
    by_rank = []
    for n in norms:
        n_pos = normal_position(n.position).lower()
        if n.client_id == client_id and n_pos and n_pos == pos:
            by_rank.append((0, n, f"должность «{n.position}» у этого клиента"))
        elif n.client_id == client_id and not n_pos:
            by_rank.append((1, n, "для всех контактных лиц клиента"))
        elif n.client_id is None and n_pos and n_pos == pos:
            by_rank.append((2, n, f"должность «{n.position}»"))
    if not by_rank:
        return None, ""
    _rank, norm, source = min(by_rank, key=lambda t: (t[0], t[1].id))
    return norm, source


def norm_status(base: OpenedBase, contact_id: int, year: int | None = None) -> NormStatus:
    """The contact's norm and how many trainings it attended in ``year`` (this year)."""
    year = year or date.today().year
    start, end = _year_bounds(year)
    with base.sessions() as s:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise refuse("contact_id", "Контактное лицо не найдено (возможно, нет доступа)")
        norm, source = applicable_norm(s, contact.client_id, contact.position)
        done = int(s.scalar(select(func.count()).select_from(EventParticipant)
                            .join(EducationEvent, EducationEvent.id == EventParticipant.event_id)
                            .where(EventParticipant.contact_id == contact_id,
                                   EventParticipant.stage == ParticipantStage.ATTENDED,
                                   EducationEvent.starts_at >= start,
                                   EducationEvent.starts_at < end)) or 0)
    return NormStatus(norm.trainings_per_year if norm else None, done, year, source)
