"""«Факт для распределения» on both dialects: an assignment kind may count its
participants' fact by any KPI indicator (here: contacts this month, from the known works
of tests/services/reports/test_pivot.py); the choice is kept with the kind, the automatic
distribution, the «who gets it now» hint and the employee's load use it, a batch is still
spread, and deleting the indicator takes the kind back to open assignments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import IndicatorKind
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.kpi.indicators import IndicatorData, delete_indicator, save_indicator
from vostok_desktop.services.reports.catalogue import report_catalogue
from vostok_desktop.services.work import assignments as asg

# The end of January 2026: Ivanov had 2 contacts that month, Petrov 1 (Sidorova none).
JAN_31 = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def catalogue():  # noqa: ANN201
    return report_catalogue(load_plugins())


@pytest.fixture
def contacts(empty_base: OpenedBase, catalogue) -> int:  # noqa: ANN001
    return save_indicator(empty_base, IndicatorData(
        "контакты", "Контакты", IndicatorKind.MEASURE, "client_contacts", "count"), None,
        catalogue=catalogue.measures_by_report())


def _kind(base: OpenedBase, ids: dict[str, int], fact: int | None) -> int:
    plans = {ids["ivanov"]: 10, ids["petrov"]: 10}
    [kind] = asg.save_kinds(base, [asg.KindSettings(None, "Обзвон", True, None, plans,
                                                    fact_indicator_id=fact)], None)
    assert kind.id is not None
    return kind.id


def _batch(base: OpenedBase, ids: dict[str, int], kind_id: int, n: int) -> list[int]:
    created = asg.create_assignments(base, asg.AssignmentDraft(
        targets=[(ids["a"], None)] * n, kind_id=kind_id, text="Позвонить"), None, now=JAN_31)
    return [asg.load_assignment(base, a).executor_id for a in created]


def test_the_choice_is_kept_with_the_kind(empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
                                          contacts: int) -> None:
    kind_id = _kind(empty_base, known, contacts)
    [kind] = asg.load_kinds(empty_base)
    assert (kind.id, kind.fact_indicator_id) == (kind_id, contacts)
    kind.fact_indicator_id = None
    assert asg.save_kinds(empty_base, [kind], None)[0].fact_indicator_id is None
    kind.fact_indicator_id = contacts + 100
    with pytest.raises(ValidationError, match="Факт для распределения по «Обзвон»: "
                                              "показатель не найден"):
        asg.save_kinds(empty_base, [kind], None)
    assert asg.load_kinds(empty_base)[0].fact_indicator_id is None  # nothing half-written


def test_distribution_counts_by_the_kinds_indicator(empty_base: OpenedBase,
                                                    known: dict[str, int],  # noqa: F811
                                                    contacts: int,
                                                    catalogue) -> None:  # noqa: ANN001
    ivanov, petrov = known["ivanov"], known["petrov"]
    by_contacts = _kind(empty_base, known, contacts)
    # Contacts 2 : 1 — Petrov first; then 2 : 2, a tie, to Ivanov who never got one;
    # then 3 : 2 — Petrov again (the batch's own assignments count).
    assert _batch(empty_base, known, by_contacts, 3) == [petrov, ivanov, petrov]
    # The form's hint and the employee's load count the same way: contacts, not the
    # assignments just given.
    rule = asg.fact_rule_for(empty_base, by_contacts, catalogue=catalogue,
                             today=date(2026, 1, 31))
    with empty_base.sessions() as s:
        assert {c.employee_id: c.fact for c in asg.candidates(s, by_contacts, rule)} == {
            ivanov: 2.0, petrov: 1.0}
    load = asg.employee_load(empty_base, ivanov, JAN_31, catalogue=catalogue)
    assert "«Обзвон»: 2 из плана 10" in load.summary()


def test_without_an_indicator_open_assignments_count(empty_base: OpenedBase,
                                                      known: dict[str, int],  # noqa: F811
                                                      contacts: int) -> None:
    ivanov, petrov = known["ivanov"], known["petrov"]
    plain = _kind(empty_base, known, None)
    # 0 : 0, nobody ever got one — the lowest id; then 1 : 0 — the other.
    first = min(ivanov, petrov)
    assert _batch(empty_base, known, plain, 2) == [first, max(ivanov, petrov)]
    assert asg.choose_executor_for(empty_base, plain) == first  # 1 : 1, first got it earlier


def test_deleting_the_indicator_takes_the_kind_back_to_open_assignments(
        empty_base: OpenedBase, known: dict[str, int], contacts: int) -> None:  # noqa: F811
    kind_id = _kind(empty_base, known, contacts)
    delete_indicator(empty_base, contacts, None)
    assert asg.load_kinds(empty_base)[0].fact_indicator_id is None
    assert asg.fact_rule_for(empty_base, kind_id) is asg.DEFAULT_FACT_RULE
    first = min(known["ivanov"], known["petrov"])
    assert _batch(empty_base, known, kind_id, 1) == [first]
