"""Payments: the import of a bank statement (1C «Клиент-банк»), cash payments, the
assignment of unrecognised bank payments to a client or an invoice, and allocations.

Rules (SPEC): an allocation never exceeds the payment's unallocated rest nor the
invoice's rest to pay; what is left of a payment is the client's advance. A bank
payment may have no client until matched or assigned. Every write needs the right
«Платежи» (money.payments); the server checks it too. On a file base the program
writes the change log lines itself (the server's triggers do it on PostgreSQL)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.money import (
    BankStatement,
    Company,
    DocumentKind,
    MoneyDocument,
    Payment,
    PaymentAllocation,
    PaymentKind,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.distributives.common import log_delete, log_insert, log_update
from vostok_desktop.services.money.bank_statement import StatementError, parse_statement
from vostok_desktop.services.money.matching import (
    MatchResult,
    PaymentToMatch,
    _chunks,
    match_payments,
    not_reversed,
)

CENT = Decimal("0.01")
NOT_OURS = "не наш платёж"
INSERT_BATCH = 2000


class PaymentError(ValidationError):
    """A payment action refused; the Russian message says why."""


def _check(profile: AccessProfile | None) -> None:
    if profile is not None:
        require(profile, Right.MONEY_PAYMENTS)


def money(value: object, field: str = "amount", title: str = "Сумма") -> Decimal:
    """A positive amount in roubles, rounded half up to kopecks."""
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        raise PaymentError(field, f"{title} «{value}» — не число") from None
    if not amount.is_finite():
        raise PaymentError(field, f"{title} «{value}» — не число")
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        raise PaymentError(field, f"{title} должна быть больше нуля")
    return amount


def _write(base: OpenedBase, action):  # noqa: ANN001, ANN202
    def go():  # noqa: ANN202
        with base.sessions() as s, s.begin():
            return action(s)
    return guarded(go)


def _file_log(s: Session) -> bool:
    return s.get_bind().dialect.name == "sqlite"


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    statement_id: int
    account: str
    date_from: date | None
    date_to: date | None
    payments: int  # new payments written
    skipped: int  # already present (an overlapping statement)
    outgoing: int  # the company's own payments in the file, not imported
    matched: int
    ambiguous: int
    unmatched: int
    total: Decimal

    @property
    def summary(self) -> str:
        parts = [f"Загружено платежей: {self.payments} на {_rub(self.total)}",
                 f"разнесено автоматически: {self.matched}",
                 f"ждут разбора: {self.ambiguous + self.unmatched}"]
        if self.ambiguous:
            parts[-1] += f" (из них неоднозначных: {self.ambiguous})"
        if self.skipped:
            parts.append(f"уже были загружены раньше: {self.skipped}")
        return "; ".join(parts) + "."


def _rub(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",") + " руб."


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_company(s: Session, company_id: int | None) -> int | None:
    if company_id is not None:
        return company_id
    return s.scalar(select(Company.id).order_by(Company.is_default.desc(), Company.id)
                    .limit(1))


def import_statement(base: OpenedBase, data: bytes | str | Path, file_name: str | None,
                     employee_id: int | None, profile: AccessProfile | None, *,
                     company_id: int | None = None) -> ImportResult:
    """Parse the file (a broken one imports nothing), write the statement and its new
    incoming payments in one transaction and match them to invoices."""
    _check(profile)
    if not isinstance(data, bytes):
        path = Path(data)
        file_name = file_name or path.name
        data = path.read_bytes()
    file_name = (file_name or "выписка.txt")[:300]
    parsed = parse_statement(data)  # StatementError before anything is written
    digest = file_hash(data)

    def action(s: Session) -> ImportResult:
        earlier = s.execute(select(BankStatement.imported_at, Employee.full_name)
                            .outerjoin(Employee, Employee.id == BankStatement.imported_by_id)
                            .where(BankStatement.file_hash == digest)).first()
        if earlier is not None:
            when = earlier[0].astimezone().strftime("%d.%m.%Y") if earlier[0] else ""
            who = f" ({earlier[1]})" if earlier[1] else ""
            raise PaymentError("file", f"Эта выписка уже загружена {when}{who}.")
        company = _default_company(s, company_id)
        own = [a for a in s.scalars(select(Company.account)) if a]
        incoming = parsed.incoming(own)
        statement = BankStatement(company_id=company, file_name=file_name, file_hash=digest,
                                  account=parsed.account[:20], date_from=parsed.date_from,
                                  date_to=parsed.date_to, imported_by_id=employee_id)
        s.add(statement)
        s.flush()
        # The same payment order from an overlapping statement: skipped and counted.
        present: set[tuple] = set()
        if incoming:
            first = min(d.paid_on for d in incoming)
            last = max(d.paid_on for d in incoming)
            numbers = sorted({d.number for d in incoming})
            for chunk in _chunks(numbers):
                present.update(tuple(r) for r in s.execute(
                    select(Payment.paid_on, Payment.doc_number, Payment.payer_account,
                           Payment.amount)
                    .where(Payment.kind == PaymentKind.BANK, Payment.paid_on >= first,
                           Payment.paid_on <= last, Payment.doc_number.in_(list(chunk)))))
        rows, skipped, now = [], 0, utcnow()
        for d in incoming:
            key = (d.paid_on, d.number, d.payer_account, d.amount)
            if key in present:
                skipped += 1
                continue
            present.add(key)
            rows.append({"kind": PaymentKind.BANK, "company_id": company, "client_id": None,
                         "paid_on": d.paid_on, "amount": d.amount, "purpose": d.purpose,
                         "payer_name": d.payer_name, "payer_inn": d.payer_inn[:12],
                         "payer_account": d.payer_account, "doc_number": d.number,
                         "statement_id": statement.id, "match_note": "",
                         "created_at": now, "created_by_id": employee_id})
        # Matched before they are written: each payment is inserted once, with its
        # client and note (no UPDATE per row), then the allocations in batches.
        results = match_payments(s, [PaymentToMatch(i, r["paid_on"], r["amount"],
                                                    r["payer_inn"], r["purpose"])
                                     for i, r in enumerate(rows)])
        for r in results:
            rows[r.payment_id]["client_id"] = r.client_id
            rows[r.payment_id]["match_note"] = r.note[:300]
        # Core, not ORM bulk: the ORM splits a batch wherever a None (no client) and a
        # value alternate, a statement per run of rows.
        table = Payment.__table__
        ids: list[int] = []
        for chunk in _chunks(rows, INSERT_BATCH):
            ids += s.scalars(insert(table).returning(table.c.id,
                                                     sort_by_parameter_order=True),
                             list(chunk)).all()
        statement.payments_count = len(ids)
        _insert_allocations(s, [(ids[r.payment_id], r) for r in results if r.matched],
                            employee_id)
        return ImportResult(
            statement.id, statement.account, parsed.date_from, parsed.date_to, len(ids),
            skipped, len(parsed.documents) - len(incoming),
            sum(1 for r in results if r.matched), sum(1 for r in results if r.ambiguous),
            sum(1 for r in results if not r.matched and not r.ambiguous),
            sum((r["amount"] for r in rows), Decimal(0)))

    return _write(base, action)


def write_matches(s: Session, payments: Sequence[PaymentToMatch],
                  employee_id: int | None) -> list:
    """Match and write: client and note on each payment, the allocations (batched)."""
    results = match_payments(s, payments)
    if results:
        s.execute(update(Payment), [{"id": r.payment_id, "client_id": r.client_id,
                                     "match_note": r.note[:300]} for r in results])
        _insert_allocations(s, [(r.payment_id, r) for r in results if r.matched],
                            employee_id)
    return results


def _insert_allocations(s: Session, matched: Sequence[tuple[int, MatchResult]],
                        employee_id: int | None) -> None:
    """Batched: RETURNING makes one multi-row INSERT per batch on PostgreSQL (not a
    round trip per row)."""
    now = utcnow()
    rows = [{"payment_id": payment_id, "document_id": doc, "client_id": r.client_id,
             "amount": amount, "created_at": now, "created_by_id": employee_id}
            for payment_id, r in matched for doc, amount in r.allocations]
    for chunk in _chunks(rows, INSERT_BATCH):
        s.scalars(insert(PaymentAllocation).returning(PaymentAllocation.id,
                                                      sort_by_parameter_order=True),
                  list(chunk)).all()


def rematch_unassigned(base: OpenedBase, employee_id: int | None,
                       profile: AccessProfile | None) -> int:
    """Try the rules again on every unassigned bank payment (after new invoices were
    issued); the number matched now."""
    _check(profile)

    def action(s: Session) -> int:
        rows = s.execute(select(Payment.id, Payment.paid_on, Payment.amount,
                                Payment.payer_inn, Payment.purpose)
                         .where(Payment.client_id.is_(None),
                                Payment.kind == PaymentKind.BANK,
                                ~Payment.match_note.startswith(NOT_OURS))
                         .order_by(Payment.paid_on, Payment.id)).all()
        results = write_matches(s, [PaymentToMatch(*r) for r in rows], employee_id)
        return sum(1 for r in results if r.matched)

    return _write(base, action)


# --------------------------------------------------------------------------- rests


def payment_rest(s: Session, payment_id: int) -> Decimal:
    """The part of the payment not yet allocated (its advance)."""
    amount = s.scalar(select(Payment.amount).where(Payment.id == payment_id))
    if amount is None:
        raise PaymentError("payment", "Платёж не найден: возможно, его удалили.")
    used = s.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                    .where(PaymentAllocation.payment_id == payment_id))
    return Decimal(amount) - Decimal(used or 0)


def document_rest(s: Session, document_id: int) -> Decimal:
    """The invoice's rest to pay."""
    total = s.scalar(select(MoneyDocument.total).where(MoneyDocument.id == document_id))
    if total is None:
        raise PaymentError("document", "Счёт не найден.")
    used = s.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                    .where(PaymentAllocation.document_id == document_id))
    return Decimal(total) - Decimal(used or 0)


