"""Demo activity on top of the demo base, on both dialects: every kind of row is made,
the services' own queries (requests journal, deadline alerts, planner, reminders, call log,
client card pages) show it, the same seed and moment give the same data, and a failure
leaves nothing behind."""

from __future__ import annotations

import time as clock
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Call, ChangeLog, Employee
from vostok_desktop.domain.hotline import (
    HistoryKind,
    HotlineLine,
    HotlineRequest,
    HotlineRequestHistory,
    RequestStatus,
)
from vostok_desktop.domain.work import (
    ActionItem,
    ActionItemState,
    Assignment,
    AssignmentState,
    Reminder,
    ReminderState,
    WorkActionLine,
    WorkRecord,
)
from vostok_desktop.services.demo import activity as da
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.services.hotline.calendar import local_zone
from vostok_desktop.services.telephony.call_log import list_calls
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import planner as pl
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk

# A Wednesday late morning in the workstation's zone: working hours, not a holiday.
NOW = datetime(2026, 11, 18, 11, 20, tzinfo=local_zone())
KINDS = ("action_items", "assignments", "works", "reminders", "requests", "search_orders",
         "calls")


def _admin(base: OpenedBase) -> int:
    with base.sessions() as s:
        return s.scalars(select(Employee.id).where(Employee.login == "admin")).one()


def _snapshot(base: OpenedBase) -> dict[str, list[tuple]]:
    """Everything the demo made, without ids and wall-clock stamps."""
    with base.sessions() as s:
        return {
            "requests": list(s.execute(
                select(HotlineRequest.line, HotlineRequest.client_id, HotlineRequest.text,
                       HotlineRequest.status, HotlineRequest.received_at,
                       HotlineRequest.deadline_at, HotlineRequest.answer,
                       HotlineRequest.stage_id).order_by(HotlineRequest.id))),
            "history": list(s.execute(
                select(HotlineRequestHistory.new_value, HotlineRequestHistory.changed_at,
                       HotlineRequestHistory.comment).order_by(HotlineRequestHistory.id))),
            "items": list(s.execute(select(ActionItem.client_id, ActionItem.text,
                                           ActionItem.state, ActionItem.created_at)
                                    .order_by(ActionItem.id))),
            "assignments": list(s.execute(select(Assignment.client_id, Assignment.text,
                                                 Assignment.state, Assignment.deadline)
                                          .order_by(Assignment.id))),
            "works": list(s.execute(select(WorkRecord.client_id, WorkRecord.subject,
                                           WorkRecord.result, WorkRecord.starts_at,
                                           WorkRecord.done).order_by(WorkRecord.id))),
            "lines": list(s.execute(select(WorkActionLine.comment, WorkActionLine.worked)
                                    .order_by(WorkActionLine.id))),
            "reminders": list(s.execute(select(Reminder.text, Reminder.remind_at,
                                               Reminder.state).order_by(Reminder.id))),
            "calls": list(s.execute(select(Call.number_raw, Call.started_at, Call.answered,
                                           Call.missed, Call.contact_id).order_by(Call.id))),
        }


@pytest.fixture(autouse=True)
def _no_campaign_calls(demo_base: OpenedBase) -> None:
    """The demo base's call campaigns come with calls of their own (their talk time);
    these tests count what the activity step writes, so they start without them (the
    campaign items keep their results, the link to the call is emptied: ON DELETE SET
    NULL)."""
    with demo_base.sessions.begin() as s:
        s.execute(delete(Call))


def _wipe(base: OpenedBase) -> None:
    with base.sessions.begin() as s:
        for model in (Reminder, WorkActionLine, WorkRecord, Assignment, ActionItem,
                      HotlineRequestHistory, HotlineRequest, Call, ChangeLog):
            s.execute(delete(model))


