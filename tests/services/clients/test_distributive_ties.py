"""A merge carries the duplicate's distributives with it; a client with distributives or
their history cannot be deleted. Both dialects."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import or_, select

from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from vostok_desktop.domain import ChangeLog, Client
from vostok_desktop.domain.distributives import Distributive, DistributiveMovement, Kit
from vostok_desktop.services.clients import duplicates, operations
from vostok_desktop.services.distributives import kits, movements, state, warehouse


def _setup(rig: Rig) -> dict[str, int]:  # noqa: F811
    keeper, eng = rig.employees["keeper"], rig.employees["engineer"]
    keep, dup = rig.clients["romashka"], rig.clients["vasilek"]
    d1, d2, d3 = rig.receive("1001", "1002", "1003")
    kit = kits.create_kit(rig.base, kits.KitData(dup, "Комплект Василька"), keeper)
    movements.connect(rig.base, d1, dup, date(2021, 2, 1), eng, kit_id=kit, today=TODAY)
    warehouse.reserve(rig.base, d2, date(2021, 3, 1), keeper, client_id=dup, today=TODAY)
    movements.connect(rig.base, d3, keep, date(2021, 2, 1), eng, today=TODAY)
    movements.transfer(rig.base, d3, dup, date(2022, 5, 1), eng, today=TODAY)
    return {"keep": keep, "dup": dup, "kit": kit, "d1": d1, "d2": d2, "d3": d3}


def test_merge_moves_kits_distributives_reservations_and_movements(rig: Rig) -> None:  # noqa: F811
    ids = _setup(rig)
    keep, dup = ids["keep"], ids["dup"]
    duplicates.merge_clients(rig.base, keep, dup, rig.employees["keeper"])
    with rig.base.sessions() as s:
        assert s.get(Client, dup) is None
        assert s.get(Kit, ids["kit"]).client_id == keep
        d1, d2, d3 = (s.get(Distributive, ids[k]) for k in ("d1", "d2", "d3"))
        assert (d1.client_id, d1.kit_id) == (keep, ids["kit"])  # still in its kit
        assert d2.reserved_for_client_id == keep
        assert d3.client_id == keep
        m = DistributiveMovement
        assert not s.scalars(select(m.id).where(
            or_(m.from_client_id == dup, m.to_client_id == dup))).all()
        log = s.scalars(select(ChangeLog.new_value).where(
            ChangeLog.client_id == keep, ChangeLog.field == "merged_distributives")).all()
        assert log and "дистрибутивов: 2" in log[0] and "резервов: 1" in log[0]
    held = {h.distributive_id for h in state.state_on(rig.base, keep, TODAY)}
    assert held == {ids["d1"], ids["d3"]}
    card = state.client_distributives(rig.base, keep)
    assert [r.id for r in card.reserved] == [ids["d2"]]
    assert len(card.kits) == 1 and card.kits[0].distributives == 1


def test_a_client_with_distributives_or_their_history_is_not_deleted(rig: Rig) -> None:  # noqa: F811
    ids = _setup(rig)
    with pytest.raises(operations.ClientDeleteRefused,
                       match=r"У клиента «Василёк» есть дистрибутивы \(3\): удалить нельзя, "
                             "отключите или передайте их"):
        operations.delete_clients(rig.base, [ids["dup"]], None)
    # «Ромашка» holds nothing now, but the transfer names it: still refused.
    with pytest.raises(operations.ClientDeleteRefused, match="история движений"):
        operations.delete_clients(rig.base, [rig.clients["lyutik"], ids["keep"]], None)
    with rig.base.sessions() as s:
        assert s.get(Client, rig.clients["lyutik"]) is not None  # nothing half-deleted
    assert operations.delete_clients(rig.base, [rig.clients["lyutik"]], None) == [
        rig.clients["lyutik"]]
