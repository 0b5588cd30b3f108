"""Hot-line services: working-time deadlines, lifecycle, stage history, reports, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from vostok_desktop.domain import Call, Client, ClientStatus, Contact, Department, Employee
from vostok_desktop.domain.hotline import (
    HotlineLine,
    HotlineRequest,
    HotlineRequestType,
    RequestStatus,
)
from vostok_desktop.domain.org import EmployeeRole
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.services.hotline.calendar import WorkingCalendar, load_calendar, set_exceptions
from vostok_desktop.services.hotline.reports import deadline_report, export_excel, hotline_report
from vostok_desktop.services.telephony.caller_lookup import CallerMatch

NSK = ZoneInfo("Asia/Novosibirsk")  # UTC+7, the zone of the office in these tests


def at(day: str, clock: str) -> datetime:
    """A local Novosibirsk moment."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=NSK)


def cal(**kw) -> WorkingCalendar:  # noqa: ANN003
    kw.setdefault("zone", NSK)
    return WorkingCalendar(**kw)


# -- the working calendar (no base) ---------------------------------------------------------
# 2026-03-06 is a Friday; 2026-03-08 a Sunday (and Women's Day); 2026-03-09 a Monday.
@pytest.mark.parametrize("received, minutes, expected", [
    (("2026-03-04", "10:00"), 240, ("2026-03-04", "14:00")),  # inside one day
    (("2026-03-04", "16:00"), 240, ("2026-03-05", "11:00")),  # across the night
    (("2026-03-04", "20:30"), 240, ("2026-03-05", "13:00")),  # received after hours
    (("2026-03-04", "07:15"), 60, ("2026-03-04", "10:00")),  # received before hours
    (("2026-03-06", "17:00"), 240, ("2026-03-10", "12:00")),  # Friday -> weekend -> Mon 8th?
    (("2026-03-07", "12:00"), 30, ("2026-03-10", "09:30")),  # Saturday; Monday 9th off?
])
def test_working_minutes_skip_nights_weekends_and_holidays(received, minutes, expected) -> None:
    # Women's Day falls on Sunday 8 March 2026; the government moves the day off to
    # Monday 9 March: that comes from the base as an exception.
    calendar = cal(holidays={date(2026, 3, 9)})
    assert calendar.deadline(at(*received), 0, minutes) == at(*expected).astimezone(UTC)


def test_working_days_keep_the_time_and_skip_fixed_holidays() -> None:
    calendar = cal()
    # Thursday 30 April 15:00 + 1 working day: 1 May (holiday), weekend -> Monday 4 May.
    assert calendar.deadline(at("2026-04-30", "15:00"), 1, 0) == at("2026-05-04", "15:00")
    # Received on Saturday: counts from Monday 9:00; one working day -> Tuesday 9:00.
    assert calendar.deadline(at("2026-02-28", "11:00"), 1, 0) == at("2026-03-03", "09:00")
    # Days and minutes together: Friday 17:00 + 1 day + 2 hours -> Monday 17:00 + 2h -> Tue 10.
    assert calendar.deadline(at("2026-03-13", "17:00"), 1, 120) == at("2026-03-17", "10:00")


def test_moved_working_saturday_and_custom_hours() -> None:
    saturday = date(2026, 3, 14)
    calendar = cal(working_days={saturday}, start=time(8, 0), end=time(17, 0))
    assert calendar.day_minutes == 9 * 60
    assert calendar.deadline(at("2026-03-13", "16:00"), 0, 120) == at("2026-03-14", "09:00")
    assert calendar.working_minutes_between(at("2026-03-13", "16:00"),
                                            at("2026-03-14", "09:00")) == 120
    with pytest.raises(ValueError):
        WorkingCalendar(start=time(18), end=time(9))


def test_utc_input_is_converted_to_office_time() -> None:
    # 03:00 UTC is 10:00 in Novosibirsk: 4 working hours -> 14:00 local = 07:00 UTC.
    received = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    assert cal().deadline(received, 0, 240) == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)


