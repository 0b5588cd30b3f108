"""The pivot engine (issue 15): «Контакты с клиентами» by employee × month over two
years of ``50 × --scale`` work records (default 5 000 000) on a demo base of
:data:`CLIENTS` clients with about fifty employees.

Work records are made by one ``INSERT … SELECT generate_series`` (random employee, random
client, ``starts_at`` spread over :data:`PERIOD`, random kinds; the triggers are off where the login
may switch them off, see :func:`generate_work_records`), then the server's summaries of
works and of the clients worked with (migrations 0023, 0025) are rebuilt and VACUUM
ANALYZE runs. They carry the subject :data:`MARK`,
so a run on the same ``--base`` reuses them.

Figures (medians of :data:`REPEAT` runs after a warm-up, owner and login interleaved):

- ``pivot_owner_ms_median`` — :func:`run_pivot` as the base's owner (no row-level security);
  the engine reads the summary (``pivot_from_summary`` 1);
- ``pivot_manager_ms_median`` — as a demo manager's own login, who sees their department's
  clients under the policies of 0007 (the summary's policy is the clients' one), and
  ``ratio_manager_vs_owner``;
- ``source_owner_ms_median``, ``source_manager_ms_median`` — the same report from the works
  themselves (the definition without its summary: what every report did before 0023),
  :data:`SOURCE_REPEAT` runs; ``ratio_source_vs_summary_owner``/``_manager``;
- ``gui_max_gap_ms`` — the longest gap between ticks of a 5 ms ``QTimer`` on the main
  thread's event loop while the report runs on another thread (``gui_idle_max_gap_ms``:
  the same loop with nothing running);
- ``summary_rebuild_s``, ``summary_lines``, ``client_summary_lines`` — the owner's rebuild
  of both summaries after the bulk load, and their sizes;
- ``work_insert_ms_median`` / ``work_insert_no_summary_ms_median`` — one work inserted (and
  rolled back) with and without the summaries' triggers: what keeping them costs a user;
- ``kpi_set_ms_median`` — a KPI set of ten indicators (see :func:`kpi_figures`).

``EXPLAIN ANALYZE`` of the engine's statement over the summary and over the works, as the
owner and as the manager, goes to stderr. Both tables are checked equal before timing.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from benchmarks.bench_rls import _login_for, _open_as
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee, EmployeeRole
from vostok_desktop.services.reports import pivot
from vostok_desktop.services.reports.periods import (
    PeriodGrouping,
    period_bounds_utc,
)

CLIENTS = 10_000  # demo clients of the base (filled_base's scale)
ROWS_PER_SCALE = 50  # work records per unit of --scale: 100 000 -> 5 000 000
EMPLOYEES = 50
REPEAT = 5
SOURCE_REPEAT = 3  # the works themselves: up to a minute a run at 5 M as the manager
MARK = "bench-pivot"
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))
KINDS = ("call", "call", "call", "meeting", "visit", "email", "letter")

GENERATE = """
WITH c AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM clients),
     e AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n
           FROM (SELECT id FROM employees WHERE is_active ORDER BY id LIMIT :employees) s),
     d AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM directions)
INSERT INTO work_records (client_id, employee_id, kind, done, starts_at, duration_min,
                          incoming, importance, direction_id, subject, result, created_at)
SELECT c.ids[1 + floor(random() * c.n)::int],
       e.ids[1 + floor(random() * e.n)::int],
       (CAST(:kinds AS text[]))[1 + floor(random() * :n_kinds)::int],
       random() < 0.8,
       :start + random() * (:end - :start),
       floor(random() * 60)::int,
       random() < 0.3,
       'normal',
       CASE WHEN d.n > 0 THEN d.ids[1 + floor(random() * d.n)::int] END,
       :mark, '', now()
