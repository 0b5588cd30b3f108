"""The client budget on both dialects: the price by network size and date, the
precedence of fixed price and discounts (the largest wins, never stacked), rounding,
a missing price named in the problems, and batched budgets equal to single ones with a
constant number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import event, update

from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import Distributive
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.money import discounts, distributive_terms, prices
from vostok_desktop.services.money.budget import budgets, client_budget, discounted
from vostok_desktop.services.money.discounts import VipProgrammeData, VipTierData
from vostok_desktop.services.money.prices import PriceItemData

rig = _rig_fixtures.rig  # the fixture of the distributive tests
D = Decimal
ON = date(2026, 3, 1)


def _setup(rig: Rig) -> dict[str, int]:
    prof, net = rig.systems["prof"], rig.systems["net"]
    prices.create_price_list(rig.base, "2025", date(2025, 1, 1), None, items=[
        PriceItemData(prof, 1, D("4000")), PriceItemData(net, 1, D("8000"))])
    prices.create_price_list(rig.base, "2026", date(2026, 1, 1), None, items=[
        PriceItemData(prof, 1, D("4333.33")), PriceItemData(net, 3, D("9000")),
        PriceItemData(net, 10, D("15000"))])
    eng = rig.employees["engineer"]
    numbers = {"p1": "300001", "p2": "300002", "n3": "300003", "n12": "300004",
               "n1": "300005"}
    ids = dict(zip(numbers, rig.receive(*numbers.values()), strict=True))
    net_ids = rig.receive("300006", "300007", "300008", system="net")
    ids.update({"n3": net_ids[0], "n12": net_ids[1], "n1": net_ids[2]})
    del ids["p2"]
    sizes = {"n3": 3, "n12": 12, "n1": 1}
    with rig.base.sessions() as s, s.begin():
        for key, size in sizes.items():
            s.execute(update(Distributive).where(Distributive.id == ids[key])
                      .values(network_size=size))
    for key in ("p1", "n3", "n12", "n1"):
        movements.connect(rig.base, ids[key], rig.clients["romashka"], date(2021, 1, 10),
                          eng, today=TODAY)
    return ids


def test_price_by_size_and_date_and_missing_price(rig: Rig) -> None:
    ids = _setup(rig)
    with rig.base.sessions() as s:
        budget = client_budget(s, rig.clients["romashka"], ON)
        old = client_budget(s, rig.clients["romashka"], date(2025, 6, 1))
        none = client_budget(s, rig.clients["romashka"], date(2024, 6, 1))
    by_id = {line.distributive_id: line for line in budget.lines}
    assert by_id[ids["p1"]].price == D("4333.33")
    assert by_id[ids["n3"]].list_price == D("9000.00")  # from 3 up
    assert by_id[ids["n12"]].list_price == D("15000.00")  # 12 ≥ 10
    assert all(line.rule == "по прейскуранту" for line in budget.lines)
    assert ids["n1"] not in by_id  # the 2026 list has no price for a network of 1
    assert budget.problems == ("Дистрибутив № 300008: в прейскуранте «2026» нет цены "
                               "системы «КонсультантПлюс: Эксперт приложение, сетевая» "
                               "для сети 1",)
    assert budget.total == D("28333.33")
    assert by_id[ids["p1"]].name == ("Сопровождение СПС КонсультантПлюс: КонсультантПлюс: "
                                     "Версия Проф, дистрибутив № 300001")
    # The 2025 list: every network size from 1 up costs 8000.
    assert old.total == D("4000") + 3 * D("8000") and old.problems == ()
    assert none.lines == () and len(none.problems) == 4
    assert "нет прейскуранта, действующего на 01.06.2024" in none.problems[0]


def test_precedence_largest_discount_and_fixed_price(rig: Rig) -> None:
    ids = _setup(rig)
    romashka = rig.clients["romashka"]
    for key, price, percent in (("p1", D("1234.56"), None), ("n3", None, D(50)),
                                ("n12", None, D(5))):
        distributive_terms.save_term(rig.base, ids[key], distributive_terms.TermData(
            date(2026, 1, 1), None, price, percent), None)
    discounts.add_client_discount(rig.base, romashka, "10", date(2026, 1, 1), None,
                                  valid_to=date(2026, 12, 31))
    discounts.add_client_discount(rig.base, romashka, "60", date(2027, 1, 1), None)
    pid = discounts.save_programme(rig.base, VipProgrammeData(
        "Золото", [VipTierData(0, D(7)), VipTierData(4, D("33.33"))]), None)
    discounts.join_programme(rig.base, romashka, pid, date(2025, 1, 1), None)
    with rig.base.sessions() as s:
        lines = {x.distributive_id: x for x in client_budget(s, romashka, ON).lines}
    assert (lines[ids["p1"]].price, lines[ids["p1"]].rule,
            lines[ids["p1"]].discount_percent) == (D("1234.56"), "фиксированная цена", 0)
    assert (lines[ids["n3"]].price, lines[ids["n3"]].rule) == (
        D("4500.00"), "скидка дистрибутива 50 %")
    # VIP 33.33 % beats the client's 10 % and the distributive's 5 %: never stacked.
    # 15000 * 66.67 / 100 = 10000.50
    assert (lines[ids["n12"]].price, lines[ids["n12"]].rule) == (
        D("10000.50"), "VIP «Золото» 33,33 %")
    assert discounted(D("4333.33"), D("33.33")) == D("2889.03")  # 2889.031… → .03
    assert discounted(D("0.15"), D(50)) == D("0.08")  # 0.075 half up
    # From 2027 the client's 60 % is the largest.
    with rig.base.sessions() as s:
        later = {x.distributive_id: x for x in client_budget(s, romashka,
                                                              date(2027, 2, 1)).lines}
    assert later[ids["n12"]].rule == "скидка клиента 60 %"
    assert later[ids["n12"]].price == D("6000.00")


def test_batched_equal_single_with_constant_queries(rig: Rig) -> None:
    _setup(rig)
    discounts.add_client_discount(rig.base, rig.clients["vasilek"], "10", date(2026, 1, 1),
                                  None)
    clients = [rig.clients["vasilek"], rig.clients["romashka"], rig.clients["lyutik"]]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with rig.base.sessions() as s:
        single = [client_budget(s, c, ON) for c in clients]
        event.listen(s.get_bind(), "before_cursor_execute", count)
        try:
            batch = budgets(s, clients, ON)
            few = len(statements)
            budgets(s, clients * 300, ON)
            many = len(statements) - few
        finally:
            event.remove(s.get_bind(), "before_cursor_execute", count)
    assert batch == single
    assert [b.client_id for b in batch] == clients
    assert batch[1].total == D("28333.33") and batch[0].lines == ()
    assert few == many <= 6


def test_demo_prices_discounts_and_vip(demo_base) -> None:  # noqa: ANN001
    from sqlalchemy import func, select

    from vostok_desktop.domain import Client, Employee
    from vostok_desktop.domain.money import ClientDiscount, VipMember
    from vostok_desktop.services.demo.common import AreaContext, DemoSummary
    from vostok_desktop.services.demo.money_prices import add_prices

    with demo_base.sessions() as s, s.begin():
        admin = s.scalar(select(Employee.id).order_by(Employee.id).limit(1))
        area = AreaContext(s, admin, 7, DemoSummary())
        add_prices(area)
        add_prices(area)  # a second run adds nothing twice
    lists = prices.list_price_lists(demo_base)
    assert [r.name for r in lists] == ["Прейскурант 2026", "Прейскурант 2025"]
    rows = prices.compare_price_lists(demo_base, lists[1].id, lists[0].id)
    systems = [r for r in rows if r.system_code]
    assert systems and {r.min_network_size for r in systems} == {1, 3, 10}
    assert all(D(3000) <= r.price_b <= D(40000) for r in systems)
    assert all(D("6.5") <= r.difference_percent <= D("10.5") for r in systems
               if r.price_b < D(40000))
    with demo_base.sessions() as s:
        clients = s.scalar(select(func.count()).select_from(Client))
        members = s.scalar(select(func.count()).select_from(VipMember))
        with_discount = s.scalar(select(func.count(func.distinct(ClientDiscount.client_id))))
        assert 0 < members < clients * 0.2 and 0 < with_discount < clients * 0.15
        assert discounts.recalculate_vip(s, s.scalars(select(VipMember.client_id))) == []
        served = list(s.scalars(select(Distributive.client_id).where(
            Distributive.status == "served").distinct()))
        result = budgets(s, served, date(2026, 11, 1))
    assert all(b.problems == () and b.total > 0 for b in result)
