"""Documents with amounts («Счёт», «Акт», «УПД»): issue, number, storno, the client's list.
No Qt.

Rules (docs SPEC of issue 14): a line's amount is ``round(quantity × price)``; under ОСН
its VAT is ``round(amount × rate / (100 + rate))`` and net the rest, under УСН VAT is 0
(«Без НДС»); a document's net, VAT and total are the sums of its lines. Numbers run per
company, kind and year from 1 without gaps: on a file base the program takes them from
``document_counters`` in the writing transaction; on a server base with the numbering
trigger (0014) the database sets them and the program reads them back. An issued
document is never changed: a correction is a storno, a copy with negated lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.money import (
    DOCUMENT_KIND_TITLES,
    Company,
    DocumentKind,
    MoneyDocument,
    MoneyDocumentLine,
    Payment,
    PaymentAllocation,
    TaxMode,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.common.change_log import record_changes

CENT = Decimal("0.01")
PREFIX: dict[DocumentKind, str] = {DocumentKind.INVOICE: "С", DocumentKind.ACT: "А",
                                   DocumentKind.UPD: "У"}


class DocumentRefused(ValidationError):
    """A document that cannot be issued or reversed; the message says why."""


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class LineData:
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    distributive_id: int | None = None


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    amount: Decimal


def line_amounts(quantity: Decimal, price: Decimal, tax_mode: TaxMode,
                 vat_rate: Decimal) -> LineAmounts:
    """Amount, VAT and net of a line (VAT included in the price under ОСН)."""
    amount = round_money(Decimal(quantity) * Decimal(price))
    if TaxMode(tax_mode) is TaxMode.USN or not vat_rate:
        return LineAmounts(amount, Decimal("0.00"), amount)
    vat = round_money(amount * vat_rate / (100 + vat_rate))
    return LineAmounts(amount - vat, vat, amount)


def number_text(kind: DocumentKind | str, number: int) -> str:
    return f"{PREFIX[DocumentKind(kind)]}-{number}"


def kind_title(kind: DocumentKind | str) -> str:
    return DOCUMENT_KIND_TITLES[DocumentKind(kind)]


# --------------------------------------------------------------------------- validation


def _decimal(value: Any, title: str, position: int) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    else:
        cleaned = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise DocumentRefused("lines", f"Строка {position}: {title} «{value}» — "
                                           "не число") from None
    if not result.is_finite():
        raise DocumentRefused("lines", f"Строка {position}: {title} «{value}» — не число")
    return result


def check_lines(lines: Sequence[LineData]) -> list[LineData]:
    """The typed lines cleaned, or a refusal naming the line and what is wrong."""
    if not lines:
        raise DocumentRefused("lines", "В документе нет ни одной строки: добавьте строку "
                                       "с наименованием, количеством и ценой")
    clean = []
    for position, line in enumerate(lines, 1):
        name = (line.name or "").strip()
        if not name:
            raise DocumentRefused("lines", f"Строка {position}: не указано наименование")
        quantity = _decimal(line.quantity, "количество", position)
        if quantity <= 0:
            raise DocumentRefused("lines", f"Строка {position} «{name}»: количество должно "
                                           f"быть больше нуля (указано {quantity})")
        if quantity != quantity.quantize(Decimal("0.001")):
            raise DocumentRefused("lines", f"Строка {position} «{name}»: количество — "
                                           "не больше трёх знаков после запятой")
        price = _decimal(line.price, "цена", position)
        if price < 0:
            raise DocumentRefused("lines", f"Строка {position} «{name}»: цена не может "
                                           "быть отрицательной")
        if price != price.quantize(CENT):
            raise DocumentRefused("lines", f"Строка {position} «{name}»: цена {price} — "
                                           "больше двух знаков после запятой (копейки)")
        if abs(quantity * price) >= Decimal("1e12"):
            raise DocumentRefused("lines", f"Строка {position} «{name}»: сумма слишком "
                                           "велика")
        clean.append(LineData(name[:500], quantity, (line.unit or "").strip()[:20] or "шт.",
                              price, line.distributive_id))
    return clean


# --------------------------------------------------------------------------- numbering


def database_numbers(session: Session) -> bool:
    """True when the server base numbers documents itself (0014's BEFORE INSERT trigger
    ``vostok_number``): then the program inserts placeholders and reads them back. A
    PostgreSQL base without it (no server part) is numbered like a file base."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    key = "vostok_money_numbering_trigger"
    info = session.connection().info
    if key not in info:
        info[key] = bool(session.scalar(text(
            "select exists(select 1 from pg_trigger where not tgisinternal "
            "and tgrelid = to_regclass('money_documents') and tgname = 'vostok_number' "
            "and tgenabled <> 'D')")))
    return bool(info[key])


