"""Counter-work («противодействие») on a «Конкурент клиента» document: assignments and
works of the same client filed under it. No Qt.

:func:`create_counter_assignment` registers an assignment exactly as «Поручение» does
(services/work/assignments: the same checks, the automatic executor of a distributed
kind) and files it under the document in the same transaction. On a server base a link
names only an assignment or work its author sees, of the document's client (0020).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.competitors import ClientCompetitor, CompetitorWorkLink
from vostok_desktop.domain.work import (
    ASSIGNMENT_STATE_TITLES,
    WORK_KIND_TITLES,
    Assignment,
    AssignmentKind,
    AssignmentState,
    WorkKind,
    WorkRecord,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.competitors.common import DOCUMENT_RIGHT, check_right, log, refuse
from vostok_desktop.services.distributives.common import run_write
from vostok_desktop.services.work.assignments import AssignmentDraft, choose_executor


@dataclass(frozen=True)
class LinkRow:
    id: int
    kind: str  # "assignment" / "work"
    target_id: int
    when: datetime | None
    title: str  # «Поручение» / «Звонок»…
    text: str
    state: str  # «В работе» / «выполнена»…
    who: str


def _document(s: Session, document_id: int) -> ClientCompetitor:
    d = s.get(ClientCompetitor, document_id)
    if d is None:
        raise refuse("document_id", "Документ «Конкурент клиента» не найден")
    return d


def create_counter_assignment(base: OpenedBase, document_id: int, draft: AssignmentDraft,
                              author_id: int | None, *, contact_id: int | None = None,
                              now: datetime | None = None,
                              profile: AccessProfile | None = None) -> int:
    """«Поручение по конкуренту…»: one assignment about the document's client, linked to
    the document; returns the assignment's id."""
    check_right(profile, DOCUMENT_RIGHT)
    text = draft.text.strip()
    if not text:
        raise refuse("text", "Текст поручения: обязательное поле")
    now = now or utcnow()

    def write(s: Session) -> int:
        d = _document(s, document_id)
        executor = draft.executor_id
        if executor is None:
            kind = s.get(AssignmentKind, draft.kind_id) if draft.kind_id else None
            if kind is None or not kind.distributed:
                raise refuse("executor", "Исполнитель: обязательное поле (автоматически — "
                                         "только для распределяемых видов поручений)")
            executor = choose_executor(s, kind.id)
            if executor is None:
                raise refuse("executor", "Нет сотрудников с планом по этому виду поручений")
        elif s.get(Employee, executor) is None:
            raise refuse("executor", "Исполнитель не найден")
        a = Assignment(client_id=d.client_id, contact_id=contact_id, executor_id=executor,
                       author_id=author_id, direction_id=draft.direction_id,
                       kind_id=draft.kind_id, text=text, deadline=draft.deadline,
                       importance=draft.importance, created_at=now)
        s.add(a)
        s.flush()
        record_changes(s, "assignments", a.id, d.client_id, author_id, {},
                       {"executor_id": executor, "text": text, "state": a.state},
                       changed_at=now)
        _link(s, d, a.id, None, author_id)
        return a.id

    return run_write(base, write)


def _link(s: Session, d: ClientCompetitor, assignment_id: int | None, work_id: int | None,
          employee_id: int | None) -> int:
    target = s.get(Assignment, assignment_id) if assignment_id is not None else \
        s.get(WorkRecord, work_id) if work_id is not None else None
    what = "Поручение" if assignment_id is not None else "Работа"
    if target is None:
        missing = "Поручение не найдено" if assignment_id is not None else "Работа не найдена"
        raise refuse("target", f"{missing} (возможно, удалено или вне видимой вам части "
                               "клиентской базы)")
    if target.client_id != d.client_id:
        raise refuse("target", f"{what} другого клиента: к документу привязывают только "
                               "поручения и работы его клиента")
    same = s.scalar(select(CompetitorWorkLink.id).where(
        CompetitorWorkLink.document_id == d.id,
        CompetitorWorkLink.assignment_id == assignment_id if assignment_id is not None
        else CompetitorWorkLink.work_id == work_id))
    if same is not None:
        return same
    link = CompetitorWorkLink(client_id=d.client_id, document_id=d.id,
                              assignment_id=assignment_id, work_id=work_id,
                              created_by_id=employee_id)
    s.add(link)
    s.flush()
    log(s, "competitor_work_links", link.id, d.client_id, employee_id, {},
        {"assignment_id": assignment_id, "work_id": work_id})
    return link.id


