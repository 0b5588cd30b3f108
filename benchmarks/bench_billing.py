"""Billing of a month (issue 14): the month's invoices for every served client of the
demo base written in chunks of 1000 (budgets batched, one bulk INSERT of documents and
one of lines per chunk), without rendering. Figure: ``invoices_per_s`` (target ≥ 500 at
500k served clients).

The base gets a price list for every system from 2000 (when it has none) and a company,
and each run bills a month no register has billed yet, so runs can repeat on one base.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ProductSystem
from vostok_desktop.domain.money import BillingRun, DocumentKind, PriceList, PriceListItem
from vostok_desktop.services.money import billing
from vostok_desktop.services.money.companies import default_company


def _prepare(base: OpenedBase) -> tuple[int, date]:
    with base.sessions() as s, s.begin():
        company = default_company(s).id
        if s.scalar(select(func.count()).select_from(PriceList)) == 0:
            price_list = PriceList(name="Бенчмарк", valid_from=date(2000, 1, 1))
            s.add(price_list)
            s.flush()
            s.add_all(PriceListItem(price_list_id=price_list.id, system_id=system_id,
                                    min_network_size=1, price=Decimal("4321.00"))
                      for system_id in s.scalars(select(ProductSystem.id)))
        last = s.scalar(select(func.max(BillingRun.period)))
    period = date(2090, 1, 1) if last is None or last < date(2090, 1, 1) else \
        date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return company, period


class _Progress:
    def progress(self, stage: str, done: int, total: int) -> None:
        print(f"\r  {stage}: {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)

    def is_cancelled(self) -> bool:
        return False


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    company, period = _prepare(base)
    clients = billing.served_clients(base)
    start = time.perf_counter()
    result = billing.run_billing(base, company, period, {DocumentKind.INVOICE}, clients,
                                 None, None, _Progress())
    seconds = time.perf_counter() - start
    print(f"  {result.summary}", file=sys.stderr)
    return {"served_clients": len(clients), "invoices": result.documents,
            "problems": len(result.problems), "billing_s": round(seconds, 2),
            "invoices_per_s": round(result.documents / seconds, 1) if seconds else 0.0}


if __name__ == "__main__":
    raise SystemExit("run it with: python -m benchmarks run billing --scale N")
