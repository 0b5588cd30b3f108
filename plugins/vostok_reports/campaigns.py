"""Pivot reports of the campaigns area: «Итоги кампаний обзвона» — the contacts of call
campaigns by campaign, result, refusal reason and operator, with the talk time taken
from the call log (in minutes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, cast, select

from vostok_desktop.domain import Client
from vostok_desktop.domain.campaigns import (
    CAMPAIGN_STATUS_TITLES,
    ITEM_STATE_TITLES,
    CallResult,
    Campaign,
    CampaignItem,
    RefusalReason,
)
from vostok_desktop.services.reports.pivot import (
    Dimension,
    DrillColumn,
    Measure,
    ReportDefinition,
    SourceParams,
)
from vostok_reports.definitions import (
    AVG,
    CLIENT,
    COUNT,
    DISTINCT,
    SHARE,
    SUM,
    _employee_columns,
    _employee_dimensions,
    _join_employee,
    _titles,
)


def _results_source(params: SourceParams) -> Select[Any]:
    joins, operator = _employee_columns(CampaignItem.done_by_id, "operator")
    minutes = cast(CampaignItem.talk_seconds, Float) / 60.0
    stmt = (select(CampaignItem.id.label("id"),
                   CampaignItem.campaign_id.label("campaign_id"),
                   Campaign.title.label("campaign_title"),
                   Campaign.status.label("campaign_status"),
                   CampaignItem.state.label("state"),
                   CampaignItem.result_id.label("result_id"),
                   CallResult.title.label("result_title"),
                   CallResult.is_refusal.label("refusal"),
                   (CampaignItem.result_id.is_not(None)).label("worked"),
                   CampaignItem.refusal_reason_id.label("reason_id"),
                   RefusalReason.title.label("reason_title"),
                   CampaignItem.done_at.label("done_at"),
                   CampaignItem.attempts.label("attempts"),
                   CampaignItem.talk_seconds.label("talk_seconds"),
                   minutes.label("talk_minutes"),
                   CampaignItem.note.label("note"),
                   CampaignItem.client_id.label("client_id"),
                   Client.short_name.label("client_name"), *operator)
            .join(Campaign, Campaign.id == CampaignItem.campaign_id)
            .join(Client, Client.id == CampaignItem.client_id)
            .outerjoin(CallResult, CallResult.id == CampaignItem.result_id)
            .outerjoin(RefusalReason, RefusalReason.id == CampaignItem.refusal_reason_id))
    return _join_employee(stmt, joins, CampaignItem.done_by_id)


_DIMENSIONS = (
    Dimension("campaign", "Кампания", "campaign_id", label="campaign_title"),
    Dimension("campaign_status", "Состояние кампании", "campaign_status",
              titles=_titles(CAMPAIGN_STATUS_TITLES)),
    Dimension("result", "Результат звонка", "result_id", label="result_title"),
    Dimension("reason", "Причина отказа", "reason_id", label="reason_title"),
    Dimension("state", "Состояние контакта", "state", titles=_titles(ITEM_STATE_TITLES)),
    *_employee_dimensions("operator", "Оператор", "Отдел оператора"),
    Dimension("period", "Дата звонка", "done_at", date=True, timestamp=True),
    CLIENT,
)

CAMPAIGN_RESULTS = ReportDefinition(
    key="campaign_results", employee_dimension="operator", title="Итоги кампаний обзвона",
    section="Продажи",
    description="Контакты кампаний обзвона по кампаниям, результатам, причинам отказа и "
                "операторам; время разговора — из журнала звонков.",
    source=_results_source, dimensions=_DIMENSIONS,
    measures=(
        Measure("count", "Контактов", COUNT, unit="шт"),
        Measure("worked", "С результатом", COUNT, condition="worked", unit="шт"),
        Measure("refusals", "Отказов", COUNT, condition="refusal", unit="шт"),
        Measure("talk_minutes", "Время разговора, мин", SUM, column="talk_minutes",
                unit="мин"),
        Measure("avg_talk_minutes", "Средний разговор, мин", AVG, column="talk_minutes",
                unit="мин"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("done_at", "Когда"), DrillColumn("campaign_title", "Кампания"),
                   DrillColumn("client_name", "Клиент"),
                   DrillColumn("result_title", "Результат"),
                   DrillColumn("reason_title", "Причина отказа"),
                   DrillColumn("operator_name", "Оператор"),
                   DrillColumn("talk_seconds", "Разговор, с"), DrillColumn("note", "Заметка")),
    default_rows=("campaign",), default_columns=("result",),
    default_measures=("count", "talk_minutes"),
)

REPORTS: tuple[ReportDefinition, ...] = (CAMPAIGN_RESULTS,)
