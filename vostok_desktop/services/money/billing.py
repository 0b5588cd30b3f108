"""Billing («выписка за месяц»): the month's invoices and acts for the selected or all
served clients in one register (BillingRun). No Qt.

Per 1000 clients: their budgets in one batch (:func:`budget.budgets`), then one bulk
INSERT of the documents (RETURNING their ids and numbers) and one of the lines, in a
transaction of its own — a cancelled run leaves whole chunks only. Numbers: on a file
base the chunk takes a range from ``document_counters``; on a server base with the
numbering trigger the database numbers each row. A re-run of a month skips the clients
billed already (the unique index ``ix_money_documents_billed_once``) and says how many.
Clients whose budget is empty or has problems are listed, not billed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.money import (
    BillingRun,
    BillingState,
    Company,
    DocumentKind,
    MoneyDocument,
    MoneyDocumentLine,
    TaxMode,
)
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.common.change_log import write_log_rows
from vostok_desktop.services.money import budget as budget_service
from vostok_desktop.services.money.documents import (
    DocumentRefused,
    allocate_numbers,
    database_numbers,
    line_amounts,
    number_text,
    program_writes_log,
)

CHUNK = 1000
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")
_ORDER = (DocumentKind.INVOICE, DocumentKind.ACT, DocumentKind.UPD)


class ProgressState(Protocol):
    """What the worker hands in (gui.operations.OperationState)."""

    def progress(self, stage: str, done: int, total: int) -> None: ...

    def is_cancelled(self) -> bool: ...


@dataclass(frozen=True)
class BillingProblem:
    client_id: int
    client_name: str
    text: str


@dataclass
class BillingResult:
    run_id: int
    period: date
    documents: int = 0
    clients: int = 0  # clients billed by this run
    skipped: int = 0  # clients billed for the month before (every asked kind)
    total: Decimal = Decimal("0.00")  # of the invoices (of the acts without invoices)
    problems: list[BillingProblem] = field(default_factory=list)
    cancelled: bool = False

    @property
    def summary(self) -> str:
        parts = [f"Выписано документов: {self.documents} (клиентов: {self.clients})"]
        if self.skipped:
            parts.append(f"пропущено уже выписанных за месяц: {self.skipped}")
        if self.problems:
            parts.append(f"не выписано из-за ошибок в бюджете: {len(self.problems)}")
        if self.cancelled:
            parts.append("выписка прервана: записаны только целые пачки")
        return "; ".join(parts)


def month_title(period: date) -> str:
    return f"{MONTHS[period.month - 1]} {period.year}"


def month_end(period: date) -> date:
    following = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def served_clients(base: OpenedBase) -> list[int]:
    with base.sessions() as s:
        return list(s.scalars(select(Client.id).where(
            Client.status == ClientStatus.SERVED, Client.marked_for_deletion.is_(False))
            .order_by(Client.id)))


def _ordered(kinds: set[DocumentKind]) -> list[DocumentKind]:
    return [k for k in _ORDER if k in {DocumentKind(x) for x in kinds}]


def run_billing(base: OpenedBase, company_id: int, period: date, kinds: set[DocumentKind],
                client_ids: Sequence[int] | None, employee_id: int | None,
                profile: AccessProfile | None, state: ProgressState | None = None,
                chunk: int = CHUNK) -> BillingResult:
    """Bill ``period`` (any day of the month) for ``client_ids`` or every served client:
    invoices dated the month's first day, acts its last day (an act names its invoice
    of the same run)."""
    if profile is not None:
        require(profile, Right.MONEY_DOCUMENTS)
    order = _ordered(kinds)
    if not order:
        raise DocumentRefused("kinds", "Не выбрано, что выписывать: счета и (или) акты")
    period = period.replace(day=1)
    ids = list(dict.fromkeys(client_ids)) if client_ids is not None else served_clients(base)

    def start() -> tuple[int, Company]:
        with base.sessions() as s, s.begin():
            company = s.get(Company, company_id)
            if company is None or not company.is_active:
                raise DocumentRefused("company_id", "Субъект учёта не найден или не "
                                                    "действует")
            run = BillingRun(company_id=company_id, period=period,
                             kinds=",".join(k.value for k in order),
                             state=BillingState.RUNNING, created_by_id=employee_id)
            s.add(run)
            s.flush()
            s.expunge(company)
            return run.id, company

    run_id, company = guarded(start)
    result = BillingResult(run_id, period)
    total = len(ids)
    try:
        for offset in range(0, total, chunk):
            if state is not None:
                if state.is_cancelled():
                    result.cancelled = True
                    break
                try:
                    state.progress("Выписка документов", offset, total)
                except Exception:  # noqa: BLE001 - the GUI's Cancelled
                    result.cancelled = True
                    break
            guarded(lambda part=ids[offset:offset + chunk]: _bill_chunk(
                base, company, run_id, period, order, part, employee_id, result))
        else:
            if state is not None and not state.is_cancelled():
                state.progress("Выписка документов", total, total)
    finally:
        _finish(base, run_id, result)
    return result


def _finish(base: OpenedBase, run_id: int, result: BillingResult) -> None:
    with base.sessions() as s, s.begin():
        s.execute(update(BillingRun).where(BillingRun.id == run_id).values(
            state=BillingState.CANCELLED if result.cancelled else BillingState.DONE,
            documents_count=result.documents, total=result.total, finished_at=utcnow()))


def _bill_chunk(base: OpenedBase, company: Company, run_id: int, period: date,
                order: list[DocumentKind], client_ids: list[int],
                employee_id: int | None, result: BillingResult) -> None:
    with base.sessions() as s, s.begin():
        bill_chunk(s, company, run_id, period, order, client_ids, employee_id, result)


def bill_chunk(s: Session, company: Company, run_id: int, period: date,
               order: list[DocumentKind], client_ids: list[int], employee_id: int | None,
               result: BillingResult, *, log: bool = True) -> None:
    """Bill one chunk of clients in the caller's transaction (see the module)."""
    d = MoneyDocument
    billed: dict[int, set[DocumentKind]] = {}
    for cid, kind in s.execute(select(d.client_id, d.kind).where(
            d.company_id == company.id, d.period == period, d.kind.in_(order),
            d.client_id.in_(client_ids), d.billing_run_id.is_not(None),
            d.corrects_id.is_(None))):
        billed.setdefault(cid, set()).add(DocumentKind(kind))
    names = dict(s.execute(select(Client.id, Client.short_name)
                           .where(Client.id.in_(client_ids))).all())
    todo = []
    for cid in client_ids:
        if cid not in names:
            continue  # gone, or not visible to this login
        wanted = [k for k in order if k not in billed.get(cid, set())]
        if not wanted:
            result.skipped += 1
            continue
        todo.append((cid, wanted))
    if not todo:
        return
    budgets = {b.client_id: b for b in budget_service.budgets(
        s, [cid for cid, _ in todo], period, company.id)}
    tax_mode = TaxMode(company.tax_mode)
    rate = Decimal(0) if tax_mode is TaxMode.USN else Decimal(company.vat_rate)
    suffix = f" за {month_title(period)}"
    plans: list[tuple[int, list[DocumentKind], list[tuple[Any, Any]]]] = []
    for cid, wanted in todo:
        b = budgets.get(cid)
        if b is None or b.problems or not b.lines:
            text = "; ".join(b.problems) if b and b.problems else \
                "нет дистрибутивов на сопровождении с ценой"
            result.problems.append(BillingProblem(cid, names[cid], text))
            continue
        lines = [(ln, line_amounts(Decimal(1), ln.price, tax_mode, rate))
                 for ln in b.lines]
        plans.append((cid, wanted, lines))
    if not plans:
        return
    by_trigger = database_numbers(s)
    invoice_of: dict[int, int] = {}
    for kind in order:
        rows = [(cid, lines) for cid, wanted, lines in plans if kind in wanted]
        if not rows:
            continue
        issued_on = period if kind is DocumentKind.INVOICE else month_end(period)
        first = 0 if by_trigger else allocate_numbers(s, company.id, kind,
                                                      issued_on.year, len(rows))
        due = issued_on + timedelta(days=company.payment_days) \
            if kind is DocumentKind.INVOICE else None
        values = []
        for index, (cid, lines) in enumerate(rows):
            number = 0 if by_trigger else first + index
            values.append({
                "company_id": company.id, "client_id": cid, "kind": kind,
                "year": issued_on.year, "number": number,
                "number_text": "" if by_trigger else number_text(kind, number),
                "issued_on": issued_on, "due_on": due, "period": period,
                "direction_id": None, "tax_mode": tax_mode, "vat_rate": rate,
                "net": sum((a.net for _, a in lines), Decimal("0.00")),
                "vat": sum((a.vat for _, a in lines), Decimal("0.00")),
                "total": sum((a.amount for _, a in lines), Decimal("0.00")),
                "basis": "", "notes": "", "corrects_id": None,
                "invoice_id": invoice_of.get(cid) if kind is not DocumentKind.INVOICE
                else None,
                "billing_run_id": run_id, "created_at": utcnow(),
                "created_by_id": employee_id})
        written = s.execute(insert(d).returning(d.id, d.client_id, d.number_text,
                                                d.total, sort_by_parameter_order=True),
                            values).all()
        line_values = []
        log_rows = []
        for row, (cid, lines) in zip(written, rows, strict=True):
            if kind is DocumentKind.INVOICE:
                invoice_of[cid] = row.id
            for position, (ln, a) in enumerate(lines, 1):
                line_values.append({
                    "document_id": row.id, "client_id": cid, "position": position,
                    "name": (ln.name + suffix)[:500], "quantity": Decimal(1),
                    "unit": "мес.", "price": ln.price, "net": a.net, "vat": a.vat,
                    "amount": a.amount, "distributive_id": ln.distributive_id})
            log_rows.append({"table_name": "money_documents", "row_id": row.id,
                             "client_id": cid, "field": "number_text",
                             "old_value": None, "new_value": row.number_text,
                             "employee_id": employee_id, "changed_at": utcnow()})
        s.execute(insert(MoneyDocumentLine), line_values)
        if log and program_writes_log(s):
            write_log_rows(s, log_rows)
        result.documents += len(written)
        if kind is order[0]:
            result.total += sum((Decimal(r.total) for r in written), Decimal("0.00"))
    result.clients += len(plans)