def test_makes_every_kind_and_the_services_show_it(demo_base) -> None:
    started = clock.perf_counter()
    counts = da.generate_demo_activity(demo_base, now=NOW)
    seconds = clock.perf_counter() - started
    assert set(KINDS) <= set(counts)
    assert all(counts[k] > 0 for k in KINDS), counts
    assert seconds < 10, f"demo activity took {seconds:.1f} s"
    admin = _admin(demo_base)
    with demo_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(HotlineRequest)) == counts["requests"]
        assert s.scalar(select(func.count()).select_from(ActionItem)) == counts["action_items"]
        assert s.scalar(select(func.count()).select_from(WorkRecord)) == counts["works"]
        assert s.scalar(select(func.count()).select_from(Call)) == counts["calls"]

        # The requests journal: both lines, open and finished, overdue and due soon.
        rows = hl.list_requests(s, hl.RequestFilter())
        assert len(rows) == counts["requests"]
        assert {r.line for r in rows} == {HotlineLine.HOTLINE, HotlineLine.CONSULTATION}
        assert {RequestStatus.ANSWERED, RequestStatus.CLOSED} <= {r.status for r in rows}
        urgencies = [r.urgency(NOW) for r in rows]
        assert "overdue" in urgencies and "due_soon" in urgencies
        assert any(r.is_open and r.deadline_at > NOW for r in rows)
        assert all(r.received_at <= NOW for r in rows)
        assert all(r.answered_at is None or r.received_at <= r.answered_at <= NOW for r in rows)
        assert len({r.type_id for r in rows}) >= 3
        open_rows = hl.list_requests(s, hl.RequestFilter(open_only=True))
        assert open_rows and all(r.is_open for r in open_rows)
        assert hl.deadline_alerts(s, admin, NOW)

        # Search orders moved through stages, every step in the history.
        orders = [r for r in rows if r.stage_name]
        assert orders
        stage_steps = [h for r in orders for h in hl.history(s, r.id)
                       if h.kind is HistoryKind.STAGE]
        assert len(stage_steps) > len(orders)

        # Calls: answered and missed, linked to contacts; some became requests.
        calls = list_calls(s)
        assert any(c.missed for c in calls) and any(c.answered for c in calls)
        assert any(c.contact_id is not None and c.contact_name for c in calls)
        assert any(c.request_id is not None for c in calls)

    # The administrator: a missed reminder, and a planner day with all kinds of items.
    assert rem.due_reminders(demo_base, admin, NOW)
    day = NOW.astimezone(local_zone()).date()
    items = pl.planner_items(demo_base, admin, day, now=NOW, tz=local_zone())
    types = {i.type for i in items}
    assert types == {pl.ItemType.WORK, pl.ItemType.ASSIGNMENT, pl.ItemType.REMINDER}
    timings = {i.timing for i in items}
    assert {pl.Timing.OVERDUE, pl.Timing.TODAY, pl.Timing.DONE} <= timings
    assert any(i.type is pl.ItemType.REMINDER and i.timing is pl.Timing.TODAY for i in items)
    week = pl.planner_items(demo_base, admin, day + timedelta(days=1), 7, now=NOW,
                            tz=local_zone())
    assert any(i.type is pl.ItemType.WORK and i.timing is pl.Timing.LATER for i in week)
    digest = rem.since_last_login(demo_base, admin, NOW - timedelta(days=1), NOW)
    assert digest.missed_reminders

    # Assignments for several employees, some overdue; the admin's own list.
    mine = asg.open_assignments_of(demo_base, admin, NOW)
    assert any(a.overdue for a in mine) and any(not a.overdue for a in mine)
    with demo_base.sessions() as s:
        executors = set(s.scalars(select(Assignment.executor_id)))
        states = set(s.scalars(select(Assignment.state)))
        client_id = s.scalars(select(WorkRecord.client_id).where(
            WorkRecord.done.is_(True), WorkRecord.employee_id != admin)
            .order_by(WorkRecord.id)).first()
        assert s.scalar(select(func.count()).select_from(WorkActionLine)
                        .where(WorkActionLine.comment != "")) > 0
        resolved = s.scalars(select(ActionItem).where(
            ActionItem.state == ActionItemState.RESOLVED)).all()
    assert len(executors) >= 3
    assert {AssignmentState.DONE, AssignmentState.IN_WORK, AssignmentState.NEW} <= states
    assert resolved and all(i.closed_at is not None and i.closed_at <= NOW and
                            i.created_at <= i.closed_at for i in resolved)

    # The client card pages «ПРиЗ» and «Поручения и работы».
    assert client_id is not None
    assert wk.list_action_items(demo_base, client_id)
    rows = wk.client_work_rows(demo_base, client_id, NOW)
    assert any(r.kind == "work" and r.state == "Выполнена" for r in rows)


def test_same_seed_and_moment_give_the_same_data(demo_base) -> None:
    first_counts = da.generate_demo_activity(demo_base, now=NOW, seed=7)
    first = _snapshot(demo_base)
    _wipe(demo_base)
    assert da.generate_demo_activity(demo_base, now=NOW, seed=7) == first_counts
    assert _snapshot(demo_base) == first
    _wipe(demo_base)
    da.generate_demo_activity(demo_base, now=NOW, seed=8)
    other = _snapshot(demo_base)
    assert other["requests"] != first["requests"] or other["items"] != first["items"]


def test_refuses_a_base_that_already_has_activity(demo_base) -> None:
    da.generate_demo_activity(demo_base, now=NOW)
    with pytest.raises(ValueError, match="уже есть"):
        da.generate_demo_activity(demo_base, now=NOW)


def test_a_failure_leaves_nothing(demo_base, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, calls) -> None:  # noqa: ANN001
        raise RuntimeError("boom")

    models = (ActionItem, Assignment, WorkRecord, Reminder, Call, HotlineRequest, ChangeLog)

    def counts() -> dict:
        with demo_base.sessions() as s:
            return {m: s.scalar(select(func.count()).select_from(m)) for m in models}

    # The demo base's own change log (its money step logs the stornos it makes) stays
    # as it was; of the activity itself nothing is left.
    before = counts()
    assert all(before[m] == 0 for m in models if m is not ChangeLog)
    monkeypatch.setattr(da._Builder, "requests", broken)
    with pytest.raises(RuntimeError, match="boom"):
        da.generate_demo_activity(demo_base, now=NOW)
    assert counts() == before
    monkeypatch.undo()
    assert da.generate_demo_activity(demo_base, now=NOW)["requests"] > 0


def test_default_now_is_the_current_time(demo_base) -> None:
    counts = da.generate_demo_activity(demo_base, clients_limit=50)
    assert all(counts[k] > 0 for k in ("action_items", "works", "reminders", "requests"))
    admin = _admin(demo_base)
    now = datetime.now().astimezone()
    with demo_base.sessions() as s:
        assert s.scalar(select(func.max(HotlineRequest.received_at))) <= now
        assert s.scalars(select(Reminder.state)).all().count(ReminderState.FIRED) == 1
    assert rem.due_reminders(demo_base, admin, now)
