"""A small РИЦ for the payment tests on an empty base of each dialect: a company with
its account, three clients with INNs, a cashier, and a helper that issues invoices as
plain ORM rows (on PostgreSQL a numbering trigger may rewrite number/number_text: they
are read back after the flush)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus, Direction, Employee, EmployeeRole
from vostok_desktop.domain.money import (
    Company,
    DocumentKind,
    MoneyDocument,
    MoneyDocumentLine,
    Payment,
    PaymentAllocation,
    TaxMode,
)

ACCOUNT = "40702810900000012345"  # the company's account (the statements' РасчСчет)
INN = {"romashka": "7701234567", "vasilek": "7702345678", "lyutik": "7703456789"}


@dataclass
class Invoice:
    id: int
    number: int
    number_text: str
    client_id: int


@dataclass
class PayRig:
    base: OpenedBase
    company: int
    clients: dict[str, int]
    cashier: int
    direction: int

    def invoice(self, client: str, total: str | Decimal, issued_on: date, *,
                due_days: int = 10, number: int | None = None,
                direction: bool = False, corrects: int | None = None) -> Invoice:
        total = Decimal(total)
        client_id = self.clients[client]
        with self.base.sessions() as s, s.begin():
            if number is None:
                last = s.scalar(select(MoneyDocument.number)
                                .where(MoneyDocument.kind == DocumentKind.INVOICE,
                                       MoneyDocument.year == issued_on.year)
                                .order_by(MoneyDocument.number.desc()).limit(1))
                number = (last or 0) + 1
            doc = MoneyDocument(company_id=self.company, client_id=client_id,
                                kind=DocumentKind.INVOICE, year=issued_on.year, number=number,
                                number_text=f"С-{number}", issued_on=issued_on,
                                due_on=issued_on + timedelta(days=due_days),
                                tax_mode=TaxMode.USN, vat_rate=Decimal(0), net=total,
                                vat=Decimal(0), total=total, corrects_id=corrects,
                                direction_id=self.direction if direction else None)
            s.add(doc)
            s.flush()
            s.add(MoneyDocumentLine(document_id=doc.id, client_id=client_id, position=1,
                                    name="Сопровождение СПС КонсультантПлюс", price=total,
                                    net=total, vat=Decimal(0), amount=total))
            s.flush()
            s.refresh(doc, ["number", "number_text"])
            return Invoice(doc.id, doc.number, doc.number_text, client_id)

    def payments(self) -> list[Payment]:
        with self.base.sessions() as s:
            rows = list(s.scalars(select(Payment).order_by(Payment.id)))
            s.expunge_all()
            return rows

    def allocations(self) -> list[tuple[int, int, Decimal]]:
        """(payment id, document id, amount) of every allocation."""
        with self.base.sessions() as s:
            return [(a.payment_id, a.document_id, a.amount) for a in s.scalars(
                select(PaymentAllocation).order_by(PaymentAllocation.id))]


def make_rig(base: OpenedBase) -> PayRig:
    with base.sessions() as s, s.begin():
        company = Company(name="ООО «Восток-Информ»", inn="7700000001", account=ACCOUNT,
                          tax_mode=TaxMode.USN, vat_rate=Decimal(0), is_default=True)
        cashier = Employee(login="cashier", full_name="Кассирова Катерина",
                           role=EmployeeRole.HEAD)
        direction = Direction(code="service", name="Сопровождение")
        clients = {
            "romashka": Client(short_name="Ромашка", full_name="ООО «Ромашка»",
                               inn=INN["romashka"], status=ClientStatus.SERVED),
            "vasilek": Client(short_name="Василёк", full_name="ООО «Василёк»",
                              inn=INN["vasilek"], status=ClientStatus.SERVED),
            "lyutik": Client(short_name="Лютик", full_name="АО «Лютик»",
                             inn=INN["lyutik"], status=ClientStatus.SERVED),
        }
        s.add_all([company, cashier, direction, *clients.values()])
        s.flush()
        return PayRig(base, company.id, {k: v.id for k, v in clients.items()}, cashier.id,
                      direction.id)


def order(number: str, on: date, amount: str, purpose: str, *, inn: str = "",
          name: str = "ООО «Плательщик»", account: str = "40702810100000000001",
          to: str = ACCOUNT) -> dict[str, str]:
    """The key=value lines of one incoming «Платежное поручение»."""
    return {"Номер": number, "Дата": f"{on:%d.%m.%Y}", "Сумма": amount,
            "ПлательщикСчет": account, "ПлательщикИНН": inn, "Плательщик1": name,
            "Плательщик": f"ИНН {inn} {name}", "ПолучательСчет": to,
            "ПолучательИНН": "7700000001", "Получатель1": "ООО «Восток-Информ»",
            "ДатаПоступило": f"{on:%d.%m.%Y}", "НазначениеПлатежа": purpose}