def allocate_numbers(session: Session, company_id: int, kind: DocumentKind, year: int,
                     count: int = 1) -> int:
    """Reserve ``count`` numbers of a series in the current transaction; returns the
    first. The counter row is locked until commit, so two writers never share one."""
    first = session.scalar(text(
        "INSERT INTO document_counters (company_id, kind, year, last_number) "
        "VALUES (:company, :kind, :year, :count) "
        "ON CONFLICT (company_id, kind, year) DO UPDATE "
        "SET last_number = document_counters.last_number + :count "
        "RETURNING last_number"),
        {"company": company_id, "kind": DocumentKind(kind).value, "year": year,
         "count": count})
    return int(first) - count + 1


def program_writes_log(session: Session) -> bool:
    """On a file base the program writes the change log of documents (the server's
    triggers do it on PostgreSQL)."""
    return session.get_bind().dialect.name != "postgresql"


def _log_document(session: Session, document: MoneyDocument, employee_id: int | None
                  ) -> None:
    if not program_writes_log(session):
        return
    values = {"kind": DocumentKind(document.kind).value, "number_text": document.number_text,
              "issued_on": document.issued_on, "period": document.period,
              "total": document.total, "vat": document.vat,
              "corrects_id": document.corrects_id, "invoice_id": document.invoice_id,
              "company_id": document.company_id}
    record_changes(session, "money_documents", document.id, document.client_id, employee_id,
                   {}, {k: v for k, v in values.items() if v is not None})


# --------------------------------------------------------------------------- issuing


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise DocumentRefused("company_id", "Субъект учёта не найден (возможно, удалён)")
    return company


def _write(session: Session, *, company: Company, client_id: int, kind: DocumentKind,
           issued_on: date, lines: Sequence[tuple[LineData, LineAmounts]],
           period: date | None, direction_id: int | None, basis: str,
           invoice_id: int | None, corrects_id: int | None, billing_run_id: int | None,
           employee_id: int | None, tax_mode: TaxMode, vat_rate: Decimal,
           notes: str = "") -> MoneyDocument:
    kind = DocumentKind(kind)
    net = sum((a.net for _, a in lines), Decimal("0.00"))
    vat = sum((a.vat for _, a in lines), Decimal("0.00"))
    total = sum((a.amount for _, a in lines), Decimal("0.00"))
    if database_numbers(session):
        number, text_value = 0, ""
    else:
        number = allocate_numbers(session, company.id, kind, issued_on.year)
        text_value = number_text(kind, number)
    due = issued_on + timedelta(days=company.payment_days) \
        if kind is DocumentKind.INVOICE and corrects_id is None else None
    document = MoneyDocument(
        company_id=company.id, client_id=client_id, kind=kind, year=issued_on.year,
        number=number, number_text=text_value, issued_on=issued_on, due_on=due,
        period=period, direction_id=direction_id, tax_mode=tax_mode, vat_rate=vat_rate,
        net=net, vat=vat, total=total, basis=(basis or "")[:300], notes=notes,
        corrects_id=corrects_id, invoice_id=invoice_id, billing_run_id=billing_run_id,
        created_by_id=employee_id)
    session.add(document)
    session.flush()
    if not number:
        session.refresh(document, ["year", "number", "number_text"])
    session.add_all(MoneyDocumentLine(
        document_id=document.id, client_id=client_id, position=position, name=line.name,
        quantity=line.quantity, unit=line.unit, price=line.price, net=a.net, vat=a.vat,
        amount=a.amount, distributive_id=line.distributive_id)
        for position, (line, a) in enumerate(lines, 1))
    session.flush()
    _log_document(session, document, employee_id)
    return document