# -- with a base -------------------------------------------------------------------------------
@pytest.fixture
def world(empty_base):  # noqa: ANN001, ANN201
    """Two clients, three contacts, a head of the hot line with two operators, a call."""
    with empty_base.sessions.begin() as s:
        top = Department(name="Руководство")
        s.add(top)
        s.flush()
        dept = Department(name="Горячая линия", parent_id=top.id)
        other = Department(name="Отдел продаж", parent_id=top.id)
        s.add_all([dept, other])
        s.flush()
        head = Employee(login="head", full_name="Начальникова Н. Н.", role=EmployeeRole.HEAD,
                        department_id=dept.id)
        op1 = Employee(login="op1", full_name="Операторова А. А.", role=EmployeeRole.OPERATOR,
                       department_id=dept.id)
        op2 = Employee(login="op2", full_name="Линейный Б. Б.", role=EmployeeRole.OPERATOR,
                       department_id=dept.id)
        seller = Employee(login="seller", full_name="Продавцов В. В.",
                          role=EmployeeRole.MANAGER, department_id=other.id)
        romashka = Client(short_name="ООО «Ромашка»", status=ClientStatus.SERVED)
        romashka.contacts += [Contact(last_name="Иванова", first_name="Анна"),
                              Contact(last_name="Петров", first_name="Пётр")]
        lutik = Client(short_name="АО «Лютик»", status=ClientStatus.SERVED)
        lutik.contacts.append(Contact(last_name="Сидоров", first_name="Семён"))
        s.add_all([head, op1, op2, seller, romashka, lutik])
        s.flush()
        call = Call(provider="call_simulator", provider_call_id="sim-1", extension="101",
                    number_raw="+73832000000", client_id=romashka.id)
        s.add(call)
        s.flush()
        types = {t.code: t.id for t in s.scalars(select(HotlineRequestType))}
        ids = {
            "head": head.id, "op1": op1.id, "op2": op2.id, "seller": seller.id,
            "romashka": romashka.id, "lutik": lutik.id, "ivanova": romashka.contacts[0].id,
            "petrov": romashka.contacts[1].id, "sidorov": lutik.contacts[0].id,
            "call": call.id, **types,
        }
    return empty_base, ids


def draft(ids: dict, **kw) -> hl.RequestDraft:  # noqa: ANN003
    kw.setdefault("line", HotlineLine.HOTLINE)
    kw.setdefault("type_id", ids["consultation"])
    kw.setdefault("text", "Как заполнить 6-НДФЛ?")
    kw.setdefault("client_id", ids["romashka"])
    kw.setdefault("operator_id", ids["op1"])
    return hl.RequestDraft(**kw)


def test_default_lists_come_with_the_schema(world) -> None:  # noqa: ANN001
    base, _ids = world
    with base.sessions() as s:
        types = hl.request_types(s)
        assert [t.code for t in types] == ["consultation", "search_order", "technical_failure",
                                           "other"]
        assert types[0].rule_text() == "4 раб. ч" and types[1].rule_text() == "1 раб. дн."
        assert [st.name for st in hl.stages(s)][0] == "Принят"


def test_register_for_several_contacts_links_the_call_and_computes_the_deadline(world) -> None:  # noqa: ANN001
    base, ids = world
    received = at("2026-03-06", "16:00")  # Friday 16:00 + 4 working hours -> Monday 11:00
    with base.sessions.begin() as s:
        created = hl.register_requests(
            s, draft(ids, contact_ids=[ids["ivanova"], ids["sidorov"]], client_id=None,
                     received_at=received, call_id=ids["call"]),
            calendar=cal())
    assert len(created) == 2
    with base.sessions() as s:
        first, second = (s.get(HotlineRequest, i) for i in created)
        assert first.client_id == ids["romashka"] and second.client_id == ids["lutik"]
        assert first.deadline_at == at("2026-03-09", "11:00")
        assert first.status is RequestStatus.REGISTERED and first.operator_id == ids["op1"]
        assert s.get(Call, ids["call"]).request_id == created[0]
        assert [h.new_value for h in hl.history(s, first.id)] == ["Зарегистрировано"]


@pytest.mark.parametrize("bad, message", [
    ({"text": "  "}, "Не указан текст обращения"),
    ({"type_id": None}, "Не выбран тип обращения"),
    ({"client_id": None}, "Не выбран клиент"),
])
def test_registration_refuses_missing_fields(world, bad, message) -> None:  # noqa: ANN001
    base, ids = world
    with base.sessions.begin() as s, pytest.raises(hl.RequestError, match=message):
        hl.register_requests(s, draft(ids, **bad), calendar=cal())


