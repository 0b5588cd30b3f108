"""The KPI tables on the server base (migration 0016), attacked as the office's
employees would: with their own logins from psql and from the program. Every login reads
indicators, plans and sets; indicators and sets are written only with «Настройка
показателей KPI», plans only with «Планы KPI»; the author and editor are the login's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.kpi import indicators, plans, sets
from vostok_desktop.services.kpi.indicators import IndicatorData
from vostok_desktop.services.kpi.plans import PlanCell, Subject

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

TABLES = ("kpi_indicators", "kpi_plans", "kpi_sets", "kpi_set_items")
NEW_INDICATOR = (
    "insert into kpi_indicators (code, title, kind, report_key, measure_key, unit, "
    "higher_is_better, archived, created_at, created_by_id) values "
    "(%s, 'Контакты', 'measure', 'client_contacts', 'count', 'шт', true, false, now(), %s) "
    "returning id, created_by_id")
NEW_PLAN = ("insert into kpi_plans (indicator_id, employee_id, period_kind, period_start, "
            "value, updated_at, updated_by_id) values (%s, %s, 'month', %s, %s, now(), %s) "
            "returning id, updated_by_id")
NEW_SET = ("insert into kpi_sets (title, role, updated_at, updated_by_id) values "
           "(%s, NULL, now(), %s) returning id, updated_by_id")
NEW_ITEM = ("insert into kpi_set_items (set_id, indicator_id, position) values (%s, %s, 1) "
            "returning id")


@dataclass
class Kpi:
    indicator: int
    plan: int
    set: int
    tag: str


def _kpi(office: Office) -> Kpi:
    tag = uuid.uuid4().hex[:6]
    with office.superuser() as su:
        indicator = su.execute(NEW_INDICATOR, (f"к{tag}", None)).fetchone()[0]
        plan = su.execute(NEW_PLAN, (indicator, office.ids["a"], "2027-01-01", 10, None)
                          ).fetchone()[0]
        kset = su.execute(NEW_SET, (f"Набор {tag}", None)).fetchone()[0]
        su.execute(NEW_ITEM, (kset, indicator))
    return Kpi(indicator, plan, kset, tag)


def test_kpi_tables_are_guarded(office: Office) -> None:
    with office.superuser() as su:
        rls = dict(su.execute("select relname, relrowsecurity from pg_class where relname "
                              "= any(%s)", (list(TABLES),)).fetchall())
        assert rls == dict.fromkeys(TABLES, True)
        titles = dict(su.execute("select code, title from access_rights where code like "
                                 "'kpi.%'").fetchall())
        assert titles == {"kpi.setup": "Настройка показателей KPI", "kpi.plans": "Планы KPI"}
        for right in titles:
            holders = {r[0] for r in su.execute(
                "select role from role_rights where right_code = %s", (right,))}
            assert holders == {"admin", "head"}
        # Nobody may truncate or add triggers; the sequences are not reset by users.
        for table in TABLES:
            assert su.execute("select has_table_privilege('vostok_user', %s, 'TRUNCATE'), "
                              "has_table_privilege('vostok_user', %s, 'TRIGGER')",
                              (table, table)).fetchone() == (False, False)


def test_everybody_reads_but_only_the_right_writes_even_from_psql(office: Office) -> None:
    k = _kpi(office)
    with office.psql("a") as conn:  # a manager: neither KPI right
        assert conn.execute("select title from kpi_indicators where id = %s",
                            (k.indicator,)).fetchone() == ("Контакты",)
        assert conn.execute("select value from kpi_plans where id = %s",
                            (k.plan,)).fetchone()[0] == 10
        assert conn.execute("select count(*) from kpi_set_items where set_id = %s",
                            (k.set,)).fetchone() == (1,)
        setup_attacks = (
            (NEW_INDICATOR, (f"x{k.tag}", None)),
            ("update kpi_indicators set formula = 'x', kind = 'formula' where id = %s",
             (k.indicator,)),
            ("delete from kpi_indicators where id = %s", (k.indicator,)),
            (NEW_SET, (f"Мой {k.tag}", None)),
            ("update kpi_sets set role = 'manager' where id = %s", (k.set,)),
            ("delete from kpi_set_items where set_id = %s", (k.set,)),
            ("update kpi_set_items set threshold = 0", ()),
            ("delete from kpi_sets where id = %s", (k.set,)),
        )
        for sql, args in setup_attacks:
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Настройка показателей KPI"):
                conn.execute(sql, args)
        for sql, args in ((NEW_PLAN, (k.indicator, office.ids["a"], "2027-02-01", 99, None)),
                          ("update kpi_plans set value = 1 where id = %s", (k.plan,)),
                          ("delete from kpi_plans", ())):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Планы KPI"):
                conn.execute(sql, args)
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("truncate kpi_plans")
    with office.superuser() as su:
        assert su.execute("select value from kpi_plans where indicator_id = %s",
                          (k.indicator,)).fetchall() == [(10,)]
        assert su.execute("select kind, archived from kpi_indicators where id = %s",
                          (k.indicator,)).fetchone() == ("measure", False)
        assert su.execute("select count(*) from kpi_set_items where set_id = %s",
                          (k.set,)).fetchone() == (1,)
    # The program says so in Russian.
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Нет права «Настройка показателей KPI»"):
            indicators.save_indicator(base, IndicatorData(
                f"y{k.tag}", "Y", IndicatorKind.MEASURE, "r", "m"), office.ids["a"])
        with pytest.raises(AccessDenied, match="Нет права «Настройка показателей KPI»"):
            sets.delete_set(base, k.set, office.ids["a"])
        with pytest.raises(AccessDenied, match="Нет права «Планы KPI»"):
            plans.save_plan_cells(base, k.indicator, PeriodKind.MONTH, Subject.EMPLOYEE,
                                  [PlanCell(office.ids["a"], date(2027, 1, 1), "1000")],
                                  office.ids["a"])
        # Reading works for everyone.
        grid = plans.plan_grid(base, k.indicator, 2027, "month", "employee")
        assert any(r.values[0] == 10 for r in grid.rows if r.subject_id == office.ids["a"])
    finally:
        base.close()


def test_authors_and_editors_are_the_login(office: Office) -> None:
    k = _kpi(office)
    with office.psql("head") as conn:
        iid, author = conn.execute(NEW_INDICATOR, (f"г{k.tag}", office.ids["a"])).fetchone()
        assert author == office.ids["head"]  # the forged author is replaced
        conn.execute("update kpi_indicators set title = 'Звонки' where id = %s", (iid,))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("update kpi_indicators set created_by_id = %s where id = %s",
                         (office.ids["b"], iid))
        pid, editor = conn.execute(NEW_PLAN, (iid, office.ids["b"], "2027-03-01", 5,
                                              office.ids["a"])).fetchone()
        assert editor == office.ids["head"]
        conn.execute("update kpi_plans set value = 6, updated_by_id = %s where id = %s",
                     (office.ids["b"], pid))
        assert conn.execute("select value, updated_by_id from kpi_plans where id = %s",
                            (pid,)).fetchone() == (6, office.ids["head"])
        sid, editor = conn.execute(NEW_SET, (f"Глава {k.tag}", office.ids["a"])).fetchone()
        assert editor == office.ids["head"]
    with office.superuser() as su:
        logged = {r[0] for r in su.execute(
            "select field from change_log where table_name = 'kpi_plans' and row_id = %s",
            (pid,))}
        assert "value" in logged
        assert su.execute("select count(*) from change_log where table_name = "
                          "'kpi_indicators' and row_id = %s and field = 'title'",
                          (iid,)).fetchone()[0] >= 1
    # From the program, with the rights: the head's edits go through.
    base = office.open_as("head")
    try:
        changed = plans.save_plan_cells(base, iid, "month", "employee", [
            PlanCell(office.ids["b"], date(2027, 3, 1), ""),
            PlanCell(office.ids["b"], date(2027, 4, 1), "7,5")], office.ids["head"])
        assert changed == 2
        sets.save_set(base, f"Глава {k.tag}", None, [sets.SetItemData(iid, "3")],
                      office.ids["head"], set_id=sid)
        assert [i.threshold for i in sets.get_set(base, sid).items] == [3]
    finally:
        base.close()


NEW_KIND = ("insert into assignment_kinds (name, distributed) values (%s, true) "
            "returning id")


def test_the_distribution_fact_is_written_only_with_the_work_settings_right(
        office: Office) -> None:
    """«Факт для распределения» (0022) is a column of the assignment kind: a login without
    «Настройка поручений и плана распределения» cannot set or clear it, from psql or the
    program; deleting the indicator (under «Настройка показателей KPI» alone) empties it."""
    from sqlalchemy.exc import DBAPIError

    from vostok_desktop.services.work import assignments as asg

    k = _kpi(office)
    with office.superuser() as su:
        kind = su.execute(NEW_KIND, (f"Обзвон {k.tag}",)).fetchone()[0]
        other = su.execute(NEW_INDICATOR, (f"д{k.tag}", None)).fetchone()[0]
    set_fact = "update assignment_kinds set fact_indicator_id = %s where id = %s"
    with office.psql("a") as conn:  # a manager
        with pytest.raises(pgerr.InsufficientPrivilege,
                           match="Настройка поручений и плана распределения"):
            conn.execute(set_fact, (k.indicator, kind))
    with office.psql("head") as conn:
        conn.execute(set_fact, (k.indicator, kind))
    with office.psql("a") as conn:
        for args in ((None, kind), (other, kind)):
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Настройка поручений и плана распределения"):
                conn.execute(set_fact, args)
    base = office.open_as("a")
    try:
        [row] = [r for r in asg.load_kinds(base) if r.id == kind]
        assert row.fact_indicator_id == k.indicator  # everybody reads it
        row.fact_indicator_id = None
        with pytest.raises(DBAPIError, match="Настройка поручений и плана распределения"):
            asg.save_kinds(base, [row], office.ids["a"])
    finally:
        base.close()
    with office.superuser() as su:
        assert su.execute("select fact_indicator_id from assignment_kinds where id = %s",
                          (kind,)).fetchone() == (k.indicator,)
        # The operator may set up KPI (and its plans, which go with a deleted indicator)
        # but not the distribution.
        su.execute("insert into role_rights (role, right_code) values ('operator', "
                   "'kpi.setup'), ('operator', 'kpi.plans')")
        su.execute("delete from kpi_set_items where indicator_id = %s", (k.indicator,))
    with office.psql("op") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege,
                           match="Настройка поручений и плана распределения"):
            conn.execute(set_fact, (other, kind))
        conn.execute("delete from kpi_indicators where id = %s", (k.indicator,))
    with office.superuser() as su:
        assert su.execute("select fact_indicator_id from assignment_kinds where id = %s",
                          (kind,)).fetchone() == (None,)
