"""Debts, advances and the money reports on both dialects: a client's balance, the
ageing buckets at their boundaries, per direction, «Поступление денег» and «Анализ
платежной культуры», and the Excel file of a report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.services.money.payments_rig import PayRig, make_rig
from vostok_desktop.db import OpenedBase
from vostok_desktop.services.distributives.reports import write_xlsx
from vostok_desktop.services.money import debt, payments
from vostok_desktop.services.money.debt import ageing_bucket

ON = date(2026, 12, 31)


@pytest.fixture
def rig(empty_base: OpenedBase) -> PayRig:
    return make_rig(empty_base)


@pytest.mark.parametrize(("days_past_due", "bucket"), [
    (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)])
def test_ageing_bucket_boundaries(days_past_due: int, bucket: int) -> None:
    assert ageing_bucket(ON - timedelta(days=days_past_due), ON) == bucket
    assert ageing_bucket(None, ON) == 0


def test_client_balance_debt_advance_overdue(rig: PayRig) -> None:
    old = rig.invoice("romashka", "3000.00", date(2026, 11, 1))  # due 11.11: overdue
    new = rig.invoice("romashka", "2000.00", date(2026, 12, 28))  # due 07.01: not yet
    payments.add_cash_payment(rig.base, rig.clients["romashka"], "1000", date(2026, 11, 5),
                              "", old.id, rig.cashier, None)
    payments.add_cash_payment(rig.base, rig.clients["romashka"], "700", date(2026, 12, 1),
                              "", None, rig.cashier, None)  # an advance
    with rig.base.sessions() as s:
        balance = debt.client_balance(s, rig.clients["romashka"], ON)
        assert balance == debt.Balance(Decimal("4000.00"), Decimal("700.00"),
                                       Decimal("2000.00"))
        assert balance.net == Decimal("3300.00")
        # A storno removes the debt of its invoice.
        assert new.id
    rig.invoice("romashka", "-2000.00", date(2026, 12, 29), corrects=new.id)
    with rig.base.sessions() as s:
        assert debt.client_balance(s, rig.clients["romashka"], ON).debt == Decimal("2000.00")
        assert debt.client_balance(s, rig.clients["lyutik"], ON) == debt.Balance(
            Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def test_debt_report_buckets_and_directions(rig: PayRig) -> None:
    # due_on = issued_on + 10: 0, 30, 31, 60, 61, 90, 91 days past due on ON.
    for past, amount in [(0, "1"), (30, "2"), (31, "4"), (60, "8"), (61, "16"), (90, "32"),
                         (91, "64")]:
        rig.invoice("romashka", amount, ON - timedelta(days=past + 10))
    rig.invoice("vasilek", "500.00", ON - timedelta(days=5), direction=True)
    paid = rig.invoice("lyutik", "100.00", ON - timedelta(days=200))
    payments.add_cash_payment(rig.base, rig.clients["lyutik"], "100", ON, "", paid.id,
                              rig.cashier, None)
    rows = debt.debt_by_client(rig.base, ON)
    by_name = {r.client_name: r for r in rows}
    assert set(by_name) == {"Ромашка", "Василёк"}  # Лютик paid everything
    assert by_name["Ромашка"].buckets == tuple(Decimal(v) for v in ("1", "2", "12", "48",
                                                                      "64"))
    assert by_name["Ромашка"].debt == Decimal("127.00")
    assert (by_name["Василёк"].direction, by_name["Василёк"].overdue) == \
        ("Сопровождение", Decimal("0"))
    assert [r.client_name for r in rows] == ["Ромашка", "Василёк"]  # overdue first
    only = debt.debt_by_client(rig.base, ON, direction_id=rig.direction)
    assert [r.client_name for r in only] == ["Василёк"]
    assert [r.client_name for r in debt.debt_by_client(rig.base, ON, overdue_only=True)] \
        == ["Ромашка"]
    table = debt.debt_table(rig.base, ON)
    assert table.totals[3:9] == (Decimal("501.00"), Decimal("2.00"), Decimal("12.00"),
                                 Decimal("48.00"), Decimal("64.00"), Decimal("627.00"))


def test_receipts_and_payment_culture(rig: PayRig, tmp_path: Path) -> None:
    on_time = rig.invoice("romashka", "1000.00", date(2026, 10, 1))  # due 11.10
    late = rig.invoice("romashka", "1000.00", date(2026, 11, 1))  # due 11.11
    rig.invoice("romashka", "1000.00", date(2026, 11, 20))  # unpaid
    rig.invoice("vasilek", "1000.00", date(2026, 11, 20))  # unpaid
    payments.add_cash_payment(rig.base, rig.clients["romashka"], "1000", date(2026, 10, 11),
                              "в срок", on_time.id, rig.cashier, None)
    payments.add_cash_payment(rig.base, rig.clients["romashka"], "1200", date(2026, 11, 21),
                              "с опозданием", late.id, rig.cashier, None)
    culture = {r.client_name: r for r in debt.payment_culture(
        rig.base, date(2026, 10, 1), date(2026, 11, 30), ON)}
    r = culture["Ромашка"]
    assert (r.invoices, r.on_time, r.late, r.unpaid, r.average_days_late) == \
        (3, 1, 1, 1, Decimal("10.0"))
    assert r.share(r.on_time) == Decimal("33.3")
    assert (culture["Василёк"].unpaid, culture["Василёк"].average_days_late) == (1, None)

    rows = debt.receipts(rig.base, date(2026, 11, 1), date(2026, 11, 30))
    assert [(x.client_name, x.amount, x.allocated, x.advance) for x in rows] == [
        ("Ромашка", Decimal("1200.00"), Decimal("1000.00"), Decimal("200.00"))]
    table = debt.receipts_table(rig.base, date(2026, 10, 1), date(2026, 11, 30))
    assert table.subtitle == "С 01.10.2026 по 30.11.2026: платежей 2 на 2\u00a0200,00 руб."
    path = write_xlsx(table, tmp_path / "receipts.xlsx")
    sheet = load_workbook(path).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Поступление денег" in values and "в срок" in values
