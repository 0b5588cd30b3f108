"""Amounts are exact on both dialects: what is stored comes back to the kopeck as Decimal,
sums too; fractions of a kopeck are refused, never silently rounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from vostok_desktop.domain.money import PriceList, PriceListItem


def _price_list(s) -> PriceList:  # noqa: ANN001
    price_list = PriceList(name="Проверка сумм", valid_from=date(2026, 1, 1))
    s.add(price_list)
    s.flush()
    return price_list


def test_amounts_come_back_to_the_kopeck_and_add_up_exactly(empty_base) -> None:
    # 0.10 + 0.20 is 0.30000000000000004 in floats; a million roubles and a kopeck is
    # beyond float's comfortable range once summed many times.
    prices = [Decimal("0.10"), Decimal("0.20"), Decimal("1000000.01"),
              Decimal("999999999999.99")]
    with empty_base.sessions.begin() as s:
        price_list = _price_list(s)
        for n, price in enumerate(prices):
            s.add(PriceListItem(price_list_id=price_list.id, service=f"Услуга {n}",
                                price=price))
    with empty_base.sessions() as s:
        stored = list(s.scalars(select(PriceListItem.price).order_by(PriceListItem.id)))
        total = s.scalar(select(func.sum(PriceListItem.price)))
    assert stored == prices and all(isinstance(p, Decimal) for p in stored)
    assert total == sum(prices, Decimal(0)) == Decimal("1000001000000.30")
    assert isinstance(total, Decimal)


def test_a_long_sum_of_kopecks_stays_exact(empty_base) -> None:
    """A big amount then two thousand kopecks: as floats every addition to
    999 999 999 999,99 rounds (its float step is about 0,0001 ₽) and the drift shows in
    the kopecks; as NUMERIC / whole kopecks it is exact."""
    with empty_base.sessions.begin() as s:
        price_list = _price_list(s)
        s.add(PriceListItem(price_list_id=price_list.id, service="Крупная",
                            price=Decimal("999999999999.99")))
        s.flush()
        s.add_all([PriceListItem(price_list_id=price_list.id, service=f"Копейка {n}",
                                 price=Decimal("0.01")) for n in range(2000)])
    with empty_base.sessions() as s:
        total = s.scalar(select(func.sum(PriceListItem.price)))
    assert total == Decimal("1000000000019.99")


def test_a_fraction_of_a_kopeck_is_refused_and_nothing_is_written(empty_base) -> None:
    with pytest.raises(StatementError, match="точнее копейки"):
        with empty_base.sessions.begin() as s:
            price_list = _price_list(s)
            s.add(PriceListItem(price_list_id=price_list.id, service="Услуга",
                                price=Decimal("10.005")))
    with empty_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PriceList)) == 0
