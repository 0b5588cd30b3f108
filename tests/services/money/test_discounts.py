"""Client discounts and VIP programmes on both dialects: validation, tiers at the
boundaries, the automatic recalculation after connect/disconnect with its change log,
and the right «Скидки и VIP-программы»."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.money import VipMember
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.money import discounts
from vostok_desktop.services.money.discounts import VipProgrammeData, VipTierData

rig = _rig_fixtures.rig  # the fixture of the distributive tests
D = Decimal
EXAMPLE = [VipTierData(0, D(25)), VipTierData(6, D(35)), VipTierData(11, D(45)),
           VipTierData(16, D(50))]


@pytest.mark.parametrize(("served", "percent"), [
    (0, 25), (5, 25), (6, 35), (10, 35), (11, 45), (15, 45), (16, 50), (40, 50)])
def test_tier_boundaries(served: int, percent: int) -> None:
    assert discounts.tier_percent(EXAMPLE, served) == D(percent)


def test_tier_validation() -> None:
    with pytest.raises(MovementRefused, match="Первый интервал должен начинаться с 0"):
        discounts.validate_tiers([VipTierData(1, D(10))])
    with pytest.raises(MovementRefused, match="Два интервала начинаются с 6"):
        discounts.validate_tiers([VipTierData(0, D(10)), VipTierData(6, D(20)),
                                  VipTierData(6, D(30))])
    with pytest.raises(MovementRefused, match="процент — от 0 до 100"):
        discounts.validate_tiers([VipTierData(0, D(101))])


def test_client_discount_add_end_delete_and_log(rig: Rig) -> None:
    romashka = rig.clients["romashka"]
    with pytest.raises(MovementRefused, match="процент — больше 0 до 100"):
        discounts.add_client_discount(rig.base, romashka, "0", date(2026, 1, 1), None)
    with pytest.raises(MovementRefused, match="дата окончания раньше"):
        discounts.add_client_discount(rig.base, romashka, "10", date(2026, 1, 1), None,
                                      valid_to=date(2025, 1, 1))
    did = discounts.add_client_discount(rig.base, romashka, "12,5", date(2026, 1, 1), None,
                                        reason="Постоянный клиент")
    discounts.end_client_discount(rig.base, did, date(2026, 6, 30), None)
    [row] = discounts.client_discounts(rig.base, romashka)
    assert (row.percent, row.valid_to, row.reason) == (D("12.50"), date(2026, 6, 30),
                                                      "Постоянный клиент")
    assert row.valid_on(date(2026, 6, 30)) and not row.valid_on(date(2026, 7, 1))
    assert row.period_text == "с 01.01.2026 по 30.06.2026"
    with rig.base.sessions() as s:
        fields = {c.field for c in s.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "client_discounts", ChangeLog.client_id == romashka))}
    if rig.base.dialect == "sqlite":  # on a server base the database writes the log
        assert {"percent", "valid_from", "valid_to", "reason"} <= fields
    discounts.delete_client_discount(rig.base, did, None)
    assert discounts.client_discounts(rig.base, romashka) == []


def _served(rig: Rig, client: str, n: int, start: int = 0) -> list[int]:
    ids = rig.receive(*(f"{200000 + start + i}" for i in range(n)))
    eng = rig.employees["engineer"]
    for d in ids:
        movements.connect(rig.base, d, rig.clients[client], date(2021, 1, 10), eng,
                          today=TODAY)
    return ids


def _after(rig: Rig, *clients: int) -> list[discounts.VipChange]:
    with rig.base.sessions() as s, s.begin():
        return discounts.after_movements(s, clients)


def test_vip_recalculated_after_connect_and_disconnect(rig: Rig) -> None:
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    pid = discounts.save_programme(rig.base, VipProgrammeData("VIP-клиенты", EXAMPLE), None)
    ids = _served(rig, "romashka", 5)
    member = discounts.join_programme(rig.base, romashka, pid, date(2021, 2, 1), None)
    assert (member.applied_systems, member.applied_percent) == (5, D(25))

    # The sixth system: 5 → 6 crosses into 35 %; the movement service recalculates in
    # the movement's transaction (after_movements), so nothing is left to change after.
    [sixth] = _served(rig, "romashka", 1, start=10)
    vip = discounts.client_vip(rig.base, romashka)
    assert (vip.applied_systems, vip.applied_percent) == (6, D(35))
    assert _after(rig, romashka, vasilek) == []  # nothing changed: nothing written
    # Put the stored values out of date (as before the hook): the recalculation fixes them.
    with rig.base.sessions() as s, s.begin():
        if rig.base.dialect == "sqlite":  # the server's trigger refuses untrue values
            s.execute(update(VipMember).values(applied_systems=5, applied_percent=D(25)))
    if rig.base.dialect == "sqlite":
        changes = _after(rig, romashka, vasilek)  # vasilek is no member: nothing for it
        assert [(c.client_id, c.old_percent, c.new_percent, c.new_systems)
                for c in changes] == [(romashka, D(25), D(35), 6)]
    movements.disconnect(rig.base, ids[0], date(2021, 3, 1), rig.employees["engineer"],
                         today=TODAY)
    vip = discounts.client_vip(rig.base, romashka)
    assert (vip.applied_systems, vip.applied_percent) == (5, D(25))
    if rig.base.dialect == "sqlite":
        with rig.base.sessions() as s:
            log = [(c.field, c.old_value, c.new_value) for c in s.scalars(
                select(ChangeLog).where(ChangeLog.table_name == "vip_members",
                                        ChangeLog.field == "applied_percent")
                .order_by(ChangeLog.id))]
        assert log[-2:] == [("applied_percent", "25", "35"), ("applied_percent", "35", "25")]
    assert sixth


def test_tiers_edited_members_follow(rig: Rig) -> None:
    romashka = rig.clients["romashka"]
    pid = discounts.save_programme(rig.base, VipProgrammeData("VIP-клиенты", EXAMPLE), None)
    _served(rig, "romashka", 11)
    discounts.join_programme(rig.base, romashka, pid, date(2021, 2, 1), None)
    assert discounts.client_vip(rig.base, romashka).applied_percent == D(45)
    [programme] = discounts.list_programmes(rig.base)
    assert programme.members == 1
    assert programme.tiers_text() == "0+ → 25 %, 6+ → 35 %, 11+ → 45 %, 16+ → 50 %"
    programme.tiers = [VipTierData(0, D(10)), VipTierData(12, D(40))]
    discounts.save_programme(rig.base, programme, None)
    assert discounts.client_vip(rig.base, romashka).applied_percent == D(10)
    with pytest.raises(MovementRefused, match="нельзя удалить: в ней клиентов — 1"):
        discounts.delete_programme(rig.base, pid)
    discounts.leave_programme(rig.base, romashka, None)
    with rig.base.sessions() as s:
        assert s.scalar(select(VipMember)) is None
    discounts.delete_programme(rig.base, pid)
    assert discounts.list_programmes(rig.base) == []


def test_rights_refused(rig: Rig) -> None:
    nobody = AccessProfile(frozenset({"money.prices"}), Visibility.ALL, "operator")
    romashka = rig.clients["romashka"]
    with pytest.raises(AccessDenied, match="Скидки и VIP-программы"):
        discounts.add_client_discount(rig.base, romashka, "10", date(2026, 1, 1), None,
                                      profile=nobody)
    with pytest.raises(AccessDenied, match="Скидки и VIP-программы"):
        discounts.save_programme(rig.base, VipProgrammeData("VIP", EXAMPLE), None,
                                 profile=nobody)
    assert discounts.client_discounts(rig.base, romashka) == []
