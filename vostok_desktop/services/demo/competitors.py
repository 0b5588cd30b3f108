"""Demo area step: competitors — eight rivals in the catalogue and about eighty «Конкурент
клиента» documents over the last eighteen months, spread over the lifecycle (threat,
at the client, counter-work, eliminated, client lost), each with one or two kits, their
users and a contact or two with an attitude; the stage history goes with each document.

Deterministic from the seed; a second run adds nothing twice."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from vostok_desktop.domain import Client, ClientStatus, Contact, Employee
from vostok_desktop.domain.competitors import (
    Attitude,
    ClientCompetitor,
    Competitor,
    CompetitorKit,
    CompetitorKitUser,
    CompetitorStage,
    CompetitorStageMove,
    ContactCompetitorAttitude,
    Encounter,
    PriceLevel,
    StageKind,
)
from vostok_desktop.services.demo.common import AreaContext

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES = ("competitors", "competitor_stages", "client_competitors", "competitor_stage_moves",
          "competitor_kits", "competitor_kit_users", "contact_competitor_attitudes")
DOCUMENTS = 80

# name, product, price level, typical value per month
COMPETITORS = (
    ("Гарант", "Система ГАРАНТ", PriceLevel.SAME, 9000),
    ("Кодекс", "Кодекс: Техэксперт", PriceLevel.HIGH, 14000),
    ("Референт", "Референт", PriceLevel.LOW, 4000),
    ("Главбух", "Система Главбух", PriceLevel.SAME, 7000),
    ("Актион", "Актион Юрист", PriceLevel.HIGH, 11000),
    ("Контур", "Контур.Норматив", PriceLevel.LOW, 3000),
    ("Норматика", "Норматика", PriceLevel.LOW, 2500),
    ("1С:Консалтинг", "1С:ИТС", PriceLevel.SAME, 6000),
)
NOTES = ("Предложили скидку 30 % на год", "Бесплатный пробный доступ на месяц",
         "Бухгалтерия пользуется давно", "Юрист сравнивает с нашей системой", "")
KIT_NOTES = ("Онлайн-версия", "Сетевая версия", "Флеш-версия", "")


def add_competitors(area: AreaContext) -> None:
    s, rng = area.session, random.Random(area.seed * 43 + 20)
    if s.scalar(select(func.count()).select_from(ClientCompetitor)):
        return
    competitors = []
    for name, product, level, _value in COMPETITORS:
        found = s.scalar(select(Competitor).where(Competitor.name == name))
        if found is None:
            found = Competitor(name=name, product=product, price_level=level, notes="")
            s.add(found)
        competitors.append(found)
    s.flush()
    stages = list(s.scalars(select(CompetitorStage)
                            .order_by(CompetitorStage.position, CompetitorStage.id)))
    if not stages:
        return
    open_stages = [st for st in stages if st.kind in (StageKind.THREAT, StageKind.ACTIVE)]
    closing = {kind: next((st for st in stages if st.kind == kind), None)
               for kind in (StageKind.ELIMINATED, StageKind.LOST)}
    employees = list(s.scalars(select(Employee.id).where(Employee.is_active.is_(True))
                               .order_by(Employee.id)))
    clients = list(s.execute(select(Client.id, Client.status)
                             .where(Client.marked_for_deletion.is_(False))
                             .order_by(Client.id)).tuples())
    if not clients:
        return
    chosen = rng.sample(clients, min(DOCUMENTS, len(clients)))
    contacts: dict[int, list[int]] = {}
    for cid, client_id in s.execute(select(Contact.id, Contact.client_id)
                                    .where(Contact.client_id.in_([c for c, _s in chosen]))
                                    .order_by(Contact.id)):
        contacts.setdefault(client_id, []).append(cid)
    for client_id, status in chosen:
        index = rng.randrange(len(competitors))
        competitor, value = competitors[index], COMPETITORS[index][3]
        opened = TODAY - timedelta(days=rng.randrange(15, 540))
        roll = rng.random()
        path = open_stages[:1 + rng.randrange(len(open_stages))]
        final = closing[StageKind.ELIMINATED] if roll < 0.3 else \
            closing[StageKind.LOST] if roll < 0.5 else None
        if final is not None:
            path = [*path, final]
        days = max(1, (TODAY - opened).days)
        dates = sorted(opened + timedelta(days=rng.randrange(days)) for _ in path[1:])
        dates = [opened, *dates]
        doc = ClientCompetitor(
            client_id=client_id, competitor_id=competitor.id, stage_id=path[-1].id,
            encounter=Encounter.CLASH if status == ClientStatus.SERVED else Encounter.OVERLAP,
            opened_on=opened, closed_on=dates[-1] if final is not None else None,
            responsible_id=rng.choice(employees) if employees else None,
            monthly_value=Decimal(value + rng.randrange(-10, 11) * 100).quantize(Decimal("1.00")),
            note=rng.choice(NOTES), created_by_id=area.admin_id, updated_by_id=area.admin_id)
        s.add(doc)
        s.flush()
        previous = None
        for stage, on in zip(path, dates, strict=True):
            s.add(CompetitorStageMove(client_id=client_id, document_id=doc.id,
                                      from_stage_id=previous, to_stage_id=stage.id,
                                      moved_on=on, moved_by_id=area.admin_id, note=""))
            previous = stage.id
        people = contacts.get(client_id, [])
        for k in range(1 + (rng.random() < 0.3)):
            kit = CompetitorKit(
                client_id=client_id, document_id=doc.id,
                product=competitor.product + (" (второй комплект)" if k else ""),
                workplaces=rng.randint(1, 12), since=opened - timedelta(days=rng.randrange(400)),
                monthly_price=Decimal(value // 2 + rng.randrange(0, 20) * 100).quantize(
                    Decimal("1.00")), note=rng.choice(KIT_NOTES))
            s.add(kit)
            s.flush()
            for contact_id in rng.sample(people, min(len(people), rng.randint(0, 2))):
                s.add(CompetitorKitUser(client_id=client_id, kit_id=kit.id,
                                        contact_id=contact_id))
        for contact_id in rng.sample(people, min(len(people), rng.randint(1, 2))):
            s.add(ContactCompetitorAttitude(
                client_id=client_id, document_id=doc.id, contact_id=contact_id,
                attitude=rng.choice(list(Attitude)), note="", updated_by_id=area.admin_id))
    s.flush()


__all__ = ["TABLES", "add_competitors"]