def _allocate(s: Session, payment: Payment, document_id: int, amount: Decimal | None,
              employee_id: int | None) -> PaymentAllocation | None:
    doc = s.get(MoneyDocument, document_id)
    if doc is None or doc.kind != DocumentKind.INVOICE:
        raise PaymentError("document", "Оплату можно разнести только на счёт.")
    if doc.client_id != payment.client_id:
        raise PaymentError("document", f"Счёт {doc.number_text} выписан другому клиенту.")
    if s.scalar(select(func.count()).select_from(MoneyDocument)
                .where(MoneyDocument.corrects_id == doc.id)):
        raise PaymentError("document", f"Счёт {doc.number_text} сторнирован: оплату на "
                                       "него разнести нельзя.")
    rest_payment = payment_rest(s, payment.id)
    rest_doc = document_rest(s, doc.id)
    if rest_doc <= 0:
        raise PaymentError("document", f"Счёт {doc.number_text} уже оплачен полностью.")
    if rest_payment <= 0:
        raise PaymentError("amount", "У платежа не осталось неразнесённой суммы.")
    if amount is None:
        amount = min(rest_payment, rest_doc)
    if amount > rest_payment:
        raise PaymentError("amount", f"Сумма {_rub(amount)} больше неразнесённого остатка "
                                     f"платежа ({_rub(rest_payment)}).")
    if amount > rest_doc:
        raise PaymentError("amount", f"Сумма {_rub(amount)} больше долга по счёту "
                                     f"{doc.number_text} ({_rub(rest_doc)}).")
    existing = s.scalar(select(PaymentAllocation).where(
        PaymentAllocation.payment_id == payment.id, PaymentAllocation.document_id == doc.id))
    if existing is not None:
        before = {"amount": existing.amount}
        existing.amount = existing.amount + amount
        s.flush()
        if _file_log(s):
            log_update(s, "payment_allocations", existing.id, payment.client_id, employee_id,
                       before, {"amount": existing.amount})
        return existing
    row = PaymentAllocation(payment_id=payment.id, document_id=doc.id,
                            client_id=payment.client_id, amount=amount,
                            created_by_id=employee_id)
    s.add(row)
    s.flush()
    if _file_log(s):
        log_insert(s, "payment_allocations", row, payment.client_id, employee_id)
    return row