def bill_in_session(s: Session, company_id: int, period: date, kinds: set[DocumentKind],
                    client_ids: Sequence[int], employee_id: int | None, *,
                    chunk: int = CHUNK, log: bool = False) -> BillingResult:
    """A whole register in the caller's transaction (the demo data step): no rights
    checked, no progress, the change log only when ``log``."""
    order = _ordered(kinds)
    period = period.replace(day=1)
    company = s.get(Company, company_id)
    assert company is not None
    run = BillingRun(company_id=company_id, period=period,
                     kinds=",".join(k.value for k in order), state=BillingState.RUNNING,
                     created_by_id=employee_id)
    s.add(run)
    s.flush()
    result = BillingResult(run.id, period)
    ids = list(dict.fromkeys(client_ids))
    for offset in range(0, len(ids), chunk):
        bill_chunk(s, company, run.id, period, order, ids[offset:offset + chunk],
                   employee_id, result, log=log)
    run.state = BillingState.DONE
    run.documents_count = result.documents
    run.total = result.total
    run.finished_at = utcnow()
    s.flush()
    return result


@dataclass(frozen=True)
class RunInfo:
    id: int
    period: date
    kinds: str
    state: BillingState
    documents_count: int
    total: Decimal
    company_name: str


def run_documents(base: OpenedBase, run_id: int) -> list[int]:
    """The documents a register wrote, invoices first, by number."""
    d = MoneyDocument
    with base.sessions() as s:
        return list(s.scalars(select(d.id).where(d.billing_run_id == run_id)
                              .order_by(d.kind.desc(), d.number, d.id)))


def billing_runs(base: OpenedBase, limit: int = 100) -> list[RunInfo]:
    with base.sessions() as s:
        rows = s.execute(select(BillingRun, Company.name).join(
            Company, Company.id == BillingRun.company_id)
            .order_by(BillingRun.id.desc()).limit(limit))
        return [RunInfo(r.id, r.period, r.kinds, BillingState(r.state), r.documents_count,
                        r.total, name) for r, name in rows]


def documents_in_month(base: OpenedBase, company_id: int, period: date) -> int:
    d = MoneyDocument
    with base.sessions() as s:
        return s.scalar(select(func.count()).select_from(d).where(
            d.company_id == company_id, d.period == period.replace(day=1),
            d.billing_run_id.is_not(None))) or 0


__all__ = ["BillingProblem", "BillingResult", "billing_runs", "month_title", "run_billing",
           "run_documents", "served_clients"]
