"""Call campaigns on both dialects: filling from clients, contacts and a client-list
filter with the stop-list honoured; the queue taken one contact at a time; results with
refusal reasons, retries, the talk time from the call log; progress and results per
operator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from tests.services.campaigns.rig import Rig, make_rig
from vostok_desktop.domain import Call, CallDirection, Contact
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.campaigns import CampaignItem, CampaignStatus, ItemState
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns import queue
from vostok_desktop.services.campaigns.common import CampaignError
from vostok_desktop.services.lists.filters import Condition, FilterGroup, Operator


@pytest.fixture
def rig(empty_base) -> Rig:  # noqa: ANN001
    return make_rig(empty_base)


def _items(rig: Rig, campaign_id: int) -> list[CampaignItem]:
    with rig.base.sessions() as s:
        return list(s.scalars(select(CampaignItem).where(CampaignItem.campaign_id == campaign_id)
                              .order_by(CampaignItem.id)))


def _result(rig: Rig, title: str) -> cmp.ResultInfo:
    with rig.base.sessions() as s:
        return next(r for r in cmp.call_results(s) if r.title == title)


def _reason(rig: Rig, title: str) -> int:
    with rig.base.sessions() as s:
        return next(r.id for r in cmp.refusal_reasons(s) if r.title == title)


def _active(rig: Rig, source: cmp.Source) -> int:
    report = cmp.create_campaign(rig.base, cmp.CampaignData(
        "Новая редакция системы", "С 1 декабря — новая редакция Налогового кодекса",
        date(2026, 12, 1), date(2026, 12, 31)), source, employee_id=rig.employees["head"])
    cmp.set_status(rig.base, report.campaign_id, CampaignStatus.ACTIVE,
                   employee_id=rig.employees["head"])
    return report.campaign_id


def test_fill_from_clients_keeps_the_stop_list_out(rig: Rig) -> None:
    c = rig.clients
    report = cmp.create_campaign(
        rig.base, cmp.CampaignData("Обзвон потенциальных", "Семинар 10 декабря",
                                   date(2026, 12, 1)),
        cmp.Source(client_ids=[c["romashka"], c["lyutik"], c["vasilek"], c["romashka"]]),
        employee_id=rig.employees["head"])
    # Ромашка with her callable contact, Василёк alone; Лютик's only contact is stop-listed.
    assert (report.added, report.stop_listed) == (2, 1)
    assert "не добавлено из-за стоп-листа: 1" in report.text()
    pairs = {(i.client_id, i.contact_id) for i in _items(rig, report.campaign_id)}
    assert pairs == {(c["romashka"], rig.contacts["romashka"]), (c["vasilek"], None)}
    # Contacts one by one: the stop-listed one is left out; the same pair is not added twice.
    again = cmp.add_items(rig.base, report.campaign_id, cmp.Source(contact_ids=[
        rig.contacts["romashka"], rig.contacts["romashka_stop"], rig.contacts["astra"]]),
        employee_id=rig.employees["head"])
    assert (again.added, again.stop_listed, again.duplicates) == (1, 1, 1)
    with rig.base.sessions() as s:
        row = cmp.campaign_row(s, report.campaign_id)
    assert row is not None and (row.total, row.done, row.status) == (3, 0, CampaignStatus.DRAFT)


def test_fill_from_a_client_list_filter(rig: Rig) -> None:
    served = FilterGroup((Condition("status", Operator.EQ, "served"),))
    report = cmp.create_campaign(rig.base, cmp.CampaignData("Сопровождение"),
                                 cmp.Source(client_filter=served), employee_id=None)
    assert {i.client_id for i in _items(rig, report.campaign_id)} == {
        rig.clients["astra"], rig.clients["gvozdika"]}


def test_bad_input_is_refused_in_russian(rig: Rig) -> None:
    with pytest.raises(CampaignError, match="Укажите название кампании"):
        cmp.create_campaign(rig.base, cmp.CampaignData("  "), employee_id=None)
    with pytest.raises(CampaignError, match="кончается .* раньше, чем начинается"):
        cmp.create_campaign(rig.base, cmp.CampaignData("X", "", date(2026, 12, 2),
                                                       date(2026, 12, 1)), employee_id=None)
    empty = cmp.create_campaign(rig.base, cmp.CampaignData("Пустая"), employee_id=None)
    with pytest.raises(CampaignError, match="нет ни одного контакта"):
        cmp.set_status(rig.base, empty.campaign_id, CampaignStatus.ACTIVE, employee_id=None)
    with pytest.raises(CampaignError, match="сейчас не идёт"):
        queue.next_item(rig.base, empty.campaign_id, rig.employees["tm1"])
    # Without «Кампании обзвона» the program refuses before the base does.
    no_right = AccessProfile(frozenset(r.value for r in Right) - {Right.CAMPAIGNS_MANAGE.value},
                             Visibility.ALL, "telemarketer")
    with pytest.raises(AccessDenied, match="Нет права «Кампании обзвона»"):
        cmp.create_campaign(rig.base, cmp.CampaignData("Моя"), employee_id=None,
                            profile=no_right)
    with pytest.raises(CampaignError, match="уже есть"):
        cmp.add_refusal_reason(rig.base, "Дорого")


def test_two_operators_take_different_contacts_until_the_queue_is_empty(rig: Rig) -> None:
    cid = _active(rig, cmp.Source(client_ids=list(rig.clients.values())))
    tm1, tm2 = rig.employees["tm1"], rig.employees["tm2"]
    first = queue.next_item(rig.base, cid, tm1)
    second = queue.next_item(rig.base, cid, tm2)
    assert first is not None and second is not None and first != second
    # Asking again before a result gives the same contact back (a restart keeps it).
    assert queue.next_item(rig.base, cid, tm1) == first
    taken = {first, second}
    while (item := queue.next_item(rig.base, cid, tm2, skip_ids=[second])) is not None:
        assert item not in taken
        taken.add(item)
        queue.save_result(rig.base, item, tm2, _result(rig, "Назначена встреча").id)
    assert len(taken) == len(_items(rig, cid))


def test_results_refusals_retries_and_progress(rig: Rig) -> None:
    cid = _active(rig, cmp.Source(client_ids=[rig.clients["romashka"], rig.clients["astra"],
                                              rig.clients["vasilek"]]))
    tm1 = rig.employees["tm1"]
    refusal = _result(rig, "Отказ")
    item = queue.next_item(rig.base, cid, tm1)
    assert item is not None
    with pytest.raises(CampaignError, match="Результат «Отказ» сохраняют с причиной отказа"):
        queue.save_result(rig.base, item, tm1, refusal.id)
    with pytest.raises(CampaignError, match="Выберите результат звонка"):
        queue.save_result(rig.base, item, tm1, None)
    assert queue.save_result(rig.base, item, tm1, refusal.id,
                             refusal_reason_id=_reason(rig, "Дорого"),
                             note="Вернуться весной") is ItemState.DONE
    # Another operator cannot overwrite it.
    with pytest.raises(CampaignError, match="уже не ваш"):
        queue.save_result(rig.base, item, rig.employees["tm2"], refusal.id,
                          refusal_reason_id=_reason(rig, "Дорого"))
    # «Не дозвонились» puts the contact back at the end of the queue, with its attempt.
    second = queue.next_item(rig.base, cid, tm1)
    assert queue.save_result(rig.base, second, tm1,
                             _result(rig, "Не дозвонились").id) is ItemState.PENDING
    third = queue.next_item(rig.base, cid, tm1)
    assert third not in (item, second)
    queue.save_result(rig.base, third, tm1, _result(rig, "Назначена встреча").id)
    assert queue.next_item(rig.base, cid, tm1) == second
    with rig.base.sessions() as s:
        p = cmp.progress(s, cid)
        view = queue.item_view(s, second)
        ops = cmp.operator_results(s, cid)
    assert (p.total, p.done, p.in_progress, p.pending, p.percent) == (3, 2, 1, 0, 67)
    assert dict(p.by_result) == {"Назначена встреча": 1, "Не дозвонились": 1, "Отказ": 1}
    assert dict(p.by_reason) == {"Дорого": 1}
    assert view.attempts == 1 and view.occasion.startswith("С 1 декабря")
    assert [o.name for o in ops] == ["Тимофеева Таисия"]
    assert (ops[0].calls, ops[0].successes, ops[0].refusals) == (3, 1, 1)
    # The history at a client shows the earlier result with its reason and note.
    romashka_item = next(i for i in _items(rig, cid) if i.client_id == rig.clients["romashka"])
    with rig.base.sessions() as s:
        earlier = queue.history(s, rig.clients["romashka"])
    assert romashka_item.result_id is not None
    assert earlier and earlier[0].campaign == "Новая редакция системы"


def test_a_contact_put_in_the_stop_list_later_is_skipped_at_call_time(rig: Rig) -> None:
    cid = _active(rig, cmp.Source(contact_ids=[rig.contacts["astra"], rig.contacts["gvozdika"]]))
    with rig.base.sessions.begin() as s:
        s.execute(update(Contact).where(Contact.id == rig.contacts["astra"])
                  .values(stop_list=True))
    item = queue.next_item(rig.base, cid, rig.employees["tm1"])
    with rig.base.sessions() as s:
        assert queue.item_view(s, item).contact_id == rig.contacts["gvozdika"]
        skipped = [i for i in _items(rig, cid) if i.state is ItemState.SKIPPED]
    assert [i.contact_id for i in skipped] == [rig.contacts["astra"]]
    assert skipped[0].note == cmp.STOP_LIST_NOTE


def test_talk_time_comes_from_the_call_placed_for_the_contact(rig: Rig) -> None:
    cid = _active(rig, cmp.Source(contact_ids=[rig.contacts["astra"]]))
    tm1 = rig.employees["tm1"]
    item = queue.next_item(rig.base, cid, tm1)
    dialled = utcnow()
    with rig.base.sessions.begin() as s:
        s.add(Call(provider="call_simulator", provider_call_id="sim-old",
                   direction=CallDirection.OUTGOING, extension="201", employee_id=tm1,
                   started_at=dialled - timedelta(minutes=10), duration_s=5, answered=True))
        call = Call(provider="call_simulator", provider_call_id="sim-1",
                    direction=CallDirection.OUTGOING, number_raw="+7 (495) 100-00-04",
                    extension="201", employee_id=tm1, started_at=dialled,
                    answered_at=dialled, ended_at=dialled + timedelta(seconds=42),
                    duration_s=42, answered=True)
        s.add(call)
        s.flush()
        call_id = call.id
    with rig.base.sessions() as s:
        assert queue.placed_call(s, tm1, dialled) == call_id
        assert queue.placed_call(s, rig.employees["tm2"], dialled) is None
    with pytest.raises(CampaignError, match="не из вашего журнала"):
        queue.save_result(rig.base, item, rig.employees["tm1"], _result(rig, "Отказ").id,
                          refusal_reason_id=_reason(rig, "Дорого"), call_id=10_000)
    queue.save_result(rig.base, item, tm1, _result(rig, "Назначена встреча").id,
                      call_id=call_id)
    saved = _items(rig, cid)[0]
    assert (saved.call_id, saved.talk_seconds, saved.done_by_id) == (call_id, 42, tm1)
    with rig.base.sessions() as s:
        assert cmp.progress(s, cid).talk_seconds == 42


def test_lists_grow_and_entries_are_taken_out(rig: Rig) -> None:
    new = cmp.add_call_result(rig.base, "  Просил  перезвонить в январе ", retry=True)
    with rig.base.sessions() as s:
        titles = [r.title for r in cmp.call_results(s)]
    assert titles[-1] == "Просил перезвонить в январе"
    cmp.set_list_entry_active(rig.base, "result", new, False)
    reason = cmp.add_refusal_reason(rig.base, "Закрывается")
    cmp.set_list_entry_active(rig.base, "reason", reason, False)
    with rig.base.sessions() as s:
        assert "Просил перезвонить в январе" not in [r.title for r in cmp.call_results(s)]
        assert "Закрывается" not in [r.title for r in cmp.refusal_reasons(s)]
        assert "Закрывается" in [r.title for r in cmp.refusal_reasons(s, active_only=False)]
    cid = _active(rig, cmp.Source(contact_ids=[rig.contacts["astra"]]))
    item = queue.next_item(rig.base, cid, rig.employees["tm1"])
    with pytest.raises(CampaignError, match="Выберите результат звонка"):
        queue.save_result(rig.base, item, rig.employees["tm1"], new)
