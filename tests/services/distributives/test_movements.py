"""Movements of distributives on both dialects: the flows, every refusal (named, and
nothing half-applied), one transaction for a batch, optimistic locking, dates, and the
change log each movement leaves."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import (
    ChangeLog,
    DistributiveMovement,
    DistributiveStatus,
    MovementKind,
)
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.distributives import kits, movements, state, warehouse
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.distributives.movements import MovementRequest

S = DistributiveStatus
K = MovementKind
D1, D2, D3 = date(2021, 2, 1), date(2021, 6, 15), date(2022, 1, 20)


def _movements(rig: Rig, distributive_id: int) -> list[DistributiveMovement]:
    with rig.base.sessions() as s:
        return list(s.scalars(select(DistributiveMovement)
                              .where(DistributiveMovement.distributive_id == distributive_id)
                              .order_by(DistributiveMovement.id)))


def test_connect_disconnect_transfer_and_the_card_page(rig: Rig) -> None:
    [d] = rig.receive("100001")
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    eng, keeper = rig.employees["engineer"], rig.employees["keeper"]

    done = movements.connect(rig.base, d, romashka, D1, eng, engineer_id=eng,
                             note="Установлен у главбуха", today=TODAY)
    assert (done.kind, done.status_after, done.client_id) == (K.CONNECT, S.SERVED, romashka)
    row = rig.row(d)
    assert (row.status, row.client_id, row.engineer_id, row.status_since) == \
        (S.SERVED, romashka, eng, D1)

    movements.disconnect(rig.base, d, D2, eng, today=TODAY)
    assert (rig.row(d).status, rig.row(d).client_id) == (S.DISCONNECTED, romashka)
    movements.connect(rig.base, d, romashka, D2, eng, today=TODAY)  # reconnected
    movements.transfer(rig.base, d, vasilek, D3, keeper, today=TODAY)
    row = rig.row(d)
    assert (row.status, row.client_id, row.status_since, row.engineer_id) == \
        (S.SERVED, vasilek, D3, eng)

    kinds = [(m.kind, m.from_client_id, m.to_client_id, m.status_after)
             for m in _movements(rig, d)]
    assert kinds == [(K.RECEIPT, None, None, S.IN_STOCK),
                     (K.CONNECT, None, romashka, S.SERVED),
                     (K.DISCONNECT, romashka, romashka, S.DISCONNECTED),
                     (K.CONNECT, romashka, romashka, S.SERVED),
                     (K.TRANSFER, romashka, vasilek, S.SERVED)]
    assert [m.employee_id for m in _movements(rig, d)] == [keeper, eng, eng, eng, keeper]

    # The card pages: the old client keeps the history, the new one has the distributive.
    old = state.client_distributives(rig.base, romashka)
    assert old.current == [] and old.served_count == 0
    assert [(h.kind, h.moved_on) for h in old.history] == [
        (K.TRANSFER, D3), (K.CONNECT, D2), (K.DISCONNECT, D2), (K.CONNECT, D1)]
    assert old.history[0].description == "Передача прав: Ромашка → Василёк"
    assert old.history[-1].note == "Установлен у главбуха"
    assert old.history[-1].employee_name == "Инженеров Иван"
    new = state.client_distributives(rig.base, vasilek)
    [current] = new.current
    assert (current.number, current.status_title, current.system_code, current.client_name,
            current.engineer_name) == ("100001", "На обслуживании", "КП-ПРОФ", "Василёк",
                                       "Инженеров Иван")
    assert [h.kind for h in new.history] == [K.TRANSFER]
    assert [h.kind for h in state.distributive_history(rig.base, d)][0] is K.TRANSFER


def test_replacement_puts_the_new_distributive_in_the_old_ones_place(rig: Rig) -> None:
    old, new = rig.receive("200001", "200002")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    kit = kits.create_kit(rig.base, kits.KitData(romashka, "Главный офис", rig.division,
                                                 "Новосибирск, Красный пр., 1"), eng)
    movements.connect(rig.base, old, romashka, D1, eng, kit_id=kit, engineer_id=eng,
                      today=TODAY)
    from vostok_desktop.services.distributives import terms

    t, version = terms.read_terms(rig.base, old)
    t.series = "2026"
    terms.save_terms(rig.base, old, t, version, eng)
    done = movements.replace(rig.base, old, new, D2, eng, note="МЗ на сетевую", today=TODAY)
    assert [(m.distributive_id, m.status_after) for m in done] == \
        [(old, S.DISCONNECTED), (new, S.SERVED)]
    o, n = rig.row(old), rig.row(new)
    assert (o.status, o.client_id, o.kit_id) == (S.DISCONNECTED, romashka, kit)
    assert (n.status, n.client_id, n.kit_id, n.engineer_id) == (S.SERVED, romashka, kit, eng)
    pair = {m.distributive_id: m.replacement_id
            for m in _movements(rig, old) + _movements(rig, new) if m.kind is K.REPLACE}
    assert pair == {old: new, new: old}
    history = state.client_distributives(rig.base, romashka).history
    assert {h.description for h in history if h.kind is K.REPLACE} == {
        "Замена: заменён на № 200002", "Замена: установлен вместо № 200001"}


def test_kit_add_and_kits_on_the_card(rig: Rig) -> None:
    [d] = rig.receive("300001")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    office = kits.create_kit(rig.base, kits.KitData(romashka, "Офис"), eng)
    store = kits.create_kit(rig.base, kits.KitData(romashka, "Склад клиента"), eng)
    other = kits.create_kit(rig.base, kits.KitData(rig.clients["vasilek"], "Чужой"), eng)
    movements.connect(rig.base, d, romashka, D1, eng, kit_id=office, today=TODAY)
    movements.add_to_kit(rig.base, d, store, D2, eng, today=TODAY)
    assert rig.row(d).kit_id == store
    page = state.client_distributives(rig.base, romashka)
    assert [(k.title, k.distributives) for k in page.kits] == [("Офис", 0),
                                                              ("Склад клиента", 1)]
    assert page.current[0].kit_title == "Склад клиента"
    with pytest.raises(MovementRefused, match="уже в комплекте «Склад клиента»"):
        movements.add_to_kit(rig.base, d, store, D3, eng, today=TODAY)
    with pytest.raises(MovementRefused, match="комплект «Чужой» — не этого клиента"):
        movements.add_to_kit(rig.base, d, other, D3, eng, today=TODAY)
    with pytest.raises(MovementRefused, match="есть дистрибутивы"):
        kits.delete_kit(rig.base, store, eng)
    with pytest.raises(MovementRefused, match="упоминается в истории"):
        kits.delete_kit(rig.base, office, eng)
    kits.delete_kit(rig.base, other, eng)
    assert [k.title for k in kits.list_kits(rig.base, rig.clients["vasilek"])] == []


def _refusal_cases(rig: Rig) -> list[tuple[MovementRequest, str]]:
    """(request, the message it is refused with) over a prepared warehouse and clients."""
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    eng = rig.employees["engineer"]
    stock, served, off, reserved, demo, spare = rig.receive(
        "400001", "400002", "400003", "400004", "400005", "400006")
    movements.connect(rig.base, served, romashka, D1, eng, today=TODAY)
    movements.connect(rig.base, off, romashka, D1, eng, today=TODAY)
    movements.disconnect(rig.base, off, D1, eng, today=TODAY)
    warehouse.reserve(rig.base, reserved, D1, eng, client_id=vasilek, today=TODAY)
    warehouse.issue_demo(rig.base, demo, vasilek, D1, date(2021, 3, 1), eng, today=TODAY)
    foreign_kit = kits.create_kit(rig.base, kits.KitData(vasilek, "Филиал"), eng)
    R = MovementRequest
    return [
        (R(K.DISCONNECT, stock, D2), "Дистрибутив № 400001 не подключён: он на складе"),
        (R(K.DISCONNECT, off, D2), "Дистрибутив № 400003 уже отключён"),
        (R(K.DISCONNECT, demo, D2), "Дистрибутив № 400005 ознакомительный: его не "
                                    "отключают, а возвращают на склад"),
        (R(K.DISCONNECT, reserved, D2), "Дистрибутив № 400004 не подключён: он "
                                        "зарезервирован за клиентом «Василёк»"),
        (R(K.TRANSFER, served, D2, to_client_id=romashka),
         "Дистрибутив № 400002 уже у этого клиента: передать права тому же клиенту нельзя"),
        (R(K.TRANSFER, stock, D2, to_client_id=romashka),
         "Дистрибутив № 400001: права передают только на подключённый дистрибутив, а он "
         "на складе"),
        (R(K.TRANSFER, served, D2), "Дистрибутив № 400002: не выбран клиент, которому "
                                    "передаются права"),
        (R(K.TRANSFER, served, D2, to_client_id=999999),
         "Дистрибутив № 400002: клиент не найден"),
        (R(K.CONNECT, served, D2, to_client_id=romashka),
         "Дистрибутив № 400002 уже подключён у этого клиента"),
        (R(K.CONNECT, served, D2, to_client_id=vasilek),
         "Дистрибутив № 400002 подключён у клиента «Ромашка»: сначала отключите его или "
         "оформите передачу прав"),
        (R(K.CONNECT, off, D2, to_client_id=vasilek),
         "Дистрибутив № 400003: он отключён у клиента «Ромашка»; подключить его другому "
         "клиенту можно после возврата на склад"),
        (R(K.CONNECT, reserved, D2, to_client_id=romashka),
         "Дистрибутив № 400004 зарезервирован за клиентом «Василёк»: сначала снимите резерв"),
        (R(K.CONNECT, stock, D2, to_client_id=romashka, to_kit_id=foreign_kit),
         "Дистрибутив № 400001: комплект «Филиал» — не этого клиента"),
        (R(K.RESERVE, reserved, D2, to_client_id=romashka),
         "Дистрибутив № 400004 уже зарезервирован за клиентом «Василёк»"),
        (R(K.RESERVE, served, D2, to_client_id=romashka),
         "Дистрибутив № 400002: зарезервировать можно только дистрибутив на складе, а он "
         "на обслуживании у клиента «Ромашка»"),
        (R(K.RESERVE, stock, D2), "Дистрибутив № 400001: не указано, за кем его "
                                  "резервировать"),
        (R(K.UNRESERVE, stock, D2), "Дистрибутив № 400001 не зарезервирован: он на складе"),
        (R(K.DEMO_ISSUE, stock, D2, to_client_id=romashka, demo_until=D2),
         "Дистрибутив № 400001: срок возврата ознакомительного дистрибутива должен быть "
         "позже даты выдачи"),
        (R(K.DEMO_ISSUE, served, D2, to_client_id=vasilek, demo_until=D3),
         "Дистрибутив № 400002: выдать на ознакомление можно только дистрибутив со склада, "
         "а он на обслуживании у клиента «Ромашка»"),
        (R(K.STOCK_RETURN, served, D2), "Дистрибутив № 400002 на обслуживании у клиента "
                                        "«Ромашка»: сначала отключите его"),
        (R(K.STOCK_RETURN, stock, D2), "Дистрибутив № 400001 уже на складе"),
        (R(K.REPLACE, served, D2, replacement_id=served),
         "Дистрибутив № 400002 не может заменить сам себя"),
        (R(K.REPLACE, served, D2, replacement_id=off),
         "Дистрибутив № 400003: поставить на замену можно только дистрибутив со склада, а "
         "он отключён у клиента «Ромашка»"),
        (R(K.REPLACE, served, D2, replacement_id=reserved),
         "Дистрибутив № 400004 зарезервирован за клиентом «Василёк»: сначала снимите резерв"),
        (R(K.REPLACE, stock, D2, replacement_id=spare),
         "Дистрибутив № 400001: заменить можно только подключённый дистрибутив, а он на "
         "складе"),
        (R(K.KIT_ADD, stock, D2, to_kit_id=foreign_kit),
         "Дистрибутив № 400001: в комплект включают дистрибутив у клиента, а он на складе"),
        (R(K.DISCONNECT, served, date(2020, 12, 31)),
         "Дистрибутив № 400002: дата движения 31.12.2020 раньше его последнего движения "
         "(01.02.2021)"),
        (R(K.DISCONNECT, served, date(2026, 3, 11)),
         "Дистрибутив № 400002: дата движения 11.03.2026 позже сегодняшней"),
        (R(K.RECEIPT, stock, D2), "Оприходование оформляется на складе"),
        (R(K.CONNECT, 987654, D2, to_client_id=romashka), "Дистрибутив не найден"),
    ]


def test_every_refusal_names_the_distributive_and_changes_nothing(rig: Rig) -> None:
    cases = _refusal_cases(rig)
    before = rig.footprint()
    for request, message in cases:
        with pytest.raises(MovementRefused) as refused:
            movements.apply_movement(rig.base, request, rig.employees["engineer"],
                                     today=TODAY)
        assert refused.value.message.startswith(message), (request, refused.value.message)
        assert rig.footprint() == before, request


def test_a_batch_is_applied_whole_or_not_at_all(rig: Rig) -> None:
    a, b = rig.receive("500001", "500002")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    before = rig.footprint()
    batch = [MovementRequest(K.CONNECT, a, D1, to_client_id=romashka),
             MovementRequest(K.CONNECT, b, D1, to_client_id=romashka),
             MovementRequest(K.CONNECT, a, D2, to_client_id=romashka)]  # a is connected
    with pytest.raises(MovementRefused, match="№ 500001 уже подключён"):
        movements.apply_movements(rig.base, batch, eng, today=TODAY)
    assert rig.footprint() == before
    done = movements.apply_movements(rig.base, batch[:2], eng, today=TODAY)
    assert [m.distributive_id for m in done] == [a, b]
    # The second movement of one distributive in a batch sees the first one's state.
    with pytest.raises(MovementRefused, match="№ 500001 уже отключён"):
        movements.apply_movements(rig.base, [
            MovementRequest(K.DISCONNECT, a, D2), MovementRequest(K.DISCONNECT, a, D2)],
            eng, today=TODAY)
    assert rig.row(a).status is S.SERVED


def test_a_card_read_before_someone_elses_movement_is_refused(rig: Rig) -> None:
    [d] = rig.receive("600001")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    seen = rig.row(d).version
    movements.connect(rig.base, d, romashka, D1, eng, expected_version=seen, today=TODAY)
    before = rig.footprint()
    with pytest.raises(CardConflict, match="Кладовщикова Клара|Инженеров Иван|другой"):
        movements.disconnect(rig.base, d, D2, eng, expected_version=seen, today=TODAY)
    assert rig.footprint() == before


def test_movements_and_their_distributives_are_in_the_change_log(rig: Rig) -> None:
    [d] = rig.receive("700001")
    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    connected = movements.connect(rig.base, d, romashka, D1, eng, engineer_id=eng,
                                  today=TODAY)
    movements.disconnect(rig.base, d, D2, eng, today=TODAY)
    with rig.base.sessions() as s:
        lines = {(c.table_name, c.row_id, c.client_id, c.field, c.old_value, c.new_value,
                  c.employee_id)
                 for c in s.scalars(select(ChangeLog).where(ChangeLog.table_name.in_(
                     ["distributives", "distributive_movements"])))}
    keeper = rig.employees["keeper"]
    # The same lines on both dialects: the program's on a file base, the triggers' on
    # a server base.
    assert ("distributives", d, None, "number", None, "700001", keeper) in lines
    assert ("distributives", d, None, "status", None, "in_stock", keeper) in lines
    assert ("distributives", d, romashka, "status", "in_stock", "served", eng) in lines
    assert ("distributives", d, romashka, "status", "served", "disconnected", eng) in lines
    assert ("distributives", d, romashka, "status_since", "01.02.2021", "15.06.2021",
            eng) in lines
    assert ("distributives", d, romashka, "engineer_id", None, str(eng), eng) in lines
    mid = connected.movement_id
    assert {line[3:6] for line in lines if line[:3] == ("distributive_movements", mid,
                                                         romashka)} == {
        ("distributive_id", None, str(d)), ("kind", None, "connect"),
        ("moved_on", None, "01.02.2021"), ("to_client_id", None, str(romashka)),
        ("status_after", None, "served")}
    assert not any(line[3] == "employee_id" for line in lines
                   if line[0] == "distributive_movements")


def test_state_on_a_past_date_is_reconstructed_from_the_movements(rig: Rig) -> None:
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    eng = rig.employees["engineer"]
    a, b, c, spare = rig.receive("800001", "800002", "800003", "800004",
                                 on=date(2020, 1, 10))
    kit = kits.create_kit(rig.base, kits.KitData(romashka, "Офис"), eng)
    plan = [  # (date, request)
        (date(2020, 2, 1), MovementRequest(K.CONNECT, a, date(2020, 2, 1),
                                           to_client_id=romashka)),
        (date(2020, 2, 1), MovementRequest(K.CONNECT, b, date(2020, 2, 1),
                                           to_client_id=romashka, to_kit_id=kit)),
        (date(2020, 5, 5), MovementRequest(K.DEMO_ISSUE, c, date(2020, 5, 5),
                                           to_client_id=romashka,
                                           demo_until=date(2020, 6, 5))),
        (date(2020, 6, 1), MovementRequest(K.STOCK_RETURN, c, date(2020, 6, 1))),
        (date(2020, 9, 1), MovementRequest(K.DISCONNECT, a, date(2020, 9, 1))),
        (date(2021, 1, 15), MovementRequest(K.TRANSFER, b, date(2021, 1, 15),
                                            to_client_id=vasilek)),
        # Same day: connected and transferred back the same day — the order is the id's.
        (date(2021, 3, 1), MovementRequest(K.CONNECT, c, date(2021, 3, 1),
                                           to_client_id=vasilek)),
        (date(2021, 3, 1), MovementRequest(K.TRANSFER, c, date(2021, 3, 1),
                                           to_client_id=romashka)),
        (date(2021, 4, 1), MovementRequest(K.REPLACE, c, date(2021, 4, 1),
                                           replacement_id=spare)),
    ]
    for _, request in plan:
        movements.apply_movement(rig.base, request, eng, today=TODAY)

    def held(client: int, on: date) -> dict[str, tuple[S, int | None]]:
        return {h.number: (h.status, h.kit_id) for h in state.state_on(rig.base, client, on)}

    assert held(romashka, date(2020, 1, 31)) == {}
    assert held(romashka, date(2020, 2, 1)) == {"800001": (S.SERVED, None),
                                                "800002": (S.SERVED, kit)}
    assert held(romashka, date(2020, 5, 31)) == {"800001": (S.SERVED, None),
                                                 "800002": (S.SERVED, kit),
                                                 "800003": (S.DEMO, None)}
    assert held(romashka, date(2020, 6, 1)) == {"800001": (S.SERVED, None),
                                                "800002": (S.SERVED, kit)}
    assert held(romashka, date(2020, 12, 31)) == {"800001": (S.DISCONNECTED, None),
                                                  "800002": (S.SERVED, kit)}
    assert held(romashka, date(2021, 1, 15)) == {"800001": (S.DISCONNECTED, None)}
    assert held(vasilek, date(2021, 1, 14)) == {}
    assert held(vasilek, date(2021, 1, 15)) == {"800002": (S.SERVED, None)}
    assert held(vasilek, date(2021, 3, 1)) == {"800002": (S.SERVED, None)}
    assert held(romashka, date(2021, 3, 1)) == {"800001": (S.DISCONNECTED, None),
                                                "800003": (S.SERVED, None)}
    assert held(romashka, TODAY) == {"800001": (S.DISCONNECTED, None),
                                     "800003": (S.DISCONNECTED, None),
                                     "800004": (S.SERVED, None)}
    # Today's reconstruction is the current state.
    current = {d.number: (d.status, d.kit_id)
               for d in state.client_distributives(rig.base, romashka).current}
    assert held(romashka, TODAY) == current
    since = {h.number: h.since for h in state.state_on(rig.base, romashka, TODAY)}
    assert since["800004"] == date(2021, 4, 1)


def test_rights_are_checked_by_the_program_too(rig: Rig) -> None:
    from vostok_desktop.domain.access import Visibility
    from vostok_desktop.services.access.rights import AccessDenied, AccessProfile

    [d] = rig.receive("900001")
    manager = AccessProfile(frozenset({"client.edit", "distributives.move"}),
                            Visibility.DEPARTMENT, "manager")
    with pytest.raises(AccessDenied, match="«Склад»"):
        warehouse.reserve(rig.base, d, D1, None, client_id=rig.clients["romashka"],
                          profile=manager, today=TODAY)
    with pytest.raises(AccessDenied, match="«Склад»"):
        warehouse.receive(rig.base, [warehouse.ReceiptLine("900002", rig.systems["prof"])],
                          D1, None, profile=manager, today=TODAY)
    movements.connect(rig.base, d, rig.clients["romashka"], D1, None, profile=manager,
                      today=TODAY)
    nobody = AccessProfile(frozenset(), Visibility.OWN, "telemarketer")
    with pytest.raises(AccessDenied, match="«Движение дистрибутивов»"):
        movements.disconnect(rig.base, d, D2, None, profile=nobody, today=TODAY)
    with pytest.raises(AccessDenied, match="«ЗВЭ/КЦ файлы»"):
        kits.create_kit(rig.base, kits.KitData(rig.clients["romashka"], "ЗВЭ", ask_expert=True),
                        None, profile=manager)
