"""Assignments (поручения): lifecycle, overdue, registration for many clients at once, and
the automatic choice of the executor (seeds/000 section 10). No Qt.

Lifecycle: new -> in work -> done / cancelled; new may go straight to done or cancelled;
a closed assignment may be reopened (back to in work). Overdue = still open and past its
deadline.

Auto-assignment: each participating employee has a plan (target number of assignments of
that kind in work); the fact is computed by a pluggable :class:`FactRule` (default: open
assignments of the kind; a kind may name a KPI indicator as its «Факт для распределения»,
then that indicator's value this month is the fact); the new assignment goes to the lowest
fact/plan, ties to whoever got one of that kind longest ago (never beats ever), then to the
lowest id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Direction, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.kpi import Indicator
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    ASSIGNMENT_STATE_TITLES,
    OPEN_ASSIGNMENT_STATES,
    Assignment,
    AssignmentKind,
    AssignmentState,
    DistributionPlan,
    Importance,
)
from vostok_desktop.services.cards.common import CardNotFound
from vostok_desktop.services.common.change_log import record_changes

S = AssignmentState
ALLOWED_TRANSITIONS: dict[AssignmentState, frozenset[AssignmentState]] = {
    S.NEW: frozenset({S.IN_WORK, S.DONE, S.CANCELLED}),
    S.IN_WORK: frozenset({S.DONE, S.CANCELLED}),
    S.DONE: frozenset({S.IN_WORK}),
    S.CANCELLED: frozenset({S.IN_WORK}),
}
MAX_TARGETS = 10_000


class TransitionRefused(ValidationError):
    def __init__(self, current: AssignmentState, wanted: AssignmentState) -> None:
        super().__init__(
            "state",
            f"Поручение в состоянии «{ASSIGNMENT_STATE_TITLES[current]}» нельзя перевести "
            f"в «{ASSIGNMENT_STATE_TITLES[wanted]}»")


def can_transition(current: AssignmentState, wanted: AssignmentState) -> bool:
    return wanted in ALLOWED_TRANSITIONS[current]


def is_overdue(state: AssignmentState, deadline: datetime | None, now: datetime) -> bool:
    return state in OPEN_ASSIGNMENT_STATES and deadline is not None and deadline < now


def transition_in(s: Session, assignment_id: int, wanted: AssignmentState,
                  employee_id: int | None, *, result: str | None = None,
                  now: datetime | None = None) -> Assignment:
    a = s.get(Assignment, assignment_id)
    if a is None:
        raise CardNotFound("assignment", assignment_id)
    if a.state == wanted:
        return a
    if not can_transition(a.state, wanted):
        raise TransitionRefused(a.state, wanted)
    now = now or utcnow()
    before = a.state
    a.state = wanted
    if wanted is S.IN_WORK:
        a.taken_at = a.taken_at or now
        a.closed_at = None
    else:
        a.closed_at = now
    if result is not None:
        a.result = result
    record_changes(s, "assignments", a.id, a.client_id, employee_id, {"state": before},
                   {"state": a.state})
    return a


def transition(base: OpenedBase, assignment_id: int, wanted: AssignmentState,
               employee_id: int | None, *, result: str | None = None,
               now: datetime | None = None) -> None:
    with base.sessions() as s, s.begin():
        transition_in(s, assignment_id, wanted, employee_id, result=result, now=now)


# ----------------------------------------------------------------------- auto-assignment
@dataclass(frozen=True)
class Candidate:
    employee_id: int
    full_name: str
    plan: int
    fact: float
    last_given_at: datetime | None

    @property
    def ratio(self) -> float:
        return self.fact / self.plan if self.plan > 0 else float("inf")


class FactRule(Protocol):
    """How the «fact» of each participant is computed (a РИЦ may plug its own)."""

    def facts(self, s: Session, kind_id: int, employee_ids: Sequence[int]) -> dict[int, float]:
        ...


class OpenAssignmentsFact:
    """Default rule: the number of open (new or in work) assignments of the kind."""

    def facts(self, s: Session, kind_id: int, employee_ids: Sequence[int]) -> dict[int, float]:
        rows = s.execute(
            select(Assignment.executor_id, func.count())
            .where(Assignment.kind_id == kind_id, Assignment.executor_id.in_(employee_ids),
                   Assignment.state.in_(OPEN_ASSIGNMENT_STATES))
            .group_by(Assignment.executor_id))
        found = {e: float(n) for e, n in rows}
        return {e: found.get(e, 0.0) for e in employee_ids}


DEFAULT_FACT_RULE: FactRule = OpenAssignmentsFact()
_CATALOGUE: Any = None


def _default_catalogue() -> Any:
    """The plugins' report catalogue, read once (what an indicator counts from)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        from vostok_desktop.plugins import load_plugins
        from vostok_desktop.services.reports.catalogue import report_catalogue

        _CATALOGUE = report_catalogue(load_plugins())
    return _CATALOGUE


