"""Distributives on the server base (migration 0010), attacked as the office's employees
would: with their own logins from psql and from the program. Visibility follows the
client; writes need «Движение дистрибутивов», «Склад», «ЗВЭ/КЦ файлы», «Каталог систем»;
the server names who did what; movements are a record nobody rewrites."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from tests.security.test_psql_attacks import _notices
from vostok_desktop.domain import SystemKind
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.distributives import catalogue, kits, movements, warehouse
from vostok_desktop.services.distributives.common import MovementRefused

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

NEW_DISTRIBUTIVE = (
    "insert into distributives (number, system_id, kind, series, network_size, status, "
    "status_since, last_moved_on, client_id, notes, created_at, updated_at, version) "
    "values (%s, %s, 'local', '', 1, %s, current_date, current_date, %s, '', now(), now(), "
    "1) returning id")
NEW_MOVEMENT = (
    "insert into distributive_movements (distributive_id, kind, moved_on, from_client_id, "
    "to_client_id, status_after, employee_id, note, created_at) values "
    "(%s, %s, current_date, %s, %s, %s, %s, '', %s) returning id, employee_id, created_at")
NEW_KIT = ("insert into kits (client_id, title, address, ask_expert, notes, created_at, "
           "updated_at, version{extra}) values (%s, %s, '', %s, '', now(), now(), 1{values}) "
           "returning id, created_by_id")


@dataclass
class Stock:
    system: int
    mine: int  # served at a client of «a»
    theirs: int  # served at a client of «b»
    free: int  # in stock
    reserved_b: int  # in stock, reserved for «b»'s client
    kit_a: int
    kit_b: int
    client_a: int
    client_b: int


def _stock(office: Office) -> Stock:
    base, adm = office.admin_base, office.ids["adm"]
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    system = catalogue.create_system(base, catalogue.SystemData(
        "КП-ПРОФ", "КонсультантПлюс: Версия Проф", SystemKind.LOCAL), adm)
    mine, theirs, free, reserved_b = warehouse.receive(base, [
        warehouse.ReceiptLine(n, system) for n in ("510001", "510002", "510003", "510004")],
        date(2024, 1, 10), adm)
    kit_a = kits.create_kit(base, kits.KitData(client_a, "Офис А"), adm)
    kit_b = kits.create_kit(base, kits.KitData(client_b, "Офис Б"), adm)
    day = date(2024, 2, 1)
    movements.connect(base, mine, client_a, day, adm, kit_id=kit_a)
    movements.connect(base, theirs, client_b, day, adm, kit_id=kit_b)
    warehouse.reserve(base, reserved_b, day, adm, client_id=client_b)
    return Stock(system, mine, theirs, free, reserved_b, kit_a, kit_b, client_a, client_b)


def _ids(conn: psycopg.Connection, sql: str, *args: object) -> set[int]:
    return {r[0] for r in conn.execute(sql, args)}


def _ours(st: Stock) -> list[int]:
    """The test's own distributives (the demo base has its own as well)."""
    return [st.mine, st.theirs, st.free, st.reserved_b]


# Distributives / kits a login sees at a client it does not see: none may exist.
AT_INVISIBLE = ("select count(*) from {t} x where x.client_id is not null and not exists "
                "(select 1 from clients c where c.id = x.client_id)")


def test_new_tables_have_policies_that_check_writes_as_reads(office: Office) -> None:
    with office.superuser() as su:
        rows = su.execute(
            "select c.relname, c.relrowsecurity, p.polname, "
            "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
            "from pg_class c left join pg_policy p on p.polrelid = c.oid "
            "and p.polname = 'vostok_see_limited' where c.relname in "
            "('kits', 'distributives', 'distributive_movements')").fetchall()
        assert {r[0] for r in rows} == {"kits", "distributives", "distributive_movements"}
        for table, secured, policy, using, check in rows:
            assert secured and policy == "vostok_see_limited" and using == check, table
        grants = {r[0] for r in su.execute(
            "select privilege_type from information_schema.role_table_grants "
            "where grantee = 'vostok_user' and table_name = 'distributive_movements'")}
        assert grants == {"SELECT", "INSERT"}


