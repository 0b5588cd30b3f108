"""Education services («Учебный центр»): events (seminars, webinars, trainings), their
participants — contact persons moving through the stages приглашение → документы
выписаны → оплачено → посетил — with feedback and certificates, and training norms
(«нормы обучения»: N trainings a year per contact position and/or per client).

A contact's training record is not stored twice: it is the events the contact attended
(participants at the stage «посетил»). A participant carries its contact's client
(``client_id``, denormalised; the server sets it from the contact) so the client
visibility rules of the server base apply to it as to the client's own rows; its
invoice is a money document of that same client (a composite foreign key).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, Money, UtcDateTime, str_enum, utcnow


class EventKind(enum.StrEnum):
    SEMINAR = "seminar"
    WEBINAR = "webinar"
    TRAINING = "training"


EVENT_KIND_TITLES: dict[EventKind, str] = {
    EventKind.SEMINAR: "Семинар",
    EventKind.WEBINAR: "Вебинар",
    EventKind.TRAINING: "Тренинг",
}


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


EVENT_STATUS_TITLES: dict[EventStatus, str] = {
    EventStatus.PLANNED: "Запланировано",
    EventStatus.HELD: "Проведено",
    EventStatus.CANCELLED: "Отменено",
}


class ParticipantStage(enum.StrEnum):
    """How far a participant got, in this order."""

    INVITED = "invited"
    DOCUMENTS_ISSUED = "documents_issued"
    PAID = "paid"
    ATTENDED = "attended"


STAGE_ORDER: tuple[ParticipantStage, ...] = tuple(ParticipantStage)
STAGE_TITLES: dict[ParticipantStage, str] = {
    ParticipantStage.INVITED: "Приглашение",
    ParticipantStage.DOCUMENTS_ISSUED: "Документы выписаны",
    ParticipantStage.PAID: "Оплачено",
    ParticipantStage.ATTENDED: "Посетил",
}


class ParticipantStatus(enum.StrEnum):
    REGISTERED = "registered"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


PARTICIPANT_STATUS_TITLES: dict[ParticipantStatus, str] = {
    ParticipantStatus.REGISTERED: "Записан",
    ParticipantStatus.CANCELLED: "Отменил участие",
    ParticipantStatus.NO_SHOW: "Не пришёл",
}


def _known(column: str, enum_cls: type[enum.Enum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum_cls)})"


class EducationEvent(Base):
    """«Мероприятие»: a seminar, webinar or training with its theme, date, lecturer (an
    employee or a name typed in), price, place or link and capacity."""

    __tablename__ = "education_events"
    __table_args__ = (
        CheckConstraint(_known("kind", EventKind), name="kind_known"),
        CheckConstraint(_known("status", EventStatus), name="status_known"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        Index("ix_education_events_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    theme: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lecturer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    lecturer_name: Mapped[str] = mapped_column(String(200), default="")
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    place: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column()
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus),
                                                default=EventStatus.PLANNED)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class EventParticipant(Base):
    """«Участник мероприятия»: a contact person registered for an event."""

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "contact_id"),
        UniqueConstraint("event_id", "certificate_number"),
        ForeignKeyConstraint(["client_id", "invoice_id"],
                             ["money_documents.client_id", "money_documents.id"],
                             name="fk_event_participants_invoice_of_client"),
        CheckConstraint(_known("stage", ParticipantStage), name="stage_known"),
        CheckConstraint(_known("status", ParticipantStatus), name="status_known"),
        CheckConstraint("feedback_score IS NULL OR (feedback_score >= 1 AND "
                        "feedback_score <= 5)", name="feedback_range"),
        CheckConstraint("certificate_number IS NULL OR certificate_number >= 1",
                        name="certificate_number_positive"),
        CheckConstraint("certificate_handed_at IS NULL OR certificate_number IS NOT NULL",
                        name="handed_has_number"),
        CheckConstraint("certificate_handed_by_id IS NULL OR certificate_handed_at IS NOT "
                        "NULL", name="handed_by_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("education_events.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    stage: Mapped[ParticipantStage] = mapped_column(str_enum(ParticipantStage),
                                                    default=ParticipantStage.INVITED)
    status: Mapped[ParticipantStatus] = mapped_column(
        str_enum(ParticipantStatus), default=ParticipantStatus.REGISTERED)
    invoice_id: Mapped[int | None] = mapped_column(index=True)
    feedback_score: Mapped[int | None] = mapped_column(SmallInteger)
    feedback_comment: Mapped[str] = mapped_column(Text, default="")
    certificate_number: Mapped[int | None] = mapped_column()
    certificate_handed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    certificate_handed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class TrainingNorm(Base):
    """«Норма обучения»: so many trainings a year for the contacts of one position
    (any client), of one client (any position) or of one position at one client."""

    __tablename__ = "training_norms"
    __table_args__ = (
        CheckConstraint("client_id IS NOT NULL OR position <> ''", name="has_subject"),
        CheckConstraint("trainings_per_year >= 1", name="per_year_positive"),
        UniqueConstraint("client_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    trainings_per_year: Mapped[int] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


__all__ = [
    "EVENT_KIND_TITLES",
    "EVENT_STATUS_TITLES",
    "PARTICIPANT_STATUS_TITLES",
    "STAGE_ORDER",
    "STAGE_TITLES",
    "EducationEvent",
    "EventKind",
    "EventParticipant",
    "EventStatus",
    "ParticipantStage",
    "ParticipantStatus",
    "TrainingNorm",
]