def kind_fact_indicator(s: Session, kind_id: int | None) -> tuple[str, str] | None:
    """The kind's «Факт для распределения» as (code, title), None for the default."""
    if kind_id is None:
        return None
    row = s.execute(select(Indicator.code, Indicator.title)
                    .join(AssignmentKind, AssignmentKind.fact_indicator_id == Indicator.id)
                    .where(AssignmentKind.id == kind_id)).first()
    return (row[0], row[1]) if row else None


def fact_rule_for(base: OpenedBase, kind_id: int | None, *, catalogue: Any = None,
                  today: date | None = None) -> FactRule:
    """The rule the kind's distribution counts with: its fact indicator
    (services.kpi.facts.IndicatorFact, the current month) or open assignments."""
    with base.sessions() as s:
        indicator = kind_fact_indicator(s, kind_id)
    if indicator is None:
        return DEFAULT_FACT_RULE
    from vostok_desktop.services.kpi.facts import IndicatorFact

    return IndicatorFact(base, catalogue if catalogue is not None else _default_catalogue(),
                         indicator[0], today=today)


class _BatchFact:
    """An indicator's facts read once for a batch of new assignments, each one given in
    the batch adding 1 to its executor's fact (else the whole batch went to one person)."""

    def __init__(self, facts: dict[int, float]) -> None:
        self.read, self.given = facts, Counter[int]()

    def facts(self, s: Session, kind_id: int, employee_ids: Sequence[int]) -> dict[int, float]:
        return {e: self.read.get(e, 0.0) + self.given[e] for e in employee_ids}


def _participants(s: Session, kind_id: int) -> list[int]:
    return list(s.scalars(
        select(DistributionPlan.employee_id)
        .join(Employee, Employee.id == DistributionPlan.employee_id)
        .where(DistributionPlan.kind_id == kind_id, DistributionPlan.plan > 0,
               Employee.is_active.is_(True))))


def _indicator_batch(base: OpenedBase, kind_id: int, rule: FactRule) -> _BatchFact:
    """Read the indicator's facts before the write transaction starts."""
    from vostok_desktop.services.reports.pivot import ReportError

    with base.sessions() as s:
        ids = _participants(s, kind_id)
        try:
            facts = rule.facts(s, kind_id, ids) if ids else {}
        except (ValueError, ReportError) as exc:
            raise ValidationError(
                "executor", f"Факт для распределения не посчитан: {exc}") from None
    return _BatchFact(facts)


def candidates(s: Session, kind_id: int, rule: FactRule | None = None) -> list[Candidate]:
    """The participants of a kind's distribution with plan, fact and last assignment."""
    plans = s.execute(
        select(DistributionPlan.employee_id, Employee.full_name, DistributionPlan.plan)
        .join(Employee, Employee.id == DistributionPlan.employee_id)
        .where(DistributionPlan.kind_id == kind_id, DistributionPlan.plan > 0,
               Employee.is_active.is_(True))
        .order_by(DistributionPlan.employee_id)).all()
    ids = [p[0] for p in plans]
    if not ids:
        return []
    facts = (rule or DEFAULT_FACT_RULE).facts(s, kind_id, ids)
    last = dict(s.execute(
        select(Assignment.executor_id, func.max(Assignment.created_at))
        .where(Assignment.kind_id == kind_id, Assignment.executor_id.in_(ids))
        .group_by(Assignment.executor_id)).all())
    return [Candidate(e, name, plan, facts.get(e, 0.0), _aware(last.get(e)))
            for e, name, plan in plans]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def pick(cands: Iterable[Candidate]) -> Candidate | None:
    """Lowest fact/plan; ties: who got one longest ago (never first), then the lowest id."""
    never = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(cands, key=lambda c: (c.ratio, c.last_given_at or never, c.employee_id))
    return ordered[0] if ordered else None


