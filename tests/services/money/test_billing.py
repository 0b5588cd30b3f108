"""Billing of a month on both dialects: invoices and acts from the budgets with numbers
in a row, a re-run that skips the billed clients, clients with budget problems listed
and not billed, and a cancel that leaves whole chunks only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from vostok_desktop.domain.money import (
    BillingRun,
    BillingState,
    DocumentKind,
    MoneyDocument,
    MoneyDocumentLine,
    TaxMode,
)
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.money import billing, prices
from vostok_desktop.services.money.companies import CompanyData, save_company
from vostok_desktop.services.money.documents import DocumentRefused, documents_of_client
from vostok_desktop.services.money.prices import PriceItemData

K = DocumentKind
MARCH = date(2026, 3, 1)


class StopAfter:
    """An operation state that is cancelled after ``calls`` progress reports."""

    def __init__(self, calls: int) -> None:
        self.calls, self.seen = calls, []

    def progress(self, stage: str, done: int, total: int) -> None:
        self.seen.append((done, total))

    def is_cancelled(self) -> bool:
        return len(self.seen) >= self.calls


def _setup(rig: Rig) -> int:  # noqa: F811
    prices.create_price_list(rig.base, "2026", date(2026, 1, 1), None, items=[
        PriceItemData(rig.systems["prof"], 1, Decimal("4000.00"))])
    eng = rig.employees["engineer"]
    p1, p2, p3 = rig.receive("500001", "500002", "500003")
    [n1] = rig.receive("500004", system="net")
    for d, client in ((p1, "romashka"), (p2, "romashka"), (p3, "vasilek")):
        movements.connect(rig.base, d, rig.clients[client], date(2021, 1, 10), eng,
                          today=TODAY)
    return n1


def _company(rig: Rig, tax_mode: TaxMode = TaxMode.VAT) -> int:  # noqa: F811
    return save_company(rig.base, CompanyData(name="ООО «РИЦ Восток»", inn="5406123450",
                                              tax_mode=tax_mode), None)


def _count(rig: Rig, model) -> int:  # noqa: F811, ANN001
    with rig.base.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_month_is_billed_once_and_a_rerun_skips(rig: Rig) -> None:  # noqa: F811
    _setup(rig)
    company = _company(rig)
    keeper = rig.employees["keeper"]
    result = billing.run_billing(rig.base, company, date(2026, 3, 17), {K.INVOICE, K.ACT},
                                 None, keeper, None)
    assert (result.documents, result.clients, result.skipped, result.problems) == (
        4, 2, 0, [])
    assert result.total == Decimal("12000.00")
    with rig.base.sessions() as s:
        rows = documents_of_client(s, rig.clients["romashka"])
        assert sorted((r.kind_title, r.number_text, r.total, r.period) for r in rows) == [
            ("Акт", "А-1", Decimal("8000.00"), MARCH),
            ("Счёт", "С-1", Decimal("8000.00"), MARCH)]
        invoice = s.scalar(select(MoneyDocument).where(
            MoneyDocument.number_text == "С-1"))
        act = s.scalar(select(MoneyDocument).where(MoneyDocument.number_text == "А-1"))
        assert (invoice.issued_on, act.issued_on, act.invoice_id) == (
            MARCH, date(2026, 3, 31), invoice.id)
        assert (invoice.vat, invoice.net) == (Decimal("1442.62"), Decimal("6557.38"))
        names = list(s.scalars(select(MoneyDocumentLine.name).where(
            MoneyDocumentLine.document_id == invoice.id).order_by(
            MoneyDocumentLine.position)))
        assert names[0].endswith("дистрибутив № 500001 за март 2026")
        run = s.get(BillingRun, result.run_id)
        assert (run.state, run.documents_count, run.total, run.kinds) == (
            BillingState.DONE, 4, Decimal("12000.00"), "invoice,act")
    assert billing.run_documents(rig.base, result.run_id)[:2] == [invoice.id, invoice.id + 1]

    again = billing.run_billing(rig.base, company, MARCH, {K.INVOICE, K.ACT}, None,
                                keeper, None)
    assert (again.documents, again.skipped) == (0, 2)
    assert "пропущено уже выписанных за месяц: 2" in again.summary
    assert _count(rig, MoneyDocument) == 4
    # The next month continues the series.
    april = billing.run_billing(rig.base, company, date(2026, 4, 1), {K.INVOICE},
                                [rig.clients["vasilek"]], keeper, None)
    assert april.documents == 1
    with rig.base.sessions() as s:
        assert s.scalar(select(MoneyDocument.number_text).where(
            MoneyDocument.billing_run_id == april.run_id)) == "С-3"


def test_budget_problems_are_listed_not_billed(rig: Rig) -> None:  # noqa: F811
    n1 = _setup(rig)
    movements.connect(rig.base, n1, rig.clients["vasilek"], date(2021, 1, 10),
                      rig.employees["engineer"], today=TODAY)
    company = _company(rig, TaxMode.USN)
    result = billing.run_billing(rig.base, company, MARCH, {K.INVOICE},
                                 [rig.clients["romashka"], rig.clients["vasilek"],
                                  rig.clients["lyutik"]], None, None)
    assert (result.documents, result.clients) == (1, 1)
    problems = {p.client_name: p.text for p in result.problems}
    assert set(problems) == {"Василёк", "Лютик"}
    assert "нет цены" in problems["Василёк"] and "500004" in problems["Василёк"]
    assert problems["Лютик"] == "нет дистрибутивов на сопровождении с ценой"
    with rig.base.sessions() as s:
        doc = s.scalar(select(MoneyDocument))
        assert (doc.client_id, doc.vat, doc.tax_mode) == (rig.clients["romashka"],
                                                          Decimal("0.00"), TaxMode.USN)


def test_cancel_leaves_whole_chunks_only(rig: Rig) -> None:  # noqa: F811
    _setup(rig)
    company = _company(rig)
    state = StopAfter(1)
    result = billing.run_billing(rig.base, company, MARCH, {K.INVOICE, K.ACT},
                                 [rig.clients["romashka"], rig.clients["vasilek"]], None,
                                 None, state, chunk=1)
    assert result.cancelled and (result.documents, result.clients) == (2, 1)
    assert "выписка прервана" in result.summary
    with rig.base.sessions() as s:
        kinds = sorted(s.scalars(select(MoneyDocument.kind)))
        assert kinds == [K.ACT, K.INVOICE]  # the first client whole, nothing of the second
        assert s.get(BillingRun, result.run_id).state is BillingState.CANCELLED
        assert s.scalar(select(func.count()).select_from(MoneyDocumentLine)) == 4
    # The rest is billed by a re-run; the numbers go on without a gap.
    rest = billing.run_billing(rig.base, company, MARCH, {K.INVOICE, K.ACT}, None, None,
                               None)
    assert (rest.documents, rest.skipped) == (2, 1)
    with rig.base.sessions() as s:
        assert sorted(s.scalars(select(MoneyDocument.number_text))) == [
            "А-1", "А-2", "С-1", "С-2"]


def test_nothing_to_issue_is_refused(rig: Rig) -> None:  # noqa: F811
    with pytest.raises(DocumentRefused, match="Не выбрано, что выписывать"):
        billing.run_billing(rig.base, _company(rig), MARCH, set(), None, None, None)


def test_demo_step_bills_three_months_with_a_few_stornos(rig: Rig) -> None:  # noqa: F811
    from vostok_desktop.services.demo.common import AreaContext, DemoSummary
    from vostok_desktop.services.demo.money_documents import add_documents

    def step() -> None:
        with rig.base.sessions() as s, s.begin():
            add_documents(AreaContext(s, rig.employees["keeper"], 7, DemoSummary()))

    step()  # no price list yet: nothing is billed
    assert _count(rig, MoneyDocument) == 0
    _setup(rig)
    step()
    with rig.base.sessions() as s:
        periods = sorted(set(s.scalars(select(MoneyDocument.period))))
        stornos = s.scalar(select(func.count()).select_from(MoneyDocument).where(
            MoneyDocument.corrects_id.is_not(None)))
        runs = s.scalar(select(func.count()).select_from(BillingRun))
    assert periods == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert (_count(rig, MoneyDocument), stornos, runs) == (14, 2, 3)  # 2 clients × 3 × 2
    step()  # a second run adds no documents
    assert _count(rig, MoneyDocument) == 14
