"""Payments: import and automatic matching of one bank statement of 10 000 payment
orders (1C «Клиент-банк») against the benchmark base.

The invoices the statement pays are created first (Core bulk inserts, one per client of
a random sample; on PostgreSQL the numbering trigger may number them — read back). The
statement's mix: 60 % name the invoice number in the purpose, 25 % only the payer's INN
and the exact amount, 10 % only the amount (no INN), 5 % junk. Figures: the seconds of
``import_statement`` (parse + write + match, one transaction) and how many were matched.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.money import Company, DocumentKind, MoneyDocument, TaxMode
from vostok_desktop.services.access.rights import FULL_ACCESS
from vostok_desktop.services.money.bank_statement import render_statement
from vostok_desktop.services.money.payments import import_statement

SEED = 20261207
PAYMENTS = 10_000
ACCOUNT = "40702810900000099999"
PAID_ON = date(2026, 12, 10)


def _company(base: OpenedBase) -> int:
    with base.sessions() as s, s.begin():
        company = s.scalar(select(Company.id).order_by(Company.id).limit(1))
        if company is None:
            row = Company(name="ООО «РИЦ-Бенчмарк»", inn="7700000099", account=ACCOUNT,
                          tax_mode=TaxMode.USN, vat_rate=Decimal(0))
            s.add(row)
            s.flush()
            company = row.id
        return company


def _invoices(base: OpenedBase, company: int, clients: list[tuple[int, str]],
              rnd: random.Random) -> list[tuple[int, str, Decimal, str]]:
    """One open invoice per client, distinct totals: (number, number_text, total, inn)."""
    with base.sessions() as s, s.begin():
        if base.dialect == "postgresql":
            s.execute(text("SET LOCAL statement_timeout = 0"))
        last = s.scalar(select(func.max(MoneyDocument.number))
                        .where(MoneyDocument.company_id == company,
                               MoneyDocument.kind == DocumentKind.INVOICE,
                               MoneyDocument.year == PAID_ON.year)) or 0
        rows = []
        for i, (client_id, _inn) in enumerate(clients):
            total = Decimal(3000 + rnd.randint(0, 40_000)) + Decimal(i % 100) / 100
            issued = PAID_ON - timedelta(days=rnd.randint(3, 40))
            rows.append({"company_id": company, "client_id": client_id,
                         "kind": DocumentKind.INVOICE, "year": PAID_ON.year,
                         "number": last + i + 1, "number_text": f"С-{last + i + 1}",
                         "issued_on": issued, "due_on": issued + timedelta(days=10),
                         "tax_mode": TaxMode.USN, "vat_rate": Decimal(0), "net": total,
                         "vat": Decimal(0), "total": total, "basis": "", "notes": ""})
        out = []
        for start in range(0, len(rows), 5000):
            chunk = rows[start:start + 5000]
            made = s.execute(insert(MoneyDocument).returning(
                MoneyDocument.number, MoneyDocument.number_text, MoneyDocument.total,
                sort_by_parameter_order=True), chunk).all()
            out += [(m[0], m[1], Decimal(m[2]), clients[start + j][1])
                    for j, m in enumerate(made)]
        return out


def _statement(invoices: list[tuple[int, str, Decimal, str]], n: int,
               rnd: random.Random) -> bytes:
    docs = []
    for i in range(n):
        share = i % 20  # 12/20 number, 5/20 INN+amount, 2/20 amount, 1/20 junk
        number, number_text, total, inn = invoices[i % len(invoices)]
        payer_inn, amount = inn, total
        if share < 12:
            purpose = rnd.choice([f"Оплата по сч. № {number_text} за сопровождение",
                                  f"Оплата счет {number} от {PAID_ON:%d.%m.%Y}",
                                  f"по счету №{number_text}, НДС не облагается"])
        elif share < 17:
            purpose = "Информационное обслуживание за декабрь 2026 г. Без НДС"
        elif share < 19:
            payer_inn = ""
            purpose = "Оплата информационных услуг"
        else:
            payer_inn = f"77{rnd.randint(10**7, 10**8 - 1)}"
            amount = Decimal(rnd.randint(100, 999_999)) / 100 + Decimal("0.07")
            purpose = rnd.choice(["Возврат займа", "Перевод собственных средств",
                                  "Оплата по договору аренды"])
        docs.append({"Номер": f"{i + 1}", "Дата": f"{PAID_ON:%d.%m.%Y}", "Сумма": f"{amount}",
                     "ПлательщикСчет": f"40702810{rnd.randint(10**11, 10**12 - 1)}",
                     "ПлательщикИНН": payer_inn, "Плательщик1": f"ООО «Клиент {i}»",
                     "ПолучательСчет": ACCOUNT, "ДатаПоступило": f"{PAID_ON:%d.%m.%Y}",
                     "НазначениеПлатежа": purpose})
    return render_statement(ACCOUNT, PAID_ON, PAID_ON, docs)


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    rnd = random.Random(SEED + int(time.time()))
    company = _company(base)
    with base.sessions() as s:
        if base.dialect == "postgresql":
            s.execute(text("SET statement_timeout = 0"))
        candidates = s.execute(select(Client.id, Client.inn).where(Client.inn.is_not(None),
                                                                   Client.inn != "")
                               .order_by(Client.id).limit(PAYMENTS * 3)).all()
        with_account = s.scalar(select(Company.account).where(Company.id == company))
    global ACCOUNT  # noqa: PLW0603 - the statement goes to the company's own account
    if with_account:
        ACCOUNT = with_account
    # Clients with a unique INN each (the demo's INNs are unique; be safe anyway).
    seen: set[str] = set()
    unique = []
    for cid, inn in candidates:
        if inn not in seen:
            seen.add(inn)
            unique.append((cid, inn))
    sample = rnd.sample(unique, min(len(unique), PAYMENTS))
    start = time.perf_counter()
    invoices = _invoices(base, company, sample, rnd)
    invoices_s = time.perf_counter() - start
    data = _statement(invoices, PAYMENTS, rnd)
    start = time.perf_counter()
    result = import_statement(base, data, "bench.txt", None, FULL_ACCESS, company_id=company)
    seconds = time.perf_counter() - start
    print(f"  {result.summary}")
    return {"payments": result.payments, "invoices": len(invoices),
            "invoices_insert_s": round(invoices_s, 2),
            "import_and_match_s": round(seconds, 2),
            "payments_per_s": round(result.payments / seconds, 1),
            "matched": result.matched, "ambiguous": result.ambiguous,
            "unmatched": result.unmatched,
            "matched_share": round(result.matched / max(result.payments, 1), 3)}


__all__ = ["run"]
