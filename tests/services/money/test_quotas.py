"""КЦ quotas КК/ОГ on both dialects: the marks (only on service, one open at a time, a
closed one stops counting), the plans' validation, and the report «Скидки КЦ» checked
against numbers counted by hand on known data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import (
    Department,
    Direction,
    Employee,
    EmployeeRole,
    Responsibility,
)
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.quotas import KcQuotaPlan, QuotaKind
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.distributives.reports import write_xlsx
from vostok_desktop.services.money import quotas
from vostok_desktop.services.money.quotas import PlanData

rig = _rig_fixtures.rig  # the fixture of the distributive tests
KK, OG = QuotaKind.KK, QuotaKind.OG
ON = date(2026, 3, 31)


@dataclass
class QuotaRig:
    rig: Rig
    departments: dict[str, int]  # «sales», «service»
    managers: dict[str, int]  # «anna» (sales), «boris» (service)
    served: dict[str, list[int]]  # client -> its distributives on service
    marks: dict[str, int]


def build_quota_rig(rig: Rig) -> QuotaRig:
    """Ромашка has responsibles in both departments, Василёк only in «Сервис».

    Ромашка: 2 КК + 1 ОГ; Василёк: 2 КК, and one more КК whose distributive was then
    disconnected (not counted). Plans 2026: company КК 10 × 80 % (plan 8); «Продажи» КК
    2 × 50 % (plan 1, fact 2: over plan); «Сервис» КК 5 × 80 % (plan 4, fact 4)."""
    with rig.base.sessions() as s, s.begin():
        deps = {"sales": Department(name="Продажи"), "service": Department(name="Сервис")}
        s.add_all(deps.values())
        s.flush()
        people = {"anna": Employee(login="anna", full_name="Аннина Анна",
                                   role=EmployeeRole.MANAGER,
                                   department_id=deps["sales"].id),
                  "boris": Employee(login="boris", full_name="Борисов Борис",
                                    role=EmployeeRole.MANAGER,
                                    department_id=deps["service"].id)}
        directions = [Direction(code="sales", name="Продажи"),
                      Direction(code="service", name="Сопровождение")]
        s.add_all([*people.values(), *directions])
        s.flush()
        c = rig.clients
        s.add_all([
            Responsibility(client_id=c["romashka"], direction_id=directions[0].id,
                           employee_id=people["anna"].id),
            Responsibility(client_id=c["romashka"], direction_id=directions[1].id,
                           employee_id=people["boris"].id),
            Responsibility(client_id=c["vasilek"], direction_id=directions[1].id,
                           employee_id=people["boris"].id)])
        ids = ({k: v.id for k, v in deps.items()}, {k: v.id for k, v in people.items()})
    eng = rig.employees["engineer"]
    numbers = iter(range(500001, 500100))
    served: dict[str, list[int]] = {}
    for client, n in (("romashka", 3), ("vasilek", 3)):
        served[client] = rig.receive(*(str(next(numbers)) for _ in range(n)))
        for d in served[client]:
            movements.connect(rig.base, d, rig.clients[client], date(2025, 1, 10), eng,
                              today=TODAY)
    r, v = served["romashka"], served["vasilek"]
    start = date(2026, 1, 1)
    marks = {"r_kk1": quotas.set_mark(rig.base, r[0], KK, start, eng),
             "r_kk2": quotas.set_mark(rig.base, r[1], "kk", start, eng, note="по письму КЦ"),
             "r_og": quotas.set_mark(rig.base, r[2], OG, start, eng),
             "v_kk1": quotas.set_mark(rig.base, v[0], KK, start, eng),
             "v_kk2": quotas.set_mark(rig.base, v[1], KK, date(2026, 2, 1), eng),
             "v_gone": quotas.set_mark(rig.base, v[2], KK, start, eng)}
    movements.disconnect(rig.base, v[2], date(2026, 2, 15), eng, today=TODAY)
    served["vasilek"] = v[:2]
    head = rig.employees["keeper"]
    quotas.save_plans(rig.base, 2026, [
        PlanData(None, KK, 10, "80"),
        PlanData(ids[0]["sales"], KK, "2", "50,00"),
        PlanData(ids[0]["service"], KK, 5, None),  # the default 80 %
    ], head)
    return QuotaRig(rig, ids[0], ids[1], served, marks)


@pytest.fixture
def qrig(rig: Rig) -> QuotaRig:
    return build_quota_rig(rig)


def _by(rows: list[quotas.QuotaReportRow]) -> dict[tuple[str, str], tuple]:
    return {(r.department, quotas.kind_title(r.kind)):
            (r.quota, r.max_percent, r.plan, r.fact, r.filled_percent, r.deviation,
             r.over_plan) for r in rows}


def test_report_numbers_counted_by_hand(qrig: QuotaRig) -> None:
    rows = quotas.kc_discounts(qrig.rig.base, ON)
    assert [(r.department, quotas.kind_title(r.kind)) for r in rows] == [
        ("Вся компания", "КК"), ("Вся компания", "ОГ"), ("Продажи", "КК"), ("Продажи", "ОГ"),
        ("Сервис", "КК"), ("Сервис", "ОГ")]
    got = _by(rows)
    D = Decimal
    # The company: 2 + 2 КК on service (the disconnected one is not), 1 ОГ.
    assert got["Вся компания", "КК"] == (10, D("80.00"), 8, 4, D("40.00"), -4, False)
    assert got["Вся компания", "ОГ"] == (None, None, None, 1, None, None, False)
    # «Продажи»: Ромашка only (Анна is its responsible): 2 КК against a plan of 1.
    assert got["Продажи", "КК"] == (2, D("50.00"), 1, 2, D("100.00"), 1, True)
    assert got["Продажи", "ОГ"] == (None, None, None, 1, None, None, False)
    # «Сервис»: Ромашка and Василёк (Борис answers for both), each client once.
    assert got["Сервис", "КК"] == (5, D("80.00"), 4, 4, D("80.00"), 0, False)
    # On 31.01 Василёк's second mark had not begun, but the distributive disconnected
    # on 15.02 was still served then, with its open mark: it counts for that day.
    on_january = _by(quotas.kc_discounts(qrig.rig.base, date(2026, 1, 31)))
    assert on_january["Сервис", "КК"][3] == 4  # r_kk1, r_kk2, v_kk1, v_gone
    assert on_january["Вся компания", "КК"][3] == 4
    # The day before the disconnection all five count, the day after four.
    assert _by(quotas.kc_discounts(qrig.rig.base, date(2026, 2, 14)))["Сервис", "КК"][3] == 5
    assert _by(quotas.kc_discounts(qrig.rig.base, date(2026, 2, 16)))["Сервис", "КК"][3] == 4
    table = quotas.kc_discounts_table(qrig.rig.base, ON)
    assert table.columns[-1] == "Сверх плана"
    assert list(quotas.over_plan_rows(table)) == [2]
    assert table.rows[2][:9] == ("Продажи", "КК", 2, D("50.00"), 1, 2, D("100.00"), 1,
                                 "сверх плана")
    assert "сверх плана строк: 1" in table.subtitle


def test_plan_rounds_down() -> None:
    row = quotas.QuotaReportRow(None, "x", KK, 7, Decimal("80.00"), 6)
    assert row.plan == 5  # 5.6 systems planned: 5 whole ones
    assert row.over_plan and row.deviation == 1
    assert quotas.QuotaReportRow(None, "x", KK, 0, Decimal("80"), 0).filled_percent is None


def test_closed_mark_stops_counting(qrig: QuotaRig) -> None:
    base, eng = qrig.rig.base, qrig.rig.employees["engineer"]
    quotas.close_mark(base, qrig.marks["v_kk1"], date(2026, 3, 15), eng)
    on_last_day = _by(quotas.kc_discounts(base, date(2026, 3, 15)))
    after = _by(quotas.kc_discounts(base, date(2026, 3, 16)))
    assert on_last_day["Сервис", "КК"][3] == 4 and after["Сервис", "КК"][3] == 3
    assert after["Вся компания", "КК"][3] == 3
    [closed] = [m for m in quotas.distributive_marks(base, qrig.served["vasilek"][0])]
    assert closed.period_text == "с 01.01.2026 по 15.03.2026"
    assert closed.author == "Инженеров Иван"
    # A closed one cannot be closed again; a new one after it may be set.
    with pytest.raises(MovementRefused, match="уже закрыта по 15.03.2026"):
        quotas.close_mark(base, qrig.marks["v_kk1"], date(2026, 3, 20), eng)
    quotas.set_mark(base, qrig.served["vasilek"][0], OG, date(2026, 3, 16), eng)
    assert _by(quotas.kc_discounts(base, date(2026, 3, 16)))["Сервис", "ОГ"][3] == 2


def test_marks_refused(qrig: QuotaRig) -> None:
    base, eng, rig = qrig.rig.base, qrig.rig.employees["engineer"], qrig.rig
    r0 = qrig.served["romashka"][0]
    with pytest.raises(MovementRefused, match="уже есть квота КК с 01.01.2026, не закрыта"):
        quotas.set_mark(base, r0, OG, date(2026, 3, 1), eng)
    [stock] = rig.receive("599999")
    with pytest.raises(MovementRefused, match="№ 599999 не на обслуживании"):
        quotas.set_mark(base, stock, KK, date(2026, 3, 1), eng)
    with pytest.raises(MovementRefused, match="вид квоты — КК или ОГ"):
        quotas.set_mark(base, r0, "xx", date(2026, 3, 1), eng)
    with pytest.raises(MovementRefused, match="дата окончания не может быть раньше"):
        quotas.close_mark(base, qrig.marks["r_kk1"], date(2025, 12, 31), eng)
    # Closed up to a date, a new mark may not begin on or before it.
    quotas.close_mark(base, qrig.marks["r_kk1"], date(2026, 3, 10), eng)
    with pytest.raises(MovementRefused, match="по 10.03.2026"):
        quotas.set_mark(base, r0, OG, date(2026, 3, 10), eng)
    info = quotas.find_distributive(base, " 500001 ")
    assert info is not None and info.client_name == "Ромашка"
    assert quotas.find_distributive(base, "нет такого") is None


def test_plans_validation_writes_nothing(qrig: QuotaRig) -> None:
    base, head = qrig.rig.base, qrig.rig.employees["keeper"]
    sales, service = qrig.departments["sales"], qrig.departments["service"]
    bad = [
        (PlanData(sales, OG, "-1", "80"), "Квота ОГ, «Продажи»: квота не может быть меньше"),
        (PlanData(sales, OG, "пять", "80"), "квота «пять» — не целое число"),
        (PlanData(None, OG, 3, "0"), "Квота ОГ, «Вся компания»: план заполнения — больше 0"),
        (PlanData(None, OG, 3, "100,5"), "не больше 100"),
        (PlanData(None, OG, 3, "abc"), "план заполнения «abc» — не число"),
        (PlanData(None, OG, 3, "12,345"), "не больше двух знаков"),
    ]
    with base.sessions() as s:
        before = s.scalar(select(func.count()).select_from(KcQuotaPlan))
    for item, message in bad:
        with pytest.raises(MovementRefused, match=message):
            # the good first row must not be written either
            quotas.save_plans(base, 2026, [PlanData(service, OG, 7, "90"), item], head)
    with base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KcQuotaPlan)) == before
    with pytest.raises(MovementRefused, match="вне 2000"):
        quotas.save_plans(base, 1999, [], head)


def test_plans_table_edit_and_remove(qrig: QuotaRig) -> None:
    base, head = qrig.rig.base, qrig.rig.employees["keeper"]
    rows = quotas.plans(base, 2026)
    assert len(rows) == 6 and rows[0].department == "Вся компания"
    assert {(r.department, r.kind): r.quota for r in rows}["Продажи", KK] == 2
    assert {(r.department, r.kind): r.max_percent for r in rows}["Продажи", OG] == \
        Decimal("80.00")
    sales = qrig.departments["sales"]
    # Unchanged rows do not count; a blank quota removes the plan.
    assert quotas.save_plans(base, 2026, [PlanData(None, KK, 10, "80"),
                                          PlanData(sales, KK, "", "50")], head) == 1
    assert {(r.department, r.kind): r.quota
            for r in quotas.plans(base, 2026)}["Продажи", KK] is None
    assert quotas.plans(base, 2027)[0].quota is None  # another year: no plans yet


def test_rights(qrig: QuotaRig) -> None:
    base = qrig.rig.base
    nobody = AccessProfile(frozenset({"money.prices", "distributives.stock"}),
                           Visibility.ALL, "operator")
    with pytest.raises(AccessDenied, match="Нет права «Квоты КК/ОГ»|money.quotas"):
        quotas.save_plans(base, 2026, [PlanData(None, OG, 1, "80")], None, profile=nobody)
    with pytest.raises(AccessDenied):
        quotas.set_mark(base, qrig.served["romashka"][0], OG, date(2026, 5, 1), None,
                        profile=nobody)
    allowed = AccessProfile(frozenset({"money.quotas"}), Visibility.ALL, "head")
    assert quotas.save_plans(base, 2026, [PlanData(None, OG, 1, "80")], None,
                             profile=allowed) == 1


def test_excel_export(qrig: QuotaRig, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    table = quotas.kc_discounts_table(qrig.rig.base, ON)
    path = write_xlsx(table, tmp_path / "kc.xlsx")
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[:2] == ["Продажи", "КК"] and "сверх плана" in row for row in values)
