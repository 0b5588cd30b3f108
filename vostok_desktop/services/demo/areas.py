"""The demo base's area steps, in the order they run: each takes an
:class:`~vostok_desktop.services.demo.common.AreaContext` after the reference data and the
clients are loaded, inside the same transaction. A new area (distributives, money…)
brings its own module with one step and adds it here (and its tables to
``AREA_TABLES``, which are analysed after the load).

Money runs after the distributives (budgets are computed from them): the price lists
and VIP members, then three months billed from the budgets, then the payments of those
documents."""

from __future__ import annotations

from vostok_desktop.services.demo import (
    campaigns,
    competitors,
    distributives,
    education,
    kpi,
    money_documents,
    money_payments,
    money_prices,
    money_quotas,
    sales,
)
from vostok_desktop.services.demo.common import AreaContext, AreaStep
from vostok_desktop.services.demo.favourites import add_favourites

AREA_STEPS: tuple[AreaStep, ...] = (add_favourites, distributives.add_distributives,
                                    money_prices.add_prices, money_documents.add_documents,
                                    money_payments.add_payments, money_quotas.add_quotas,
                                    kpi.add_kpi, sales.add_sales, campaigns.add_campaigns,
                                    competitors.add_competitors, education.add_education)
AREA_TABLES: tuple[str, ...] = tuple(dict.fromkeys((
    "favourites", *distributives.TABLES, *money_prices.TABLES, *money_documents.TABLES,
    *money_payments.TABLES, *money_quotas.TABLES, *kpi.TABLES,
    *sales.TABLES, *campaigns.TABLES, *competitors.TABLES, *education.TABLES)))


def run_area_steps(area: AreaContext) -> None:
    for step in AREA_STEPS:
        step(area)
