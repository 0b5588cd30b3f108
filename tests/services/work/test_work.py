"""Organisation of work without Qt, on both dialects: ПРиЗ, works with per-ПРиЗ comments,
assignment lifecycle and overdue, auto-assignment balance, planner timing, reminders and
the since-last-login digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy import delete as sa_delete

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client, Contact, Employee, Responsibility
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    ActionItemKind,
    ActionItemState,
    Assignment,
    AssignmentState,
    Importance,
    ReminderState,
    WorkKind,
)
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import planner as pl
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _client_and_contact(base: OpenedBase) -> tuple[int, int]:
    with base.sessions() as s:
        row = s.execute(select(Contact.client_id, Contact.id).order_by(Contact.id)).first()
        return row[0], row[1]


def _employees(base: OpenedBase, n: int) -> list[int]:
    with base.sessions() as s:
        return list(s.scalars(select(Employee.id).order_by(Employee.id).limit(n)))


def _item(base, client_id, text, kind=ActionItemKind.PROBLEM, author=None) -> int:
    data = wk.save_action_item(base, wk.ActionItemData(client_id=client_id, kind=kind,
                                                       text=text), author)
    assert data.id is not None
    return data.id


# ------------------------------------------------------------------------ ПРиЗ and works
def test_work_with_per_action_item_comments_resolves_and_closes(demo_base) -> None:
    client_id, contact_id = _client_and_contact(demo_base)
    me, other = _employees(demo_base, 2)
    train = _item(demo_base, client_id, "Обучить КЛ работе с системой", ActionItemKind.TASK)
    rival = _item(demo_base, client_id, "Конкурент предлагает скидку")
    _item(demo_base, client_id, "Проверить пополнение", ActionItemKind.RECOMMENDATION)
    [assignment_id] = asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(client_id, contact_id)], executor_id=me, text="Позвонить клиенту"), other)

    data = wk.new_work(demo_base, client_id, me, contact_id=contact_id, incoming=True,
                       assignment_id=assignment_id, starts_at=NOW, duration_min=7)
    assert [line.text for line in data.lines][:2] == ["Обучить КЛ работе с системой",
                                                      "Конкурент предлагает скидку"]
    data.lines[0].worked, data.lines[0].comment = True, "Согласовали время обучения"
    data.lines[1].worked, data.lines[1].comment = True, "Договорились о встрече"
    data.lines[1].resolve = True
    data.result, data.close_assignment = "Поговорили", True
    saved = wk.save_work(demo_base, data, me)

    by_item = {line.action_item_id: line for line in saved.lines}
    assert by_item[train].comment == "Согласовали время обучения" and by_item[train].worked
    assert by_item[rival].comment == "Договорились о встрече"
    states = {i.id: i.state for i in wk.list_action_items(demo_base, client_id)}
    assert states[train] is ActionItemState.OPEN and states[rival] is ActionItemState.RESOLVED
    assert asg.load_assignment(demo_base, assignment_id).state is AssignmentState.DONE
    # The untouched ПРиЗ is offered again on the next work but not stored on this one.
    assert len([line for line in saved.lines if line.worked]) == 2
    with demo_base.sessions() as s:
        assert s.scalar(select(ChangeLog.id).where(ChangeLog.table_name == "work_records",
                                                   ChangeLog.row_id == saved.id))


def test_comment_without_worked_flag_is_refused(demo_base) -> None:
    client_id, _ = _client_and_contact(demo_base)
    [me] = _employees(demo_base, 1)
    _item(demo_base, client_id, "Проблема")
    data = wk.new_work(demo_base, client_id, me)
    data.lines[0].comment = "текст"
    with pytest.raises(ValidationError) as err:
        wk.save_work(demo_base, data, me)
    assert err.value.field == "line:0" and "Велась работа" in err.value.message


def test_action_item_needs_text_and_drops(demo_base) -> None:
    client_id, _ = _client_and_contact(demo_base)
    with pytest.raises(ValidationError):
        wk.save_action_item(demo_base, wk.ActionItemData(client_id=client_id, text="  "), None)
    item_id = _item(demo_base, client_id, "Лишнее")
    wk.set_action_item_state(demo_base, item_id, ActionItemState.DROPPED, None)
    assert wk.list_action_items(demo_base, client_id, only_open=True) == []


# ---------------------------------------------------------------------- assignments
@pytest.mark.parametrize(("current", "wanted", "allowed"), [
    (AssignmentState.NEW, AssignmentState.IN_WORK, True),
    (AssignmentState.NEW, AssignmentState.DONE, True),
    (AssignmentState.IN_WORK, AssignmentState.CANCELLED, True),
    (AssignmentState.IN_WORK, AssignmentState.NEW, False),
    (AssignmentState.DONE, AssignmentState.CANCELLED, False),
    (AssignmentState.DONE, AssignmentState.IN_WORK, True),
])
def test_lifecycle_rules(current, wanted, allowed) -> None:
    assert asg.can_transition(current, wanted) is allowed


def test_overdue_only_while_open() -> None:
    past = NOW - timedelta(minutes=1)
    assert asg.is_overdue(AssignmentState.NEW, past, NOW)
    assert asg.is_overdue(AssignmentState.IN_WORK, past, NOW)
    assert not asg.is_overdue(AssignmentState.DONE, past, NOW)
    assert not asg.is_overdue(AssignmentState.IN_WORK, NOW + timedelta(hours=1), NOW)
    assert not asg.is_overdue(AssignmentState.NEW, None, NOW)


def test_lifecycle_in_the_base(demo_base) -> None:
    client_id, _ = _client_and_contact(demo_base)
    me, boss = _employees(demo_base, 2)
    [a] = asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(client_id, None)], executor_id=me, text="Выставить счёт",
        deadline=NOW - timedelta(days=1)), boss)
    row = asg.load_assignment(demo_base, a, NOW)
    assert row.state is AssignmentState.NEW and row.overdue
    asg.transition(demo_base, a, AssignmentState.IN_WORK, me, now=NOW)
    asg.transition(demo_base, a, AssignmentState.DONE, me, result="Счёт отправлен", now=NOW)
    row = asg.load_assignment(demo_base, a, NOW)
    assert row.state is AssignmentState.DONE and not row.overdue
    with pytest.raises(asg.TransitionRefused):
        asg.transition(demo_base, a, AssignmentState.CANCELLED, me)


def test_many_clients_in_one_transaction(demo_base) -> None:
    [me] = _employees(demo_base, 1)
    with demo_base.sessions() as s:
        clients = list(s.scalars(select(Client.id).order_by(Client.id).limit(5)))
    ids = asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(c, None) for c in clients], executor_id=me, text="Поздравить"), me)
    assert len(ids) == 5
    # One bad target: nothing at all is written.
    with pytest.raises(ValidationError):
        asg.create_assignments(demo_base, asg.AssignmentDraft(
            targets=[(clients[0], None), (10**9, None)], executor_id=me, text="x"), me)
    with demo_base.sessions() as s:
        assert s.scalar(select(Assignment.id).where(Assignment.text == "x")) is None
    contacts = asg.targets_for_contacts(demo_base, [_client_and_contact(demo_base)[1]])
    assert contacts == [_client_and_contact(demo_base)]


def _kind(base, plans: dict[int, int], name="Продажа") -> int:
    # The demo base has kinds of its own (sales' «Заявка с сайта»): take ours by name.
    [kind] = [k for k in asg.save_kinds(base, [asg.KindSettings(None, name, True, None, plans)],
                                        None) if k.name == name]
    assert kind.id is not None
    return kind.id


def test_auto_assignment_lowest_ratio_and_ties_longest_ago(demo_base) -> None:
    a, b, c = _employees(demo_base, 3)
    kind = _kind(demo_base, {a: 2, b: 4, c: 4})
    client_id, _ = _client_and_contact(demo_base)
    got = []
    for n in range(10):
        [aid] = asg.create_assignments(demo_base, asg.AssignmentDraft(
            targets=[(client_id, None)], kind_id=kind, text=f"#{n}"), None,
            now=NOW + timedelta(minutes=n))
        got.append(asg.load_assignment(demo_base, aid).executor_id)
    # All start at 0: ties go by id first, then to whoever waited longest.
    assert got[:3] == [a, b, c]
    assert got.count(a) == 2 and got.count(b) == 4 and got.count(c) == 4
    load = asg.employee_load(demo_base, a, NOW)
    assert load.open_count == 2 and "из плана 2" in load.summary()


def test_not_distributed_kind_needs_an_executor(demo_base) -> None:
    [kind] = [k for k in asg.save_kinds(demo_base, [asg.KindSettings(None, "Ручной", False,
                                                                      None)], None)
              if k.name == "Ручной"]
    client_id, _ = _client_and_contact(demo_base)
    with pytest.raises(ValidationError) as err:
        asg.create_assignments(demo_base, asg.AssignmentDraft(
            targets=[(client_id, None)], kind_id=kind.id, text="t"), None)
    assert err.value.field == "executor"


def _balanced(facts: dict[int, int], plans: dict[int, int]) -> bool:
    """No single assignment could move to make the load more even: for anyone who got at
    least one, taking it away would not put them below anybody else."""
    return all((facts[i] - 1) / plans[i] <= facts[j] / plans[j]
               for i in plans for j in plans if i != j and facts[i] > 0)


@given(plans=st.lists(st.integers(1, 12), min_size=1, max_size=6),
       n=st.integers(0, 60))
def test_pick_keeps_the_spread_minimal(plans: list[int], n: int) -> None:
    facts = dict.fromkeys(range(len(plans)), 0)
    last: dict[int, datetime | None] = dict.fromkeys(range(len(plans)))
    plan_of = dict(enumerate(plans))
    for step in range(n):
        chosen = asg.pick(asg.Candidate(e, "", plan_of[e], facts[e], last[e]) for e in facts)
        assert chosen is not None
        facts[chosen.employee_id] += 1
        last[chosen.employee_id] = NOW + timedelta(seconds=step)
    assert sum(facts.values()) == n
    assert _balanced(facts, plan_of)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(st.integers(1, 6), min_size=2, max_size=4), n=st.integers(1, 25))
def test_auto_assignment_balance_in_the_base(empty_base, plans: list[int], n: int) -> None:
    """The same property through the real fact rule and the base, in one batch."""
    base = empty_base
    with base.sessions() as s, s.begin():
        s.execute(delete(Assignment))
        if not s.scalar(select(Client.id)):
            s.add(Client(short_name="ООО «Тест»"))
        for i in range(4 - len(list(s.scalars(select(Employee.id))))):
            s.add(Employee(login=f"e{i}", full_name=f"Сотрудник {i}"))
    with base.sessions() as s:
        staff = list(s.scalars(select(Employee.id).order_by(Employee.id)))[:len(plans)]
        client_id = s.scalar(select(Client.id))
    kinds = asg.load_kinds(base)
    plan_of = dict(zip(staff, plans, strict=True))
    if kinds:
        kinds[0].plans = dict(plan_of)
        asg.save_kinds(base, kinds, None)
        kind_id = kinds[0].id
    else:
        kind_id = _kind(base, plan_of)
    asg.create_assignments(base, asg.AssignmentDraft(
        targets=[(client_id, None)] * n, kind_id=kind_id, text="Продать"), None)
    with base.sessions() as s:
        facts = dict.fromkeys(staff, 0)
        for executor in s.scalars(select(Assignment.executor_id)):
            facts[executor] += 1
    assert sum(facts.values()) == n and _balanced(facts, plan_of)


# ------------------------------------------------------------------------- planner
def test_planner_timing_and_marks(demo_base) -> None:
    client_id, _ = _client_and_contact(demo_base)
    [me] = _employees(demo_base, 1)
    tz = UTC

    def work(at: datetime, importance=Importance.NORMAL, done=False, kind=WorkKind.CALL):
        data = wk.new_work(demo_base, client_id, me, starts_at=at, done=done, kind=kind)
        data.importance = importance
        return wk.save_work(demo_base, data, me).id

    overdue = work(NOW - timedelta(days=2), Importance.HIGH)
    today = work(NOW + timedelta(hours=3), Importance.LOW, kind=WorkKind.MEETING)
    tomorrow = work(NOW + timedelta(days=1))
    [late] = asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(client_id, None)], executor_id=me, text="Позвонить",
        deadline=NOW - timedelta(hours=1)), me)
    reminder = rem.add_reminder(demo_base, me, NOW + timedelta(hours=1), "Перезвонить",
                                client_id=client_id)

    day = pl.planner_items(demo_base, me, NOW.date(), 1, now=NOW, tz=tz)
    timing = {i.key: i.timing for i in day}
    assert timing[("work", overdue)] is pl.Timing.OVERDUE
    assert timing[("work", today)] is pl.Timing.TODAY
    assert ("work", tomorrow) not in timing
    assert timing[("assignment", late)] is pl.Timing.OVERDUE
    assert timing[("reminder", reminder)] is pl.Timing.TODAY
    marks = {i.key: i.mark for i in day}
    assert marks[("work", overdue)] == "!" and marks[("work", today)] == "↓"

    week = pl.planner_items(demo_base, me, NOW.date(), 7, now=NOW, tz=tz)
    assert {i.key: i.timing for i in week}[("work", tomorrow)] is pl.Timing.LATER
    only_meetings = pl.planner_items(demo_base, me, NOW.date(), 7,
                                     pl.PlannerFilter(work_kind=WorkKind.MEETING), now=NOW, tz=tz)
    assert [i.key for i in only_meetings] == [("work", today)]
    important = pl.planner_items(demo_base, me, NOW.date(), 7,
                                 pl.PlannerFilter(importance=Importance.HIGH), now=NOW, tz=tz)
    assert [i.key for i in important] == [("work", overdue)]

    new_time = pl.reschedule(demo_base, pl.ItemType.WORK, today, timedelta(days=1), me)
    assert new_time == NOW + timedelta(days=1, hours=3)
    assert ("work", today) not in {i.key for i in pl.planner_items(
        demo_base, me, NOW.date(), 1, now=NOW, tz=tz)}
    pl.reschedule(demo_base, pl.ItemType.ASSIGNMENT, late, timedelta(days=1), me, NOW)
    assert not asg.load_assignment(demo_base, late, NOW).overdue


def test_timing_of_boundaries() -> None:
    assert pl.timing_of(NOW - timedelta(seconds=1), NOW, UTC) is pl.Timing.OVERDUE
    assert pl.timing_of(NOW.replace(hour=23, minute=59), NOW, UTC) is pl.Timing.TODAY
    assert pl.timing_of(NOW + timedelta(days=1), NOW, UTC) is pl.Timing.LATER
    assert pl.timing_of(NOW - timedelta(days=1), NOW, UTC, done=True) is pl.Timing.DONE
    assert pl.day_bounds(date(2026, 3, 10), 7, UTC)[1] == datetime(2026, 3, 17, tzinfo=UTC)


# ------------------------------------------------------------------ reminders, digest
def test_reminder_due_snooze_dismiss(demo_base) -> None:
    [me] = _employees(demo_base, 1)
    rid = rem.add_reminder(demo_base, me, NOW + timedelta(minutes=5), "Встреча")
    assert rem.due_reminders(demo_base, me, NOW) == []
    assert [r.id for r in rem.due_reminders(demo_base, me, NOW + timedelta(minutes=5))] == [rid]
    rem.mark_fired(demo_base, rid, NOW)
    assert rem.due_reminders(demo_base, me, NOW + timedelta(hours=1)) == []
    again = rem.snooze(demo_base, rid, NOW + timedelta(minutes=6), 10)
    assert again == NOW + timedelta(minutes=16)
    assert rem.next_reminder_at(demo_base, me) == again
    rem.dismiss(demo_base, rid)
    assert rem.next_reminder_at(demo_base, me) is None


def test_digest_since_last_login(demo_base) -> None:
    # The demo areas log their own writes at the real time of the load (after NOW):
    # the digest here is about the changes this test makes.
    with demo_base.sessions.begin() as s:
        s.execute(sa_delete(ChangeLog).where(ChangeLog.changed_at > NOW))
    with demo_base.sessions() as s:
        me, client_id = s.execute(select(Responsibility.employee_id, Responsibility.client_id)
                                  .order_by(Responsibility.id)).first()
        other = s.scalar(select(Employee.id).where(Employee.id != me).order_by(Employee.id))
        foreign = s.scalar(select(Client.id).where(Client.id.not_in(
            select(Responsibility.client_id).where(Responsibility.employee_id == me))))
    assert rem.record_login(demo_base, me, NOW) is None
    assert rem.record_login(demo_base, me, NOW + timedelta(hours=1)) == NOW
    since = rem.last_login(demo_base, me)
    later = NOW + timedelta(hours=2)
    asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(client_id, None)], executor_id=other, text="Разобраться с долгом"), other,
        now=later)
    asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(foreign, None)], executor_id=me, text="Помочь коллеге"), other, now=later)
    asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(foreign, None)], executor_id=other, text="Чужое"), other, now=later)
    with demo_base.sessions() as s, s.begin():
        s.add(ChangeLog(changed_at=later, employee_id=other, table_name="clients",
                        row_id=client_id, client_id=client_id, field="notes", new_value="x"))
        s.add(ChangeLog(changed_at=later, employee_id=me, table_name="clients",
                        row_id=client_id, client_id=client_id, field="notes", new_value="y"))
    rem.add_reminder(demo_base, me, NOW + timedelta(minutes=90), "Пропущенное")
    digest = rem.since_last_login(demo_base, me, since, NOW + timedelta(hours=3))
    texts = [line.text for line in digest.assignments]
    assert any("Разобраться с долгом" in t and t.startswith("Поручение по клиенту")
               for t in texts)
    assert any("Помочь коллеге" in t and t.startswith("Вам поручено") for t in texts)
    assert not any("Чужое" in t for t in texts)
    assert [(c.client_id, c.text) for c in digest.changes] == [
        (client_id, "Изменений: 1, кто менял: 1 чел.")]
    assert [r.text for r in digest.missed_reminders] == ["Пропущенное"]
    assert not digest.is_empty
    quiet = rem.since_last_login(demo_base, me, NOW + timedelta(hours=5),
                                 NOW + timedelta(hours=6))
    assert quiet.assignments == [] and quiet.changes == []


def test_digest_survives_without_hotline_table(demo_base, monkeypatch) -> None:
    monkeypatch.setattr(rem, "_hotline_model", lambda: None)
    [me] = _employees(demo_base, 1)
    digest = rem.since_last_login(demo_base, me, None, NOW)
    assert digest.requests == [] and not digest.requests_available


def test_reminder_state_enum_values() -> None:
    assert {s.value for s in ReminderState} == {"pending", "fired", "dismissed"}
