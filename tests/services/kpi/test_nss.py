"""НСС monitoring on both dialects from known works (tests/services/reports/test_pivot.py
WORKS): a manager's clients by the responsibilities (each once, deleted ones left out),
the set's facts per client for a month and a quarter counted by hand, «нужен контакт»
with its reasons on both sides of a threshold, the needing ones first; a contact planned
as an assignment to the manager due the next working day; refusals in Russian."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select, update

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Direction, Employee
from vostok_desktop.domain.clients import Responsibility
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import Assignment, AssignmentState
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.hotline.calendar import local_zone, set_exceptions
from vostok_desktop.services.kpi import nss
from vostok_desktop.services.kpi.indicators import IndicatorData, save_indicator
from vostok_desktop.services.kpi.sets import SetItemData, delete_set, save_set
from vostok_desktop.services.reports.catalogue import report_catalogue

JAN, FEB = date(2026, 1, 15), date(2026, 2, 1)


@pytest.fixture(scope="module")
def catalogue():  # noqa: ANN201
    return report_catalogue(load_plugins())


@pytest.fixture
def rig(empty_base: OpenedBase, known: dict[str, int], catalogue) -> dict[str, int]:  # noqa: ANN001, F811
    """Ivanov is responsible for A (in two directions), B and C, and for a deleted D;
    Petrov for C in a third direction. The set «НСС»: contacts ≥ 2, done ≥ 1, minutes
    ≤ 60 (lower is better); a second set «Тихие клиенты» with contacts only."""
    allowed = catalogue.measures_by_report()

    def add(code: str, title: str, measure: str, **kw) -> int:  # noqa: ANN003
        return save_indicator(empty_base, IndicatorData(
            code, title, IndicatorKind.MEASURE, "client_contacts", measure, **kw), None,
            catalogue=allowed)

    ids = {"контакты": add("контакты", "Контакты", "count"),
           "выполнено": add("выполнено", "Выполнено", "done"),
           "минуты": add("минуты", "Минуты", "minutes", unit="мин", higher_is_better=False)}
    with empty_base.sessions() as s, s.begin():
        dirs = [Direction(code=f"d{i}", name=f"Направление {i}") for i in range(3)]
        deleted = Client(short_name="Клиент D", marked_for_deletion=True)
        s.add_all([*dirs, deleted])
        s.flush()
        ivanov, petrov = known["ivanov"], known["petrov"]
        for client, direction, who in ((known["a"], 0, ivanov), (known["a"], 1, ivanov),
                                       (known["b"], 0, ivanov), (known["c"], 0, ivanov),
                                       (deleted.id, 0, ivanov), (known["c"], 2, petrov)):
            s.add(Responsibility(client_id=client, direction_id=dirs[direction].id,
                                 employee_id=who))
    ids["set"] = save_set(empty_base, "НСС", None, [
        SetItemData(ids["контакты"], "2"), SetItemData(ids["выполнено"], "1"),
        SetItemData(ids["минуты"], "60")], None)
    ids["quiet"] = save_set(empty_base, "Тихие клиенты", None,
                            [SetItemData(ids["контакты"], "1")], None)
    return ids | known


def test_month_of_a_manager(empty_base: OpenedBase, rig: dict[str, int], catalogue) -> None:  # noqa: ANN001
    m = nss.nss_monitor(empty_base, catalogue, rig["ivanov"], JAN)
    assert (m.first, m.last, m.period_title) == (date(2026, 1, 1), date(2026, 1, 31),
                                                 "январь 2026")
    assert m.manager_name == "Иванов И. И."
    assert [i.code for i in m.items] == ["контакты", "выполнено", "минуты"]
    # January: A had 3 works (2 done, 5 + 0 + 10 minutes), B and C none.
    by_name = {r.client_name: r for r in m.rows}
    assert sorted(by_name) == ["Клиент A", "Клиент B", "Клиент C"]  # D deleted, A once
    assert by_name["Клиент A"].facts == {"контакты": 3, "выполнено": 2, "минуты": 15}
    assert not by_name["Клиент A"].needs_contact and by_name["Клиент A"].hint == ""
    b = by_name["Клиент B"]
    assert b.facts == {"контакты": 0, "выполнено": 0, "минуты": 0}  # no works: zeros
    assert b.hint == "нужен контакт"
    assert [r.code for r in b.reasons] == ["контакты", "выполнено"]
    assert b.reasons_text == ("Контакты: 0 шт — меньше порога 2; "
                              "Выполнено: 0 шт — меньше порога 1")
    # The needing ones first, by name; then the others.
    assert [r.client_name for r in m.rows] == ["Клиент B", "Клиент C", "Клиент A"]
    assert m.needing_contact == 2


def test_quarter_and_lower_is_better(empty_base: OpenedBase, rig: dict[str, int],
                                     catalogue) -> None:  # noqa: ANN001
    m = nss.nss_monitor(empty_base, catalogue, rig["ivanov"], FEB, kind=PeriodKind.QUARTER)
    assert (m.first, m.last) == (date(2026, 1, 1), date(2026, 3, 31))
    by_name = {r.client_name: r for r in m.rows}
    # Q1: B — Ivanov's meeting (done, 60 min) and Sidorova's e-mail; C — Petrov's visit
    # (done, 90 min on 30.03).
    assert by_name["Клиент B"].facts == {"контакты": 2, "выполнено": 1, "минуты": 60}
    assert not by_name["Клиент B"].needs_contact  # 60 is not past «at most 60»
    c = by_name["Клиент C"]
    assert c.facts == {"контакты": 1, "выполнено": 1, "минуты": 90}
    assert [r.text for r in c.reasons] == ["Контакты: 1 шт — меньше порога 2",
                                           "Минуты: 90 мин — больше порога 60"]
    assert [r.client_name for r in m.rows] == ["Клиент C", "Клиент A", "Клиент B"]


def test_another_set_another_manager_and_refusals(empty_base: OpenedBase,
                                                  rig: dict[str, int],
                                                  catalogue) -> None:  # noqa: ANN001
    m = nss.nss_monitor(empty_base, catalogue, rig["petrov"], FEB, set_id=rig["quiet"])
    assert [(r.client_name, r.facts, r.needs_contact) for r in m.rows] == [
        ("Клиент C", {"контакты": 0}, True)]
    nobody = nss.nss_monitor(empty_base, catalogue, rig["sidorova"], FEB)
    assert nobody.rows == [] and nobody.manager_name == "Сидорова С. С."
    with pytest.raises(ValidationError, match="Сотрудник не найден"):
        nss.nss_monitor(empty_base, catalogue, 999_999, FEB)
    delete_set(empty_base, rig["set"], None)
    with pytest.raises(ValidationError, match="Нет набора показателей «НСС»"):
        nss.nss_monitor(empty_base, catalogue, rig["ivanov"], FEB)


def test_plan_contact_makes_an_assignment_to_the_manager(empty_base: OpenedBase,
                                                         rig: dict[str, int],
                                                         catalogue) -> None:  # noqa: ANN001
    m = nss.nss_monitor(empty_base, catalogue, rig["ivanov"], JAN)
    row = m.rows[0]
    text = nss.contact_text(row)
    assert text.startswith("Связаться с клиентом (мониторинг НСС): Контакты: 0 шт")
    friday = date(2026, 12, 4)
    due = nss.default_deadline(empty_base, friday)
    assert due == date(2026, 12, 7)  # Monday
    with empty_base.sessions() as s, s.begin():
        set_exceptions(s, [(date(2026, 12, 7), False, "перенос")])
    assert nss.default_deadline(empty_base, friday) == date(2026, 12, 8)
    new_id = nss.plan_contact(empty_base, row.client_id, rig["ivanov"], text, due,
                              rig["petrov"], today=friday)
    with empty_base.sessions() as s:
        a = s.get(Assignment, new_id)
        assert (a.client_id, a.executor_id, a.author_id, a.text, a.state) == (
            rig["b"], rig["ivanov"], rig["petrov"], text, AssignmentState.NEW)
        deadline = a.deadline if a.deadline.tzinfo else a.deadline.replace(tzinfo=local_zone())
        assert deadline.astimezone(local_zone()) == datetime.combine(
            due, time(18, 0), tzinfo=local_zone())


def test_plan_contact_refusals_write_nothing(empty_base: OpenedBase,
                                             rig: dict[str, int]) -> None:
    friday = date(2026, 12, 4)
    cases = [("  ", date(2026, 12, 7), rig["ivanov"], "Текст поручения: обязательное поле"),
             ("Позвонить", date(2026, 12, 3), rig["ivanov"], "Срок контакта уже прошёл"),
             ("Позвонить", date(2026, 12, 7), 999_999, "Сотрудник не найден")]
    with empty_base.sessions() as s, s.begin():
        s.execute(update(Employee).where(Employee.id == rig["sidorova"])
                  .values(is_active=False))
    cases.append(("Позвонить", date(2026, 12, 7), rig["sidorova"], "Сотрудник уволен"))
    for text, due, who, message in cases:
        with pytest.raises(ValidationError, match=message):
            nss.plan_contact(empty_base, rig["a"], who, text, due, None, today=friday)
    with pytest.raises(ValidationError, match="не найден"):
        nss.plan_contact(empty_base, 999_999, rig["ivanov"], "Позвонить", date(2026, 12, 7),
                         None, today=friday)
    with empty_base.sessions() as s:
        assert s.scalars(select(Assignment.id)).all() == []


def test_period_bounds() -> None:
    assert nss.period_bounds("year", date(2026, 5, 5)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert nss.period_bounds("quarter", date(2026, 11, 5)) == (date(2026, 10, 1),
                                                               date(2026, 12, 31))
    assert nss.period_bounds("month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
