"""Telemarketing («Телемаркетинг»): call campaigns over lists of clients and contacts.

A campaign («кампания обзвона») has a title, an information occasion («информационный
повод», what the operator tells), a period and a status (draft → active → closed). Its
items («контакты кампании») are the queue: one client (and its contact, if any) each,
taken by one operator at a time, worked to a result («результат звонка») — a refusal
needs its reason («причина отказа») — with the talk time of the call placed for it taken
from the call log. The result and refusal catalogues are editable lists.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


CAMPAIGN_STATUS_TITLES: dict[CampaignStatus, str] = {
    CampaignStatus.DRAFT: "Подготовка",
    CampaignStatus.ACTIVE: "Идёт обзвон",
    CampaignStatus.CLOSED: "Завершена",
}


class ItemState(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


ITEM_STATE_TITLES: dict[ItemState, str] = {
    ItemState.PENDING: "В очереди",
    ItemState.IN_PROGRESS: "Звонит оператор",
    ItemState.DONE: "Обработан",
    ItemState.SKIPPED: "Пропущен",
}


class CallResult(Base):
    """«Результат звонка»: an entry of the editable list. ``is_refusal`` asks for a
    refusal reason; ``retry`` puts the contact back in the queue (no answer, call back)."""

    __tablename__ = "campaign_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    is_refusal: Mapped[bool] = mapped_column(default=False)
    retry: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class RefusalReason(Base):
    """«Причина отказа»: an entry of the editable list."""

    __tablename__ = "refusal_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class Campaign(Base):
    """«Кампания обзвона»."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'closed')", name="status_known"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    occasion: Mapped[str] = mapped_column(Text, default="")  # «информационный повод»
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[CampaignStatus] = mapped_column(str_enum(CampaignStatus),
                                                   default=CampaignStatus.DRAFT)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class CampaignItem(Base):
    """One contact of a campaign's queue («контакт кампании»)."""

    __tablename__ = "campaign_items"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'in_progress', 'done', 'skipped')",
                        name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("talk_seconds IS NULL OR talk_seconds >= 0",
                        name="talk_seconds_not_negative"),
        Index("ix_campaign_items_queue", "campaign_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    state: Mapped[ItemState] = mapped_column(str_enum(ItemState), default=ItemState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    result_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_results.id", ondelete="RESTRICT"), index=True)
    refusal_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("refusal_reasons.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"),
                                                index=True)
    talk_seconds: Mapped[int | None]
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


__all__ = ["CAMPAIGN_STATUS_TITLES", "ITEM_STATE_TITLES", "CallResult", "Campaign",
           "CampaignItem", "CampaignStatus", "ItemState", "RefusalReason"]