def test_lifecycle_and_refused_transitions(world) -> None:  # noqa: ANN001
    base, ids = world
    with base.sessions.begin() as s:
        (rid,) = hl.register_requests(s, draft(ids), calendar=cal())
    with base.sessions.begin() as s:
        with pytest.raises(hl.RequestError, match="нельзя перевести в «Закрыто»"):
            hl.change_status(s, rid, RequestStatus.CLOSED, ids["op1"])
        hl.change_status(s, rid, RequestStatus.IN_WORK, ids["op1"])
        with pytest.raises(hl.RequestError, match="напишите текст ответа"):
            hl.change_status(s, rid, RequestStatus.ANSWERED, ids["op1"])
        hl.change_status(s, rid, RequestStatus.ANSWERED, ids["op1"], answer="См. письмо ФНС")
        hl.change_status(s, rid, RequestStatus.CLOSED, ids["head"])
    with base.sessions.begin() as s:
        with pytest.raises(hl.RequestError, match="оно уже завершено"):
            hl.change_status(s, rid, RequestStatus.IN_WORK, ids["op1"])
        request = s.get(HotlineRequest, rid)
        assert request.answer == "См. письмо ФНС" and request.closed_at is not None
        trail = hl.history(s, rid)
    assert [(h.old_value, h.new_value) for h in trail] == [
        ("", "Зарегистрировано"), ("Зарегистрировано", "В работе"),
        ("В работе", "Ответ дан"), ("Ответ дан", "Закрыто")]
    assert trail[-1].employee_name == "Начальникова Н. Н."


def test_answer_passes_in_work_and_cancel(world) -> None:  # noqa: ANN001
    base, ids = world
    with base.sessions.begin() as s:
        first, second = (hl.register_requests(s, draft(ids), calendar=cal())[0]
                         for _ in range(2))
        hl.answer_request(s, first, "Готово", ids["op1"])
        hl.change_status(s, second, RequestStatus.CANCELLED, ids["op1"], comment="дубль")
    with base.sessions() as s:
        assert s.get(HotlineRequest, first).status is RequestStatus.ANSWERED
        assert len(hl.history(s, first)) == 3
        assert hl.history(s, second)[-1].comment == "дубль"


def test_search_order_stages_record_who_and_when(world) -> None:  # noqa: ANN001
    base, ids = world
    t0 = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    with base.sessions.begin() as s:
        (rid,) = hl.register_requests(s, draft(ids, type_id=ids["search_order"]),
                                      calendar=cal(), now=t0)
        (plain,) = hl.register_requests(s, draft(ids), calendar=cal(), now=t0)
        stage_ids = {st.name: st.id for st in hl.stages(s)}
    with base.sessions.begin() as s:
        hl.set_stage(s, rid, stage_ids["Поиск в системе"], ids["op1"], now=t0 + timedelta(hours=1))
        hl.set_stage(s, rid, stage_ids["Запрос в КЦ"], ids["op2"], now=t0 + timedelta(hours=2),
                     comment="нет в базе")
        with pytest.raises(hl.RequestError, match="только у заказов"):
            hl.set_stage(s, plain, stage_ids["Принят"], ids["op1"])
    with base.sessions() as s:
        stages = [h for h in hl.history(s, rid) if h.kind == "stage"]
        row = hl.request_row(s, rid)
    assert [(h.old_value, h.new_value, h.employee_name) for h in stages] == [
        ("", "Принят", "Операторова А. А."),
        ("Принят", "Поиск в системе", "Операторова А. А."),
        ("Поиск в системе", "Запрос в КЦ", "Линейный Б. Б.")]
    assert stages[2].changed_at == t0 + timedelta(hours=2) and stages[2].comment == "нет в базе"
    assert row.stage_name == "Запрос в КЦ"


def test_new_type_and_stage_in_the_editable_lists(world) -> None:  # noqa: ANN001
    base, ids = world
    with base.sessions.begin() as s:
        new_id = hl.save_request_type(s, "Онлайн-заказ", deadline_minutes=90)
        hl.save_stage(s, "Уточнение у клиента")
        with pytest.raises(hl.RequestError, match="уже есть"):
            hl.save_request_type(s, "Консультация")
        (rid,) = hl.register_requests(s, draft(ids, type_id=new_id,
                                               received_at=at("2026-03-04", "10:00")),
                                      calendar=cal())
    with base.sessions() as s:
        assert s.get(HotlineRequest, rid).deadline_at == at("2026-03-04", "11:30")
        assert hl.stages(s)[-1].name == "Уточнение у клиента"