def issue_document(session: Session, *, company_id: int, client_id: int,
                   kind: DocumentKind, issued_on: date, lines: Sequence[LineData],
                   period: date | None = None, direction_id: int | None = None,
                   basis: str = "", invoice_id: int | None = None,
                   billing_run_id: int | None = None, employee_id: int | None = None
                   ) -> MoneyDocument:
    """Write a numbered document with its lines in the caller's transaction."""
    clean = check_lines(lines)
    company = _company(session, company_id)
    if not company.is_active:
        raise DocumentRefused("company_id", f"Субъект учёта «{company.name}» не действует: "
                                            "документы от него не выписываются")
    tax_mode, rate = TaxMode(company.tax_mode), Decimal(company.vat_rate)
    if tax_mode is TaxMode.USN:
        rate = Decimal("0")
    computed = [(line, line_amounts(line.quantity, line.price, tax_mode, rate))
                for line in clean]
    return _write(session, company=company, client_id=client_id, kind=DocumentKind(kind),
                  issued_on=issued_on, lines=computed,
                  period=period.replace(day=1) if period else None,
                  direction_id=direction_id, basis=basis, invoice_id=invoice_id,
                  corrects_id=None, billing_run_id=billing_run_id, employee_id=employee_id,
                  tax_mode=tax_mode, vat_rate=rate)


def _check_right(profile: AccessProfile | None) -> None:
    if profile is not None:
        require(profile, Right.MONEY_DOCUMENTS)


def create_document(base: OpenedBase, profile: AccessProfile | None, **values: Any) -> int:
    """:func:`issue_document` in a transaction of its own (right «Выписка счетов и
    актов»); returns the new document's id."""
    _check_right(profile)

    def go() -> int:
        with base.sessions() as s, s.begin():
            return issue_document(s, **values).id

    return guarded(go)


def _load(session: Session, document_id: int) -> MoneyDocument:
    document = session.scalar(select(MoneyDocument).options(
        selectinload(MoneyDocument.lines)).where(MoneyDocument.id == document_id))
    if document is None:
        raise DocumentRefused("document_id", "Документ не найден (возможно, нет доступа)")
    return document


def storno_in(session: Session, document_id: int, employee_id: int | None,
              on: date | None = None) -> MoneyDocument:
    """Reverse a document in the caller's transaction: a new one of the same kind, lines
    negated, ``corrects_id`` = the original."""
    original = _load(session, document_id)
    label = f"{kind_title(original.kind)} № {original.number_text}"
    if original.corrects_id is not None:
        raise DocumentRefused("document_id", f"{label} — сам сторно: сторнировать сторно "
                                             "нельзя")
    earlier = session.scalar(select(MoneyDocument.number_text).where(
        MoneyDocument.corrects_id == original.id).limit(1))
    if earlier is not None:
        raise DocumentRefused("document_id", f"{label} уже сторнирован документом "
                                             f"№ {earlier}")
    company = _company(session, original.company_id)
    on = on or date.today()
    if on < original.issued_on:
        on = original.issued_on
    lines = [(LineData(line.name, -line.quantity, line.unit, line.price,
                       line.distributive_id),
              LineAmounts(-line.net, -line.vat, -line.amount)) for line in original.lines]
    return _write(session, company=company, client_id=original.client_id,
                  kind=DocumentKind(original.kind), issued_on=on, lines=lines,
                  period=original.period, direction_id=original.direction_id,
                  basis=original.basis, invoice_id=original.invoice_id,
                  corrects_id=original.id, billing_run_id=None, employee_id=employee_id,
                  tax_mode=TaxMode(original.tax_mode), vat_rate=Decimal(original.vat_rate),
                  notes=f"Сторно документа № {original.number_text} от "
                        f"{original.issued_on:%d.%m.%Y}")