def test_distributives_are_visible_exactly_where_their_client_is(office: Office) -> None:
    st = _stock(office)
    with office.superuser() as su:
        everything = su.execute("select count(*) from distributives").fetchone()[0]
    with office.psql("a") as conn:
        assert _ids(conn, "select id from distributives where id = any(%s)", _ours(st)) == \
            {st.mine, st.free, st.reserved_b}
        assert _ids(conn, "select id from kits where id = any(%s)",
                    [st.kit_a, st.kit_b]) == {st.kit_a}
        for table in ("distributives", "kits"):
            assert conn.execute(AT_INVISIBLE.format(t=table)).fetchone()[0] == 0, table
        assert conn.execute("select count(*) from distributives").fetchone()[0] < everything
        assert _ids(conn, "select kind::text from distributive_movements "
                          "where distributive_id = %s", st.mine) == {"receipt", "connect"}
        # The receipt of «b»'s distributive is the warehouse's: everybody's; its
        # connection and the reservation for «b»'s client are not.
        assert _ids(conn, "select kind::text from distributive_movements where "
                          "distributive_id in (%s, %s)", st.theirs, st.reserved_b) == \
            {"receipt"}
        assert conn.execute("select count(*) from distributive_movements where "
                            "to_client_id = %s", (st.client_b,)).fetchone()[0] == 0
        assert conn.execute("select count(*) from change_log where table_name in "
                            "('distributives', 'distributive_movements', 'kits') and "
                            "client_id = %s", (st.client_b,)).fetchone()[0] == 0
    with office.psql("b") as conn:
        assert _ids(conn, "select id from distributives where id = any(%s)", _ours(st)) == \
            {st.theirs, st.free, st.reserved_b}
        assert conn.execute(AT_INVISIBLE.format(t="distributives")).fetchone()[0] == 0
        assert conn.execute("select count(*) from change_log where table_name = "
                            "'distributives' and client_id = %s",
                            (st.client_b,)).fetchone()[0] > 0
    with office.psql("eng") as conn:  # own clients only: not «a»'s, though in department А
        assert st.mine not in _ids(conn, "select id from distributives")
    with office.psql("op") as conn:  # sees every client
        assert {st.mine, st.theirs} <= _ids(conn, "select id from distributives")


def test_nothing_is_written_about_a_client_one_cannot_see(office: Office) -> None:
    st = _stock(office)
    with office.superuser() as su:
        before = su.execute("select (select count(*) from kits), "
                            "(select count(*) from distributive_movements), "
                            "(select string_agg(id || ':' || coalesce(client_id, 0) || ':' || "
                            "status, ',' order by id) from distributives)").fetchone()
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute(NEW_KIT.format(extra="", values=""), (st.client_b, "Шпион", False))
        # «b»'s distributive cannot be reached, nor «a»'s handed to «b»'s client.
        assert conn.execute("update distributives set notes = 'моё' where id = %s",
                            (st.theirs,)).rowcount == 0
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute("update distributives set client_id = %s, kit_id = null "
                         "where id = %s", (st.client_b, st.mine))
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_MOVEMENT, (st.mine, "transfer", st.client_a, st.client_b,
                                        "served", None, None))
        # A warehouse-looking movement about a distributive one cannot see.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_MOVEMENT, (st.theirs, "disconnect", None, None,
                                        "disconnected", None, None))
    as_a = office.open_as("a")
    try:
        with pytest.raises(MovementRefused, match="клиент не найден"):
            movements.transfer(as_a, st.mine, st.client_b, date(2024, 3, 1), office.ids["a"])
        with pytest.raises(MovementRefused, match="Дистрибутив не найден"):
            movements.disconnect(as_a, st.theirs, date(2024, 3, 1), office.ids["a"])
    finally:
        as_a.close()
    with office.superuser() as su:
        assert su.execute("select (select count(*) from kits), "
                          "(select count(*) from distributive_movements), "
                          "(select string_agg(id || ':' || coalesce(client_id, 0) || ':' || "
                          "status, ',' order by id) from distributives)").fetchone() == before