def test_calendar_exceptions_from_the_base(world) -> None:  # noqa: ANN001
    base, _ids = world
    with base.sessions.begin() as s:
        set_exceptions(s, [(date(2026, 3, 9), False, "перенос с 8 марта")])
    with base.sessions() as s:
        calendar = load_calendar(s, zone=NSK)
    assert not calendar.is_working_day(date(2026, 3, 9))


def _seed_for_reports(base, ids) -> datetime:  # noqa: ANN001
    """Five requests with known outcomes; returns "now"."""
    now = at("2026-03-20", "12:00")
    calendar = cal()
    with base.sessions.begin() as s:
        def reg(**kw) -> int:  # noqa: ANN003
            return hl.register_requests(s, draft(ids, **kw), calendar=calendar)[0]

        on_time = reg(received_at=at("2026-03-02", "10:00"))  # due 14:00
        hl.answer_request(s, on_time, "ok", ids["op1"], now=at("2026-03-02", "13:00"))
        late = reg(received_at=at("2026-03-02", "10:00"), line=HotlineLine.CONSULTATION,
                   operator_id=ids["op2"])
        hl.answer_request(s, late, "поздно", ids["op2"], now=at("2026-03-03", "10:00"))
        reg(received_at=at("2026-03-19", "10:00"), type_id=ids["search_order"],
            client_id=ids["lutik"])  # due Mar 20 10:00: overdue now
        reg(received_at=at("2026-03-20", "11:00"))  # due 15:00: open in time
        cancelled = reg(received_at=at("2026-03-05", "10:00"))
        hl.change_status(s, cancelled, RequestStatus.CANCELLED, ids["op1"])
        reg(received_at=at("2026-02-10", "10:00"))  # outside the period
    return now


def test_hot_line_report_counts(world) -> None:  # noqa: ANN001
    base, ids = world
    _seed_for_reports(base, ids)
    start, end = at("2026-03-01", "00:00"), at("2026-04-01", "00:00")
    with base.sessions() as s:
        by_line = hotline_report(s, start, end, ["line"])
        by_operator_type = hotline_report(s, start, end, ["operator", "type"])
        by_client = hotline_report(s, start, end, ["client"])
    assert by_line.columns == ["Линия", "Всего", "С ответом", "Открыто", "Отменено"]
    assert by_line.rows == [["ГЛ", 4, 1, 2, 1], ["ЛК", 1, 1, 0, 0]]
    assert by_line.totals == ["Итого", 5, 2, 2, 1]
    assert ["Линейный Б. Б.", "Консультация", 1, 1, 0, 0] in by_operator_type.rows
    assert ["Операторова А. А.", "Заказ на поиск документов", 1, 0, 1, 0] \
        in by_operator_type.rows
    assert by_client.rows == [["АО «Лютик»", 1, 0, 1, 0], ["ООО «Ромашка»", 4, 2, 1, 1]]


def test_deadline_control_report_and_excel(world, tmp_path) -> None:  # noqa: ANN001
    base, ids = world
    now = _seed_for_reports(base, ids)
    start, end = at("2026-03-01", "00:00"), at("2026-04-01", "00:00")
    with base.sessions() as s:
        table = deadline_report(s, start, end, now.astimezone(UTC), ["line"])
    # total (not cancelled), on time, late, open in time, open overdue, % on time
    assert table.rows == [["ГЛ", 3, 1, 0, 1, 1, 50.0], ["ЛК", 1, 0, 1, 0, 0, 0.0]]
    assert table.totals == ["Итого", 4, 1, 1, 1, 1, 33.3]
    path = export_excel(table, tmp_path / "out" / "report.xlsx")
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A4"
    assert sheet["A1"].value == "Контроль сроков предоставления ответа" and sheet["A1"].font.b
    assert sheet["B3"].value == "Всего" and sheet["B3"].font.b
    assert sheet["B4"].value == 3 and sheet["G4"].value == 50
    assert sheet["G4"].number_format == "0.0"
    assert sheet["A6"].value == "Итого"


