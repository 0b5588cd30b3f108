"""The built-in reports (plugin vostok_reports) on the demo base, both dialects: the
plugin registers all twelve; every report runs with its default layout and with each of
its dimensions; its grand total equals a plain count of its source; the money reports
agree with the money services to the kopeck."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from vostok_reports.definitions import BUILTIN_REPORTS, MONEY_RECEIVED, RECEIVABLES

from vostok_desktop.db import OpenedBase
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.money import debt
from vostok_desktop.services.reports.catalogue import report_catalogue
from vostok_desktop.services.reports.pivot import MeasureKind, PivotQuery, SourceParams, run_pivot

SEED_NAMES = {
    "контакты с клиентами", "поручения", "приз", "горячая линия", "сроки ответа",
    "дистрибутивы клиентов", "движение дистрибутивов", "баланс дистрибутивов",
    "поступление денег", "дебиторская задолженность", "воронка продаж", "ежедневник сотрудника",
}
WIDE = (date(2000, 1, 1), date(2030, 12, 31))


def test_the_plugin_registers_twelve_reports_with_unique_keys() -> None:
    registry = load_plugins()
    assert "reports" in registry.loaded, registry.error_texts()
    keys = [d.key for d in registry.api.report_definitions]
    assert len(keys) == len(set(keys)) >= 12
    titles = {d.title.casefold().split(" (")[0] for d in registry.api.report_definitions}
    assert SEED_NAMES <= titles
    catalogue = report_catalogue(registry)
    assert catalogue.get("client_contacts").title == "Контакты с клиентами"
    assert "count" in catalogue.measures_by_report()["client_contacts"]


def _source_count(base: OpenedBase, definition, period) -> int:  # noqa: ANN001
    source = definition.source(SourceParams(base.dialect, period, date.today())).subquery()
    with base.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(source)).scalar_one()


@pytest.fixture
def busy_base(demo_base: OpenedBase) -> OpenedBase:
    """The demo base with its daily activity (works, assignments, ПРиЗ, the hot line)."""
    from vostok_desktop.services.demo.activity import generate_demo_activity

    generate_demo_activity(demo_base)
    return demo_base


def test_every_report_runs_on_the_demo_base(busy_base: OpenedBase) -> None:
    for definition in BUILTIN_REPORTS:
        _check_report(busy_base, definition)


def _check_report(base: OpenedBase, definition) -> None:  # noqa: ANN001
    period = WIDE if definition.period_dimension else None
    result = run_pivot(base, definition, definition.default_query(period))
    count_measures = [m for m in definition.measures
                      if m.kind is MeasureKind.COUNT and m.condition is None]
    total = _source_count(base, definition, period)
    assert total > 0, f"demo data has no rows for «{definition.title}»"
    if count_measures:
        everything = run_pivot(base, definition, PivotQuery(
            measures=(count_measures[0].key,), period=period))
        assert everything.grand_total(count_measures[0].key) == total, definition.title
    assert result.row_headers and result.row_headers[-1].key == (), definition.title
    for dimension in definition.dimensions:
        if dimension.key == "client":
            continue  # hundreds of rows: covered by the other dimensions' totals
        by_one = run_pivot(base, definition, PivotQuery(
            rows=(dimension.key,), measures=tuple(m.key for m in definition.measures),
            period=period))
        assert all(h.label for h in by_one.row_headers), (definition.title, dimension.key)
        if count_measures:
            key = count_measures[0].key
            assert sum(by_one.value(h.key, (), key) for h in by_one.leaf_rows) == total, (
                definition.title, dimension.key)


def test_money_received_agrees_with_the_receipts_service(demo_base: OpenedBase) -> None:
    period = (date(2026, 1, 1), date(2026, 12, 31))
    rows = debt.receipts(demo_base, *period)
    result = run_pivot(demo_base, MONEY_RECEIVED, PivotQuery(
        measures=("amount", "count"), period=period))
    assert result.grand_total("amount") == sum((r.amount for r in rows), Decimal("0.00"))
    assert result.grand_total("count") == len(rows)


def test_receivables_agree_with_the_debt_report(demo_base: OpenedBase) -> None:
    on = date.today()
    rows = debt.debt_by_client(demo_base, on)
    result = run_pivot(demo_base, RECEIVABLES, PivotQuery(
        rows=("ageing",), measures=("debt", "clients"), period=(on, on)))
    assert result.grand_total("debt") == sum((sum(r.buckets) for r in rows), Decimal("0.00"))
    for bucket in range(5):
        expected = sum((r.buckets[bucket] for r in rows), Decimal("0.00"))
        assert (result.value((str(bucket),), (), "debt") or Decimal("0.00")) == expected
