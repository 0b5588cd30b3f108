"""Demo step: telemarketing — three call campaigns with 150 contacts: one closed (every
contact worked), one going on (part of the queue done), one in preparation; results and
refusal reasons from the lists of migration 0019, and an outgoing call in the call log
for every contact reached, whose talk time is the contact's."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from vostok_desktop.domain import Call, CallDirection, Client, ClientStatus, Contact, Employee
from vostok_desktop.domain.campaigns import (
    CallResult,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ItemState,
    RefusalReason,
)
from vostok_desktop.domain.org import EmployeeRole
from vostok_desktop.services.demo.common import AreaContext

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES = ("campaigns", "campaign_items", "campaign_results", "refusal_reasons")
PROVIDER = "demo_campaigns"

# title, occasion, start, end, status, status of the clients, items, share worked
CAMPAIGNS = (
    ("Новая редакция Налогового кодекса",
     "С 1 октября действует новая редакция части второй НК РФ: предложить семинар и "
     "расширение комплекта системой «Бухгалтерия и кадры».",
     date(2026, 10, 1), date(2026, 10, 31), CampaignStatus.CLOSED, ClientStatus.SERVED, 40, 1.0),
    ("Приглашение на семинар «Изменения 2027»",
     "10 декабря — бесплатный семинар для бухгалтеров об изменениях 2027 года; "
     "регистрация по телефону, 40 мест.",
     date(2026, 11, 9), date(2026, 12, 5), CampaignStatus.ACTIVE, ClientStatus.PROSPECT, 70, 0.45),
    ("Возврат отключённых клиентов",
     "Специальная цена на восстановление сопровождения до конца года.",
     date(2026, 12, 1), None, CampaignStatus.DRAFT, ClientStatus.DISCONNECTED, 40, 0.0),
)


def _operators(area: AreaContext) -> list[int]:
    s = area.session
    ids = list(s.scalars(select(Employee.id).where(
        Employee.role == EmployeeRole.TELEMARKETER, Employee.is_active.is_(True))
        .order_by(Employee.id)))
    return ids or list(s.scalars(select(Employee.id).where(Employee.is_active.is_(True))
                                 .order_by(Employee.id).limit(3))) or [area.admin_id]


def add_campaigns(area: AreaContext) -> None:
    """The area's demo step (runs inside the load's transaction)."""
    s = area.session
    if s.scalar(select(Campaign.id).limit(1)) is not None:
        return
    rng = random.Random(area.seed * 41 + 19)
    results = list(s.scalars(select(CallResult).order_by(CallResult.position)))
    reasons = list(s.scalars(select(RefusalReason.id).order_by(RefusalReason.position)))
    if not results:
        return
    weights = [{"Отказ": 4, "Не дозвонились": 3, "Назначена встреча": 2}.get(r.title, 1)
               for r in results]
    operators = _operators(area)
    head = area.admin_id
    used: set[int] = set()
    for title, occasion, starts, ends, status, clients_of, count, worked in CAMPAIGNS:
        campaign = Campaign(title=title, occasion=occasion, starts_on=starts, ends_on=ends,
                            status=status, created_by_id=head,
                            created_at=datetime.combine(starts - timedelta(days=3),
                                                        datetime.min.time(), UTC))
        s.add(campaign)
        s.flush()
        pool = [c for c in s.scalars(select(Client.id).where(
            Client.status == clients_of, Client.marked_for_deletion.is_(False))
            .order_by(Client.id).limit(count * 3)) if c not in used]
        chosen = sorted(rng.sample(pool, min(count, len(pool)))) if pool else []
        used.update(chosen)
        contacts: dict[int, int] = {}
        for cid, client_id in s.execute(select(Contact.id, Contact.client_id).where(
                Contact.client_id.in_(chosen or [-1]), Contact.stop_list.is_(False))
                .order_by(Contact.client_id, Contact.id)):
            contacts.setdefault(client_id, cid)
        last = min(TODAY, ends or TODAY)
        span = max(1, (last - starts).days)
        for n, client_id in enumerate(chosen):
            item = CampaignItem(campaign_id=campaign.id, client_id=client_id,
                                contact_id=contacts.get(client_id), state=ItemState.PENDING,
                                attempts=0, note="")
            s.add(item)
            if status is CampaignStatus.DRAFT or n >= round(worked * len(chosen)):
                continue
            result = rng.choices(results, weights)[0]
            operator = rng.choice(operators)
            when = datetime.combine(starts + timedelta(days=rng.randrange(span)),
                                    datetime.min.time(), UTC) + timedelta(
                hours=rng.randint(9, 17), minutes=rng.randrange(60))
            reached = not result.retry and result.title != "Неверный номер"
            talk = rng.randint(40, 420) if reached else None
            call = Call(provider=PROVIDER, provider_call_id=f"c{campaign.id}-{n}",
                        direction=CallDirection.OUTGOING, extension="", employee_id=operator,
                        client_id=client_id, contact_id=item.contact_id, started_at=when,
                        answered=reached, missed=False,
                        answered_at=when + timedelta(seconds=8) if reached else None,
                        ended_at=when + timedelta(seconds=8 + (talk or 25)),
                        duration_s=talk)
            s.add(call)
            s.flush()
            item.result_id = result.id
            item.refusal_reason_id = rng.choice(reasons) if result.is_refusal and reasons \
                else None
            item.attempts = 1 + (rng.random() < 0.2)
            item.call_id, item.talk_seconds = call.id, talk
            item.done_at, item.done_by_id = call.ended_at, operator
            item.operator_id = None if result.retry else operator
            item.state = ItemState.PENDING if result.retry and status is not \
                CampaignStatus.CLOSED else ItemState.DONE
            if result.title == "Отправить материалы":
                item.note = "Выслать обзор изменений на e-mail"
        s.flush()


__all__ = ["TABLES", "add_campaigns"]