def test_journal_order_and_filters(world) -> None:  # noqa: ANN001
    base, ids = world
    now = _seed_for_reports(base, ids).astimezone(UTC)
    with base.sessions() as s:
        rows = hl.list_requests(s, hl.RequestFilter())
        assert [r.is_open for r in rows] == [True] * 3 + [False] * 3  # open first
        opened = [r for r in rows if r.is_open]
        assert [r.deadline_at for r in opened] == sorted(r.deadline_at for r in opened)
        # the February one (outside the report period) and the search order are overdue
        assert [r.urgency(now) for r in opened] == ["overdue", "overdue", ""]
        assert opened[1].client_name == "АО «Лютик»" and opened[1].stage_name == "Принят"
        consult = hl.list_requests(s, hl.RequestFilter(lines=[HotlineLine.CONSULTATION]))
        assert len(consult) == 1 and consult[0].operator_name == "Линейный Б. Б."
        assert len(hl.list_requests(s, hl.RequestFilter(client_id=ids["lutik"]))) == 1
        assert len(hl.list_requests(s, hl.RequestFilter(
            statuses=[RequestStatus.CANCELLED]))) == 1
        assert len(hl.list_requests(s, hl.RequestFilter(
            received_from=at("2026-03-19", "00:00"), received_to=at("2026-03-21", "00:00"),
            type_ids=[ids["consultation"]]))) == 1
        assert len(hl.list_requests(s, hl.RequestFilter(operator_id=ids["op2"]))) == 1


def test_urgency_amber_within_the_hour() -> None:
    now = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    assert hl.urgency(RequestStatus.IN_WORK, now + timedelta(minutes=59), now) == "due_soon"
    assert hl.urgency(RequestStatus.IN_WORK, now + timedelta(minutes=61), now) == ""
    assert hl.urgency(RequestStatus.REGISTERED, now, now) == "overdue"
    assert hl.urgency(RequestStatus.ANSWERED, now - timedelta(days=1), now) == ""


def test_alerts_reach_operator_and_supervisor_only(world) -> None:  # noqa: ANN001
    base, ids = world
    now = _seed_for_reports(base, ids).astimezone(UTC)
    with base.sessions() as s:
        mine = hl.deadline_alerts(s, ids["op1"], now)
        head = hl.deadline_alerts(s, ids["head"], now)
        other = hl.deadline_alerts(s, ids["op2"], now)
        seller = hl.deadline_alerts(s, ids["seller"], now)
        later = hl.deadline_alerts(s, ids["op1"], now + timedelta(hours=2, minutes=30))
        since = hl.overdue_since(s, ids["head"], now - timedelta(hours=3), now)
    # the February request and the search order are overdue; the 11:00 one is not yet due
    assert [a.urgency for a in mine] == ["overdue", "overdue"] and mine[0].mine
    assert [a.request_id for a in head] == [a.request_id for a in mine] and not head[0].mine
    assert "оператор Операторова А. А." in head[0].text()
    assert other == [] and seller == []
    assert [a.urgency for a in later] == ["overdue", "overdue", "due_soon"]
    assert len(since) == 1  # only the search order became overdue in the last 3 hours
    tracker = hl.AlertTracker()
    assert len(tracker.fresh(later)) == 3 and tracker.fresh(later) == []


def test_type_ahead_by_phone_and_name_and_lookup_hook(world) -> None:  # noqa: ANN001
    base, ids = world
    from vostok_desktop.domain import Phone

    with base.sessions.begin() as s:
        s.add(Phone(contact_id=ids["ivanova"], raw="+7 (383) 212-34-56", digits="73832123456"))
        hl.register_requests(s, draft(ids, contact_ids=[ids["ivanova"]]), calendar=cal())
    with base.sessions() as s:
        by_phone = hl.find_callers(s, "8383212")
        by_name = hl.find_callers(s, "ив ан")
        by_client = hl.find_callers(s, "ромаш")
        assert [(c.contact_id, c.client_id) for c in by_phone] == [(ids["ivanova"],
                                                                   ids["romashka"])]
        assert by_name[0].contact_name == "Иванова Анна"
        assert by_client[0].client_id == ids["romashka"] and by_client[0].contact_id is None
        match = CallerMatch(ids["romashka"], "ООО «Ромашка»", "served", "Обслуживаемый", False,
                            (), contact_id=ids["ivanova"])
        stranger = CallerMatch(ids["lutik"], "АО «Лютик»", "served", "Обслуживаемый", False, ())
    with base.engine.connect() as connection:  # the lookup hands over a Connection
        enriched = hl.open_requests_hook(connection, (match, stranger))  # type: ignore[arg-type]
    assert enriched[0].open_requests and "ГЛ Консультация" in enriched[0].open_requests[0]
    assert enriched[1].open_requests == ()
