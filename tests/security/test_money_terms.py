"""A distributive's dated terms on the server base (migration 0017), attacked as the
office's employees would: with their own logins from psql and from the program. Every
write needs «Скидки и VIP-программы»; a row is seen and written exactly where its client
is and names its distributive's own client; its author is the login's; its distributive
and client never change; overlapping periods are refused even from psql."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.money import distributive_terms as terms
from vostok_desktop.services.money.distributive_terms import TermData

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

NEW_DISTRIBUTIVE = (
    "insert into distributives (number, system_id, kind, series, network_size, status, "
    "status_since, last_moved_on, client_id, notes, created_at, updated_at, version) "
    "values (%s, %s, 'local', '', 1, 'served', current_date, current_date, %s, '', now(), "
    "now(), 1) returning id")
NEW_TERM = ("insert into distributive_terms (distributive_id, client_id, valid_from, "
            "valid_to, fixed_price, discount_percent, note, created_at, created_by_id) "
            "values (%s, %s, %s, %s, %s, NULL, '', now(), %s) returning id, created_by_id")


@dataclass
class Terms:
    client_a: int
    client_b: int
    dist_a: int  # at «a»'s client, a row from 2026-01-01 to 2026-06-30
    dist_b: int  # at «b»'s client, an open row from 2026-01-01
    term_a: int
    term_b: int


def _terms(office: Office, managers_may: bool = True) -> Terms:
    """Two distributives with a row each; with ``managers_may`` the managers' role gets
    «Скидки и VIP-программы» (so what stops them is row-level security alone)."""
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    tag = uuid.uuid4().hex[:6]
    with office.superuser() as su:
        system = su.execute(
            "insert into product_systems (code, title, kind, series, network_size, "
            "is_active, notes, version) values (%s, 'КП Тест', 'local', '', 1, true, '', 1) "
            "returning id", (f"DT-{tag}",)).fetchone()[0]
        dist_a, dist_b = (su.execute(NEW_DISTRIBUTIVE, (f"{tag}{i}", system, client))
                          .fetchone()[0] for i, client in enumerate((client_a, client_b)))
        term_a = su.execute(NEW_TERM, (dist_a, client_a, "2026-01-01", "2026-06-30",
                                       "1000.00", None)).fetchone()[0]
        term_b = su.execute(NEW_TERM, (dist_b, client_b, "2026-01-01", None, "2000.00",
                                       None)).fetchone()[0]
        if managers_may:
            su.execute("insert into role_rights (role, right_code) values "
                       "('manager', 'money.discounts') on conflict do nothing")
    return Terms(client_a, client_b, dist_a, dist_b, term_a, term_b)


def test_the_table_is_guarded(office: Office) -> None:
    with office.superuser() as su:
        assert su.execute("select relrowsecurity from pg_class where relname = "
                          "'distributive_terms'").fetchone() == (True,)
        policies = {r[0] for r in su.execute(
            "select policyname from pg_policies where tablename = 'distributive_terms'")}
        assert policies == {"vostok_see_all", "vostok_see_limited", "vostok_names_visible"}
        # The overlap check is a trigger, callable by nobody; the old columns are empty.
        assert su.execute("select has_function_privilege(%s, "
                          "'vostok_terms_no_overlap()', 'EXECUTE')",
                          (office.logins["a"],)).fetchone() == (False,)
        config = su.execute("select proconfig::text from pg_proc where proname = "
                            "'vostok_terms_no_overlap'").fetchone()[0]
        assert config.rstrip('"}').endswith("pg_temp")
    with office.psql("a") as conn:
        for sql in ("select vostok_terms_no_overlap()",
                    "truncate distributive_terms"):
            with pytest.raises((pgerr.InsufficientPrivilege, pgerr.FeatureNotSupported,
                                pgerr.UndefinedFunction)):
                conn.execute(sql)


def test_writes_need_the_right_even_from_psql(office: Office) -> None:
    t = _terms(office, managers_may=False)
    with office.psql("a") as conn:  # a manager: no «Скидки и VIP-программы»
        assert conn.execute("select fixed_price from distributive_terms where id = %s",
                            (t.term_a,)).fetchone()[0] == 1000  # reading is allowed
        for sql, args in ((NEW_TERM, (t.dist_a, t.client_a, "2026-07-01", None, "1.00",
                                      None)),
                          ("update distributive_terms set fixed_price = 1 where id = %s",
                           (t.term_a,)),
                          ("delete from distributive_terms where id = %s", (t.term_a,))):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Скидки и VIP-программы"):
                conn.execute(sql, args)
    with office.superuser() as su:
        assert su.execute("select fixed_price from distributive_terms where distributive_id "
                          "= %s", (t.dist_a,)).fetchall() == [(1000,)]
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Скидки и VIP-программы"):
            terms.save_term(base, t.dist_a, TermData(date(2026, 7, 1), None, "1"),
                            office.ids["a"])
    finally:
        base.close()


def test_rows_of_invisible_clients_are_invisible_and_not_writable(office: Office) -> None:
    t = _terms(office)
    with office.psql("a") as conn:
        seen = {r[0] for r in conn.execute("select id from distributive_terms")}
        assert t.term_a in seen and t.term_b not in seen
        assert conn.execute("update distributive_terms set fixed_price = 1 where id = %s",
                            (t.term_b,)).rowcount == 0
        assert conn.execute("delete from distributive_terms where id = %s",
                            (t.term_b,)).rowcount == 0
        # A row on «b»'s distributive, under either client; one's own under «b»'s client.
        for dist, client in ((t.dist_b, t.client_b), (t.dist_b, t.client_a),
                             (t.dist_a, t.client_b)):
            with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
                conn.execute(NEW_TERM, (dist, client, "2030-01-01", None, "1.00", None))
    with office.superuser() as su:
        assert su.execute("select fixed_price from distributive_terms where id = %s",
                          (t.term_b,)).fetchone() == (2000,)
        assert su.execute("select count(*) from distributive_terms where valid_from = "
                          "'2030-01-01'").fetchone() == (0,)
    base = office.open_as("a")  # through the program «b»'s rows are not there at all
    try:
        assert terms.list_terms(base, t.dist_b) == []
        assert [r.id for r in terms.list_terms(base, t.dist_a)] == [t.term_a]
        with pytest.raises(MovementRefused, match="Дистрибутив не найден"):
            terms.save_term(base, t.dist_b, TermData(date(2030, 1, 1), None, "1"),
                            office.ids["a"])
    finally:
        base.close()


def test_author_is_stamped_and_the_row_stays_its_distributives(office: Office) -> None:
    t = _terms(office)
    with office.psql("a") as conn:
        tid, author = conn.execute(NEW_TERM, (t.dist_a, t.client_a, "2026-07-01", None,
                                              "1500.50", office.ids["b"])).fetchone()
        assert author == office.ids["a"]  # the forged author is replaced
        for column, value in (("created_by_id", office.ids["b"]),
                              ("distributive_id", t.dist_b), ("client_id", t.client_b)):
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute(f"update distributive_terms set {column} = %s "  # noqa: S608
                             "where id = %s", (value, tid))
        # Dates, values and the note are what a row allows to change.
        conn.execute("update distributive_terms set valid_to = '2026-12-31', "
                     "fixed_price = 1600, note = 'по письму' where id = %s", (tid,))
    with office.superuser() as su:
        assert su.execute("select valid_to, fixed_price, note, created_by_id from "
                          "distributive_terms where id = %s", (tid,)).fetchone() == (
            date(2026, 12, 31), 1600, "по письму", office.ids["a"])
        logged = {r[0] for r in su.execute(
            "select field from change_log where table_name = 'distributive_terms' "
            "and row_id = %s and client_id = %s", (tid, t.client_a))}
        assert {"fixed_price", "valid_to", "note"} <= logged


def test_overlapping_periods_are_refused_even_from_psql(office: Office) -> None:
    t = _terms(office)
    with office.psql("a") as conn:
        for start, end in (("2026-06-30", None), ("2025-01-01", "2026-01-01"),
                           ("2026-03-01", "2026-03-31")):
            with pytest.raises(pgerr.CheckViolation,
                               match="пересекаются с условиями с 01.01.2026"):
                conn.execute(NEW_TERM, (t.dist_a, t.client_a, start, end, "1.00", None))
        # Moving the row's start back into another row is refused too.
        later = conn.execute(NEW_TERM, (t.dist_a, t.client_a, "2026-07-01", None, "1.00",
                                        None)).fetchone()[0]
        with pytest.raises(pgerr.CheckViolation, match="пересекаются"):
            conn.execute("update distributive_terms set valid_from = '2026-06-01' "
                         "where id = %s", (later,))
        # Neither a price and a discount together, nor neither, nor a date out of order.
        for sql in ("update distributive_terms set discount_percent = 5 where id = %s",
                    "update distributive_terms set fixed_price = NULL where id = %s",
                    "update distributive_terms set valid_to = '2026-01-01' where id = %s"):
            with pytest.raises(pgerr.CheckViolation):
                conn.execute(sql, (later,))
    base = office.open_as("a")  # the program says so in Russian, naming the period
    try:
        with pytest.raises(MovementRefused, match="пересекается с условиями с 01.07.2026"):
            terms.save_term(base, t.dist_a, TermData(date(2027, 1, 1), None, "1"),
                            office.ids["a"])
    finally:
        base.close()
