"""The pivot engine (issue 15): «Контакты с клиентами» by employee × month over two
years of ``50 × --scale`` work records (default 5 000 000) on a demo base of
:data:`CLIENTS` clients with about fifty employees.

Work records are made by one ``INSERT … SELECT generate_series`` (random employee, random
client, ``starts_at`` spread over :data:`PERIOD`, random kinds; the triggers are off where the login
may switch them off, see :func:`generate_work_records`), then VACUUM ANALYZE. They
carry the subject :data:`MARK`, so a run on the same ``--base`` reuses them.

Figures (medians of :data:`REPEAT` runs after a warm-up, owner and login interleaved):

- ``pivot_owner_ms_median`` — :func:`run_pivot` as the base's owner (no row-level security);
- ``pivot_manager_ms_median`` — as a demo manager's own login, who sees their department's
  clients under the policies of 0007, and ``ratio_manager_vs_owner``;
- ``gui_max_gap_ms`` — the longest gap between ticks of a 5 ms ``QTimer`` on the main
  thread's event loop while the report runs on another thread (``gui_idle_max_gap_ms``:
  the same loop with nothing running);
- ``sql_*`` — variants timed side by side: the engine's own statement with
  ``work_mem`` 64 MB (its GROUPING SETS sort spills to disk at the default 4 MB), as the
  manager also with ``enable_nestloop = off`` (the planner takes 1 % of clients as
  visible and probes work records client by client), and a hand-written two-stage
  statement with the same result (the finest level grouped first on raw keys, then the
  subtotals summed from those rows): what the engine could do for additive measures.
  ``EXPLAIN ANALYZE`` of each goes to stderr.
"""

from __future__ import annotations

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
    local_offset_minutes,
    period_bounds_utc,
)

CLIENTS = 10_000  # demo clients of the base (filled_base's scale)
ROWS_PER_SCALE = 50  # work records per unit of --scale: 100 000 -> 5 000 000
EMPLOYEES = 50
REPEAT = 5
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

