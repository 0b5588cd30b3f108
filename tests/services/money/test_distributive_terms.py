"""A distributive's dated terms (0017) on both dialects: refusals named in Russian with
nothing written (bad values, both or neither, dates out of order, an overlapping period),
editing and deleting a row, the right «Скидки и VIP-программы», billing that takes the row
valid on the billed month, and the migration moving the undated terms of 0010 into one
open-ended row each (and back on a downgrade)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from vostok_desktop.domain import ChangeLog, Client, ClientStatus
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus, ProductSystem
from vostok_desktop.domain.money import DistributiveTerm, DocumentKind, MoneyDocument
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.money import billing, prices
from vostok_desktop.services.money import distributive_terms as terms
from vostok_desktop.services.money.budget import client_budget
from vostok_desktop.services.money.companies import CompanyData, save_company
from vostok_desktop.services.money.distributive_terms import TermData
from vostok_desktop.services.money.prices import PriceItemData

D = Decimal


def _served(rig: Rig) -> tuple[int, int]:  # noqa: F811
    """Two «Проф» distributives at «Ромашка» (price 4000) and one in the warehouse."""
    prices.create_price_list(rig.base, "2026", date(2026, 1, 1), None, items=[
        PriceItemData(rig.systems["prof"], 1, D("4000.00"))])
    first, second, free = rig.receive("510001", "510002", "510003")
    for d in (first, second):
        movements.connect(rig.base, d, rig.clients["romashka"], date(2021, 1, 10),
                          rig.employees["engineer"], today=TODAY)
    return first, second


def test_refusals_name_what_is_wrong_and_write_nothing(rig: Rig) -> None:  # noqa: F811
    first, _ = _served(rig)
    keeper = rig.employees["keeper"]
    for data, message in [
        (TermData(date(2026, 1, 1), None, "-1"), "цена не может быть отрицательной"),
        (TermData(date(2026, 1, 1), None, "12,345"), "цена — с точностью до копейки"),
        (TermData(date(2026, 1, 1), None, "сто"), "цена: «сто» — не число"),
        (TermData(date(2026, 1, 1), None, None, "101"), "скидка — от 0 до 100 %"),
        (TermData(date(2026, 1, 1), None, "100", "5"), "либо фиксированную цену, либо скидку"),
        (TermData(date(2026, 1, 1)), "укажите фиксированную цену или скидку"),
        (TermData(None, None, "100"), "не указана дата начала"),
        (TermData(date(2026, 3, 1), date(2026, 2, 1), "100"),
         "дата окончания (01.02.2026) раньше даты начала (01.03.2026)"),
    ]:
        with pytest.raises(MovementRefused, match=re.escape(message)):
            terms.save_term(rig.base, first, data, keeper)
    assert terms.list_terms(rig.base, first) == []

    # A row from January to March; another from April on; an overlap is refused by name.
    q1 = terms.save_term(rig.base, first, TermData(date(2026, 1, 1), date(2026, 3, 31),
                                                   "3 500,50", note="договор 1"), keeper)
    later = terms.save_term(rig.base, first, TermData(date(2026, 4, 1), None, None, "7,5"),
                            keeper)
    for start, end in ((date(2026, 3, 31), None), (date(2025, 12, 1), date(2026, 1, 1)),
                       (date(2027, 1, 1), None)):
        with pytest.raises(MovementRefused, match="период пересекается с условиями с "):
            terms.save_term(rig.base, first, TermData(start, end, "1"), keeper)
    rows = terms.list_terms(rig.base, first)
    assert [(r.id, r.period_text, r.terms_text) for r in rows] == [
        (later, "с 01.04.2026, бессрочно", "скидка 7,5 %"),
        (q1, "с 01.01.2026 по 31.03.2026", "цена 3\u00a0500,50 руб.")]
    assert isinstance(rows[1].fixed_price, Decimal) and rows[1].note == "договор 1"

    # Editing a row may not make it overlap the other either; shortening it may.
    with pytest.raises(MovementRefused, match="пересекается с условиями с 01.01.2026"):
        terms.save_term(rig.base, first, TermData(date(2026, 3, 1), None, None, "7,5"),
                        keeper, term_id=later)
    terms.save_term(rig.base, first, TermData(date(2026, 1, 1), date(2026, 2, 28),
                                              "3 500,50"), keeper, term_id=q1)
    terms.save_term(rig.base, first, TermData(date(2026, 3, 1), None, None, "7,5"),
                    keeper, term_id=later)
    assert [r.period_text for r in terms.list_terms(rig.base, first)] == [
        "с 01.03.2026, бессрочно", "с 01.01.2026 по 28.02.2026"]
    terms.delete_term(rig.base, q1, keeper)
    assert [r.id for r in terms.list_terms(rig.base, first)] == [later]
    with pytest.raises(MovementRefused, match="Условия не найдены"):
        terms.delete_term(rig.base, q1, keeper)
    with rig.base.sessions() as s:  # the change log: created, changed, deleted
        fields = set(s.scalars(select(ChangeLog.field).where(
            ChangeLog.table_name == "distributive_terms", ChangeLog.row_id == q1)))
    assert {"valid_from", "valid_to", "fixed_price"} <= fields

    # A distributive in the warehouse has no client: nothing to write there.
    [free] = rig.receive("510009")
    with pytest.raises(MovementRefused, match="не у клиента"):
        terms.save_term(rig.base, free, TermData(date(2026, 1, 1), None, "1"), keeper)


def test_writes_need_the_discounts_right(rig: Rig) -> None:  # noqa: F811
    first, _ = _served(rig)
    without = AccessProfile(frozenset(r.value for r in Right) - {Right.MONEY_DISCOUNTS.value},
                            Visibility.ALL, "manager")
    with pytest.raises(AccessDenied):
        terms.save_term(rig.base, first, TermData(date(2026, 1, 1), None, "1"), None,
                        profile=without)
    row = terms.save_term(rig.base, first, TermData(date(2026, 1, 1), None, "1"), None)
    with pytest.raises(AccessDenied):
        terms.delete_term(rig.base, row, None, profile=without)
    assert len(terms.list_terms(rig.base, first)) == 1


def test_billing_takes_the_terms_valid_on_the_billed_month(rig: Rig) -> None:  # noqa: F811
    first, second = _served(rig)
    keeper = rig.employees["keeper"]
    # «first»: a fixed 1 000 in January–February, 25 % off from March; «second»: none.
    terms.save_term(rig.base, first, TermData(date(2026, 1, 1), date(2026, 2, 28),
                                              "1000"), keeper)
    terms.save_term(rig.base, first, TermData(date(2026, 3, 1), None, None, "25"), keeper)
    with rig.base.sessions() as s:
        feb = {x.distributive_id: x for x in client_budget(
            s, rig.clients["romashka"], date(2026, 2, 1)).lines}
        dec = {x.distributive_id: x for x in client_budget(
            s, rig.clients["romashka"], date(2025, 12, 1)).lines}
    assert (feb[first].price, feb[first].rule) == (D("1000.00"), "фиксированная цена")
    assert feb[second].price == D("4000.00") and first not in dec  # no price list in 2025
    company = save_company(rig.base, CompanyData(name="ООО «РИЦ Восток»",
                                                 inn="5406123450"), None)
    totals = {}
    for month in (date(2026, 2, 1), date(2026, 3, 1)):
        result = billing.run_billing(rig.base, company, month, {DocumentKind.INVOICE},
                                     None, keeper, None)
        assert result.documents == 1
        totals[month.month] = result.total
    # February: 1 000 + 4 000; March: 4 000 less 25 % + 4 000.
    assert totals == {2: D("5000.00"), 3: D("7000.00")}
    with rig.base.sessions() as s:
        assert s.scalar(select(func.sum(MoneyDocument.total))) == D("12000.00")


def test_the_migration_moves_undated_terms_into_open_rows(empty_base) -> None:  # noqa: ANN001
    from alembic import command

    from vostok_desktop.db import alembic_config

    config = alembic_config()

    def migrate(action, revision: str) -> None:  # noqa: ANN001
        with empty_base.engine.begin() as connection:
            config.attributes["connection"] = connection
            action(config, revision)

    migrate(command.downgrade, "0016")
    with empty_base.sessions() as s, s.begin():  # the models of 0016 still name the columns
        system = ProductSystem(code="МГ", title="Проф")
        client = Client(short_name="Ромашка", full_name="ООО «Ромашка»",
                        status=ClientStatus.SERVED)
        s.add_all([system, client])
        s.flush()
        since = date(2021, 1, 10)
        for number, price, percent, at in (("1", D("1500.50"), None, client.id),
                                           ("2", None, D("7.50"), client.id),
                                           ("3", None, None, client.id),
                                           ("4", None, None, None)):
            s.add(Distributive(number=number, system_id=system.id, network_size=1,
                               status=DistributiveStatus.SERVED if at
                               else DistributiveStatus.IN_STOCK, status_since=since,
                               last_moved_on=since, client_id=at, fixed_price=price,
                               discount_percent=percent))
        client_id = client.id
    migrate(command.upgrade, "head")
    with empty_base.sessions() as s:
        moved = {(number, t.client_id, t.valid_from, t.valid_to, t.fixed_price,
                  None if t.discount_percent is None else D(t.discount_percent))
                 for t, number in s.execute(select(DistributiveTerm, Distributive.number)
                                            .join(Distributive, Distributive.id
                                                  == DistributiveTerm.distributive_id))}
        left = s.scalar(select(func.count()).select_from(Distributive).where(
            (Distributive.fixed_price.is_not(None))
            | (Distributive.discount_percent.is_not(None))))
        with_client = {n for n, in s.execute(select(Distributive.number))}
    assert moved == {("1", client_id, date(2000, 1, 1), None, D("1500.50"), None),
                     ("2", client_id, date(2000, 1, 1), None, None, D("7.50"))}
    assert left == 0 and with_client == {"1", "2", "3", "4"}
    # Back: the row valid today returns to the distributive's own terms.
    migrate(command.downgrade, "0016")
    with empty_base.sessions() as s:
        back = {n: (p, None if d is None else D(d)) for n, p, d in s.execute(
            select(Distributive.number, Distributive.fixed_price,
                   Distributive.discount_percent))}
    assert back == {"1": (D("1500.50"), None), "2": (None, D("7.50")), "3": (None, None),
                    "4": (None, None)}
    migrate(command.upgrade, "head")
