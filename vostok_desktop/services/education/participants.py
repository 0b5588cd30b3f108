"""Participants of an event: registering many contacts at once, stage moves, cancelling,
feedback, invoices through the money documents, and the stage «Оплачено» following the
payments of those invoices. No Qt.

A participant is a row of its contact's client: on a server base a login registers and
sees only the contacts of the clients it sees (migration 0021); a contact it cannot see
is reported as unavailable, never written. Invoices are written by
:func:`vostok_desktop.services.money.documents.issue_document` (right «Выписка счетов и
актов»), one per client and issue with a line per participant; an invoiced participant
is never invoiced again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Employee
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    PARTICIPANT_STATUS_TITLES,
    STAGE_ORDER,
    STAGE_TITLES,
    EducationEvent,
    EventKind,
    EventParticipant,
    EventStatus,
    ParticipantStage,
    ParticipantStatus,
)
from vostok_desktop.domain.money import Company, DocumentKind, MoneyDocument, PaymentAllocation
from vostok_desktop.services.access.rights import AccessProfile, require
from vostok_desktop.services.education.events import log, refuse, run_write
from vostok_desktop.services.money.documents import LineData, issue_document

TABLE = "event_participants"
MAX_AT_ONCE = 5000


def _plural(n: int, one: str, few: str, many: str) -> str:
    n10, n100 = n % 10, n % 100
    if n10 == 1 and n100 != 11:
        return one
    if 2 <= n10 <= 4 and not 12 <= n100 <= 14:
        return few
    return many


def people(n: int) -> str:
    return f"{n} {_plural(n, 'контактное лицо', 'контактных лица', 'контактных лиц')}"


def _event(s: Session, event_id: int) -> EducationEvent:
    event = s.get(EducationEvent, event_id)
    if event is None:
        raise refuse("event_id", "Мероприятие не найдено (возможно, удалено)")
    return event


def _snapshot(p: EventParticipant) -> dict[str, Any]:
    return {"event_id": p.event_id, "contact_id": p.contact_id,
            "stage": ParticipantStage(p.stage).value,
            "status": ParticipantStatus(p.status).value, "invoice_id": p.invoice_id,
            "feedback_score": p.feedback_score, "feedback_comment": p.feedback_comment,
            "certificate_number": p.certificate_number,
            "certificate_handed_at": p.certificate_handed_at}


def change_participant(s: Session, p: EventParticipant, employee_id: int | None, **values: Any) -> bool:
    old = _snapshot(p)
    for key, value in values.items():
        setattr(p, key, value)
    p.updated_by_id = employee_id
    new = _snapshot(p)
    if old == new:
        return False
    s.flush()
    log(s, TABLE, p.id, p.client_id, employee_id, old, new)
    return True


# --------------------------------------------------------------------------- registering


@dataclass(frozen=True)
class RegisterResult:
    added: int
    already: int  # registered before (a cancelled one is registered again)
    unavailable: int  # not found, marked for deletion or outside the visible clients
    restored: int = 0

    @property
    def summary(self) -> str:
        parts = [f"Записано: {people(self.added)}"] if self.added else ["Никто не записан"]
        if self.restored:
            parts.append(f"снова записаны отменившие участие: {self.restored}")
        if self.already:
            parts.append(f"уже были записаны: {self.already}")
        if self.unavailable:
            parts.append(f"недоступны (удалены или вне видимых вам клиентов): "
                         f"{self.unavailable}")
        return "; ".join(parts) + "."


def register_contacts(base: OpenedBase, event_id: int, contact_ids: Sequence[int],
                      employee_id: int | None) -> RegisterResult:
    """Register the contacts for the event at the stage «Приглашение»; those already
    registered are skipped (and counted), a cancelled one is registered again. Refused
    as a whole when the event is cancelled or the places would not suffice."""
    wanted = list(dict.fromkeys(int(c) for c in contact_ids))
    if not wanted:
        raise refuse("contact_ids", "Выберите контактных лиц для записи на мероприятие")
    if len(wanted) > MAX_AT_ONCE:
        raise refuse("contact_ids", f"За один раз записывают не больше {MAX_AT_ONCE} "
                                    "контактных лиц")

    def write(s: Session) -> RegisterResult:
        event = _event(s, event_id)
        if EventStatus(event.status) is EventStatus.CANCELLED:
            raise refuse("event_id", "Мероприятие отменено: на него не записывают")
        contacts = {c.id: c.client_id for c in s.execute(
            select(Contact.id, Contact.client_id).where(
                Contact.id.in_(wanted), Contact.marked_for_deletion.is_(False)))}
        existing = {p.contact_id: p for p in s.scalars(select(EventParticipant).where(
            EventParticipant.event_id == event_id, EventParticipant.contact_id.in_(wanted)))}
        new = [c for c in wanted if c in contacts and c not in existing]
        again = [existing[c] for c in wanted if c in existing and
                 ParticipantStatus(existing[c].status) is ParticipantStatus.CANCELLED]
        already = sum(1 for c in wanted if c in existing) - len(again)
        if event.capacity is not None:
            taken = int(s.scalar(select(func.count()).where(
                EventParticipant.event_id == event_id,
                EventParticipant.status != ParticipantStatus.CANCELLED)) or 0)
            if taken + len(new) + len(again) > event.capacity:
                free = max(event.capacity - taken, 0)
                raise refuse("contact_ids",
                             f"Мест {event.capacity}, свободно {free}, а записать нужно "
                             f"{people(len(new) + len(again))}: никто не записан. "
                             "Увеличьте число мест или выберите меньше людей")
        for contact_id in new:
            p = EventParticipant(event_id=event_id, contact_id=contact_id,
                                 client_id=contacts[contact_id],
                                 stage=ParticipantStage.INVITED,
                                 status=ParticipantStatus.REGISTERED,
                                 registered_by_id=employee_id, updated_by_id=employee_id)
            s.add(p)
            s.flush()
            log(s, TABLE, p.id, p.client_id, employee_id, {}, _snapshot(p))
        for p in again:
            change_participant(s, p, employee_id, status=ParticipantStatus.REGISTERED)
        unavailable = sum(1 for c in wanted if c not in contacts and c not in existing)
        return RegisterResult(len(new), already, unavailable, len(again))

    return run_write(base, write)


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class MoveResult:
    changed: int
    skipped: int
    reasons: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        text = f"Изменено: {self.changed}"
        if self.skipped:
            text += f"; не изменено: {self.skipped} ({'; '.join(self.reasons)})"
        return text + "."


def load_participants(s: Session, participant_ids: Sequence[int]) -> list[EventParticipant]:
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        raise refuse("participant_ids", "Выберите участников")
    rows = list(s.scalars(select(EventParticipant).where(EventParticipant.id.in_(ids))
                          .order_by(EventParticipant.id)))
    if not rows:
        raise refuse("participant_ids", "Участники не найдены (возможно, нет доступа)")
    return rows


def next_stage(base: OpenedBase, participant_ids: Sequence[int], employee_id: int | None,
               *, step: int = 1) -> MoveResult:
    """Each participant one stage further (Ctrl+→; ``step=-1``: one back, Ctrl+←); the
    cancelled and those at the last (first) stage stay where they are."""

    def write(s: Session) -> MoveResult:
        changed, reasons = 0, []
        skipped = 0
        for p in load_participants(s, participant_ids):
            stage = ParticipantStage(p.stage)
            if ParticipantStatus(p.status) is not ParticipantStatus.REGISTERED:
                skipped += 1
                reasons.append(PARTICIPANT_STATUS_TITLES[ParticipantStatus(p.status)].lower())
                continue
            index = STAGE_ORDER.index(stage) + step
            if not 0 <= index < len(STAGE_ORDER):
                skipped += 1
                reasons.append("уже посетил" if step > 0 else "уже на первой стадии")
                continue
            changed += change_participant(s, p, employee_id, stage=STAGE_ORDER[index])
        return MoveResult(changed, skipped, tuple(dict.fromkeys(reasons)))

    return run_write(base, write)


def set_stage(base: OpenedBase, participant_ids: Sequence[int], stage: ParticipantStage | str,
              employee_id: int | None) -> MoveResult:
    """Put the (registered) participants at ``stage``, forwards or back."""
    try:
        target = ParticipantStage(stage)
    except ValueError:
        raise refuse("stage", f"Неизвестная стадия «{stage}»") from None

    def write(s: Session) -> MoveResult:
        changed = skipped = 0
        for p in load_participants(s, participant_ids):
            if ParticipantStatus(p.status) is not ParticipantStatus.REGISTERED:
                skipped += 1
                continue
            changed += change_participant(s, p, employee_id, stage=target)
        return MoveResult(changed, skipped, ("участие отменено",) if skipped else ())

    return run_write(base, write)


def set_status(base: OpenedBase, participant_ids: Sequence[int],
               status: ParticipantStatus | str, employee_id: int | None) -> MoveResult:
    """Cancel (Del), mark «не пришёл» or register again; one who attended is not cancelled."""
    target = ParticipantStatus(status)

    def write(s: Session) -> MoveResult:
        changed = skipped = 0
        reasons = []
        for p in load_participants(s, participant_ids):
            if target is not ParticipantStatus.REGISTERED and \
                    ParticipantStage(p.stage) is ParticipantStage.ATTENDED:
                skipped += 1
                reasons.append("уже посетил мероприятие")
                continue
            changed += change_participant(s, p, employee_id, status=target)
        return MoveResult(changed, skipped, tuple(dict.fromkeys(reasons)))

    return run_write(base, write)


def set_feedback(base: OpenedBase, participant_id: int, score: int | None, comment: str,
                 employee_id: int | None) -> None:
    """The participant's feedback: a score from 1 to 5 (or none) and a comment."""
    if score is not None and (not isinstance(score, int) or not 1 <= score <= 5):
        raise refuse("feedback_score", "Оценка — от 1 до 5")

    def write(s: Session) -> None:
        p = load_participants(s, [participant_id])[0]
        change_participant(s, p, employee_id, feedback_score=score,
                feedback_comment=(comment or "").strip())

    run_write(base, write)


