"""«Загрузить из Excel…» of price lists on both dialects: what «В Excel…» writes loads
back as the same list (new or over a chosen one), and a broken file — a missing column,
a price «12,3,4», an unknown system code, a doubled line — loads nothing and names the
row and the column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import Rig
from vostok_desktop.domain.access import Visibility
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives.reports import write_xlsx
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.price_import import PriceImportError, import_price_list
from vostok_desktop.services.money.prices import PriceItemData

rig = _rig_fixtures.rig
D = Decimal
HEADER = ["Код", "Система / услуга", "Сеть от", "Ед.", "Цена, ₽"]


def _items(rig: Rig) -> list[PriceItemData]:
    prof, net = rig.systems["prof"], rig.systems["net"]
    return [PriceItemData(prof, 1, D("5000")), PriceItemData(net, 1, D("9000")),
            PriceItemData(net, 3, D("12000.50")),
            PriceItemData(None, service="Выезд специалиста", unit="час", price=D("1500"))]


def _seen(base, list_id: int) -> list[tuple]:  # noqa: ANN001
    return [(i.system_code, i.service, i.min_network_size, i.unit, i.price)
            for i in prices.price_list_items(base, list_id)]


def _sheet(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_export_then_import_round_trips(rig: Rig, tmp_path: Path) -> None:
    source = prices.create_price_list(rig.base, "Прейскурант 2026", date(2026, 1, 1), None,
                                      items=_items(rig))
    exported = write_xlsx(prices.price_list_table(rig.base, source), tmp_path / "p.xlsx")

    result = import_price_list(rig.base, exported, None)
    assert result.created and result.items == 4
    # The export's title and «Действует с» name and date the new list.
    row = prices.price_list(rig.base, result.list_id)
    assert (row.name, row.valid_from) == ("Прейскурант 2026", date(2026, 1, 1))
    assert _seen(rig.base, result.list_id) == _seen(rig.base, source)
    assert ("КП-СЕТЬ", "", 3, "мес.", D("12000.50")) in _seen(rig.base, result.list_id)

    # Into a chosen list: its lines are replaced, its name and date stay.
    other = prices.create_price_list(rig.base, "Черновик", date(2027, 1, 1), None,
                                     items=[PriceItemData(rig.systems["prof"], 1, D("1"))])
    again = import_price_list(rig.base, exported, None, list_id=other)
    assert not again.created and again.name == "Черновик"
    assert _seen(rig.base, other) == _seen(rig.base, source)
    assert prices.price_list(rig.base, other).valid_from == date(2027, 1, 1)


def test_a_hand_made_sheet_with_other_header_names(rig: Rig, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "hand.xlsx", [
        ["Код системы", "Сетевой размер от", "Цена"],
        ["кп-проф", None, "5 100,50"],
        ["КП-СЕТЬ", 3, 12500],
        [None, None, None],
        ["КП-СЕТЬ", "10", "20000.00 ₽"],
    ])
    result = import_price_list(rig.base, path, None, name="С 1 марта",
                               valid_from=date(2026, 3, 1))
    assert prices.price_list(rig.base, result.list_id).name == "С 1 марта"
    assert _seen(rig.base, result.list_id) == [
        ("КП-ПРОФ", "", 1, "мес.", D("5100.50")), ("КП-СЕТЬ", "", 3, "мес.", D("12500.00")),
        ("КП-СЕТЬ", "", 10, "мес.", D("20000.00"))]


@pytest.mark.parametrize(("rows", "message"), [
    ([["Код", "Система / услуга", "Сеть от"], ["КП-ПРОФ", "", 1]],
     "не найдена строка заголовков: нужны столбцы «Код», «Система / услуга», «Сеть от», "
     "«Ед.», «Цена»"),
    ([HEADER, ["КП-ПРОФ", "", 1, "мес.", "5000"], ["КП-СЕТЬ", "", 1, "мес.", "12,3,4"]],
     "Строка 3, столбец «Цена»: «12,3,4» — не число"),
    ([HEADER, ["КП-ПРОФ", "", 1, "мес.", 5000], ["КП-НЕТ", "", 1, "мес.", 100]],
     "Строка 3, столбец «Код»: системы с кодом «КП-НЕТ» нет в каталоге"),
    ([HEADER, ["КП-ПРОФ", "", "два", "мес.", 5000]],
     "Строка 2, столбец «Сеть от»: «два» — не целое число"),
    ([HEADER, ["КП-ПРОФ", "", 1, "мес.", None]], "Строка 2, столбец «Цена»: не указана цена"),
    ([HEADER, ["КП-ПРОФ", "", 1, "мес.", -5]],
     "Строка 2, столбец «Цена»: цена не может быть отрицательной"),
    ([HEADER, ["КП-ПРОФ", "", 1, "мес.", 5], [None, "Выезд", None, "час", 1],
      ["кп-проф", "", 1, "мес.", 6]],
     "Строки 2 и 4: система «кп-проф» с сетью от 1 указана дважды"),
    ([HEADER, [None, None, 1, "мес.", 5]],
     "Строка 2, столбец «Код»: не указан код системы (или название услуги"),
])
def test_a_broken_file_imports_nothing(rig: Rig, tmp_path: Path, rows: list,
                                       message: str) -> None:
    chosen = prices.create_price_list(rig.base, "Действующий", date(2026, 1, 1), None,
                                      items=_items(rig))
    before = _seen(rig.base, chosen)
    path = _sheet(tmp_path / "broken.xlsx", rows)
    with pytest.raises(PriceImportError) as refused:
        import_price_list(rig.base, path, None)
    assert message in str(refused.value)
    with pytest.raises(PriceImportError):
        import_price_list(rig.base, path, None, list_id=chosen)
    assert [r.id for r in prices.list_price_lists(rig.base)] == [chosen]
    assert _seen(rig.base, chosen) == before


def test_not_an_excel_file_and_no_right(rig: Rig, tmp_path: Path) -> None:
    junk = tmp_path / "цены.xlsx"
    junk.write_text("не книга", encoding="utf-8")
    with pytest.raises(PriceImportError, match="Файл «цены.xlsx» не открывается как книга"):
        import_price_list(rig.base, junk, None)
    good = _sheet(tmp_path / "good.xlsx", [HEADER, ["КП-ПРОФ", "", 1, "мес.", 5000]])
    viewer = AccessProfile(frozenset(), Visibility.ALL, "operator")
    with pytest.raises(AccessDenied):
        import_price_list(rig.base, good, None, profile=viewer)
    assert prices.list_price_lists(rig.base) == []
