"""Demo area step: the last three months billed (invoices and acts) for the served clients
whose budgets have prices, as the registers of «Выписка за месяц», and a few stornos.

Runs after the distributives and price steps; without prices (or without served
clients) it writes nothing. The company is the default one (made from the print
details when there is none). Billing writes ~1400 documents a second, so a large demo
base bills its first :data:`MAX_CLIENTS` served clients only. A second run adds
nothing twice (a billed month is skipped).
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from vostok_desktop.domain import Client, ClientStatus, Distributive, DistributiveStatus
from vostok_desktop.domain.money import DocumentKind, MoneyDocument, PriceList
from vostok_desktop.services.demo.common import AreaContext
from vostok_desktop.services.money.billing import bill_in_session, month_end
from vostok_desktop.services.money.companies import default_company
from vostok_desktop.services.money.documents import storno_in

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
MONTHS = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
MAX_CLIENTS = 3000
STORNOS = 5
TABLES = ("companies", "document_counters", "billing_runs", "money_documents",
          "money_document_lines")


def add_documents(area: AreaContext) -> None:
    session = area.session
    if session.scalar(select(func.count()).select_from(PriceList)) == 0:
        return  # no prices: nothing to bill
    clients = list(session.scalars(
        select(Client.id).where(Client.status == ClientStatus.SERVED,
                                Client.marked_for_deletion.is_(False),
                                select(Distributive.id).where(
                                    Distributive.client_id == Client.id,
                                    Distributive.status == DistributiveStatus.SERVED)
                                .exists())
        .order_by(Client.id).limit(MAX_CLIENTS)))
    if not clients:
        return
    company = default_company(session)
    before = session.scalar(select(func.count()).select_from(MoneyDocument)) or 0
    area.progress("Счета и акты", 0, len(MONTHS))
    for done, period in enumerate(MONTHS, 1):
        bill_in_session(session, company.id, period, {DocumentKind.INVOICE, DocumentKind.ACT},
                        clients, area.admin_id)
        area.progress("Счета и акты", done, len(MONTHS))
    if before == 0:
        rng = random.Random(area.seed * 71 + 14)
        invoices = list(session.scalars(
            select(MoneyDocument.id).where(MoneyDocument.kind == DocumentKind.INVOICE,
                                           MoneyDocument.period == MONTHS[0],
                                           MoneyDocument.corrects_id.is_(None))
            .order_by(MoneyDocument.id)))
        for document_id in rng.sample(invoices, min(STORNOS, len(invoices))):
            storno_in(session, document_id, area.admin_id, on=month_end(MONTHS[0]))
    session.flush()
    written = (session.scalar(select(func.count()).select_from(MoneyDocument)) or 0) - before
    if hasattr(area.summary, "money_documents"):
        area.summary.money_documents += written  # type: ignore[attr-defined]