def remove_participants(base: OpenedBase, participant_ids: Sequence[int],
                        employee_id: int | None) -> int:
    """Delete registrations made by mistake (none invoiced); returns how many."""

    def write(s: Session) -> int:
        rows = load_participants(s, participant_ids)
        invoiced = [p for p in rows if p.invoice_id is not None]
        if invoiced:
            raise refuse("participant_ids", f"Участникам выписаны счета ({len(invoiced)}): "
                                            "их не удаляют, а отменяют участие (Delete)")
        for p in rows:
            old = _snapshot(p)
            s.delete(p)
            s.flush()
            log(s, TABLE, p.id, p.client_id, employee_id, old, {})
        return len(rows)

    return run_write(base, write)


# --------------------------------------------------------------------------- invoices


@dataclass(frozen=True)
class InvoiceResult:
    invoices: tuple[int, ...]
    participants: int
    already: int
    cancelled: int
    total: Decimal

    @property
    def summary(self) -> str:
        from vostok_desktop.services.documents.printing import money

        if not self.invoices:
            text = "Счета не выписаны"
        else:
            text = (f"Выписано счетов: {len(self.invoices)} на {money(self.total)} руб. "
                    f"({people(self.participants)})")
        extra = []
        if self.already:
            extra.append(f"уже со счётом: {self.already}")
        if self.cancelled:
            extra.append(f"отменили участие: {self.cancelled}")
        return text + (f"; пропущены — {', '.join(extra)}" if extra else "") + "."


