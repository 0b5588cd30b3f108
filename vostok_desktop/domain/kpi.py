"""KPI («показатели»): indicators, their plans and the sets of indicators per role.

An indicator is either a *measure* — a measure of one of the pivot engine's reports
(``report_key`` / ``measure_key``, e.g. ``client_contacts`` / ``count``), counted by
employee or department and period — or a *formula* of other indicators' codes
(:mod:`vostok_desktop.services.kpi.formula`). A plan is the target value of one
indicator for one employee or one department and one month, quarter or year. A set is
an ordered list of indicators a role looks at (at most one default set per job role);
an item's threshold marks «нужен контакт» when the fact is on the wrong side of it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow
from vostok_desktop.domain.org import EmployeeRole


class IndicatorKind(enum.StrEnum):
    MEASURE = "measure"
    FORMULA = "formula"


INDICATOR_KIND_TITLES: dict[IndicatorKind, str] = {
    IndicatorKind.MEASURE: "Из отчёта",
    IndicatorKind.FORMULA: "Формула",
}


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_KIND_TITLES: dict[PeriodKind, str] = {
    PeriodKind.MONTH: "Месяц",
    PeriodKind.QUARTER: "Квартал",
    PeriodKind.YEAR: "Год",
}

UNITS: tuple[str, ...] = ("шт", "%", "₽", "мин")

# Plans and thresholds: up to 12 digits before the point and 4 after.
VALUE_SCALE = 4
KpiValue = Numeric(16, VALUE_SCALE)


def is_period_start(kind: PeriodKind, day: date) -> bool:
    """Whether ``day`` is the first day of a period of ``kind``."""
    if day.day != 1:
        return False
    if kind is PeriodKind.QUARTER:
        return day.month in (1, 4, 7, 10)
    if kind is PeriodKind.YEAR:
        return day.month == 1
    return True


class Indicator(Base):
    """«Показатель KPI»."""

    __tablename__ = "kpi_indicators"
    __table_args__ = (
        CheckConstraint("kind IN ('measure', 'formula')", name="kind_known"),
        CheckConstraint("kind <> 'measure' OR (report_key IS NOT NULL AND measure_key IS "
                        "NOT NULL AND formula IS NULL)", name="measure_has_source"),
        CheckConstraint("kind <> 'formula' OR (formula IS NOT NULL AND report_key IS NULL "
                        "AND measure_key IS NULL)", name="formula_has_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[IndicatorKind] = mapped_column(str_enum(IndicatorKind))
    report_key: Mapped[str | None] = mapped_column(String(60))
    measure_key: Mapped[str | None] = mapped_column(String(60))
    formula: Mapped[str | None] = mapped_column(String(1000))
    unit: Mapped[str] = mapped_column(String(10), default="шт")
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class IndicatorPlan(Base):
    """The plan of one indicator for one employee XOR one department and one period
    (``period_start`` is the period's first day)."""

    __tablename__ = "kpi_plans"
    __table_args__ = (
        CheckConstraint("(employee_id IS NULL) <> (department_id IS NULL)",
                        name="one_subject"),
        CheckConstraint("period_kind IN ('month', 'quarter', 'year')", name="period_known"),
        Index("ix_kpi_plans_employee_period", "indicator_id", "employee_id", "period_kind",
              "period_start", unique=True, postgresql_where=text("employee_id IS NOT NULL"),
              sqlite_where=text("employee_id IS NOT NULL")),
        Index("ix_kpi_plans_department_period", "indicator_id", "department_id",
              "period_kind", "period_start", unique=True,
              postgresql_where=text("department_id IS NOT NULL"),
              sqlite_where=text("department_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_indicators.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    period_kind: Mapped[PeriodKind] = mapped_column(str_enum(PeriodKind))
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(KpiValue)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class IndicatorSet(Base):
    """«Набор показателей»: e.g. «Руководитель продаж»; ``role`` makes it that job
    role's default set (one per role)."""

    __tablename__ = "kpi_sets"
    __table_args__ = (
        Index("ix_kpi_sets_one_per_role", "role", unique=True,
              postgresql_where=text("role IS NOT NULL"),
              sqlite_where=text("role IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[EmployeeRole | None] = mapped_column(str_enum(EmployeeRole))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))

    items: Mapped[list[IndicatorSetItem]] = relationship(
        back_populates="set", cascade="all, delete-orphan",
        order_by="IndicatorSetItem.position")


class IndicatorSetItem(Base):
    """One indicator of a set, in order; ``threshold`` (optional) is the «нужен
    контакт» line: a fact below it (above, when lower is better) asks for attention."""

    __tablename__ = "kpi_set_items"
    __table_args__ = (UniqueConstraint("set_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("kpi_sets.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_indicators.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column()
    threshold: Mapped[Decimal | None] = mapped_column(KpiValue)

    set: Mapped[IndicatorSet] = relationship(back_populates="items")
