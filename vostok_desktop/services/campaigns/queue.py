"""Working a campaign's queue («Обзвон»): take the next contact, see who it is and what
happened before, find the call placed for it in the call log, save the result. No Qt.

Taking is atomic: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` passes over a row
another operator is taking this instant, and the conditional UPDATE (``state =
'pending'``) makes sure on both dialects that one contact goes to one operator. Row-level
security gives an operator only the contacts of clients they see. A contact put in the
stop-list after the fill is skipped when its turn comes (and cannot be dialled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Call, CallDirection, Client, Contact, Employee, Phone
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.campaigns import (
    CallResult,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ItemState,
    RefusalReason,
)
from vostok_desktop.services.campaigns.campaigns import STOP_LIST_NOTE
from vostok_desktop.services.campaigns.common import CampaignError, guarded_write, log_file_base

MAX_TAKE_TRIES = 200
# A call is the item's when it was placed from this workstation after «Позвонить»
# (the PBX may stamp it a little earlier than our clock).
CALL_CLOCK_SLACK = timedelta(seconds=5)


def next_item(base: OpenedBase, campaign_id: int, employee_id: int | None, *,
              skip_ids: Sequence[int] = ()) -> int | None:
    """Take the next contact of an active campaign for ``employee_id``; None when the
    queue is empty. A contact the operator already holds comes first (a restart after a
    crash), then those assigned to them, then anybody's, fewest attempts first."""
    skip = tuple(skip_ids) or (-1,)
    for _ in range(MAX_TAKE_TRIES):
        with base.sessions.begin() as s:
            campaign = s.get(Campaign, campaign_id)
            if campaign is None:
                raise CampaignError("Кампания не найдена: её удалили.")
            if campaign.status is not CampaignStatus.ACTIVE:
                raise CampaignError(f"Кампания «{campaign.title}» сейчас не идёт: обзвон "
                                    "начинают, когда её статус — «Идёт обзвон».")
            held = s.scalar(select(CampaignItem.id).where(
                CampaignItem.campaign_id == campaign_id,
                CampaignItem.state == ItemState.IN_PROGRESS,
                CampaignItem.operator_id == (employee_id or -1),
                CampaignItem.id.notin_(skip)).order_by(CampaignItem.id).limit(1))
            if held is not None and employee_id is not None:
                return held
            stmt = (select(CampaignItem.id, Contact.stop_list)
                    .outerjoin(Contact, Contact.id == CampaignItem.contact_id)
                    .where(CampaignItem.campaign_id == campaign_id,
                           CampaignItem.state == ItemState.PENDING,
                           or_(CampaignItem.operator_id.is_(None),
                               CampaignItem.operator_id == (employee_id or -1)),
                           CampaignItem.id.notin_(skip))
                    .order_by(CampaignItem.operator_id.is_(None), CampaignItem.attempts,
                              CampaignItem.id)
                    .limit(1)
                    .with_for_update(skip_locked=True, of=CampaignItem))
            row = s.execute(stmt).first()
            if row is None:
                return None
            item_id, stop = row
            if stop:
                guarded_write(s, lambda i=item_id: s.execute(
                    update(CampaignItem).where(CampaignItem.id == i,
                                               CampaignItem.state == ItemState.PENDING)
                    .values(state=ItemState.SKIPPED, note=STOP_LIST_NOTE)))
                continue
            taken = guarded_write(s, lambda i=item_id: s.execute(
                update(CampaignItem).where(CampaignItem.id == i,
                                           CampaignItem.state == ItemState.PENDING)
                .values(state=ItemState.IN_PROGRESS, operator_id=employee_id,
                        taken_at=utcnow())))
            if taken.rowcount == 1:
                return item_id
    return None


def release_item(base: OpenedBase, item_id: int, employee_id: int | None) -> None:
    """Give a contact taken but not worked back to the queue («Следующий» without a
    result, closing the tab)."""
    with base.sessions.begin() as s:
        guarded_write(s, lambda: s.execute(
            update(CampaignItem).where(CampaignItem.id == item_id,
                                       CampaignItem.state == ItemState.IN_PROGRESS,
                                       CampaignItem.operator_id == (employee_id or -1))
            .values(state=ItemState.PENDING, operator_id=None, taken_at=None)))


