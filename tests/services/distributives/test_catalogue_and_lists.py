"""The catalogue, kits' ЗВЭ flag, a distributive's terms (Decimal money), the agent's
keyset list and the report queries, on both dialects."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import DistributiveStatus, MovementKind, SystemKind
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.distributives import (
    catalogue,
    kits,
    movements,
    reports,
    search,
    terms,
)
from vostok_desktop.services.distributives.common import MovementRefused

S = DistributiveStatus
K = MovementKind


def test_catalogue_crud_and_its_refusals(rig: Rig) -> None:
    listed = catalogue.list_systems(rig.base)
    assert [(s.code, s.kind, s.network_size, s.distributives) for s in listed] == [
        ("КП-ПРОФ", SystemKind.LOCAL, 1, 0), ("КП-СЕТЬ", SystemKind.NETWORK, 10, 0)]
    rig.receive("150001")
    prof = next(s for s in catalogue.list_systems(rig.base) if s.code == "КП-ПРОФ")
    assert prof.distributives == 1
    with pytest.raises(MovementRefused, match="с кодом «КП-СЕТЬ» уже есть"):
        catalogue.create_system(rig.base, catalogue.SystemData("КП-СЕТЬ", "Дубль"), None)
    with pytest.raises(MovementRefused, match="не указано название"):
        catalogue.create_system(rig.base, catalogue.SystemData("КП-НОВ", "  "), None)
    with pytest.raises(MovementRefused, match="размер сети"):
        catalogue.create_system(rig.base, catalogue.SystemData("КП-НОВ", "Новая",
                                                               network_size=0), None)
    prof.title, prof.is_active = "КонсультантПлюс: Версия Проф (архив)", False
    catalogue.update_system(rig.base, prof.id, prof, None)
    assert catalogue.list_systems(rig.base, active_only=True)[0].code == "КП-СЕТЬ"
    with pytest.raises(MovementRefused, match="изменил другой пользователь"):
        catalogue.update_system(rig.base, prof.id, prof, None)  # read at the old version
    with pytest.raises(MovementRefused, match="нельзя удалить: есть её дистрибутивы"):
        catalogue.delete_system(rig.base, prof.id, None)
    catalogue.delete_system(rig.base, rig.systems["net"], None)
    assert [s.code for s in catalogue.list_systems(rig.base)] == ["КП-ПРОФ"]


def test_terms_with_clear_refusals_and_no_lost_update(rig: Rig) -> None:
    [d] = rig.receive("160001")
    eng = rig.employees["engineer"]
    movements.connect(rig.base, d, rig.clients["romashka"], date(2024, 1, 1), eng,
                      today=TODAY)
    t, version = terms.read_terms(rig.base, d)
    # Prices and discounts are dated now (services/money/distributive_terms.py, tested in
    # tests/services/money/test_distributive_terms.py): «Условия» refuses them by name.
    t.fixed_price = "12 345,67"
    with pytest.raises(MovementRefused, match="цену и скидку задают по датам"):
        terms.save_terms(rig.base, d, t, version, eng)
    t.fixed_price, t.engineer_id, t.series = None, eng, "  2026  "
    version = terms.save_terms(rig.base, d, t, version, eng)
    saved, _ = terms.read_terms(rig.base, d)
    assert (saved.engineer_id, saved.series, saved.fixed_price) == (eng, "2026", None)
    t.series = "2027"
    terms.save_terms(rig.base, d, t, version, eng)
    with pytest.raises(CardConflict):
        terms.save_terms(rig.base, d, t, version, eng)  # the old version again
    [free] = rig.receive("160002")
    t2, v2 = terms.read_terms(rig.base, free)
    t2.engineer_id = eng
    with pytest.raises(MovementRefused, match="на складе: сервисного инженера"):
        terms.save_terms(rig.base, free, t2, v2, eng)


def test_ask_expert_on_and_off_for_selected_clients(rig: Rig) -> None:
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    a = kits.create_kit(rig.base, kits.KitData(romashka, "Офис"), None)
    b = kits.create_kit(rig.base, kits.KitData(romashka, "Филиал", ask_expert=True), None)
    c = kits.create_kit(rig.base, kits.KitData(vasilek, "Офис"), None)
    assert sorted(kits.set_ask_expert_for_clients(rig.base, [romashka, vasilek], True,
                                                  None)) == sorted([a, c])
    assert all(k.ask_expert for k in kits.list_kits(rig.base, romashka))
    assert kits.set_ask_expert(rig.base, [b], False, None) == [b]
    with pytest.raises(MovementRefused, match="подразделение — не этого клиента"):
        kits.create_kit(rig.base, kits.KitData(vasilek, "Чужое", division_id=rig.division),
                        None)
    [kit] = [k for k in kits.list_kits(rig.base, romashka) if k.id == a]
    kit.title, kit.address = "Главный офис", "Новосибирск"
    kits.update_kit(rig.base, a, kit, None)
    with pytest.raises(CardConflict):
        kits.update_kit(rig.base, a, kit, None)
    assert [k.title for k in kits.list_kits(rig.base, romashka)] == ["Главный офис", "Филиал"]


def test_the_agents_keyset_list_pages_filters_and_searches_by_number(rig: Rig) -> None:
    numbers = [f"17{n:04d}" for n in range(25)] + ["180001", "180002"]
    ids = rig.receive(*numbers)
    eng, romashka = rig.employees["engineer"], rig.clients["romashka"]
    for d in ids[:5]:
        movements.connect(rig.base, d, romashka, date(2024, 1, 1), eng, engineer_id=eng,
                          today=TODAY)
    source = search.DistributiveSearch(rig.base)
    everything = search.DistributiveQuery()
    seen, key = [], None
    while page := source.page_after(everything, key, 10):
        seen += [r["number"] for r in page]
        key = page[-1]["_key"]
    assert seen == sorted(numbers)
    assert source.count(everything) == 27
    anchors = source.anchors(everything, 10)
    assert [a[0] for a in anchors] == [seen[0], seen[10], seen[20]]
    assert [r["number"] for r in source.rows_from(everything, anchors[1], 2)] == seen[10:12]
    prefix = search.DistributiveQuery(text="18")
    assert [r["number"] for r in source.page_after(prefix, None)] == ["180001", "180002"]
    served = search.DistributiveQuery(statuses=(S.SERVED,), engineer_id=eng)
    rows = source.page_after(served, None)
    assert [r["number"] for r in rows] == numbers[:5]
    assert rows[0]["client_name"] == "Ромашка" and rows[0]["status"] is S.SERVED
    assert source.count(search.DistributiveQuery(client_id=romashka)) == 5
    assert [r["id"] for r in source.rows_by_ids(everything, ids[:2])] == ids[:2]
    with rig.base.engine.connect() as conn:
        assert search.status_counts(conn) == {S.SERVED: 5, S.IN_STOCK: 22}


def test_balance_by_month_and_movements_of_a_period(rig: Rig) -> None:
    a, b, c = rig.receive("190001", "190002", "190003", on=date(2023, 1, 1))
    eng, romashka, vasilek = (rig.employees["engineer"], rig.clients["romashka"],
                              rig.clients["vasilek"])
    movements.connect(rig.base, a, romashka, date(2023, 1, 5), eng, today=TODAY)
    movements.connect(rig.base, b, romashka, date(2023, 1, 20), eng, today=TODAY)
    movements.transfer(rig.base, b, vasilek, date(2023, 2, 2), eng, today=TODAY)
    movements.disconnect(rig.base, a, date(2023, 3, 3), eng, today=TODAY)
    movements.connect(rig.base, c, vasilek, date(2023, 3, 9), eng, today=TODAY)
    movements.disconnect(rig.base, c, date(2023, 3, 30), eng, today=TODAY)
    balance = reports.balance_by_month(rig.base, date(2023, 1, 1), date(2023, 12, 31))
    assert [(r.year, r.month, r.connected, r.disconnected, r.balance) for r in balance] == [
        (2023, 1, 2, 0, 2), (2023, 3, 1, 2, -1)]
    period = reports.movements_between(rig.base, date(2023, 2, 1), date(2023, 3, 31))
    assert [m.kind for m in period] == [K.TRANSFER, K.DISCONNECT, K.CONNECT, K.DISCONNECT]
    theirs = reports.movements_between(rig.base, date(2023, 1, 1), date(2023, 12, 31),
                                       client_id=vasilek, kinds=[K.CONNECT, K.TRANSFER])
    assert [m.number for m in theirs] == ["190002", "190003"]
    assert [d.number for d in reports.client_distributives_report(rig.base)] == ["190002"]
