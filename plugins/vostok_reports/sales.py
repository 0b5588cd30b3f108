"""Pivot reports of the sales area: «Воронка продаж (сделки)» — deals by their stage,
month, responsible, instrument of attraction, with their count and expected sum — and
«Заявки с сайта» — leads by source, status, responsible and month.

Stages are shown as «1. Первичный контакт», numbered in the catalogue's order, so the
funnel reads from the top in that order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from vostok_desktop.domain import Client
from vostok_desktop.domain.sales import (
    LEAD_STATUS_TITLES,
    AttractionInstrument,
    Deal,
    DealStage,
    Lead,
    LeadStatus,
)
from vostok_desktop.services.reports.pivot import (
    Dimension,
    DrillColumn,
    Measure,
    MeasureKind,
    ReportDefinition,
    SourceParams,
)
from vostok_reports.definitions import (
    CLIENT,
    _employee_columns,
    _employee_dimensions,
    _join_employee,
    _titles,
)

COUNT = MeasureKind.COUNT
SUM = MeasureKind.SUM
AVG = MeasureKind.AVG
DISTINCT = MeasureKind.COUNT_DISTINCT
SHARE = MeasureKind.SHARE

OUTCOME_TITLES = {"open": "В работе", "won": "Успешно", "lost": "Отказ"}


def _stage_label(stage: Any) -> Any:
    """«N. title», N the stage's place in the catalogue's order."""
    other = aliased(DealStage, name="earlier_stage")
    rank = (select(func.count()).where(or_(
        other.position < stage.position,
        and_(other.position == stage.position, other.id <= stage.id)))
        .correlate(stage).scalar_subquery())
    return cast(rank, String) + ". " + stage.title


def _deals_source(params: SourceParams) -> Select[Any]:
    joins, responsible = _employee_columns(Deal.responsible_id, "responsible")
    outcome = case((DealStage.is_won.is_(True), "won"), (DealStage.is_lost.is_(True), "lost"),
                   else_="open")
    stmt = (select(Deal.id.label("id"), Deal.created_at.label("created_at"),
                   Deal.title.label("title"), Deal.expected_sum.label("expected_sum"),
                   Deal.expected_close_on.label("expected_close_on"),
                   Deal.stage_id.label("stage_id"), _stage_label(DealStage).label("stage_name"),
                   outcome.label("outcome"), DealStage.is_won.label("won"),
                   Deal.instrument_id.label("instrument_id"),
                   AttractionInstrument.title.label("instrument_name"),
                   Deal.client_id.label("client_id"), Client.short_name.label("client_name"),
                   *responsible)
            .join(Client, Client.id == Deal.client_id)
            .join(DealStage, DealStage.id == Deal.stage_id)
            .outerjoin(AttractionInstrument, AttractionInstrument.id == Deal.instrument_id))
    return _join_employee(stmt, joins, Deal.responsible_id)


DEAL_FUNNEL = ReportDefinition(
    key="deal_funnel", employee_dimension="responsible", title="Воронка продаж (сделки)",
    section="Продажи",
    description="Сделки по этапам (в порядке настройки продаж), месяцам, ответственным и "
                "инструментам привлечения: количество и ожидаемая сумма.",
    source=_deals_source,
    dimensions=(
        Dimension("stage", "Этап", "stage_id", label="stage_name"),
        Dimension("period", "Дата сделки", "created_at", date=True, timestamp=True),
        *_employee_dimensions("responsible", "Ответственный", "Отдел ответственного"),
        Dimension("instrument", "Инструмент привлечения", "instrument_id",
                  label="instrument_name"),
        Dimension("outcome", "Итог", "outcome", titles=OUTCOME_TITLES),
        Dimension("close", "Ожидаемое закрытие", "expected_close_on", date=True),
        CLIENT,
    ),
    measures=(
        Measure("count", "Сделок", COUNT, unit="шт"),
        Measure("amount", "Ожидаемая сумма, ₽", SUM, column="expected_sum", money=True,
                unit="₽"),
        Measure("avg_amount", "Средняя сумма, ₽", AVG, column="expected_sum", money=True,
                unit="₽"),
        Measure("won", "Успешных", COUNT, condition="won", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("created_at", "Дата"), DrillColumn("client_name", "Клиент"),
                   DrillColumn("title", "Сделка"), DrillColumn("stage_name", "Этап"),
                   DrillColumn("responsible_name", "Ответственный"),
                   DrillColumn("expected_sum", "Ожидаемая сумма", money=True),
                   DrillColumn("instrument_name", "Инструмент")),
    default_rows=("stage",), default_columns=("period",),
    default_measures=("count", "amount"),
)


def _leads_source(params: SourceParams) -> Select[Any]:
    joins, responsible = _employee_columns(Lead.responsible_id, "responsible")
    stmt = (select(Lead.id.label("id"), Lead.received_at.label("received_at"),
                   Lead.source.label("source"), Lead.status.label("status"),
                   Lead.name.label("name"), Lead.organisation.label("organisation"),
                   Lead.phone.label("phone"), Lead.email.label("email"),
                   (Lead.status == LeadStatus.CONVERTED).label("converted"),
                   (Lead.client_id.is_not(None)).label("matched"),
                   Lead.client_id.label("client_id"),
                   func.coalesce(Client.short_name, Lead.organisation).label("client_name"),
                   *responsible)
            .outerjoin(Client, Client.id == Lead.client_id))
    return _join_employee(stmt, joins, Lead.responsible_id)


LEADS = ReportDefinition(
    key="leads", employee_dimension="responsible", title="Заявки с сайта", section="Продажи",
    description="Заявки по источникам, состояниям, ответственным и месяцам; сколько принято.",
    source=_leads_source,
    dimensions=(
        Dimension("source", "Источник", "source"),
        Dimension("status", "Состояние", "status", titles=_titles(LEAD_STATUS_TITLES)),
        *_employee_dimensions("responsible", "Ответственный", "Отдел ответственного"),
        Dimension("period", "Дата заявки", "received_at", date=True, timestamp=True),
        Dimension("matched", "Клиент найден", "matched", titles={True: "да", False: "нет"}),
    ),
    measures=(
        Measure("count", "Заявок", COUNT, unit="шт"),
        Measure("converted", "Принято", COUNT, condition="converted", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    entity="client",
    drill_columns=(DrillColumn("received_at", "Дата"), DrillColumn("source", "Источник"),
                   DrillColumn("name", "Имя"), DrillColumn("organisation", "Организация"),
                   DrillColumn("phone", "Телефон"), DrillColumn("email", "E-mail"),
                   DrillColumn("status", "Состояние"),
                   DrillColumn("responsible_name", "Ответственный")),
    default_rows=("source",), default_columns=("status",), default_measures=("count",),
)

REPORTS: tuple[ReportDefinition, ...] = (DEAL_FUNNEL, LEADS)
