"""Installation planning («Установка дистрибутивов») and «Контроль сроков установки».

An installation is an assignment (поручение of the kind «Установка дистрибутивов») to the
engineer responsible for it, with the distributives to install (from the warehouse: in
stock, or reserved for this client or for an employee), the documents to hand over or
take back and the extra works, one a line, and a due date. Its states: запланирована →
выполнена / отменена; the assignment follows (done / cancelled).

Completing it connects every listed distributive to the client (movements «Подключение»,
:mod:`movements`) in the same transaction as the state change: a distributive that has
left the warehouse meanwhile (or is reserved for another client) is refused by name and
nothing is written. Everything here needs «Движение дистрибутивов» (the server checks
the same, 0012).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Attachment, Client, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveStatus,
    Kit,
    MovementKind,
    ProductSystem,
)
from vostok_desktop.domain.installations import (
    INSTALLATION_KIND_NAME,
    INSTALLATION_STATE_TITLES,
    Installation,
    InstallationLine,
    InstallationState,
)
from vostok_desktop.domain.work import Assignment, AssignmentKind, AssignmentState
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives import movements as mv
from vostok_desktop.services.distributives.common import (
    check,
    check_version,
    client_name,
    label,
    log_delete,
    log_insert,
    log_update,
    named_client,
    refuse,
    run_write,
    snapshot,
)
from vostok_desktop.services.distributives.gui_queries import Choice, stock_choices
from vostok_desktop.services.work.assignments import transition_in

RIGHT = "distributives.move"
S = DistributiveStatus
I = InstallationState  # noqa: E741
MAX_LINES = 200  # distributives in one installation
MAX_TEXT = 4000  # documents / extra works


# --------------------------------------------------------------------------- data


@dataclass
class InstallationDraft:
    """What the planning dialog collects. ``documents`` and ``extra_works`` are lines
    (documents may be names of the card's attachments)."""

    client_id: int | None
    engineer_id: int | None
    due_on: date | None
    distributive_ids: list[int] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    extra_works: list[str] = field(default_factory=list)
    kit_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class InstallationLineRow:
    distributive_id: int
    number: str
    system_title: str
    status: DistributiveStatus
    movement_id: int | None


@dataclass(frozen=True)
class InstallationCard:
    """One installation as the dialog shows it."""

    id: int
    assignment_id: int
    client_id: int
    client_name: str | None
    engineer_id: int
    engineer_name: str | None
    kit_id: int | None
    due_on: date
    state: InstallationState
    documents: list[str]
    extra_works: list[str]
    note: str
    done_on: date | None
    lines: list[InstallationLineRow]
    version: int

    @property
    def state_title(self) -> str:
        return INSTALLATION_STATE_TITLES[self.state]


@dataclass(frozen=True)
class ControlRow:
    """One line of «Контроль сроков установки»: a planned installation."""

    id: int
    client_id: int
    client_name: str | None
    engineer_id: int
    engineer_name: str | None
    due_on: date
    days_overdue: int  # 0 when not yet due
    numbers: tuple[str, ...]  # the distributives, in number order
    extra_works: str
    version: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


# --------------------------------------------------------------------------- helpers


def _lines(values: Sequence[str] | str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    return [v.strip() for v in values if v and v.strip()]


def _text(values: Sequence[str] | str, title: str) -> str:
    text = "\n".join(_lines(values))
    if len(text) > MAX_TEXT:
        raise refuse(title, f"{title}: текст длиннее {MAX_TEXT} знаков")
    return text


def _kind_id(s: Session) -> int | None:
    """The assignment kind «Установка дистрибутивов», made on first use. A server login
    without «Настройка поручений» may not make it: its installation's assignment then
    goes without a kind (the next planning by a head or an administrator makes it)."""
    found = s.scalar(select(AssignmentKind.id)
                     .where(AssignmentKind.name == INSTALLATION_KIND_NAME))
    if found is not None:
        return found
    if s.get_bind().dialect.name == "postgresql" and s.scalar(text(
            "select to_regprocedure('vostok_has_right(text)') is not null")) and not s.scalar(
            text("select vostok_has_right('settings.work')")):
        return None
    kind = AssignmentKind(name=INSTALLATION_KIND_NAME, distributed=False)
    s.add(kind)
    s.flush()
    return kind.id


def _deadline(due_on: date) -> datetime:
    """The assignment's deadline: the end of the installation's due day."""
    return datetime.combine(due_on, time(23, 59)).astimezone(UTC)


def _assignment_text(numbers: Sequence[str], extra_works: str) -> str:
    text = "Установка дистрибутивов: " + ", ".join(f"№ {n}" for n in sorted(numbers))
    if extra_works:
        text += ". Дополнительные работы: " + "; ".join(extra_works.splitlines())
    return text


def _validated(s: Session, draft: InstallationDraft, today: date, *,
               installation_id: int | None = None, old_due_on: date | None = None
               ) -> tuple[list[Distributive], str, str]:
    if draft.client_id is None:
        raise refuse("client_id", "Не выбран клиент, у которого установка")
    if s.scalar(select(Client.id).where(Client.id == draft.client_id)) is None:
        raise refuse("client_id", "Клиент не найден (возможно, удалён или вне видимой вам "
                                  "части базы)")
    if draft.engineer_id is None:
        raise refuse("engineer_id", "Не выбран сотрудник, ответственный за установку")
    engineer = s.get(Employee, draft.engineer_id)
    if engineer is None or not engineer.is_active:
        raise refuse("engineer_id", "Ответственный за установку не найден или уволен")
    if draft.due_on is None:
        raise refuse("due_on", "Не указан срок установки")
    if draft.due_on < today and draft.due_on != old_due_on:
        raise refuse("due_on", f"Срок установки {draft.due_on:%d.%m.%Y} уже прошёл: "
                               f"укажите сегодняшний день или позже")
    if draft.kit_id is not None:
        kit = s.get(Kit, draft.kit_id)
        if kit is None or kit.client_id != draft.client_id:
            raise refuse("kit_id", "Комплект не найден у этого клиента")
    ids = list(draft.distributive_ids)
    if not ids:
        raise refuse("distributive_ids", "Не выбран ни один дистрибутив для установки")
    if len(ids) > MAX_LINES:
        raise refuse("distributive_ids", f"В одной установке не больше {MAX_LINES} "
                                         "дистрибутивов")
    found = {d.id: d for d in s.scalars(select(Distributive).where(Distributive.id.in_(ids)))}
    chosen: list[Distributive] = []
    seen: set[int] = set()
    for did in ids:
        d = found.get(did)
        if d is None:
            raise refuse("distributive_ids", "Дистрибутив не найден: возможно, он удалён "
                                             "или вне видимой вам части базы")
        if did in seen:
            raise refuse("distributive_ids", f"{label(d.number)} указан дважды")
        seen.add(did)
        _installable(s, d, draft.client_id)
        chosen.append(d)
    busy = s.execute(
        select(Distributive.number, Client.short_name)
        .select_from(InstallationLine)
        .join(Installation, Installation.id == InstallationLine.installation_id)
        .join(Distributive, Distributive.id == InstallationLine.distributive_id)
        .outerjoin(Client, Client.id == Installation.client_id)
        .where(InstallationLine.distributive_id.in_(ids), Installation.state == I.PLANNED,
               Installation.id != (installation_id or 0))
        .order_by(Distributive.number)).first()
    if busy is not None:
        whom = f"у клиента «{busy[1]}»" if busy[1] else "у другого клиента"
        raise refuse("distributive_ids", f"{label(busy[0])} уже в запланированной "
                                         f"установке {whom}")
    documents = _text(draft.documents, "Документы")
    extra_works = _text(draft.extra_works, "Дополнительные работы")
    return chosen, documents, extra_works


def _installable(s: Session, d: Distributive, client_id: int) -> None:
    """A distributive may be installed at ``client_id``: on the warehouse, in stock or
    reserved for this client or for an employee."""
    if d.status is S.IN_STOCK:
        return
    if d.status is S.RESERVED:
        if d.reserved_for_client_id in (None, client_id):
            return
        name = client_name(s, d.reserved_for_client_id)
        whom = f"за клиентом «{name}»" if name else "за другим клиентом"
        raise refuse("distributive_ids", f"{label(d.number)} зарезервирован {whom}: "
                                         "установить его этому клиенту нельзя")
    where = {S.SERVED: "на обслуживании", S.DISCONNECTED: "отключён",
             S.DEMO: "выдан на ознакомление"}[d.status]
    raise refuse("distributive_ids", f"{label(d.number)} не на складе: он {where} у клиента "
                                     f"{named_client(s, d.client_id)}")


def _found(s: Session, installation_id: int, expected_version: int | None,
           *, lock: bool = True) -> Installation:
    stmt = select(Installation).where(Installation.id == installation_id)
    inst = s.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if inst is None:
        raise refuse("installation_id", "Установка не найдена: возможно, она удалена или "
                                        "вне видимой вам части базы")
    check_version("installation", inst, expected_version, s)
    return inst


def _planned(inst: Installation, what: str) -> None:
    if inst.state is not I.PLANNED:
        raise refuse("state", f"Установка уже {INSTALLATION_STATE_TITLES[inst.state].lower()}:"
                              f" {what} нельзя")


def _write_lines(s: Session, inst: Installation, chosen: Sequence[Distributive],
                 employee_id: int | None) -> None:
    wanted = [d.id for d in chosen]
    for line in list(inst.lines):
        if line.distributive_id not in wanted:
            log_delete(s, "installation_lines", line, inst.client_id, employee_id)
            inst.lines.remove(line)
    s.flush()
    have = {line.distributive_id for line in inst.lines}
    for did in wanted:
        if did not in have:
            line = InstallationLine(installation_id=inst.id, client_id=inst.client_id,
                                    distributive_id=did)
            inst.lines.append(line)
            s.flush()
            log_insert(s, "installation_lines", line, inst.client_id, employee_id)


# --------------------------------------------------------------------------- writing


def plan_installation(base: OpenedBase, draft: InstallationDraft, employee_id: int | None,
                      *, profile: AccessProfile | None = None,
                      today: date | None = None) -> int:
    """Plan an installation: the assignment to the engineer and the installation row with
    its distributives, in one transaction. Returns the installation's id."""
    check(profile, RIGHT)
    today = today or date.today()

    def write(s: Session) -> int:
        chosen, documents, extra_works = _validated(s, draft, today)
        assert draft.client_id is not None and draft.engineer_id is not None
        assert draft.due_on is not None
        assignment = Assignment(
            client_id=draft.client_id, executor_id=draft.engineer_id, author_id=employee_id,
            kind_id=_kind_id(s), deadline=_deadline(draft.due_on),
            text=_assignment_text([d.number for d in chosen], extra_works))
        s.add(assignment)
        s.flush()
        log_insert(s, "assignments", assignment, assignment.client_id, employee_id)
        inst = Installation(
            assignment_id=assignment.id, client_id=draft.client_id, kit_id=draft.kit_id,
            due_on=draft.due_on, documents=documents, extra_works=extra_works,
            note=draft.note.strip(), created_by_id=employee_id, updated_by_id=employee_id)
        s.add(inst)
        s.flush()
        log_insert(s, "installations", inst, inst.client_id, employee_id)
        _write_lines(s, inst, chosen, employee_id)
        return inst.id

    return run_write(base, write)


def update_installation(base: OpenedBase, installation_id: int, draft: InstallationDraft,
                        employee_id: int | None, *, expected_version: int | None = None,
                        profile: AccessProfile | None = None,
                        today: date | None = None) -> None:
    """Change a planned installation (engineer, due date, lists); the client stays."""
    check(profile, RIGHT)
    today = today or date.today()

    def write(s: Session) -> None:
        inst = _found(s, installation_id, expected_version)
        _planned(inst, "изменить её")
        if draft.client_id != inst.client_id:
            raise refuse("client_id", "Клиента установки не меняют: отмените её и "
                                      "запланируйте новую")
        chosen, documents, extra_works = _validated(
            s, draft, today, installation_id=inst.id, old_due_on=inst.due_on)
        assert draft.due_on is not None and draft.engineer_id is not None
        before = snapshot(inst)
        inst.kit_id = draft.kit_id
        inst.due_on = draft.due_on
        inst.documents = documents
        inst.extra_works = extra_works
        inst.note = draft.note.strip()
        inst.updated_by_id = employee_id
        inst.updated_at = utcnow()
        _write_lines(s, inst, chosen, employee_id)
        s.flush()
        log_update(s, "installations", inst.id, inst.client_id, employee_id, before,
                   snapshot(inst))
        a = s.get(Assignment, inst.assignment_id)
        if a is not None:
            a_before = snapshot(a)
            a.executor_id = draft.engineer_id
            a.deadline = _deadline(draft.due_on)
            a.text = _assignment_text([d.number for d in chosen], extra_works)
            s.flush()
            log_update(s, "assignments", a.id, a.client_id, employee_id, a_before,
                       snapshot(a))

    run_write(base, write)


def complete_installation(base: OpenedBase, installation_id: int, done_on: date,
                          employee_id: int | None, *, expected_version: int | None = None,
                          profile: AccessProfile | None = None, today: date | None = None
                          ) -> list[mv.AppliedMovement]:
    """«Выполнено»: connect every listed distributive to the client on ``done_on``, mark
    the installation done and close its assignment — all in one transaction."""
    check(profile, RIGHT)
    today = today or date.today()

    def write(s: Session) -> list[mv.AppliedMovement]:
        inst = _found(s, installation_id, expected_version)
        _planned(inst, "выполнить её ещё раз")
        if done_on > today:
            raise refuse("done_on", f"Дата установки {done_on:%d.%m.%Y} позже сегодняшней")
        a = s.get(Assignment, inst.assignment_id)
        engineer_id = a.executor_id if a is not None else None
        lines = sorted(inst.lines, key=lambda line: line.id)
        for line in lines:
            d = s.get(Distributive, line.distributive_id)
            if d is None:
                raise refuse("distributive_ids", "Дистрибутив установки не найден: "
                                                 "возможно, он вне видимой вам части базы")
            _installable(s, d, inst.client_id)
        applied = mv.apply_in(s, [
            mv.MovementRequest(MovementKind.CONNECT, line.distributive_id, done_on,
                               to_client_id=inst.client_id, to_kit_id=inst.kit_id,
                               engineer_id=engineer_id, note="Установка")
            for line in lines], employee_id, today=today)
        by_distributive = {m.distributive_id: m.movement_id for m in applied}
        for line in lines:
            line.movement_id = by_distributive[line.distributive_id]
            log_update(s, "installation_lines", line.id, inst.client_id, employee_id,
                       {"movement_id": None}, {"movement_id": line.movement_id})
        before = snapshot(inst)
        inst.state = I.DONE
        inst.done_on = done_on
        inst.updated_by_id = employee_id
        inst.updated_at = utcnow()
        s.flush()
        log_update(s, "installations", inst.id, inst.client_id, employee_id, before,
                   snapshot(inst))
        if a is not None:
            transition_in(s, a.id, AssignmentState.DONE, employee_id,
                          result=f"Установлено {done_on:%d.%m.%Y}: "
                                 + ", ".join(sorted(f"№ {_number(s, x)}" for x in lines)))
        return applied

    return run_write(base, write)


def _number(s: Session, line: InstallationLine) -> str:
    return s.scalar(select(Distributive.number)
                    .where(Distributive.id == line.distributive_id)) or "?"


def cancel_installation(base: OpenedBase, installation_id: int, employee_id: int | None, *,
                        reason: str = "", expected_version: int | None = None,
                        profile: AccessProfile | None = None) -> None:
    """«Отменить»: the installation and its assignment are cancelled, nothing is moved."""
    check(profile, RIGHT)

    def write(s: Session) -> None:
        inst = _found(s, installation_id, expected_version)
        _planned(inst, "отменить её")
        before = snapshot(inst)
        inst.state = I.CANCELLED
        if reason.strip():
            inst.note = (inst.note + "\n" if inst.note else "") + f"Отменена: {reason.strip()}"
        inst.updated_by_id = employee_id
        inst.updated_at = utcnow()
        s.flush()
        log_update(s, "installations", inst.id, inst.client_id, employee_id, before,
                   snapshot(inst))
        if s.get(Assignment, inst.assignment_id) is not None:
            transition_in(s, inst.assignment_id, AssignmentState.CANCELLED, employee_id,
                          result=reason.strip() or None)

    run_write(base, write)


# --------------------------------------------------------------------------- reading


def installation_card(base: OpenedBase, installation_id: int) -> InstallationCard:
    with base.sessions() as s:
        inst = _found(s, installation_id, None, lock=False)
        a = s.get(Assignment, inst.assignment_id)
        engineer_id = a.executor_id if a is not None else 0
        rows = s.execute(
            select(Distributive.id, Distributive.number, ProductSystem.title,
                   Distributive.status, InstallationLine.movement_id)
            .select_from(InstallationLine)
            .join(Distributive, Distributive.id == InstallationLine.distributive_id)
            .join(ProductSystem, ProductSystem.id == Distributive.system_id)
            .where(InstallationLine.installation_id == inst.id)
            .order_by(Distributive.number)).all()
        return InstallationCard(
            inst.id, inst.assignment_id, inst.client_id,
            s.scalar(select(Client.short_name).where(Client.id == inst.client_id)),
            engineer_id,
            s.scalar(select(Employee.full_name).where(Employee.id == engineer_id)),
            inst.kit_id, inst.due_on, InstallationState(inst.state),
            inst.documents.splitlines(), inst.extra_works.splitlines(), inst.note,
            inst.done_on,
            [InstallationLineRow(r[0], r[1], r[2], S(r[3]), r[4]) for r in rows],
            inst.version)


def client_installations(base: OpenedBase, client_id: int) -> list[InstallationCard]:
    """A client's installations, the newest due date first."""
    with base.sessions() as s:
        ids = list(s.scalars(select(Installation.id)
                             .where(Installation.client_id == client_id)
                             .order_by(Installation.due_on.desc(), Installation.id.desc())))
    return [installation_card(base, i) for i in ids]


def installable_choices(base: OpenedBase, client_id: int, *,
                        installation_id: int | None = None) -> list[Choice]:
    """Warehouse distributives that may be installed at the client (in stock, or reserved
    for it or for an employee) and are not in another planned installation."""
    choices = stock_choices(base, client_id=client_id)
    with base.sessions() as s:
        busy = set(s.scalars(
            select(InstallationLine.distributive_id)
            .join(Installation, Installation.id == InstallationLine.installation_id)
            .where(Installation.state == I.PLANNED,
                   Installation.id != (installation_id or 0))))
    return [c for c in choices if c.id not in busy]


def client_title(base: OpenedBase, client_id: int) -> str | None:
    """The client's short name (None when missing or outside the caller's visibility)."""
    with base.sessions() as s:
        return client_name(s, client_id)


def attachment_names(base: OpenedBase, client_id: int) -> list[str]:
    """Names of the card's external files, to list among the documents to hand over."""
    with base.sessions() as s:
        return list(s.scalars(select(Attachment.file_name)
                              .where(Attachment.client_id == client_id)
                              .order_by(Attachment.file_name)))


def deadline_control(base: OpenedBase, today: date | None = None, *,
                     engineer_id: int | None = None, overdue_only: bool = False,
                     limit: int = 2000) -> list[ControlRow]:
    """«Контроль сроков установки»: planned installations by due date (the most overdue
    first), with the days overdue, the engineer and the client. Served by the index
    (state, due_on); the distributives' numbers come for the page's rows only."""
    today = today or date.today()
    i, a = Installation, Assignment
    engineer = aliased(Employee)
    stmt = (select(i.id, i.client_id, Client.short_name, a.executor_id,
                   engineer.full_name, i.due_on, i.extra_works, i.version)
            .join(a, a.id == i.assignment_id)
            .outerjoin(Client, Client.id == i.client_id)
            .outerjoin(engineer, engineer.id == a.executor_id)
            .where(i.state == I.PLANNED))
    if engineer_id is not None:
        stmt = stmt.where(a.executor_id == engineer_id)
    if overdue_only:
        stmt = stmt.where(i.due_on < today)
    stmt = stmt.order_by(i.due_on, i.id).limit(limit)
    with base.sessions() as s:
        rows = s.execute(stmt).all()
        numbers: dict[int, list[str]] = {}
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), 500):
            for inst_id, number in s.execute(
                    select(InstallationLine.installation_id, Distributive.number)
                    .join(Distributive, Distributive.id == InstallationLine.distributive_id)
                    .where(InstallationLine.installation_id.in_(ids[start:start + 500]))
                    .order_by(Distributive.number)):
                numbers.setdefault(inst_id, []).append(number)
    return [ControlRow(r[0], r[1], r[2], r[3], r[4], r[5], max(0, (today - r[5]).days),
                       tuple(numbers.get(r[0], ())), r[6], r[7]) for r in rows]


def overdue_count(base: OpenedBase, today: date | None = None, *,
                  engineer_id: int | None = None) -> int:
    """How many planned installations are past their due date (a status-bar warning)."""
    today = today or date.today()
    stmt = (select(func.count()).select_from(Installation)
            .where(Installation.state == I.PLANNED, Installation.due_on < today))
    if engineer_id is not None:
        stmt = (stmt.join(Assignment, Assignment.id == Installation.assignment_id)
                .where(Assignment.executor_id == engineer_id))
    with base.sessions() as s:
        return int(s.scalar(stmt) or 0)


__all__ = [
    "ControlRow", "InstallationCard", "InstallationDraft", "InstallationLineRow",
    "attachment_names", "cancel_installation", "client_title", "installable_choices", "client_installations", "complete_installation",
    "deadline_control", "installation_card", "overdue_count", "plan_installation",
    "update_installation",
]
