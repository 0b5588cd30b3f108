"""KPI sets on both dialects: ordered items with thresholds, one default set per role,
the «нужен контакт» side of a threshold, and clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.services.kpi.kpi_rig import Office, make_office
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.domain.kpi import IndicatorKind
from vostok_desktop.services.kpi import indicators, sets
from vostok_desktop.services.kpi.indicators import IndicatorData, KpiRefused
from vostok_desktop.services.kpi.sets import SetItemData


@pytest.fixture
def office(empty_base) -> Office:  # noqa: ANN001
    return make_office(empty_base)


def _ids(office: Office) -> dict[str, int]:
    def measure(code: str, title: str, higher: bool = True) -> int:
        return indicators.save_indicator(office.base, IndicatorData(
            code, title, IndicatorKind.MEASURE, "r", "m", higher_is_better=higher), None)
    return {"calls": measure("звонки", "Контакты"),
            "done": measure("поручения", "Выполнено поручений"),
            "late": measure("просрочено", "Просрочено поручений", higher=False)}


def test_a_set_keeps_its_order_and_thresholds(office: Office) -> None:
    ids = _ids(office)
    sid = sets.save_set(office.base, "Руководитель продаж", EmployeeRole.HEAD, [
        SetItemData(ids["done"], "10"), SetItemData(ids["calls"]),
        SetItemData(ids["late"], "2,5")], None)
    row = sets.get_set(office.base, sid)
    assert [i.code for i in row.items] == ["поручения", "звонки", "просрочено"]
    assert [i.threshold for i in row.items] == [Decimal(10), None, Decimal("2.5")]
    assert row.role_title == "Руководитель"
    assert sets.set_for_role(office.base, "head").id == sid
    assert sets.set_for_role(office.base, EmployeeRole.MANAGER) is None
    # Moved up and down, one removed, a threshold changed: read back in the new order.
    sets.save_set(office.base, "Руководитель продаж", EmployeeRole.HEAD, [
        SetItemData(ids["late"], "3"), SetItemData(ids["done"], "10")], None, set_id=sid)
    row = sets.get_set(office.base, sid)
    assert [(i.code, i.threshold) for i in row.items] == [("просрочено", Decimal(3)),
                                                          ("поручения", Decimal(10))]


def test_needs_contact_on_the_wrong_side_of_the_threshold(office: Office) -> None:
    ids = _ids(office)
    sid = sets.save_set(office.base, "НСС", None, [
        SetItemData(ids["done"], "10"), SetItemData(ids["late"], "2")], None)
    done, late = sets.get_set(office.base, sid).items
    assert done.needs_contact(Decimal(9)) and not done.needs_contact(Decimal(10))
    assert late.needs_contact(Decimal(3)) and not late.needs_contact(Decimal(2))
    assert not done.needs_contact(None)


def test_one_default_set_per_role_and_unique_titles(office: Office) -> None:
    ids = _ids(office)
    sets.save_set(office.base, "Руководитель сервиса", EmployeeRole.HEAD,
                  [SetItemData(ids["calls"])], None)
    with pytest.raises(KpiRefused, match="Для роли «Руководитель» уже есть набор "
                                         "«Руководитель сервиса»"):
        sets.save_set(office.base, "Руководитель продаж", EmployeeRole.HEAD, [], None)
    with pytest.raises(KpiRefused, match="Набор «Руководитель сервиса» уже есть"):
        sets.save_set(office.base, "Руководитель  сервиса", None, [], None)
    with pytest.raises(KpiRefused, match="Показатель «Контакты» в наборе дважды"):
        sets.save_set(office.base, "Лидер РИЦ", None,
                      [SetItemData(ids["calls"]), SetItemData(ids["calls"])], None)
    with pytest.raises(KpiRefused, match="Порог «нужен контакт» показателя «Контакты»: "
                                         "«мало» — не число"):
        sets.save_set(office.base, "Лидер РИЦ", None, [SetItemData(ids["calls"], "мало")],
                      None)
    with pytest.raises(KpiRefused, match="Укажите название набора"):
        sets.save_set(office.base, "  ", None, [], None)
    assert [s.title for s in sets.list_sets(office.base)] == ["Руководитель сервиса"]


def test_a_deleted_set_frees_its_indicators(office: Office) -> None:
    ids = _ids(office)
    sid = sets.save_set(office.base, "Лидер РИЦ", None, [SetItemData(ids["calls"])], None)
    assert indicators.deletion_blockers(office.base, ids["calls"]) is not None
    sets.delete_set(office.base, sid, None)
    assert sets.list_sets(office.base) == []
    indicators.delete_indicator(office.base, ids["calls"], None)
    assert "звонки" not in {r.code for r in indicators.list_indicators(office.base)}