# The same table as the engine's (count by employee × month with every subtotal), built
# in two stages: the finest level by plain GROUP BY on the raw timestamp bucket (which
# PostgreSQL may run in parallel: GROUPING SETS never is), then the subtotals summed
# from those few thousand rows, names and 'YYYY-MM-DD' text added last.
TWO_STAGE = """
WITH fine AS (
  SELECT w.employee_id AS k0,
         date_trunc('month', timezone('UTC', w.starts_at) + make_interval(mins => :offset)) AS k1,
         count(*) AS n
  FROM work_records w JOIN clients c ON c.id = w.client_id
  WHERE w.starts_at >= :start AND w.starts_at < :end
  GROUP BY 1, 2)
SELECT f.k0, e.full_name AS l0, to_char(f.k1, 'YYYY-MM-DD') AS k1,
       GROUPING(f.k0, f.k1) AS g, sum(f.n) AS a0
FROM fine f LEFT JOIN employees e ON e.id = f.k0
GROUP BY GROUPING SETS ((f.k0, e.full_name, f.k1), (f.k0, e.full_name), (f.k1), ())
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
    statement = pivot._statement(base, definition, query, pivot._plan(definition, query))
    compiled = statement.compile(dialect=base.engine.dialect)
    return compiled.string, dict(compiled.params)


# Session settings tried against the engine's own statement (``SET LOCAL`` each run).
WORK_MEM = {"work_mem": "64MB"}  # the 4 MB default makes the sort of GROUPING SETS spill
NO_NESTLOOP = {"work_mem": "64MB", "enable_nestloop": "off"}  # RLS: hash the clients


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


def _two_stage_params() -> dict[str, Any]:
    start, end = period_bounds_utc(*PERIOD)
    return {"offset": local_offset_minutes(), "start": start, "end": end}


def _statement_run(base: OpenedBase, sql: str, params: dict[str, Any], raw: bool,
                   settings: dict[str, str] | None = None) -> Callable[[], object]:
    def run() -> object:
        with base.engine.begin() as conn:
            _settings(conn, settings or {})
            return (conn.exec_driver_sql(sql, params) if raw
                    else conn.execute(text(sql), params)).all()

    return run


def _two_stage(base: OpenedBase, settings: dict[str, str] | None = None
               ) -> Callable[[], object]:
    return _statement_run(base, TWO_STAGE, _two_stage_params(), False, settings)


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


def _check_same(engine_result: pivot.PivotResult, rows: list[Any]) -> None:
    """The hand-written statement gives the engine's numbers (else it times nothing)."""
    mine = {}
    for k0, _l0, k1, g, a0 in rows:
        key = ((k0,) if not g & 2 else (), (k1,) if not g & 1 else ())
        mine[key] = int(a0)
    theirs = {key: values[0] for key, values in engine_result.cells.items()}
    if mine != theirs:
        raise RuntimeError("the two-stage statement disagrees with the engine")


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    if base.dialect != "postgresql":
        raise SystemExit("the pivot benchmark runs on PostgreSQL only")
    rows = scale * ROWS_PER_SCALE
    definition = _definition()
    query = pivot_query()
    generation_s = generate_work_records(base, rows)
    figures: dict[str, float] = {"work_records": rows,
                                 "generate_s": round(generation_s, 1)}
    manager_login, _ = _login_for(base, EmployeeRole.MANAGER)
    as_manager = _open_as(base, manager_login)
    try:
        with as_manager.engine.connect() as conn:
            conn.exec_driver_sql("SET statement_timeout = 0")
            figures["manager_visible_clients"] = conn.scalar(text("select count(*) from clients"))
            figures["manager_visible_work_records"] = conn.scalar(text(
                "select count(*) from work_records where subject = :m"), {"m": MARK})
        owner_result = pivot.run_pivot(base, definition, query)
        figures["pivot_cells"] = len(owner_result.cells)
        figures["pivot_grand_total"] = owner_result.grand_total("count")
        _check_same(owner_result, _two_stage(base)())
        _check_same(pivot.run_pivot(as_manager, definition, query), _two_stage(as_manager)())

        sql, params = _engine_statement(base, definition, query)
        for title, who, statement, raw, settings in (
                ("the engine's statement as the owner", base, sql, True, None),
                ("the engine's statement as the owner, work_mem 64MB", base, sql, True,
                 WORK_MEM),
                ("the engine's statement as the manager", as_manager, sql, True, None),
                ("the engine's statement as the manager, no nested loop", as_manager, sql,
                 True, NO_NESTLOOP),
                ("two-stage statement as the owner", base, TWO_STAGE, False, None)):
            print(f"\n-- EXPLAIN ANALYZE, {title}:\n"
                  + explain(who, statement, params if raw else _two_stage_params(), raw,
                            settings), file=sys.stderr, flush=True)

        medians = _interleaved({
            "owner": lambda: pivot.run_pivot(base, definition, query),
            "manager": lambda: pivot.run_pivot(as_manager, definition, query),
            "owner_work_mem": _statement_run(base, sql, params, True, WORK_MEM),
            "manager_no_nestloop": _statement_run(as_manager, sql, params, True, NO_NESTLOOP),
            "two_stage_owner": _two_stage(base),
            "two_stage_manager": _two_stage(as_manager),
            "two_stage_manager_no_nestloop": _two_stage(as_manager, NO_NESTLOOP),
        }, REPEAT)
        figures["pivot_owner_ms_median"] = medians["owner"]
        figures["pivot_manager_ms_median"] = medians["manager"]
        figures["ratio_manager_vs_owner"] = round(medians["manager"] / medians["owner"], 2)
        figures["sql_engine_work_mem_64mb_owner_ms_median"] = medians["owner_work_mem"]
        figures["sql_engine_no_nestloop_manager_ms_median"] = medians["manager_no_nestloop"]
        figures["sql_two_stage_owner_ms_median"] = medians["two_stage_owner"]
        figures["sql_two_stage_manager_ms_median"] = medians["two_stage_manager"]
        figures["sql_two_stage_no_nestloop_manager_ms_median"] = medians[
            "two_stage_manager_no_nestloop"]
        figures["ratio_two_stage_vs_engine_owner"] = round(
            medians["two_stage_owner"] / medians["owner"], 2)

        idle, busy = gui_gaps(lambda: pivot.run_pivot(base, definition, query))
        figures["gui_idle_max_gap_ms"] = idle
        figures["gui_max_gap_ms"] = busy
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