@dataclass(frozen=True)
class Attempt:
    """An earlier result at the same client (this campaign or another)."""

    done_at: datetime | None
    campaign: str
    contact: str
    result: str
    reason: str
    note: str
    operator: str
    talk_seconds: int | None


@dataclass(frozen=True)
class ItemView:
    """What the «Обзвон» tab shows of the current contact."""

    id: int
    campaign_id: int
    campaign_title: str
    occasion: str
    client_id: int
    client_name: str
    contact_id: int | None
    contact_name: str
    position: str
    phones: list[str]
    stop_listed: bool
    state: ItemState
    attempts: int
    note: str
    history: list[Attempt]


def _name(last: str | None, first: str | None, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def item_view(session: Session, item_id: int) -> ItemView:
    item = session.get(CampaignItem, item_id)
    if item is None:
        raise CampaignError("Контакт кампании не найден или недоступен.")
    campaign = session.get(Campaign, item.campaign_id)
    client = session.get(Client, item.client_id)
    contact = session.get(Contact, item.contact_id) if item.contact_id else None
    phones: list[str] = []
    if contact is not None:
        phones += list(session.scalars(select(Phone.raw).where(Phone.contact_id == contact.id)
                                       .order_by(Phone.id)))
    phones += [p for p in session.scalars(select(Phone.raw).where(
        Phone.client_id == item.client_id, Phone.contact_id.is_(None)).order_by(Phone.id))
        if p not in phones]
    return ItemView(
        item.id, item.campaign_id, campaign.title if campaign else "",
        campaign.occasion if campaign else "", item.client_id,
        client.short_name if client else "", item.contact_id,
        _name(contact.last_name, contact.first_name, contact.middle_name) if contact else "",
        (contact.position or "") if contact else "", phones,
        bool(contact.stop_list) if contact else False, ItemState(item.state), item.attempts,
        item.note, history(session, item.client_id, exclude_item=item.id))


def history(session: Session, client_id: int, *, exclude_item: int | None = None,
            limit: int = 50) -> list[Attempt]:
    """Earlier results at the client, newest first."""
    operator = aliased(Employee)
    stmt = (select(CampaignItem.done_at, Campaign.title, Contact.last_name, Contact.first_name,
                   Contact.middle_name, CallResult.title, RefusalReason.title,
                   CampaignItem.note, operator.full_name, CampaignItem.talk_seconds)
            .join(Campaign, Campaign.id == CampaignItem.campaign_id)
            .join(CallResult, CallResult.id == CampaignItem.result_id)
            .outerjoin(RefusalReason, RefusalReason.id == CampaignItem.refusal_reason_id)
            .outerjoin(Contact, Contact.id == CampaignItem.contact_id)
            .outerjoin(operator, operator.id == CampaignItem.done_by_id)
            .where(CampaignItem.client_id == client_id,
                   CampaignItem.id != (exclude_item or -1))
            .order_by(CampaignItem.done_at.desc(), CampaignItem.id.desc()).limit(limit))
    return [Attempt(r[0], r[1], _name(r[2], r[3], r[4]), r[5], r[6] or "", r[7] or "",
                    r[8] or "", r[9]) for r in session.execute(stmt)]


def counts(session: Session, campaign_id: int) -> tuple[int, int]:
    """(worked: done or skipped, all) contacts of a campaign, in one query — what the
    progress bar shows after every contact."""
    finished = func.sum(case((CampaignItem.state.in_(
        (ItemState.DONE.value, ItemState.SKIPPED.value)), 1), else_=0))
    done, total = session.execute(select(finished, func.count()).where(
        CampaignItem.campaign_id == campaign_id)).one()
    return int(done or 0), int(total or 0)


def placed_call(session: Session, employee_id: int | None, since: datetime) -> int | None:
    """The outgoing call of this employee in the call log placed at or after ``since``
    (the newest): the call «Позвонить» made for the current contact."""
    if employee_id is None:
        return None
    return session.scalar(select(Call.id).where(
        Call.employee_id == employee_id, Call.direction == CallDirection.OUTGOING,
        Call.started_at >= since - CALL_CLOCK_SLACK)
        .order_by(Call.started_at.desc(), Call.id.desc()).limit(1))


def call_talk_seconds(call: Call, now: datetime | None = None) -> int:
    """Talk time of a call from the call log; a call still going counts until now."""
    if call.duration_s is not None:
        return int(call.duration_s)
    if call.answered_at is not None:
        return max(0, round(((now or utcnow()) - call.answered_at).total_seconds()))
    return 0


def save_result(base: OpenedBase, item_id: int, employee_id: int | None, result_id: int | None,
                *, refusal_reason_id: int | None = None, note: str = "",
                call_id: int | None = None) -> ItemState:
    """Record the result of the current contact. A refusal needs its reason; a result
    that asks for another try («Не дозвонились», «Перезвонить позже») puts the contact
    back in the queue. Returns the contact's new state."""
    note = (note or "").strip()
    with base.sessions.begin() as s:
        result = s.get(CallResult, result_id) if result_id else None
        if result is None or not result.is_active:
            raise CampaignError("Выберите результат звонка (клавиши 1–9).")
        if result.is_refusal:
            reason = s.get(RefusalReason, refusal_reason_id) if refusal_reason_id else None
            if reason is None or not reason.is_active:
                raise CampaignError(f"Результат «{result.title}» сохраняют с причиной "
                                    "отказа: выберите её в списке «Причина отказа».")
        else:
            refusal_reason_id = None
        item = s.get(CampaignItem, item_id, with_for_update=True)
        if item is None:
            raise CampaignError("Контакт кампании не найден или недоступен.")
        if item.state is not ItemState.IN_PROGRESS or item.operator_id != employee_id:
            raise CampaignError("Этот контакт уже не ваш: его вернули в очередь или "
                                "обработал другой оператор. Нажмите «Следующий».")
        call = s.get(Call, call_id) if call_id else None
        if call_id and (call is None or call.employee_id != employee_id):
            raise CampaignError("Звонок не из вашего журнала звонков.")
        old = {"result_id": item.result_id, "refusal_reason_id": item.refusal_reason_id,
               "note": item.note, "state": item.state.value}
        new_state = ItemState.PENDING if result.retry else ItemState.DONE

        def apply() -> None:
            item.result_id = result.id
            item.refusal_reason_id = refusal_reason_id
            item.note = note
            item.call_id = call.id if call is not None else None
            item.talk_seconds = call_talk_seconds(call) if call is not None else None
            item.attempts = item.attempts + 1
            item.done_at = utcnow()
            item.done_by_id = employee_id
            item.state = new_state
            if result.retry:
                item.operator_id = None
                item.taken_at = None

        guarded_write(s, apply)
        log_file_base(s, "campaign_items", item.id, item.client_id, employee_id, old,
                      {"result_id": result.id, "refusal_reason_id": refusal_reason_id,
                       "note": note, "state": new_state.value})
        return new_state


def refresh_talk_time(base: OpenedBase, item_id: int, employee_id: int | None) -> int | None:
    """Take the talk time again from the call log (the call has ended since the result
    was saved); returns it. Only the operator whose call it is refreshes it."""
    with base.sessions.begin() as s:
        item = s.get(CampaignItem, item_id)
        if item is None or item.call_id is None:
            return None
        call = s.get(Call, item.call_id)
        if call is None or call.employee_id != employee_id:
            return item.talk_seconds
        seconds = call_talk_seconds(call)
        if seconds != item.talk_seconds:
            guarded_write(s, lambda: setattr(item, "talk_seconds", seconds))
        return seconds


__all__ = ["Attempt", "ItemView", "call_talk_seconds", "counts", "history", "item_view", "next_item",
           "placed_call", "refresh_talk_time", "release_item", "save_result"]
