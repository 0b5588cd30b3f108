"""Demo area step: КЦ quotas КК/ОГ — plans of this year for the company (80 %) and each
department, and quota marks on ~8 % of the served distributives (two thirds КК). One
department's КК quota is set so small that it is over plan in «Скидки КЦ».

Runs after the distributives step (without served distributives: plans only). A second
run adds nothing twice."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select, union

from vostok_desktop.domain import Client, Department, Employee, Responsibility
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.domain.quotas import DistributiveKcQuota, KcQuotaPlan, QuotaKind
from vostok_desktop.services.demo.common import AreaContext

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES = ("kc_quota_plans", "distributive_kc_quotas")


def add_quotas(area: AreaContext) -> None:
    s, rng = area.session, random.Random(area.seed * 31 + 15)
    if s.scalar(select(func.count()).select_from(KcQuotaPlan)):
        return
    served = list(s.execute(select(Distributive.id, Distributive.client_id)
                            .where(Distributive.status == DistributiveStatus.SERVED)
                            .order_by(Distributive.id)).tuples())
    marked = [row for row in served if rng.random() < 0.08]
    start = date(TODAY.year, 1, 1)
    for i, (d_id, client_id) in enumerate(marked):
        kind = QuotaKind.OG if i % 3 == 2 else QuotaKind.KK
        s.add(DistributiveKcQuota(distributive_id=d_id, client_id=client_id, kind=kind,
                                  valid_from=start, note="", created_by_id=area.admin_id))
    s.flush()
    counts = {k: sum(1 for i, _r in enumerate(marked) if (i % 3 == 2) == (k is QuotaKind.OG))
              for k in QuotaKind}
    for kind in QuotaKind:  # the company: filled to about two thirds of 80 %
        s.add(KcQuotaPlan(year=TODAY.year, department_id=None, kind=kind,
                          quota=max(10, counts[kind] * 2), updated_by_id=area.admin_id))
    # The departments of the marked clients (their creator's and responsibles').
    pairs = union(
        select(Client.id.label("cid"), Employee.department_id.label("dep"))
        .join(Employee, Employee.id == Client.created_by_id),
        select(Responsibility.client_id, Employee.department_id)
        .join(Employee, Employee.id == Responsibility.employee_id)).subquery()
    marked_clients = {c for _d, c in marked if c is not None}
    facts: dict[int, int] = {}
    for cid, dep in s.execute(select(pairs.c.cid, pairs.c.dep)
                              .where(pairs.c.dep.is_not(None))):
        if cid in marked_clients:
            facts[dep] = facts.get(dep, 0) + 1
    over = max(facts, key=lambda d: (facts[d], -d)) if facts else None
    for dep_id in s.scalars(select(Department.id).order_by(Department.id)):
        for kind in QuotaKind:
            quota = 1 if dep_id == over and kind is QuotaKind.KK else \
                max(5, facts.get(dep_id, 0) * 2)
            s.add(KcQuotaPlan(year=TODAY.year, department_id=dep_id, kind=kind, quota=quota,
                              updated_by_id=area.admin_id))
    s.flush()
