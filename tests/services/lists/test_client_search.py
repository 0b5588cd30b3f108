"""Client list search, keyset paging and operations on many — on both dialects."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from vostok_desktop.domain import (
    ChangeLog,
    Client,
    ClientStatus,
    Contact,
    Direction,
    Employee,
    Favourite,
    Phone,
    Responsibility,
)
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.lists.filters import (
    CancelledRead,
    Canceller,
    ColourRule,
    Condition,
    FilterGroup,
    Operator,
    cancellable,
    colour_for,
    connect,
    default_client_colour_rules,
    dump_colour_rules,
    dump_saved_filters,
    load_colour_rules,
    load_saved_filters,
)


def _all_ids(search: cs.ClientSearch, query: cs.ClientQuery, page: int = 37) -> list[int]:
    ids: list[int] = []
    key = None
    while True:
        rows = search.page_after(query, key, page)
        if not rows:
            return ids
        ids += [r["id"] for r in rows]
        key = rows[-1]["_key"]


def _plain_order(base, query: cs.ClientQuery) -> list[int]:  # noqa: ANN001
    order = cs.sort_expression(query.sort)
    by = [order.desc(), Client.id.desc()] if query.descending else [order, Client.id]
    with base.engine.connect() as conn:
        return list(conn.scalars(select(Client.id).where(*cs.where_clauses(query))
                                 .order_by(*by)))


def _some_client(base) -> Client:  # noqa: ANN001
    with base.sessions() as session:
        return session.scalars(select(Client).where(Client.inn.is_not(None))
                               .order_by(Client.id).offset(7).limit(1)).one()


def test_name_search_cyrillic_any_case(demo_base) -> None:
    client = _some_client(demo_base)
    # Three letters from the middle of the short name, in upper case.
    word = max(client.short_name.replace('"', " ").split(), key=len)
    term = word[1:4].upper()
    search = cs.ClientSearch(demo_base)
    found = _all_ids(search, cs.ClientQuery(text=term))
    assert client.id in found
    with demo_base.sessions() as session:
        names = session.scalars(select(Client.search_name).where(Client.id.in_(found))).all()
    assert all(term.lower() in n for n in names)


def test_name_search_several_words(demo_base) -> None:
    client = _some_client(demo_base)
    words = client.search_name.replace('"', " ").split()
    text = f"{words[-1][:3].upper()} {words[0]}"
    assert client.id in _all_ids(cs.ClientSearch(demo_base), cs.ClientQuery(text=text))


def test_inn_prefix(demo_base) -> None:
    client = _some_client(demo_base)
    prefix = client.inn[:6]
    found = _all_ids(cs.ClientSearch(demo_base), cs.ClientQuery(text=prefix))
    assert client.id in found
    with demo_base.sessions() as session:
        inns = session.scalars(select(Client.inn).where(Client.id.in_(found))).all()
        kpps = session.scalars(select(Client.kpp).where(Client.id.in_(found))).all()
    assert all((i or "").startswith(prefix) for i in inns)
    # A whole KPP finds its clients; a KPP prefix does not flood the list.
    with demo_base.sessions() as session:
        kpp_clients = set(session.scalars(select(Client.id).where(Client.kpp == client.kpp)))
    assert set(_all_ids(cs.ClientSearch(demo_base), cs.ClientQuery(text=client.kpp))) \
        >= kpp_clients
    assert kpps is not None


def test_phone_digits_with_trunk_prefix_and_without_country_code(demo_base) -> None:
    with demo_base.sessions() as session:
        phone = session.scalars(select(Phone).where(Phone.client_id.is_not(None),
                                                    Phone.digits.like("7%"))
                                .order_by(Phone.id).limit(1)).one()
        contact_phone = session.scalars(
            select(Phone).where(Phone.contact_id.is_not(None), Phone.digits.like("7%"))
            .order_by(Phone.id).limit(1)).one()
        contact_client = session.get(Contact, contact_phone.contact_id).client_id
    search = cs.ClientSearch(demo_base)
    d = phone.digits
    typed = f"8 ({d[1:4]}) {d[4:7]}-{d[7:9]}-{d[9:]}"
    assert phone.client_id in _all_ids(search, cs.ClientQuery(text=typed))
    # Without the country code, a piece of the number: «3832123» → 73832123%.
    assert phone.client_id in _all_ids(search, cs.ClientQuery(text=d[1:8]))
    # A contact's phone finds the client.
    assert contact_client in _all_ids(search, cs.ClientQuery(text="+" + contact_phone.digits))


def test_phone_prefixes_rule() -> None:
    assert cs.phone_prefixes("3832123") == ["3832123", "73832123"]
    assert cs.phone_prefixes("8 (913) 123-45-67") == ["79131234567"]
    assert cs.phone_prefixes("8913123") == ["8913123", "7913123", "78913123"]
    assert cs.phone_prefixes("123") == []
    assert cs.is_digits_query("+7 (913) 12")
    assert not cs.is_digits_query("ромашка 1")


def test_presets(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    with demo_base.sessions() as session:
        resp = session.scalars(select(Responsibility).order_by(Responsibility.id)).first()
        me = resp.employee_id
        mine = set(session.scalars(select(Responsibility.client_id)
                                   .where(Responsibility.employee_id == me)))
        dept = session.get(Employee, me).department_id
        served = set(session.scalars(select(Client.id).where(
            Client.status == ClientStatus.SERVED, Client.marked_for_deletion.is_(False))))
        some = session.scalars(select(Client).where(Client.region.is_not(None))
                               .order_by(Client.id)).first()
    assert set(_all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.MINE,
                                               employee_id=me))) <= mine
    assert set(_all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.RESPONSIBLE,
                                               preset_value=me))) <= mine
    assert resp.client_id in _all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.MINE,
                                                             employee_id=me))
    assert set(_all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.SERVED))) == served
    if dept is not None:
        assert resp.client_id in _all_ids(search, cs.ClientQuery(
            preset=cs.ClientPreset.DEPARTMENT, preset_value=dept))
    in_region = _all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.REGION,
                                                preset_value=some.region))
    assert some.id in in_region
    prospects = _all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.PROSPECT))
    disconnected = _all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.DISCONNECTED))
    everyone = _all_ids(search, cs.ClientQuery())
    assert len(served) + len(prospects) + len(disconnected) == len(everyone)
    assert cs.PRESET_TITLES[cs.ClientPreset.MINE] == "Мои клиенты"


def test_keyset_pages_match_plain_order_for_every_sort(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    for sort in cs.ClientSort:
        for descending in (False, True):
            query = cs.ClientQuery(sort=sort, descending=descending)
            paged = _all_ids(search, query)
            assert len(paged) == len(set(paged)), sort
            assert paged == _plain_order(demo_base, query), (sort, descending)
            assert search.count(query) == len(paged)


def test_anchors_reach_any_row(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    for query in (cs.ClientQuery(), cs.ClientQuery(sort=cs.ClientSort.REGION, descending=True)):
        plain = _plain_order(demo_base, query)
        every = 40
        anchors = search.anchors(query, every)
        assert len(anchors) == (len(plain) + every - 1) // every
        for n in (0, 39, 40, 41, 123, len(plain) - 1):
            block = search.rows_from(query, anchors[n // every], every)
            assert block[n % every]["id"] == plain[n]


@pytest.mark.parametrize("strategy", ["prescan", "trigram", "plain"])
def test_name_search_pages_match_plain_order_by_every_strategy(
        demo_base, monkeypatch, strategy) -> None:
    """A name search reads its pages by an index prescan, the trigram index or the plain
    query (see client_search._name_page): all give the list's order, pages and anchors."""
    monkeypatch.setattr(cs, "NAME_PRESCAN_ROWS", 10_000 if strategy == "prescan" else 3)
    monkeypatch.setattr(cs, "TRIGRAM_MAX_ROWS", 10**9 if strategy == "trigram" else -1)
    search = cs.ClientSearch(demo_base)
    client = _some_client(demo_base)
    word = max(client.short_name.replace('"', " ").split(), key=len)
    for text in ("о", "ОО", word[1:4].upper(), f"{word[:3]} о", "нет такого"):
        for descending in (False, True):
            query = cs.ClientQuery(text=text, descending=descending)
            plain = _plain_order(demo_base, query)
            assert _all_ids(search, query) == plain, (text, descending)
            every = 7
            anchors = search.anchors(query, every)
            for n in {0, 6, 7, len(plain) // 2, len(plain) - 1} & set(range(len(plain))):
                block = search.rows_from(query, anchors[n // every], every)
                assert block[n % every]["id"] == plain[n]
    # Marked clients are left out by default and shown on request, by the same path.
    cs.set_marked_for_deletion(demo_base, [client.id], True, None)
    query = cs.ClientQuery(text=word[1:4])
    assert client.id not in _all_ids(search, query)
    shown = cs.ClientQuery(text=word[1:4], show_marked=True)
    assert client.id in _all_ids(search, shown) == _plain_order(demo_base, shown)


def test_page_rows_carry_phone_favourite_and_responsibles(demo_base) -> None:
    """The page's details (correlated to the page only) agree with the tables."""
    with demo_base.sessions() as session:
        me = session.scalars(select(Employee.id).order_by(Employee.id)).first()
    search = cs.ClientSearch(demo_base)
    ids = _all_ids(search, cs.ClientQuery())[:30]
    cs.set_favourite(demo_base, ids[:3], me, on=True)
    rows = search.page_after(cs.ClientQuery(employee_id=me), None, 30)
    with demo_base.engine.connect() as conn:
        for row in rows:
            phone = conn.scalar(select(Phone.raw).where(Phone.client_id == row["id"])
                                .order_by(Phone.id).limit(1))
            names = set(conn.scalars(
                select(Employee.full_name).join(
                    Responsibility, Responsibility.employee_id == Employee.id)
                .where(Responsibility.client_id == row["id"])))
            assert row["phone"] == phone
            assert row["favourite"] is (row["id"] in ids[:3])
            assert set(filter(None, row["responsible"].split(", "))) == names
    again = search.rows_by_ids(cs.ClientQuery(employee_id=me), [r["id"] for r in rows][::-1])
    assert [r["id"] for r in again] == [r["id"] for r in rows]  # in the list's order
    assert again[0]["favourite"] is rows[0]["favourite"]


def test_a_stale_read_is_cancelled(demo_base) -> None:
    """A count or anchors read for a query the user left is stopped on the server
    (PostgreSQL) or interrupted (SQLite) instead of holding a connection."""
    slow = ("SELECT pg_sleep(20)" if demo_base.dialect == "postgresql" else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 100000000) SELECT count(*) FROM n")
    canceller = Canceller()
    outcome: list[object] = []

    def read() -> None:
        with cancellable(canceller), connect(demo_base.engine) as conn:
            try:
                outcome.append(conn.exec_driver_sql(slow).scalar())
            except Exception as exc:  # noqa: BLE001 - the cancellation is the point
                outcome.append(exc)

    worker = threading.Thread(target=read)
    started = time.monotonic()
    worker.start()
    time.sleep(0.3)
    canceller.cancel()
    worker.join(10)
    assert not worker.is_alive() and time.monotonic() - started < 5
    assert isinstance(outcome[0], DBAPIError)
    # The pooled connection is fine afterwards, and a cancelled canceller refuses to start.
    assert cs.ClientSearch(demo_base).count(cs.ClientQuery(), 5) == 6
    with pytest.raises(CancelledRead), cancellable(canceller):
        cs.ClientSearch(demo_base).count(cs.ClientQuery())


def test_anchors_by_steps_equal_the_numbered_ones(demo_base) -> None:
    """The whole list's anchors step through the name index on PostgreSQL; they are the
    same keys the window function numbers (and a list that is empty has none)."""
    first = _some_client(demo_base)
    cs.set_marked_for_deletion(demo_base, [first.id], True, None)
    with demo_base.engine.connect() as conn:
        for query in (cs.ClientQuery(), cs.ClientQuery(descending=True),
                      cs.ClientQuery(show_marked=True)):
            assert cs._index_served(query)
            for every in (1, 7, 200):
                p = cs.pager(query)
                stepped = p.anchors(conn, Client, every, by_steps=True)
                assert stepped == p.anchors(conn, Client, every), (query, every)
                assert stepped == cs.anchors(conn, query, every)
        assert not cs._index_served(cs.ClientQuery(text="ооо"))
        assert cs.anchors(conn, cs.ClientQuery(client_ids=())) == []


def test_user_filter_and_marked(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    client = _some_client(demo_base)
    flt = FilterGroup((Condition("inn", Operator.EQ, client.inn),
                       Condition("status", Operator.EQ, "nonexistent")), any_of=True)
    assert _all_ids(search, cs.ClientQuery(user_filter=flt)) == [client.id]
    flt_and = FilterGroup((Condition("inn", Operator.STARTS, client.inn[:4]),
                           Condition("status", Operator.EQ, client.status.value)))
    found = _all_ids(search, cs.ClientQuery(user_filter=flt_and))
    assert client.id in found
    assert len(found) == len(set(found))
    # Saved filters and colour rules survive their JSON round trip.
    assert load_saved_filters(dump_saved_filters({"мой": flt})) == {"мой": flt}
    rules = default_client_colour_rules()
    assert load_colour_rules(dump_colour_rules(rules), list) == rules
    assert load_colour_rules("not json", default_client_colour_rules) == rules
    assert colour_for(rules, {"status": ClientStatus.DISCONNECTED}) == "#e4e4e4"
    assert colour_for(rules, {"status": ClientStatus.SERVED}) is None
    assert colour_for([ColourRule("x", FilterGroup((Condition("region", Operator.CONTAINS,
                                                               "нОвоС"),)), "#010203")],
                      {"region": "Новосибирская область"}) == "#010203"


def test_mark_for_deletion_and_undo(demo_base) -> None:
    search = cs.ClientSearch(demo_base)
    ids = _all_ids(search, cs.ClientQuery())[:3]
    changed = cs.set_marked_for_deletion(demo_base, ids, True, None)
    assert sorted(changed) == sorted(ids)
    remaining = _all_ids(search, cs.ClientQuery())
    assert not set(ids) & set(remaining)
    assert set(ids) <= set(_all_ids(search, cs.ClientQuery(show_marked=True)))
    rows = search.rows_by_ids(cs.ClientQuery(), ids)
    assert all(r["marked_for_deletion"] for r in rows)
    assert sorted(cs.set_marked_for_deletion(demo_base, ids, False, None)) == sorted(ids)
    assert set(ids) <= set(_all_ids(search, cs.ClientQuery()))
    with demo_base.sessions() as session:
        log = session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "clients", ChangeLog.field == "marked_for_deletion",
            ChangeLog.row_id == ids[0]).order_by(ChangeLog.id)).all()
    assert [(r.old_value, r.new_value) for r in log] == [("нет", "да"), ("да", "нет")]


def test_toggle_favourite(demo_base) -> None:
    with demo_base.sessions() as session:
        me = session.scalars(select(Employee.id).order_by(Employee.id)).first()
    search = cs.ClientSearch(demo_base)
    ids = _all_ids(search, cs.ClientQuery())[5:8]
    assert cs.set_favourite(demo_base, ids[:1], me) is True
    # Mixed selection: everybody gets the star.
    assert cs.set_favourite(demo_base, ids, me) is True
    assert cs.favourite_ids(demo_base, ids, me) == set(ids)
    favs = _all_ids(search, cs.ClientQuery(preset=cs.ClientPreset.FAVOURITES, employee_id=me))
    assert set(ids) <= set(favs)
    rows = search.page_after(cs.ClientQuery(employee_id=me, client_ids=tuple(ids)), None)
    assert all(r["favourite"] for r in rows)
    assert cs.set_favourite(demo_base, ids, me) is False
    with demo_base.sessions() as session:
        assert not session.scalars(select(Favourite).where(
            Favourite.employee_id == me, Favourite.client_id.in_(ids))).all()


def test_set_responsible_writes_change_log(demo_base) -> None:
    with demo_base.sessions() as session:
        direction = session.scalars(select(Direction).order_by(Direction.id)).first()
        employee = session.scalars(select(Employee).order_by(Employee.id.desc())).first()
    search = cs.ClientSearch(demo_base)
    ids = _all_ids(search, cs.ClientQuery())[:10]
    changed = cs.set_responsible(demo_base, ids, direction.id, employee.id, employee.id)
    assert changed
    with demo_base.sessions() as session:
        owners = dict(session.execute(select(Responsibility.client_id, Responsibility.employee_id)
                                      .where(Responsibility.direction_id == direction.id,
                                             Responsibility.client_id.in_(ids))).tuples().all())
        log = session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "responsibilities",
            ChangeLog.client_id.in_(changed))).all()
        versions = session.scalars(select(Client.version).where(Client.id.in_(changed))).all()
    assert owners == {cid: employee.id for cid in ids}
    assert {r.client_id for r in log} == set(changed)
    assert all(r.new_value == employee.full_name and r.employee_id == employee.id for r in log)
    assert all(r.field == f"responsible:{direction.code}" for r in log)
    assert all(v > 1 for v in versions)
    # Setting the same again changes nothing and logs nothing.
    assert cs.set_responsible(demo_base, ids, direction.id, employee.id, employee.id) == []
