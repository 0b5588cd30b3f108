"""Matching received payments to invoices, in order:

(a) an invoice number in the purpose («сч. № С-123», «счет 123 от 01.12.2026», «по счету
    №С-123»; с/C Latin, №/N/No, spaces and dashes tolerated) → that invoice when the
    payer's INN is the client's or the amount fits (equals the rest to pay, or the
    invoice's total);
(b) the payer's INN is a client's and the amount equals the rest to pay of one of its
    unpaid invoices (the oldest when several of the same client fit);
(c) the amount equals the rest to pay of exactly one invoice issued 0–45 days before the
    payment — ambiguous when several fit.

Everything is looked up in a few batched queries for the whole batch (10 000 payments
against a million clients): no query per payment. The outcome is plain data; the
caller (services.money.payments) writes it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from vostok_desktop.domain import Client
from vostok_desktop.domain.base import Money
from vostok_desktop.domain.money import (
    Company,
    DocumentKind,
    MoneyDocument,
    PaymentAllocation,
)

WINDOW_DAYS = 45
CHUNK = 2000  # bound parameters per IN (…)
_NUMBER_RE = re.compile(
    r"(?:сч(?:[её]т[а-я]*|\.|-т|ф)?|invoice)\s*[.:]?\s*"
    r"(?:(?:№|N[oо°]?|#)\s*[.:]?\s*)?"
    r"(?:[СCсc]\s*[-–—]?\s*)?"
    r"(\d{1,9})\b"
    r"(?:\s*(?:-\s*\d+\s*)?от\s*(\d{1,2})[./](\d{1,2})[./](\d{2,4}))?",
    re.IGNORECASE)


@dataclass(frozen=True)
class InvoiceRef:
    """An invoice number found in a purpose; ``on`` when the purpose gives its date."""

    number: int
    on: date | None = None


def invoice_refs(purpose: str) -> list[InvoiceRef]:
    """The invoice numbers a payment purpose names."""
    refs: list[InvoiceRef] = []
    for match in _NUMBER_RE.finditer(purpose or ""):
        on = None
        if match[2]:
            year = int(match[4])
            year = year + 2000 if year < 100 else year
            try:
                on = date(year, int(match[3]), int(match[2]))
            except ValueError:
                on = None
        ref = InvoiceRef(int(match[1]), on)
        if ref.number > 0 and ref not in refs:
            refs.append(ref)
    return refs


@dataclass(frozen=True)
class PaymentToMatch:
    id: int
    paid_on: date
    amount: Decimal
    payer_inn: str
    purpose: str


@dataclass
class OpenInvoice:
    id: int
    client_id: int
    number: int
    number_text: str
    year: int
    issued_on: date
    total: Decimal
    rest: Decimal  # still to pay
    client_inn: str = ""


@dataclass(frozen=True)
class MatchResult:
    payment_id: int
    client_id: int | None
    allocations: tuple[tuple[int, Decimal], ...] = ()  # (document id, amount)
    note: str = ""
    ambiguous: bool = False

    @property
    def matched(self) -> bool:
        return self.client_id is not None


@dataclass
class _Pool:
    """Open invoices loaded for a batch, indexed; ``rest`` goes down as payments of the
    same batch are allocated."""

    by_id: dict[int, OpenInvoice] = field(default_factory=dict)

    def add(self, invoice: OpenInvoice) -> OpenInvoice:
        return self.by_id.setdefault(invoice.id, invoice)


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _paid_subquery():  # noqa: ANN202 - a correlated scalar subquery
    return (select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
            .where(PaymentAllocation.document_id == MoneyDocument.id)
            .correlate(MoneyDocument).scalar_subquery())


def _rest_column():  # noqa: ANN202
    return type_coerce(MoneyDocument.total - _paid_subquery(), Money)


def _invoice_columns():  # noqa: ANN202
    return (MoneyDocument.id, MoneyDocument.client_id, MoneyDocument.number,
            MoneyDocument.number_text, MoneyDocument.year, MoneyDocument.issued_on,
            MoneyDocument.total, _rest_column().label("rest"), Client.inn)


def _load(session: Session, pool: _Pool, stmt) -> list[OpenInvoice]:  # noqa: ANN001
    found = []
    for row in session.execute(stmt):
        found.append(pool.add(OpenInvoice(row[0], row[1], row[2], row[3], row[4], row[5],
                                          Decimal(row[6]), Decimal(row[7]), row[8] or "")))
    return found


def not_reversed():  # noqa: ANN202
    """The invoice has no storno: a reversed invoice is not to be paid."""
    storno = aliased(MoneyDocument)
    return ~select(storno.id).where(storno.corrects_id == MoneyDocument.id).exists()


def _base_select():  # noqa: ANN202
    return (select(*_invoice_columns())
            .join(Client, Client.id == MoneyDocument.client_id)
            .where(MoneyDocument.kind == DocumentKind.INVOICE,
                   MoneyDocument.corrects_id.is_(None), MoneyDocument.total > 0,
                   not_reversed()))


def load_open_invoices(session: Session, payments: Sequence[PaymentToMatch]
                       ) -> tuple[_Pool, dict[int, list[OpenInvoice]],
                                  dict[str, list[OpenInvoice]], list[OpenInvoice]]:
    """The candidate invoices of a batch in a few queries: by the numbers the purposes
    name, by the payers' INNs, and by amount within the date window."""
    pool = _Pool()
    by_number: dict[int, list[OpenInvoice]] = defaultdict(list)
    by_inn: dict[str, list[OpenInvoice]] = defaultdict(list)
    if not payments:
        return pool, by_number, by_inn, []
    numbers = sorted({r.number for p in payments for r in invoice_refs(p.purpose)})
    years = sorted({y for p in payments for y in (p.paid_on.year, p.paid_on.year - 1)}
                   | {r.on.year for p in payments for r in invoice_refs(p.purpose) if r.on})
    # The unique index (company_id, kind, year, number) serves the number lookup when
    # the company is in the condition too.
    companies = list(session.scalars(select(Company.id)))
    for chunk in _chunks(numbers):
        stmt = _base_select().where(MoneyDocument.company_id.in_(companies),
                                    MoneyDocument.year.in_(years),
                                    MoneyDocument.number.in_(list(chunk)))
        for invoice in _load(session, pool, stmt):
            by_number[invoice.number].append(invoice)
    inns = sorted({p.payer_inn for p in payments if p.payer_inn})
    for chunk in _chunks(inns):
        client_ids = select(Client.id).where(Client.inn.in_(list(chunk)))
        stmt = _base_select().where(MoneyDocument.client_id.in_(client_ids),
                                    _rest_column() > 0)
        for invoice in _load(session, pool, stmt):
            if invoice.client_inn:
                by_inn[invoice.client_inn].append(invoice)
    first = min(p.paid_on for p in payments) - timedelta(days=WINDOW_DAYS)
    last = max(p.paid_on for p in payments)
    amounts = sorted({p.amount for p in payments})
    window: dict[int, OpenInvoice] = {}
    for chunk in _chunks(amounts):
        # Never paid: the total is the rest (an index range on issued_on, then totals).
        stmt = (_base_select().where(MoneyDocument.issued_on >= first,
                                     MoneyDocument.issued_on <= last,
                                     MoneyDocument.total.in_(list(chunk))))
        window.update((i.id, i) for i in _load(session, pool, stmt))
        # Partly paid: the rest is the amount.
        paid = (select(PaymentAllocation.document_id)
                .join(MoneyDocument, MoneyDocument.id == PaymentAllocation.document_id)
                .where(MoneyDocument.kind == DocumentKind.INVOICE,
                       MoneyDocument.issued_on >= first, MoneyDocument.issued_on <= last)
                .group_by(PaymentAllocation.document_id, MoneyDocument.total)
                .having(type_coerce(MoneyDocument.total - func.sum(PaymentAllocation.amount),
                                    Money).in_(list(chunk))))
        stmt = _base_select().where(MoneyDocument.id.in_(paid))
        window.update((i.id, i) for i in _load(session, pool, stmt))
    return pool, by_number, by_inn, sorted(window.values(), key=lambda i: (i.issued_on, i.id))


