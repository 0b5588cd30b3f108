"""Importing statements and working with payments on both dialects: the sample files,
a second import of the same file, an overlapping statement, a broken file importing
nothing, cash payments, manual allocation and its removal, assignment from the review
screen, «не наш платёж», and every write refused without the right «Платежи»."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.services.money.payments_rig import ACCOUNT, INN, PayRig, make_rig, order
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.money import BankStatement, Payment, PaymentKind
from vostok_desktop.services.access.rights import FULL_ACCESS, AccessDenied, AccessProfile
from vostok_desktop.services.money import payments
from vostok_desktop.services.money.bank_statement import StatementError, render_statement

DATA = Path(__file__).parent / "data"
NO_PAYMENTS = AccessProfile(frozenset(r.value for r in Right) - {Right.MONEY_PAYMENTS.value},
                            Visibility.ALL, "manager")


@pytest.fixture
def rig(empty_base: OpenedBase) -> PayRig:
    return make_rig(empty_base)


def _count(rig: PayRig, model: type) -> int:
    with rig.base.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_sample_file_import_and_matching(rig: PayRig) -> None:
    first = rig.invoice("romashka", "12400.00", date(2026, 11, 1))
    assert first.number_text == "С-1"
    rig.invoice("vasilek", "8200.00", date(2026, 11, 25))
    result = payments.import_statement(rig.base, DATA / "statement_cp1251.txt", None,
                                       rig.cashier, FULL_ACCESS)
    assert (result.payments, result.outgoing, result.skipped) == (3, 1, 0)
    assert (result.matched, result.unmatched) == (2, 1)
    assert result.total == Decimal("58800.00")
    assert result.summary.startswith("Загружено платежей: 3 на 58\u00a0800,00 руб.; "
                                     "разнесено автоматически: 2; ждут разбора: 1")
    rows = payments.list_payments(rig.base, unassigned_only=True)
    assert [(r.payer_name, r.amount, r.paid_on) for r in rows] == [
        ("ИП Сидоров Пётр Ильич", Decimal("38200.00"), date(2026, 12, 4))]
    everything = {r.doc_number: r for r in payments.list_payments(rig.base)}
    assert everything["418"].client_name == "Ромашка"
    assert everything["418"].match_note == "по номеру счёта С-1"
    assert everything["77"].paid_on == date(2026, 12, 3)  # «ДатаПоступило»
    assert everything["77"].allocated == Decimal("8200.00")
    [statement] = payments.list_statements(rig.base)
    assert (statement.file_name, statement.payments_count, statement.imported_by) == \
        ("statement_cp1251.txt", 3, "Кассирова Катерина")


def test_the_same_file_twice_is_recognised(rig: PayRig) -> None:
    payments.import_statement(rig.base, DATA / "statement_cp1251.txt", None, rig.cashier,
                              None)
    with pytest.raises(payments.PaymentError) as caught:
        payments.import_statement(rig.base, DATA / "statement_cp1251.txt", "copy.txt",
                                  rig.cashier, None)
    today = date.today().strftime("%d.%m.%Y")
    assert caught.value.message == f"Эта выписка уже загружена {today} (Кассирова Катерина)."
    assert _count(rig, Payment) == 3 and _count(rig, BankStatement) == 1


def test_overlapping_statement_skips_the_payments_already_present(rig: PayRig) -> None:
    payments.import_statement(rig.base, DATA / "statement_cp1251.txt", None, rig.cashier,
                              None)
    for day in (10, 11):  # С-1 and С-2 of the year
        rig.invoice("vasilek", "1.00", date(2026, 1, day))
    inv = rig.invoice("lyutik", "10000.00", date(2026, 12, 1))
    assert inv.number_text == "С-3"  # the purpose says «по счету №С-3»
    result = payments.import_statement(rig.base, DATA / "statement_utf8.txt", None,
                                       rig.cashier, None)
    assert (result.payments, result.skipped) == (1, 1)  # Сидоров's order was in both
    lyutik = [p for p in rig.payments() if p.doc_number == "2214"]
    assert lyutik[0].client_id == rig.clients["lyutik"]
    assert rig.allocations()[-1] == (lyutik[0].id, inv.id, Decimal("5000.00"))  # partial
    assert _count(rig, Payment) == 4


def test_a_broken_file_imports_nothing(rig: PayRig) -> None:
    with pytest.raises(StatementError, match="строка 48: Сумма «12,3,4» — не число"):
        payments.import_statement(rig.base, DATA / "statement_broken.txt", None,
                                  rig.cashier, None)
    assert _count(rig, Payment) == 0 and _count(rig, BankStatement) == 0


def test_cash_payment_allocation_and_removal(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "3000.00", date(2026, 11, 1))
    second = rig.invoice("romashka", "2000.00", date(2026, 11, 15))
    pid = payments.add_cash_payment(rig.base, rig.clients["romashka"], "4 000,00",
                                    date(2026, 11, 5), "Оплата в кассу", inv.id,
                                    rig.cashier, FULL_ACCESS)
    [row] = payments.list_payments(rig.base, client_id=rig.clients["romashka"])
    assert (row.kind, row.amount, row.allocated, row.advance) == \
        (PaymentKind.CASH, Decimal("4000.00"), Decimal("3000.00"), Decimal("1000.00"))
    # The advance goes to the second invoice by hand.
    aid = payments.allocate(rig.base, pid, second.id, None, rig.cashier, FULL_ACCESS)
    assert [(a.number_text, a.amount) for a in payments.payment_allocations(rig.base, pid)] \
        == [("С-1", Decimal("3000.00")), ("С-2", Decimal("1000.00"))]
    with pytest.raises(payments.PaymentError, match="У платежа не осталось неразнесённой "
                                                    "суммы"):
        payments.allocate(rig.base, pid, second.id, "1", rig.cashier, FULL_ACCESS)
    payments.remove_allocation(rig.base, aid, rig.cashier, FULL_ACCESS)
    with rig.base.sessions() as s:
        assert payments.payment_rest(s, pid) == Decimal("1000.00")
        assert payments.document_rest(s, second.id) == Decimal("2000.00")
    with pytest.raises(payments.PaymentError) as caught:
        payments.allocate(rig.base, pid, second.id, "1500", rig.cashier, FULL_ACCESS)
    assert caught.value.message == ("Сумма 1\u00a0500,00 руб. больше неразнесённого "
                                    "остатка платежа (1\u00a0000,00 руб.).")
    foreign = rig.invoice("vasilek", "500.00", date(2026, 11, 15))
    with pytest.raises(payments.PaymentError, match="выписан другому клиенту"):
        payments.allocate(rig.base, pid, foreign.id, None, rig.cashier, FULL_ACCESS)
    with pytest.raises(payments.PaymentError, match="Сумма «abc» — не число"):
        payments.add_cash_payment(rig.base, rig.clients["romashka"], "abc",
                                  date(2026, 11, 5), "", None, rig.cashier, FULL_ACCESS)
    if rig.base.dialect == "sqlite":  # the server logs by itself
        with rig.base.sessions() as s:
            tables = set(s.scalars(select(ChangeLog.table_name)))
        assert {"payments", "payment_allocations"} <= tables


def test_assign_from_review_and_not_ours(rig: PayRig) -> None:
    inv = rig.invoice("lyutik", "1200.00", date(2026, 11, 20))
    data = render_statement(ACCOUNT, date(2026, 12, 1), date(2026, 12, 2), [
        order("1", date(2026, 12, 1), "2000.00", "оплата за информационные услуги",
              inn="7712121212", name="ООО «Лютик-Холдинг»"),
        order("2", date(2026, 12, 2), "777.00", "возврат займа", inn="7713131313")])
    payments.import_statement(rig.base, data, "x.txt", rig.cashier, None)
    first, second = payments.list_payments(rig.base, unassigned_only=True)
    candidates = payments.review_candidates(rig.base, first.id)
    assert [(c.name, c.reason) for c in candidates] == [("Лютик", "по названию")]
    assert [i.number_text for i in candidates[0].invoices] == [inv.number_text]
    assert [c.name for c in payments.search_clients(rig.base, INN["vasilek"])] == ["Василёк"]
    payments.assign_payment(rig.base, first.id, rig.clients["lyutik"], inv.id, rig.cashier,
                            FULL_ACCESS)
    payments.mark_not_ours(rig.base, second.id, "возврат займа учредителю", rig.cashier,
                           FULL_ACCESS)
    assigned = {p.id: p for p in rig.payments()}
    assert assigned[first.id].client_id == rig.clients["lyutik"]
    assert rig.allocations() == [(first.id, inv.id, Decimal("1200.00"))]
    assert assigned[second.id].client_id is None
    assert assigned[second.id].match_note == "не наш платёж: возврат займа учредителю"
    assert payments.list_payments(rig.base, unassigned_only=True,
                                  include_not_ours=False) == []


def test_rights_refused(rig: PayRig) -> None:
    inv = rig.invoice("romashka", "100.00", date(2026, 11, 20))
    message = "Нет права «Платежи». Обратитесь к администратору."
    with pytest.raises(AccessDenied, match=message):
        payments.import_statement(rig.base, DATA / "statement_cp1251.txt", None,
                                  rig.cashier, NO_PAYMENTS)
    with pytest.raises(AccessDenied, match=message):
        payments.add_cash_payment(rig.base, rig.clients["romashka"], "100",
                                  date(2026, 11, 21), "", inv.id, rig.cashier, NO_PAYMENTS)
    with pytest.raises(AccessDenied, match=message):
        payments.assign_payment(rig.base, 1, rig.clients["romashka"], None, rig.cashier,
                                NO_PAYMENTS)
    with pytest.raises(AccessDenied, match=message):
        payments.remove_allocation(rig.base, 1, rig.cashier, NO_PAYMENTS)
    assert _count(rig, Payment) == 0 and _count(rig, BankStatement) == 0


def test_demo_payments_step(rig: PayRig) -> None:
    from vostok_desktop.services.demo.common import AreaContext, DemoSummary
    from vostok_desktop.services.demo.money_payments import JUNK, add_payments

    with rig.base.sessions() as s, s.begin():  # no invoices: nothing written
        add_payments(AreaContext(s, rig.cashier, 7, DemoSummary()))
    assert _count(rig, Payment) == 0
    invoices = [rig.invoice(name, "1000.00", date(2026, month, 1))
                for month in (9, 10, 11) for name in ("romashka", "vasilek", "lyutik")
                for _ in range(4)]
    summary = DemoSummary()
    with rig.base.sessions() as s, s.begin():
        add_payments(AreaContext(s, rig.cashier, 7, summary))
    rows = payments.list_payments(rig.base)
    assert summary.payments == len(rows) > len(JUNK)
    unassigned = [r for r in rows if r.unassigned]
    assert sorted(r.purpose for r in unassigned) == sorted(JUNK)
    assigned = [r for r in rows if not r.unassigned]
    assert any(r.advance > 0 for r in assigned)  # overpaid
    assert all(r.allocated <= r.amount for r in rows)
    with rig.base.sessions() as s:
        rests = [payments.document_rest(s, i.id) for i in invoices]
    assert all(Decimal(0) <= rest <= Decimal("1000.00") for rest in rests)
    assert Decimal(0) in rests  # some paid in full


def test_rematch_after_the_invoice_is_issued(rig: PayRig) -> None:
    data = render_statement(ACCOUNT, date(2026, 12, 1), date(2026, 12, 1), [
        order("1", date(2026, 12, 1), "4321.00", "оплата", inn=INN["vasilek"])])
    payments.import_statement(rig.base, data, "x.txt", rig.cashier, None)
    assert rig.payments()[0].client_id is None
    rig.invoice("vasilek", "4321.00", date(2026, 11, 28))
    assert payments.rematch_unassigned(rig.base, rig.cashier, FULL_ACCESS) == 1
    assert rig.payments()[0].client_id == rig.clients["vasilek"]


def test_cash_payment_to_a_chosen_company_and_the_allocation_form_data(rig: PayRig) -> None:
    from vostok_desktop.domain.money import Company, TaxMode

    with rig.base.sessions() as s, s.begin():
        other = Company(name="ИП Кассов", inn="540601234567", tax_mode=TaxMode.USN,
                        vat_rate=Decimal(0))
        s.add(other)
        s.flush()
        other_id = other.id
    first = rig.invoice("romashka", "3000.00", date(2026, 11, 1))
    rig.invoice("romashka", "2000.00", date(2026, 11, 15))
    client = rig.clients["romashka"]
    assert [(i.number_text, i.rest) for i in payments.client_open_invoices(rig.base, client)] \
        == [("С-1", Decimal("3000.00")), ("С-2", Decimal("2000.00"))]
    pid = payments.add_cash_payment(rig.base, client, "1000", date(2026, 11, 5),
                                    "ПКО № 15", None, rig.cashier, FULL_ACCESS,
                                    company_id=other_id)
    assert [p.company_id for p in rig.payments()] == [other_id]
    row = payments.payment_row(rig.base, pid)
    assert (row.amount, row.advance, row.purpose, row.client_name) == (
        Decimal("1000.00"), Decimal("1000.00"), "ПКО № 15", "Ромашка")
    payments.allocate(rig.base, pid, first.id, "400", rig.cashier, FULL_ACCESS)
    assert payments.payment_row(rig.base, pid).advance == Decimal("600.00")
    assert payments.client_open_invoices(rig.base, client)[0].rest == Decimal("2600.00")
    with pytest.raises(payments.PaymentError, match="Субъект учёта не найден"):
        payments.add_cash_payment(rig.base, client, "10", date(2026, 11, 5), "", None,
                                  rig.cashier, FULL_ACCESS, company_id=other_id + 100)
    assert len(rig.payments()) == 1
