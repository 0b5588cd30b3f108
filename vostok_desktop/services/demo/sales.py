"""Demo step: sales — the default stages, instruments and need rules, the assignment kind
«Заявка с сайта» distributed among the managers, about a hundred leads from the website in
three imports (some matched to clients, in every status) and about sixty deals over the
stages with their stage history. Deterministic from the seed; a second run adds nothing."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from vostok_desktop.domain import Client, Direction, Employee, EmployeeRole
from vostok_desktop.domain.sales import (
    AttractionInstrument,
    Deal,
    DealStage,
    DealStageChange,
    Lead,
    LeadBatch,
    LeadStatus,
)
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.domain.work import AssignmentKind, DistributionPlan
from vostok_desktop.services.demo.common import AreaContext
from vostok_desktop.services.sales.catalogue import fill_defaults
from vostok_desktop.services.sales.leads import LEAD_KIND

TABLES: tuple[str, ...] = ("attraction_instruments", "deal_stages", "need_rules",
                           "lead_batches", "leads", "deals", "deal_stage_changes")
LAST_DAY = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # the demo's «today»
LEADS = 100
DEALS = 60
FIRST = ("Анна", "Иван", "Мария", "Сергей", "Елена", "Дмитрий", "Ольга", "Андрей", "Наталья",
         "Павел", "Татьяна", "Алексей")
LAST = ("Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Лебедев")
ORGS = ("ООО «Сибирский край»", "ООО «Обь-Логистик»", "АО «Новосибирскэнергосбыт»",
        "ООО «Академстрой»", "ИП Чернов", "ООО «Левобережье»", "ООО «Кедр-Мед»",
        "ООО «Томь-Аудит»", "МБОУ СОШ № 12", "ООО «ТехноСклад»", "ООО «Заря»",
        "ООО «Правовой центр»")
TEXTS = ("Прошу выставить счёт на КонсультантПлюс для бухгалтера",
         "Интересует демонстрация системы", "Нужна консультация по госзакупкам",
         "Хотим подключить онлайн-версию", "Перезвоните, пожалуйста, по стоимости",
         "Запрос коммерческого предложения для юридического отдела",
         "Записаться на семинар для главных бухгалтеров")
SOURCES = (("Сайт", 6), ("Форма «Заказать звонок»", 3), ("Почта", 2), ("Лендинг семинара", 1))
DEAL_TITLES = ("Подключение Версии Проф", "Комплект для бухгалтерии", "Расширение сети",
               "Онлайн-версия для филиала", "Судебная практика для юристов",
               "Переход от конкурента", "Семинар и подключение")


def add_sales(area: AreaContext) -> None:
    """The area's demo step (runs inside the load's transaction)."""
    s = area.session
    if s.scalar(select(func.count()).select_from(Deal)):
        return
    rng = random.Random(area.seed * 41 + 18)
    fill_defaults(s, area.admin_id)
    s.flush()
    managers = list(s.scalars(select(Employee.id).where(
        Employee.is_active.is_(True), Employee.role == EmployeeRole.MANAGER)
        .order_by(Employee.id))) or [area.admin_id]
    _distribution(s, managers, rng)
    clients = s.execute(select(Client.id, Client.short_name, Client.inn)
                        .where(Client.marked_for_deletion.is_(False))
                        .order_by(Client.id).limit(600)).all()
    if not clients:
        return
    stages = list(s.scalars(select(DealStage).order_by(DealStage.position)))
    instruments = {t: i for t, i in s.execute(
        select(AttractionInstrument.title, AttractionInstrument.id))}
    leads = _leads(s, area, rng, clients, managers)
    _deals(s, area, rng, clients, managers, stages, instruments, leads)
    s.flush()


def _distribution(s, managers: list[int], rng: random.Random) -> None:  # noqa: ANN001
    if s.scalar(select(AssignmentKind.id).where(AssignmentKind.name == LEAD_KIND)):
        return
    sales = s.scalar(select(Direction.id).where(Direction.code == "sales"))
    kind = AssignmentKind(name=LEAD_KIND, distributed=True, direction_id=sales)
    s.add(kind)
    s.flush()
    for employee_id in managers[:8]:
        s.add(DistributionPlan(kind_id=kind.id, employee_id=employee_id,
                               plan=rng.choice((5, 10, 10, 15))))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _leads(s, area: AreaContext, rng: random.Random, clients, managers: list[int]  # noqa: ANN001
           ) -> list[Lead]:
    batches = []
    for n, (name, days_ago) in enumerate((("zayavki_sentyabr.csv", 70),
                                          ("zayavki_oktyabr.xlsx", 40),
                                          ("pochta_noyabr", 5)), start=1):
        batch = LeadBatch(file_name=name, row_count=0, imported_by_id=area.admin_id,
                          imported_at=LAST_DAY - timedelta(days=days_ago),
                          file_hash=hashlib.sha256(f"demo-{area.seed}-{n}".encode()
                                                   ).hexdigest())
        s.add(batch)
        batches.append(batch)
    s.flush()
    statuses = ([LeadStatus.NEW] * 25 + [LeadStatus.IN_WORK] * 20
                + [LeadStatus.CONVERTED] * 35 + [LeadStatus.REJECTED] * 20)
    rng.shuffle(statuses)
    leads = []
    for i in range(LEADS):
        received = LAST_DAY - timedelta(days=rng.randrange(0, 100),
                                        minutes=rng.randrange(0, 600))
        batch = batches[0] if received < batches[1].imported_at else (
            batches[1] if received < batches[2].imported_at else batches[2])
        batch.row_count += 1
        person = f"{rng.choice(LAST)} {rng.choice(FIRST)}"
        matched = rng.random() < 0.4
        if matched:
            client_id, organisation, inn = rng.choice(clients)
            inn = inn or ""
        else:
            client_id, organisation = None, rng.choice(ORGS)
            inn = inn_check_digits(f"54{rng.randrange(10_000_000):07d}") if rng.random() < .5 \
                else ""
        status = statuses[i]
        if status is LeadStatus.CONVERTED and client_id is None:
            client_id, organisation, inn = rng.choice(clients)
            inn = inn or ""
        phone = f"+7 (383) {rng.randrange(200, 400)}-{rng.randrange(10, 100)}-" \
                f"{rng.randrange(10, 100)}"
        lead = Lead(received_at=received, source=_weighted(rng, SOURCES), name=person,
                    organisation=organisation[:300], inn=inn, phone=phone,
                    email=f"lead{i + 1}@example.ru", text=rng.choice(TEXTS),
                    client_id=client_id, batch_id=batch.id, status=status,
                    responsible_id=None if status is LeadStatus.NEW and i % 5 == 0
                    else managers[i % len(managers)],
                    result={LeadStatus.REJECTED: rng.choice(
                        ("Дубль заявки", "Не дозвонились за неделю", "Спам",
                         "Нет потребности: уже обслуживается у другого РИЦ")),
                        LeadStatus.CONVERTED: "Открыта сделка"}.get(status, ""),
                    created_at=batch.imported_at, created_by_id=area.admin_id,
                    updated_by_id=area.admin_id)
        s.add(lead)
        leads.append(lead)
    s.flush()
    return leads


def _deals(s, area: AreaContext, rng: random.Random, clients, managers: list[int],  # noqa: ANN001
           stages: list[DealStage], instruments: dict[str, int], leads: list[Lead]) -> None:
    open_stages = [st for st in stages if not st.is_closing]
    won = next(st for st in stages if st.is_won)
    lost = next(st for st in stages if st.is_lost)
    converted = [lead for lead in leads if lead.status is LeadStatus.CONVERTED]
    weights = [16, 12, 9, 7, 5]  # more deals early in the funnel
    for i in range(DEALS):
        lead = converted[i] if i < len(converted) else None
        if lead is not None:
            client_id = lead.client_id
            instrument = instruments.get("Сайт")
            created = lead.received_at + timedelta(days=rng.randrange(0, 3))
            responsible = lead.responsible_id
        else:
            client_id = rng.choice(clients)[0]
            instrument = rng.choice(list(instruments.values()) + [None])
            created = LAST_DAY - timedelta(days=rng.randrange(5, 180))
            responsible = rng.choice(managers)
        roll = rng.random()
        if roll < 0.2:
            final = won
        elif roll < 0.32:
            final = lost
        else:
            final = rng.choices(open_stages, weights=weights[:len(open_stages)])[0]
        path = open_stages[:open_stages.index(final) + 1] if final in open_stages else (
            open_stages[:rng.randrange(1, len(open_stages) + 1)] + [final])
        amount = Decimal(rng.randrange(12, 480) * 1000)
        deal = Deal(client_id=client_id, lead_id=lead.id if lead else None,
                    title=rng.choice(DEAL_TITLES), stage_id=final.id,
                    responsible_id=responsible, expected_sum=amount,
                    expected_close_on=(created + timedelta(days=rng.randrange(20, 90))).date(),
                    instrument_id=instrument, created_at=created,
                    created_by_id=area.admin_id, updated_by_id=area.admin_id)
        s.add(deal)
        s.flush()
        when, previous = created, None
        for stage in path:
            s.add(DealStageChange(deal_id=deal.id, client_id=client_id,
                                  from_stage_id=previous, to_stage_id=stage.id,
                                  changed_at=min(when, LAST_DAY), changed_by_id=responsible))
            previous = stage.id
            when += timedelta(days=rng.randrange(2, 15))
        if final.is_closing:
            deal.closed_at = min(when, LAST_DAY)


__all__ = ["TABLES", "add_sales"]