# --------------------------------------------------------------------------- writes


def add_cash_payment(base: OpenedBase, client_id: int, amount: object, paid_on: date,
                     purpose: str, document_id: int | None, employee_id: int | None,
                     profile: AccessProfile | None, *, company_id: int | None = None) -> int:
    """A cash payment of a client (to ``company_id``, else the default company); with
    ``document_id`` allocated to that invoice (what exceeds its debt stays an advance).
    Returns the payment's id."""
    _check(profile)
    value = money(amount)
    if paid_on is None:
        raise PaymentError("paid_on", "Укажите дату платежа.")

    def action(s: Session) -> int:
        if s.get(Client, client_id) is None:
            raise PaymentError("client", "Клиент не найден.")
        if company_id is not None and s.get(Company, company_id) is None:
            raise PaymentError("company", "Субъект учёта не найден.")
        payment = Payment(kind=PaymentKind.CASH, company_id=_default_company(s, company_id),
                          client_id=client_id, paid_on=paid_on, amount=value,
                          purpose=(purpose or "").strip(), match_note="касса",
                          created_by_id=employee_id)
        s.add(payment)
        s.flush()
        if _file_log(s):
            log_insert(s, "payments", payment, client_id, employee_id)
        if document_id is not None:
            _allocate(s, payment, document_id, None, employee_id)
        return payment.id

    return _write(base, action)


