"""Competitors (конкуренты): the catalogue, the configurable lifecycle and the document
«Конкурент клиента» (ClientCompetitor) with its kits, their users, contacts' attitude to
the competitor, the stage history and the links to counter-work (assignments, works).

Every row of a document carries its ``client_id`` (row-level security by client on a
server base); the children name their document together with that client (a composite
foreign key), so a kit can never hang on another client's document.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, Money, UtcDateTime, str_enum, utcnow


class StageKind(enum.StrEnum):
    """What a stage of the lifecycle means for the reports."""

    THREAT = "threat"  # the competitor is approaching the client
    ACTIVE = "active"  # the competitor is at the client; counter-work goes on
    ELIMINATED = "eliminated"  # the competitor is gone (closes the document)
    LOST = "lost"  # the client went over to the competitor (closes the document)


STAGE_KIND_TITLES: dict[StageKind, str] = {
    StageKind.THREAT: "Угроза",
    StageKind.ACTIVE: "Противостояние",
    StageKind.ELIMINATED: "Конкурент устранён",
    StageKind.LOST: "Клиент ушёл к конкуренту",
}
CLOSING_KINDS = (StageKind.ELIMINATED, StageKind.LOST)


class PriceLevel(enum.StrEnum):
    LOW = "low"
    SAME = "same"
    HIGH = "high"


PRICE_LEVEL_TITLES: dict[PriceLevel, str] = {
    PriceLevel.LOW: "Дешевле нас",
    PriceLevel.SAME: "Как у нас",
    PriceLevel.HIGH: "Дороже нас",
}


class Encounter(enum.StrEnum):
    """Столкновение: the competitor comes to a client we serve; пересечение: we meet it
    at a client we are courting."""

    CLASH = "clash"
    OVERLAP = "overlap"


ENCOUNTER_TITLES: dict[Encounter, str] = {
    Encounter.CLASH: "Столкновение",
    Encounter.OVERLAP: "Пересечение",
}


class Attitude(enum.StrEnum):
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    OPPONENT = "opponent"


ATTITUDE_TITLES: dict[Attitude, str] = {
    Attitude.SUPPORTER: "Сторонник конкурента",
    Attitude.NEUTRAL: "Нейтрален",
    Attitude.OPPONENT: "Противник конкурента",
}


class Competitor(Base):
    """A rival vendor in the catalogue «Конкуренты» (written with «Справочник конкурентов»)."""

    __tablename__ = "competitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    product: Mapped[str] = mapped_column(String(200), default="")  # its system's name
    price_level: Mapped[PriceLevel] = mapped_column(str_enum(PriceLevel),
                                                    default=PriceLevel.SAME)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)


class CompetitorStage(Base):
    """A stage of the document's lifecycle, configured per company (РИЦ)."""

    __tablename__ = "competitor_stages"
    __table_args__ = (CheckConstraint("position >= 0", name="position_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[StageKind] = mapped_column(str_enum(StageKind), default=StageKind.ACTIVE)


class ClientCompetitor(Base):
    """«Конкурент клиента»: one competitor at one client, from the threat to its end."""

    __tablename__ = "client_competitors"
    __table_args__ = (
        UniqueConstraint("client_id", "id"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="dates_in_order"),
        CheckConstraint("monthly_value >= 0", name="value_positive"),
        Index("ix_client_competitors_client_id_opened_on", "client_id", "opened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    competitor_id: Mapped[int] = mapped_column(
        ForeignKey("competitors.id", ondelete="RESTRICT"), index=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("competitor_stages.id", ondelete="RESTRICT"), index=True)
    encounter: Mapped[Encounter] = mapped_column(str_enum(Encounter), default=Encounter.CLASH)
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    # What the client pays (or would pay) the competitor per month.
    monthly_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


def _document_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["client_id", "document_id"], ["client_competitors.client_id", "client_competitors.id"],
        ondelete="CASCADE", name=f"fk_{table}_document_client")


class CompetitorStageMove(Base):
    """The document's stage history: from → to, when, who."""

    __tablename__ = "competitor_stage_moves"
    __table_args__ = (_document_fk("competitor_stage_moves"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(index=True)
    from_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("competitor_stages.id", ondelete="SET NULL"))
    to_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("competitor_stages.id", ondelete="SET NULL"))
    moved_on: Mapped[date] = mapped_column(Date)
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    moved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class CompetitorKit(Base):
    """A kit of the competitor at the client: its product, workplaces, since when, price."""

    __tablename__ = "competitor_kits"
    __table_args__ = (
        _document_fk("competitor_kits"),
        UniqueConstraint("client_id", "id"),
        CheckConstraint("workplaces >= 0", name="workplaces_positive"),
        CheckConstraint("monthly_price IS NULL OR monthly_price >= 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(index=True)
    product: Mapped[str] = mapped_column(String(200))
    workplaces: Mapped[int] = mapped_column(default=1)
    since: Mapped[date | None] = mapped_column(Date)
    monthly_price: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")


class CompetitorKitUser(Base):
    """A contact person who works with the competitor's kit."""

    __tablename__ = "competitor_kit_users"
    __table_args__ = (
        ForeignKeyConstraint(["client_id", "kit_id"],
                             ["competitor_kits.client_id", "competitor_kits.id"],
                             ondelete="CASCADE", name="fk_competitor_kit_users_kit_client"),
        UniqueConstraint("kit_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kit_id: Mapped[int] = mapped_column()
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            index=True)


class ContactCompetitorAttitude(Base):
    """How a contact person regards the competitor of a document (replaces the contact's
    old free text «Отношение к конкурентам», which stays readable in the card)."""

    __tablename__ = "contact_competitor_attitudes"
    __table_args__ = (
        _document_fk("contact_competitor_attitudes"),
        UniqueConstraint("document_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column()
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            index=True)
    attitude: Mapped[Attitude] = mapped_column(str_enum(Attitude), default=Attitude.NEUTRAL)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class CompetitorWorkLink(Base):
    """Counter-work: an assignment or a work of the same client filed under the document."""

    __tablename__ = "competitor_work_links"
    __table_args__ = (
        _document_fk("competitor_work_links"),
        CheckConstraint("(assignment_id IS NULL) <> (work_id IS NULL)", name="one_target"),
        UniqueConstraint("document_id", "assignment_id"),
        UniqueConstraint("document_id", "work_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column()
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_records.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


__all__ = [
    "ATTITUDE_TITLES", "CLOSING_KINDS", "ENCOUNTER_TITLES", "PRICE_LEVEL_TITLES",
    "STAGE_KIND_TITLES", "Attitude", "ClientCompetitor", "Competitor", "CompetitorKit",
    "CompetitorKitUser", "CompetitorStage", "CompetitorStageMove", "CompetitorWorkLink",
    "ContactCompetitorAttitude", "Encounter", "PriceLevel", "StageKind",
]
