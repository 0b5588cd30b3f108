"""The pivot engine on both dialects against numbers computed by hand from known rows:
cells, subtotals and the grand total, distinct counts that are not sums, shares, averages,
period grouping (days, ISO weeks, quarters, local time), filters, drill-down to the very
rows of a cell, refusals in Russian, cancel, and variants that survive JSON."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from vostok_reports.definitions import CLIENT_CONTACTS, MONEY_RECEIVED

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Department, Employee
from vostok_desktop.domain.clients import ClientStatus
from vostok_desktop.domain.money import Payment, PaymentKind
from vostok_desktop.domain.work import WorkKind, WorkRecord
from vostok_desktop.services.lists.filters import Canceller
from vostok_desktop.services.reports.periods import PeriodGrouping, bucket_start, period_label
from vostok_desktop.services.reports.pivot import (
    NO_VALUE,
    Filter,
    PivotQuery,
    ReportCancelled,
    ReportError,
    drill_down,
    run_pivot,
)

# (employee, client, kind, done, minutes, UTC start)
WORKS = [
    ("ivanov", "a", WorkKind.CALL, True, 5, datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
    ("ivanov", "a", WorkKind.CALL, False, 0, datetime(2026, 1, 20, 9, 0, tzinfo=UTC)),
    ("ivanov", "b", WorkKind.MEETING, True, 60, datetime(2026, 2, 2, 9, 0, tzinfo=UTC)),
    ("petrov", "a", WorkKind.CALL, True, 10, datetime(2026, 1, 7, 9, 0, tzinfo=UTC)),
    ("petrov", "c", WorkKind.VISIT, True, 90, datetime(2026, 3, 30, 9, 0, tzinfo=UTC)),
    ("petrov", "c", WorkKind.CALL, True, 3, datetime(2026, 4, 1, 9, 0, tzinfo=UTC)),
    ("sidorova", "b", WorkKind.EMAIL, False, 0, datetime(2026, 2, 14, 9, 0, tzinfo=UTC)),
]
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def known(empty_base: OpenedBase) -> dict[str, int]:
    """Two departments, three employees (one without a department), three clients and
    the works above; returns ids by name."""
    with empty_base.sessions() as s:
        sales, service = Department(name="Продажи"), Department(name="Сервис")
        s.add_all([sales, service])
        s.flush()
        people = {"ivanov": Employee(login="ivanov", full_name="Иванов И. И.",
                                     department_id=sales.id),
                  "petrov": Employee(login="petrov", full_name="Петров П. П.",
                                     department_id=service.id),
                  "sidorova": Employee(login="sidorova", full_name="Сидорова С. С.")}
        clients = {k: Client(short_name=f"Клиент {k.upper()}", status=ClientStatus.SERVED)
                   for k in "abc"}
        s.add_all([*people.values(), *clients.values()])
        s.flush()
        for who, client, kind, done, minutes, at in WORKS:
            s.add(WorkRecord(client_id=clients[client].id, employee_id=people[who].id,
                             kind=kind, done=done, duration_min=minutes, starts_at=at))
        s.commit()
        ids = {k: v.id for k, v in people.items()} | {k: v.id for k, v in clients.items()}
        return ids | {"sales": sales.id, "service": service.id}


def _month(at: datetime) -> str:
    return at.astimezone().date().replace(day=1).isoformat()


def test_cells_subtotals_and_grand_total_equal_hand_computed(empty_base: OpenedBase,
                                                             known: dict[str, int]) -> None:
    query = PivotQuery(rows=("employee",), columns=("period",),
                       measures=("count", "done", "minutes", "clients"), period=YEAR)
    result = run_pivot(empty_base, CLIENT_CONTACTS, query)
    by_cell = Counter((known[w], _month(at)) for w, _c, _k, _d, _m, at in WORKS)
    for (employee_id, month), count in by_cell.items():
        assert result.value((employee_id,), (month,), "count") == count
    # Row totals, column totals, the grand total.
    assert result.value((known["ivanov"],), (), "count") == 3
    assert result.value((known["petrov"],), (), "minutes") == Decimal(103)
    assert result.value((), (_month(WORKS[0][5]),), "count") == 3
    assert result.grand_total("count") == len(WORKS)
    assert result.grand_total("done") == sum(1 for w in WORKS if w[3])
    # Distinct clients are not additive: ivanov 2 + petrov 2 + sidorova 1, but 3 in all.
    assert [result.value((known[p],), (), "clients") for p in ("ivanov", "petrov", "sidorova")
            ] == [2, 2, 1]
    assert result.grand_total("clients") == 3
    # Headers: employees by name, the total last; months in order with Russian labels.
    assert [h.label for h in result.row_headers] == [
        "Иванов И. И.", "Петров П. П.", "Сидорова С. С.", "Итого"]
    assert [h.label for h in result.leaf_columns] == [
        "январь 2026", "февраль 2026", "март 2026", "апрель 2026"]


def test_two_row_dimensions_give_department_subtotals_first(empty_base: OpenedBase,
                                                            known: dict[str, int]) -> None:
    query = PivotQuery(rows=("employee_department", "employee"), measures=("count", "share"),
                       period=YEAR)
    result = run_pivot(empty_base, CLIENT_CONTACTS, query)
    assert [(h.labels, h.is_total) for h in result.row_headers] == [
        (("Продажи",), True), (("Продажи", "Иванов И. И."), False),
        (("Сервис",), True), (("Сервис", "Петров П. П."), False),
        ((NO_VALUE,), True), ((NO_VALUE, "Сидорова С. С."), False),
        ((), True),
    ]
    assert result.value((known["sales"],), (), "count") == 3
    assert result.value((None,), (), "count") == 1
    # Shares of the column total, in per cent with one decimal.
    assert result.value((known["sales"],), (), "share") == Decimal("42.9")
    assert result.value((None, known["sidorova"]), (), "share") == Decimal("14.3")
    assert result.grand_total("share") == Decimal("100.0")


@pytest.mark.parametrize(("grouping", "expected"), [
    (PeriodGrouping.DAY, {"2026-01-05": 1, "2026-03-30": 1, "2026-04-01": 1}),
    # Ivanov's and Petrov's works. 05.01 and 30.03.2026 are Mondays: 07.01 falls in the
    # week of 05.01, 01.04 in the week of 30.03.
    (PeriodGrouping.WEEK, {"2026-01-05": 2, "2026-01-19": 1, "2026-02-02": 1, "2026-03-30": 2}),
    (PeriodGrouping.QUARTER, {"2026-01-01": 5, "2026-04-01": 1}),
    (PeriodGrouping.YEAR, {"2026-01-01": 6}),
])
def test_period_grouping_in_the_database(empty_base: OpenedBase, known: dict[str, int],
                                         grouping: PeriodGrouping,
                                         expected: dict[str, int]) -> None:
    query = PivotQuery(columns=("period",), measures=("count",), grouping=grouping,
                       period=YEAR, filters=(Filter("employee", (known["ivanov"],
                                                                 known["petrov"])),))
    result = run_pivot(empty_base, CLIENT_CONTACTS, query)
    cells = {h.key[0]: result.value((), h.key, "count") for h in result.leaf_columns}
    if grouping is PeriodGrouping.DAY:
        cells = {k: v for k, v in cells.items() if k in expected}
    assert cells == expected
    for start in expected:
        assert bucket_start(date.fromisoformat(start), grouping) == date.fromisoformat(start)


def test_period_labels_read_naturally() -> None:
    assert period_label("2026-03-30", PeriodGrouping.WEEK) == "неделя с 30.03.2026"
    assert period_label("2026-04-01", PeriodGrouping.QUARTER) == "2 кв. 2026"
    assert period_label(date(2026, 5, 1), PeriodGrouping.MONTH) == "май 2026"
    assert period_label("2026-05-09", PeriodGrouping.DAY) == "09.05.2026"


@pytest.fixture
def moscow_time() -> object:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Moscow"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_a_call_late_at_night_counts_in_the_local_month(empty_base: OpenedBase,
                                                        known: dict[str, int],
                                                        moscow_time: object) -> None:
    # 31.01 22:30 UTC is 01.02 01:30 in Moscow: February, on the user's clock.
    with empty_base.sessions() as s:
        s.add(WorkRecord(client_id=known["a"], employee_id=known["sidorova"],
                         kind=WorkKind.CALL, starts_at=datetime(2026, 1, 31, 22, 30, tzinfo=UTC)))
        s.commit()
    query = PivotQuery(rows=("employee",), columns=("period",), measures=("count",),
                       period=(date(2026, 2, 1), date(2026, 2, 28)))
    result = run_pivot(empty_base, CLIENT_CONTACTS, query)
    assert result.value((known["sidorova"],), ("2026-02-01",), "count") == 2
    assert result.value((known["sidorova"],), ("2026-01-01",), "count") is None


def test_filters_and_period_limit_the_rows(empty_base: OpenedBase,
                                           known: dict[str, int]) -> None:
    query = PivotQuery(rows=("kind",), measures=("count",),
                       period=(date(2026, 1, 1), date(2026, 1, 31)),
                       filters=(Filter("done", (True,)),))
    result = run_pivot(empty_base, CLIENT_CONTACTS, query)
    assert {h.label: result.value(h.key, (), "count") for h in result.leaf_rows} == {
        "Звонок": 2}
    nothing = run_pivot(empty_base, CLIENT_CONTACTS, PivotQuery(
        rows=("kind",), measures=("count",), period=(date(2025, 1, 1), date(2025, 12, 31))))
    assert nothing.is_empty and nothing.row_headers == []


def test_drill_down_returns_the_rows_of_the_cell(empty_base: OpenedBase,
                                                 known: dict[str, int]) -> None:
    query = PivotQuery(rows=("employee",), columns=("period",), measures=("count", "done"),
                       period=YEAR)
    cell = drill_down(empty_base, CLIENT_CONTACTS, query, (known["ivanov"],), ("2026-01-01",))
    assert cell.entity == "client"
    assert sorted(cell.entity_ids) == [known["a"], known["a"]]
    assert [r[1] for r in cell.rows] == ["Клиент A", "Клиент A"]
    # The «done» measure drills to the done rows only; a row total to the whole row.
    done = drill_down(empty_base, CLIENT_CONTACTS, query, (known["ivanov"],), ("2026-01-01",),
                      measure_key="done")
    assert len(done.rows) == 1
    row_total = drill_down(empty_base, CLIENT_CONTACTS, query, (known["ivanov"],), ())
    assert sorted(row_total.entity_ids) == sorted([known["a"], known["a"], known["b"]])
    limited = drill_down(empty_base, CLIENT_CONTACTS, query, (), (), limit=2)
    assert len(limited.rows) == 2 and limited.truncated


def test_money_sums_and_averages_are_exact_decimals(empty_base: OpenedBase,
                                                    known: dict[str, int]) -> None:
    with empty_base.sessions() as s:
        for amount, day, kind in [("100.10", 3, PaymentKind.CASH), ("0.20", 4, PaymentKind.CASH),
                                  ("1000.00", 5, PaymentKind.BANK)]:
            s.add(Payment(kind=kind, client_id=known["a"], paid_on=date(2026, 3, day),
                          amount=Decimal(amount)))
        s.commit()
    query = PivotQuery(rows=("kind",), measures=("amount", "avg_amount", "share", "count"),
                       period=YEAR)
    result = run_pivot(empty_base, MONEY_RECEIVED, query)
    assert result.value((PaymentKind.CASH,), (), "amount") == Decimal("100.30")
    assert result.value((PaymentKind.CASH,), (), "avg_amount") == Decimal("50.15")
    assert result.grand_total("amount") == Decimal("1100.30")
    assert result.value((PaymentKind.BANK,), (), "share") == Decimal("90.9")
    assert isinstance(result.grand_total("amount"), Decimal)


def test_refusals_name_what_is_wrong(empty_base: OpenedBase) -> None:
    with pytest.raises(ReportError, match="нет измерения «nothing»"):
        run_pivot(empty_base, CLIENT_CONTACTS, PivotQuery(rows=("nothing",), measures=("count",)))
    with pytest.raises(ReportError, match="«Сотрудник» выбрано дважды"):
        run_pivot(empty_base, CLIENT_CONTACTS, PivotQuery(rows=("employee",),
                                                          columns=("employee",),
                                                          measures=("count",)))
    with pytest.raises(ReportError, match="хотя бы один показатель"):
        run_pivot(empty_base, CLIENT_CONTACTS, PivotQuery(rows=("kind",)))
    with pytest.raises(ReportError, match="Период задан наоборот"):
        run_pivot(empty_base, CLIENT_CONTACTS, PivotQuery(
            rows=("kind",), measures=("count",), period=(date(2026, 2, 1), date(2026, 1, 1))))


def test_a_cancelled_report_stops(empty_base: OpenedBase, known: dict[str, int]) -> None:
    canceller = Canceller()
    canceller.cancel()
    with pytest.raises(ReportCancelled):
        run_pivot(empty_base, CLIENT_CONTACTS, CLIENT_CONTACTS.default_query(YEAR),
                  canceller=canceller)


def test_a_query_survives_json_for_saved_variants() -> None:
    query = PivotQuery(rows=("employee", "kind"), columns=("period",), measures=("count",),
                       grouping=PeriodGrouping.QUARTER, period=YEAR,
                       filters=(Filter("done", (True,)), Filter("direction", (None, 3))))
    assert PivotQuery.from_dict(json.loads(json.dumps(query.to_dict()))) == query


def test_a_year_later_the_same_day_is_another_bucket() -> None:
    assert bucket_start(date(2027, 1, 3), PeriodGrouping.WEEK) == date(2026, 12, 28)
    assert bucket_start(date(2026, 1, 1) + timedelta(days=364), PeriodGrouping.YEAR) == date(
        2026, 1, 1)