FROM generate_series(1, :rows) AS g, c, e, d
"""

def _definition() -> pivot.ReportDefinition:
    # The plugin folder is on sys.path once plugins are loaded (as in the program).
    from vostok_desktop.plugins import load_plugins

    load_plugins()
    from vostok_reports.definitions import CLIENT_CONTACTS

    return CLIENT_CONTACTS


def pivot_query() -> pivot.PivotQuery:
    return pivot.PivotQuery(rows=("employee",), columns=("period",), measures=("count",),
                            grouping=PeriodGrouping.MONTH, period=PERIOD)


def _add_employees(base: OpenedBase) -> None:
    """Up to :data:`EMPLOYEES` active employees (plain rows, no logins)."""
    with base.sessions() as s, s.begin():
        have = len(s.scalars(select(Employee.id).where(Employee.is_active)).all())
        department = s.scalar(select(Employee.department_id).where(
            Employee.role == EmployeeRole.MANAGER, Employee.department_id.is_not(None))
            .order_by(Employee.id).limit(1))
        s.add_all(Employee(login=f"bench_pivot_{i}", full_name=f"Сотрудник Бенчмарков {i}",
                           role=EmployeeRole.MANAGER, department_id=department,
                           is_active=True)
                  for i in range(have, EMPLOYEES))


def generate_work_records(base: OpenedBase, rows: int) -> float:
    """Make ``rows`` marked work records (replacing earlier marked ones); seconds taken.
    Nothing is done when exactly ``rows`` are there already."""
    with base.engine.connect() as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        have = conn.scalar(text("select count(*) from work_records where subject = :m"),
                           {"m": MARK})
    if have == rows:
        return 0.0
    _add_employees(base)
    start_at, end_at = period_bounds_utc(*PERIOD)
    started = time.perf_counter()
    with base.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        # The rows name existing clients, employees and directions: as a superuser no
        # trigger runs (the foreign-key checks are most of the time); as the owner the
        # change-log and notification triggers are quiet; else all of them run.
        quiet = False
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        except DBAPIError:
            try:
                with conn.begin_nested():
                    conn.exec_driver_sql("ALTER TABLE work_records DISABLE TRIGGER USER")
                    quiet = True
            except DBAPIError:
                quiet = False
        conn.execute(text("delete from work_records where subject = :m"), {"m": MARK})
        conn.execute(text(GENERATE), {
            "employees": EMPLOYEES, "kinds": list(KINDS), "start": start_at,
            "end": end_at, "mark": MARK, "rows": rows, "n_kinds": len(KINDS)})
        if quiet:
            conn.exec_driver_sql("ALTER TABLE work_records ENABLE TRIGGER USER")
    with base.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.exec_driver_sql("VACUUM ANALYZE work_records")
    return time.perf_counter() - started


def _engine_statement(base: OpenedBase, definition: pivot.ReportDefinition,
                      query: pivot.PivotQuery) -> tuple[str, dict[str, Any]]:
    plan = pivot._plan(definition, query)
    definition, plan = pivot._summary_twin(base, definition, query, plan) or (definition, plan)
    statement = pivot._statement(base, definition, query, plan)
    compiled = statement.compile(dialect=base.engine.dialect)
    return compiled.string, dict(compiled.params)


def _settings(conn: Any, settings: dict[str, str]) -> None:
    conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
    for name, value in settings.items():
        conn.exec_driver_sql(f"SET LOCAL {name} = '{value}'")


def explain(base: OpenedBase, sql: str, params: dict[str, Any], raw: bool = True,
            settings: dict[str, str] | None = None) -> str:
    with base.engine.begin() as conn:
        _settings(conn, settings or {})
        statement = "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + sql
        rows = (conn.exec_driver_sql(statement, params) if raw
                else conn.execute(text(statement), params)).all()
    return "\n".join(r[0] for r in rows)


def _interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median ms of each, after one warm-up each, run in turn (the same noise for all)."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: round(statistics.median(s), 1) for name, s in samples.items()}


def gui_gaps(work: Callable[[], object]) -> tuple[float, float]:
    """Max gap (ms) between 5 ms timer ticks: idle for 1 s, then while ``work`` runs on
    another thread."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])

    def measure(done: Callable[[], bool]) -> float:
        ticks: list[float] = []
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(5)

        def tick() -> None:
            ticks.append(time.perf_counter())
            if done():
                loop.quit()

        timer.timeout.connect(tick)
        timer.start()
        loop.exec()
        timer.stop()
        return max((b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False))

    idle_until = time.perf_counter() + 1.0
    idle = measure(lambda: time.perf_counter() >= idle_until)
    errors: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    busy = measure(lambda: not worker.is_alive())
    worker.join()
    app.processEvents()
    if errors:
        raise errors[0]
    return round(idle, 1), round(busy, 1)


