"""Hot line (ГЛ) and consultation line (ЛК) use cases, no Qt: register requests, move
them through their lifecycle and search order stages, list them, find the caller,
tell who must be warned about deadlines.

Functions take a Session and leave the transaction to the caller: every multi-row user
action (several contacts at once) is one ``with base.sessions.begin()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.domain import Call, Client, Contact, Employee, Phone
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.hotline import (
    LINE_SHORT,
    OPEN_STATUSES,
    STATUS_TITLES,
    TRANSITIONS,
    HistoryKind,
    HotlineLine,
    HotlineRequest,
    HotlineRequestHistory,
    HotlineRequestType,
    RequestChannel,
    RequestStatus,
    SearchOrderStage,
)
from vostok_desktop.domain.org import Department, EmployeeRole
from vostok_desktop.services.hotline.calendar import WorkingCalendar, load_calendar
from vostok_desktop.services.lists.client_search import phone_prefixes
from vostok_desktop.services.lists.filters import like_escape
from vostok_desktop.services.telephony.caller_lookup import CallerMatch, with_open_requests

DUE_SOON = timedelta(hours=1)
JOURNAL_LIMIT = 2000


class RequestError(ValueError):
    """A refused action; the message is for the user (Russian)."""


# -- reference lists -----------------------------------------------------------------------
@dataclass(frozen=True)
class RequestTypeInfo:
    id: int
    name: str
    code: str | None
    deadline_days: int
    deadline_minutes: int
    is_search_order: bool

    def rule_text(self) -> str:
        parts = []
        if self.deadline_days:
            parts.append(f"{self.deadline_days} раб. дн.")
        if self.deadline_minutes:
            hours, minutes = divmod(self.deadline_minutes, 60)
            parts.append(f"{hours} раб. ч" + (f" {minutes} мин" if minutes else ""))
        return " + ".join(parts) or "сразу"


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    position: int


def request_types(session: Session, *, active_only: bool = True) -> list[RequestTypeInfo]:
    stmt = select(HotlineRequestType).order_by(HotlineRequestType.position,
                                               HotlineRequestType.name)
    if active_only:
        stmt = stmt.where(HotlineRequestType.is_active.is_(True))
    return [RequestTypeInfo(t.id, t.name, t.code, t.deadline_days, t.deadline_minutes,
                            t.is_search_order) for t in session.scalars(stmt)]


def save_request_type(session: Session, name: str, *, deadline_days: int = 0,
                      deadline_minutes: int = 0, is_search_order: bool = False,
                      type_id: int | None = None, position: int | None = None) -> int:
    """Add or change a type of the editable list (the deadline rule goes with it)."""
    name = name.strip()
    if not name:
        raise RequestError("Не указано название типа обращения")
    if deadline_days < 0 or deadline_minutes < 0:
        raise RequestError("Срок ответа не может быть отрицательным")
    clash = session.scalar(select(HotlineRequestType.id).where(
        HotlineRequestType.name == name, HotlineRequestType.id != (type_id or 0)))
    if clash is not None:
        raise RequestError(f"Тип обращения «{name}» уже есть")
    row = session.get(HotlineRequestType, type_id) if type_id else None
    if row is None:
        last = session.scalar(select(func.max(HotlineRequestType.position))) or 0
        row = HotlineRequestType(position=position if position is not None else last + 1)
        session.add(row)
    row.name, row.deadline_days, row.deadline_minutes = name, deadline_days, deadline_minutes
    row.is_search_order = is_search_order
    session.flush()
    return row.id


def stages(session: Session) -> list[StageInfo]:
    stmt = (select(SearchOrderStage).where(SearchOrderStage.is_active.is_(True))
            .order_by(SearchOrderStage.position, SearchOrderStage.id))
    return [StageInfo(s.id, s.name, s.position) for s in session.scalars(stmt)]


def save_stage(session: Session, name: str, *, stage_id: int | None = None) -> int:
    name = name.strip()
    if not name:
        raise RequestError("Не указано название этапа")
    clash = session.scalar(select(SearchOrderStage).where(
        SearchOrderStage.name == name, SearchOrderStage.id != (stage_id or 0)))
    if clash is not None and (clash.is_active or stage_id):
        raise RequestError(f"Этап «{name}» уже есть")
    row = session.get(SearchOrderStage, stage_id) if stage_id else clash
    last = session.scalar(select(func.max(SearchOrderStage.position))) or 0
    if row is None:
        row = SearchOrderStage(position=last + 1)
        session.add(row)
    elif not row.is_active:  # a removed stage of the same name comes back at the end
        row.is_active, row.position = True, last + 1
    row.name = name
    session.flush()
    return row.id


def request_type_in_use(session: Session, type_id: int) -> bool:
    return session.scalar(select(HotlineRequest.id).where(
        HotlineRequest.type_id == type_id).limit(1)) is not None


def set_request_type_active(session: Session, type_id: int, active: bool) -> None:
    """Deactivate (hide from the registration form) or bring back a type; types are never
    deleted, requests keep theirs."""
    row = session.get(HotlineRequestType, type_id)
    if row is None:
        raise RequestError("Тип обращения не найден")
    if not active and row.is_active and session.scalar(select(func.count()).where(
            HotlineRequestType.is_active.is_(True))) <= 1:
        raise RequestError("Нельзя отключить последний действующий тип обращения")
    row.is_active = active
    session.flush()


def move_stage(session: Session, stage_id: int, offset: int) -> None:
    """Move a stage up (-1) or down (+1) among the active ones (renumbers positions)."""
    ordered = [s.id for s in stages(session)]
    if stage_id not in ordered:
        raise RequestError("Этап не найден")
    index = ordered.index(stage_id)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, sid in enumerate(ordered, start=1):
        session.get(SearchOrderStage, sid).position = position  # type: ignore[union-attr]
    session.flush()


def remove_stage(session: Session, stage_id: int) -> None:
    """Remove a stage from the list: deleted if no request ever used it, else hidden
    (requests keep their stage and history)."""
    row = session.get(SearchOrderStage, stage_id)
    if row is None:
        raise RequestError("Этап не найден")
    used = session.scalar(select(HotlineRequest.id).where(
        HotlineRequest.stage_id == stage_id).limit(1)) is not None
    if used:
        row.is_active = False
    else:
        session.delete(row)
    session.flush()


# -- registration ----------------------------------------------------------------------------
@dataclass
class RequestDraft:
    """What the registration form collected."""

    line: HotlineLine
    type_id: int | None
    text: str
    client_id: int | None = None
    contact_ids: Sequence[int] = ()
    channel: RequestChannel = RequestChannel.PHONE
    operator_id: int | None = None
    received_at: datetime | None = None
    call_id: int | None = None
    documents: str = ""


def _history(request: HotlineRequest, kind: HistoryKind, old: str, new: str,
             employee_id: int | None, at: datetime, comment: str = "") -> None:
    request.history.append(HotlineRequestHistory(
        kind=kind, old_value=old, new_value=new, employee_id=employee_id, changed_at=at,
        comment=comment))


def register_requests(session: Session, draft: RequestDraft,
                      calendar: WorkingCalendar | None = None,
                      now: datetime | None = None) -> list[int]:
    """Register the request, one per contact when several are chosen; returns the ids."""
    text = draft.text.strip()
    if not text:
        raise RequestError("Не указан текст обращения")
    if draft.type_id is None:
        raise RequestError("Не выбран тип обращения")
    rtype = session.get(HotlineRequestType, draft.type_id)
    if rtype is None:
        raise RequestError("Такого типа обращения нет: список типов изменился")
    contact_ids = list(dict.fromkeys(draft.contact_ids))
    contacts = {c.id: c for c in session.scalars(select(Contact)
                                                 .where(Contact.id.in_(contact_ids)))}
    missing = [i for i in contact_ids if i not in contacts]
    if missing:
        raise RequestError("Контактное лицо не найдено: возможно, его удалили")
    client_id = draft.client_id
    if client_id is None and contacts:
        client_id = next(iter(contacts.values())).client_id
    if client_id is None and not contacts:
        raise RequestError("Не выбран клиент: найдите его по телефону или названию")
    if client_id is not None and session.get(Client, client_id) is None:
        raise RequestError("Клиент не найден: возможно, его удалили")
    now = now or utcnow()
    received = draft.received_at or now
    calendar = calendar or load_calendar(session)
    deadline = calendar.deadline(received, rtype.deadline_days, rtype.deadline_minutes)
    first_stage = None
    if rtype.is_search_order:
        first_stage = session.scalars(
            select(SearchOrderStage).where(SearchOrderStage.is_active.is_(True))
            .order_by(SearchOrderStage.position, SearchOrderStage.id).limit(1)).first()
    created: list[HotlineRequest] = []
    for contact_id in contact_ids or [None]:
        own_client = contacts[contact_id].client_id if contact_id else client_id
        request = HotlineRequest(
            line=draft.line, client_id=own_client, contact_id=contact_id,
            channel=draft.channel, type_id=rtype.id, text=text, operator_id=draft.operator_id,
            received_at=received, deadline_at=deadline, status=RequestStatus.REGISTERED,
            call_id=draft.call_id, documents=draft.documents.strip(),
            stage_id=first_stage.id if first_stage else None, created_at=now, updated_at=now)
        _history(request, HistoryKind.STATUS, "", STATUS_TITLES[RequestStatus.REGISTERED],
                 draft.operator_id, now)
        if first_stage is not None:
            _history(request, HistoryKind.STAGE, "", first_stage.name, draft.operator_id, now)
        session.add(request)
        created.append(request)
    session.flush()
    if draft.call_id is not None:
        call = session.get(Call, draft.call_id)
        if call is not None:
            call.request_id = created[0].id
    return [r.id for r in created]


def call_row_id(session: Session, provider_call_id: str, extension: str | None = None
                ) -> int | None:
    """The call log row of a call the informer shows (this extension's leg)."""
    stmt = select(Call.id).where(Call.provider_call_id == provider_call_id)
    if extension:
        stmt = stmt.where(Call.extension == extension)
    return session.scalar(stmt.order_by(Call.id.desc()).limit(1))


# -- lifecycle ----------------------------------------------------------------------------------
def _get(session: Session, request_id: int) -> HotlineRequest:
    request = session.get(HotlineRequest, request_id)
    if request is None:
        raise RequestError(f"Обращение №{request_id} не найдено")
    return request


def change_status(session: Session, request_id: int, status: RequestStatus,
                  employee_id: int | None, *, answer: str | None = None, comment: str = "",
                  now: datetime | None = None) -> None:
    """Move a request along its lifecycle; an invalid step is refused with the reason."""
    request = _get(session, request_id)
    current = request.status
    if status == current:
        return
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(f"«{STATUS_TITLES[s]}»" for s in TRANSITIONS[current])
        raise RequestError(
            f"Обращение №{request.id} в состоянии «{STATUS_TITLES[current]}» нельзя перевести "
            f"в «{STATUS_TITLES[status]}»"
            + (f": возможно только {allowed}" if allowed else ": оно уже завершено"))
    now = now or utcnow()
    if answer is not None:
        request.answer = answer.strip()
    if status is RequestStatus.ANSWERED:
        if not request.answer.strip():
            raise RequestError("Чтобы отметить ответ, напишите текст ответа")
        request.answered_at = now
    elif status is RequestStatus.CLOSED:
        request.closed_at = now
    elif status is RequestStatus.IN_WORK and current is RequestStatus.ANSWERED:
        request.answered_at = None  # the answer did not satisfy: the deadline runs again
    _history(request, HistoryKind.STATUS, STATUS_TITLES[current], STATUS_TITLES[status],
             employee_id, now, comment)
    request.status = status
    request.updated_at = now


def answer_request(session: Session, request_id: int, answer: str, employee_id: int | None,
                   now: datetime | None = None) -> None:
    """Give the answer: a registered request passes «В работе» on the way (both recorded)."""
    request = _get(session, request_id)
    if request.status is RequestStatus.REGISTERED:
        change_status(session, request_id, RequestStatus.IN_WORK, employee_id, now=now)
    change_status(session, request_id, RequestStatus.ANSWERED, employee_id, answer=answer,
                  now=now)


def set_stage(session: Session, request_id: int, stage_id: int, employee_id: int | None,
              *, comment: str = "", now: datetime | None = None) -> None:
    """Move a search order to another stage; who and when go to its history."""
    request = _get(session, request_id)
    if not request.type.is_search_order:
        raise RequestError("Этапы есть только у заказов на поиск документов")
    if request.status in (RequestStatus.CLOSED, RequestStatus.CANCELLED):
        raise RequestError("Заказ завершён: этап больше не меняется")
    stage = session.get(SearchOrderStage, stage_id)
    if stage is None:
        raise RequestError("Такого этапа нет: список этапов изменился")
    if request.stage_id == stage_id:
        return
    now = now or utcnow()
    _history(request, HistoryKind.STAGE, request.stage.name if request.stage else "",
             stage.name, employee_id, now, comment)
    request.stage = stage
    request.updated_at = now


def update_details(session: Session, request_id: int, *, expected_version: int | None = None,
                   answer: str | None = None, documents: str | None = None,
                   text: str | None = None) -> None:
    """Edit the texts of a request (optimistic locking by ``expected_version``)."""
    request = _get(session, request_id)
    if expected_version is not None and request.version != expected_version:
        raise RequestError("Обращение изменил другой пользователь: перечитайте его (F5)")
    if text is not None:
        if not text.strip():
            raise RequestError("Не указан текст обращения")
        request.text = text.strip()
    if answer is not None:
        request.answer = answer.strip()
    if documents is not None:
        request.documents = documents.strip()
    request.updated_at = utcnow()


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestRow:
    id: int
    line: HotlineLine
    status: RequestStatus
    channel: RequestChannel
    type_id: int
    type_name: str
    text: str
    client_id: int | None
    client_name: str
    contact_id: int | None
    contact_name: str
    operator_id: int | None
    operator_name: str
    received_at: datetime
    deadline_at: datetime
    answered_at: datetime | None
    stage_name: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def urgency(self, now: datetime) -> str:
        """«overdue», «due_soon» (within the hour) or «» — open requests only."""
        return urgency(self.status, self.deadline_at, now)


def urgency(status: RequestStatus, deadline_at: datetime, now: datetime) -> str:
    if status not in OPEN_STATUSES:
        return ""
    if deadline_at <= now:
        return "overdue"
    if deadline_at - now <= DUE_SOON:
        return "due_soon"
    return ""


@dataclass
class RequestFilter:
    lines: Sequence[HotlineLine] = ()
    statuses: Sequence[RequestStatus] = ()
    type_ids: Sequence[int] = ()
    operator_id: int | None = None
    client_id: int | None = None
    contact_id: int | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    open_only: bool = False
    limit: int = JOURNAL_LIMIT


def _row_select() -> Any:
    operator = aliased(Employee)
    contact_name = func.trim(Contact.last_name + " " + Contact.first_name + " "
                             + Contact.middle_name)
    return (
        select(HotlineRequest.id, HotlineRequest.line, HotlineRequest.status,
               HotlineRequest.channel, HotlineRequest.type_id, HotlineRequestType.name,
               HotlineRequest.text, HotlineRequest.client_id, Client.short_name,
               HotlineRequest.contact_id, contact_name, HotlineRequest.operator_id,
               operator.full_name, HotlineRequest.received_at, HotlineRequest.deadline_at,
               HotlineRequest.answered_at, SearchOrderStage.name)
        .join(HotlineRequestType, HotlineRequestType.id == HotlineRequest.type_id)
        .outerjoin(Client, Client.id == HotlineRequest.client_id)
        .outerjoin(Contact, Contact.id == HotlineRequest.contact_id)
        .outerjoin(operator, operator.id == HotlineRequest.operator_id)
        .outerjoin(SearchOrderStage, SearchOrderStage.id == HotlineRequest.stage_id)
    )


def _to_row(r: Any) -> RequestRow:
    return RequestRow(r[0], HotlineLine(r[1]), RequestStatus(r[2]), RequestChannel(r[3]), r[4],
                      r[5], r[6], r[7], r[8] or "", r[9], (r[10] or "").strip(), r[11],
                      r[12] or "", r[13], r[14], r[15], r[16] or "")


def _where(flt: RequestFilter) -> list[Any]:
    where: list[Any] = []
    if flt.lines:
        where.append(HotlineRequest.line.in_(list(flt.lines)))
    if flt.open_only:
        where.append(HotlineRequest.status.in_(list(OPEN_STATUSES)))
    elif flt.statuses:
        where.append(HotlineRequest.status.in_(list(flt.statuses)))
    if flt.type_ids:
        where.append(HotlineRequest.type_id.in_(list(flt.type_ids)))
    if flt.operator_id is not None:
        where.append(HotlineRequest.operator_id == flt.operator_id)
    if flt.client_id is not None:
        where.append(HotlineRequest.client_id == flt.client_id)
    if flt.contact_id is not None:
        where.append(HotlineRequest.contact_id == flt.contact_id)
    if flt.received_from is not None:
        where.append(HotlineRequest.received_at >= flt.received_from)
    if flt.received_to is not None:
        where.append(HotlineRequest.received_at < flt.received_to)
    return where


def list_requests(session: Session, flt: RequestFilter) -> list[RequestRow]:
    """Open requests first (nearest deadline on top), then the rest, newest first."""
    is_open = case((HotlineRequest.status.in_(list(OPEN_STATUSES)), 0), else_=1)
    stmt = (_row_select().where(*_where(flt))
            .order_by(is_open,
                      case((is_open == 0, HotlineRequest.deadline_at)),
                      HotlineRequest.received_at.desc(), HotlineRequest.id.desc())
            .limit(flt.limit))
    return [_to_row(r) for r in session.execute(stmt)]


def request_row(session: Session, request_id: int) -> RequestRow | None:
    r = session.execute(_row_select().where(HotlineRequest.id == request_id)).first()
    return _to_row(r) if r is not None else None


@dataclass(frozen=True)
class HistoryRow:
    kind: HistoryKind
    changed_at: datetime
    employee_name: str
    old_value: str
    new_value: str
    comment: str


def history(session: Session, request_id: int) -> list[HistoryRow]:
    stmt = (select(HotlineRequestHistory, Employee.full_name)
            .outerjoin(Employee, Employee.id == HotlineRequestHistory.employee_id)
            .where(HotlineRequestHistory.request_id == request_id)
            .order_by(HotlineRequestHistory.changed_at, HotlineRequestHistory.id))
    return [HistoryRow(h.kind, h.changed_at, name or "", h.old_value, h.new_value, h.comment)
            for h, name in session.execute(stmt)]


# -- the caller ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallerChoice:
    """A line of the type-ahead list: a contact (with its client) or a client."""

    client_id: int
    client_name: str
    contact_id: int | None = None
    contact_name: str = ""
    phone: str = ""

    @property
    def title(self) -> str:
        who = f"{self.contact_name} — {self.client_name}" if self.contact_id else self.client_name
        return f"{who} · {self.phone}" if self.phone else who


def find_callers(session: Session, text: str, limit: int = 20) -> list[CallerChoice]:
    """Type-ahead: contacts and clients by phone digits or by the beginnings of name words."""
    text = text.strip()
    if not text:
        return []
    contact_name = func.trim(Contact.last_name + " " + Contact.first_name + " "
                             + Contact.middle_name)
    prefixes = phone_prefixes(text) if any(ch.isdigit() for ch in text) else []
    out: list[CallerChoice] = []
    if prefixes:
        phone_match = or_(*[Phone.digits.like(like_escape(p) + "%", escape="\\")
                            for p in prefixes])
        stmt = (select(Phone.raw, Phone.contact_id, contact_name, Client.id, Client.short_name)
                .outerjoin(Contact, Contact.id == Phone.contact_id)
                .join(Client, Client.id == func.coalesce(Phone.client_id, Contact.client_id))
                .where(phone_match, Client.marked_for_deletion.is_(False))
                .order_by(Phone.digits, Phone.id).limit(limit))
        for raw, contact_id, cname, client_id, client_name in session.execute(stmt):
            out.append(CallerChoice(client_id, client_name, contact_id,
                                    (cname or "").strip() if contact_id else "", raw))
        return out
    words = [w for w in text.lower().split() if w]
    if not words:
        return []

    def word_prefixes(column: Any) -> Any:
        return and_(*[or_(column.like(like_escape(w) + "%", escape="\\"),
                          column.like("% " + like_escape(w) + "%", escape="\\"))
                      for w in words])

    stmt = (select(Contact.id, contact_name, Client.id, Client.short_name)
            .join(Client, Client.id == Contact.client_id)
            .where(word_prefixes(Contact.search_name), Contact.marked_for_deletion.is_(False))
            .order_by(Contact.search_name, Contact.id).limit(limit))
    for contact_id, cname, client_id, client_name in session.execute(stmt):
        out.append(CallerChoice(client_id, client_name, contact_id, (cname or "").strip()))
    if len(out) < limit:
        # Client names carry quotes («Ромашка»): any part of the name matches.
        inside = and_(*[Client.search_name.like("%" + like_escape(w) + "%", escape="\\")
                        for w in words])
        stmt = (select(Client.id, Client.short_name)
                .where(inside,
                       Client.marked_for_deletion.is_(False))
                .order_by(Client.search_name, Client.id).limit(limit - len(out)))
        out += [CallerChoice(i, n) for i, n in session.execute(stmt)]
    return out


def contacts_of(session: Session, client_id: int) -> list[tuple[int, str]]:
    stmt = (select(Contact.id, Contact.last_name, Contact.first_name, Contact.middle_name)
            .where(Contact.client_id == client_id, Contact.marked_for_deletion.is_(False))
            .order_by(Contact.search_name, Contact.id))
    return [(i, " ".join(p for p in (a, b, c) if p)) for i, a, b, c in session.execute(stmt)]


def caller_of_contacts(session: Session, contact_ids: Sequence[int]
                       ) -> list[CallerChoice]:
    stmt = (select(Contact.id, Contact.last_name, Contact.first_name, Contact.middle_name,
                   Client.id, Client.short_name)
            .join(Client, Client.id == Contact.client_id)
            .where(Contact.id.in_(list(contact_ids))).order_by(Contact.search_name))
    return [CallerChoice(cid, cname, i, " ".join(p for p in (a, b, c) if p))
            for i, a, b, c, cid, cname in session.execute(stmt)]


def clients_with_requests(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """Clients that have requests, by name: the journal's client filter."""
    stmt = (select(Client.id, Client.short_name)
            .where(Client.id.in_(select(HotlineRequest.client_id)
                                 .where(HotlineRequest.client_id.is_not(None))))
            .order_by(Client.search_name, Client.id).limit(limit))
    return [(i, n) for i, n in session.execute(stmt)]


def client_name(session: Session, client_id: int) -> str:
    return session.scalar(select(Client.short_name).where(Client.id == client_id)) or ""


def open_requests_hook(session: Session, matches: tuple[CallerMatch, ...]
                       ) -> tuple[CallerMatch, ...]:
    """Caller lookup hook: list the caller's open requests in the informer.

    Runs on the lookup's autocommit Connection, so it uses Core selects only."""
    client_ids = {m.client_id for m in matches}
    if not client_ids:
        return matches
    stmt = (select(HotlineRequest.id, HotlineRequest.client_id, HotlineRequest.contact_id,
                   HotlineRequest.line, HotlineRequestType.name, HotlineRequest.deadline_at)
            .join(HotlineRequestType, HotlineRequestType.id == HotlineRequest.type_id)
            .where(HotlineRequest.client_id.in_(list(client_ids)),
                   HotlineRequest.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(HotlineRequest.deadline_at).limit(50))
    rows = session.execute(stmt).all()
    if not rows:
        return matches
    out = []
    for match in matches:
        mine = [r for r in rows if r[1] == match.client_id
                and (match.contact_id is None or r[2] in (None, match.contact_id))]
        texts = [f"№{r[0]} {LINE_SHORT[HotlineLine(r[3])]} {r[4]}, срок "
                 f"{_local_text(r[5])}" for r in mine[:3]]
        if len(mine) > 3:
            texts.append(f"ещё {len(mine) - 3}")
        out.append(with_open_requests(match, texts) if texts else match)
    return tuple(out)


def _local_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d.%m %H:%M")


# -- deadline control -----------------------------------------------------------------------------
def supervised_operators(session: Session, employee_id: int | None) -> set[int] | None:
    """Whose requests this employee watches besides their own: ``None`` means everyone
    (an administrator, or a head of a top department); a head of a department watches
    the employees of that department and of the departments under it."""
    if employee_id is None:
        return None
    me = session.get(Employee, employee_id)
    if me is None:
        return set()
    if me.role is EmployeeRole.ADMIN:
        return None
    if me.role is not EmployeeRole.HEAD:
        return set()
    if me.department_id is None:
        return None
    department = session.get(Department, me.department_id)
    if department is not None and department.parent_id is None:
        return None
    departments = {me.department_id}
    frontier = {me.department_id}
    while frontier:
        children = set(session.scalars(select(Department.id)
                                       .where(Department.parent_id.in_(frontier))))
        frontier = children - departments
        departments |= children
    return set(session.scalars(select(Employee.id)
                               .where(Employee.department_id.in_(departments))))


@dataclass(frozen=True)
class DeadlineAlert:
    request_id: int
    urgency: str  # overdue / due_soon
    deadline_at: datetime
    operator_name: str
    client_name: str
    type_name: str
    mine: bool  # my own request (not only supervised)

    def text(self) -> str:
        what = "просрочено" if self.urgency == "overdue" else "срок истекает"
        who = f", оператор {self.operator_name}" if not self.mine and self.operator_name else ""
        return (f"№{self.request_id} {self.type_name} — {self.client_name}: {what} "
                f"({_local_text(self.deadline_at)}){who}")


def deadline_alerts(session: Session, employee_id: int | None, now: datetime,
                    soon: timedelta = DUE_SOON) -> list[DeadlineAlert]:
    """Open requests of this employee and of those they supervise that are overdue or
    due within ``soon``, nearest deadline first."""
    watched = supervised_operators(session, employee_id)
    stmt = (_row_select().where(HotlineRequest.status.in_(list(OPEN_STATUSES)),
                                HotlineRequest.deadline_at <= now + soon)
            .order_by(HotlineRequest.deadline_at, HotlineRequest.id).limit(500))
    if watched is not None:
        ids = watched | ({employee_id} if employee_id is not None else set())
        stmt = stmt.where(HotlineRequest.operator_id.in_(list(ids)))
    alerts = []
    for r in session.execute(stmt):
        row = _to_row(r)
        alerts.append(DeadlineAlert(row.id, row.urgency(now) or "due_soon", row.deadline_at,
                                    row.operator_name, row.client_name, row.type_name,
                                    row.operator_id == employee_id))
    return alerts


def overdue_since(session: Session, employee_id: int | None, since: datetime,
                  now: datetime) -> list[DeadlineAlert]:
    """«Пока вас не было»: watched open requests whose deadline passed after ``since``."""
    return [a for a in deadline_alerts(session, employee_id, now, timedelta(0))
            if a.urgency == "overdue" and a.deadline_at > since]


@dataclass
class AlertTracker:
    """Remembers what was already announced so each request warns once per urgency."""

    announced: dict[int, str] = field(default_factory=dict)

    def fresh(self, alerts: Sequence[DeadlineAlert]) -> list[DeadlineAlert]:
        out = []
        for alert in alerts:
            if self.announced.get(alert.request_id) != alert.urgency:
                self.announced[alert.request_id] = alert.urgency
                out.append(alert)
        return out
