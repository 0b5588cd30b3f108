"""The client list's «Систем» / «Дистрибутивы», the distributive presets and the user
filters «Систем на обслуживании» (a number) and «Есть дистрибутивы» — both dialects,
over the demo base's distributives."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.security.conftest import office  # noqa: F401
from vostok_desktop.domain import Client, Distributive, DistributiveStatus
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.lists.filters import (
    Condition,
    FieldKind,
    FilterGroup,
    Operator,
    condition_matches,
)


def _all_rows(search: cs.ClientSearch, query: cs.ClientQuery, page: int = 37) -> list[dict]:
    rows: list[dict] = []
    key = None
    while True:
        got = search.page_after(query, key, page)
        if not got:
            return rows
        rows += got
        key = got[-1]["_key"]


def _truth(base) -> tuple[dict[int, int], dict[int, int]]:  # noqa: ANN001
    """Served and all distributives per client, counted plainly with GROUP BY."""
    with base.engine.connect() as conn:
        served = dict(conn.execute(
            select(Distributive.client_id, func.count()).where(
                Distributive.status == DistributiveStatus.SERVED,
                Distributive.client_id.is_not(None)).group_by(Distributive.client_id)).all())
        every = dict(conn.execute(
            select(Distributive.client_id, func.count()).where(
                Distributive.client_id.is_not(None)).group_by(Distributive.client_id)).all())
    return served, every


def _unmarked(base) -> set[int]:  # noqa: ANN001
    with base.engine.connect() as conn:
        return set(conn.scalars(select(Client.id).where(Client.marked_for_deletion.is_(False))))


def test_page_rows_carry_the_served_count_and_any_distributive(demo_base) -> None:
    served, every = _truth(demo_base)
    assert served and len(every) > len(served) or served != every, \
        "the demo base has served and other distributives"
    rows = _all_rows(cs.ClientSearch(demo_base), cs.ClientQuery())
    assert len(rows) == len(_unmarked(demo_base))
    for row in rows:
        assert row["systems"] == served.get(row["id"], 0)
        assert row["has_distributives"] is (row["id"] in every)
    # The rows one card reads by id carry the same.
    some = [r["id"] for r in rows if r["systems"] > 1][:3]
    assert some, "the demo base has clients with several systems"
    by_ids = cs.ClientSearch(demo_base).rows_by_ids(cs.ClientQuery(), some)
    assert {r["id"]: r["systems"] for r in by_ids} == {i: served[i] for i in some}


def test_presets_with_served_and_without_distributives(demo_base) -> None:
    served, every = _truth(demo_base)
    visible = _unmarked(demo_base)
    search = cs.ClientSearch(demo_base)
    with_served = _all_rows(search, cs.ClientQuery(preset=cs.ClientPreset.WITH_SERVED))
    ids = [r["id"] for r in with_served]
    assert len(ids) == len(set(ids)), "keyset pages do not repeat rows"
    assert set(ids) == set(served) & visible
    assert search.count(cs.ClientQuery(preset=cs.ClientPreset.WITH_SERVED)) == len(ids)
    names = [r["_key"] for r in with_served]
    assert names == sorted(names)
    without = _all_rows(search, cs.ClientQuery(preset=cs.ClientPreset.WITHOUT_DISTRIBUTIVES))
    assert {r["id"] for r in without} == visible - set(every)
    assert without and not any(r["has_distributives"] for r in without)


def _filtered(base, *conditions: Condition) -> set[int]:  # noqa: ANN001
    query = cs.ClientQuery(user_filter=FilterGroup(tuple(conditions)))
    return {r["id"] for r in _all_rows(cs.ClientSearch(base), query)}


def test_user_filter_by_number_of_systems_and_any_distributive(demo_base) -> None:
    served, every = _truth(demo_base)
    visible = _unmarked(demo_base)
    spec = next(f for f in cs.CLIENT_FILTER_FIELDS if f.id == "systems")
    assert spec.kind is FieldKind.NUMBER and spec.title == "Систем на обслуживании"
    assert _filtered(demo_base, Condition("systems", Operator.GT, "1")) == \
        {c for c, n in served.items() if n > 1} & visible
    assert _filtered(demo_base, Condition("systems", Operator.EQ, "0")) == \
        visible - set(served)
    assert _filtered(demo_base, Condition("systems", Operator.LT, "2")) == \
        visible - {c for c, n in served.items() if n >= 2}
    assert _filtered(demo_base, Condition("systems", Operator.NE, "1")) == \
        visible - {c for c, n in served.items() if n == 1}
    # Typed badly (a stored filter edited by hand): nothing matches rather than anything.
    assert _filtered(demo_base, Condition("systems", Operator.GT, "много")) == set()
    assert _filtered(demo_base, Condition("has_distributives", Operator.EQ, "да")) == \
        set(every) & visible
    assert _filtered(demo_base, Condition("has_distributives", Operator.EQ, "нет")) == \
        visible - set(every)
    # Combined with OR: either served systems > 2 or no distributives at all.
    query = cs.ClientQuery(user_filter=FilterGroup((
        Condition("systems", Operator.GT, "2"),
        Condition("has_distributives", Operator.EQ, "нет")), any_of=True))
    assert {r["id"] for r in _all_rows(cs.ClientSearch(demo_base), query)} == \
        ({c for c, n in served.items() if n > 2} | (visible - set(every))) & visible


def test_colour_rules_compare_the_count_as_a_number() -> None:
    """«Систем больше 9» colours a client with 10, not one with 2 (text would say "2" >
    "9" is false but "10" > "9" is false too)."""
    more_than_nine = Condition("systems", Operator.GT, "9")
    assert condition_matches(more_than_nine, 10)
    assert not condition_matches(more_than_nine, 2)
    assert condition_matches(Condition("systems", Operator.EQ, "0"), 0)
    assert condition_matches(Condition("systems", Operator.LT, "3"), 0)
    assert not condition_matches(Condition("systems", Operator.EQ, "два"), 2)
    assert condition_matches(Condition("has_distributives", Operator.EQ, "нет"), False)


def test_a_connection_and_a_transfer_change_both_clients_counts(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    rows = _all_rows(search, cs.ClientQuery(preset=cs.ClientPreset.WITH_SERVED))
    donor = rows[0]
    without = _all_rows(search, cs.ClientQuery(preset=cs.ClientPreset.WITHOUT_DISTRIBUTIVES))
    receiver = without[0]
    with demo_base.sessions() as s:
        moved = s.scalars(select(Distributive.id).where(
            Distributive.client_id == donor["id"],
            Distributive.status == DistributiveStatus.SERVED)).first()
        stocked = s.scalars(select(Distributive.id).where(
            Distributive.status == DistributiveStatus.IN_STOCK,
            Distributive.reserved_for_client_id.is_(None))).first()
    assert moved is not None and stocked is not None
    movements.transfer(demo_base, moved, receiver["id"], date.today(), None)
    movements.connect(demo_base, stocked, receiver["id"], date.today(), None)
    after = {r["id"]: r for r in search.rows_by_ids(cs.ClientQuery(),
                                                   [donor["id"], receiver["id"]])}
    assert after[donor["id"]]["systems"] == donor["systems"] - 1
    assert after[receiver["id"]]["systems"] == 2 and after[receiver["id"]]["has_distributives"]


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_a_limited_login_counts_what_it_sees_and_filters_the_same(office) -> None:  # noqa: ANN001, F811
    served, _ = _truth(office.admin_base)
    base = office.open_as("a")
    try:
        rows = _all_rows(cs.ClientSearch(base), cs.ClientQuery(
            preset=cs.ClientPreset.WITH_SERVED, show_marked=True))
        filtered = _all_rows(cs.ClientSearch(base), cs.ClientQuery(
            user_filter=FilterGroup((Condition("systems", Operator.GT, "0"),)),
            show_marked=True))
        seen_served, _ = _truth(base)
    finally:
        base.engine.dispose()
    ids = {r["id"] for r in rows}
    if not served:  # a base taken back to 0008 and upgraded has no distributives yet
        assert ids == set() == {r["id"] for r in filtered}
        return
    # «a» sees its department's clients only: their distributives, nobody else's.
    assert ids and not ids & set(office.clients["b"])
    assert len(ids) < len(served)
    assert set(seen_served) == ids == {r["id"] for r in filtered}
    for row in rows:
        assert row["systems"] == served[row["id"]]