def test_who_did_it_is_the_servers_and_movements_are_a_record(office: Office) -> None:
    st = _stock(office)
    a, b = office.ids["a"], office.ids["b"]
    with office.psql("a") as conn:
        _, author, created = conn.execute(NEW_MOVEMENT, (
            st.mine, "kit_add", st.client_a, st.client_a, "served", b,
            "2000-01-01T00:00:00+00:00")).fetchone()
        assert author == a and created.year > 2000
        kit, creator = conn.execute(NEW_KIT.format(
            extra=", created_by_id, updated_by_id", values=f", {b}, {b}"),
            (st.client_a, "Свой", False)).fetchone()
        assert creator == a
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update kits set created_by_id = %s where id = %s", (b, kit))
        conn.execute("update distributives set notes = 'без подписи' where id = %s",
                     (st.mine,))
        for statement in ("update distributive_movements set note = 'переписано'",
                          "delete from distributive_movements",
                          "truncate distributive_movements"):
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute(statement)
    with office.psql("head") as conn:  # seeing everything is no licence to rewrite
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("delete from distributive_movements where distributive_id = %s",
                         (st.mine,))
    with office.superuser() as su:
        assert su.execute("select updated_by_id from distributives where id = %s",
                          (st.mine,)).fetchone() == (a,)
        assert su.execute("select count(*) from distributive_movements where note = "
                          "'переписано'").fetchone() == (0,)
        assert su.execute("select employee_id from change_log where table_name = "
                          "'distributives' and row_id = %s and field = 'notes'",
                          (st.mine,)).fetchone() == (a,)


def test_the_catalogue_is_read_by_all_and_written_with_its_right(office: Office) -> None:
    st = _stock(office)
    with office.superuser() as su:
        catalogue_ids = _ids(su, "select id from product_systems")
        codes_before = {r[0] for r in su.execute("select code from product_systems")}
    with office.psql("a") as conn:
        assert st.system in catalogue_ids
        assert _ids(conn, "select id from product_systems") == catalogue_ids
        for statement, args in (
                ("insert into product_systems (code, title, kind, series, network_size, "
                 "is_active, notes, version) values ('X', 'Взлом', 'local', '', 1, true, "
                 "'', 1)", ()),
                ("update product_systems set title = 'Испорчено'", ()),
                ("delete from product_systems where id = %s", (st.system,))):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Каталог систем"):
                conn.execute(statement, args)
    as_adm = office.open_as("adm")
    try:
        catalogue.create_system(as_adm, catalogue.SystemData("КП-ЭКСП", "Эксперт"),
                                office.ids["adm"])
    finally:
        as_adm.close()
    with office.superuser() as su:
        codes = {r[0] for r in su.execute("select code from product_systems")}
        spoilt = su.execute("select count(*) from product_systems "
                            "where title = 'Испорчено'").fetchone()[0]
    assert codes == {*codes_before, "КП-ЭКСП"} and spoilt == 0


def test_warehouse_writes_need_the_stock_right(office: Office) -> None:
    st = _stock(office)
    with office.psql("a") as conn:  # a manager: «Движение дистрибутивов», no «Склад»
        refused = [
            (NEW_DISTRIBUTIVE, ("520001", st.system, "in_stock", None)),
            ("update distributives set status = 'reserved', reserved_for_client_id = %s "
             "where id = %s", (st.client_a, st.free)),
            ("delete from distributives where id = %s", (st.free,)),
            (NEW_MOVEMENT, (st.free, "receipt", None, None, "in_stock", None, None)),
            # taking a distributive reserved for another client to one's own
            ("update distributives set status = 'served', client_id = %s, "
             "reserved_for_client_id = null where id = %s", (st.client_a, st.reserved_b)),
        ]
        for statement, args in refused:
            with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Склад»"):
                conn.execute(statement, args)
                pytest.fail(statement)
    as_a = office.open_as("a")
    try:
        # The program's own check skipped (FULL_ACCESS): the server still refuses.
        with pytest.raises(access.AccessDenied, match="«Склад»"):
            warehouse.receive(as_a, [warehouse.ReceiptLine("520002", st.system)],
                              date(2024, 3, 1), office.ids["a"], profile=access.FULL_ACCESS)
        with pytest.raises(access.AccessDenied, match="«Склад»"):
            warehouse.reserve(as_a, st.free, date(2024, 3, 1), office.ids["a"],
                              client_id=st.client_a, profile=access.FULL_ACCESS)
        # A free distributive may be installed at one's own client (the move right).
        movements.connect(as_a, st.free, st.client_a, date(2024, 3, 1), office.ids["a"])
    finally:
        as_a.close()
    as_head = office.open_as("head")
    try:
        [new] = warehouse.receive(as_head, [warehouse.ReceiptLine("520003", st.system)],
                                  date(2024, 3, 1), office.ids["head"])
        warehouse.reserve(as_head, new, date(2024, 3, 2), office.ids["head"],
                          client_id=st.client_b)
    finally:
        as_head.close()
    with office.superuser() as su:
        assert su.execute("select count(*) from distributives where number in "
                          "('520001', '520002')").fetchone() == (0,)
        assert su.execute("select status::text, client_id from distributives where id = %s",
                          (st.free,)).fetchone() == ("served", st.client_a)
        assert su.execute("select status::text, employee_id from distributive_movements "
                          "m join distributives d on d.id = m.distributive_id where "
                          "d.number = '520003' order by m.id desc limit 1").fetchone() == \
            ("reserved", office.ids["head"])


