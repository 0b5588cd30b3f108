"""KPI facts on both dialects from known works: a measure indicator per employee and
month equals the hand count, a department's is the sum of its people, a formula of two
indicators per cell, a division by zero empties only its cells, plans and completion,
totals over everyone, and one pivot query per report however many indicators read it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.kpi import facts
from vostok_desktop.services.kpi.facts import KpiSubject, compute_kpi, period_starts
from vostok_desktop.services.kpi.indicators import IndicatorData, save_indicator
from vostok_desktop.services.kpi.plans import PlanCell, Subject, save_plan_cells
from vostok_desktop.services.reports.catalogue import report_catalogue

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))
H1 = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def catalogue():  # noqa: ANN201
    return report_catalogue(load_plugins())


@pytest.fixture
def indicators(empty_base: OpenedBase, known: dict[str, int], catalogue) -> dict[str, int]:  # noqa: ANN001, F811
    allowed = catalogue.measures_by_report()

    def add(code: str, title: str, **kw) -> int:  # noqa: ANN003
        return save_indicator(empty_base, IndicatorData(code, title, **kw), None,
                              catalogue=allowed)

    return {
        "контакты": add("контакты", "Контакты", kind=IndicatorKind.MEASURE,
                        report_key="client_contacts", measure_key="count"),
        "выполнено": add("выполнено", "Выполнено", kind=IndicatorKind.MEASURE,
                         report_key="client_contacts", measure_key="done"),
        "минуты": add("минуты", "Минуты", kind=IndicatorKind.MEASURE,
                      report_key="client_contacts", measure_key="minutes", unit="мин"),
        "доля": add("доля", "Доля выполненных", kind=IndicatorKind.FORMULA,
                    formula="выполнено / контакты * 100", unit="%"),
        "на_контакт": add("на_контакт", "Минут на выполненный", kind=IndicatorKind.FORMULA,
                          formula="минуты / выполнено", unit="мин"),
    }


def test_period_starts() -> None:
    assert period_starts(PeriodKind.QUARTER, date(2026, 2, 10), date(2026, 12, 1)) == [
        date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
    assert period_starts(PeriodKind.MONTH, date(2025, 12, 5), date(2026, 1, 5)) == [
        date(2025, 12, 1), date(2026, 1, 1)]


def test_facts_per_employee_and_month(empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
                                      indicators: dict[str, int], catalogue,  # noqa: ANN001
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = facts.run_pivot
    monkeypatch.setattr(facts, "run_pivot",
                        lambda base, d, q, **kw: calls.append(d.key) or real(base, d, q, **kw))
    table = compute_kpi(empty_base, catalogue, ["контакты", "доля", "на_контакт"],
                        KpiSubject.EMPLOYEE, PeriodKind.MONTH, *H1)
    assert calls == ["client_contacts"]  # three indicators, one query
    ivanov, petrov, sidorova = known["ivanov"], known["petrov"], known["sidorova"]
    assert table.fact("контакты", ivanov, JAN) == 2
    assert table.fact("контакты", ivanov, MAR) == 0  # no works: zero, not unknown
    assert table.fact("доля", ivanov, JAN) == Decimal(50)
    assert table.fact("доля", petrov, MAR) == Decimal(100)
    # Sidorova's only work is not done: 0 minutes / 0 done — that cell alone is empty.
    assert table.fact("на_контакт", sidorova, FEB) is None
    assert "деление на ноль" in table.problems["на_контакт"].lower()
    assert table.fact("на_контакт", petrov, MAR) == Decimal(90)
    assert table.series("контакты", petrov) == [1, 0, 1, 1, 0, 0]
    assert table.totals[("контакты", JAN)] == 3
    assert table.subjects[ivanov] == "Иванов И. И."
    assert table.period_title(APR) == "апрель 2026"


def test_departments_plans_and_completion(empty_base: OpenedBase,
                                          known: dict[str, int],  # noqa: F811
                                          indicators: dict[str, int],
                                          catalogue) -> None:  # noqa: ANN001
    save_plan_cells(empty_base, indicators["контакты"], PeriodKind.QUARTER, Subject.DEPARTMENT,
                    [PlanCell(known["sales"], JAN, "4"), PlanCell(known["service"], JAN, "2")],
                    None)
    table = compute_kpi(empty_base, catalogue, ["контакты"], KpiSubject.DEPARTMENT,
                        PeriodKind.QUARTER, *H1)
    assert table.fact("контакты", known["sales"], JAN) == 3
    assert table.fact("контакты", known["service"], APR) == 1
    assert table.plan("контакты", known["sales"], JAN) == Decimal(4)
    assert table.completion("контакты", known["sales"], JAN) == Decimal("75.0")
    assert table.completion("контакты", known["service"], JAN) == Decimal("100.0")
    assert table.completion("контакты", known["service"], APR) is None  # no plan
    assert table.subjects[known["sales"]] == "Продажи"


def test_per_client_and_refusals(empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
                                 indicators: dict[str, int], catalogue) -> None:  # noqa: ANN001
    table = compute_kpi(empty_base, catalogue, ["контакты"], KpiSubject.CLIENT,
                        PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31),
                        subject_ids=[known["a"], known["c"]])
    year = date(2026, 1, 1)
    assert table.fact("контакты", known["a"], year) == 3
    assert table.fact("контакты", known["c"], year) == 2
    assert (("контакты", known["b"], year)) not in table.facts
    with pytest.raises(ValueError, match="Нет показателя «нет_такого»"):
        compute_kpi(empty_base, catalogue, ["нет_такого"], KpiSubject.EMPLOYEE,
                    PeriodKind.MONTH, *H1)


def test_the_automatic_assignment_may_count_any_indicator(
        empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
        indicators: dict[str, int], catalogue) -> None:  # noqa: ANN001
    from vostok_desktop.domain.work import AssignmentKind, DistributionPlan
    from vostok_desktop.services.kpi.facts import IndicatorFact
    from vostok_desktop.services.work.assignments import candidates, choose_executor

    with empty_base.sessions() as s, s.begin():
        kind = AssignmentKind(name="Обзвон", distributed=True)
        s.add(kind)
        s.flush()
        for who in ("ivanov", "petrov"):
            s.add(DistributionPlan(kind_id=kind.id, employee_id=known[who], plan=10))
        kind_id = kind.id
    # In January Ivanov had 2 contacts, Petrov 1: by contacts, Petrov gets the next one.
    rule = IndicatorFact(empty_base, catalogue, "контакты", today=date(2026, 1, 31))
    with empty_base.sessions() as s:
        facts_by_id = {c.employee_id: c.fact for c in candidates(s, kind_id, rule)}
        assert facts_by_id == {known["ivanov"]: 2.0, known["petrov"]: 1.0}
        assert choose_executor(s, kind_id, rule) == known["petrov"]
    # In February Ivanov had 1, Petrov none.
    rule = IndicatorFact(empty_base, catalogue, "контакты", today=date(2026, 2, 28))
    with empty_base.sessions() as s:
        assert choose_executor(s, kind_id, rule) == known["petrov"]
        rule = IndicatorFact(empty_base, catalogue, "минуты", today=date(2026, 2, 28))
        assert {c.employee_id: c.fact for c in candidates(s, kind_id, rule)} == {
            known["ivanov"]: 60.0, known["petrov"]: 0.0}
