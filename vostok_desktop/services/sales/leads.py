"""Leads («Заявки с сайта»): the import of a file, the matching to clients, the choice of
the responsible, and the lead's lifecycle (new → in work → accepted / rejected). No Qt.

Import (needs «Загрузка заявок»): the whole file in one transaction; a file whose SHA-256
is already in ``lead_batches`` is refused with the date it came. Each lead is matched to
an existing (visible) client by INN, then by phone, then by e-mail.

The responsible (:func:`choose_responsible`), in this order:

1. a matched client's responsible for «Продажи» (the client already has a manager);
2. the automatic distribution of assignments (services/work/assignments.py: lowest
   fact/plan, ties to whoever got one longest ago) over the plans of the assignment kind
   «Заявка с сайта» — its fact being the open leads of each participant;
3. a matched client's responsible for any direction;
4. the head of the importing employee's department;
5. nobody (the lead waits in the list «Новые» for someone to take it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Direction,
    Email,
    Employee,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.reference import DepartmentHead
from vostok_desktop.domain.sales import (
    LEAD_STATUS_TITLES,
    OPEN_LEAD_STATUSES,
    AttractionInstrument,
    Lead,
    LeadBatch,
    LeadStatus,
)
from vostok_desktop.domain.work import AssignmentKind
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.cards.clients import ClientData
from vostok_desktop.services.cards.common import EmailData, PhoneData
from vostok_desktop.services.distributives.common import check, refuse, run_write, snapshot
from vostok_desktop.services.sales.catalogue import log_changed, log_new
from vostok_desktop.services.sales.lead_files import LeadFile, LeadRecord, read_lead_file
from vostok_desktop.services.work.assignments import candidates, pick

LEADS = Right.SALES_LEADS.value
LEAD_KIND = "Заявка с сайта"  # the assignment kind whose distribution plans take leads
SALES_DIRECTION = "sales"
SITE_INSTRUMENT = "Сайт"
LIST_LIMIT = 5000


# --------------------------------------------------------------------------- the rule


class OpenLeadsFact:
    """The distribution's fact for leads: each participant's open (new, in work) leads."""

    def facts(self, s: Session, kind_id: int, employee_ids: Sequence[int]) -> dict[int, float]:
        rows = s.execute(select(Lead.responsible_id, func.count())
                         .where(Lead.responsible_id.in_(list(employee_ids)),
                                Lead.status.in_(OPEN_LEAD_STATUSES))
                         .group_by(Lead.responsible_id))
        found = {e: float(n) for e, n in rows}
        return {e: found.get(e, 0.0) for e in employee_ids}


@dataclass(frozen=True)
class Choice:
    employee_id: int | None
    how: str  # Russian: which step of the rule chose


def choose_responsible(s: Session, client_id: int | None, importer_id: int | None
                       ) -> Choice:
    """The responsible of a new lead (see the module's docstring for the order)."""
    if client_id is not None:
        own = s.scalar(select(Responsibility.employee_id)
                       .join(Direction, Direction.id == Responsibility.direction_id)
                       .join(Employee, Employee.id == Responsibility.employee_id)
                       .where(Responsibility.client_id == client_id,
                              Direction.code == SALES_DIRECTION, Employee.is_active))
        if own is not None:
            return Choice(own, "ответственный клиента за продажи")
    kind = s.scalar(select(AssignmentKind).where(AssignmentKind.name == LEAD_KIND))
    if kind is not None and kind.distributed:
        chosen = pick(candidates(s, kind.id, OpenLeadsFact()))
        if chosen is not None:
            return Choice(chosen.employee_id, "автоматическое распределение")
    if client_id is not None:
        other = s.scalar(select(Responsibility.employee_id)
                         .join(Employee, Employee.id == Responsibility.employee_id)
                         .where(Responsibility.client_id == client_id, Employee.is_active)
                         .order_by(Responsibility.direction_id))
        if other is not None:
            return Choice(other, "ответственный клиента")
    if importer_id is not None:
        head = s.scalar(select(DepartmentHead.employee_id)
                        .join(Employee, Employee.department_id == DepartmentHead.department_id)
                        .where(Employee.id == importer_id))
        if head is not None:
            return Choice(head, "руководитель отдела")
    return Choice(None, "не назначен")


def match_client(s: Session, record: LeadRecord) -> int | None:
    """An existing client of the lead: by INN, then phone, then e-mail (the caller's
    visible clients only, on a server base)."""
    if record.inn:
        found = s.scalar(select(Client.id).where(Client.inn == record.inn,
                                                 Client.marked_for_deletion.is_(False))
                         .order_by(Client.id).limit(1))
        if found is not None:
            return found
    if record.phone_digits:
        found = s.scalar(select(func.coalesce(Phone.client_id, Contact.client_id))
                         .outerjoin(Contact, Contact.id == Phone.contact_id)
                         .where(Phone.digits == record.phone_digits)
                         .order_by(Phone.id).limit(1))
        if found is not None:
            return found
    if record.email:
        found = s.scalar(select(func.coalesce(Email.client_id, Contact.client_id))
                         .outerjoin(Contact, Contact.id == Email.contact_id)
                         .where(or_(Email.address == record.email,
                                    Email.address == record.email.lower()))
                         .order_by(Email.id).limit(1))
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    batch_id: int
    file_name: str
    count: int
    matched: int
    by_rule: dict[str, int] = field(default_factory=dict)  # how -> leads

    def summary(self) -> str:
        rules = "; ".join(f"{how}: {n}" for how, n in sorted(self.by_rule.items()))
        return (f"Загружено заявок из «{self.file_name}»: {self.count}, из них найдено "
                f"клиентов в базе: {self.matched}. Ответственные — {rules}.")


def import_leads(base: OpenedBase, source: Path | str | LeadFile, employee_id: int | None,
                 *, profile: AccessProfile | None = None) -> ImportResult:
    """Read and write the file's leads, all or none."""
    check(profile, LEADS)
    parsed = source if isinstance(source, LeadFile) else read_lead_file(source)

    def write(s: Session) -> ImportResult:
        earlier = s.scalar(select(LeadBatch).where(LeadBatch.file_hash == parsed.file_hash))
        if earlier is not None:
            when = earlier.imported_at.astimezone().strftime("%d.%m.%Y %H:%M")
            raise refuse("file", f"Этот файл уже загружен {when} («{earlier.file_name}», "
                                 f"заявок: {earlier.row_count}); повторно его не загружают")
        batch = LeadBatch(file_name=parsed.file_name[:300], file_hash=parsed.file_hash,
                          row_count=len(parsed.records), imported_by_id=employee_id,
                          imported_at=utcnow())
        s.add(batch)
        s.flush()
        log_new(s, "lead_batches", batch, None, employee_id)
        result = ImportResult(batch.id, parsed.file_name, len(parsed.records), 0)
        for record in parsed.records:
            client_id = match_client(s, record)
            choice = choose_responsible(s, client_id, employee_id)
            lead = Lead(received_at=record.received_at, source=record.source,
                        name=record.name, organisation=record.organisation, inn=record.inn,
                        phone=record.phone, email=record.email, text=record.text,
                        client_id=client_id, responsible_id=choice.employee_id,
                        status=LeadStatus.NEW, batch_id=batch.id, created_by_id=employee_id,
                        updated_by_id=employee_id)
            s.add(lead)
            s.flush()  # the next lead's distribution counts this one
            log_new(s, "leads", lead, client_id, employee_id)
            result.matched += client_id is not None
            result.by_rule[choice.how] = result.by_rule.get(choice.how, 0) + 1
        return result

    return run_write(base, write)


# --------------------------------------------------------------------------- reading


@dataclass
class LeadRow:
    id: int
    received_at: datetime
    source: str
    name: str
    organisation: str
    inn: str
    phone: str
    email: str
    text: str
    client_id: int | None
    client_name: str
    responsible_id: int | None
    responsible_name: str
    status: LeadStatus
    result: str

    @property
    def status_title(self) -> str:
        return LEAD_STATUS_TITLES[self.status]


def list_leads(base: OpenedBase, *, statuses: Sequence[LeadStatus] | None = None,
               responsible_id: int | None = None, client_id: int | None = None,
               limit: int = LIST_LIMIT) -> list[LeadRow]:
    """Newest first."""
    query = (select(Lead, Client.short_name, Employee.full_name)
             .outerjoin(Client, Client.id == Lead.client_id)
             .outerjoin(Employee, Employee.id == Lead.responsible_id)
             .order_by(Lead.received_at.desc(), Lead.id.desc()).limit(limit))
    if statuses:
        query = query.where(Lead.status.in_(list(statuses)))
    if responsible_id is not None:
        query = query.where(Lead.responsible_id == responsible_id)
    if client_id is not None:
        query = query.where(Lead.client_id == client_id)
    with base.sessions() as s:
        return [LeadRow(r.id, r.received_at, r.source, r.name, r.organisation, r.inn,
                        r.phone, r.email, r.text, r.client_id, client or "",
                        r.responsible_id, who or "", r.status, r.result)
                for r, client, who in s.execute(query)]


# --------------------------------------------------------------------------- lifecycle


def _lead(s: Session, lead_id: int) -> Lead:
    lead = s.get(Lead, lead_id)
    if lead is None:
        raise refuse("lead", "Заявка не найдена (возможно, удалена или вам не видна)")
    return lead


def _change(s: Session, lead: Lead, employee_id: int | None, **values: object) -> None:
    before = snapshot(lead)
    for key, value in values.items():
        setattr(lead, key, value)
    lead.updated_by_id = employee_id
    s.flush()
    log_changed(s, "leads", lead.id, lead.client_id, employee_id, before, snapshot(lead))


def take_lead(base: OpenedBase, lead_id: int, employee_id: int | None) -> None:
    """«Взять в работу»: the lead becomes the employee's, in work."""

    def write(s: Session) -> None:
        lead = _lead(s, lead_id)
        if lead.status not in OPEN_LEAD_STATUSES:
            raise refuse("status", f"Заявка уже {LEAD_STATUS_TITLES[lead.status].lower()}")
        _change(s, lead, employee_id, status=LeadStatus.IN_WORK,
                responsible_id=lead.responsible_id or employee_id)

    run_write(base, write)


def set_responsible(base: OpenedBase, lead_id: int, responsible_id: int | None,
                    employee_id: int | None) -> None:
    def write(s: Session) -> None:
        _change(s, _lead(s, lead_id), employee_id, responsible_id=responsible_id)

    run_write(base, write)


def reject_lead(base: OpenedBase, lead_id: int, result: str, employee_id: int | None) -> None:
    """«Отклонить»: with the result said in words (why)."""
    text = result.strip()
    if not text:
        raise refuse("result", "Отклонение заявки: укажите результат (причину)")

    def write(s: Session) -> None:
        lead = _lead(s, lead_id)
        if lead.status not in OPEN_LEAD_STATUSES:
            raise refuse("status", f"Заявка уже {LEAD_STATUS_TITLES[lead.status].lower()}")
        _change(s, lead, employee_id, status=LeadStatus.REJECTED, result=text)

    run_write(base, write)


@dataclass
class Acceptance:
    """What «Принять» does: the client (an existing one, or None: the matched one, or a
    new one made of the lead) and, optionally, a deal at the first stage."""

    client_id: int | None = None
    create_deal: bool = True
    deal_title: str = ""
    expected_sum: Decimal = Decimal("0.00")
    stage_id: int | None = None
    result: str = ""


@dataclass
class Accepted:
    client_id: int
    client_created: bool
    deal_id: int | None


def accept_lead(base: OpenedBase, lead_id: int, how: Acceptance, employee_id: int | None
                ) -> Accepted:
    """«Принять»: link (or create) the client, open a deal, mark the lead accepted — one
    transaction."""
    from vostok_desktop.services.sales import deals

    def write(s: Session) -> Accepted:
        lead = _lead(s, lead_id)
        if lead.status not in OPEN_LEAD_STATUSES:
            raise refuse("status", f"Заявка уже {LEAD_STATUS_TITLES[lead.status].lower()}")
        client_id = how.client_id or lead.client_id
        created = False
        if client_id is None:
            client_id = _client_from_lead(s, lead, employee_id)
            created = True
        elif s.get(Client, client_id) is None:
            raise refuse("client", "Клиент не найден (возможно, удалён или вам не виден)")
        deal_id = None
        responsible = lead.responsible_id or employee_id
        if how.create_deal:
            site = s.scalar(select(AttractionInstrument.id).where(
                AttractionInstrument.title == SITE_INSTRUMENT))
            data = deals.DealData(
                client_id=client_id, lead_id=lead.id,
                title=how.deal_title.strip() or _deal_title(lead),
                stage_id=how.stage_id, responsible_id=responsible,
                expected_sum=how.expected_sum, instrument_id=site)
            deal_id = deals.write_deal(s, data, employee_id)
        _change(s, lead, employee_id, status=LeadStatus.CONVERTED, client_id=client_id,
                responsible_id=responsible,
                result=how.result.strip() or ("Открыта сделка" if deal_id else "Принята"))
        return Accepted(client_id, created, deal_id)

    return run_write(base, write)


def _deal_title(lead: Lead) -> str:
    first = (lead.text.splitlines() or [""])[0].strip()
    return (f"Заявка с сайта: {first}" if first else "Заявка с сайта")[:300]


def _client_from_lead(s: Session, lead: Lead, employee_id: int | None) -> int:
    """A new prospect made of the lead: its organisation (or the person), INN, phone and
    e-mail; the person becomes its contact."""
    from vostok_desktop.services.cards.clients import _write_client, validate_client

    name = lead.organisation or lead.name
    data = ClientData(status=ClientStatus.PROSPECT, short_name=name, full_name=name,
                      inn=lead.inn or None, source="Заявка с сайта",
                      notes=f"Создан по заявке с сайта от "
                            f"{lead.received_at.astimezone():%d.%m.%Y}")
    if lead.phone:
        data.phones = [PhoneData(raw=lead.phone)]
    if lead.email:
        data.emails = [EmailData(address=lead.email)]
    sales = s.scalar(select(Direction.id).where(Direction.code == SALES_DIRECTION))
    if sales is not None and (lead.responsible_id or employee_id):
        data.responsibilities = {sales: lead.responsible_id or employee_id}
    client_id = _write_client(s, validate_client(data), employee_id)
    if lead.name and lead.organisation:
        parts = lead.name.split()
        contact = Contact(client_id=client_id, last_name=parts[0][:100],
                          first_name=" ".join(parts[1:2])[:100],
                          middle_name=" ".join(parts[2:])[:100])
        s.add(contact)
        s.flush()
        from vostok_desktop.services.common.change_log import (
            database_writes_log,
            record_changes,
        )
        if not database_writes_log(s, "contacts"):
            record_changes(s, "contacts", contact.id, client_id, employee_id, {},
                           {"last_name": contact.last_name, "first_name": contact.first_name,
                            "middle_name": contact.middle_name})
    return client_id


def delete_batch(base: OpenedBase, batch_id: int, employee_id: int | None, *,
                 profile: AccessProfile | None = None) -> int:
    """Remove an import (its new, untouched leads and the batch, so that the file may be
    loaded again); leads already worked stay. Returns the number of leads removed."""
    check(profile, LEADS)

    def write(s: Session) -> int:
        batch = s.get(LeadBatch, batch_id)
        if batch is None:
            return 0
        removed = 0
        for lead in s.scalars(select(Lead).where(Lead.batch_id == batch_id,
                                                 Lead.status == LeadStatus.NEW)):
            before = snapshot(lead)
            s.delete(lead)
            removed += 1
            s.flush()
            log_changed(s, "leads", before["id"], before["client_id"], employee_id, before, {})
        before = snapshot(batch)
        s.delete(batch)
        s.flush()
        log_changed(s, "lead_batches", batch_id, None, employee_id, before, {})
        return removed

    return run_write(base, write)