def test_moving_needs_its_right_and_the_zve_flag_the_files_right(office: Office) -> None:
    st = _stock(office)
    for name in ("op", "tm"):  # neither has «Движение дистрибутивов»
        with office.psql(name) as conn:
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Нет права «Движение дистрибутивов»"):
                conn.execute("update distributives set status = 'served', client_id = %s "
                             "where id = %s", (office.clients["tm"][0], st.free))
                pytest.fail(name)
    with office.psql("op") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Движение"):
            conn.execute("update distributives set status = 'disconnected' where id = %s",
                         (st.mine,))
    with office.psql("op") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Движение"):
            conn.execute(NEW_MOVEMENT, (st.mine, "disconnect", st.client_a, st.client_a,
                                        "disconnected", None, None))
    with office.psql("a") as conn:
        conn.execute("update kits set title = 'Офис А (главный)' where id = %s",
                     (st.kit_a,))
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «ЗВЭ/КЦ файлы»"):
            conn.execute("update kits set ask_expert = true where id = %s", (st.kit_a,))
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «ЗВЭ/КЦ файлы»"):
            conn.execute(NEW_KIT.format(extra="", values=""), (st.client_a, "ЗВЭ", True))
    as_head = office.open_as("head")
    try:
        assert sorted(kits.set_ask_expert(as_head, [st.kit_a, st.kit_b], True,
                                          office.ids["head"])) == sorted([st.kit_a, st.kit_b])
    finally:
        as_head.close()
    with office.superuser() as su:
        assert su.execute("select status::text from distributives where id = %s",
                          (st.mine,)).fetchone() == ("served",)
        assert su.execute("select title, ask_expert, updated_by_id from kits where id = %s",
                          (st.kit_a,)).fetchone() == ("Офис А (главный)", True,
                                                      office.ids["head"])


def test_a_manager_moves_own_distributives_under_their_own_name(office: Office) -> None:
    st = _stock(office)
    as_a = office.open_as("a")
    try:
        profile = access.load_profile(as_a, office.ids["a"])
        assert profile.allows("distributives.move") and not profile.allows(
            "distributives.stock")
        # The program names «b» as the actor: the server writes «a», who is logged in.
        done = movements.disconnect(as_a, st.mine, date(2024, 3, 1), office.ids["b"],
                                    profile=profile)
    finally:
        as_a.close()
    with office.superuser() as su:
        assert su.execute("select employee_id from distributive_movements where id = %s",
                          (done.movement_id,)).fetchone() == (office.ids["a"],)
        lines = su.execute("select distinct employee_id, client_id from change_log where "
                           "(table_name = 'distributives' and row_id = %s) or "
                           "(table_name = 'distributive_movements' and row_id = %s) "
                           "and changed_at > now() - interval '1 minute'",
                           (st.mine, done.movement_id)).fetchall()
        assert (office.ids["a"], st.client_a) in lines
    with office.psql("b") as conn:
        assert conn.execute("select count(*) from distributive_movements where id = %s",
                            (done.movement_id,)).fetchone() == (0,)


def test_change_notices_of_distributives_reach_only_those_who_see_the_client(
        office: Office) -> None:
    st = _stock(office)
    with office.psql("a") as conn:
        conn.execute(f'listen "{conn.execute("select vostok_listen_channel()").fetchone()[0]}"')
        with office.superuser() as su:
            su.execute("update distributives set notes = 'секрет' where id = %s",
                       (st.theirs,))
            su.execute("update distributives set notes = 'своё' where id = %s", (st.mine,))
        notices = [json.loads(p) for p in _notices(conn)]
    ours = [n for n in notices if n["table"] == "distributives"]
    assert ours and all(n["clients"] == [st.client_a] and n["ids"] == [st.mine]
                        for n in ours)