def _line_name(event: EducationEvent, contact: Contact) -> str:
    when = event.starts_at.astimezone().strftime("%d.%m.%Y")
    kind = EVENT_KIND_TITLES[EventKind(event.kind)].lower()
    return f"Участие: {kind} «{event.theme}» {when} — {contact.full_name}"


def issue_invoices(base: OpenedBase, event_id: int, participant_ids: Sequence[int] | None,
                   employee_id: int | None, *, company_id: int | None = None,
                   issued_on: date | None = None, profile: AccessProfile | None = None
                   ) -> InvoiceResult:
    """Invoices for the participants (all of the event's when ``participant_ids`` is None):
    one per client, a line per participant at the event's price. Those already invoiced
    and the cancelled are skipped; the invoiced move from «Приглашение» to «Документы
    выписаны». All in one transaction."""
    if profile is not None:
        require(profile, Right.MONEY_DOCUMENTS)
    on = issued_on or date.today()

    def write(s: Session) -> InvoiceResult:
        event = _event(s, event_id)
        price = Decimal(event.price)
        if price <= 0:
            raise refuse("price", "Мероприятие бесплатное (цена 0): счета не выписываются")
        stmt = select(EventParticipant).where(EventParticipant.event_id == event_id)
        if participant_ids is not None:
            if not participant_ids:
                raise refuse("participant_ids", "Выберите участников")
            stmt = stmt.where(EventParticipant.id.in_(list(participant_ids)))
        rows = list(s.scalars(stmt.order_by(EventParticipant.client_id, EventParticipant.id)))
        # An invoice reversed by a storno no longer bills its participants.
        gone = reversed_invoices(s, [p.invoice_id for p in rows])
        billed = [p for p in rows if p.invoice_id is not None and p.invoice_id not in gone]
        already = len(billed)
        cancelled = sum(1 for p in rows if p not in billed and
                        ParticipantStatus(p.status) is ParticipantStatus.CANCELLED)
        todo = [p for p in rows if p not in billed and
                ParticipantStatus(p.status) is not ParticipantStatus.CANCELLED]
        if not todo:
            return InvoiceResult((), 0, already, cancelled, Decimal("0.00"))
        company = s.get(Company, company_id) if company_id else s.scalar(
            select(Company).where(Company.is_default, Company.is_active))
        if company is None:
            raise refuse("company_id", "Не выбран субъект учёта: отметьте основной в "
                                       "«Финансы → Субъекты учёта…»")
        contacts = {c.id: c for c in s.scalars(select(Contact).where(
            Contact.id.in_({p.contact_id for p in todo})))}
        by_client: dict[int, list[EventParticipant]] = defaultdict(list)
        for p in todo:
            by_client[p.client_id].append(p)
        basis = f"{EVENT_KIND_TITLES[EventKind(event.kind)]} «{event.theme}»"
        invoices, total = [], Decimal("0.00")
        for client_id, group in by_client.items():
            lines = [LineData(_line_name(event, contacts[p.contact_id]), Decimal(1), "чел.",
                              price) for p in group]
            document = issue_document(s, company_id=company.id, client_id=client_id,
                                      kind=DocumentKind.INVOICE, issued_on=on, lines=lines,
                                      basis=basis[:300], employee_id=employee_id)
            invoices.append(document.id)
            total += Decimal(document.total)
            for p in group:
                stage = ParticipantStage(p.stage)
                change_participant(s, p, employee_id, invoice_id=document.id,
                        stage=ParticipantStage.DOCUMENTS_ISSUED
                        if stage in _BILLING_STAGES else stage)
        return InvoiceResult(tuple(invoices), len(todo), already, cancelled, total)

    return run_write(base, write)