def choose_executor(s: Session, kind_id: int, rule: FactRule | None = None) -> int | None:
    chosen = pick(candidates(s, kind_id, rule))
    return chosen.employee_id if chosen else None


def choose_executor_for(base: OpenedBase, kind_id: int, rule: FactRule | None = None, *,
                        catalogue: Any = None) -> int | None:
    """Who would get the kind's next assignment now (its own fact rule by default)."""
    if rule is None:
        rule = fact_rule_for(base, kind_id, catalogue=catalogue)
        if rule is not DEFAULT_FACT_RULE:
            rule = _indicator_batch(base, kind_id, rule)
    with base.sessions() as s:
        return choose_executor(s, kind_id, rule)


# ------------------------------------------------------------------------- registration
@dataclass
class AssignmentDraft:
    """What the assignment form collects; ``targets`` are (client, contact or None)."""

    targets: list[tuple[int, int | None]] = field(default_factory=list)
    executor_id: int | None = None  # None with a distributed kind: choose automatically
    kind_id: int | None = None
    direction_id: int | None = None
    text: str = ""
    deadline: datetime | None = None
    importance: Importance = Importance.NORMAL


def targets_for_contacts(base: OpenedBase, contact_ids: Sequence[int]
                         ) -> list[tuple[int, int | None]]:
    with base.sessions() as s:
        rows = s.execute(select(Contact.id, Contact.client_id)
                         .where(Contact.id.in_(list(contact_ids)[:MAX_TARGETS])))
        by_id = {cid: client for cid, client in rows}
    return [(by_id[c], c) for c in contact_ids if c in by_id]


def create_assignments(base: OpenedBase, draft: AssignmentDraft, author_id: int | None,
                       *, rule: FactRule | None = None, now: datetime | None = None,
                       catalogue: Any = None) -> list[int]:
    """Register one assignment per target, all in one transaction. With a distributed kind
    and no executor each assignment is balanced separately (earlier ones of the same batch
    count in the fact); without ``rule`` the kind's own «Факт для распределения» counts
    (its indicator read once, before the transaction)."""
    text = draft.text.strip()
    if not text:
        raise ValidationError("text", "Текст поручения: обязательное поле")
    if not draft.targets:
        raise ValidationError("targets", "Не выбрано ни одного клиента")
    if len(draft.targets) > MAX_TARGETS:
        raise ValidationError("targets", f"Не более {MAX_TARGETS} поручений за раз")
    now = now or utcnow()
    ids: list[int] = []
    batch: _BatchFact | None = None
    if draft.executor_id is None and draft.kind_id is not None and rule is None:
        kind_rule = fact_rule_for(base, draft.kind_id, catalogue=catalogue,
                                  today=now.date())
        if kind_rule is not DEFAULT_FACT_RULE:
            batch = _indicator_batch(base, draft.kind_id, kind_rule)
            rule = batch
    with base.sessions() as s, s.begin():
        auto = draft.executor_id is None
        if auto:
            if draft.kind_id is None:
                raise ValidationError("executor", "Исполнитель: обязательное поле")
            kind = s.get(AssignmentKind, draft.kind_id)
            if kind is None or not kind.distributed:
                raise ValidationError(
                    "executor", "Исполнитель: для этого вида поручений автоматического "
                    "распределения нет — выберите сотрудника")
        known = set(s.scalars(select(Client.id).where(
            Client.id.in_({c for c, _ in draft.targets}))))
        for client_id, contact_id in draft.targets:
            if client_id not in known:
                raise ValidationError("targets", f"Клиент {client_id} не найден")
            executor = draft.executor_id
            if auto:
                executor = choose_executor(s, draft.kind_id, rule)  # type: ignore[arg-type]
                if executor is None:
                    raise ValidationError(
                        "executor", "Нет сотрудников с планом по этому виду поручений: "
                        "задайте планы в «Работа → Распределение поручений»")
                if batch is not None:
                    batch.given[executor] += 1
            a = Assignment(client_id=client_id, contact_id=contact_id, executor_id=executor,
                           author_id=author_id, direction_id=draft.direction_id,
                           kind_id=draft.kind_id, text=text, deadline=draft.deadline,
                           importance=draft.importance, created_at=now)
            s.add(a)
            s.flush()
            record_changes(s, "assignments", a.id, client_id, author_id, {},
                           {"executor_id": executor, "text": text, "state": a.state},
                           changed_at=now)
            ids.append(a.id)
    return ids