def assign_payment(base: OpenedBase, payment_id: int, client_id: int,
                   document_id: int | None, employee_id: int | None,
                   profile: AccessProfile | None, note: str = "") -> None:
    """The review screen's Enter: the payment becomes the client's; with an invoice the
    payment is allocated to it (the rest stays an advance), without one it is all an
    advance."""
    _check(profile)

    def action(s: Session) -> None:
        payment = s.get(Payment, payment_id)
        if payment is None:
            raise PaymentError("payment", "Платёж не найден: возможно, его удалили.")
        if s.get(Client, client_id) is None:
            raise PaymentError("client", "Клиент не найден.")
        if payment.client_id is not None and payment.client_id != client_id:
            if s.scalar(select(func.count()).select_from(PaymentAllocation)
                        .where(PaymentAllocation.payment_id == payment.id)):
                raise PaymentError("client", "Платёж уже разнесён на счета другого клиента: "
                                             "сначала снимите разнесение.")
        before = {"client_id": payment.client_id, "match_note": payment.match_note}
        payment.client_id = client_id
        payment.match_note = (note or "вручную")[:300]
        s.flush()
        if _file_log(s):
            log_update(s, "payments", payment.id, client_id, employee_id,
                       {"match_note": before["match_note"]},
                       {"match_note": payment.match_note})
        if document_id is not None:
            _allocate(s, payment, document_id, None, employee_id)

    _write(base, action)


