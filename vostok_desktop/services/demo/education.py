"""Demo data for the education area: ten events around the demo's «today» (six held,
four coming), about two hundred participants over the stages — the held ones mostly
attended with feedback and certificates (some handed over), some no-shows and
cancellations; paid events invoiced per client through the money documents and partly
paid in cash — and three training norms. Deterministic from the seed; inside the load's
transaction."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from vostok_desktop.domain import Contact, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.education import (
    EducationEvent,
    EventKind,
    EventParticipant,
    EventStatus,
    ParticipantStage,
    ParticipantStatus,
    TrainingNorm,
)
from vostok_desktop.domain.money import (
    Company,
    DocumentKind,
    Payment,
    PaymentAllocation,
    PaymentKind,
)
from vostok_desktop.services.demo.common import AreaContext
from vostok_desktop.services.money.documents import LineData, issue_document

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES: tuple[str, ...] = ("education_events", "event_participants", "training_norms")

# kind, theme, days from today, price, participants, place or link
EVENTS = (
    (EventKind.SEMINAR, "Изменения в НДС: что учесть бухгалтеру", -170, "3500.00", 28,
     "Конференц-зал РИЦ, ул. Ленина, 1"),
    (EventKind.WEBINAR, "Электронные больничные и пособия", -130, "0.00", 30,
     "https://webinar.example/sfr"),
    (EventKind.TRAINING, "Быстрый поиск в КонсультантПлюс", -95, "1200.00", 12,
     "Учебный класс РИЦ"),
    (EventKind.SEMINAR, "Кадровый документооборот 2026", -60, "4200.00", 26,
     "Конференц-зал РИЦ, ул. Ленина, 1"),
    (EventKind.WEBINAR, "Налоговые проверки: практика судов", -30, "900.00", 25,
     "https://webinar.example/fns"),
    (EventKind.TRAINING, "Путеводители и обзоры для юриста", -9, "1500.00", 10,
     "Учебный класс РИЦ"),
    (EventKind.SEMINAR, "Годовой отчёт 2026: новые формы", 12, "4500.00", 24,
     "Гостиница «Центральная», зал «Волга»"),
    (EventKind.WEBINAR, "Госзакупки: изменения 44-ФЗ", 20, "0.00", 22,
     "https://webinar.example/44fz"),
    (EventKind.TRAINING, "КонсультантПлюс для кадровика", 35, "1200.00", 10,
     "Учебный класс РИЦ"),
    (EventKind.SEMINAR, "Зарплата и НДФЛ в 2027 году", 60, "3900.00", 20,
     "Конференц-зал РИЦ, ул. Ленина, 1"),
)
CAPACITY = {EventKind.SEMINAR: 40, EventKind.TRAINING: 12, EventKind.WEBINAR: None}


def _line_name(kind: EventKind, theme: str, when: datetime, contact: Contact) -> str:
    title = {EventKind.SEMINAR: "семинар", EventKind.WEBINAR: "вебинар",
             EventKind.TRAINING: "тренинг"}[kind]
    return f"Участие: {title} «{theme}» {when:%d.%m.%Y} — {contact.full_name}"


def add_education(area: AreaContext) -> None:
    """The area's demo step (runs inside the load's transaction)."""
    s = area.session
    if s.scalar(select(func.count()).select_from(EducationEvent)):
        return
    rnd = random.Random(area.seed * 41 + 21)
    contacts = list(s.scalars(select(Contact).where(Contact.marked_for_deletion.is_(False))
                              .order_by(Contact.id).limit(600)))
    if not contacts:
        return
    employees = list(s.scalars(select(Employee).where(Employee.is_active)
                               .order_by(Employee.id)))
    company = s.scalar(select(Company).where(Company.is_default, Company.is_active))
    for index, (kind, theme, days, price, count, where) in enumerate(EVENTS):
        starts = datetime.combine(TODAY + timedelta(days=days), datetime.min.time(),
                                  tzinfo=UTC) + timedelta(hours=7)
        held = days < 0
        lecturer = employees[index % len(employees)] if employees and index % 3 else None
        event = EducationEvent(
            kind=kind, theme=theme, starts_at=starts, price=Decimal(price),
            lecturer_id=lecturer.id if lecturer else None,
            lecturer_name="" if lecturer else "Смирнова Е. В., аудитор",
            place="" if kind is EventKind.WEBINAR else where,
            link=where if kind is EventKind.WEBINAR else "",
            capacity=CAPACITY[kind], status=EventStatus.HELD if held else EventStatus.PLANNED,
            created_by_id=area.admin_id, updated_by_id=area.admin_id)
        s.add(event)
        s.flush()
        chosen = rnd.sample(contacts, min(count, len(contacts)))
        rows: list[tuple[EventParticipant, Contact]] = []
        for contact in chosen:
            roll = rnd.random()
            status = ParticipantStatus.REGISTERED
            if held:
                stage = ParticipantStage.ATTENDED if roll < 0.75 else ParticipantStage.PAID
                if roll >= 0.75:
                    status = ParticipantStatus.NO_SHOW if roll < 0.9 \
                        else ParticipantStatus.CANCELLED
                    stage = ParticipantStage.INVITED if status is ParticipantStatus.CANCELLED \
                        else ParticipantStage.PAID
            else:
                stage = (ParticipantStage.INVITED if roll < 0.45 else
                         ParticipantStage.DOCUMENTS_ISSUED if roll < 0.75 else
                         ParticipantStage.PAID)
                if roll > 0.95:
                    status, stage = ParticipantStatus.CANCELLED, ParticipantStage.INVITED
            p = EventParticipant(event_id=event.id, contact_id=contact.id,
                                 client_id=contact.client_id, stage=stage, status=status,
                                 registered_by_id=area.admin_id, updated_by_id=area.admin_id,
                                 registered_at=utcnow())
            if stage is ParticipantStage.ATTENDED and rnd.random() < 0.7:
                p.feedback_score = rnd.choice((3, 4, 4, 5, 5, 5))
                p.feedback_comment = rnd.choice(("", "", "Полезно", "Много примеров",
                                                 "Хотелось бы дольше"))
            rows.append((p, contact))
        s.add_all(p for p, _ in rows)
        s.flush()
        if held:
            attended = sorted((p for p, c in rows if p.stage is ParticipantStage.ATTENDED
                               and kind is not EventKind.WEBINAR),
                              key=lambda pc: pc.id)
            for number, p in enumerate(attended, 1):
                p.certificate_number = number
                if rnd.random() < 0.6:
                    p.certificate_handed_at = starts + timedelta(days=rnd.randint(0, 7))
                    p.certificate_handed_by_id = area.admin_id
        if company is not None and Decimal(price) > 0:
            _invoice(s, area, rnd, company, event, rows, held)
    _norms(s, area, contacts)
    s.flush()


def _invoice(s, area: AreaContext, rnd: random.Random, company: Company,  # noqa: ANN001
             event: EducationEvent, rows: list[tuple[EventParticipant, Contact]],
             held: bool) -> None:
    """One invoice per client for the participants past «Приглашение»; the paid ones
    paid in cash in full, a few other invoices in part."""
    by_client: dict[int, list[tuple[EventParticipant, Contact]]] = defaultdict(list)
    for p, c in rows:
        if p.stage is not ParticipantStage.INVITED and p.status is not \
                ParticipantStatus.CANCELLED:
            by_client[p.client_id].append((p, c))
    issued = (event.starts_at - timedelta(days=14)).date()
    kind = EventKind(event.kind)
    for client_id, group in sorted(by_client.items()):
        lines = [LineData(_line_name(kind, event.theme, event.starts_at, c), Decimal(1),
                          "чел.", Decimal(event.price)) for _, c in group]
        document = issue_document(s, company_id=company.id, client_id=client_id,
                                  kind=DocumentKind.INVOICE, issued_on=min(issued, TODAY),
                                  lines=lines, basis=f"Мероприятие «{event.theme}»",
                                  employee_id=area.admin_id)
        for p, _ in group:
            p.invoice_id = document.id
        all_paid = all(p.stage in (ParticipantStage.PAID, ParticipantStage.ATTENDED)
                       for p, _ in group)
        amount = Decimal(document.total) if all_paid else (
            (Decimal(document.total) / 2).quantize(Decimal("0.01"))
            if rnd.random() < 0.3 else None)
        if amount:
            paid_on = min(issued + timedelta(days=rnd.randint(1, 10)), TODAY)
            payment = Payment(kind=PaymentKind.CASH, company_id=company.id,
                              client_id=client_id, paid_on=paid_on, amount=amount,
                              purpose=f"Оплата по счёту № {document.number_text}",
                              created_by_id=area.admin_id)
            s.add(payment)
            s.flush()
            s.add(PaymentAllocation(payment_id=payment.id, document_id=document.id,
                                    client_id=client_id, amount=amount,
                                    created_by_id=area.admin_id))
            s.flush()


def _norms(s, area: AreaContext, contacts: list[Contact]) -> None:  # noqa: ANN001
    positions: dict[str, int] = defaultdict(int)
    for c in contacts:
        if c.position:
            positions[c.position] += 1
    common = sorted(positions, key=lambda k: (-positions[k], k))[:2]
    norms = [TrainingNorm(position=pos, trainings_per_year=2 if i == 0 else 1,
                          updated_by_id=area.admin_id) for i, pos in enumerate(common)]
    norms.append(TrainingNorm(client_id=contacts[0].client_id, position="",
                              trainings_per_year=3, notes="Договор с условием обучения",
                              updated_by_id=area.admin_id))
    s.add_all(norms)


__all__ = ["TABLES", "add_education"]
