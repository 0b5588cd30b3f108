"""KPI indicators on both dialects: a measure names a report and a measure of the
engine's catalogue, a formula uses existing codes without cycles, clear Russian
refusals, and an indicator someone uses is archived, not deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.services.kpi.kpi_rig import CATALOGUE, Office, make_office
from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.kpi import IndicatorKind, IndicatorPlan, PeriodKind
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.kpi import indicators, plans, sets
from vostok_desktop.services.kpi.indicators import IndicatorData, KpiRefused
from vostok_desktop.services.kpi.plans import PlanCell, Subject

MEASURE, FORMULA = IndicatorKind.MEASURE, IndicatorKind.FORMULA


@pytest.fixture
def office(empty_base) -> Office:  # noqa: ANN001
    return make_office(empty_base)


def _measure(code: str, title: str, report: str = "client_contacts",
             measure: str = "count") -> IndicatorData:
    return IndicatorData(code, title, MEASURE, report, measure)


def _formula(code: str, title: str, text: str) -> IndicatorData:
    return IndicatorData(code, title, FORMULA, formula=text, unit="%")


def _save(office: Office, data: IndicatorData, indicator_id: int | None = None) -> int:
    return indicators.save_indicator(office.base, data, office.employees["ivanova"],
                                     indicator_id=indicator_id, catalogue=CATALOGUE)


def test_measure_and_formula_indicators_are_listed_as_saved(office: Office) -> None:
    calls = _save(office, _measure("звонки", "  Контакты   с клиентами "))
    _save(office, _measure("поручения", "Выполнено поручений", "assignments", "done"))
    share = _save(office, _formula("доля", "Доля выполненных", "поручения × 100 ÷ звонки"))
    rows = {r.code: r for r in indicators.list_indicators(office.base)}
    assert rows["звонки"].title == "Контакты с клиентами"
    assert (rows["звонки"].report_key, rows["звонки"].measure_key) == ("client_contacts",
                                                                       "count")
    assert rows["доля"].formula == "поручения * 100 / звонки" and rows["доля"].unit == "%"
    assert rows["доля"].id == share and rows["звонки"].id == calls
    assert rows["доля"].report_key is None


@pytest.mark.parametrize(("data", "message"), [
    (IndicatorData("", "Без кода", MEASURE, "client_contacts", "count"), "Укажите код"),
    (IndicatorData("2звонка", "x", MEASURE, "client_contacts", "count"), "начинается с буквы"),
    (IndicatorData("с пробелом", "x", MEASURE, "client_contacts", "count"), "без пробелов"),
    (IndicatorData("к", "", MEASURE, "client_contacts", "count"), "Укажите название"),
    (IndicatorData("к", "x", MEASURE, None, "count"), "Выберите отчёт"),
    (IndicatorData("к", "x", MEASURE, "client_contacts", ""), "Выберите величину"),
    (IndicatorData("к", "x", MEASURE, "нет_такого", "count"), "Нет отчёта «нет_такого»"),
    (IndicatorData("к", "x", MEASURE, "assignments", "count"),
     "В отчёте «assignments» нет величины «count»"),
    (IndicatorData("к", "x", MEASURE, "client_contacts", "count", unit="кг"), "Единица «кг»"),
    (IndicatorData("к", "x", FORMULA, formula=""), "пустая строка"),
    (IndicatorData("к", "x", FORMULA, formula="звонки ** 2"), r"без «\*\*»"),
    (IndicatorData("к", "x", FORMULA, formula="звонки + письма"), "нет показателя «письма»"),
    (IndicatorData("к", "x", FORMULA, formula="к + 1"), "ссылается на него самого"),
    (IndicatorData("к", "x", FORMULA, formula="звонки / (3 - 3)"),
     r"деление на ноль \(«3 - 3» = 0\)"),
    (IndicatorData("к", "x", FORMULA, formula="звонки / 0,0"), "деление на ноль"),
])
def test_bad_indicators_are_refused_with_a_reason(office: Office, data: IndicatorData,
                                                  message: str) -> None:
    _save(office, _measure("звонки", "Контакты"))
    with pytest.raises(KpiRefused, match=message):
        _save(office, data)
    assert [r.code for r in indicators.list_indicators(office.base)] == ["звонки"]


def test_duplicate_code_names_the_owner(office: Office) -> None:
    _save(office, _measure("звонки", "Контакты"))
    with pytest.raises(KpiRefused, match="Код «звонки» уже у показателя «Контакты»"):
        _save(office, _measure("звонки", "Другие контакты"))


def test_a_cycle_across_indicators_is_refused_with_its_chain(office: Office) -> None:
    _save(office, _measure("звонки", "Контакты"))
    a = _save(office, _formula("а", "А", "звонки + 1"))
    _save(office, _formula("б", "Б", "а * 2"))
    with pytest.raises(KpiRefused, match="по кругу: .*а → б → а|по кругу: .*б → а → б"):
        _save(office, _formula("а", "А", "б + звонки"), indicator_id=a)
    assert indicators.get_indicator(office.base, a).formula == "звонки + 1"
    # The editor's live hint says the same before saving.
    assert "по кругу" in indicators.check_formula(office.base, "а", "б - 1", a)
    assert indicators.check_formula(office.base, "а", "звонки / 2", a) is None


def test_the_catalogue_is_checked_only_when_given(office: Office) -> None:
    indicators.save_indicator(office.base, _measure("x", "X", "future_report", "sum"),
                              None)
    assert indicators.list_indicators(office.base)[0].report_key == "future_report"


def test_used_indicator_is_not_deleted_but_archived(office: Office) -> None:
    calls = _save(office, _measure("звонки", "Контакты"))
    share = _save(office, _formula("доля", "Доля", "звонки / 2"))
    sets.save_set(office.base, "Руководитель продаж", None,
                  [sets.SetItemData(calls)], None)
    with pytest.raises(KpiRefused, match="используется в формулах «Доля»; в наборах "
                                         "«Руководитель продаж». Удалить нельзя"):
        indicators.delete_indicator(office.base, calls, None)
    indicators.set_archived(office.base, calls, True, None)
    rows = indicators.list_indicators(office.base)
    assert [(r.code, r.archived) for r in rows] == [("доля", False), ("звонки", True)]
    assert [r.code for r in indicators.list_indicators(office.base,
                                                       include_archived=False)] == ["доля"]
    # Its code cannot change while a formula uses it.
    with pytest.raises(KpiRefused, match="Код «звонки» используется в формулах «Доля»"):
        _save(office, _measure("контакты", "Контакты"), indicator_id=calls)
    # An unused one goes, with its plans.
    plans.save_plan_cells(office.base, share, PeriodKind.YEAR, Subject.DEPARTMENT,
                          [PlanCell(office.departments["sales"],
                                    plans.period_starts(2027, "year")[0], "50")], None)
    assert indicators.plan_count(office.base, share) == 1
    indicators.delete_indicator(office.base, share, None)
    assert [r.code for r in indicators.list_indicators(office.base)] == ["звонки"]
    with office.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IndicatorPlan)) == 0


def test_changes_are_logged_on_the_file_base(office: Office, dialect: str) -> None:
    calls = _save(office, _measure("звонки", "Контакты"))
    _save(office, _measure("звонки", "Контакты с клиентами"), indicator_id=calls)
    with office.base.sessions() as s:
        fields = [r.field for r in s.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "kpi_indicators", ChangeLog.row_id == calls))]
    assert "title" in fields


def test_without_the_right_nothing_is_written(office: Office) -> None:
    nobody = AccessProfile(frozenset(), Visibility.ALL, "manager")
    with pytest.raises(AccessDenied, match="Нет права «Настройка показателей KPI»"):
        indicators.save_indicator(office.base, _measure("звонки", "Контакты"), None,
                                  profile=nobody)
    assert indicators.list_indicators(office.base) == []


def test_the_engine_gets_measures_and_formulas_in_order(office: Office) -> None:
    _save(office, _measure("звонки", "Контакты"))
    _save(office, _measure("поручения", "Поручения", "assignments", "done"))
    _save(office, _formula("доля", "Доля", "поручения / звонки"))
    _save(office, _formula("итог", "Итог", "доля * 2 + звонки"))
    model = indicators.indicator_model(office.base)
    assert model.measures == {"звонки": ("client_contacts", "count"),
                              "поручения": ("assignments", "done")}
    assert model.order == ["доля", "итог"]
    assert str(model.formulas["итог"]) == "доля * 2 + звонки"