def mark_not_ours(base: OpenedBase, payment_id: int, note: str, employee_id: int | None,
                  profile: AccessProfile | None) -> None:
    """«Не наш платёж»: it stays unassigned, with the note, and leaves the review list."""
    _check(profile)

    def action(s: Session) -> None:
        payment = s.get(Payment, payment_id)
        if payment is None:
            raise PaymentError("payment", "Платёж не найден: возможно, его удалили.")
        if payment.client_id is not None:
            raise PaymentError("payment", "Платёж уже разнесён клиенту.")
        text = NOT_OURS + (f": {note.strip()}" if note and note.strip() else "")
        payment.match_note = text[:300]

    _write(base, action)


def allocate(base: OpenedBase, payment_id: int, document_id: int, amount: object | None,
             employee_id: int | None, profile: AccessProfile | None) -> int:
    """Credit (part of) a payment's advance to an invoice of its client; ``amount``
    None = as much as fits. Returns the allocation's id."""
    _check(profile)
    value = None if amount is None else money(amount)

    def action(s: Session) -> int:
        payment = s.get(Payment, payment_id)
        if payment is None:
            raise PaymentError("payment", "Платёж не найден: возможно, его удалили.")
        if payment.client_id is None:
            raise PaymentError("payment", "Платёж ещё не отнесён клиенту.")
        row = _allocate(s, payment, document_id, value, employee_id)
        assert row is not None
        return row.id

    return _write(base, action)


def remove_allocation(base: OpenedBase, allocation_id: int, employee_id: int | None,
                      profile: AccessProfile | None) -> None:
    """The allocated sum goes back to the payment's advance."""
    _check(profile)

    def action(s: Session) -> None:
        row = s.get(PaymentAllocation, allocation_id)
        if row is None:
            raise PaymentError("allocation", "Разнесение не найдено: возможно, его уже сняли.")
        if _file_log(s):
            log_delete(s, "payment_allocations", row, row.client_id, employee_id)
        s.execute(delete(PaymentAllocation).where(PaymentAllocation.id == allocation_id))

    _write(base, action)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class PaymentRow:
    id: int
    kind: PaymentKind
    paid_on: date
    doc_number: str
    amount: Decimal
    allocated: Decimal
    client_id: int | None
    client_name: str
    payer_name: str
    payer_inn: str
    purpose: str
    match_note: str
    statement_id: int | None

    @property
    def advance(self) -> Decimal:
        return self.amount - self.allocated

    @property
    def unassigned(self) -> bool:
        return self.client_id is None


def _allocated_subquery():  # noqa: ANN202
    return (select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount)
                   .label("allocated"))
            .group_by(PaymentAllocation.payment_id).subquery())


def list_payments(base: OpenedBase, *, unassigned_only: bool = False,
                  statement_id: int | None = None, client_id: int | None = None,
                  start: date | None = None, end: date | None = None,
                  include_not_ours: bool = True, limit: int = 20_000) -> list[PaymentRow]:
    """Payments, newest first; ``unassigned_only`` = «неразнесённые» (bank payments
    without a client)."""
    alloc = (select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
             .where(PaymentAllocation.payment_id == Payment.id)
             .correlate(Payment).scalar_subquery())
    stmt = (select(Payment.id, Payment.kind, Payment.paid_on, Payment.doc_number,
                   Payment.amount, alloc, Payment.client_id, Client.short_name,
                   Payment.payer_name, Payment.payer_inn, Payment.purpose,
                   Payment.match_note, Payment.statement_id)
            .outerjoin(Client, Client.id == Payment.client_id))
    if unassigned_only:
        stmt = stmt.where(Payment.client_id.is_(None))
        if not include_not_ours:
            stmt = stmt.where(~Payment.match_note.startswith(NOT_OURS))
    if statement_id is not None:
        stmt = stmt.where(Payment.statement_id == statement_id)
    if client_id is not None:
        stmt = stmt.where(Payment.client_id == client_id)
    if start is not None:
        stmt = stmt.where(Payment.paid_on >= start)
    if end is not None:
        stmt = stmt.where(Payment.paid_on <= end)
    order = ((Payment.paid_on, Payment.id) if unassigned_only
             else (Payment.paid_on.desc(), Payment.id.desc()))
    with base.sessions() as s:
        rows = s.execute(stmt.order_by(*order).limit(limit)).all()
    return [PaymentRow(r[0], PaymentKind(r[1]), r[2], r[3] or "", Decimal(r[4]),
                       Decimal(r[5] or 0), r[6], r[7] or "", r[8] or "", r[9] or "",
                       r[10] or "", r[11] or "", r[12]) for r in rows]