def link_to_document(base: OpenedBase, document_id: int, employee_id: int | None, *,
                     assignment_id: int | None = None, work_id: int | None = None,
                     profile: AccessProfile | None = None) -> int:
    """File an existing assignment or work under the document; returns the link's id."""
    check_right(profile, DOCUMENT_RIGHT)
    if (assignment_id is None) == (work_id is None):
        raise refuse("target", "Укажите поручение или работу")
    return run_write(base, lambda s: _link(s, _document(s, document_id), assignment_id,
                                           work_id, employee_id))


def unlink(base: OpenedBase, link_id: int, employee_id: int | None,
           profile: AccessProfile | None = None) -> None:
    """Take an assignment or work off the document (they themselves stay)."""
    check_right(profile, DOCUMENT_RIGHT)

    def write(s: Session) -> None:
        link = s.get(CompetitorWorkLink, link_id)
        if link is None:
            return
        log(s, "competitor_work_links", link.id, link.client_id, employee_id,
            {"assignment_id": link.assignment_id, "work_id": link.work_id}, {})
        s.delete(link)

    run_write(base, write)


def links_of(base: OpenedBase, document_id: int) -> list[LinkRow]:
    """The document's counter-work, newest first."""
    out: list[LinkRow] = []
    with base.sessions() as s:
        for link, a, who in s.execute(
                select(CompetitorWorkLink, Assignment, Employee.full_name)
                .join(Assignment, Assignment.id == CompetitorWorkLink.assignment_id)
                .outerjoin(Employee, Employee.id == Assignment.executor_id)
                .where(CompetitorWorkLink.document_id == document_id)):
            out.append(LinkRow(link.id, "assignment", a.id, a.deadline or a.created_at,
                               "Поручение", a.text,
                               ASSIGNMENT_STATE_TITLES[AssignmentState(a.state)], who or ""))
        for link, w, who in s.execute(
                select(CompetitorWorkLink, WorkRecord, Employee.full_name)
                .join(WorkRecord, WorkRecord.id == CompetitorWorkLink.work_id)
                .outerjoin(Employee, Employee.id == WorkRecord.employee_id)
                .where(CompetitorWorkLink.document_id == document_id)):
            out.append(LinkRow(link.id, "work", w.id, w.starts_at,
                               WORK_KIND_TITLES[WorkKind(w.kind)],
                               w.subject or w.result, "выполнена" if w.done else "план",
                               who or ""))
    out.sort(key=lambda r: (r.when is None, r.when), reverse=True)
    return out


def works_to_link(base: OpenedBase, document_id: int, limit: int = 200) -> list[LinkRow]:
    """The client's assignments and works not yet filed under the document (to pick one)."""
    with base.sessions() as s:
        d = _document(s, document_id)
        linked = s.execute(select(CompetitorWorkLink.assignment_id, CompetitorWorkLink.work_id)
                           .where(CompetitorWorkLink.document_id == document_id)).all()
        taken_a = {a for a, _w in linked if a is not None}
        taken_w = {w for _a, w in linked if w is not None}
        out = [LinkRow(0, "assignment", a.id, a.created_at, "Поручение", a.text,
                       ASSIGNMENT_STATE_TITLES[AssignmentState(a.state)], "")
               for a in s.scalars(select(Assignment).where(Assignment.client_id == d.client_id)
                                  .order_by(Assignment.created_at.desc()).limit(limit))
               if a.id not in taken_a]
        out += [LinkRow(0, "work", w.id, w.starts_at, WORK_KIND_TITLES[WorkKind(w.kind)],
                        w.subject or w.result, "выполнена" if w.done else "план", "")
                for w in s.scalars(select(WorkRecord).where(WorkRecord.client_id == d.client_id)
                                   .order_by(WorkRecord.starts_at.desc()).limit(limit))
                if w.id not in taken_w]
    out.sort(key=lambda r: (r.when is None, r.when), reverse=True)
    return out


__all__ = ["LinkRow", "create_counter_assignment", "link_to_document", "links_of",
           "unlink", "works_to_link"]
