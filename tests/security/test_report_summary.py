"""The summaries of works (migration 0023) and of the clients worked with (0025) on the
server base, as the office's employees with their own logins: a limited manager reads
from them exactly what the works show them (the same totals, the same pivot table as from
the works, distinct clients too), nobody writes them or runs their upkeep, and a login's
own new work is counted in them by the database."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from psycopg import errors as pgerr
from vostok_reports.definitions import CLIENT_CONTACTS

from tests.security.conftest import Office
from tests.security.test_reports import NEW_WORK, _books, _shown
from vostok_desktop.services.reports.pivot import Filter, PivotQuery, run_pivot

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

WIDE = (date(2000, 1, 1), date(2030, 12, 31))
SOURCE_ONLY = dataclasses.replace(CLIENT_CONTACTS, summaries=())
UPKEEP = ("vostok_work_summary_rebuild()", "vostok_work_summary_rebuild(180)",
          "vostok_work_summary_works()", "vostok_work_summary_clients()",
          "vostok_work_summary_client_gone()", "vostok_work_summary_truncated()",
          "vostok_work_client_summary_works()", "vostok_work_client_summary_clients()",
          "vostok_work_client_summary_client_gone()",
          "vostok_work_client_summary_truncated()")
WRITES = (
    "insert into work_record_summary (visible_to, employee_id, month, kind, works, done, "
    "minutes) values ('{1}', 1, '2025-01-01', 'call', 1000, 0, 0)",
    "update work_record_summary set works = works + 1000",
    "delete from work_record_summary",
    "truncate work_record_summary",
    "alter table work_record_summary disable row level security",
    "alter table work_records disable trigger vostok_work_summary_insert",
    "create trigger x after insert on work_record_summary for each statement "
    "execute function vostok_work_summary_truncated()",
    "insert into work_client_summary (visible_to, employee_id, month, client_id, works) "
    "values ('{1}', 1, '2025-01-01', 1, 1000)",
    "update work_client_summary set works = works + 1000, visible_to = '{}'",
    "delete from work_client_summary",
    "truncate work_client_summary",
    "alter table work_client_summary disable row level security",
    "alter table work_records disable trigger vostok_work_client_summary_insert",
    "alter table clients disable trigger vostok_work_client_summary_owners",
)


def _totals(office: Office, name: str) -> tuple[int, int]:
    """(works the login sees, works its summary lines count)."""
    with office.psql(name) as conn:
        works = conn.execute("select count(*) from work_records").fetchone()[0]
        summed = conn.execute(
            "select coalesce(sum(works), 0) from work_record_summary where kind = '*'"
        ).fetchone()[0]
    return works, int(summed)


def _clients_seen(office: Office, name: str) -> tuple[object, object]:
    """(employee, month, client) met in the works the login sees, and in its lines of the
    summary of clients, with their numbers of works."""
    month = ("date_trunc('month', timezone('UTC', starts_at) "
             "+ make_interval(mins => vostok_work_summary_offset()))::date")
    with office.psql(name) as conn:
        works = conn.execute(f"select employee_id, {month}, client_id, count(*) "
                             "from work_records group by 1, 2, 3 order by 1, 2, 3").fetchall()
        lines = conn.execute("select employee_id, month, client_id, works "
                             "from work_client_summary order by 1, 2, 3").fetchall()
    return works, lines


def test_a_limited_manager_reads_from_the_summary_what_the_works_show(
        office: Office) -> None:
    books = _books(office)
    works, summed = _totals(office, "b")
    assert summed == works > 0
    everything = _totals(office, "adm")
    assert everything[0] == everything[1] > works  # there is something hidden from «b»
    seen, lines = _clients_seen(office, "b")
    assert seen == lines and seen
    assert len(_clients_seen(office, "adm")[1]) > len(lines)
    manager_b = office.open_as("b")
    try:
        for rows, columns, measures in (
                (("employee",), ("period",), ("count", "done")),
                (("employee_department",), ("kind",), ("count", "done")),
                (("employee",), ("period",), ("count", "clients")),
                (("employee_department",), (), ("clients",))):
            query = PivotQuery(rows=rows, columns=columns, measures=measures, period=WIDE)
            mine = run_pivot(manager_b, CLIENT_CONTACTS, query)
            assert mine.from_summary
            assert _shown(mine) == _shown(run_pivot(manager_b, SOURCE_ONLY, query))
            # …and the administrator's table restricted to the clients «b» sees.
            restricted = run_pivot(office.admin_base, CLIENT_CONTACTS, dataclasses.replace(
                query, filters=(Filter("client", tuple(sorted(books.visible))),)))
            assert not restricted.from_summary
            assert _shown(mine) == _shown(restricted)
        # «b»'s own work at «a»'s client is not in «b»'s summary.
        by_employee = run_pivot(manager_b, CLIENT_CONTACTS, PivotQuery(
            rows=("employee",), measures=("count",), period=(date(2025, 3, 1),
                                                             date(2025, 3, 31))))
        assert by_employee.from_summary
        assert by_employee.value((office.ids["b"],), (), "count") is None
    finally:
        manager_b.close()


def test_nobody_writes_the_summary_or_runs_its_upkeep(office: Office) -> None:
    _books(office)
    before = _totals(office, "adm")
    for name in ("b", "head", "adm"):
        with office.psql(name) as conn:
            for statement in WRITES:
                with pytest.raises(pgerr.InsufficientPrivilege):
                    conn.execute(statement)
            for function in UPKEEP:
                with pytest.raises(pgerr.InsufficientPrivilege, match="permission denied"):
                    conn.execute(f"select {function}")
    assert _totals(office, "adm") == before
    with office.superuser() as su:
        # The upkeep runs as the owner, with pg_temp last on its path.
        for (config,) in su.execute(
                "select p.proconfig from pg_proc p where p.proname like 'vostok_work_%summary%' "
                "and p.prosecdef"):
            path = next(c for c in config if c.startswith("search_path="))
            assert path.endswith("pg_temp"), path


def test_a_logins_new_work_is_counted_by_the_database(office: Office) -> None:
    books = _books(office)
    works, summed = _totals(office, "b")
    with office.psql("b") as conn:
        conn.execute(NEW_WORK, (books.client_b, office.ids["b"], "call", True,
                                "2025-06-02 10:00+00"))
        # A hidden client's work cannot be written by «b» (the works' own policy).
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_WORK, (books.client_a, office.ids["b"], "call", True,
                                    "2025-06-02 10:00+00"))
    assert _totals(office, "b") == (works + 1, summed + 1)
    seen, lines = _clients_seen(office, "b")
    assert seen == lines
    assert (office.ids["b"], date(2025, 6, 1), books.client_b, 1) in lines
    admin = run_pivot(office.admin_base, CLIENT_CONTACTS, PivotQuery(
        rows=("employee",), columns=("period",), measures=("count",),
        period=(date(2025, 6, 1), date(2025, 6, 30))))
    assert admin.from_summary
    assert admin.value((office.ids["b"],), ("2025-06-01",), "count") == 1
