"""The sources of the competitors' pivot reports (plugins/vostok_reports/competitors.py).
No Qt.

* :func:`documents_source` — one row per «Конкурент клиента» document with its competitor,
  stage, dates, value per month, kits' workplaces and the flags the measures count
  (столкновение / пересечение, устранён, клиент ушёл, still open).
* :func:`presence_source` — market shares with dynamics: one row per document and month
  in which the competitor is at the client: opened by the month's end and not eliminated
  before the month began (a client lost to the competitor stays with it). The shares are
  the pivot engine's SHARE measures over these rows: by count, by value (the documents'
  value per month) and by potential (the kits' workplaces).

The inefficiency ratio of the fight against clashes («коэффициент неэффективности») is
lost / (lost + eliminated) × 100 %: the AVG of ``lost_pct``, which is 100 for a document
closed as lost, 0 for one closed as eliminated and empty for an open one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from vostok_desktop.domain import Client, ClientStatus, Employee
from vostok_desktop.domain.competitors import (
    ClientCompetitor,
    Competitor,
    CompetitorKit,
    CompetitorStage,
    Encounter,
    StageKind,
)
from vostok_desktop.services.reports.pivot import SourceParams

MAX_MONTHS = 120  # ten years of monthly snapshots at most


def _columns() -> list[Any]:
    kind = CompetitorStage.kind
    places = (select(func.coalesce(func.sum(CompetitorKit.workplaces), 0))
              .where(CompetitorKit.document_id == ClientCompetitor.id)
              .correlate(ClientCompetitor).scalar_subquery())
    kits = (select(func.count()).select_from(CompetitorKit)
            .where(CompetitorKit.document_id == ClientCompetitor.id)
            .correlate(ClientCompetitor).scalar_subquery())
    lost = kind == StageKind.LOST.value
    eliminated = kind == StageKind.ELIMINATED.value
    responsible = aliased(Employee, name="responsible_e")
    return [
        ClientCompetitor.id.label("id"), ClientCompetitor.client_id.label("client_id"),
        Client.short_name.label("client_name"),
        (Client.status == ClientStatus.DISCONNECTED.value).label("client_disconnected"),
        ClientCompetitor.competitor_id.label("competitor_id"),
        Competitor.name.label("competitor_name"), Competitor.price_level.label("price_level"),
        ClientCompetitor.stage_id.label("stage_id"), CompetitorStage.title.label("stage_title"),
        kind.label("stage_kind"), ClientCompetitor.encounter.label("encounter"),
        (ClientCompetitor.encounter == Encounter.CLASH.value).label("is_clash"),
        (ClientCompetitor.encounter == Encounter.OVERLAP.value).label("is_overlap"),
        ClientCompetitor.opened_on.label("opened_on"),
        ClientCompetitor.closed_on.label("closed_on"),
        ClientCompetitor.responsible_id.label("responsible_id"),
        responsible.full_name.label("responsible_name"),
        ClientCompetitor.monthly_value.label("monthly_value"),
        places.label("workplaces"), kits.label("kits"),
        lost.label("lost"), eliminated.label("eliminated"),
        kind.not_in([StageKind.LOST.value, StageKind.ELIMINATED.value]).label("open"),
        case((lost, 100), (eliminated, 0)).label("lost_pct"),
    ], responsible


def _joined(stmt: Select[Any], responsible: Any) -> Select[Any]:
    return (stmt.join(Client, Client.id == ClientCompetitor.client_id)
            .join(Competitor, Competitor.id == ClientCompetitor.competitor_id)
            .join(CompetitorStage, CompetitorStage.id == ClientCompetitor.stage_id)
            .outerjoin(responsible, responsible.id == ClientCompetitor.responsible_id))


def documents_source(_params: SourceParams) -> Select[Any]:
    columns, responsible = _columns()
    return _joined(select(*columns), responsible)


def months_of(params: SourceParams) -> list[tuple[date, date]]:
    """(first day, last day) of each month of the report period; without a period the
    twelve months up to today."""
    if params.period is not None:
        first, last = params.period
    else:
        last = params.today
        first = date(last.year - 1, last.month, 1) + timedelta(days=32)
        first = first.replace(day=1)
    start = first.replace(day=1)
    out: list[tuple[date, date]] = []
    while start <= last and len(out) < MAX_MONTHS:
        following = (start + timedelta(days=32)).replace(day=1)
        out.append((start, following - timedelta(days=1)))
        start = following
    return out


def presence_source(params: SourceParams) -> Select[Any]:
    months = months_of(params) or [(params.today.replace(day=1), params.today)]
    series = union_all(*[select(literal(a, Date).label("month_start"),
                                literal(b, Date).label("month_end")) for a, b in months]
                       ).subquery("months")
    columns, responsible = _columns()
    present = and_(
        ClientCompetitor.opened_on <= series.c.month_end,
        or_(ClientCompetitor.closed_on.is_(None),
            CompetitorStage.kind != StageKind.ELIMINATED.value,
            ClientCompetitor.closed_on >= series.c.month_start))
    stmt = select(series.c.month_start.label("month"), *columns).select_from(ClientCompetitor)
    return _joined(stmt, responsible).join(series, present)


__all__ = ["documents_source", "months_of", "presence_source"]