# The stages an invoice moves a participant through (one who attended stays there).
_BILLING_STAGES = (ParticipantStage.INVITED, ParticipantStage.DOCUMENTS_ISSUED,
                   ParticipantStage.PAID)


def reversed_invoices(s: Session, invoice_ids: Sequence[int | None]) -> set[int]:
    """Those of the invoices a storno has reversed."""
    ids = list({i for i in invoice_ids if i is not None})
    if not ids:
        return set()
    return set(s.scalars(select(MoneyDocument.corrects_id)
                         .where(MoneyDocument.corrects_id.in_(ids))))


def invoice_payments(s: Session, invoice_ids: Sequence[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """invoice id → (total, paid capped at the total), for the invoices the login sees."""
    ids = list({i for i in invoice_ids if i is not None})
    if not ids:
        return {}
    paid = (select(PaymentAllocation.document_id,
                   func.sum(PaymentAllocation.amount).label("paid"))
            .where(PaymentAllocation.document_id.in_(ids))
            .group_by(PaymentAllocation.document_id).subquery())
    result = {}
    for doc_id, total, paid_sum in s.execute(
            select(MoneyDocument.id, MoneyDocument.total, paid.c.paid)
            .outerjoin(paid, paid.c.document_id == MoneyDocument.id)
            .where(MoneyDocument.id.in_(ids))):
        total = Decimal(total)
        result[doc_id] = (total, min(Decimal(paid_sum or 0), total))
    return result


def follow_payments(base: OpenedBase, event_id: int, employee_id: int | None) -> int:
    """Participants whose invoice is paid in full move to «Оплачено» (from «Приглашение»
    or «Документы выписаны»); returns how many moved. Nothing to move writes nothing. A
    reversed (stornoed) invoice is never paid: see :func:`release_reversed`."""
    with base.sessions() as s:
        rows = s.execute(select(EventParticipant.id, EventParticipant.invoice_id).where(
            EventParticipant.event_id == event_id, EventParticipant.invoice_id.is_not(None),
            EventParticipant.status == ParticipantStatus.REGISTERED,
            EventParticipant.stage.in_([ParticipantStage.INVITED,
                                        ParticipantStage.DOCUMENTS_ISSUED]))).all()
        sums = invoice_payments(s, [r.invoice_id for r in rows])
        gone = reversed_invoices(s, [r.invoice_id for r in rows])
    ready = [r.id for r in rows if r.invoice_id in sums and r.invoice_id not in gone and
             sums[r.invoice_id][0] > 0 and sums[r.invoice_id][1] >= sums[r.invoice_id][0]]
    if not ready:
        return 0
    return set_stage(base, ready, ParticipantStage.PAID, employee_id).changed


def release_reversed(base: OpenedBase, event_id: int, employee_id: int | None) -> int:
    """Participants whose invoice was reversed by a storno go back to «Приглашение»
    without an invoice (from «Документы выписаны» or «Оплачено»; one who attended keeps
    the stage), so the next «Выписать счета» bills them again; the change log keeps the
    old invoice. Returns how many were released; nothing to release writes nothing."""
    with base.sessions() as s:
        rows = s.execute(select(EventParticipant.id, EventParticipant.invoice_id).where(
            EventParticipant.event_id == event_id,
            EventParticipant.invoice_id.is_not(None))).all()
        gone = reversed_invoices(s, [r.invoice_id for r in rows])
    if not gone:
        return 0
    ids = [r.id for r in rows if r.invoice_id in gone]

    def write(s: Session) -> int:
        released = 0
        for p in load_participants(s, ids):
            if p.invoice_id not in gone:
                continue  # billed again meanwhile
            stage = ParticipantStage(p.stage)
            released += change_participant(
                s, p, employee_id, invoice_id=None,
                stage=ParticipantStage.INVITED if stage in _BILLING_STAGES else stage)
        return released

    return run_write(base, write)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    contact_id: int
    contact_name: str
    position: str
    client_id: int
    client_name: str
    stage: ParticipantStage
    status: ParticipantStatus
    invoice_id: int | None
    invoice_number: str
    invoice_total: Decimal | None
    invoice_paid: Decimal | None
    feedback_score: int | None
    feedback_comment: str
    certificate_number: int | None
    certificate_handed_at: datetime | None
    certificate_handed_by: str
    registered_at: datetime

    @property
    def stage_title(self) -> str:
        return STAGE_TITLES[self.stage]

    @property
    def status_title(self) -> str:
        return PARTICIPANT_STATUS_TITLES[self.status]

    @property
    def paid_in_full(self) -> bool:
        return (self.invoice_total is not None and self.invoice_total > 0
                and self.invoice_paid is not None and self.invoice_paid >= self.invoice_total)


def list_participants(base: OpenedBase, event_id: int) -> list[ParticipantRow]:
    """The event's participants the login sees, by client and name."""
    p = EventParticipant
    handed_by = aliased(Employee)
    with base.sessions() as s:
        rows = s.execute(
            select(p, Contact.last_name, Contact.first_name, Contact.middle_name,
                   Contact.position, Client.short_name, MoneyDocument.number_text,
                   handed_by.full_name)
            .join(Contact, Contact.id == p.contact_id)
            .join(Client, Client.id == p.client_id)
            .outerjoin(MoneyDocument, MoneyDocument.id == p.invoice_id)
            .outerjoin(handed_by, handed_by.id == p.certificate_handed_by_id)
            .where(p.event_id == event_id)
            .order_by(Client.short_name, Contact.last_name, Contact.first_name, p.id)).all()
        sums = invoice_payments(s, [r[0].invoice_id for r in rows])
    result = []
    for part, last, first, middle, position, client, number, handed in rows:
        total, paid = sums.get(part.invoice_id, (None, None))
        result.append(ParticipantRow(
            part.id, part.contact_id, " ".join(x for x in (last, first, middle) if x),
            position or "", part.client_id, client or "", ParticipantStage(part.stage),
            ParticipantStatus(part.status), part.invoice_id, number or "", total, paid,
            part.feedback_score, part.feedback_comment or "", part.certificate_number,
            part.certificate_handed_at, handed or "", part.registered_at))
    return result
