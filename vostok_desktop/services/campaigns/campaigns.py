"""Call campaigns: the lists of results and refusal reasons, creating a campaign over
selected clients, selected contacts or a saved filter of the client list, its status,
its progress and the results per operator. No Qt.

Filling honours the stop-list («Стоп-лист»): a contact in it never enters a campaign; a
client enters with its first callable contact (not in the stop-list, not marked for
deletion, with a phone first) or alone when it has no contacts at all; a client whose
every contact is in the stop-list stays out. The same client and contact twice in one
campaign is added once. Every fill is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Employee, Phone
from vostok_desktop.domain.campaigns import (
    CallResult,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ItemState,
    RefusalReason,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.campaigns.common import (
    CampaignError,
    guarded_write,
    log_file_base,
    require_manage,
)
from vostok_desktop.services.lists.client_search import ClientQuery, where_clauses
from vostok_desktop.services.lists.filters import FilterGroup

CLIENT_LIST_KIND = "client_list"  # the client list agent's saved filters (0011)
MAX_TITLE = 200
STOP_LIST_NOTE = "Контактное лицо в стоп-листе"


# -- the lists ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultInfo:
    id: int
    title: str
    is_refusal: bool
    retry: bool


@dataclass(frozen=True)
class ReasonInfo:
    id: int
    title: str


def call_results(session: Session, *, active_only: bool = True) -> list[ResultInfo]:
    """«Результаты звонка» in their order (the work tab's keys 1–9 follow it)."""
    stmt = select(CallResult).order_by(CallResult.position, CallResult.id)
    if active_only:
        stmt = stmt.where(CallResult.is_active.is_(True))
    return [ResultInfo(r.id, r.title, r.is_refusal, r.retry) for r in session.scalars(stmt)]


def refusal_reasons(session: Session, *, active_only: bool = True) -> list[ReasonInfo]:
    stmt = select(RefusalReason).order_by(RefusalReason.position, RefusalReason.id)
    if active_only:
        stmt = stmt.where(RefusalReason.is_active.is_(True))
    return [ReasonInfo(r.id, r.title) for r in session.scalars(stmt)]


def _clean(text: str | None, what: str) -> str:
    title = " ".join((text or "").split())
    if not title:
        raise CampaignError(f"Укажите {what}.")
    if len(title) > MAX_TITLE:
        raise CampaignError(f"{what[:1].upper()}{what[1:]} длиннее {MAX_TITLE} символов.")
    return title


def add_call_result(base: OpenedBase, title: str, *, is_refusal: bool = False,
                    retry: bool = False, profile: AccessProfile | None = None,
                    employee_id: int | None = None) -> int:
    """A new entry at the end of «Результаты звонка» (needs «Кампании обзвона»)."""
    require_manage(profile)
    title = _clean(title, "название результата")
    with base.sessions.begin() as s:
        if s.scalar(select(CallResult.id).where(CallResult.title == title)) is not None:
            raise CampaignError(f"Результат «{title}» уже есть в списке.")
        last = s.scalar(select(func.max(CallResult.position))) or 0
        row = CallResult(title=title, is_refusal=is_refusal, retry=retry, position=last + 1,
                         is_active=True)
        guarded_write(s, lambda: s.add(row))
        log_file_base(s, "campaign_results", row.id, None, employee_id, {},
                      {"title": title, "is_refusal": is_refusal, "retry": retry})
        return row.id


def add_refusal_reason(base: OpenedBase, title: str, *, profile: AccessProfile | None = None,
                       employee_id: int | None = None) -> int:
    """A new entry at the end of «Причины отказа» (needs «Кампании обзвона»)."""
    require_manage(profile)
    title = _clean(title, "причину отказа")
    with base.sessions.begin() as s:
        if s.scalar(select(RefusalReason.id).where(RefusalReason.title == title)) is not None:
            raise CampaignError(f"Причина «{title}» уже есть в списке.")
        last = s.scalar(select(func.max(RefusalReason.position))) or 0
        row = RefusalReason(title=title, position=last + 1, is_active=True)
        guarded_write(s, lambda: s.add(row))
        log_file_base(s, "refusal_reasons", row.id, None, employee_id, {}, {"title": title})
        return row.id


def set_list_entry_active(base: OpenedBase, kind: str, entry_id: int, active: bool, *,
                          profile: AccessProfile | None = None,
                          employee_id: int | None = None) -> None:
    """Take an entry of «Результаты звонка» (``kind`` "result") or «Причины отказа»
    ("reason") out of the lists offered to operators, or back; saved results keep it."""
    require_manage(profile)
    model, table = ((CallResult, "campaign_results") if kind == "result"
                    else (RefusalReason, "refusal_reasons"))
    with base.sessions.begin() as s:
        row = s.get(model, entry_id)
        if row is None:
            raise CampaignError("Такой строки в списке уже нет.")
        if row.is_active == active:
            return
        guarded_write(s, lambda: setattr(row, "is_active", active))
        log_file_base(s, table, entry_id, None, employee_id, {"is_active": not active},
                      {"is_active": active})


# -- campaigns ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignData:
    """What the setup form edits."""

    title: str
    occasion: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class FillReport:
    """What a fill did: the campaign, items added, contacts left out for the stop-list,
    pairs already in the campaign, ids that are not (or no longer) in the base."""

    campaign_id: int
    added: int
    stop_listed: int = 0
    duplicates: int = 0
    missing: int = 0

    def text(self) -> str:
        parts = [f"добавлено в обзвон: {self.added}"]
        if self.stop_listed:
            parts.append(f"не добавлено из-за стоп-листа: {self.stop_listed}")
        if self.duplicates:
            parts.append(f"уже были в кампании: {self.duplicates}")
        if self.missing:
            parts.append(f"не найдено: {self.missing}")
        return "; ".join(parts).capitalize()


@dataclass(frozen=True)
class Source:
    """Whom to call: selected clients, selected contacts and/or a client-list filter."""

    client_ids: Sequence[int] = ()
    contact_ids: Sequence[int] = ()
    client_filter: FilterGroup | None = None

    def is_empty(self) -> bool:
        return not self.client_ids and not self.contact_ids and (
            self.client_filter is None or self.client_filter.is_empty())


def _validated(data: CampaignData) -> CampaignData:
    title = _clean(data.title, "название кампании")
    starts = data.starts_on or date.today()
    if data.ends_on is not None and data.ends_on < starts:
        raise CampaignError(f"Кампания кончается ({data.ends_on:%d.%m.%Y}) раньше, чем "
                            f"начинается ({starts:%d.%m.%Y}).")
    return CampaignData(title, (data.occasion or "").strip(), starts, data.ends_on,
                        data.department_id)


def create_campaign(base: OpenedBase, data: CampaignData, source: Source | None = None, *,
                    employee_id: int | None, profile: AccessProfile | None = None,
                    status: CampaignStatus = CampaignStatus.DRAFT) -> FillReport:
    """A new campaign, filled from ``source`` in the same transaction."""
    require_manage(profile)
    data = _validated(data)
    with base.sessions.begin() as s:
        campaign = Campaign(title=data.title, occasion=data.occasion, starts_on=data.starts_on,
                            ends_on=data.ends_on, department_id=data.department_id,
                            status=status, created_by_id=employee_id)
        guarded_write(s, lambda: s.add(campaign))
        log_file_base(s, "campaigns", campaign.id, None, employee_id, {},
                      {"title": data.title, "occasion": data.occasion,
                       "status": status.value})
        report = _fill(s, campaign.id, source or Source(), employee_id)
    return report


def update_campaign(base: OpenedBase, campaign_id: int, data: CampaignData, *,
                    employee_id: int | None, profile: AccessProfile | None = None) -> None:
    require_manage(profile)
    data = _validated(data)
    with base.sessions.begin() as s:
        campaign = _campaign(s, campaign_id)
        old = {"title": campaign.title, "occasion": campaign.occasion,
               "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
               "department_id": campaign.department_id}

        def apply() -> None:
            campaign.title, campaign.occasion = data.title, data.occasion
            campaign.starts_on, campaign.ends_on = data.starts_on, data.ends_on
            campaign.department_id = data.department_id

        guarded_write(s, apply)
        log_file_base(s, "campaigns", campaign_id, None, employee_id, old,
                      {"title": data.title, "occasion": data.occasion,
                       "starts_on": data.starts_on, "ends_on": data.ends_on,
                       "department_id": data.department_id})


def set_status(base: OpenedBase, campaign_id: int, status: CampaignStatus, *,
               employee_id: int | None, profile: AccessProfile | None = None) -> None:
    """Start («Идёт обзвон»), close or reopen a campaign. A campaign without contacts is
    not started; closing returns contacts still being called to nobody."""
    require_manage(profile)
    with base.sessions.begin() as s:
        campaign = _campaign(s, campaign_id)
        if status is CampaignStatus.ACTIVE and not s.scalar(
                select(func.count()).where(CampaignItem.campaign_id == campaign_id)):
            raise CampaignError(f"В кампании «{campaign.title}» нет ни одного контакта: "
                                "добавьте клиентов или контактных лиц, потом начинайте обзвон.")
        old = campaign.status
        guarded_write(s, lambda: setattr(campaign, "status", status))
        log_file_base(s, "campaigns", campaign_id, None, employee_id,
                      {"status": old.value}, {"status": status.value})


def add_items(base: OpenedBase, campaign_id: int, source: Source, *,
              employee_id: int | None, profile: AccessProfile | None = None) -> FillReport:
    """Add clients or contacts to an existing campaign (not to a closed one)."""
    require_manage(profile)
    if source.is_empty():
        raise CampaignError("Не выбрано ни одного клиента или контактного лица.")
    with base.sessions.begin() as s:
        campaign = _campaign(s, campaign_id)
        if campaign.status is CampaignStatus.CLOSED:
            raise CampaignError(f"Кампания «{campaign.title}» завершена: в неё больше не "
                                "добавляют.")
        return _fill(s, campaign_id, source, employee_id)


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignError("Кампания не найдена: её удалили.")
    return campaign


def filter_client_ids(session: Session, group: FilterGroup, employee_id: int | None) -> list[int]:
    """The clients a client-list filter shows (what the login sees, not marked)."""
    query = ClientQuery(user_filter=group, employee_id=employee_id)
    return list(session.scalars(select(Client.id).where(*where_clauses(query))
                                .order_by(Client.id)))


def saved_client_filters(session: Session, employee_id: int | None) -> dict[str, FilterGroup]:
    """The client list's saved filters in the base: the user's own, then the shared ones
    (a shared one named like an own one is offered as «… (общий)»)."""
    from vostok_desktop.services.reference import list_settings as ls

    if not ls.supported(session.get_bind()):
        return {}
    from vostok_desktop.services.reference.common import Editor

    stored = ls.load_filters(session, Editor(employee_id), CLIENT_LIST_KIND)
    found = dict(stored.own)
    for title, shared in stored.shared.items():
        found[title if title not in found else f"{title} (общий)"] = shared.group
    return found


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _fill(session: Session, campaign_id: int, source: Source,
          employee_id: int | None) -> FillReport:
    client_ids = list(dict.fromkeys(source.client_ids))
    if source.client_filter is not None and not source.client_filter.is_empty():
        client_ids = list(dict.fromkeys([*client_ids, *filter_client_ids(
            session, source.client_filter, employee_id)]))
    contact_ids = list(dict.fromkeys(source.contact_ids))
    wanted: list[tuple[int, int | None]] = []
    stop_listed = missing = 0
    # Contacts chosen one by one: the stop-list keeps them out.
    found_contacts: dict[int, tuple[int, bool, bool]] = {}
    for chunk in _chunks(contact_ids):
        for cid, client_id, stop, marked in session.execute(
                select(Contact.id, Contact.client_id, Contact.stop_list,
                       Contact.marked_for_deletion).where(Contact.id.in_(chunk))):
            found_contacts[cid] = (client_id, bool(stop), bool(marked))
    for cid in contact_ids:
        if cid not in found_contacts or found_contacts[cid][2]:
            missing += 1
        elif found_contacts[cid][1]:
            stop_listed += 1
        else:
            wanted.append((found_contacts[cid][0], cid))
    # Clients: their first callable contact, or the client alone when it has none.
    for chunk in _chunks(client_ids):
        present = set(session.scalars(select(Client.id).where(Client.id.in_(chunk))))
        has_phone = (select(Phone.id).where(Phone.contact_id == Contact.id).exists())
        contacts: dict[int, list[tuple[int, bool, bool]]] = {}
        for cid, client_id, stop, phone in session.execute(
                select(Contact.id, Contact.client_id, Contact.stop_list, has_phone)
                .where(Contact.client_id.in_(chunk), Contact.marked_for_deletion.is_(False))
                .order_by(Contact.client_id, Contact.id)):
            contacts.setdefault(client_id, []).append((cid, bool(stop), bool(phone)))
        for client_id in chunk:
            if client_id not in present:
                missing += 1
                continue
            own = contacts.get(client_id, [])
            callable_ = [c for c in own if not c[1]]
            if own and not callable_:
                stop_listed += 1
                continue
            best = next((c for c in callable_ if c[2]), callable_[0] if callable_ else None)
            wanted.append((client_id, best[0] if best else None))
    existing = {(a, b) for a, b in session.execute(
        select(CampaignItem.client_id, CampaignItem.contact_id)
        .where(CampaignItem.campaign_id == campaign_id)).all()}
    rows, duplicates = [], 0
    for pair in dict.fromkeys(wanted):
        if pair in existing:
            duplicates += 1
            continue
        rows.append({"campaign_id": campaign_id, "client_id": pair[0], "contact_id": pair[1],
                     "state": ItemState.PENDING.value, "attempts": 0, "note": ""})
    duplicates += len(wanted) - len(dict.fromkeys(wanted))
    if rows:
        guarded_write(session, lambda: session.execute(insert(CampaignItem), rows))
        log_file_base(session, "campaigns", campaign_id, None, employee_id, {},
                      {"items_added": len(rows)})
    return FillReport(campaign_id, len(rows), stop_listed, duplicates, missing)


# -- lists and progress ----------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignRow:
    id: int
    title: str
    occasion: str
    status: CampaignStatus
    starts_on: date
    ends_on: date | None
    department_id: int | None
    author: str
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


_FINISHED = (ItemState.DONE.value, ItemState.SKIPPED.value)


def list_campaigns(session: Session, *, include_closed: bool = True) -> list[CampaignRow]:
    """Campaigns, newest first, with their contacts (what the login sees) and those done."""
    counts = (select(CampaignItem.campaign_id.label("cid"), func.count().label("total"),
                     func.sum(case((CampaignItem.state.in_(_FINISHED), 1), else_=0))
                     .label("done"))
              .group_by(CampaignItem.campaign_id).subquery())
    stmt = (select(Campaign, Employee.full_name, counts.c.total, counts.c.done)
            .outerjoin(Employee, Employee.id == Campaign.created_by_id)
            .outerjoin(counts, counts.c.cid == Campaign.id)
            .order_by(Campaign.starts_on.desc(), Campaign.id.desc()))
    if not include_closed:
        stmt = stmt.where(Campaign.status != CampaignStatus.CLOSED)
    return [CampaignRow(c.id, c.title, c.occasion, CampaignStatus(c.status), c.starts_on,
                        c.ends_on, c.department_id, author or "", int(total or 0),
                        int(done or 0))
            for c, author, total, done in session.execute(stmt)]


def campaign_row(session: Session, campaign_id: int) -> CampaignRow | None:
    return next((r for r in list_campaigns(session) if r.id == campaign_id), None)


@dataclass(frozen=True)
class Progress:
    """A campaign's progress: contacts by state, done ones by result, talk time."""

    total: int
    pending: int
    in_progress: int
    done: int
    skipped: int
    by_result: list[tuple[str, int]] = field(default_factory=list)
    by_reason: list[tuple[str, int]] = field(default_factory=list)
    talk_seconds: int = 0

    @property
    def finished(self) -> int:
        return self.done + self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0


def progress(session: Session, campaign_id: int) -> Progress:
    states = {str(getattr(k, "value", k)): int(v) for k, v in session.execute(
        select(CampaignItem.state, func.count()).where(CampaignItem.campaign_id == campaign_id)
        .group_by(CampaignItem.state)).all()}
    by_result = [(t, int(n)) for t, n in session.execute(
        select(CallResult.title, func.count())
        .join(CampaignItem, CampaignItem.result_id == CallResult.id)
        .where(CampaignItem.campaign_id == campaign_id)
        .group_by(CallResult.id, CallResult.title, CallResult.position)
        .order_by(CallResult.position, CallResult.id))]
    by_reason = [(t, int(n)) for t, n in session.execute(
        select(RefusalReason.title, func.count())
        .join(CampaignItem, CampaignItem.refusal_reason_id == RefusalReason.id)
        .where(CampaignItem.campaign_id == campaign_id)
        .group_by(RefusalReason.id, RefusalReason.title, RefusalReason.position)
        .order_by(RefusalReason.position, RefusalReason.id))]
    talk = session.scalar(select(func.coalesce(func.sum(CampaignItem.talk_seconds), 0))
                          .where(CampaignItem.campaign_id == campaign_id)) or 0
    return Progress(sum(states.values()), states.get("pending", 0),
                    states.get("in_progress", 0), states.get("done", 0),
                    states.get("skipped", 0), by_result, by_reason, int(talk))


@dataclass(frozen=True)
class OperatorResult:
    employee_id: int | None
    name: str
    calls: int  # contacts with a result recorded by the operator
    successes: int  # results that are neither a refusal nor a retry
    refusals: int
    talk_seconds: int

    @property
    def average_talk_s(self) -> int:
        return round(self.talk_seconds / self.calls) if self.calls else 0


def operator_results(session: Session, campaign_id: int) -> list[OperatorResult]:
    """Results per operator (who recorded the last result of each contact)."""
    stmt = (select(CampaignItem.done_by_id, Employee.full_name, func.count(),
                   func.sum(case(((CallResult.is_refusal.is_(False))
                                  & (CallResult.retry.is_(False)), 1), else_=0)),
                   func.sum(case((CallResult.is_refusal.is_(True), 1), else_=0)),
                   func.coalesce(func.sum(CampaignItem.talk_seconds), 0))
            .join(CallResult, CallResult.id == CampaignItem.result_id)
            .outerjoin(Employee, Employee.id == CampaignItem.done_by_id)
            .where(CampaignItem.campaign_id == campaign_id)
            .group_by(CampaignItem.done_by_id, Employee.full_name)
            .order_by(Employee.full_name))
    return [OperatorResult(eid, name or "—", int(n), int(ok or 0), int(ref or 0), int(talk))
            for eid, name, n, ok, ref, talk in session.execute(stmt)]


__all__ = ["CLIENT_LIST_KIND", "STOP_LIST_NOTE", "CampaignData", "CampaignError",
           "CampaignRow", "FillReport", "OperatorResult", "Progress", "ReasonInfo",
           "ResultInfo", "Source", "add_call_result", "add_items", "add_refusal_reason",
           "call_results", "campaign_row", "create_campaign", "filter_client_ids",
           "list_campaigns", "operator_results", "progress", "refusal_reasons",
           "saved_client_filters", "set_list_entry_active", "set_status",
           "update_campaign"]
