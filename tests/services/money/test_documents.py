"""Documents with amounts on both dialects: numbers per company/kind/year without gaps,
VAT rounding under ОСН and «Без НДС» under УСН, refusals, storno, acts to invoices, the
client's list with paid sums and debt, and the change log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client, ClientStatus, Employee, EmployeeRole
from vostok_desktop.domain.money import (
    Company,
    DocumentKind,
    MoneyDocument,
    Payment,
    PaymentAllocation,
    PaymentKind,
    TaxMode,
)
from vostok_desktop.services.money import documents
from vostok_desktop.services.money.companies import CompanyData, save_company
from vostok_desktop.services.money.documents import DocumentRefused, LineData

K = DocumentKind
IP_INN = "540612345667"


@dataclass
class MoneyRig:
    base: OpenedBase
    clients: dict[str, int]
    employee: int
    vat_company: int  # ОСН 22 %
    usn_company: int  # УСН

    def issue(self, lines: list[LineData], *, client: str = "romashka",
              kind: DocumentKind = K.INVOICE, on: date = date(2026, 3, 5),
              company: int | None = None, **extra) -> MoneyDocument:
        with self.base.sessions() as s, s.begin():
            doc = documents.issue_document(
                s, company_id=company or self.vat_company, client_id=self.clients[client],
                kind=kind, issued_on=on, lines=lines, employee_id=self.employee, **extra)
            s.refresh(doc)
            for line in doc.lines:
                s.expunge(line)
            s.expunge(doc)
            return doc


def make_rig(base: OpenedBase) -> MoneyRig:
    with base.sessions() as s, s.begin():
        employee = Employee(login="buh", full_name="Бухгалтерова Бэлла",
                            role=EmployeeRole.HEAD)
        clients = {"romashka": Client(short_name="Ромашка", full_name="ООО «Ромашка»",
                                      inn="7707083893", status=ClientStatus.SERVED),
                   "vasilek": Client(short_name="Василёк", status=ClientStatus.SERVED)}
        s.add_all([employee, *clients.values()])
        s.flush()
        ids = {k: v.id for k, v in clients.items()}
        employee_id = employee.id
    vat = save_company(base, CompanyData(
        name="ООО «РИЦ Восток»", inn="5406123450", kpp="540601001", bank_name="ПАО «Банк»",
        bik="045004001", account="40702810000000000001", corr_account="30101810000000000001",
        director="Петров П. П.", tax_mode=TaxMode.VAT, vat_rate=Decimal("22"),
        is_default=True), None)
    usn = save_company(base, CompanyData(name="ИП Сидоров", inn=IP_INN,
                                         tax_mode=TaxMode.USN), None)
    return MoneyRig(base, ids, employee_id, vat, usn)


@pytest.fixture
def money_rig(empty_base: OpenedBase) -> MoneyRig:
    return make_rig(empty_base)


def line(price: str, quantity: str = "1", name: str = "Сопровождение КонсультантПлюс"
         ) -> LineData:
    return LineData(name, Decimal(quantity), "мес.", Decimal(price))


def test_numbers_run_per_company_kind_and_year_and_restart_in_a_new_year(
        money_rig: MoneyRig) -> None:
    a = [money_rig.issue([line("100")]).number_text for _ in range(3)]
    assert a == ["С-1", "С-2", "С-3"]
    assert money_rig.issue([line("100")], kind=K.ACT).number_text == "А-1"
    assert money_rig.issue([line("100")], kind=K.UPD).number_text == "У-1"
    assert money_rig.issue([line("100")], company=money_rig.usn_company).number_text == "С-1"
    assert money_rig.issue([line("100")], client="vasilek").number_text == "С-4"
    new_year = money_rig.issue([line("100")], on=date(2027, 1, 9))
    assert (new_year.number_text, new_year.year, new_year.number) == ("С-1", 2027, 1)
    # A refused document takes no number: the series has no gap.
    with pytest.raises(DocumentRefused):
        money_rig.issue([])
    assert money_rig.issue([line("5")]).number_text == "С-5"


def test_vat_is_included_and_rounded_half_up_per_line(money_rig: MoneyRig) -> None:
    doc = money_rig.issue([line("1000.00"), line("333.33", "3", "Обучение"),
                           line("0.05", name="Мелочь")])
    assert [(ln.amount, ln.vat, ln.net) for ln in doc.lines] == [
        (Decimal("1000.00"), Decimal("180.33"), Decimal("819.67")),
        (Decimal("999.99"), Decimal("180.33"), Decimal("819.66")),
        (Decimal("0.05"), Decimal("0.01"), Decimal("0.04"))]
    assert (doc.total, doc.vat, doc.net) == (Decimal("2000.04"), Decimal("360.67"),
                                             Decimal("1639.37"))
    assert doc.tax_mode is TaxMode.VAT and doc.vat_rate == Decimal("22")
    assert doc.due_on == date(2026, 3, 15)  # 10 days to pay


def test_usn_company_issues_without_vat(money_rig: MoneyRig) -> None:
    doc = money_rig.issue([line("1500.50", "2")], company=money_rig.usn_company)
    assert (doc.total, doc.vat, doc.net, doc.tax_mode) == (
        Decimal("3001.00"), Decimal("0.00"), Decimal("3001.00"), TaxMode.USN)
    with money_rig.base.sessions() as s:
        assert documents.document_view(s, doc.id).vat_text == "Без НДС"


@pytest.mark.parametrize(("lines", "message"), [
    ([], "нет ни одной строки"),
    ([line("100", "0")], "количество должно быть больше нуля"),
    ([line("100", "-1")], "количество должно быть больше нуля"),
    ([line("100.005")], "больше двух знаков после запятой"),
    ([LineData("", Decimal(1), "мес.", Decimal(1))], "не указано наименование"),
    ([LineData("Услуга", "два", "мес.", Decimal(1))], "количество «два» — не число"),
])
def test_bad_lines_are_refused_naming_the_line(money_rig: MoneyRig, lines, message) -> None:
    with pytest.raises(DocumentRefused, match=message):
        money_rig.issue(lines)
    with money_rig.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MoneyDocument)) == 0


def test_storno_negates_and_cannot_be_repeated(money_rig: MoneyRig) -> None:
    original = money_rig.issue([line("1000"), line("250.50", "2", "Обучение")],
                               period=date(2026, 3, 1))
    storno_id = documents.storno(money_rig.base, original.id, money_rig.employee, None,
                                 on=date(2026, 3, 20))
    with money_rig.base.sessions() as s:
        view = documents.document_view(s, storno_id)
        assert view.number_text == "С-2" and view.corrects_number == "С-1"
        assert (view.total, view.vat) == (Decimal("-1501.00"), Decimal("-270.67"))
        assert [ln.quantity for ln in view.lines] == [Decimal(-1), Decimal(-2)]
        assert view.period == date(2026, 3, 1)
        rows = documents.documents_of_client(s, money_rig.clients["romashka"])
        assert [(r.number_text, r.is_storno, r.inactive, r.reversed_by) for r in rows] == [
            ("С-2", True, True, None), ("С-1", False, True, "С-2")]
        assert documents.client_balance(s, money_rig.clients["romashka"]).debt == 0
    with pytest.raises(DocumentRefused, match="уже сторнирован документом № С-2"):
        documents.storno(money_rig.base, original.id, money_rig.employee, None)
    with pytest.raises(DocumentRefused, match="сторнировать сторно нельзя"):
        documents.storno(money_rig.base, storno_id, money_rig.employee, None)


def test_storno_needs_the_documents_right(money_rig: MoneyRig) -> None:
    from vostok_desktop.domain.access import Visibility
    from vostok_desktop.services.access.rights import AccessDenied, AccessProfile

    doc = money_rig.issue([line("10")])
    clerk = AccessProfile(frozenset({"clients.edit"}), Visibility.ALL, "clerk")
    with pytest.raises(AccessDenied):
        documents.storno(money_rig.base, doc.id, money_rig.employee, clerk)


def test_act_for_invoice_copies_the_lines(money_rig: MoneyRig) -> None:
    invoice = money_rig.issue([line("700"), line("300")], period=date(2026, 3, 1))
    with money_rig.base.sessions() as s, s.begin():
        act = documents.act_for_invoice(s, invoice.id, date(2026, 3, 31), money_rig.employee)
        assert (act.kind, act.number_text, act.invoice_id, act.total, act.period) == (
            K.ACT, "А-1", invoice.id, Decimal("1000.00"), date(2026, 3, 1))
    with money_rig.base.sessions() as s, s.begin(), \
            pytest.raises(DocumentRefused, match="уже есть акт № А-1"):
        documents.act_for_invoice(s, invoice.id, date(2026, 3, 31))


def test_client_list_shows_paid_and_debt_and_the_balance(money_rig: MoneyRig) -> None:
    client = money_rig.clients["romashka"]
    first = money_rig.issue([line("1000")])
    money_rig.issue([line("500")], on=date(2026, 4, 2))
    money_rig.issue([line("1000")], kind=K.ACT)
    with money_rig.base.sessions() as s, s.begin():
        payment = Payment(kind=PaymentKind.CASH, client_id=client, paid_on=date(2026, 3, 9),
                          amount=Decimal("1200.00"))
        s.add(payment)
        s.flush()
        s.add(PaymentAllocation(payment_id=payment.id, document_id=first.id,
                                client_id=client, amount=Decimal("1000.00")))
    with money_rig.base.sessions() as s:
        rows = documents.documents_of_client(s, client)
        assert [(r.kind_title, r.number_text, r.total, r.paid, r.debt) for r in rows] == [
            ("Счёт", "С-2", Decimal("500.00"), Decimal(0), Decimal("500.00")),
            ("Акт", "А-1", Decimal("1000.00"), Decimal(0), Decimal(0)),
            ("Счёт", "С-1", Decimal("1000.00"), Decimal("1000.00"), Decimal(0))]
        balance = documents.client_balance(s, client)
        assert (balance.debt, balance.advance) == (Decimal("500.00"), Decimal("200.00"))
        assert balance.text == "Долг: 300,00 руб."


def test_change_log_shows_the_document_and_its_storno(money_rig: MoneyRig,
                                                      dialect: str) -> None:
    """The program writes it on a file base, the server's triggers on PostgreSQL."""
    doc = money_rig.issue([line("1000")])
    storno_id = documents.storno(money_rig.base, doc.id, money_rig.employee, None)
    with money_rig.base.sessions() as s:
        logged = {(r.row_id, r.field, r.new_value) for r in s.scalars(
            select(ChangeLog).where(ChangeLog.table_name == "money_documents"))}
    assert (doc.id, "number_text", "С-1") in logged
    assert {(storno_id, "total", "-1000"), (storno_id, "total", "-1000.00")} & logged
    assert (storno_id, "corrects_id", str(doc.id)) in logged


