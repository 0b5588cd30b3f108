"""Sales («Продажи»): leads from the website (заявки), deals over configurable stages with
the instruments of attraction, and the need rules (a contact's position → a recommended
system) that detect a client's needs.

A lead keeps what was received as it was received (name, organisation, INN, phone,
e-mail, text); ``client_id`` is the client it was matched to or created for. A deal is
always a client's; every stage move is a :class:`DealStageChange` (the funnel's source).
An import batch remembers the file's SHA-256 so that one file is never imported twice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, Money, UtcDateTime, str_enum, utcnow


class LeadStatus(enum.StrEnum):
    NEW = "new"
    IN_WORK = "in_work"
    CONVERTED = "converted"
    REJECTED = "rejected"


LEAD_STATUS_TITLES: dict[LeadStatus, str] = {
    LeadStatus.NEW: "Новая",
    LeadStatus.IN_WORK: "В работе",
    LeadStatus.CONVERTED: "Принята",
    LeadStatus.REJECTED: "Отклонена",
}
OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.IN_WORK)


class AttractionInstrument(Base):
    """«Инструмент привлечения»: «Сайт», «Семинар», «Телемаркетинг», «Рекомендация»…"""

    __tablename__ = "attraction_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class DealStage(Base):
    """«Этап сделки», in ``position`` order; a won or lost stage closes the deal."""

    __tablename__ = "deal_stages"
    __table_args__ = (
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability_range"),
        CheckConstraint("NOT (is_won AND is_lost)", name="won_or_lost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    probability: Mapped[int] = mapped_column(default=0)
    is_won: Mapped[bool] = mapped_column(default=False)
    is_lost: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def is_closing(self) -> bool:
        return self.is_won or self.is_lost


class NeedRule(Base):
    """«Правило потребности»: a contact whose position contains ``position_pattern``
    (case-insensitive) makes ``system_id`` (or the free ``title``) recommended."""

    __tablename__ = "need_rules"
    __table_args__ = (
        CheckConstraint("system_id IS NOT NULL OR title <> ''", name="has_recommendation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_pattern: Mapped[str] = mapped_column(String(200))
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_systems.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)


class LeadBatch(Base):
    """One imported file (or mailbox export): its name and SHA-256."""

    __tablename__ = "lead_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_count: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class Lead(Base):
    """«Заявка с сайта»."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_status_received_at", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    inn: Mapped[str] = mapped_column(String(12), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    status: Mapped[LeadStatus] = mapped_column(str_enum(LeadStatus), default=LeadStatus.NEW)
    result: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_batches.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Deal(Base):
    """«Сделка»: a client's, at a stage, with the responsible manager and the expected sum."""

    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint("expected_sum >= 0", name="sum_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("deal_stages.id", ondelete="RESTRICT"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    expected_sum: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    instrument_id: Mapped[int | None] = mapped_column(
        ForeignKey("attraction_instruments.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class DealStageChange(Base):
    """One move of a deal: from → to, when, who (the first row has no ``from``)."""

    __tablename__ = "deal_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"),
                                         index=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("deal_stages.id", ondelete="RESTRICT"))
    to_stage_id: Mapped[int] = mapped_column(
        ForeignKey("deal_stages.id", ondelete="RESTRICT"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


__all__ = [
    "LEAD_STATUS_TITLES", "OPEN_LEAD_STATUSES", "AttractionInstrument", "Deal", "DealStage",
    "DealStageChange", "Lead", "LeadBatch", "LeadStatus", "NeedRule",
]
