"""The competitors' reports on both dialects, against hand-counted figures: three
documents (Гарант at Ромашка: a clash lost in March; Кодекс at Лютик: an overlap
eliminated in March; Гарант at Василёк: a clash opened in March, still open).

Shares per month (a client is with the competitor from its month of appearance until it
is eliminated; a lost client stays with it):
  Jan  Гарант 1 (1000 ₽, 5 places)                    → 100 %
  Feb  Гарант 1 (1000, 5), Кодекс 1 (3000, 10)        → count 50/50, value 25/75, places 33.3/66.7
  Mar  Гарант 2 (3000, 10), Кодекс 1 (3000, 10)       → count 66.7/33.3, value 50/50, places 50/50
  Apr  Гарант 2, Кодекс gone                          → 100 %
Inefficiency = lost / (lost + eliminated): Jan 100 %, Feb 0 %, Mar none closed, all 50 %.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.services.competitors.rig import Rig, make_rig
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.competitors import documents as docs
from vostok_desktop.services.competitors.reports import months_of
from vostok_desktop.services.reports.catalogue import report_catalogue
from vostok_desktop.services.reports.pivot import PivotQuery, SourceParams, run_pivot

PERIOD = (date(2026, 1, 1), date(2026, 4, 30))
JAN, FEB, MAR, APR = "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"


@pytest.fixture
def rig(empty_base) -> Rig:  # noqa: ANN001
    rig = make_rig(empty_base)
    for client, competitor, opened, value, places, end, on in (
            ("romashka", "garant", date(2026, 1, 10), "1000", 5, "Клиент ушёл к конкуренту",
             date(2026, 3, 5)),
            ("lyutik", "kodeks", date(2026, 2, 1), "3000", 10, "Конкурент устранён",
             date(2026, 3, 20)),
            ("vasilek", "garant", date(2026, 3, 15), "2000", 5, None, None)):
        data = docs.new_document(rig.base, rig.clients[client], None, today=opened)
        data.competitor_id, data.monthly_value = rig.competitors[competitor], value
        doc_id = docs.save_document(rig.base, data, None, today=opened)
        docs.save_kit(rig.base, docs.KitData(None, doc_id, "Комплект", places), None)
        if end:
            docs.move_stage(rig.base, doc_id, rig.stages[end], None, on=on)
    return rig


def _definition(key: str):  # noqa: ANN202
    return report_catalogue(load_plugins()).get(key)


def _names(result, dimension_index: int = 0) -> dict[object, str]:  # noqa: ANN001
    return {h.key[dimension_index]: h.label for h in result.row_headers
            if len(h.key) > dimension_index}


def test_market_shares_by_count_value_and_potential_per_month(rig: Rig) -> None:
    definition = _definition("competitor_shares")
    result = run_pivot(rig.base, definition, PivotQuery(
        rows=("competitor",), columns=("month",),
        measures=("count", "count_share", "value", "value_share", "potential_share"),
        period=PERIOD))
    garant, kodeks = rig.competitors["garant"], rig.competitors["kodeks"]

    def cells(competitor: int, month: str) -> tuple:
        return tuple(result.value((competitor,), (month,), m) for m in
                     ("count", "count_share", "value", "value_share", "potential_share"))

    assert [h.label for h in result.leaf_columns] == [
        "январь 2026", "февраль 2026", "март 2026", "апрель 2026"]
    assert cells(garant, JAN) == (1, Decimal("100.0"), Decimal("1000.00"), Decimal("100.0"),
                                  Decimal("100.0"))
    assert cells(garant, FEB) == (1, Decimal("50.0"), Decimal("1000.00"), Decimal("25.0"),
                                  Decimal("33.3"))
    assert cells(kodeks, FEB) == (1, Decimal("50.0"), Decimal("3000.00"), Decimal("75.0"),
                                  Decimal("66.7"))
    assert cells(garant, MAR) == (2, Decimal("66.7"), Decimal("3000.00"), Decimal("50.0"),
                                  Decimal("50.0"))
    assert cells(kodeks, MAR) == (1, Decimal("33.3"), Decimal("3000.00"), Decimal("50.0"),
                                  Decimal("50.0"))
    assert cells(garant, APR)[:2] == (2, Decimal("100.0"))
    assert result.value((kodeks,), (APR,), "count") is None  # eliminated in March


def test_clashes_overlaps_and_the_inefficiency_ratio(rig: Rig) -> None:
    definition = _definition("competitor_clashes")
    measures = ("count", "clashes", "overlaps", "eliminated", "lost", "open", "inefficiency",
                "lost_clients")
    result = run_pivot(rig.base, definition, PivotQuery(rows=("period",), measures=measures,
                                                        period=PERIOD))

    def row(month: str | None) -> tuple:
        key = (month,) if month else ()
        return tuple(result.value(key, (), m) for m in measures)

    assert row(JAN) == (1, 1, 0, 0, 1, 0, Decimal("100.00"), 1)
    assert row(FEB) == (1, 0, 1, 1, 0, 0, Decimal("0.00"), 0)
    assert row(MAR) == (1, 1, 0, 0, 0, 1, None, 0)
    assert row(None) == (3, 2, 1, 1, 1, 1, Decimal("50.00"), 1)


def test_the_olap_report_counts_documents_by_competitor_and_stage(rig: Rig) -> None:
    definition = _definition("competitors")
    result = run_pivot(rig.base, definition, definition.default_query(PERIOD))
    garant, kodeks = rig.competitors["garant"], rig.competitors["kodeks"]
    lost, gone, threat = (rig.stages[t] for t in ("Клиент ушёл к конкуренту",
                                                  "Конкурент устранён", "Угроза"))
    assert result.value((garant,), (lost,), "count") == 1
    assert result.value((garant,), (threat,), "count") == 1
    assert result.value((kodeks,), (gone,), "count") == 1
    assert result.value((garant,), (), "value") == Decimal("3000.00")
    assert result.grand_total("value") == Decimal("6000.00")
    assert _names(result)[garant] == "Гарант"
    places = run_pivot(rig.base, definition, PivotQuery(rows=("competitor",),
                                                        measures=("workplaces", "kits")))
    assert places.value((garant,), (), "workplaces") == 10
    assert places.value((kodeks,), (), "kits") == 1


def test_without_a_period_the_shares_cover_the_last_twelve_months() -> None:
    months = months_of(SourceParams("sqlite", None, date(2026, 11, 20)))
    assert len(months) == 12
    assert months[0] == (date(2025, 12, 1), date(2025, 12, 31))
    assert months[-1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert months_of(SourceParams("sqlite", (date(2026, 2, 10), date(2026, 3, 5)),
                                  date(2026, 11, 20))) == [
        (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 31))]
