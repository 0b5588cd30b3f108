"""Pivot reports of the education area: «Образовательные услуги (OLAP)» (participants by
event kind, theme and month with the invoiced and paid sums) and «Воронка продаж
образовательных услуг» (participants by the stage they reached). Both read through the
user's own connection: a limited login counts only the participants of the clients it
sees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, type_coerce, union_all

from vostok_desktop.domain import Client, Contact
from vostok_desktop.domain.base import Money
from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    PARTICIPANT_STATUS_TITLES,
    STAGE_ORDER,
    STAGE_TITLES,
    EducationEvent,
    EventParticipant,
    ParticipantStage,
    ParticipantStatus,
)
from vostok_desktop.domain.money import MoneyDocument, PaymentAllocation
from vostok_desktop.services.reports.pivot import (
    Dimension,
    DrillColumn,
    Measure,
    MeasureKind,
    ReportDefinition,
    SourceParams,
)

SECTION = "Учебный центр"


def _titles(mapping: dict[Any, str]) -> dict[Any, str]:
    return {**mapping, **{getattr(k, "value", k): v for k, v in mapping.items()}}


def _participants(params: SourceParams) -> Select[Any]:
    """One row per participant with its share of its invoice: the event's price when
    invoiced, and of it what is paid (the invoice's payments, capped at its total, in
    proportion when the invoice covers several participants)."""
    p, e = EventParticipant, EducationEvent
    paid = (select(PaymentAllocation.document_id.label("document_id"),
                   func.sum(PaymentAllocation.amount).label("paid"))
            .group_by(PaymentAllocation.document_id).subquery("paid"))
    invoice_total = MoneyDocument.total
    allocated = func.coalesce(paid.c.paid, 0)
    invoiced = case((p.invoice_id.is_not(None), e.price), else_=0)
    share = case((p.invoice_id.is_(None), 0), (invoice_total <= 0, 0),
                 (allocated >= invoice_total, e.price),
                 else_=e.price * allocated / invoice_total)
    name = Contact.last_name + " " + Contact.first_name
    return (select(p.id.label("id"), p.contact_id.label("contact_id"),
                   p.client_id.label("client_id"), Client.short_name.label("client_name"),
                   name.label("contact_name"), e.id.label("event_id"),
                   e.theme.label("theme"), e.kind.label("kind"), e.starts_at.label("starts_at"),
                   p.stage.label("stage"), p.status.label("status"),
                   (p.stage == ParticipantStage.ATTENDED).label("attended"),
                   (p.status != ParticipantStatus.CANCELLED).label("expected"),
                   type_coerce(invoiced, Money).label("invoiced"),
                   type_coerce(share, Money).label("paid"),
                   p.feedback_score.label("score"))
            .join(e, e.id == p.event_id)
            .join(Contact, Contact.id == p.contact_id)
            .join(Client, Client.id == p.client_id)
            .outerjoin(MoneyDocument, MoneyDocument.id == p.invoice_id)
            .outerjoin(paid, paid.c.document_id == p.invoice_id))


_EVENT_DIMENSIONS = (
    Dimension("kind", "Вид мероприятия", "kind", titles=_titles(EVENT_KIND_TITLES)),
    Dimension("event", "Мероприятие", "event_id", label="theme"),
    Dimension("period", "Дата мероприятия", "starts_at", date=True, timestamp=True),
    Dimension("status", "Статус участника", "status",
              titles=_titles(PARTICIPANT_STATUS_TITLES)),
    Dimension("client", "Клиент", "client_id", label="client_name"),
)
_DRILL = (DrillColumn("starts_at", "Дата"), DrillColumn("theme", "Мероприятие"),
          DrillColumn("contact_name", "Участник"), DrillColumn("client_name", "Клиент"),
          DrillColumn("invoiced", "Выставлено", money=True),
          DrillColumn("paid", "Оплачено", money=True))

EDUCATION = ReportDefinition(
    key="education", title="Образовательные услуги (OLAP)", section=SECTION,
    description="Участники семинаров, вебинаров и тренингов по видам, темам и месяцам: "
                "сколько записано и пришло, на какую сумму выставлено счетов и сколько "
                "оплачено.",
    source=_participants,
    dimensions=(*_EVENT_DIMENSIONS[:3],
                Dimension("stage", "Стадия", "stage", titles=_titles(STAGE_TITLES)),
                *_EVENT_DIMENSIONS[3:]),
    measures=(
        Measure("count", "Участников", MeasureKind.COUNT, unit="чел."),
        Measure("expected", "Ожидается", MeasureKind.COUNT, condition="expected",
                unit="чел."),
        Measure("attended", "Посетили", MeasureKind.COUNT, condition="attended",
                unit="чел."),
        Measure("invoiced", "Выставлено, ₽", MeasureKind.SUM, column="invoiced", money=True,
                unit="₽"),
        Measure("paid", "Оплачено, ₽", MeasureKind.SUM, column="paid", money=True, unit="₽"),
        Measure("score", "Средняя оценка", MeasureKind.AVG, column="score"),
        Measure("clients", "Клиентов", MeasureKind.COUNT_DISTINCT, column="client_id",
                unit="шт"),
    ),
    period_dimension="period",
    entity="contact", entity_column="contact_id",
    drill_columns=_DRILL,
    default_rows=("kind", "event"), default_columns=("period",),
    default_measures=("count", "invoiced", "paid"),
)


def _funnel(params: SourceParams) -> Select[Any]:
    """A row per participant and stage it reached (a paid participant counts at
    «Приглашение», «Документы выписаны» and «Оплачено»)."""
    base = _participants(params).subquery("participants")
    parts = []
    for i, stage in enumerate(STAGE_ORDER):
        reached = [s.value for s in STAGE_ORDER[i:]]
        parts.append(select(base.c.id, base.c.contact_id, base.c.client_id,
                            base.c.client_name, base.c.contact_name, base.c.event_id,
                            base.c.theme, base.c.kind, base.c.starts_at, base.c.status,
                            base.c.invoiced, base.c.paid,
                            literal(f"{i + 1}. {STAGE_TITLES[stage]}").label("reached"),
                            literal(stage.value).label("reached_stage"))
                     .where(and_(base.c.stage.in_(reached))))
    return union_all(*parts).subquery("funnel").select()


FUNNEL = ReportDefinition(
    key="education_funnel", title="Воронка продаж образовательных услуг", section=SECTION,
    description="Сколько участников дошло до каждой стадии: приглашение → документы "
                "выписаны → оплачено → посетил. Доля — от всех участников столбца на "
                "первой стадии и ниже.",
    source=_funnel,
    dimensions=(Dimension("reached", "Стадия (достигнута)", "reached"), *_EVENT_DIMENSIONS),
    measures=(
        Measure("count", "Участников", MeasureKind.COUNT, unit="чел."),
        Measure("share", "Доля, %", MeasureKind.SHARE, unit="%"),
        Measure("clients", "Клиентов", MeasureKind.COUNT_DISTINCT, column="client_id",
                unit="шт"),
    ),
    period_dimension="period",
    entity="contact", entity_column="contact_id",
    drill_columns=_DRILL,
    default_rows=("reached",), default_measures=("count", "share"),
)

REPORTS: tuple[ReportDefinition, ...] = (EDUCATION, FUNNEL)
