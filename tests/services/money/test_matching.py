"""Matching imported payments to invoices, on both dialects: each rule, ambiguity,
partial payment and overpayment, and the purpose's number forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.services.money.payments_rig import ACCOUNT, INN, PayRig, make_rig, order
from vostok_desktop.db import OpenedBase
from vostok_desktop.services.money import payments
from vostok_desktop.services.money.bank_statement import render_statement
from vostok_desktop.services.money.matching import InvoiceRef, invoice_refs

DEC = date(2026, 12, 5)


@pytest.fixture
def rig(empty_base: OpenedBase) -> PayRig:
    return make_rig(empty_base)


def _import(rig: PayRig, *orders: dict[str, str]) -> payments.ImportResult:
    data = render_statement(ACCOUNT, date(2026, 12, 1), DEC, orders)
    return payments.import_statement(rig.base, data, "выписка.txt", rig.cashier, None)


@pytest.mark.parametrize(("purpose", "refs"), [
    ("Оплата по сч. № С-123 за декабрь", [InvoiceRef(123)]),
    ("Оплата счет 123 от 01.12.2026", [InvoiceRef(123, date(2026, 12, 1))]),
    ("по счету №С-123, НДС не облагается", [InvoiceRef(123)]),
    ("Оплата по счёту N C - 45 (латинская C)", [InvoiceRef(45)]),
    ("Оплата сч.No.77", [InvoiceRef(77)]),
    ("Оплата по счетам № С-12, сч. С-13", [InvoiceRef(12), InvoiceRef(13)]),
    ("Оплата по договору 15 от 01.01.2020", []),
    ("счёт-фактура 12 от 01.12.2026", []),
])
def test_invoice_numbers_in_purposes(purpose: str, refs: list[InvoiceRef]) -> None:
    assert invoice_refs(purpose) == refs


def test_rule_a_invoice_number_with_the_clients_inn(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "12400.00", date(2026, 11, 20))
    other = rig.invoice("vasilek", "12400.00", date(2026, 11, 21))
    result = _import(rig, order("1", DEC, "12400.00", f"Оплата по сч. № {inv.number_text}",
                                inn=INN["romashka"]))
    assert (result.matched, result.unmatched, result.ambiguous) == (1, 0, 0)
    [p] = rig.payments()
    assert p.client_id == rig.clients["romashka"]
    assert p.match_note == f"по номеру счёта {inv.number_text}"
    assert rig.allocations() == [(p.id, inv.id, Decimal("12400.00"))]
    assert other.id not in {a[1] for a in rig.allocations()}


def test_rule_a_number_with_a_foreign_inn_needs_the_amount_to_fit(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "9000.00", date(2026, 11, 20))
    # Paid by somebody else (a parent company), the amount equals the invoice.
    _import(rig, order("1", DEC, "9000.00", f"за Ромашку по счету №{inv.number_text}",
                       inn="7799999999"),
            order("2", DEC, "100.00", f"по счету №{inv.number_text}", inn="7799999999"))
    first, second = rig.payments()
    assert first.client_id == rig.clients["romashka"]
    assert second.client_id is None and second.match_note == "не распознан"


def test_rule_b_inn_and_amount(rig: PayRig) -> None:
    rig.invoice("vasilek", "8200.00", date(2026, 10, 1))  # too old for rule (c) anyway
    newer = rig.invoice("vasilek", "5000.00", date(2026, 11, 1))
    _import(rig, order("7", DEC, "5000.00", "Информационное обслуживание за декабрь",
                       inn=INN["vasilek"]))
    [p] = rig.payments()
    assert p.client_id == rig.clients["vasilek"]
    assert p.match_note == f"ИНН и сумма, счёт {newer.number_text}"
    assert rig.allocations() == [(p.id, newer.id, Decimal("5000.00"))]


def test_rule_c_amount_and_date_window(rig: PayRig) -> None:
    inv = rig.invoice("lyutik", "3333.00", date(2026, 11, 1))
    old = rig.invoice("romashka", "4444.00", date(2026, 10, 1))  # 65 days before
    _import(rig, order("9", DEC, "3333.00", "оплата услуг", inn="7711111111"),
            order("10", DEC, "4444.00", "оплата услуг", inn="7711111111"))
    matched, unmatched = rig.payments()
    assert (matched.client_id, matched.match_note) == \
        (rig.clients["lyutik"], f"сумма и дата, счёт {inv.number_text}")
    assert unmatched.client_id is None
    assert old.id not in {a[1] for a in rig.allocations()}


def test_rule_c_ambiguous_when_several_invoices_fit(rig: PayRig) -> None:
    rig.invoice("lyutik", "2500.00", date(2026, 11, 10))
    rig.invoice("romashka", "2500.00", date(2026, 11, 12))
    result = _import(rig, order("9", DEC, "2500.00", "оплата услуг"))
    assert (result.matched, result.ambiguous) == (0, 1)
    [p] = rig.payments()
    assert p.client_id is None
    assert p.match_note == "неоднозначно: 2 счетов на эту сумму за 45 дней"
    assert rig.allocations() == []


def test_partial_payment_and_overpayment(rig: PayRig) -> None:
    part = rig.invoice("lyutik", "10000.00", date(2026, 11, 10))
    over = rig.invoice("romashka", "3000.00", date(2026, 11, 10))
    _import(rig, order("1", DEC, "4000.00", f"Частичная оплата по счету №{part.number_text}",
                       inn=INN["lyutik"]),
            order("2", DEC, "3500.00", f"Оплата сч. {over.number_text}",
                  inn=INN["romashka"]))
    p1, p2 = rig.payments()
    assert rig.allocations() == [(p1.id, part.id, Decimal("4000.00")),
                                 (p2.id, over.id, Decimal("3000.00"))]
    with rig.base.sessions() as s:
        assert payments.document_rest(s, part.id) == Decimal("6000.00")
        assert payments.payment_rest(s, p2.id) == Decimal("500.00")  # an advance


def test_two_payments_of_one_batch_never_pay_the_same_rest_twice(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "1000.00", date(2026, 11, 20))
    _import(rig, order("1", DEC, "1000.00", "оплата", inn=INN["romashka"]),
            order("2", DEC, "1000.00", "оплата", inn=INN["romashka"]))
    first, second = rig.payments()
    assert first.client_id == rig.clients["romashka"]
    assert second.client_id is None
    assert rig.allocations() == [(first.id, inv.id, Decimal("1000.00"))]


def test_a_reversed_invoice_is_not_matched(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "1500.00", date(2026, 11, 20))
    rig.invoice("romashka", "-1500.00", date(2026, 11, 25), corrects=inv.id)
    _import(rig, order("1", DEC, "1500.00", f"оплата сч. {inv.number_text}",
                       inn=INN["romashka"]))
    [p] = rig.payments()
    assert p.client_id is None and rig.allocations() == []