def _allocate(payment: PaymentToMatch, invoices: Sequence[OpenInvoice]
              ) -> tuple[tuple[int, Decimal], ...]:
    """What there is, to the invoices in order; the rest stays an advance."""
    left = payment.amount
    out = []
    for invoice in invoices:
        part = min(left, invoice.rest)
        if part <= 0:
            continue
        out.append((invoice.id, part))
        invoice.rest -= part
        left -= part
        if left <= 0:
            break
    return tuple(out)


def _fits(payment: PaymentToMatch, invoice: OpenInvoice) -> bool:
    return payment.amount in (invoice.rest, invoice.total)


def _by_number(payment: PaymentToMatch, by_number: dict[int, list[OpenInvoice]]
               ) -> MatchResult | None:
    refs = invoice_refs(payment.purpose)
    chosen: list[OpenInvoice] = []
    ambiguous_ref = None
    for ref in refs:
        candidates = [i for i in by_number.get(ref.number, ())
                      if (ref.on is None or i.issued_on == ref.on or i.year == ref.on.year)
                      and i.issued_on <= payment.paid_on + timedelta(days=1)]
        accepted = [i for i in candidates
                    if (payment.payer_inn and i.client_inn == payment.payer_inn)]
        if not accepted:
            accepted = [i for i in candidates if _fits(payment, i)]
        if len(accepted) > 1:  # the newest year first: last year's twin loses
            newest = max(i.issued_on for i in accepted)
            same_year = [i for i in accepted if i.year == newest.year]
            accepted = same_year if len(same_year) == 1 else accepted
        if len(accepted) == 1:
            chosen.append(accepted[0])
        elif len(accepted) > 1:
            ambiguous_ref = ref
    if chosen:
        clients = {i.client_id for i in chosen}
        if len(clients) == 1:
            invoices = sorted({i.id: i for i in chosen}.values(), key=lambda i: (i.issued_on, i.id))
            names = ", ".join(i.number_text for i in invoices)
            return MatchResult(payment.id, invoices[0].client_id,
                               _allocate(payment, invoices), f"по номеру счёта {names}")
    if ambiguous_ref is not None:
        return MatchResult(payment.id, None, (), f"неоднозначно: несколько счетов "
                           f"№ {ambiguous_ref.number}", ambiguous=True)
    return None


