"""«Акт сверки взаимных расчётов»: a client's settlements with one company (субъект учёта)
over a period, and its print form. No Qt.

The balance follows the debt rule of :mod:`vostok_desktop.services.money.debt` (and of the
card's «Счета и оплаты»): debit = the client's invoices (acts and УПД create no debt; a
storno is an invoice with a negative total, so it appears as a negative debit — «красное
сторно»); credit = the client's payments on their ``paid_on``, allocated or not (an
unallocated part is an advance and lowers the balance all the same). Balance = debit −
credit: above zero the client owes the company, below zero the company owes the client.

Per company a payment is split the way it was allocated: what went to the company's
invoices is that company's credit, the unallocated rest belongs to the company that
received the payment (``payment.company_id``; none — the default company, as
:mod:`~vostok_desktop.services.money.payments` assigns it). So the acts of all companies
add up to the card's balance, and with ``company_id`` None the act covers every company.

The act's print form (fields, conclusion, DOCX) is filled in
:mod:`vostok_desktop.services.documents.printing`, like every form of a client card.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.money import (
    Company,
    DocumentKind,
    MoneyDocument,
    Payment,
    PaymentAllocation,
    PaymentKind,
)
from vostok_desktop.domain.validators import ValidationError

ZERO = Decimal("0.00")
TITLE = "Акт сверки взаимных расчётов"
TEMPLATE_CODE = "reconciliation"


class ReconciliationError(ValidationError):
    """An act that cannot be made; the message says why."""


@dataclass(frozen=True)
class ReconciliationLine:
    on: date
    title: str  # «Счёт № С-1», «Сторно счёта № С-1 от 01.02.2026 (№ С-3)», «Оплата…»
    debit: Decimal
    credit: Decimal
    document_id: int | None = None
    payment_id: int | None = None


@dataclass(frozen=True)
class Reconciliation:
    client_id: int
    client_name: str  # the full name as the act prints it
    company_id: int | None  # None: every company
    company_name: str
    start: date
    end: date
    opening: Decimal  # > 0: the client owes on ``start``; < 0: its advance
    lines: tuple[ReconciliationLine, ...]

    @property
    def debit_turnover(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit_turnover(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit_turnover - self.credit_turnover

    @property
    def creditor(self) -> str | None:
        """In whose favour the closing balance is: the company, the client or nobody."""
        if self.closing > 0:
            return self.company_name
        if self.closing < 0:
            return self.client_name
        return None


def _payment_title(kind: PaymentKind, doc_number: str, paid_on: date) -> str:
    if PaymentKind(kind) is PaymentKind.CASH:
        return "Оплата наличными" + (f", ПКО № {doc_number}" if doc_number else "")
    return "Оплата" + (f", п/п № {doc_number} от {paid_on:%d.%m.%Y}" if doc_number
                       else " по безналичному расчёту")


def default_period(today: date | None = None) -> tuple[date, date]:
    """The year so far: 1 January to today."""
    today = today or date.today()
    return date(today.year, 1, 1), today


def reconciliation(session: Session, client_id: int, company_id: int | None, start: date,
                   end: date) -> Reconciliation:
    """The act of ``client_id`` with ``company_id`` (None: all companies) from ``start``
    to ``end`` inclusive. Five queries whatever the period."""
    if start is None or end is None:
        raise ReconciliationError("period", "Укажите начало и конец периода сверки.")
    if start > end:
        raise ReconciliationError("period", f"Начало периода ({start:%d.%m.%Y}) позже его "
                                            f"конца ({end:%d.%m.%Y}).")
    client = session.get(Client, client_id)
    if client is None:
        raise ReconciliationError("client", "Клиент не найден (возможно, нет доступа).")
    companies = {c.id: c for c in session.scalars(
        select(Company).order_by(Company.is_default.desc(), Company.id))}
    if company_id is not None and company_id not in companies:
        raise ReconciliationError("company", "Субъект учёта не найден.")
    # payments.py gives a payment the default company (else the first); None falls there.
    fallback = next(iter(companies), None)
    company_name = companies[company_id].name if company_id is not None else (
        companies[fallback].name if fallback is not None else "")

    doc = MoneyDocument
    original = aliased(MoneyDocument)
    stmt = (select(doc.id, doc.issued_on, doc.number_text, doc.total, doc.company_id,
                   original.number_text, original.issued_on)
            .outerjoin(original, original.id == doc.corrects_id)
            .where(doc.client_id == client_id, doc.kind == DocumentKind.INVOICE,
                   doc.issued_on <= end))
    if company_id is not None:
        stmt = stmt.where(doc.company_id == company_id)
    opening = ZERO
    lines: list[tuple[tuple[Any, ...], ReconciliationLine]] = []
    for r in session.execute(stmt):
        total = Decimal(r[3])
        if r[1] < start:
            opening += total
            continue
        title = (f"Сторно счёта № {r[5]} от {r[6]:%d.%m.%Y} (№ {r[2]})" if r[5] is not None
                 else f"Счёт № {r[2]}")
        lines.append(((r[1], 0, r[0]), ReconciliationLine(r[1], title, total, ZERO,
                                                          document_id=r[0])))

    payments = session.execute(
        select(Payment.id, Payment.paid_on, Payment.kind, Payment.doc_number, Payment.amount,
               Payment.company_id)
        .where(Payment.client_id == client_id, Payment.paid_on <= end)).all()
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)  # all companies
    allocated_here: dict[int, Decimal] = defaultdict(lambda: ZERO)  # to company_id's
    if company_id is not None and payments:
        for payment_id, amount, doc_company in session.execute(
                select(PaymentAllocation.payment_id, PaymentAllocation.amount,
                       MoneyDocument.company_id)
                .join(MoneyDocument, MoneyDocument.id == PaymentAllocation.document_id)
                .join(Payment, Payment.id == PaymentAllocation.payment_id)
                .where(Payment.client_id == client_id, Payment.paid_on <= end)):
            allocated[payment_id] += Decimal(amount)
            if doc_company == company_id:
                allocated_here[payment_id] += Decimal(amount)
    for pid, paid_on, kind, number, amount, pay_company in payments:
        amount = Decimal(amount)
        if company_id is None:
            credit = amount
        else:
            owner = pay_company if pay_company in companies else fallback
            credit = allocated_here[pid] + (amount - allocated[pid] if owner == company_id
                                            else ZERO)
        if not credit:
            continue
        if paid_on < start:
            opening -= credit
            continue
        lines.append(((paid_on, 1, pid), ReconciliationLine(
            paid_on, _payment_title(kind, number or "", paid_on), ZERO, credit,
            payment_id=pid)))
    lines.sort(key=lambda pair: pair[0])
    return Reconciliation(client_id, client.full_name or client.short_name, company_id,
                          company_name, start, end, opening, tuple(line for _, line in lines))


def companies_of_client(base: OpenedBase, client_id: int) -> list[tuple[int, str]]:
    """Companies to offer for the act: the default first, then those the client has
    documents or payments with, then the rest (active ones)."""
    with base.sessions() as s:
        used = set(s.scalars(select(MoneyDocument.company_id)
                             .where(MoneyDocument.client_id == client_id).distinct()))
        used |= set(s.scalars(select(Payment.company_id)
                              .where(Payment.client_id == client_id).distinct()))
        rows = s.execute(select(Company.id, Company.name, Company.is_default,
                                Company.is_active)).all()
    chosen = [r for r in rows if r.is_active or r.id in used]
    chosen.sort(key=lambda r: (not r.is_default, r.id not in used, r.name, r.id))
    return [(r.id, r.name) for r in chosen]


__all__ = ["TEMPLATE_CODE", "TITLE", "Reconciliation", "ReconciliationError",
           "ReconciliationLine", "companies_of_client", "default_period", "reconciliation"]