def test_default_company_is_made_from_the_print_details(empty_base: OpenedBase) -> None:
    from vostok_desktop.services.documents.company import save_company_details
    from vostok_desktop.services.money.companies import default_company

    save_company_details(empty_base, {
        "name": "ООО «РИЦ Запад»", "inn": "5406123450", "kpp": "540601001",
        "bank": "р/с 40702810000000000002 в АО «Банк», БИК 045004002, "
                "к/с 30101810000000000002", "director": "Иванов И. И."}, None)
    with empty_base.sessions() as s, s.begin():
        company = default_company(s)
        assert (company.name, company.account, company.bik, company.corr_account,
                company.bank_name, company.is_default) == (
            "ООО «РИЦ Запад»", "40702810000000000002", "045004002",
            "30101810000000000002", "АО «Банк»", True)
        assert default_company(s).id == company.id
        assert s.scalar(select(func.count()).select_from(Company)) == 1



def test_the_servers_numbering_trigger_is_used(money_rig: MoneyRig, dialect: str) -> None:
    """On a server base the database numbers documents (0014's trigger): the program
    inserts placeholders and reads the numbers back — once per document, no gaps."""
    from sqlalchemy import text

    with money_rig.base.sessions() as s:
        assert documents.database_numbers(s) is (dialect == "postgresql")
    first = money_rig.issue([line("100")])
    second = money_rig.issue([line("100")], kind=K.ACT)
    third = money_rig.issue([line("100")])
    assert [first.number_text, second.number_text, third.number_text] == ["С-1", "А-1", "С-2"]
    storno_id = documents.storno(money_rig.base, first.id, None, None, on=date(2026, 3, 6))
    with money_rig.base.sessions() as s:
        assert documents.document_view(s, storno_id).number_text == "С-3"
        assert s.scalar(text("select last_number from document_counters "
                             "where kind = 'invoice'")) == 3