def _by_inn(payment: PaymentToMatch, by_inn: dict[str, list[OpenInvoice]]
            ) -> MatchResult | None:
    if not payment.payer_inn:
        return None
    fitting = [i for i in by_inn.get(payment.payer_inn, ()) if i.rest == payment.amount]
    if not fitting:
        return None
    clients = {i.client_id for i in fitting}
    if len(clients) > 1:
        return MatchResult(payment.id, None, (), f"неоднозначно: ИНН {payment.payer_inn} "
                           f"у {len(clients)} клиентов со счетом на эту сумму",
                           ambiguous=True)
    invoice = min(fitting, key=lambda i: (i.issued_on, i.id))
    return MatchResult(payment.id, invoice.client_id, _allocate(payment, [invoice]),
                       f"ИНН и сумма, счёт {invoice.number_text}")


def _by_amount(payment: PaymentToMatch, window: Sequence[OpenInvoice]) -> MatchResult | None:
    first = payment.paid_on - timedelta(days=WINDOW_DAYS)
    fitting = [i for i in window if i.rest == payment.amount
               and first <= i.issued_on <= payment.paid_on]
    if not fitting:
        return None
    if len(fitting) > 1:
        return MatchResult(payment.id, None, (), f"неоднозначно: {len(fitting)} счетов "
                           "на эту сумму за 45 дней", ambiguous=True)
    invoice = fitting[0]
    return MatchResult(payment.id, invoice.client_id, _allocate(payment, [invoice]),
                       f"сумма и дата, счёт {invoice.number_text}")


def match_payments(session: Session, payments: Sequence[PaymentToMatch]
                   ) -> list[MatchResult]:
    """One result per payment, in the order given. Payments of the batch share the
    invoices' rests: two payments never pay the same rest twice."""
    pool, by_number, by_inn, window = load_open_invoices(session, payments)
    del pool
    results = []
    for payment in payments:
        outcome = None
        ambiguous: MatchResult | None = None
        for rule in (lambda p: _by_number(p, by_number), lambda p: _by_inn(p, by_inn),
                     lambda p: _by_amount(p, window)):
            outcome = rule(payment)
            if outcome is not None and outcome.matched:
                break
            if outcome is not None and ambiguous is None:
                ambiguous = outcome
            outcome = None
        results.append(outcome or ambiguous
                       or MatchResult(payment.id, None, (), "не распознан"))
    return results


__all__ = ["InvoiceRef", "MatchResult", "OpenInvoice", "PaymentToMatch", "WINDOW_DAYS",
           "invoice_refs", "load_open_invoices", "match_payments",
           "not_reversed"]