def _shown(result: pivot.PivotResult) -> tuple[object, ...]:
    return ([(h.key, h.labels) for h in result.row_headers],
            [(h.key, h.labels) for h in result.column_headers], result.cells)


def rebuild_summary(base: OpenedBase) -> tuple[float, int]:
    """The owner's rebuild of the summary of works (seconds, lines); (0, 0) without one."""
    with base.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        if not conn.scalar(text(
                "select to_regprocedure('vostok_work_summary_rebuild(integer)') is not null")):
            return 0.0, 0
        started = time.perf_counter()
        lines = conn.scalar(text("select vostok_work_summary_rebuild()"))
        seconds = time.perf_counter() - started
    with base.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE work_record_summary")
        if conn.scalar(text("select to_regclass('work_client_summary') is not null")):
            conn.exec_driver_sql("ANALYZE work_client_summary")
    return seconds, int(lines)


INSERT_ONE = """
INSERT INTO work_records (client_id, employee_id, kind, done, starts_at, duration_min,
                          incoming, importance, subject, result, created_at)
SELECT min(id), :employee, 'call', true, now(), 5, false, 'normal', :mark, '', now()
FROM clients
"""


def insert_figures(base: OpenedBase) -> dict[str, float]:
    """One work inserted and rolled back, with and without the summaries' triggers."""
    with base.engine.connect() as conn:
        employee = conn.scalar(text("select min(id) from employees where is_active"))
        triggers = list(conn.scalars(text(
            "select tgname from pg_trigger where tgrelid = 'work_records'::regclass "
            "and tgname like 'vostok_work_%summary_insert'")))

    def insert(quiet: bool) -> Callable[[], object]:
        def run() -> object:
            with base.engine.connect() as conn:
                with conn.begin() as tx:
                    if quiet:
                        for trigger in triggers:
                            conn.exec_driver_sql(
                                f"ALTER TABLE work_records DISABLE TRIGGER {trigger}")
                    conn.execute(text(INSERT_ONE), {"employee": employee, "mark": MARK})
                    tx.rollback()
            return None
        return run

    medians = _interleaved({"with": insert(False), "without": insert(True)}, 50)
    return {"work_insert_ms_median": medians["with"],
            "work_insert_no_summary_ms_median": medians["without"]}


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    if base.dialect != "postgresql":
        raise SystemExit("the pivot benchmark runs on PostgreSQL only")
    rows = scale * ROWS_PER_SCALE
    definition = _definition()
    source_only = dataclasses.replace(definition, summaries=())
    query = pivot_query()
    generation_s = generate_work_records(base, rows)
    figures: dict[str, float] = {"work_records": rows,
                                 "generate_s": round(generation_s, 1)}
    if generation_s:
        # The bulk load ran with the triggers off: the summary is rebuilt once.
        rebuild_s, lines = rebuild_summary(base)
        figures["summary_rebuild_s"] = round(rebuild_s, 1)
    with base.engine.connect() as conn:
        lines = conn.scalar(text("select count(*) from work_record_summary"))
        figures["client_summary_lines"] = conn.scalar(text(
            "select count(*) from work_client_summary"))
    figures["summary_lines"] = lines
    manager_login, _ = _login_for(base, EmployeeRole.MANAGER)
    as_manager = _open_as(base, manager_login)
    try:
        with as_manager.engine.connect() as conn:
            conn.exec_driver_sql("SET statement_timeout = 0")
            figures["manager_visible_clients"] = conn.scalar(text("select count(*) from clients"))
            figures["manager_visible_work_records"] = conn.scalar(text(
                "select count(*) from work_records where subject = :m"), {"m": MARK})
        owner_result = pivot.run_pivot(base, definition, query)
        figures["pivot_from_summary"] = int(owner_result.from_summary)
        figures["pivot_cells"] = len(owner_result.cells)
        figures["pivot_grand_total"] = owner_result.grand_total("count")
        for who in (base, as_manager):
            mine = pivot.run_pivot(who, definition, query)
            if _shown(mine) != _shown(pivot.run_pivot(who, source_only, query)):
                raise RuntimeError("the summary and the works disagree")

        for title, who, used in (("over the summary, as the owner", base, definition),
                                 ("over the summary, as the manager", as_manager, definition),
                                 ("over the works, as the owner", base, source_only),
                                 ("over the works, as the manager", as_manager, source_only)):
            sql, params = _engine_statement(who, used, query)
            print(f"\n-- EXPLAIN ANALYZE, the engine's statement {title}:\n"
                  + explain(who, sql, params, True), file=sys.stderr, flush=True)

        medians = _interleaved({
            "owner": lambda: pivot.run_pivot(base, definition, query),
            "manager": lambda: pivot.run_pivot(as_manager, definition, query),
        }, REPEAT)
        source = _interleaved({
            "owner": lambda: pivot.run_pivot(base, source_only, query),
            "manager": lambda: pivot.run_pivot(as_manager, source_only, query),
        }, SOURCE_REPEAT)
        figures["pivot_owner_ms_median"] = medians["owner"]
        figures["pivot_manager_ms_median"] = medians["manager"]
        figures["ratio_manager_vs_owner"] = round(medians["manager"] / medians["owner"], 2)
        figures["source_owner_ms_median"] = source["owner"]
        figures["source_manager_ms_median"] = source["manager"]
        figures["ratio_source_vs_summary_owner"] = round(source["owner"] / medians["owner"], 1)
        figures["ratio_source_vs_summary_manager"] = round(
            source["manager"] / medians["manager"], 1)

        idle, busy = gui_gaps(lambda: pivot.run_pivot(as_manager, definition, query))
        figures["gui_idle_max_gap_ms"] = idle
        figures["gui_max_gap_ms"] = busy
        _idle, busy_source = gui_gaps(lambda: pivot.run_pivot(base, source_only, query))
        figures["gui_max_gap_source_ms"] = busy_source
        figures.update(insert_figures(base))
        figures.update(kpi_figures(base))
    finally:
        as_manager.close()
    return figures


