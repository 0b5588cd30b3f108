"""Price lists on both dialects: items with validation in Russian, the copy with a new
date and raised prices, the lookup by network size and date, deletion, the comparison,
the export table, and the right «Прейскуранты»."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import Rig
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.money import Company, MoneyDocument, TaxMode
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.budget import valid_price_list
from vostok_desktop.services.money.prices import PriceItemData

rig = _rig_fixtures.rig  # the fixture of the distributive tests
D = Decimal


def _items(rig: Rig) -> list[PriceItemData]:
    prof, net = rig.systems["prof"], rig.systems["net"]
    return [PriceItemData(prof, 1, D("5000")), PriceItemData(net, 1, D("9000")),
            PriceItemData(net, 3, D("12000.50")), PriceItemData(net, 10, D("20000")),
            PriceItemData(None, service="Выезд специалиста", unit="час", price=D("1500"))]


def test_create_lookup_by_size_and_date_and_copy(rig: Rig) -> None:
    old = prices.create_price_list(rig.base, "Прейскурант 2025", date(2025, 1, 1), None,
                                   items=_items(rig))
    new = prices.copy_price_list(rig.base, old, "Прейскурант 2026", date(2026, 1, 1), None,
                                 raise_percent=D("7.5"))
    rows = prices.list_price_lists(rig.base)
    assert [(r.name, r.valid_from, r.items) for r in rows] == [
        ("Прейскурант 2026", date(2026, 1, 1), 5), ("Прейскурант 2025", date(2025, 1, 1), 5)]
    items = {(i.system_code or i.service, i.min_network_size): i.price
             for i in prices.price_list_items(rig.base, new)}
    # 12000.50 * 1.075 = 12900.5375 → 12900.54 (half up to kopecks)
    assert items[("КП-СЕТЬ", 3)] == D("12900.54")
    assert items[("КП-ПРОФ", 1)] == D("5375.00")
    assert items[("Выезд специалиста", 1)] == D("1612.50")

    with rig.base.sessions() as s:
        assert valid_price_list(s, date(2024, 12, 31)) is None
        assert valid_price_list(s, date(2025, 12, 31)).id == old
        assert valid_price_list(s, date(2026, 1, 1)).id == new

    comparison = prices.compare_price_lists(rig.base, old, new)
    row = next(r for r in comparison if r.system_code == "КП-СЕТЬ" and r.min_network_size == 3)
    assert (row.price_a, row.price_b, row.difference, row.difference_percent) == (
        D("12000.50"), D("12900.54"), D("900.04"), D("7.50"))
    assert prices.difference_text(row) == ("+900,04", "+7,5 %")
    table = prices.comparison_table(rig.base, old, new)
    assert len(table.rows) == 5 and table.columns[-1] == "Разница, %"
    export = prices.price_list_table(rig.base, new)
    assert export.title == "Прейскурант «Прейскурант 2026»"
    assert export.rows[-1][1:] == ("Выезд специалиста", None, "час", D("1612.50"))


@pytest.mark.parametrize(("bad", "message"), [
    (PriceItemData(None, price=D("-1"), service="Выезд"), "цена не может быть отрицательной"),
    (PriceItemData(None, price=D("10"), service=" "), "не указана система или название"),
    ("duplicate", "цена указана дважды"),
])
def test_validation_messages(rig: Rig, bad: object, message: str) -> None:
    list_id = prices.create_price_list(rig.base, "Основной", date(2026, 1, 1), None,
                                       items=_items(rig))
    items = _items(rig)
    items.append(PriceItemData(rig.systems["net"], 3, D("1")) if bad == "duplicate" else bad)
    version = prices.price_list(rig.base, list_id).version
    with pytest.raises(MovementRefused, match=message):
        prices.save_price_list(rig.base, list_id, "Основной", date(2026, 1, 1), items, None,
                               version=version)
    # Nothing half-written: the list keeps its five items and its version.
    assert prices.price_list(rig.base, list_id).items == 5
    assert prices.price_list(rig.base, list_id).version == version
    with pytest.raises(MovementRefused, match="Не указано название прейскуранта"):
        prices.create_price_list(rig.base, "  ", date(2026, 1, 1), None)


def test_save_replaces_items_and_checks_version(rig: Rig) -> None:
    list_id = prices.create_price_list(rig.base, "Основной", date(2026, 1, 1), None,
                                       items=_items(rig))
    row = prices.price_list(rig.base, list_id)
    items = prices.price_list_items(rig.base, list_id)[:2]
    items[0].price = D("5100")
    version = prices.save_price_list(rig.base, list_id, "Основной 2026", date(2026, 2, 1),
                                     items, None, version=row.version)
    assert version == row.version + 1
    saved = prices.price_list_items(rig.base, list_id)
    assert [(i.system_code, i.price) for i in saved] == [("КП-ПРОФ", D("5100.00")),
                                                        ("КП-СЕТЬ", D("9000.00"))]
    with pytest.raises(MovementRefused, match="уже изменил другой пользователь"):
        prices.save_price_list(rig.base, list_id, "X", date(2026, 2, 1), items, None,
                               version=row.version)


def test_delete_only_when_no_document_used_it(rig: Rig) -> None:
    used = prices.create_price_list(rig.base, "Старый", date(2025, 1, 1), None,
                                    items=_items(rig))
    unused = prices.create_price_list(rig.base, "Черновик", date(2027, 1, 1), None)
    with rig.base.sessions() as s, s.begin():
        company = Company(name="ООО «РИЦ»", tax_mode=TaxMode.USN)
        s.add(company)
        s.flush()
        s.add(MoneyDocument(company_id=company.id, client_id=rig.clients["romashka"],
                            kind="invoice", year=2025, number=1, number_text="С-1",
                            issued_on=date(2025, 3, 1), tax_mode=TaxMode.USN,
                            vat_rate=D(0), net=D(100), vat=D(0), total=D(100)))
    with pytest.raises(MovementRefused, match="«Старый» нельзя удалить"):
        prices.delete_price_list(rig.base, used, None)
    prices.delete_price_list(rig.base, unused, None)
    assert [r.name for r in prices.list_price_lists(rig.base)] == ["Старый"]


def test_rights_refused(rig: Rig) -> None:
    nobody = AccessProfile(frozenset(), Visibility.ALL, "operator")
    with pytest.raises(AccessDenied, match="Прейскуранты"):
        prices.create_price_list(rig.base, "Новый", date(2026, 1, 1), None, profile=nobody)
    assert prices.list_price_lists(rig.base) == []
    allowed = AccessProfile(frozenset({"money.prices"}), Visibility.ALL, "head")
    assert prices.create_price_list(rig.base, "Новый", date(2026, 1, 1), None,
                                    profile=allowed)