# -------------------------------------------------------------------------- reading
@dataclass
class AssignmentRow:
    id: int
    client_id: int
    client_name: str
    contact_name: str
    executor_id: int
    executor_name: str
    author_name: str
    kind_name: str
    direction_name: str
    text: str
    deadline: datetime | None
    importance: Importance
    state: AssignmentState
    created_at: datetime
    overdue: bool


def _rows(s: Session, where: list, now: datetime, limit: int) -> list[AssignmentRow]:
    executor = Employee.__table__.alias("executor")
    author = Employee.__table__.alias("author")
    query = (select(Assignment, Client.short_name, Contact.last_name, Contact.first_name,
                    executor.c.full_name, author.c.full_name, AssignmentKind.name,
                    Direction.name)
             .join(Client, Client.id == Assignment.client_id)
             .join(executor, executor.c.id == Assignment.executor_id)
             .outerjoin(author, author.c.id == Assignment.author_id)
             .outerjoin(Contact, Contact.id == Assignment.contact_id)
             .outerjoin(AssignmentKind, AssignmentKind.id == Assignment.kind_id)
             .outerjoin(Direction, Direction.id == Assignment.direction_id)
             .where(*where)
             .order_by(Assignment.deadline, Assignment.id).limit(limit))
    out = []
    for a, client, last, first, executor_name, author_name, kind, direction in s.execute(query):
        out.append(AssignmentRow(
            a.id, a.client_id, client, " ".join(p for p in (last, first) if p),
            a.executor_id, executor_name, author_name or "", kind or "", direction or "",
            a.text, a.deadline, a.importance, a.state, a.created_at,
            is_overdue(a.state, a.deadline, now)))
    return out


def open_assignments_of(base: OpenedBase, employee_id: int, now: datetime | None = None,
                        limit: int = 1000) -> list[AssignmentRow]:
    with base.sessions() as s:
        return _rows(s, [Assignment.executor_id == employee_id,
                         Assignment.state.in_(OPEN_ASSIGNMENT_STATES)], now or utcnow(), limit)


def load_assignment(base: OpenedBase, assignment_id: int, now: datetime | None = None
                    ) -> AssignmentRow:
    with base.sessions() as s:
        rows = _rows(s, [Assignment.id == assignment_id], now or utcnow(), 1)
    if not rows:
        raise CardNotFound("assignment", assignment_id)
    return rows[0]


@dataclass
class KindLoad:
    kind_name: str
    plan: int
    fact: float


@dataclass
class EmployeeLoad:
    open_count: int
    overdue_count: int
    in_work_count: int
    kinds: list[KindLoad]

    def summary(self) -> str:
        text = (f"Открытых поручений: {self.open_count} (в работе {self.in_work_count}, "
                f"просрочено {self.overdue_count})")
        for k in self.kinds:
            percent = f" — {round(100 * k.fact / k.plan)}%" if k.plan else ""
            text += f"; «{k.kind_name}»: {k.fact:g} из плана {k.plan}{percent}"
        return text


def employee_load(base: OpenedBase, employee_id: int, now: datetime | None = None,
                  rule: FactRule | None = None, *, catalogue: Any = None) -> EmployeeLoad:
    now = now or utcnow()
    with base.sessions() as s:
        kind_ids = list(s.scalars(select(DistributionPlan.kind_id)
                                  .where(DistributionPlan.employee_id == employee_id)))
    rules = {k: rule or fact_rule_for(base, k, catalogue=catalogue, today=now.date())
             for k in kind_ids}
    with base.sessions() as s:
        states = dict(s.execute(
            select(Assignment.state, func.count())
            .where(Assignment.executor_id == employee_id,
                   Assignment.state.in_(OPEN_ASSIGNMENT_STATES))
            .group_by(Assignment.state)).all())
        overdue = s.scalar(select(func.count()).where(
            Assignment.executor_id == employee_id,
            Assignment.state.in_(OPEN_ASSIGNMENT_STATES),
            Assignment.deadline.is_not(None), Assignment.deadline < now)) or 0
        kinds = []
        for kind_id, name, plan in s.execute(
                select(AssignmentKind.id, AssignmentKind.name, DistributionPlan.plan)
                .join(DistributionPlan, DistributionPlan.kind_id == AssignmentKind.id)
                .where(DistributionPlan.employee_id == employee_id)
                .order_by(AssignmentKind.name)):
            fact = rules.get(kind_id, DEFAULT_FACT_RULE).facts(
                s, kind_id, [employee_id])[employee_id]
            kinds.append(KindLoad(name, plan, fact))
    total = sum(states.values())
    return EmployeeLoad(total, overdue, states.get(AssignmentState.IN_WORK, 0), kinds)