# Ten indicators as a head's set would have: eight measures of three reports, two formulas.
KPI_MEASURES = (
    ("b_contacts", "client_contacts", "count"), ("b_done", "client_contacts", "done"),
    ("b_minutes", "client_contacts", "minutes"), ("b_clients", "client_contacts", "clients"),
    ("b_assignments", "assignments", "count"), ("b_assign_done", "assignments", "done"),
    ("b_overdue", "assignments", "overdue"), ("b_hotline", "hotline", "count"),
)
KPI_FORMULAS = (("b_done_share", "b_done / b_contacts * 100"),
                ("b_minutes_per_done", "b_minutes / b_done"))


def kpi_figures(base: OpenedBase) -> dict[str, float]:
    """«a KPI set of 10 indicators for 50 employees × 12 months»: compute_kpi by
    employee and month over the benchmark's year, median of REPEAT runs."""
    from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
    from vostok_desktop.plugins import load_plugins
    from vostok_desktop.services.kpi.facts import KpiSubject, compute_kpi
    from vostok_desktop.services.kpi.indicators import (
        IndicatorData,
        list_indicators,
        save_indicator,
    )
    from vostok_desktop.services.reports.catalogue import report_catalogue

    catalogue = report_catalogue(load_plugins())
    existing = {i.code for i in list_indicators(base)}
    allowed = catalogue.measures_by_report()
    for code, report, measure in KPI_MEASURES:
        if code not in existing:
            save_indicator(base, IndicatorData(code, code, IndicatorKind.MEASURE,
                                               report_key=report, measure_key=measure),
                           None, catalogue=allowed)
    for code, formula in KPI_FORMULAS:
        if code not in existing:
            save_indicator(base, IndicatorData(code, code, IndicatorKind.FORMULA,
                                               formula=formula), None, catalogue=allowed)
    codes = [c for c, _r, _m in KPI_MEASURES] + [c for c, _f in KPI_FORMULAS]
    first = date(PERIOD[1].year, 1, 1)
    last = date(PERIOD[1].year, 12, 31)

    def once() -> object:
        return compute_kpi(base, catalogue, codes, KpiSubject.EMPLOYEE, PeriodKind.MONTH,
                           first, last)

    table = once()
    medians = _interleaved({"kpi": once}, REPEAT)
    return {"kpi_indicators": len(codes), "kpi_employees": len(table.subjects),  # type: ignore[attr-defined]
            "kpi_months": len(table.periods),  # type: ignore[attr-defined]
            "kpi_set_ms_median": medians["kpi"]}


if __name__ == "__main__":  # pragma: no cover - python -m benchmarks run pivot
    raise SystemExit("run it with: python -m benchmarks run pivot [--scale N]")
