"""ПРиЗ (action items) and works (работы) as plain data; saving a work with its ПРиЗ lines,
closing an assignment and resolving ПРиЗ in one transaction. No Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    OPEN_ASSIGNMENT_STATES,
    ActionItem,
    ActionItemKind,
    ActionItemState,
    Assignment,
    AssignmentState,
    Importance,
    Reminder,
    ReminderState,
    WorkActionLine,
    WorkKind,
    WorkRecord,
)
from vostok_desktop.services.cards.common import CardNotFound
from vostok_desktop.services.common.change_log import record_changes


# ----------------------------------------------------------------------------- ПРиЗ
@dataclass
class ActionItemData:
    id: int | None = None
    client_id: int = 0
    contact_id: int | None = None
    kind: ActionItemKind = ActionItemKind.PROBLEM
    text: str = ""
    author_id: int | None = None
    author_name: str = ""
    contact_name: str = ""
    created_at: datetime | None = None
    state: ActionItemState = ActionItemState.OPEN
    due_date: date | None = None


def _action_item_data(item: ActionItem, author: str | None, contact: Contact | None
                      ) -> ActionItemData:
    return ActionItemData(
        id=item.id, client_id=item.client_id, contact_id=item.contact_id, kind=item.kind,
        text=item.text, author_id=item.author_id, author_name=author or "",
        contact_name=contact.full_name if contact else "", created_at=item.created_at,
        state=item.state, due_date=item.due_date,
    )


def list_action_items(base: OpenedBase, client_id: int, *, only_open: bool = False
                      ) -> list[ActionItemData]:
    with base.sessions() as s:
        return action_items_in(s, client_id, only_open=only_open)


def action_items_in(s: Session, client_id: int, *, only_open: bool = False
                    ) -> list[ActionItemData]:
    query = (select(ActionItem, Employee.full_name, Contact)
             .outerjoin(Employee, Employee.id == ActionItem.author_id)
             .outerjoin(Contact, Contact.id == ActionItem.contact_id)
             .where(ActionItem.client_id == client_id)
             .order_by(ActionItem.created_at, ActionItem.id))
    if only_open:
        query = query.where(ActionItem.state == ActionItemState.OPEN)
    return [_action_item_data(item, author, contact) for item, author, contact in s.execute(query)]


def save_action_item(base: OpenedBase, data: ActionItemData, employee_id: int | None
                     ) -> ActionItemData:
    text = data.text.strip()
    if not text:
        raise ValidationError("text", "Текст ПРиЗ: обязательное поле")
    with base.sessions() as s, s.begin():
        if data.id is None:
            item = ActionItem(client_id=data.client_id, author_id=employee_id)
            s.add(item)
            old: dict = {}
        else:
            item = s.get(ActionItem, data.id)
            if item is None:
                raise CardNotFound("action_item", data.id)
            old = {"kind": item.kind, "text": item.text, "state": item.state,
                   "due_date": item.due_date, "contact_id": item.contact_id}
        item.contact_id = data.contact_id
        item.kind = data.kind
        item.text = text
        item.due_date = data.due_date
        _set_action_item_state(item, data.state, employee_id)
        s.flush()
        record_changes(s, "action_items", item.id, item.client_id, employee_id, old,
                       {"kind": item.kind, "text": item.text, "state": item.state,
                        "due_date": item.due_date, "contact_id": item.contact_id})
        new_id = item.id
    with base.sessions() as s:
        return next(d for d in action_items_in(s, data.client_id) if d.id == new_id)


def _set_action_item_state(item: ActionItem, state: ActionItemState,
                           employee_id: int | None) -> None:
    if item.state == state:
        return
    item.state = state
    if state is ActionItemState.OPEN:
        item.closed_at = None
        item.closed_by_id = None
    else:
        item.closed_at = utcnow()
        item.closed_by_id = employee_id


def set_action_item_state(base: OpenedBase, item_id: int, state: ActionItemState,
                          employee_id: int | None) -> None:
    with base.sessions() as s, s.begin():
        item = s.get(ActionItem, item_id)
        if item is None:
            raise CardNotFound("action_item", item_id)
        before = item.state
        _set_action_item_state(item, state, employee_id)
        record_changes(s, "action_items", item.id, item.client_id, employee_id,
                       {"state": before}, {"state": item.state})


# ----------------------------------------------------------------------------- works
@dataclass
class WorkLineData:
    action_item_id: int
    kind: ActionItemKind
    text: str
    worked: bool = False
    comment: str = ""
    resolve: bool = False  # on save: mark this ПРиЗ resolved


@dataclass
class WorkData:
    id: int | None = None
    client_id: int | None = None
    client_name: str = ""
    contact_id: int | None = None
    employee_id: int | None = None
    kind: WorkKind = WorkKind.CALL
    done: bool = True
    starts_at: datetime = field(default_factory=utcnow)
    duration_min: int = 0
    incoming: bool = False
    importance: Importance = Importance.NORMAL
    direction_id: int | None = None
    subject: str = ""
    result: str = ""
    assignment_id: int | None = None
    close_assignment: bool = False
    call_id: int | None = None
    remind_at: datetime | None = None
    lines: list[WorkLineData] = field(default_factory=list)

    def copy(self) -> WorkData:
        return copy.deepcopy(self)


def client_name(s: Session, client_id: int | None) -> str:
    if client_id is None:
        return ""
    return s.scalar(select(Client.short_name).where(Client.id == client_id)) or ""


def client_contacts(base: OpenedBase, client_id: int) -> list[tuple[int, str]]:
    with base.sessions() as s:
        rows = s.scalars(select(Contact).where(Contact.client_id == client_id,
                                               Contact.marked_for_deletion.is_(False))
                         .order_by(Contact.search_name).limit(500))
        return [(c.id, c.full_name) for c in rows]


def open_assignments_of_client(base: OpenedBase, client_id: int) -> list[tuple[int, str]]:
    with base.sessions() as s:
        rows = s.execute(select(Assignment.id, Assignment.text)
                         .where(Assignment.client_id == client_id,
                                Assignment.state.in_(OPEN_ASSIGNMENT_STATES))
                         .order_by(Assignment.deadline, Assignment.id))
        return [(i, t) for i, t in rows]


def new_work(base: OpenedBase, client_id: int | None, employee_id: int | None, *,
             kind: WorkKind = WorkKind.CALL, done: bool = True,
             starts_at: datetime | None = None, duration_min: int = 0,
             contact_id: int | None = None, incoming: bool = False,
             direction_id: int | None = None, assignment_id: int | None = None,
             call_id: int | None = None) -> WorkData:
    """A new work prefilled for the client, with a line for each of its open ПРиЗ."""
    data = WorkData(client_id=client_id, contact_id=contact_id, employee_id=employee_id,
                    kind=kind, done=done, starts_at=starts_at or utcnow(),
                    duration_min=duration_min, incoming=incoming, direction_id=direction_id,
                    assignment_id=assignment_id, call_id=call_id)
    if client_id is not None:
        with base.sessions() as s:
            data.client_name = client_name(s, client_id)
            data.lines = [WorkLineData(i.id, i.kind, i.text) for i in  # type: ignore[arg-type]
                          action_items_in(s, client_id, only_open=True)]
            if assignment_id is None:
                return data
            assignment = s.get(Assignment, assignment_id)
            if assignment is not None and data.direction_id is None:
                data.direction_id = assignment.direction_id
    return data


def load_work(base: OpenedBase, work_id: int) -> WorkData:
    with base.sessions() as s:
        w = s.get(WorkRecord, work_id)
        if w is None:
            raise CardNotFound("work", work_id)
        data = WorkData(
            id=w.id, client_id=w.client_id, client_name=client_name(s, w.client_id),
            contact_id=w.contact_id, employee_id=w.employee_id, kind=w.kind, done=w.done,
            starts_at=w.starts_at, duration_min=w.duration_min, incoming=w.incoming,
            importance=w.importance, direction_id=w.direction_id, subject=w.subject,
            result=w.result, assignment_id=w.assignment_id, call_id=w.call_id,
        )
        existing = {line.action_item_id: line for line in w.lines}
        items = {i.id: i for i in s.scalars(select(ActionItem).where(
            ActionItem.client_id == w.client_id))}
        for item_id, line in existing.items():
            item = items[item_id]
            data.lines.append(WorkLineData(item_id, item.kind, item.text, line.worked,
                                           line.comment))
        # ПРиЗ opened since the work was written can be worked on too.
        for item in items.values():
            if item.id not in existing and item.state is ActionItemState.OPEN:
                data.lines.append(WorkLineData(item.id, item.kind, item.text))
        return data


def validate_work(data: WorkData) -> None:
    if data.client_id is None:
        raise ValidationError("client", "Клиент: обязательное поле")
    if data.employee_id is None:
        raise ValidationError("employee", "Сотрудник: обязательное поле")
    if data.duration_min < 0 or data.duration_min > 24 * 60:
        raise ValidationError("duration", "Длительность: от 0 до 1440 минут")
    for n, line in enumerate(data.lines):
        if line.comment.strip() and not line.worked:
            raise ValidationError(
                f"line:{n}", "Комментарий к ПРиЗ пишется, когда отмечено «Велась работа»")
        if line.resolve and not line.worked:
            raise ValidationError(f"line:{n}", "Решить ПРиЗ можно, только если велась работа")
    if data.close_assignment and not data.done:
        raise ValidationError("close_assignment",
                              "Закрыть поручение может только выполненная работа")


def save_work(base: OpenedBase, data: WorkData, author_id: int | None) -> WorkData:
    """Write the work and its ПРиЗ lines; resolve the ПРиЗ marked so; close the assignment
    when asked; add the reminder — all in one transaction."""
    validate_work(data)
    with base.sessions() as s, s.begin():
        if data.id is None:
            w = WorkRecord(author_id=author_id)
            s.add(w)
            old: dict = {}
        else:
            w = s.get(WorkRecord, data.id)
            if w is None:
                raise CardNotFound("work", data.id)
            old = {"done": w.done, "starts_at": w.starts_at, "result": w.result}
        for name in ("client_id", "contact_id", "employee_id", "kind", "done", "starts_at",
                     "duration_min", "incoming", "importance", "direction_id", "subject",
                     "result", "assignment_id", "call_id"):
            setattr(w, name, getattr(data, name))
        w.subject = data.subject.strip()[:300]
        by_item = {line.action_item_id: line for line in w.lines}
        for line in data.lines:
            row = by_item.get(line.action_item_id)
            if row is None and not line.worked:
                continue  # a ПРиЗ nobody worked on stays out of the work
            if row is None:
                row = WorkActionLine(action_item_id=line.action_item_id)
                w.lines.append(row)
            row.worked = line.worked
            row.comment = line.comment.strip() if line.worked else ""
            if line.resolve:
                item = s.get(ActionItem, line.action_item_id)
                if item is not None and item.state is ActionItemState.OPEN:
                    _set_action_item_state(item, ActionItemState.RESOLVED, author_id)
                    record_changes(s, "action_items", item.id, item.client_id, author_id,
                                   {"state": ActionItemState.OPEN}, {"state": item.state})
        s.flush()
        if data.close_assignment and data.assignment_id is not None:
            from vostok_desktop.services.work.assignments import transition_in

            transition_in(s, data.assignment_id, AssignmentState.DONE, author_id,
                          result=data.result)
        if data.remind_at is not None:
            s.add(Reminder(employee_id=data.employee_id, remind_at=data.remind_at,
                           text=_work_title(data), client_id=data.client_id, work_id=w.id))
        record_changes(s, "work_records", w.id, w.client_id, author_id, old,
                       {"done": w.done, "starts_at": w.starts_at, "result": w.result})
        new_id = w.id
    return load_work(base, new_id)


def _work_title(data: WorkData) -> str:
    from vostok_desktop.domain.work import WORK_KIND_TITLES

    return f"{WORK_KIND_TITLES[data.kind]}: {data.client_name}".strip()


def reschedule_work(base: OpenedBase, work_id: int, delta: timedelta,
                    employee_id: int | None) -> datetime:
    """Move a planned work by ``delta`` (the planner's Ctrl+→); its reminders move along."""
    with base.sessions() as s, s.begin():
        w = s.get(WorkRecord, work_id)
        if w is None:
            raise CardNotFound("work", work_id)
        before = w.starts_at
        w.starts_at = w.starts_at + delta
        for r in s.scalars(select(Reminder).where(Reminder.work_id == work_id,
                                                  Reminder.state == ReminderState.PENDING)):
            r.remind_at = r.remind_at + delta
        record_changes(s, "work_records", w.id, w.client_id, employee_id,
                       {"starts_at": before}, {"starts_at": w.starts_at})
        return w.starts_at


@dataclass
class ClientWorkRow:
    """A row of the client card page «Поручения и работы»."""

    kind: str  # "assignment" / "work"
    id: int
    when: datetime | None
    what: str
    who: str
    state: str
    overdue: bool = False


def client_work_rows(base: OpenedBase, client_id: int, now: datetime | None = None,
                     limit: int = 500) -> list[ClientWorkRow]:
    from vostok_desktop.domain.work import ASSIGNMENT_STATE_TITLES, WORK_KIND_TITLES
    from vostok_desktop.services.work.assignments import is_overdue

    now = now or utcnow()
    rows: list[ClientWorkRow] = []
    with base.sessions() as s:
        for a, who in s.execute(
                select(Assignment, Employee.full_name)
                .join(Employee, Employee.id == Assignment.executor_id)
                .where(Assignment.client_id == client_id)
                .order_by(Assignment.created_at.desc()).limit(limit)):
            rows.append(ClientWorkRow("assignment", a.id, a.deadline, "Поручение: " + a.text,
                                      who, ASSIGNMENT_STATE_TITLES[a.state],
                                      is_overdue(a.state, a.deadline, now)))
        for w, who in s.execute(
                select(WorkRecord, Employee.full_name)
                .join(Employee, Employee.id == WorkRecord.employee_id)
                .where(WorkRecord.client_id == client_id)
                .order_by(WorkRecord.starts_at.desc()).limit(limit)):
            text = WORK_KIND_TITLES[w.kind] + (f": {w.subject}" if w.subject else "")
            if w.result:
                text += f" — {w.result}"
            rows.append(ClientWorkRow("work", w.id, w.starts_at, text, who,
                                      "Выполнена" if w.done else "Запланирована",
                                      not w.done and w.starts_at < now))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: r.when or far, reverse=True)
    return rows


__all__ = [
    "ActionItemData", "WorkData", "WorkLineData", "ClientWorkRow", "list_action_items",
    "save_action_item", "set_action_item_state", "new_work", "load_work", "save_work",
    "validate_work", "reschedule_work", "client_work_rows", "client_contacts",
    "open_assignments_of_client", "Importance",
]