# ----------------------------------------------------------------- kinds and plans
@dataclass
class KindSettings:
    id: int | None
    name: str
    distributed: bool
    direction_id: int | None
    plans: dict[int, int] = field(default_factory=dict)  # employee id -> plan
    fact_indicator_id: int | None = None  # «Факт для распределения»; None: open assignments


def load_kinds(base: OpenedBase) -> list[KindSettings]:
    with base.sessions() as s:
        kinds = {k.id: KindSettings(k.id, k.name, k.distributed, k.direction_id,
                                    fact_indicator_id=k.fact_indicator_id)
                 for k in s.scalars(select(AssignmentKind).order_by(AssignmentKind.name))}
        for p in s.scalars(select(DistributionPlan)):
            if p.kind_id in kinds:
                kinds[p.kind_id].plans[p.employee_id] = p.plan
        return list(kinds.values())


def save_kinds(base: OpenedBase, kinds: Sequence[KindSettings], employee_id: int | None
               ) -> list[KindSettings]:
    """Replace the kinds' names, flags and plans (one transaction). Kinds missing from
    ``kinds`` are left alone: assignments refer to them."""
    names = [k.name.strip() for k in kinds]
    if any(not n for n in names):
        raise ValidationError("name", "Вид поручения: название обязательно")
    if len(set(n.lower() for n in names)) != len(names):
        raise ValidationError("name", "Вид поручения: названия повторяются")
    for k in kinds:
        if any(v < 0 for v in k.plans.values()):
            raise ValidationError("plan", f"План по «{k.name}» не может быть отрицательным")
    with base.sessions() as s, s.begin():
        wanted = {k.fact_indicator_id for k in kinds} - {None}
        known = set(s.scalars(select(Indicator.id).where(Indicator.id.in_(wanted))))
        for k in kinds:
            if k.fact_indicator_id is not None and k.fact_indicator_id not in known:
                raise ValidationError("fact_indicator", f"Факт для распределения по «{k.name}»: "
                                      "показатель не найден (возможно, удалён)")
        for k in kinds:
            row = s.get(AssignmentKind, k.id) if k.id is not None else None
            if row is None:
                row = AssignmentKind(name=k.name.strip())
                s.add(row)
            row.name = k.name.strip()
            row.distributed = k.distributed
            row.direction_id = k.direction_id
            if row.fact_indicator_id != k.fact_indicator_id:
                if row.id is not None:
                    record_changes(s, "assignment_kinds", row.id, None, employee_id,
                                   {"fact_indicator_id": row.fact_indicator_id},
                                   {"fact_indicator_id": k.fact_indicator_id})
                row.fact_indicator_id = k.fact_indicator_id
            s.flush()
            existing = {p.employee_id: p for p in s.scalars(
                select(DistributionPlan).where(DistributionPlan.kind_id == row.id))}
            for emp, plan in k.plans.items():
                p = existing.pop(emp, None)
                if plan <= 0:
                    if p is not None:
                        s.delete(p)
                    continue
                if p is None:
                    s.add(DistributionPlan(kind_id=row.id, employee_id=emp, plan=plan))
                elif p.plan != plan:
                    record_changes(s, "distribution_plans", p.id, None, employee_id,
                                   {"plan": p.plan}, {"plan": plan})
                    p.plan = plan
            for p in existing.values():
                s.delete(p)
    return load_kinds(base)


def kind_choices(base: OpenedBase) -> list[tuple[int, str, bool]]:
    with base.sessions() as s:
        return [(k.id, k.name, k.distributed)
                for k in s.scalars(select(AssignmentKind).order_by(AssignmentKind.name))]
