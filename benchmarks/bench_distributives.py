"""Distributives: the client card's page «Дистрибутивы» (``client_distributives``), the
state of a client on a past date (``state_on``), the agent «Дистрибутивы» (first page,
number-prefix search), the warehouse's stock summary, the overdue demo copies and
«Баланс дистрибутивов» over five years (``balance_5y``).

On PostgreSQL the card page, state-on-a-date and the agent's first page also run as an
employee's own login under row-level security, interleaved with the owner's (plain): a
manager who sees their department's clients, and a hot-line operator who sees all;
figures are ratios of medians (rls / plain).
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import text

from benchmarks.bench_rls import _login_for, _open_as
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.services.demo.distributives import TODAY
from vostok_desktop.services.distributives import reports, state, warehouse
from vostok_desktop.services.distributives import search as ds

SEED = 20261122
FIVE_YEARS_AGO = date(TODAY.year - 5, TODAY.month, 1)
SAMPLES = 60


def _median_p99(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return round(statistics.median(ordered), 3), round(p99, 3)


def _each(fn: Callable[[Any], object], args: list[Any], warmup: int = 5) -> list[float]:
    for a in args[:warmup]:
        fn(a)
    out = []
    for a in args:
        start = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _paired(plain: Callable[[Any], object], rls: Callable[[Any], object],
            args: list[Any]) -> tuple[float, float]:
    for a in args[:5]:
        plain(a)
        rls(a)
    a_ms: list[float] = []
    b_ms: list[float] = []
    for a in args:
        for fn, out in ((plain, a_ms), (rls, b_ms)):
            start = time.perf_counter()
            fn(a)
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(a_ms), statistics.median(b_ms)


def _sample(base: OpenedBase, rnd: random.Random) -> dict[str, list[Any]]:
    """Clients with distributives (by a random id residue, not the first ids) and dates."""
    with base.engine.connect() as conn:
        if base.dialect == "postgresql":
            conn.exec_driver_sql("SET statement_timeout = 0")
        k = rnd.randint(0, 96)
        clients = [r[0] for r in conn.execute(text(
            "select distinct client_id from distributives where client_id is not null "
            "and client_id % 97 = :k limit 400"), {"k": k})]
    clients = rnd.sample(clients, min(SAMPLES, len(clients)))
    days = [date.fromordinal(TODAY.toordinal() - rnd.randint(0, 5 * 365)) for _ in clients]
    prefixes = [str(rnd.randint(10, 99)) + str(rnd.randint(0, 9)) for _ in clients]
    return {"clients": clients, "on": list(zip(clients, days, strict=True)),
            "prefixes": prefixes}


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    rnd = random.Random(SEED)
    figures: dict[str, float] = {}
    with base.engine.connect() as conn:
        figures["distributives"] = conn.scalar(text("select count(*) from distributives"))
        figures["movements"] = conn.scalar(text(
            "select count(*) from distributive_movements"))
    sample = _sample(base, rnd)
    search = ds.DistributiveSearch(base)
    cases: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "client_card_page": (lambda c: state.client_distributives(base, c),
                             sample["clients"]),
        "state_on": (lambda a: state.state_on(base, a[0], a[1]), sample["on"]),
        "agent_first_page": (lambda _a: search.page_after(ds.DistributiveQuery(), None,
                                                          ds.PAGE_SIZE), sample["clients"]),
        "number_prefix_search": (lambda p: search.page_after(ds.DistributiveQuery(text=p),
                                                             None, ds.PAGE_SIZE),
                                 sample["prefixes"]),
        "stock_summary": (lambda _a: warehouse.stock_summary(base), sample["clients"][:20]),
        "overdue_demos": (lambda _a: warehouse.overdue_demos(base, TODAY),
                          sample["clients"][:20]),
        # «Баланс дистрибутивов» over five years (target ≤ 2 s): few runs, it is long.
        "balance_5y": (lambda _a: reports.balance_by_month(base, FIVE_YEARS_AGO, TODAY),
                       sample["clients"][:8]),
    }
    gc.collect()
    for name, (fn, args) in cases.items():
        median, p99 = _median_p99(_each(fn, args))
        figures[f"{name}_ms_median"] = median
        figures[f"{name}_ms_p99"] = p99
    if base.dialect == "postgresql":
        figures.update(_rls(base, sample))
    return figures


def _rls(base: OpenedBase, sample: dict[str, list[Any]]) -> dict[str, float]:
    figures: dict[str, float] = {}
    manager_login, _ = _login_for(base, EmployeeRole.MANAGER)
    operator_login, _ = _login_for(base, EmployeeRole.OPERATOR)
    as_manager = _open_as(base, manager_login)
    as_operator = _open_as(base, operator_login)
    try:
        with as_manager.engine.connect() as conn:
            visible = set(conn.scalars(text(
                "select id from clients where id = any(:ids)"),
                {"ids": sample["clients"]}))
        clients = [c for c in sample["clients"] if c in visible] or sample["clients"]
        on = [a for a in sample["on"] if a[0] in visible] or sample["on"]
        figures["rls_manager_sample_clients_visible"] = len(visible)
        plain_search = ds.DistributiveSearch(base)
        for who, user_base in (("", as_manager), ("_see_all", as_operator)):
            user_search = ds.DistributiveSearch(user_base)
            pairs = {
                "client_card_page": (lambda c: state.client_distributives(base, c),
                                     lambda c, b=user_base: state.client_distributives(b, c),
                                     clients),
                "state_on": (lambda a: state.state_on(base, a[0], a[1]),
                             lambda a, b=user_base: state.state_on(b, a[0], a[1]), on),
                "agent_first_page": (
                    lambda _a: plain_search.page_after(ds.DistributiveQuery(), None,
                                                       ds.PAGE_SIZE),
                    lambda _a, u=user_search: u.page_after(ds.DistributiveQuery(), None,
                                                           ds.PAGE_SIZE), clients),
                "number_prefix_search": (
                    lambda p: plain_search.page_after(ds.DistributiveQuery(text=p), None,
                                                      ds.PAGE_SIZE),
                    lambda p, u=user_search: u.page_after(ds.DistributiveQuery(text=p),
                                                          None, ds.PAGE_SIZE),
                    sample["prefixes"]),
            }
            ratios = []
            for name, (plain, rls, args) in pairs.items():
                p, r = _paired(plain, rls, args)
                figures[f"{name}{who}_plain_ms_median"] = round(p, 3)
                figures[f"{name}{who}_rls_ms_median"] = round(r, 3)
                figures[f"ratio_rls_vs_plain_{name}{who}"] = round(r / p, 3)
                ratios.append(r / p)
            figures[f"ratio_rls_vs_plain_max{who}"] = round(max(ratios), 3)
    finally:
        as_manager.close()
        as_operator.close()
    return figures


def explain(base: OpenedBase, client_id: int, prefix: str) -> str:
    """EXPLAIN ANALYZE of the card page's main query, state_on and the prefix search
    (PostgreSQL), for checking the plans at scale."""
    from sqlalchemy.dialects import postgresql

    from vostok_desktop.domain.distributives import Distributive
    from vostok_desktop.services.distributives.common import distributive_select
    from vostok_desktop.services.lists.filters import starts_with

    statements = {
        "card": distributive_select().where(Distributive.client_id == client_id),
        "prefix": distributive_select().where(starts_with(Distributive.number, prefix))
        .order_by(Distributive.number, Distributive.id).limit(200),
    }
    out = []
    with base.engine.connect() as conn:
        for name, stmt in statements.items():
            sql = str(stmt.compile(dialect=postgresql.dialect(),
                                   compile_kwargs={"literal_binds": True}))
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").scalars().all()
            out.append(f"-- {name}\n" + "\n".join(plan))
    return "\n\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit("run it with: python -m benchmarks run distributives --scale N")
