"""Debts and advances: a client's balance, ageing of the debt by days past ``due_on``
(не просрочено, 1–30, 31–60, 61–90, > 90) per direction, and the money reports —
«Оперативная задолженность по клиентам», «Поступление денег» for a period and «Анализ
платежной культуры» (per client: invoices paid on time, late, unpaid, average days late).

Debt of a client = totals of its invoices (stornos included) − allocations to them;
an advance = the unallocated parts of its payments. The report queries GROUP BY in the
database (a constant number of queries per report); rows are dataclasses, and each
report also comes as a :class:`ReportTable` for the reports window and Excel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Direction
from vostok_desktop.domain.base import Money
from vostok_desktop.domain.money import (
    PAYMENT_KIND_TITLES,
    DocumentKind,
    MoneyDocument,
    Payment,
    PaymentAllocation,
    PaymentKind,
)
from vostok_desktop.services.distributives.reports import ReportTable

ZERO = Decimal("0.00")
BUCKETS = ("Не просрочено", "1–30 дн.", "31–60 дн.", "61–90 дн.", "> 90 дн.")
REPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Balance:
    debt: Decimal  # invoices − allocations to them
    advance: Decimal  # unallocated parts of payments
    overdue: Decimal  # the part of the debt past due_on

    @property
    def net(self) -> Decimal:
        """Debt minus advance: what the client owes once advances are credited."""
        return self.debt - self.advance


def _money(expr):  # noqa: ANN001, ANN202
    return type_coerce(expr, Money)


def _paid_by_document():  # noqa: ANN202
    return (select(PaymentAllocation.document_id,
                   func.sum(PaymentAllocation.amount).label("paid"))
            .group_by(PaymentAllocation.document_id).subquery("paid"))


def _paid_by_payment():  # noqa: ANN202
    return (select(PaymentAllocation.payment_id,
                   func.sum(PaymentAllocation.amount).label("used"))
            .group_by(PaymentAllocation.payment_id).subquery("used"))


def invoice_rests(on: date):  # noqa: ANN202
    """Per invoice (stornos included): client, direction, effective due date (a
    storno ages with the invoice it reverses) and the rest to pay."""
    paid = _paid_by_document()
    original = aliased(MoneyDocument)
    rest = _money(MoneyDocument.total - func.coalesce(paid.c.paid, 0))
    return (select(MoneyDocument.client_id.label("client_id"),
                   MoneyDocument.direction_id.label("direction_id"),
                   func.coalesce(original.due_on, MoneyDocument.due_on).label("due_on"),
                   rest.label("rest"))
            .outerjoin(paid, paid.c.document_id == MoneyDocument.id)
            .outerjoin(original, original.id == MoneyDocument.corrects_id)
            .where(MoneyDocument.kind == DocumentKind.INVOICE,
                   MoneyDocument.issued_on <= on))


def client_balance(session: Session, client_id: int, on: date | None = None) -> Balance:
    on = on or date.today()
    rests = invoice_rests(on).where(MoneyDocument.client_id == client_id).subquery()
    debt, overdue = session.execute(select(
        _money(func.coalesce(func.sum(rests.c.rest), 0)),
        _money(func.coalesce(func.sum(case((rests.c.due_on < on, rests.c.rest), else_=0)),
                             0)))).one()
    used = _paid_by_payment()
    advance = session.scalar(select(_money(func.coalesce(func.sum(
        Payment.amount - func.coalesce(used.c.used, 0)), 0)))
        .outerjoin(used, used.c.payment_id == Payment.id)
        .where(Payment.client_id == client_id, Payment.paid_on <= on))
    return Balance(Decimal(debt or 0), Decimal(advance or 0), max(Decimal(overdue or 0), ZERO))


def ageing_bucket(due_on: date | None, on: date) -> int:
    """0 = not due (due today or later, or no due date), 1: 1–30 days past due, 2: 31–60,
    3: 61–90, 4: more than 90."""
    if due_on is None or due_on >= on:
        return 0
    days = (on - due_on).days
    return 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4


@dataclass(frozen=True)
class DebtRow:
    client_id: int
    client_name: str
    inn: str
    direction: str
    buckets: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    advance: Decimal

    @property
    def debt(self) -> Decimal:
        return sum(self.buckets, ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum(self.buckets[1:], ZERO)


def debt_by_client(base: OpenedBase, on: date, *, direction_id: int | None = None,
                   overdue_only: bool = False, limit: int = REPORT_LIMIT) -> list[DebtRow]:
    """«Оперативная задолженность по клиентам»: per client and direction the debt by
    ageing bucket on ``on``, with the client's advance. Clients that owe nothing are
    left out."""
    rests = invoice_rests(on)
    if direction_id is not None:
        rests = rests.where(MoneyDocument.direction_id == direction_id)
    rests = rests.subquery()
    bounds = [on, on - timedelta(days=30), on - timedelta(days=60), on - timedelta(days=90)]
    due = rests.c.due_on

    def bucket(i: int):  # noqa: ANN202
        if i == 0:
            cond = (due.is_(None)) | (due >= bounds[0])
        elif i == 4:
            cond = due < bounds[3]
        else:
            cond = (due < bounds[i - 1]) & (due >= bounds[i])
        return _money(func.coalesce(func.sum(case((cond, rests.c.rest), else_=0)), 0))

    total = func.sum(rests.c.rest)
    stmt = (select(rests.c.client_id, rests.c.direction_id, *[bucket(i) for i in range(5)])
            .group_by(rests.c.client_id, rests.c.direction_id)
            .having(total != 0))
    if overdue_only:
        stmt = stmt.having(func.sum(case((due < on, rests.c.rest), else_=0)) > 0)
    with base.sessions() as s:
        rows = s.execute(stmt.limit(limit)).all()
        client_ids = sorted({r[0] for r in rows})
        names: dict[int, tuple[str, str]] = {}
        advances: dict[int, Decimal] = {}
        used = _paid_by_payment()
        for start in range(0, len(client_ids), 5000):
            chunk = client_ids[start:start + 5000]
            names.update((r[0], (r[1], r[2] or "")) for r in s.execute(
                select(Client.id, Client.short_name, Client.inn).where(Client.id.in_(chunk))))
            advances.update((r[0], Decimal(r[1] or 0)) for r in s.execute(
                select(Payment.client_id, _money(func.sum(
                    Payment.amount - func.coalesce(used.c.used, 0))))
                .outerjoin(used, used.c.payment_id == Payment.id)
                .where(Payment.client_id.in_(chunk), Payment.paid_on <= on)
                .group_by(Payment.client_id)))
        directions = dict(s.execute(select(Direction.id, Direction.name)).all())
    out = [DebtRow(r[0], names.get(r[0], ("", ""))[0], names.get(r[0], ("", ""))[1],
                   directions.get(r[1], "") if r[1] is not None else "",
                   tuple(Decimal(v or 0) for v in r[2:7]),  # type: ignore[arg-type]
                   advances.get(r[0], ZERO)) for r in rows]
    return sorted(out, key=lambda r: (-r.overdue, -r.debt, r.client_name))


@dataclass(frozen=True)
class ReceiptRow:
    payment_id: int
    paid_on: date
    kind: PaymentKind
    doc_number: str
    client_id: int | None
    client_name: str
    payer_name: str
    amount: Decimal
    allocated: Decimal
    purpose: str

    @property
    def advance(self) -> Decimal:
        return self.amount - self.allocated


def receipts(base: OpenedBase, start: date, end: date, *, limit: int = REPORT_LIMIT
             ) -> list[ReceiptRow]:
    """«Поступление денег» from ``start`` to ``end`` inclusive, in date order."""
    used = _paid_by_payment()
    stmt = (select(Payment.id, Payment.paid_on, Payment.kind, Payment.doc_number,
                   Payment.client_id, Client.short_name, Payment.payer_name, Payment.amount,
                   _money(func.coalesce(used.c.used, 0)), Payment.purpose)
            .outerjoin(used, used.c.payment_id == Payment.id)
            .outerjoin(Client, Client.id == Payment.client_id)
            .where(Payment.paid_on >= start, Payment.paid_on <= end)
            .order_by(Payment.paid_on, Payment.id).limit(limit))
    with base.sessions() as s:
        rows = s.execute(stmt).all()
    return [ReceiptRow(r[0], r[1], PaymentKind(r[2]), r[3] or "", r[4], r[5] or "",
                       r[6] or "", Decimal(r[7]), Decimal(r[8] or 0), r[9] or "")
            for r in rows]


@dataclass(frozen=True)
class CultureRow:
    client_id: int
    client_name: str
    invoices: int
    on_time: int
    late: int
    unpaid: int
    average_days_late: Decimal | None

    def share(self, count: int) -> Decimal:
        if not self.invoices:
            return ZERO
        return (Decimal(count) * 100 / self.invoices).quantize(Decimal("0.1"))


def _days(later, earlier, dialect: str):  # noqa: ANN001, ANN202
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def payment_culture(base: OpenedBase, start: date, end: date, on: date | None = None, *,
                    limit: int = REPORT_LIMIT) -> list[CultureRow]:
    """«Анализ платежной культуры»: invoices issued from ``start`` to ``end`` (not
    reversed), per client: paid in full by ``due_on`` (on time), paid in full later or
    still owing past due (late / unpaid) and the average days late of those paid late.
    An invoice still owing and not yet due counts as unpaid too."""
    on = on or date.today()
    storno = aliased(MoneyDocument)
    paid = (select(PaymentAllocation.document_id.label("document_id"),
                   func.sum(PaymentAllocation.amount).label("paid"),
                   func.max(Payment.paid_on).label("last_paid_on"))
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(Payment.paid_on <= on)
            .group_by(PaymentAllocation.document_id).subquery("paid"))
    dialect = base.dialect
    due = func.coalesce(MoneyDocument.due_on, MoneyDocument.issued_on)
    fully = func.coalesce(paid.c.paid, 0) >= MoneyDocument.total
    per_invoice = (select(MoneyDocument.client_id.label("client_id"),
                          case((fully & (paid.c.last_paid_on <= due), 1), else_=0)
                          .label("on_time"),
                          case((fully & (paid.c.last_paid_on > due), 1), else_=0).label("late"),
                          case((fully, 0), else_=1).label("unpaid"),
                          case((fully & (paid.c.last_paid_on > due),
                                _days(paid.c.last_paid_on, due, dialect)), else_=None)
                          .label("days_late"))
                   .outerjoin(paid, paid.c.document_id == MoneyDocument.id)
                   .where(MoneyDocument.kind == DocumentKind.INVOICE,
                          MoneyDocument.corrects_id.is_(None), MoneyDocument.total > 0,
                          MoneyDocument.issued_on >= start, MoneyDocument.issued_on <= end,
                          ~select(storno.id).where(storno.corrects_id == MoneyDocument.id)
                          .exists())
                   .subquery("inv"))
    stmt = (select(per_invoice.c.client_id, Client.short_name, func.count(),
                   func.sum(per_invoice.c.on_time), func.sum(per_invoice.c.late),
                   func.sum(per_invoice.c.unpaid), func.avg(per_invoice.c.days_late))
            .join(Client, Client.id == per_invoice.c.client_id)
            .group_by(per_invoice.c.client_id, Client.short_name)
            .order_by(Client.short_name).limit(limit))
    with base.sessions() as s:
        rows = s.execute(stmt).all()
    return [CultureRow(r[0], r[1], int(r[2]), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0),
                       None if r[6] is None else Decimal(str(r[6])).quantize(Decimal("0.1")))
            for r in rows]


# --------------------------------------------------------------------------- report tables


def _d(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def debt_table(base: OpenedBase, on: date, *, direction_id: int | None = None,
               overdue_only: bool = False) -> ReportTable:
    rows = debt_by_client(base, on, direction_id=direction_id, overdue_only=overdue_only)
    body = [(r.client_name, r.inn, r.direction, *r.buckets, r.debt, r.advance) for r in rows]
    sums = [sum((r.buckets[i] for r in rows), ZERO) for i in range(5)]
    totals = ("Итого", "", "", *sums, sum(sums, ZERO), sum((r.advance for r in rows), ZERO))
    return ReportTable("Оперативная задолженность по клиентам",
                       f"На {_d(on)}: должников {len(rows)}, долг {_rub(totals[8])}, "
                       f"просрочено {_rub(sum(sums[1:], ZERO))}",
                       ("Клиент", "ИНН", "Направление", *BUCKETS, "Долг всего", "Аванс"),
                       body, totals if rows else None, len(rows) >= REPORT_LIMIT)


def receipts_table(base: OpenedBase, start: date, end: date) -> ReportTable:
    rows = receipts(base, start, end)
    body = [(r.paid_on, PAYMENT_KIND_TITLES[r.kind], r.doc_number,
             r.client_name or "— не разнесён —", r.payer_name, r.amount, r.allocated,
             r.advance, r.purpose) for r in rows]
    total = sum((r.amount for r in rows), ZERO)
    totals = ("Итого", "", "", "", "", total, sum((r.allocated for r in rows), ZERO),
              sum((r.advance for r in rows), ZERO), "")
    return ReportTable("Поступление денег", f"С {_d(start)} по {_d(end)}: платежей "
                       f"{len(rows)} на {_rub(total)}",
                       ("Дата", "Вид", "Номер", "Клиент", "Плательщик", "Сумма",
                        "Разнесено", "Аванс / не разнесено", "Назначение платежа"),
                       body, totals if rows else None, len(rows) >= REPORT_LIMIT)


def culture_table(base: OpenedBase, start: date, end: date, on: date | None = None
                  ) -> ReportTable:
    rows = payment_culture(base, start, end, on)
    body = [(r.client_name, r.invoices, r.on_time, r.share(r.on_time), r.late,
             r.share(r.late), r.unpaid, r.share(r.unpaid), r.average_days_late)
            for r in rows]
    return ReportTable("Анализ платежной культуры",
                       f"Счета с {_d(start)} по {_d(end)}: клиентов {len(rows)}, счетов "
                       f"{sum(r.invoices for r in rows)}",
                       ("Клиент", "Счетов", "В срок", "В срок, %", "С опозданием",
                        "С опозданием, %", "Не оплачено", "Не оплачено, %",
                        "Опоздание, дн. (среднее)"),
                       body, None, len(rows) >= REPORT_LIMIT)


def _rub(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",") + " руб."


def directions(base: OpenedBase) -> list[tuple[int, str]]:
    with base.sessions() as s:
        return [(r[0], r[1]) for r in s.execute(select(Direction.id, Direction.name)
                                                 .order_by(Direction.name))]


__all__ = ["BUCKETS", "Balance", "CultureRow", "DebtRow", "ReceiptRow", "ageing_bucket",
           "client_balance", "culture_table", "debt_by_client", "debt_table", "directions",
           "payment_culture", "receipts", "receipts_table"]