@dataclass(frozen=True)
class AllocationRow:
    id: int
    document_id: int
    number_text: str
    issued_on: date
    amount: Decimal


def payment_allocations(base: OpenedBase, payment_id: int) -> list[AllocationRow]:
    with base.sessions() as s:
        rows = s.execute(select(PaymentAllocation.id, MoneyDocument.id,
                                MoneyDocument.number_text, MoneyDocument.issued_on,
                                PaymentAllocation.amount)
                         .join(MoneyDocument, MoneyDocument.id == PaymentAllocation.document_id)
                         .where(PaymentAllocation.payment_id == payment_id)
                         .order_by(PaymentAllocation.id)).all()
    return [AllocationRow(*r) for r in rows]


@dataclass(frozen=True)
class OpenInvoiceRow:
    id: int
    client_id: int
    number_text: str
    issued_on: date
    due_on: date | None
    total: Decimal
    rest: Decimal


@dataclass(frozen=True)
class ClientCandidate:
    client_id: int
    name: str
    inn: str
    reason: str  # «ИНН плательщика», «по названию», «поиск»
    invoices: tuple[OpenInvoiceRow, ...]


def open_invoices(s: Session, client_ids: Sequence[int]) -> dict[int, list[OpenInvoiceRow]]:
    """Unpaid invoices of the clients (oldest first), in one query."""
    out: dict[int, list[OpenInvoiceRow]] = {c: [] for c in client_ids}
    if not client_ids:
        return out
    paid = (select(PaymentAllocation.document_id,
                   func.sum(PaymentAllocation.amount).label("paid"))
            .group_by(PaymentAllocation.document_id).subquery())
    rows = s.execute(select(MoneyDocument.id, MoneyDocument.client_id,
                            MoneyDocument.number_text, MoneyDocument.issued_on,
                            MoneyDocument.due_on, MoneyDocument.total, paid.c.paid)
                     .outerjoin(paid, paid.c.document_id == MoneyDocument.id)
                     .where(MoneyDocument.client_id.in_(list(client_ids)),
                            MoneyDocument.kind == DocumentKind.INVOICE,
                            MoneyDocument.corrects_id.is_(None), MoneyDocument.total > 0,
                            not_reversed())
                     .order_by(MoneyDocument.issued_on, MoneyDocument.id)).all()
    for r in rows:
        rest = Decimal(r[5]) - Decimal(r[6] or 0)
        if rest > 0:
            out[r[1]].append(OpenInvoiceRow(r[0], r[1], r[2], r[3], r[4], Decimal(r[5]), rest))
    return out


_STOP_WORDS = {"ооо", "зао", "оао", "пао", "ао", "ип", "нко", "гбу", "мбу", "фгбу", "мку",
               "ано", "тсж", "оплата", "по", "за", "счет", "счёт", "руб", "ндс", "в", "т.ч."}


def _words(text: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in (text or "").lower())
    return [w for w in cleaned.split() if len(w) >= 4 and w not in _STOP_WORDS
            and not w.isdigit()][:3]


def search_clients(base: OpenedBase, text: str, limit: int = 30) -> list[ClientCandidate]:
    """Ctrl+F of the review screen: clients by INN (digits) or by name words."""
    text = (text or "").strip()
    if not text:
        return []
    with base.sessions() as s:
        stmt = select(Client.id, Client.short_name, Client.inn)
        if text.isdigit():
            stmt = stmt.where(Client.inn.startswith(text))
        else:
            for word in text.lower().split():
                stmt = stmt.where(Client.search_name.contains(word, autoescape=True))
        rows = s.execute(stmt.order_by(Client.short_name).limit(limit)).all()
        invoices = open_invoices(s, [r[0] for r in rows])
    return [ClientCandidate(r[0], r[1], r[2] or "", "поиск", tuple(invoices[r[0]]))
            for r in rows]