def storno(base: OpenedBase, document_id: int, employee_id: int | None,
           profile: AccessProfile | None, on: date | None = None) -> int:
    """Reverse a document (right «Выписка счетов и актов»); returns the storno's id."""
    _check_right(profile)

    def go() -> int:
        with base.sessions() as s, s.begin():
            return storno_in(s, document_id, employee_id, on).id

    return guarded(go)


def act_for_invoice(session: Session, invoice_id: int, issued_on: date,
                    employee_id: int | None = None) -> MoneyDocument:
    """An act with the invoice's lines (``invoice_id`` set), in the caller's transaction."""
    invoice = _load(session, invoice_id)
    if DocumentKind(invoice.kind) is not DocumentKind.INVOICE or invoice.corrects_id:
        raise DocumentRefused("invoice_id", f"№ {invoice.number_text} — не счёт: акт "
                                            "выписывается к счёту")
    done = session.scalar(select(MoneyDocument.number_text).where(
        MoneyDocument.invoice_id == invoice.id, MoneyDocument.kind == DocumentKind.ACT,
        MoneyDocument.corrects_id.is_(None)).limit(1))
    if done is not None:
        raise DocumentRefused("invoice_id", f"К счёту № {invoice.number_text} уже есть "
                                            f"акт № {done}")
    lines = [LineData(line.name, line.quantity, line.unit, line.price, line.distributive_id)
             for line in invoice.lines]
    return issue_document(session, company_id=invoice.company_id,
                          client_id=invoice.client_id, kind=DocumentKind.ACT,
                          issued_on=issued_on, lines=lines, period=invoice.period,
                          direction_id=invoice.direction_id, basis=invoice.basis,
                          invoice_id=invoice.id, employee_id=employee_id)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class DocumentRow:
    """One document as the client's list shows it."""

    id: int
    kind: DocumentKind
    number_text: str
    issued_on: date
    period: date | None
    total: Decimal
    paid: Decimal
    debt: Decimal
    corrects_id: int | None
    reversed_by: str | None  # the storno's number when reversed
    company_name: str

    @property
    def kind_title(self) -> str:
        return kind_title(self.kind)

    @property
    def is_storno(self) -> bool:
        return self.corrects_id is not None

    @property
    def inactive(self) -> bool:
        """A storno or a reversed document: shown struck out."""
        return self.corrects_id is not None or self.reversed_by is not None


def documents_of_client(session: Session, client_id: int) -> list[DocumentRow]:
    """The client's documents, newest first, with the paid sum and the debt of each
    invoice (acts and УПД carry no debt of their own)."""
    paid = (select(PaymentAllocation.document_id,
                   func.sum(PaymentAllocation.amount).label("paid"))
            .where(PaymentAllocation.client_id == client_id)
            .group_by(PaymentAllocation.document_id).subquery())
    reversal = (select(MoneyDocument.corrects_id.label("original_id"),
                       func.min(MoneyDocument.number_text).label("storno_number"))
                .where(MoneyDocument.client_id == client_id,
                       MoneyDocument.corrects_id.is_not(None))
                .group_by(MoneyDocument.corrects_id).subquery())
    d = MoneyDocument
    rows = session.execute(
        select(d.id, d.kind, d.number_text, d.issued_on, d.period, d.total,
               paid.c.paid, d.corrects_id, reversal.c.storno_number, Company.name)
        .join(Company, Company.id == d.company_id)
        .outerjoin(paid, paid.c.document_id == d.id)
        .outerjoin(reversal, reversal.c.original_id == d.id)
        .where(d.client_id == client_id)
        .order_by(d.issued_on.desc(), d.id.desc()))
    result = []
    for r in rows:
        kind = DocumentKind(r.kind)
        paid_sum = Decimal(r.paid or 0)
        debt = Decimal(r.total) - paid_sum if kind is DocumentKind.INVOICE else Decimal(0)
        result.append(DocumentRow(r.id, kind, r.number_text, r.issued_on, r.period,
                                  Decimal(r.total), paid_sum, debt, r.corrects_id,
                                  r.storno_number, r.name))
    return result


