"""«Акт сверки» on both dialects: opening balance, lines, turnovers and closing balance of
known invoices, a storno, partial payments and an advance equal the hand-computed values;
the closing balance is the card's balance (the debt rule of services/money/debt.py); the
print form carries the numbers and the words. Also: the contract prints the client's
budget, not «0,00»."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from sqlalchemy import delete, select

from tests.services.money.test_documents import MoneyRig, line, money_rig  # noqa: F401
from vostok_desktop.domain.documents import PrintTemplate
from vostok_desktop.domain.money import Payment, PaymentKind
from vostok_desktop.services.documents import printing, templates
from vostok_desktop.services.money import debt, documents, payments
from vostok_desktop.services.money import reconciliation as rec

D = Decimal
PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).replace("\u00a0", " ")


def _bank(rig: MoneyRig, client: str, amount: str, on: date, number: str,
          company: int | None = None) -> int:
    with rig.base.sessions() as s, s.begin():
        payment = Payment(kind=PaymentKind.BANK, company_id=company or rig.vat_company,
                          client_id=rig.clients[client], paid_on=on, amount=D(amount),
                          doc_number=number, payer_name="ООО «Ромашка»")
        s.add(payment)
        s.flush()
        return payment.id


def _history(rig: MoneyRig) -> dict[str, int]:
    """Ромашка with the ОСН company:
    2025-12-10 invoice С-1 5 000 (before the period), paid 2 000 on 2025-12-20;
    2026-02-01 invoice С-1 (2026) 1 000, reversed on 2026-02-15 (storno −1 000);
    2026-03-05 invoice 7 000; paid 3 000 on 2026-03-10 (to it) and 2 500 cash on
    2026-03-20 (1 000 to it, 1 500 an advance); 2026-04-02 invoice 900 (after the
    period). An act (no debt of its own) on 2026-03-31."""
    ids: dict[str, int] = {}
    old = rig.issue([line("5000.00")], on=date(2025, 12, 10))
    p0 = _bank(rig, "romashka", "2000.00", date(2025, 12, 20), "11")
    payments.allocate(rig.base, p0, old.id, None, rig.employee, None)
    reversed_ = rig.issue([line("1000.00")], on=date(2026, 2, 1))
    ids["storno"] = documents.storno(rig.base, reversed_.id, rig.employee, None,
                                     on=date(2026, 2, 15))
    march = rig.issue([line("4000.00"), line("1500.00", "2", "Обучение")],
                      on=date(2026, 3, 5))
    ids["march"] = march.id
    p1 = _bank(rig, "romashka", "3000.00", date(2026, 3, 10), "45")
    payments.allocate(rig.base, p1, march.id, None, rig.employee, None)
    cash = payments.add_cash_payment(rig.base, rig.clients["romashka"], "2500.00",
                                     date(2026, 3, 20), "по счёту", None, rig.employee, None)
    payments.allocate(rig.base, cash, march.id, D("1000.00"), rig.employee, None)
    with rig.base.sessions() as s, s.begin():
        documents.act_for_invoice(s, march.id, date(2026, 3, 31), rig.employee)
    rig.issue([line("900.00")], on=date(2026, 4, 2))
    # Another client's money is not Ромашка's.
    rig.issue([line("777.00")], client="vasilek", on=date(2026, 3, 6))
    return ids


def test_act_balances_and_turnovers_equal_the_hand_computed_ones(
        money_rig: MoneyRig) -> None:  # noqa: F811
    _history(money_rig)
    with money_rig.base.sessions() as s:
        act = rec.reconciliation(s, money_rig.clients["romashka"], money_rig.vat_company,
                                 date(2026, 1, 1), date(2026, 3, 31))
    assert act.opening == D("3000.00")  # 5 000 invoiced − 2 000 paid in 2025
    assert [(ln.on, ln.title, ln.debit, ln.credit) for ln in act.lines] == [
        (date(2026, 2, 1), "Счёт № С-1", D("1000.00"), D("0.00")),
        (date(2026, 2, 15), "Сторно счёта № С-1 от 01.02.2026 (№ С-2)", D("-1000.00"),
         D("0.00")),
        (date(2026, 3, 5), "Счёт № С-3", D("7000.00"), D("0.00")),
        (date(2026, 3, 10), "Оплата, п/п № 45 от 10.03.2026", D("0.00"), D("3000.00")),
        (date(2026, 3, 20), "Оплата наличными", D("0.00"), D("2500.00")),
    ]
    assert (act.debit_turnover, act.credit_turnover) == (D("7000.00"), D("5500.00"))
    assert act.closing == D("4500.00")  # 3 000 + 7 000 − 5 500
    assert act.creditor == "ООО «РИЦ Восток»"
    assert printing.reconciliation_conclusion(act) == (
        "По данным ООО «РИЦ Восток» на 31.03.2026 задолженность в пользу ООО «РИЦ Восток» "
        "составляет 4\u00a0500,00 руб. (четыре тысячи пятьсот рублей 00 копеек).")
    # The card's debt service says the same on that date: debt 6 000 − advance 1 500.
    with money_rig.base.sessions() as s:
        balance = debt.client_balance(s, money_rig.clients["romashka"], date(2026, 3, 31))
    assert (balance.debt, balance.advance, balance.net) == (
        D("6000.00"), D("1500.00"), act.closing)


def test_closing_balance_is_the_cards_balance_and_advances_favour_the_client(
        money_rig: MoneyRig) -> None:  # noqa: F811
    _history(money_rig)
    client = money_rig.clients["romashka"]
    today = date.today()
    with money_rig.base.sessions() as s:
        whole = rec.reconciliation(s, client, None, date(2025, 1, 1), today)
        card = documents.client_balance(s, client)
    assert whole.opening == D("0.00")
    assert whole.closing == card.debt - card.advance == D("5400.00")
    # Paying the whole debt and 600 more: the act is in the client's favour.
    _bank(money_rig, "romashka", "6000.00", date(2026, 4, 10), "77")
    with money_rig.base.sessions() as s:
        act = rec.reconciliation(s, client, money_rig.vat_company, date(2026, 4, 1), today)
        card = documents.client_balance(s, client)
        on_day = debt.client_balance(s, client, today)
    assert act.opening == D("4500.00")
    assert act.closing == card.debt - card.advance == on_day.net == D("-600.00")
    assert act.creditor == "ООО «Ромашка»"
    assert "задолженность в пользу ООО «Ромашка» составляет 600,00 руб. (шестьсот " \
           "рублей 00 копеек)" in printing.reconciliation_conclusion(act)


def test_each_company_has_its_own_act_and_they_add_up_to_the_card(
        money_rig: MoneyRig) -> None:  # noqa: F811
    client = money_rig.clients["romashka"]
    vat_invoice = money_rig.issue([line("1000.00")], on=date(2026, 3, 1))
    usn_invoice = money_rig.issue([line("400.00")], on=date(2026, 3, 2),
                                  company=money_rig.usn_company)
    # One payment received by the ОСН company pays the УСН company's invoice in part.
    paid = _bank(money_rig, "romashka", "1500.00", date(2026, 3, 3), "9")
    payments.allocate(money_rig.base, paid, usn_invoice.id, D("300.00"), money_rig.employee,
                      None)
    payments.allocate(money_rig.base, paid, vat_invoice.id, D("1000.00"),
                      money_rig.employee, None)
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    with money_rig.base.sessions() as s:
        vat = rec.reconciliation(s, client, money_rig.vat_company, start, end)
        usn = rec.reconciliation(s, client, money_rig.usn_company, start, end)
        card = documents.client_balance(s, client)
    assert (vat.debit_turnover, vat.credit_turnover, vat.closing) == (
        D("1000.00"), D("1200.00"), D("-200.00"))  # 1 000 allocated + 200 advance
    assert (usn.debit_turnover, usn.credit_turnover, usn.closing) == (
        D("400.00"), D("300.00"), D("100.00"))
    assert vat.closing + usn.closing == card.debt - card.advance == D("-100.00")
    with money_rig.base.sessions() as s:
        nothing = rec.reconciliation(s, money_rig.clients["vasilek"], None, start, end)
    assert printing.reconciliation_conclusion(nothing) == \
        "По данным ООО «РИЦ Восток» на 31.03.2026 задолженность отсутствует."


def test_a_wrong_period_or_company_is_refused_in_russian(money_rig: MoneyRig  # noqa: F811
                                                         ) -> None:
    client = money_rig.clients["romashka"]
    with money_rig.base.sessions() as s:
        with pytest.raises(rec.ReconciliationError,
                           match=r"Начало периода \(01\.04\.2026\) позже его конца"):
            rec.reconciliation(s, client, None, date(2026, 4, 1), date(2026, 3, 31))
        with pytest.raises(rec.ReconciliationError, match="Субъект учёта не найден"):
            rec.reconciliation(s, client, 999_999, date(2026, 1, 1), date(2026, 3, 31))
        with pytest.raises(rec.ReconciliationError, match="Клиент не найден"):
            rec.reconciliation(s, 999_999, None, date(2026, 1, 1), date(2026, 3, 31))


def test_printed_act_carries_the_numbers_and_the_words(money_rig: MoneyRig,  # noqa: F811
                                                      tmp_path: Path) -> None:
    _history(money_rig)
    rendered = printing.render_reconciliation(money_rig.base, money_rig.clients["romashka"],
                                         money_rig.vat_company, date(2026, 1, 1),
                                         date(2026, 3, 31), money_rig.employee)
    text = _text(rendered.data)
    assert rendered.file_name == "Акт сверки 01.01.2026–31.03.2026 — Ромашка.docx"
    assert "Акт сверки\nвзаимных расчётов за период с 01.01.2026 по 31.03.2026" in text
    assert "между ООО «РИЦ Восток» и ООО «Ромашка» (ИНН 7707083893)" in text
    for expected in ("Сальдо на 01.01.2026", "3 000,00", "Сторно счёта № С-1", "-1 000,00",
                     "Счёт № С-3", "7 000,00", "Оплата, п/п № 45 от 10.03.2026",
                     "Оплата наличными", "2 500,00", "Обороты за период", "5 500,00",
                     "Сальдо на 31.03.2026", "4 500,00", "Петров П. П.",
                     "Бухгалтерова Бэлла"):
        assert expected in text, expected
    assert "задолженность в пользу ООО «РИЦ Восток» составляет 4 500,00 руб. (четыре " \
           "тысячи пятьсот рублей 00 копеек)." in text
    assert "{{" not in text and "{%" not in text
    missing = printing.pdf_preview_missing()
    if missing is None:  # look at it: <png dir>/reconciliation_act.png
        preview = printing.make_pdf_preview(rendered.data, rendered.file_name,
                                            tmp_path / "pdf")
        PNG.mkdir(parents=True, exist_ok=True)
        shutil.copy(preview.pages[0], PNG / "reconciliation_act.png")
        assert len(preview.pages) == 1


def test_names_with_ampersands_and_quotes_print_as_typed(money_rig: MoneyRig  # noqa: F811
                                                        ) -> None:
    from vostok_desktop.domain import Client

    with money_rig.base.sessions() as s, s.begin():
        s.get(Client, money_rig.clients["romashka"]).full_name = 'ООО "Рога & Копыта" <РК>'
    money_rig.issue([line("10.00")], on=date(2026, 3, 2))
    rendered = printing.render_reconciliation(money_rig.base, money_rig.clients["romashka"],
                                              None, date(2026, 3, 1), date(2026, 3, 31), None)
    assert 'и ООО "Рога & Копыта" <РК> (ИНН 7707083893)' in _text(rendered.data)


def test_upgraded_base_gets_the_act_form_and_the_card_prints_it(money_rig: MoneyRig  # noqa: F811
                                                                ) -> None:
    assert templates.ensure_default_templates(money_rig.base) == 7
    # A base made before the act existed: its six forms stay, the seventh is added.
    with money_rig.base.sessions() as s, s.begin():
        s.execute(delete(PrintTemplate).where(PrintTemplate.code == "reconciliation"))
    offered = {t.code: t for t in templates.templates_for_client(
        money_rig.base, money_rig.clients["romashka"])}
    assert offered["reconciliation"].name == "Акт сверки взаимных расчётов"
    assert offered["reconciliation"].kind_title == "Акт сверки"
    with money_rig.base.sessions() as s:
        assert s.scalar(select(PrintTemplate.kind).where(
            PrintTemplate.code == "reconciliation")) == "reconciliation"
    money_rig.issue([line("1200.00")], on=date.today())
    # Ctrl+P in the card with this form: the year so far, every company.
    rendered = printing.render_for_client(money_rig.base, offered["reconciliation"].id,
                                          money_rig.clients["romashka"], money_rig.employee)
    text = _text(rendered.data)
    assert f"с 01.01.{date.today().year} по {date.today():%d.%m.%Y}" in text
    assert "1 200,00" in text and "задолженность в пользу ООО «РИЦ Восток»" in text
    # Mass printing the form: each client its own act.
    result = printing.render_many(money_rig.base, offered["reconciliation"].id,
                                  [money_rig.clients["romashka"], money_rig.clients["vasilek"]],
                                  Path(tempfile.mkdtemp()), money_rig.employee)
    texts = [_text(path.read_bytes()) for path in result.files]
    assert result.errors == [] and "1 200,00" in texts[0]
    assert "задолженность отсутствует" in texts[1]


def _contract_made_before(rig: MoneyRig, *, edited: bool) -> int:
    """The contract form as an older program installed it: one default version with
    the old file (no amounts); ``edited``: the company uploaded its own file since."""
    from vostok_desktop.domain.documents import PrintTemplateVersion

    templates.ensure_default_templates(rig.base)
    document = docx.Document(str(templates.default_template_path("letter.docx")))
    document.add_paragraph("Договор № {{ document.number }}: стоимость — в счетах.")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    with rig.base.sessions() as s, s.begin():
        template = s.scalars(select(PrintTemplate).where(
            PrintTemplate.code == "contract", PrintTemplate.client_id.is_(None))).one()
        version = s.scalars(select(PrintTemplateVersion).where(
            PrintTemplateVersion.template_id == template.id)).one()
        version.data, version.size = data, len(data)
        if edited:
            s.add(PrintTemplateVersion(template_id=template.id, number=2, data=data,
                                       size=len(data), comment="Наша редакция"))
            template.active_version = 2
        return template.id


def test_an_untouched_old_contract_form_is_brought_up_to_date(money_rig: MoneyRig  # noqa: F811
                                                              ) -> None:
    template_id = _contract_made_before(money_rig, edited=False)
    assert templates.ensure_default_templates(money_rig.base) == 1
    assert templates.ensure_default_templates(money_rig.base) == 0
    versions = templates.template_versions(money_rig.base, template_id)
    assert [(v.number, v.active, v.comment) for v in versions] == [
        (2, True, "Шаблон по умолчанию (новая версия программы)"),
        (1, False, "Шаблон по умолчанию")]
    _served_distributives(money_rig)
    text = _text(printing.render_for_client(money_rig.base, template_id,
                                            money_rig.clients["romashka"], None).data)
    assert "Итого в месяц: 13 321,50 руб." in text


def test_an_edited_contract_form_is_left_as_the_company_made_it(money_rig: MoneyRig  # noqa: F811
                                                                ) -> None:
    template_id = _contract_made_before(money_rig, edited=True)
    assert templates.ensure_default_templates(money_rig.base) == 0
    assert [v.number for v in templates.template_versions(money_rig.base, template_id)
            if v.active] == [2]


def _served_distributives(rig: MoneyRig) -> None:
    from vostok_desktop.domain.distributives import (
        Distributive,
        DistributiveStatus,
        ProductSystem,
    )
    from vostok_desktop.domain.money import (
        ClientDiscount,
        DistributiveTerm,
        PriceList,
        PriceListItem,
    )

    with rig.base.sessions() as s, s.begin():
        system = ProductSystem(code="ПРОФ", title="Версия Проф")
        s.add(system)
        s.flush()
        price_list = PriceList(name="Прейскурант 2026", valid_from=date(2026, 1, 1))
        price_list.items.append(PriceListItem(system_id=system.id, min_network_size=1,
                                              price=D("10000.00")))
        s.add(price_list)
        client = rig.clients["romashka"]
        since = date(2026, 1, 1)
        fixed = Distributive(client_id=client, number="100002", system_id=system.id,
                             network_size=1, status=DistributiveStatus.SERVED,
                             status_since=since, last_moved_on=since)
        s.add_all([
            Distributive(client_id=client, number="100001", system_id=system.id,
                         network_size=1, status=DistributiveStatus.SERVED, status_since=since,
                         last_moved_on=since),
            fixed,
            ClientDiscount(client_id=client, percent=D("10"), valid_from=date(2026, 1, 1)),
        ])
        s.flush()
        s.add(DistributiveTerm(distributive_id=fixed.id, client_id=client, valid_from=since,
                               fixed_price=D("4321.50")))


def test_contract_prints_the_budgets_monthly_total_not_zero(money_rig: MoneyRig  # noqa: F811
                                                            ) -> None:
    _served_distributives(money_rig)
    contract = next(t for t in templates.templates_for_client(
        money_rig.base, money_rig.clients["romashka"]) if t.code == "contract")
    rendered = printing.render_for_client(money_rig.base, contract.id,
                                          money_rig.clients["romashka"], money_rig.employee)
    text = _text(rendered.data)
    # 10 000 less the client's 10 % + the fixed 4 321,50 = 13 321,50 a month.
    assert "Версия Проф, дистрибутив № 100001" in text and "9 000,00" in text
    assert "дистрибутив № 100002" in text and "4 321,50" in text
    assert "Итого в месяц: 13 321,50 руб. (Тринадцать тысяч триста двадцать один рубль " \
           "50 копеек)" in text
    assert "В т. ч. НДС: 22 % — 2 402,24 руб." in text  # 1 622,95 + 779,29
    assert "0,00 руб." not in text and "{{" not in text
    if printing.pdf_preview_missing() is None:  # look at it: <png dir>/contract_budget.png
        preview = printing.make_pdf_preview(rendered.data, rendered.file_name,
                                            Path(tempfile.mkdtemp()))
        PNG.mkdir(parents=True, exist_ok=True)
        shutil.copy(preview.pages[0], PNG / "contract_budget.png")
    # Mass printing the contract fills every client's own budget too.
    result = printing.render_many(money_rig.base, contract.id,
                                  [money_rig.clients["romashka"], money_rig.clients["vasilek"]],
                                  Path(tempfile.mkdtemp()), money_rig.employee)
    texts = [_text(path.read_bytes()) for path in result.files]
    assert "13 321,50" in texts[0]
    # Василёк serves nothing: no amounts, the price-list sentence instead of «0,00».
    assert "определяется прейскурантом Исполнителя" in texts[1] and "0,00" not in texts[1]


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_a_login_without_the_templates_right_prints_on_an_upgraded_server_base(
        money_rig: MoneyRig) -> None:  # noqa: F811
    """On a server base only «templates.edit» may add forms: a manager's first look at
    the forms after the upgrade must not fail on the missing «Акт сверки»; the
    administrator's next look installs it."""
    import uuid

    from vostok_desktop.db import BaseLocation, open_base
    from vostok_desktop.domain import EmployeeRole
    from vostok_desktop.services.access import rights as access

    base = money_rig.base
    templates.ensure_default_templates(base)
    with base.sessions() as s, s.begin():
        s.execute(delete(PrintTemplate).where(PrintTemplate.code == "reconciliation"))
    login, password = f"m{uuid.uuid4().hex[:8]}", "секрет-пароль-1"
    access.create_account(base, login=login, full_name="Менеджерова Мария",
                          role=EmployeeRole.MANAGER, department_id=None, password=password)
    url = base.engine.url.set(username=login, password=None)
    manager = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)),
                        password)
    try:
        from sqlalchemy.exc import DBAPIError

        with pytest.raises(DBAPIError,
                           match="Нет права «Изменение шаблонов печатных форм»"):
            with manager.sessions() as s, s.begin():
                s.add(PrintTemplate(code="x", name="x", active_version=None))
        assert templates.ensure_default_templates(manager) == 0
        codes = {t.code for t in templates.templates_for_client(manager, None)}
        assert "contract" in codes and "reconciliation" not in codes
    finally:
        manager.close()
        with base.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')
    assert templates.ensure_default_templates(base) == 1