def review_candidates(base: OpenedBase, payment_id: int, limit: int = 20
                      ) -> list[ClientCandidate]:
    """For a payment under review: the clients with the payer's INN, then the clients
    whose name has the payer's name words, each with its unpaid invoices."""
    with base.sessions() as s:
        payment = s.get(Payment, payment_id)
        if payment is None:
            return []
        found: dict[int, tuple[str, str, str]] = {}
        if payment.payer_inn:
            for cid, name, inn in s.execute(select(Client.id, Client.short_name, Client.inn)
                                            .where(Client.inn == payment.payer_inn)
                                            .limit(limit)):
                found[cid] = (name, inn or "", "ИНН плательщика")
        words = _words(payment.payer_name)
        if words and len(found) < limit:
            # All the name's words first; then its first word alone («Лютик-Холдинг»
            # finds «Лютик»).
            for used in (words, words[:1]):
                stmt = select(Client.id, Client.short_name, Client.inn)
                for word in used:
                    stmt = stmt.where(Client.search_name.contains(word, autoescape=True))
                rows = s.execute(stmt.order_by(Client.short_name)
                                 .limit(limit - len(found))).all()
                for cid, name, inn in rows:
                    found.setdefault(cid, (name, inn or "", "по названию"))
                if rows:
                    break
        invoices = open_invoices(s, list(found))
    return [ClientCandidate(cid, name, inn, reason, tuple(invoices[cid]))
            for cid, (name, inn, reason) in found.items()]


def client_open_invoices(base: OpenedBase, client_id: int) -> list[OpenInvoiceRow]:
    """The client's unpaid invoices with their rests, oldest first (the allocation form)."""
    with base.sessions() as s:
        return open_invoices(s, [client_id])[client_id]


def payment_row(base: OpenedBase, payment_id: int) -> PaymentRow | None:
    """One payment as the lists show it (its allocated sum and advance)."""
    with base.sessions() as s:
        client_id = s.scalar(select(Payment.client_id).where(Payment.id == payment_id))
    rows = [r for r in list_payments(base, client_id=client_id, unassigned_only=client_id
                                     is None) if r.id == payment_id]
    return rows[0] if rows else None


@dataclass(frozen=True)
class StatementRow:
    id: int
    file_name: str
    account: str
    date_from: date | None
    date_to: date | None
    payments_count: int
    imported_by: str


def list_statements(base: OpenedBase, limit: int = 200) -> list[StatementRow]:
    with base.sessions() as s:
        rows = s.execute(select(BankStatement.id, BankStatement.file_name,
                                BankStatement.account, BankStatement.date_from,
                                BankStatement.date_to, BankStatement.payments_count,
                                Employee.full_name)
                         .outerjoin(Employee, Employee.id == BankStatement.imported_by_id)
                         .order_by(BankStatement.id.desc()).limit(limit)).all()
    return [StatementRow(*r[:6], r[6] or "") for r in rows]


__all__ = ["NOT_OURS", "AllocationRow", "ClientCandidate", "ImportResult", "OpenInvoiceRow",
           "PaymentError", "PaymentRow", "StatementError", "StatementRow",
           "add_cash_payment", "allocate", "assign_payment", "client_open_invoices",
           "document_rest", "file_hash", "payment_row",
           "import_statement", "list_payments", "list_statements", "mark_not_ours", "money",
           "open_invoices", "payment_allocations", "payment_rest", "rematch_unassigned",
           "remove_allocation", "review_candidates", "search_clients", "write_matches"]
