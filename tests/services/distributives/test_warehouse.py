"""The warehouse on both dialects: receipt (all lines or none), stock, reservations for a
client or an employee, demo copies and their overdue returns."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import Distributive, DistributiveStatus, MovementKind, SystemKind
from vostok_desktop.services.distributives import catalogue, movements, state, warehouse
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.distributives.warehouse import ReceiptLine

S = DistributiveStatus
K = MovementKind


def test_receipt_takes_the_systems_defaults_and_writes_a_movement(rig: Rig) -> None:
    ids = warehouse.receive(rig.base, [
        ReceiptLine(" 11 0001 ", rig.systems["net"]),
        ReceiptLine("110002", rig.systems["net"], kind=SystemKind.FLASH, series="ЛСВ",
                    network_size=3, notes="Из партии КЦ"),
    ], date(2024, 5, 6), rig.employees["keeper"], note="Накладная 17", today=TODAY)
    first, second = (rig.row(i) for i in ids)
    assert (first.number, first.kind, first.series, first.network_size, first.status,
            first.client_id) == ("110001", SystemKind.NETWORK, "СВ", 10, S.IN_STOCK, None)
    assert (second.kind, second.series, second.network_size, second.notes) == \
        (SystemKind.FLASH, "ЛСВ", 3, "Из партии КЦ")
    [receipt] = state.distributive_history(rig.base, ids[0])
    assert (receipt.kind, receipt.moved_on, receipt.note, receipt.employee_name) == \
        (K.RECEIPT, date(2024, 5, 6), "Накладная 17", "Кладовщикова Клара")
    assert [s.in_stock for s in warehouse.stock_summary(rig.base)] == [2]


@pytest.mark.parametrize(("lines", "message"), [
    ([("120001", "prof"), ("120001", "prof")], "Дистрибутив № 120001 указан дважды"),
    ([("120002", "prof"), ("", "prof")], "Не указан номер дистрибутива"),
    ([("120003", "prof"), ("9" * 31, "prof")], "номер длиннее 30 знаков"),
    ([("120004", "prof"), ("100001", "prof")], "Дистрибутив № 100001 уже есть в базе"),
    ([("120005", "prof"), ("120006", "missing")], "Дистрибутив № 120006: система не найдена"),
    ([("120007", "old")], "Дистрибутив № 120007: система «Снятая» снята с продажи"),
])
def test_a_bad_receipt_line_is_named_and_nothing_is_received(rig: Rig, lines, message) -> None:
    rig.receive("100001")
    old = catalogue.create_system(rig.base, catalogue.SystemData(
        "СНЯТ", "Снятая", is_active=False), None)
    systems = {**rig.systems, "old": old, "missing": 999999}
    before = rig.footprint()
    with pytest.raises(MovementRefused, match=message):
        warehouse.receive(rig.base, [ReceiptLine(n, systems[s]) for n, s in lines],
                          date(2024, 1, 1), None, today=TODAY)
    assert rig.footprint() == before
    with pytest.raises(MovementRefused, match="позже сегодняшней"):
        warehouse.receive(rig.base, [ReceiptLine("120008", rig.systems["prof"])],
                          date(2026, 3, 11), None, today=TODAY)


def test_reservations_for_a_client_and_for_an_employee(rig: Rig) -> None:
    for_client, for_engineer, free = rig.receive("130001", "130002", "130003")
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    eng, keeper = rig.employees["engineer"], rig.employees["keeper"]
    day = date(2024, 2, 1)
    warehouse.reserve(rig.base, for_client, day, keeper, client_id=romashka, today=TODAY)
    warehouse.reserve(rig.base, for_engineer, day, keeper, for_employee_id=eng, today=TODAY)
    assert [r.number for r in warehouse.reservations(rig.base)] == ["130001", "130002"]
    [mine] = warehouse.reservations(rig.base, client_id=romashka)
    assert (mine.number, mine.reserved_for_client_name) == ("130001", "Ромашка")
    [his] = warehouse.reservations(rig.base, employee_id=eng)
    assert his.reserved_for_employee_name == "Инженеров Иван"
    page = state.client_distributives(rig.base, romashka)
    assert [d.number for d in page.reserved] == ["130001"] and page.current == []
    assert [h.description for h in page.history] == ["Резервирование за клиентом «Ромашка»"]
    assert [s.number for s in warehouse.stock(rig.base, include_reserved=False)] == ["130003"]
    # An engineer's reservation goes to whichever client he installs it at.
    movements.connect(rig.base, for_engineer, vasilek, day, eng, today=TODAY)
    row = rig.row(for_engineer)
    assert (row.status, row.reserved_for_employee_id) == (S.SERVED, None)
    # A client's reservation goes only to that client, or back to stock.
    with pytest.raises(MovementRefused, match="зарезервирован за клиентом «Ромашка»"):
        movements.connect(rig.base, for_client, vasilek, day, eng, today=TODAY)
    movements.connect(rig.base, for_client, romashka, day, eng, today=TODAY)
    warehouse.reserve(rig.base, free, day, keeper, client_id=vasilek, today=TODAY)
    warehouse.unreserve(rig.base, free, day, keeper, today=TODAY)
    assert (rig.row(free).status, rig.row(free).reserved_for_client_id) == (S.IN_STOCK, None)
    history = state.client_distributives(rig.base, vasilek).history
    assert [h.kind for h in history][:2] == [K.UNRESERVE, K.RESERVE]


def test_demo_copies_due_and_overdue_for_return(rig: Rig) -> None:
    late, soon, later, bought = rig.receive("140001", "140002", "140003", "140004")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    issued = date(2026, 1, 10)
    for d, until in ((late, date(2026, 3, 1)), (soon, date(2026, 3, 12)),
                     (later, date(2026, 6, 1)), (bought, date(2026, 2, 1))):
        warehouse.issue_demo(rig.base, d, romashka, issued, until, eng, engineer_id=eng,
                             today=TODAY)
    movements.connect(rig.base, bought, romashka, date(2026, 1, 20), eng, today=TODAY)
    overdue = warehouse.overdue_demos(rig.base, TODAY)
    assert [(o.distributive.number, o.days_overdue) for o in overdue] == [("140001", 9)]
    due = warehouse.demos_due(rig.base, TODAY, within_days=7, engineer_id=eng)
    assert [(o.distributive.number, o.days_overdue) for o in due] == [("140001", 9),
                                                                       ("140002", -2)]
    warehouse.return_to_stock(rig.base, late, TODAY, eng, today=TODAY)
    row = rig.row(late)
    assert (row.status, row.client_id, row.demo_until, row.engineer_id) == \
        (S.IN_STOCK, None, None, None)
    assert warehouse.overdue_demos(rig.base, TODAY) == []
    assert rig.row(bought).demo_until is None and rig.row(bought).status is S.SERVED
    with rig.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Distributive)
                        .where(Distributive.status == S.DEMO)) == 2
