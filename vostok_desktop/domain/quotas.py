"""КЦ quotas («квоты КК / ОГ»): which distributive is served on a quota the coordination
centre grants, and the plan of filling those quotas per year and department.

A quota mark follows its distributive and is kept under the client's visibility
(``client_id`` is the distributive's client when the mark is written). A plan row with
no department is the whole company's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class QuotaKind(enum.StrEnum):
    KK = "kk"
    OG = "og"


QUOTA_KIND_TITLES: dict[QuotaKind, str] = {QuotaKind.KK: "КК", QuotaKind.OG: "ОГ"}

DEFAULT_MAX_PERCENT = Decimal("80.00")


class DistributiveKcQuota(Base):
    """«Квота КЦ» of a distributive: served on a КК or ОГ quota from ``valid_from`` up to
    and including ``valid_to`` (open while it is NULL); at most one open mark each."""

    __tablename__ = "distributive_kc_quotas"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_in_order"),
        Index("ix_distributive_kc_quotas_one_open", "distributive_id", unique=True,
              postgresql_where=text("valid_to IS NULL"), sqlite_where=text("valid_to IS NULL")),
        Index("ix_distributive_kc_quotas_distributive_id_valid_from", "distributive_id",
              "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    distributive_id: Mapped[int] = mapped_column(
        ForeignKey("distributives.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[QuotaKind] = mapped_column(str_enum(QuotaKind))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class KcQuotaPlan(Base):
    """The plan for a year, department (NULL: the company) and kind: how many systems
    the КЦ allows (``quota``) and how full they may be filled (``max_percent``)."""

    __tablename__ = "kc_quota_plans"
    __table_args__ = (
        CheckConstraint("quota >= 0", name="quota_not_negative"),
        CheckConstraint("max_percent > 0 AND max_percent <= 100", name="percent_range"),
        Index("ix_kc_quota_plans_department", "year", "kind", "department_id", unique=True,
              postgresql_where=text("department_id IS NOT NULL"),
              sqlite_where=text("department_id IS NOT NULL")),
        Index("ix_kc_quota_plans_company", "year", "kind", unique=True,
              postgresql_where=text("department_id IS NULL"),
              sqlite_where=text("department_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QuotaKind] = mapped_column(str_enum(QuotaKind))
    quota: Mapped[int] = mapped_column()
    max_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=DEFAULT_MAX_PERCENT)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
