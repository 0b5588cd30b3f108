"""Deals on both dialects: the sum as typed, the stage moves with their history and the
closing, the catalogues' rules, the needs detected from the contacts, and the reports
«Воронка продаж (сделки)» and «Заявки с сайта» with hand-counted cells."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from vostok_reports.sales import DEAL_FUNNEL, LEADS

from tests.services.sales.conftest import SalesRig
from vostok_desktop.domain import Contact, Distributive, DistributiveStatus
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.sales import Deal, Lead, LeadStatus
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.reports.pivot import PivotQuery, run_pivot
from vostok_desktop.services.sales import catalogue, deals, needs
from vostok_desktop.services.sales.deals import DealData

D = Decimal
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def _stage(rig: SalesRig, title: str) -> int:
    return next(st.id for st in catalogue.list_stages(rig.base) if st.title == title)


def test_sum_as_typed() -> None:
    assert deals.parse_sum("1 234,50") == D("1234.50")
    assert deals.parse_sum("") == D("0.00")
    for text, message in (("-5", "отрицательной"), ("1.005", "не точнее копейки"),
                          ("сто", "«сто» — не число")):
        with pytest.raises(MovementRefused, match=message):
            deals.parse_sum(text)


def test_stage_moves_keep_history_and_close(rig: SalesRig) -> None:
    me = rig.people["ivanova"]
    deal_id = deals.save_deal(rig.base, DealData(
        client_id=rig.clients["lyutik"], title="  Комплект  для бухгалтерии ",
        expected_sum="250 000", responsible_id=me), me, now=T0)
    row = deals.list_deals(rig.base)[0]
    assert (row.title, row.stage_title, row.expected_sum, row.is_closed) == (
        "Комплект для бухгалтерии", "Первичный контакт", D("250000.00"), False)
    deals.advance_deal(rig.base, deal_id, me, now=T0.replace(day=6))
    deals.advance_deal(rig.base, deal_id, me, now=T0.replace(day=7))
    assert deals.list_deals(rig.base)[0].stage_title == "Презентация / демонстрация"
    for day in (8, 9):
        deals.advance_deal(rig.base, deal_id, me, now=T0.replace(day=day))
    assert deals.list_deals(rig.base)[0].stage_title == "Согласование договора"
    deals.advance_deal(rig.base, deal_id, me, now=T0.replace(day=10))  # → won, not «Отказ»
    row = deals.list_deals(rig.base)[0]
    assert (row.stage_title, row.is_closed, row.closed_at) == (
        "Успешно закрыта", True, T0.replace(day=10))
    with pytest.raises(MovementRefused, match="закрыта .*дальше этапов нет"):
        deals.advance_deal(rig.base, deal_id, me)
    history = deals.stage_history(rig.base, deal_id)
    assert [(m.from_title, m.to_title, m.changed_at.day) for m in history] == [
        ("", "Первичный контакт", 5),
        ("Первичный контакт", "Выявление потребностей", 6),
        ("Выявление потребностей", "Презентация / демонстрация", 7),
        ("Презентация / демонстрация", "Коммерческое предложение", 8),
        ("Коммерческое предложение", "Согласование договора", 9),
        ("Согласование договора", "Успешно закрыта", 10)]
    assert {m.changed_by for m in history} == {"Иванова Ирина"}
    # Reopened: no longer closed; an edit without a stage change adds no history.
    deals.move_deal(rig.base, deal_id, _stage(rig, "Коммерческое предложение"), me)
    data = deals.load_deal(rig.base, deal_id)
    assert deals.list_deals(rig.base)[0].closed_at is None
    data.notes = "Ждём бюджет"
    deals.save_deal(rig.base, data, me)
    assert len(deals.stage_history(rig.base, deal_id)) == 7
    stale = deals.load_deal(rig.base, deal_id)
    stale.version = 1
    with pytest.raises(MovementRefused, match="изменил другой пользователь"):
        deals.save_deal(rig.base, stale, me)
    with pytest.raises(MovementRefused, match="не указано название"):
        deals.save_deal(rig.base, DealData(client_id=rig.clients["lyutik"], title=" "), me)


def test_catalogue_rules_and_right(rig: SalesRig) -> None:
    head = rig.people["head"]
    with pytest.raises(MovementRefused, match="и успешным, и отказом"):
        catalogue.save_stage(rig.base, catalogue.StageData(title="Странный", is_won=True,
                                                           is_lost=True), head)
    with pytest.raises(MovementRefused, match="Этап «Отказ» уже есть"):
        catalogue.save_stage(rig.base, catalogue.StageData(title="Отказ"), head)
    deals.save_deal(rig.base, DealData(client_id=rig.clients["lyutik"], title="С"), head)
    with pytest.raises(MovementRefused, match="есть у сделок \\(1\\)"):
        catalogue.delete_stage(rig.base, _stage(rig, "Первичный контакт"), head)
    with pytest.raises(MovementRefused, match="укажите систему из справочника"):
        catalogue.save_need_rule(rig.base, catalogue.NeedRuleData(position_pattern="эконом"),
                                 head)
    manager = AccessProfile(frozenset(), Visibility.OWN, "manager")
    with pytest.raises(AccessDenied, match="Настройка продаж"):
        catalogue.save_instrument(rig.base, catalogue.InstrumentData(title="Вебинар"), head,
                                  profile=manager)
    assert "Вебинар" not in {i.title for i in catalogue.list_instruments(rig.base)}


def test_needs_from_positions_minus_held_systems(rig: SalesRig) -> None:
    lyutik = rig.clients["lyutik"]
    with rig.base.sessions() as s, s.begin():
        s.add_all([Contact(client_id=lyutik, last_name="Юрьев", first_name="Юрий",
                           position="Ведущий ЮРИСКОНСУЛЬТ"),
                   Contact(client_id=lyutik, last_name="Янина", first_name="Яна",
                           position="юрист"),
                   Contact(client_id=lyutik, last_name="Кадрова", first_name="Ксения",
                           position="Инспектор по кадрам"),
                   Contact(client_id=lyutik, last_name="Закупкин", first_name="Захар",
                           position="Специалист по закупкам")])
    found = {n.title: n.reasons for n in needs.detect_needs(rig.base, lyutik)}
    assert found == {
        "КонсультантПлюс: Бухгалтерия и кадры": ["Кадрова Ксения — Инспектор по кадрам",
                                                 "Лютикова Лидия — Главный бухгалтер"],
        "Консультации по госзакупкам (44-ФЗ, 223-ФЗ)": [
            "Закупкин Захар — Специалист по закупкам"],
        "КонсультантПлюс: Судебная практика": ["Юрьев Юрий — Ведущий ЮРИСКОНСУЛЬТ",
                                               "Янина Яна — юрист"],
    }
    with rig.base.sessions() as s, s.begin():
        s.add(Distributive(number="100500", system_id=rig.systems["BUH"], client_id=lyutik,
                           status=DistributiveStatus.SERVED, status_since=date(2026, 1, 1),
                           last_moved_on=date(2026, 1, 1)))
    assert "КонсультантПлюс: Бухгалтерия и кадры" not in {
        n.title for n in needs.detect_needs(rig.base, lyutik)}


def test_funnel_and_leads_reports(rig: SalesRig) -> None:
    me, head = rig.people["ivanova"], rig.people["petrov"]
    site = next(i.id for i in catalogue.list_instruments(rig.base) if i.title == "Сайт")
    made = [(rig.clients["lyutik"], "100000", me, T0), (rig.clients["romashka"], "50000,50",
                                                        me, T0),
            (rig.clients["vasilek"], "20000", head, T0.replace(month=11))]
    ids = [deals.save_deal(rig.base, DealData(client_id=c, title="Сделка", expected_sum=a,
                                              responsible_id=r, instrument_id=site), r, now=t)
           for c, a, r, t in made]
    deals.advance_deal(rig.base, ids[1], me)
    with rig.base.sessions() as s, s.begin():  # created_at is the server's on PostgreSQL
        for deal_id, (_, _, _, when) in zip(ids, made, strict=True):
            s.get(Deal, deal_id).created_at = when
    result = run_pivot(rig.base, DEAL_FUNNEL, PivotQuery(rows=("stage",),
                                                         columns=("period",),
                                                         measures=("count", "amount")))
    rows = {h.label: h.key for h in result.leaf_rows}
    assert list(rows) == ["1. Первичный контакт", "2. Выявление потребностей"]
    first = rows["1. Первичный контакт"]
    assert result.value(first, (), "count") == 2
    assert result.value(first, (), "amount") == D("120000.00")
    assert result.value(rows["2. Выявление потребностей"], (), "amount") == D("50000.50")
    assert result.grand_total("amount") == D("170000.50")
    columns = {h.label: h.key for h in result.leaf_columns}
    assert len(columns) == 2  # October and November
    october, november = sorted(columns.values())
    assert result.value(first, october, "count") == 1
    assert result.value(first, november, "amount") == D("20000.00")

    with rig.base.sessions() as s, s.begin():
        for n, (source, status) in enumerate((("Сайт", LeadStatus.NEW),
                                              ("Сайт", LeadStatus.CONVERTED),
                                              ("Почта", LeadStatus.REJECTED))):
            s.add(Lead(received_at=T0, source=source, name=f"Л{n}", email="a@b.ru",
                       status=status, responsible_id=me))
    result = run_pivot(rig.base, LEADS, PivotQuery(rows=("source",), columns=(),
                                                   measures=("count", "converted")))
    got = {h.label: (result.value(h.key, (), "count"), result.value(h.key, (), "converted"))
           for h in result.leaf_rows}
    assert got == {"Почта": (1, 0), "Сайт": (2, 1)}
