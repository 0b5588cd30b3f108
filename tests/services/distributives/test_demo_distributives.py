"""The demo distributives on both dialects: the catalogue, kits and distributives a user
sees are consistent with the services' rules — the state on a date reconstructed from the
movements is the stored state, and replaying every movement through the movement service
(which refuses anything that contradicts the state) ends in exactly the stored rows."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
    MovementKind,
    ProductSystem,
)
from vostok_desktop.services.demo.distributives import CATALOGUE, TODAY
from vostok_desktop.services.distributives import state, warehouse
from vostok_desktop.services.distributives.movements import MovementRequest, apply_in

S = DistributiveStatus
K = MovementKind
STATE = ("status", "status_since", "last_moved_on", "client_id", "kit_id", "engineer_id",
         "reserved_for_client_id", "reserved_for_employee_id", "demo_until")


def _state(s: Session) -> dict[int, tuple]:
    return {d.id: tuple(getattr(d, c) for c in STATE)
            for d in s.scalars(select(Distributive).order_by(Distributive.id))}


def replay(s: Session) -> None:
    """Put every distributive back on the warehouse as received, then apply all its other
    movements through the movement service in date order: a movement the rules refuse
    raises. The caller rolls back."""
    rows = s.execute(select(DistributiveMovement).where(
        DistributiveMovement.kind != K.RECEIPT)
        .order_by(DistributiveMovement.moved_on, DistributiveMovement.id)).scalars().all()
    current = {d.id: (d.engineer_id, d.demo_until) for d in s.scalars(select(Distributive))}
    moves = [(m.distributive_id, m.kind, m.moved_on, m.to_client_id, m.to_kit_id,
              m.to_employee_id, m.replacement_id, m.status_after, m.from_client_id)
             for m in rows]
    s.execute(delete(DistributiveMovement).where(DistributiveMovement.kind != K.RECEIPT))
    receipts = dict(s.execute(select(DistributiveMovement.distributive_id,
                                     DistributiveMovement.moved_on)).tuples().all())
    for d_id, received in receipts.items():
        s.execute(update(Distributive).where(Distributive.id == d_id).values(
            status=S.IN_STOCK, status_since=received, last_moved_on=received,
            client_id=None, kit_id=None, engineer_id=None, fixed_price=None,
            discount_percent=None, reserved_for_client_id=None,
            reserved_for_employee_id=None, demo_until=None))
    s.expire_all()
    for d_id, kind, moved_on, to_client, to_kit, to_emp, replacement, after, _from in moves:
        if kind is K.REPLACE and after is S.SERVED:
            continue  # the new one's half of a replacement: written with the old one's
        engineer, demo_until = current[d_id]
        if kind is K.DEMO_ISSUE and demo_until is None:
            demo_until = date.fromordinal(moved_on.toordinal() + 30)  # returned since
        request = MovementRequest(
            kind, d_id, moved_on, to_client_id=to_client,
            to_kit_id=to_kit if kind is not K.CONNECT or to_kit else None,
            to_employee_id=to_emp, replacement_id=replacement,
            engineer_id=engineer if kind in (K.CONNECT, K.TRANSFER, K.DEMO_ISSUE) else None,
            demo_until=demo_until)
        apply_in(s, [request], None, today=TODAY)


def test_replaying_the_movements_through_the_service_gives_the_stored_state(
        demo_base: OpenedBase) -> None:
    with demo_base.sessions() as s, s.begin():
        stored = _state(s)
        assert len(stored) > 300
        replay(s)
        s.flush()
        s.expire_all()
        replayed = _state(s)
        s.rollback()
    differing = [d for d in stored if stored[d] != replayed[d]]
    assert not differing, [(stored[d], replayed[d]) for d in differing[:5]]


def test_the_state_on_a_date_is_the_stored_state_today_and_follows_the_history(
        demo_base: OpenedBase) -> None:
    with demo_base.sessions() as s:
        clients = s.scalars(select(Client.id).order_by(Client.id)).all()
        held_now = {}
        for cid in clients:
            held = state.state_on_in(s, cid, TODAY)
            held_now[cid] = {(h.distributive_id, h.status, h.kit_id) for h in held}
        stored = {}
        for d in s.scalars(select(Distributive).where(Distributive.client_id.is_not(None))):
            stored.setdefault(d.client_id, set()).add((d.id, d.status, d.kit_id))
        # Before its first movement a client had nothing; on each movement's date the
        # client named «to» holds the distributive in its status.
        first = s.scalar(select(DistributiveMovement.moved_on)
                         .order_by(DistributiveMovement.moved_on).limit(1))
        sample = s.scalars(select(DistributiveMovement).where(
            DistributiveMovement.status_after.in_([S.SERVED, S.DISCONNECTED, S.DEMO]))
            .order_by(DistributiveMovement.id).limit(60)).all()
        for m in sample:
            on = {h.distributive_id: h for h in state.state_on_in(s, m.to_client_id,
                                                                 m.moved_on)}
            later_same_day = s.scalar(select(DistributiveMovement.id).where(
                DistributiveMovement.distributive_id == m.distributive_id,
                DistributiveMovement.moved_on == m.moved_on,
                DistributiveMovement.id > m.id).limit(1))
            if later_same_day is None:
                assert on[m.distributive_id].status is m.status_after
        assert all(not state.state_on_in(s, cid, date.fromordinal(first.toordinal() - 1))
                   for cid in clients[:50])
    assert {c: v for c, v in held_now.items() if v} == stored


def test_the_demo_base_looks_like_a_real_ric(demo_base: OpenedBase) -> None:
    with demo_base.sessions() as s:
        systems = s.scalars(select(ProductSystem)).all()
        assert {p.code for p in systems} == {c[0] for c in CATALOGUE}
        assert {p.kind for p in systems} == {"local", "network", "flash", "online"}
        assert any(not p.is_active for p in systems)
        served = s.scalar(select(Client.id).where(Client.status == ClientStatus.SERVED)
                          .limit(1))
        assert served is not None
        served_count = len(s.scalars(select(Client.id).where(
            Client.status == ClientStatus.SERVED)).all())
        statuses = Counter(s.scalars(select(Distributive.status)).all())
        kinds = Counter(s.scalars(select(DistributiveMovement.kind)).all())
        kits = s.scalars(select(Kit)).all()
        disconnected_clients = set(s.scalars(select(Client.id).where(
            Client.status == ClientStatus.DISCONNECTED)))
        at_disconnected = s.scalars(select(Distributive.status).where(
            Distributive.client_id.in_(disconnected_clients))).all()
    total = sum(statuses.values())
    assert 1.3 <= statuses[S.SERVED] / served_count <= 1.7
    assert 1.0 <= len(kits) / served_count <= 1.4
    assert 0.04 <= sum(k.ask_expert for k in kits) / len(kits) <= 0.2
    assert any(k.division_id for k in kits)
    assert 0.01 <= (statuses[S.IN_STOCK] + statuses[S.RESERVED]) / total <= 0.04
    assert statuses[S.RESERVED] and statuses[S.DEMO] and statuses[S.DISCONNECTED]
    for kind in (K.RECEIPT, K.CONNECT, K.DISCONNECT, K.TRANSFER, K.REPLACE, K.RESERVE):
        assert kinds[kind], kind
    assert set(at_disconnected) == {S.DISCONNECTED}
    overdue = warehouse.overdue_demos(demo_base, TODAY)
    assert overdue and all(d.days_overdue > 0 for d in overdue)
    assert len(overdue) < statuses[S.DEMO] + 1
