"""Row-level security overhead (part of the ``server`` benchmark).

The same quick searches (name, INN, phone — the client list's first page) and caller
lookups run twice in one process, interleaved term by term: as the base's owner, whom
row-level security does not apply to ("plain"), and as an employee's own login under
the policies of migration 0007 ("rls"). Two logins are measured: a manager whose role
sees their department's clients (the policy does real work) and a hot-line operator who
sees every client (the policy is ``USING (true)``). Terms come from clients the manager
may see, so both sides find rows. Figures are ratios of medians: rls / plain.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, text

from vostok_desktop.db import BaseLocation, OpenedBase, make_engine, open_base
from vostok_desktop.domain import Employee, EmployeeRole
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.telephony.caller_lookup import CallerLookup

SEED = 20261122
TERMS = 60
WARMUP = 10
PASSWORD = "bench-password-1"


def _login_for(base: OpenedBase, role: EmployeeRole) -> tuple[str, int]:
    """A demo employee of ``role`` given a server login for the run."""
    with base.sessions() as s:
        employee = s.scalars(select(Employee).where(Employee.role == role)
                             .order_by(Employee.id)).first()
        if employee is None:
            raise RuntimeError(f"no demo employee with role {role}")
        old_login, employee_id = employee.login, employee.id
    # Logins are cluster-wide: give the demo employee a fresh one for this run.
    login = f"bench_{role.value[:8]}_{uuid.uuid4().hex[:6]}"
    with base.engine.begin() as conn:
        conn.execute(text("update employees set login = :n where id = :i"),
                     {"n": login, "i": employee_id})
    access.ensure_login(base, employee_id, PASSWORD)
    del old_login
    return login, employee_id


def _open_as(base: OpenedBase, login: str) -> OpenedBase:
    url = base.engine.url.set(username=login, password=None)
    opened = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)), PASSWORD)
    # Measure whatever it takes: the GUI's 5 s limit would turn a slow case into an error.
    opened.engine.dispose()
    opened.engine = make_engine(opened.location, PASSWORD, statement_timeout_ms=None)
    return opened


def _terms(user_base: OpenedBase, rnd: random.Random) -> dict[str, list[str]]:
    """Search terms and phone numbers from clients the limited login sees."""
    with user_base.engine.connect() as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        rows = conn.execute(text(
            "select c.short_name, c.inn, p.digits from clients c "
            "join phones p on p.client_id = c.id "
            "where c.inn is not null and length(p.digits) = 11 "
            "and c.id % 97 = :k limit 400"), {"k": rnd.randint(0, 96)}).all()
    if len(rows) < TERMS:
        raise RuntimeError(f"the manager sees too few clients ({len(rows)} sampled)")
    rows = rnd.sample(rows, TERMS)
    names = []
    for short_name, _inn, _digits in rows:
        words = [w for w in short_name.replace("«", " ").replace("»", " ").replace('"', " ")
                 .split() if len(w) >= 4 and w.isalpha()] or ["ООО"]
        word = rnd.choice(words)
        start = rnd.randint(0, max(0, len(word) - 3))
        names.append(word[start:start + 3])
    return {"name": names, "inn": [r[1][:6] for r in rows],
            "phone": [f"8 {r[2][1:4]} {r[2][4:8]}" for r in rows],
            "lookup": [f"+{r[2]}" for r in rows]}


def _paired(plain: Callable[[str], Any], rls: Callable[[str], Any],
            terms: list[str]) -> tuple[float, float]:
    """Median ms of each side, alternating plain and rls on every term (same noise)."""
    for t in terms[:WARMUP]:
        plain(t)
        rls(t)
    a: list[float] = []
    b: list[float] = []
    for t in terms:
        for fn, out in ((plain, a), (rls, b)):
            start = time.perf_counter()
            fn(t)
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def measure_rls_overhead(base: OpenedBase, scale: int) -> dict[str, float]:
    if base.dialect != "postgresql":
        return {}
    rnd = random.Random(SEED)
    figures: dict[str, float] = {}
    manager_login, _ = _login_for(base, EmployeeRole.MANAGER)
    operator_login, _ = _login_for(base, EmployeeRole.OPERATOR)
    as_manager = _open_as(base, manager_login)
    as_operator = _open_as(base, operator_login)
    try:
        terms = _terms(as_manager, rnd)
        with as_manager.engine.connect() as conn:
            figures["rls_manager_visible_clients"] = conn.scalar(
                text("select count(*) from clients"))
        gc.collect()
        plain_search = cs.ClientSearch(base)
        for who, user_base in (("", as_manager), ("_see_all", as_operator)):
            rls_search = cs.ClientSearch(user_base)
            ratios = []
            for kind in ("name", "inn", "phone"):
                p, r = _paired(
                    lambda t: plain_search.page_after(cs.ClientQuery(text=t), None,
                                                      cs.PAGE_SIZE),
                    lambda t, s=rls_search: s.page_after(cs.ClientQuery(text=t), None,
                                                         cs.PAGE_SIZE),
                    terms[kind])
                figures[f"search_{kind}{who}_plain_ms_median"] = round(p, 3)
                figures[f"search_{kind}{who}_rls_ms_median"] = round(r, 3)
                ratios.append(r / p)
            figures[f"ratio_rls_vs_plain_search{who}"] = round(max(ratios), 3)
            plain_lookup = CallerLookup(base.engine)
            rls_lookup = CallerLookup(user_base.engine)
            p, r = _paired(plain_lookup.lookup, rls_lookup.lookup, terms["lookup"])
            plain_lookup.close()
            rls_lookup.close()
            figures[f"lookup{who}_plain_ms_median"] = round(p, 3)
            figures[f"lookup{who}_rls_ms_median"] = round(r, 3)
            figures[f"ratio_rls_vs_plain_lookup{who}"] = round(r / p, 3)
    finally:
        as_manager.close()
        as_operator.close()
    return figures


if __name__ == "__main__":  # pragma: no cover - python -m benchmarks run server
    raise SystemExit("run it with: python -m benchmarks run server --scale N")
