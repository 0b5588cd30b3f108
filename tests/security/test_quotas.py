"""The КЦ quota tables on the server base (migration 0015), attacked as the office's
employees would: with their own logins from psql and from the program. Plans are read by
everybody and written only with «Квоты КК/ОГ»; a quota mark is seen and written exactly
where its client is, names its distributive's own client, and its author is the login's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.domain.quotas import QuotaKind
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.money import quotas
from vostok_desktop.services.money.quotas import PlanData

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

NEW_DISTRIBUTIVE = (
    "insert into distributives (number, system_id, kind, series, network_size, status, "
    "status_since, last_moved_on, client_id, notes, created_at, updated_at, version) "
    "values (%s, %s, 'local', '', 1, 'served', current_date, current_date, %s, '', now(), "
    "now(), 1) returning id")
NEW_MARK = ("insert into distributive_kc_quotas (distributive_id, client_id, kind, valid_from, "
            "note, created_at, created_by_id) values (%s, %s, %s, '2026-01-01', '', now(), %s) "
            "returning id, created_by_id")
NEW_PLAN = ("insert into kc_quota_plans (year, department_id, kind, quota, max_percent, "
            "updated_at, updated_by_id) values (%s, NULL, %s, %s, 80, now(), %s) "
            "returning id, updated_by_id")


@dataclass
class Marks:
    client_a: int
    client_b: int
    dist_a: int  # served at «a»'s client, no mark
    dist_a2: int  # served at «a»'s client, marked КК
    dist_b: int  # served at «b»'s client, marked ОГ
    mark_a: int
    mark_b: int
    plan: int  # the company's КК plan for 2030


def _marks(office: Office) -> Marks:
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    tag = uuid.uuid4().hex[:6]
    with office.superuser() as su:
        system = su.execute(
            "insert into product_systems (code, title, kind, series, network_size, "
            "is_active, notes, version) values (%s, 'КП Тест', 'local', '', 1, true, '', 1) "
            "returning id", (f"QT-{tag}",)).fetchone()[0]
        dist_a, dist_a2, dist_b = (
            su.execute(NEW_DISTRIBUTIVE, (f"{tag}{i}", system, client)).fetchone()[0]
            for i, client in enumerate((client_a, client_a, client_b)))
        mark_a = su.execute(NEW_MARK, (dist_a2, client_a, "kk", None)).fetchone()[0]
        mark_b = su.execute(NEW_MARK, (dist_b, client_b, "og", None)).fetchone()[0]
        plan = su.execute(NEW_PLAN, (2030, "kk", 10, None)).fetchone()[0]
    return Marks(client_a, client_b, dist_a, dist_a2, dist_b, mark_a, mark_b, plan)


def test_quota_tables_are_guarded(office: Office) -> None:
    with office.superuser() as su:
        rls = dict(su.execute("select relname, relrowsecurity from pg_class where relname in "
                              "('distributive_kc_quotas', 'kc_quota_plans')").fetchall())
        assert rls == {"distributive_kc_quotas": True, "kc_quota_plans": False}
        assert su.execute("select count(*) from access_rights where code = 'money.quotas' "
                          "and title = 'Квоты КК/ОГ'").fetchone()[0] == 1
        holders = {r[0] for r in su.execute(
            "select role from role_rights where right_code = 'money.quotas'")}
        assert holders == {"admin", "head"}


def test_plans_need_the_right_even_from_psql(office: Office) -> None:
    m = _marks(office)
    with office.psql("a") as conn:  # a manager: no «Квоты КК/ОГ»
        assert conn.execute("select quota from kc_quota_plans where id = %s",
                            (m.plan,)).fetchone() == (10,)  # everybody reads the plans
        for sql, args in ((NEW_PLAN, (2027, "kk", 5, None)),
                          ("update kc_quota_plans set quota = 1000 where id = %s", (m.plan,)),
                          ("update kc_quota_plans set max_percent = 100", ()),
                          ("delete from kc_quota_plans where id = %s", (m.plan,))):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Квоты КК/ОГ"):
                conn.execute(sql, args)
    with office.superuser() as su:
        assert su.execute("select quota, max_percent from kc_quota_plans where id = %s",
                          (m.plan,)).fetchone() == (10, 80)
        assert su.execute("select count(*) from kc_quota_plans where year = 2027"
                          ).fetchone()[0] == 0
    # The program says so in Russian.
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Нет права «Квоты КК/ОГ»"):
            quotas.save_plans(base, 2026, [PlanData(None, QuotaKind.OG, 3, "80")],
                              office.ids["a"])
    finally:
        base.close()
    # A head may, and the editor is the login, whatever the statement says.
    with office.psql("head") as conn:
        pid, editor = conn.execute(NEW_PLAN, (2027, "og", 5, office.ids["a"])).fetchone()
        assert editor == office.ids["head"]
        conn.execute("update kc_quota_plans set quota = 6, updated_by_id = %s where id = %s",
                     (office.ids["b"], pid))
        assert conn.execute("select quota, updated_by_id from kc_quota_plans where id = %s",
                            (pid,)).fetchone() == (6, office.ids["head"])


def test_marks_of_invisible_clients_are_invisible_and_not_writable(office: Office) -> None:
    m = _marks(office)
    with office.psql("a") as conn:
        seen = {r[0] for r in conn.execute("select id from distributive_kc_quotas")}
        assert m.mark_a in seen and m.mark_b not in seen
        # Closing or deleting «b»'s mark touches nothing.
        assert conn.execute("update distributive_kc_quotas set valid_to = '2026-02-01' "
                            "where id = %s", (m.mark_b,)).rowcount == 0
        assert conn.execute("delete from distributive_kc_quotas where id = %s",
                            (m.mark_b,)).rowcount == 0
        # A mark on «b»'s distributive: neither under «b»'s client nor under one's own.
        for client in (m.client_b, m.client_a):
            with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
                conn.execute(NEW_MARK, (m.dist_b, client, "kk", None))
        # One's own distributive under another client's name is refused too.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_MARK, (m.dist_a, m.client_b, "kk", None))
    with office.superuser() as su:
        assert su.execute("select valid_to from distributive_kc_quotas where id = %s",
                          (m.mark_b,)).fetchone() == (None,)
        assert su.execute("select count(*) from distributive_kc_quotas where distributive_id "
                          "in (%s, %s)", (m.dist_a, m.dist_b)).fetchone()[0] == 1
    # Through the program: «a» does not even find «b»'s marks.
    base = office.open_as("a")
    try:
        assert quotas.distributive_marks(base, m.dist_b) == []
        assert [r.id for r in quotas.distributive_marks(base, m.dist_a2)] == [m.mark_a]
    finally:
        base.close()


def test_mark_author_is_stamped_and_kept(office: Office) -> None:
    m = _marks(office)
    with office.psql("a") as conn:
        mid, author = conn.execute(NEW_MARK, (m.dist_a, m.client_a, "og",
                                              office.ids["b"])).fetchone()
        assert author == office.ids["a"]  # the forged author is replaced
        for column, value in (("created_by_id", office.ids["b"]), ("kind", "kk"),
                              ("client_id", m.client_b), ("valid_from", "2020-01-01")):
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute(f"update distributive_kc_quotas set {column} = %s "  # noqa: S608
                             "where id = %s", (value, mid))
        # Closing and annotating are what a mark allows.
        conn.execute("update distributive_kc_quotas set valid_to = '2026-06-30', "
                     "note = 'закрыта' where id = %s", (mid,))
    # An engineer without the client in view cannot mark it from the program either: for
    # the engineer the distributive is not there.
    base = office.open_as("eng")
    try:
        with pytest.raises(MovementRefused, match="Дистрибутив не найден"):
            quotas.set_mark(base, m.dist_a, QuotaKind.KK, date(2026, 7, 1),
                            office.ids["eng"])
    finally:
        base.close()
    with office.superuser() as su:
        assert su.execute("select valid_to, note, created_by_id from distributive_kc_quotas "
                          "where id = %s", (mid,)).fetchone() == (
            date(2026, 6, 30), "закрыта", office.ids["a"])
        logged = {r[0] for r in su.execute(
            "select field from change_log where table_name = 'distributive_kc_quotas' "
            "and row_id = %s and client_id = %s", (mid, m.client_a))}
        assert {"kind", "valid_to"} <= logged
