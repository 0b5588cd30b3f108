"""Demo area step: payments for most demo invoices — by bank (one statement per month,
matched the way an import matches: by the invoice number in the purpose) and in cash;
some paid late, some partly, some overpaid (the rest an advance), some not at all — and
a few bank payments with junk purposes left unassigned for the review screen.

Runs after the documents step and queries the invoices there are: without invoices it
writes nothing. Plain rows in the load's transaction (ORM bulk inserts), ``Random(seed)``.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import aliased

from vostok_desktop.domain import Client
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
from vostok_desktop.services.demo.common import AreaContext

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
TABLES = ("bank_statements", "payments", "payment_allocations")
JUNK = ("Возврат ошибочно перечисленных средств", "Перевод собственных средств",
        "Оплата по договору аренды № 14/2026", "Возврат займа учредителю",
        "Оплата за канцтовары по сч. 5567-К", "Пожертвование")
CENT = Decimal("0.01")
BATCH = 5000


def add_payments(area: AreaContext) -> None:
    s = area.session
    rnd = random.Random(area.seed * 31 + 14)
    storno = aliased(MoneyDocument)
    invoices = s.execute(
        select(MoneyDocument.id, MoneyDocument.client_id, MoneyDocument.number_text,
               MoneyDocument.issued_on, MoneyDocument.due_on, MoneyDocument.total,
               MoneyDocument.company_id, Client.inn, Client.short_name)
        .join(Client, Client.id == MoneyDocument.client_id)
        .where(MoneyDocument.kind == DocumentKind.INVOICE,
               MoneyDocument.corrects_id.is_(None), MoneyDocument.total > 0,
               MoneyDocument.issued_on <= TODAY,
               ~select(storno.id).where(storno.corrects_id == MoneyDocument.id).exists(),
               ~select(PaymentAllocation.id)
               .where(PaymentAllocation.document_id == MoneyDocument.id).exists())
        .order_by(MoneyDocument.id)).all()
    if not invoices:
        return
    account = s.scalar(select(Company.account).where(Company.account != "")
                       .order_by(Company.is_default.desc(), Company.id).limit(1)) or ""
    months = sorted({(i.issued_on.year, i.issued_on.month) for i in invoices})
    statements: dict[tuple[int, int], int] = {}
    for year, month in months:
        first = date(year, month, 1)
        last = min(date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
                   + timedelta(days=25), TODAY)
        row = BankStatement(company_id=invoices[0].company_id,
                            file_name=f"kl_to_1c_{year}{month:02d}.txt",
                            file_hash=hashlib.sha256(
                                f"demo-{area.seed}-{year}-{month}".encode()).hexdigest(),
                            account=account, date_from=first, date_to=last,
                            imported_by_id=area.admin_id)
        s.add(row)
        s.flush()
        statements[(year, month)] = row.id
    now = utcnow()
    payments: list[dict] = []
    allocations: list[tuple[int, int, int, Decimal]] = []  # payment index, doc, client, sum
    counts = {k: 0 for k in statements}
    for inv in invoices:
        total = Decimal(inv.total)
        due = inv.due_on or inv.issued_on + timedelta(days=10)
        roll = rnd.random()
        if roll < 0.15:
            continue  # unpaid
        late = roll > 0.72
        paid_on = (due + timedelta(days=rnd.randint(1, 50)) if late
                   else inv.issued_on + timedelta(days=rnd.randint(1, max(1, (due - inv.issued_on).days))))
        if paid_on > TODAY:
            if inv.issued_on >= TODAY:
                continue
            paid_on = TODAY
        amount, allocated = total, total
        if 0.15 <= roll < 0.24:  # partly paid
            amount = allocated = (total * Decimal(rnd.choice((30, 50, 70))) / 100).quantize(
                CENT, ROUND_HALF_UP)
        elif 0.24 <= roll < 0.28:  # overpaid: the rest stays an advance
            amount = total + Decimal(rnd.choice((500, 1000, 2500)))
        bank = rnd.random() < 0.75
        key = (inv.issued_on.year, inv.issued_on.month)
        counts[key] += 1
        payments.append({
            "kind": PaymentKind.BANK if bank else PaymentKind.CASH,
            "company_id": inv.company_id, "client_id": inv.client_id, "paid_on": paid_on,
            "amount": amount,
            "purpose": (f"Оплата по сч. № {inv.number_text} от {inv.issued_on:%d.%m.%Y} за "
                        "сопровождение КонсультантПлюс" if bank else "Оплата в кассу"),
            "payer_name": inv.short_name[:500] if bank else "",
            "payer_inn": (inv.inn or "")[:12] if bank else "",
            "payer_account": f"40702810{inv.client_id:012d}" if bank else "",
            "doc_number": str(100 + len(payments)) if bank else "",
            "statement_id": statements[key] if bank else None,
            "match_note": f"по номеру счёта {inv.number_text}" if bank else "касса",
            "created_at": now, "created_by_id": area.admin_id})
        allocations.append((len(payments) - 1, inv.id, inv.client_id, allocated))
    last_key = months[-1]
    for n, purpose in enumerate(JUNK):  # not recognised: for the review screen
        payments.append({
            "kind": PaymentKind.BANK, "company_id": invoices[0].company_id, "client_id": None,
            "paid_on": TODAY - timedelta(days=n), "amount": Decimal(rnd.randint(500, 90_000)),
            "purpose": purpose, "payer_name": rnd.choice(("ООО «Альфа-Трейд»",
                                                          "ИП Кузнецов А. В.",
                                                          "АО «Северные сети»")),
            "payer_inn": f"77{rnd.randint(10**7, 10**8 - 1)}",
            "payer_account": f"40702810{rnd.randint(10**11, 10**12 - 1)}",
            "doc_number": str(9000 + n), "statement_id": statements[last_key],
            "match_note": "не распознан", "created_at": now, "created_by_id": area.admin_id})
        counts[last_key] += 1
    ids: list[int] = []
    for start in range(0, len(payments), BATCH):
        ids += s.scalars(insert(Payment).returning(Payment.id, sort_by_parameter_order=True),
                         payments[start:start + BATCH]).all()
    rows = [{"payment_id": ids[i], "document_id": doc, "client_id": client, "amount": amount,
             "created_at": now, "created_by_id": area.admin_id}
            for i, doc, client, amount in allocations]
    for start in range(0, len(rows), BATCH):
        s.execute(insert(PaymentAllocation), rows[start:start + BATCH])
    for key, statement_id in statements.items():
        s.get(BankStatement, statement_id).payments_count = counts[key]  # type: ignore[union-attr]
    s.flush()
    summary = area.summary
    setattr(summary, "payments", getattr(summary, "payments", 0) + len(ids))  # noqa: B010



__all__ = ["TABLES", "add_payments"]
