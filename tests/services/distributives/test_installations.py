"""Installation planning on both dialects: an installation is an assignment to the
engineer with the distributives, documents and extra works; completing it connects the
distributives in one transaction; «Контроль сроков установки» lists the planned ones by
due date with the days overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import ChangeLog, DistributiveStatus, MovementKind
from vostok_desktop.domain.installations import (
    INSTALLATION_KIND_NAME,
    Installation,
    InstallationLine,
    InstallationState,
)
from vostok_desktop.domain.work import Assignment, AssignmentKind, AssignmentState
from vostok_desktop.services.distributives import installations as ins
from vostok_desktop.services.distributives import kits, movements, state, warehouse
from vostok_desktop.services.distributives.common import MovementRefused

S = DistributiveStatus
I = InstallationState  # noqa: E741


def _draft(rig: Rig, ids: list[int], *, client: str = "romashka",
           due_on: date = TODAY + timedelta(days=3), **extra) -> ins.InstallationDraft:
    return ins.InstallationDraft(rig.clients[client], rig.employees["engineer"], due_on,
                                 ids, **extra)


def _plan(rig: Rig, ids: list[int], **kw) -> int:
    return ins.plan_installation(rig.base, _draft(rig, ids, **kw), rig.employees["keeper"],
                                 today=TODAY)


def _footprint(rig: Rig) -> tuple:
    with rig.base.sessions() as s:
        installs = [(i.id, i.state, i.done_on, i.version)
                    for i in s.scalars(select(Installation).order_by(Installation.id))]
        assignments = [(a.id, a.state) for a in s.scalars(select(Assignment))]
        lines = [(x.id, x.movement_id) for x in s.scalars(select(InstallationLine))]
    return rig.footprint(), installs, assignments, lines


def test_planning_is_an_assignment_to_the_engineer_with_the_lists(rig: Rig) -> None:
    first, second = rig.receive("300001", "300002")
    warehouse.reserve(rig.base, second, date(2026, 3, 1), rig.employees["keeper"],
                      client_id=rig.clients["romashka"], today=TODAY)
    kit = kits.create_kit(rig.base, kits.KitData(rig.clients["romashka"], "Бухгалтерия"),
                          None)
    inst_id = _plan(rig, [second, first], kit_id=kit,
                    documents=["Акт установки", " ", "Регистрационная карта"],
                    extra_works="Разнос ярлыков\nАнтивирусная проверка\n")
    card = ins.installation_card(rig.base, inst_id)
    assert (card.client_name, card.engineer_name, card.due_on, card.state_title) == \
        ("Ромашка", "Инженеров Иван", TODAY + timedelta(days=3), "Запланирована")
    assert [line.number for line in card.lines] == ["300001", "300002"]
    assert card.documents == ["Акт установки", "Регистрационная карта"]
    assert card.extra_works == ["Разнос ярлыков", "Антивирусная проверка"]
    with rig.base.sessions() as s:
        a = s.get(Assignment, card.assignment_id)
        kind = s.scalar(select(AssignmentKind.name).where(AssignmentKind.id == a.kind_id))
        assert (a.executor_id, a.state, kind) == (rig.employees["engineer"], AssignmentState.NEW,
                                                  INSTALLATION_KIND_NAME)
        assert a.deadline is not None and "№ 300001, № 300002" in a.text
        assert "Разнос ярлыков; Антивирусная проверка" in a.text
        logged = set(s.scalars(select(ChangeLog.table_name).where(
            ChangeLog.client_id == rig.clients["romashka"])))
    assert {"installations", "installation_lines", "assignments"} <= logged
    # Nothing moved yet: both stay on the warehouse.
    assert {rig.row(i).status for i in (first, second)} == {S.IN_STOCK, S.RESERVED}


def test_completing_connects_every_distributive_in_one_go(rig: Rig) -> None:
    first, second = rig.receive("310001", "310002")
    inst_id = _plan(rig, [first, second])
    done_on = TODAY
    applied = ins.complete_installation(rig.base, inst_id, done_on, rig.employees["keeper"],
                                        today=TODAY)
    assert [m.kind for m in applied] == [MovementKind.CONNECT] * 2
    for did in (first, second):
        row = rig.row(did)
        assert (row.status, row.client_id, row.engineer_id, row.status_since) == \
            (S.SERVED, rig.clients["romashka"], rig.employees["engineer"], done_on)
    page = state.client_distributives(rig.base, rig.clients["romashka"])
    assert sorted(d.number for d in page.current) == ["310001", "310002"]
    card = ins.installation_card(rig.base, inst_id)
    assert (card.state, card.done_on) == (I.DONE, done_on)
    assert {line.movement_id for line in card.lines} == {m.movement_id for m in applied}
    with rig.base.sessions() as s:
        a = s.get(Assignment, card.assignment_id)
        assert a.state is AssignmentState.DONE and "№ 310001, № 310002" in a.result
    assert ins.deadline_control(rig.base, TODAY) == []
    with pytest.raises(MovementRefused, match="Установка уже выполнена"):
        ins.complete_installation(rig.base, inst_id, done_on, None, today=TODAY)


def test_completion_refuses_a_distributive_gone_from_the_warehouse_whole(rig: Rig) -> None:
    first, second = rig.receive("320001", "320002")
    inst_id = _plan(rig, [first, second])
    # Meanwhile the second one was installed at another client by hand.
    movements.connect(rig.base, second, rig.clients["vasilek"], date(2026, 3, 5), None,
                      today=TODAY)
    before = _footprint(rig)
    with pytest.raises(MovementRefused, match="Дистрибутив № 320002 не на складе: он на "
                                              "обслуживании у клиента «Василёк»"):
        ins.complete_installation(rig.base, inst_id, TODAY, None, today=TODAY)
    assert _footprint(rig) == before
    assert rig.row(first).status is S.IN_STOCK  # the first was not connected either
    # Reserved for another client meanwhile: refused by name too.
    movements.disconnect(rig.base, second, date(2026, 3, 6), None, today=TODAY)
    movements.apply_movement(rig.base, movements.MovementRequest(
        MovementKind.STOCK_RETURN, second, date(2026, 3, 6)), None, today=TODAY)
    warehouse.reserve(rig.base, second, date(2026, 3, 7), None,
                      client_id=rig.clients["lyutik"], today=TODAY)
    before = _footprint(rig)
    with pytest.raises(MovementRefused, match="№ 320002 зарезервирован за клиентом «Лютик»"):
        ins.complete_installation(rig.base, inst_id, TODAY, None, today=TODAY)
    assert _footprint(rig) == before
    with pytest.raises(MovementRefused, match="позже сегодняшней"):
        ins.complete_installation(rig.base, inst_id, TODAY + timedelta(days=1), None,
                                  today=TODAY)


@pytest.mark.parametrize(("case", "message"), [
    ("past", "Срок установки 09.03.2026 уже прошёл"),
    ("none", "Не выбран ни один дистрибутив"),
    ("served", "Дистрибутив № 330003 не на складе: он на обслуживании у клиента «Василёк»"),
    ("reserved", "Дистрибутив № 330004 зарезервирован за клиентом «Лютик»"),
    ("busy", "Дистрибутив № 330005 уже в запланированной установке у клиента «Василёк»"),
    ("twice", "Дистрибутив № 330001 указан дважды"),
    ("no due", "Не указан срок установки"),
    ("no engineer", "Не выбран сотрудник, ответственный за установку"),
])
def test_bad_plans_are_refused_by_name_and_write_nothing(rig: Rig, case, message) -> None:
    free, _x, served, reserved, busy = rig.receive("330001", "330002", "330003", "330004",
                                                   "330005")
    movements.connect(rig.base, served, rig.clients["vasilek"], date(2026, 3, 1), None,
                      today=TODAY)
    warehouse.reserve(rig.base, reserved, date(2026, 3, 1), None,
                      client_id=rig.clients["lyutik"], today=TODAY)
    _plan(rig, [busy], client="vasilek")
    draft = {
        "past": _draft(rig, [free], due_on=TODAY - timedelta(days=1)),
        "none": _draft(rig, []),
        "served": _draft(rig, [free, served]),
        "reserved": _draft(rig, [reserved]),
        "busy": _draft(rig, [free, busy]),
        "twice": _draft(rig, [free, free]),
        "no due": ins.InstallationDraft(rig.clients["romashka"], rig.employees["engineer"],
                                        None, [free]),
        "no engineer": ins.InstallationDraft(rig.clients["romashka"], None, TODAY, [free]),
    }[case]
    before = _footprint(rig)
    with pytest.raises(MovementRefused, match=message):
        ins.plan_installation(rig.base, draft, None, today=TODAY)
    assert _footprint(rig) == before


def test_deadline_control_lists_planned_ones_with_days_overdue(rig: Rig) -> None:
    a, b, c, d = rig.receive("340001", "340002", "340003", "340004")
    late = _plan(rig, [b, a], due_on=date(2026, 3, 12))
    soon = _plan(rig, [c], client="vasilek", due_on=date(2026, 3, 20))
    cancelled = _plan(rig, [d], client="lyutik", due_on=date(2026, 3, 11))
    ins.cancel_installation(rig.base, cancelled, None, reason="Клиент передумал")
    later = TODAY + timedelta(days=5)  # 15.03: the first is three days late
    rows = ins.deadline_control(rig.base, later)
    assert [(r.id, r.client_name, r.engineer_name, r.days_overdue, r.numbers) for r in rows] \
        == [(late, "Ромашка", "Инженеров Иван", 3, ("340001", "340002")),
            (soon, "Василёк", "Инженеров Иван", 0, ("340003",))]
    assert [r.id for r in ins.deadline_control(rig.base, later, overdue_only=True)] == [late]
    assert ins.deadline_control(rig.base, later, engineer_id=rig.employees["keeper"]) == []
    assert ins.overdue_count(rig.base, later) == 1
    assert ins.overdue_count(rig.base, later, engineer_id=rig.employees["engineer"]) == 1
    card = ins.installation_card(rig.base, cancelled)
    assert card.state is I.CANCELLED and "Клиент передумал" in card.note
    with rig.base.sessions() as s:
        assert s.get(Assignment, card.assignment_id).state is AssignmentState.CANCELLED
    # A cancelled installation frees its distributive for another one.
    assert _plan(rig, [d], client="lyutik")
    # An overdue one may still be edited without moving its (past) date…
    ins.update_installation(rig.base, late, _draft(rig, [a], due_on=date(2026, 3, 12),
                                                   extra_works=["Обучение"]), None,
                            today=later)
    assert [line.number for line in ins.installation_card(rig.base, late).lines] == ["340001"]
    # …but not moved to another past date.
    with pytest.raises(MovementRefused, match="уже прошёл"):
        ins.update_installation(rig.base, late, _draft(rig, [a], due_on=date(2026, 3, 13)),
                                None, today=later)


def test_the_control_query_is_served_by_the_index(rig: Rig) -> None:
    if rig.base.dialect != "sqlite":
        pytest.skip("the PostgreSQL planner prefers a scan on a small table")
    with rig.base.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM installations WHERE state = 'planned' "
            "ORDER BY due_on, id")))
    assert "ix_installations_state_due_on" in plan


def test_the_assignment_kind_is_made_once_on_first_planning(rig: Rig) -> None:
    def kinds() -> int:
        with rig.base.sessions() as s:
            return s.scalar(select(func.count()).select_from(AssignmentKind).where(
                AssignmentKind.name == INSTALLATION_KIND_NAME))

    assert kinds() == 0
    first, second = rig.receive("350001", "350002")
    _plan(rig, [first])
    _plan(rig, [second], client="vasilek")
    assert kinds() == 1