@dataclass(frozen=True)
class Balance:
    debt: Decimal  # invoices (stornos included) minus allocations to them
    advance: Decimal  # unallocated parts of the client's payments

    @property
    def text(self) -> str:
        from vostok_desktop.services.documents.printing import money

        net = self.debt - self.advance
        if net > 0:
            return f"Долг: {money(net)} руб."
        if net < 0:
            return f"Аванс: {money(-net)} руб."
        return "Расчёты закрыты: долга и аванса нет"


def client_balance(session: Session, client_id: int) -> Balance:
    invoices = session.scalar(select(func.coalesce(func.sum(MoneyDocument.total), 0)).where(
        MoneyDocument.client_id == client_id, MoneyDocument.kind == DocumentKind.INVOICE))
    allocated = session.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                               .join(MoneyDocument,
                                     MoneyDocument.id == PaymentAllocation.document_id)
                               .where(PaymentAllocation.client_id == client_id,
                                      MoneyDocument.kind == DocumentKind.INVOICE))
    payments = session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                              .where(Payment.client_id == client_id))
    all_allocated = session.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.client_id == client_id))
    return Balance(Decimal(invoices) - Decimal(allocated),
                   Decimal(payments) - Decimal(all_allocated))


@dataclass(frozen=True)
class DocumentLineView:
    position: int
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    net: Decimal
    vat: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DocumentView:
    """One document with its lines, for the read-only dialog and printing."""

    id: int
    kind: DocumentKind
    number_text: str
    issued_on: date
    due_on: date | None
    period: date | None
    company_id: int
    company_name: str
    client_id: int
    tax_mode: TaxMode
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    total: Decimal
    basis: str
    notes: str
    corrects_id: int | None
    corrects_number: str | None
    reversed_by: str | None
    invoice_id: int | None
    lines: tuple[DocumentLineView, ...]

    @property
    def title(self) -> str:
        return f"{kind_title(self.kind)} № {self.number_text} от {self.issued_on:%d.%m.%Y}"

    @property
    def vat_text(self) -> str:
        if TaxMode(self.tax_mode) is TaxMode.USN:
            return "Без НДС"
        return f"{self.vat_rate.normalize():f} %"


def document_view(session: Session, document_id: int) -> DocumentView:
    document = _load(session, document_id)
    company = session.get(Company, document.company_id)
    corrects = session.scalar(select(MoneyDocument.number_text).where(
        MoneyDocument.id == document.corrects_id)) if document.corrects_id else None
    reversed_by = session.scalar(select(MoneyDocument.number_text).where(
        MoneyDocument.corrects_id == document.id).limit(1))
    return DocumentView(
        document.id, DocumentKind(document.kind), document.number_text, document.issued_on,
        document.due_on, document.period, document.company_id,
        company.name if company else "", document.client_id, TaxMode(document.tax_mode),
        Decimal(document.vat_rate), document.net, document.vat, document.total,
        document.basis, document.notes, document.corrects_id, corrects, reversed_by,
        document.invoice_id,
        tuple(DocumentLineView(line.position, line.name, Decimal(line.quantity), line.unit,
                               line.price, line.net, line.vat, line.amount)
              for line in document.lines))


__all__ = ["PREFIX", "Balance", "DocumentRefused", "DocumentRow", "DocumentView", "LineData",
           "act_for_invoice", "allocate_numbers", "check_lines", "client_balance",
           "create_document", "document_view", "documents_of_client", "issue_document",
           "line_amounts", "number_text", "storno", "storno_in"]
