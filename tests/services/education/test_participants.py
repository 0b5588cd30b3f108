"""Events and their participants as the training centre works with them, on both
dialects: many contacts registered at once (the registered skipped and counted), stages
moved and cancelled, invoices issued once per participant through the money documents,
«Оплачено» following the payments (and a stornoed invoice billing its participants
again), «Итоги» with hand-checked sums."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.education.rig import EduRig, make_edu_rig
from vostok_desktop.domain.education import (
    EventKind,
    EventParticipant,
    EventStatus,
    ParticipantStage,
    ParticipantStatus,
)
from vostok_desktop.domain.money import DocumentKind, MoneyDocument, MoneyDocumentLine
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.events import (
    EducationRefused,
    EventData,
    get_event,
    list_events,
    save_event,
)
from vostok_desktop.services.education.summary import event_summary
from vostok_desktop.services.money.payments import add_cash_payment


@pytest.fixture
def rig(empty_base) -> EduRig:  # noqa: ANN001
    return make_edu_rig(empty_base)


def _stages(rig: EduRig) -> dict[str, tuple[str, str]]:
    return {r.contact_name.split()[0]: (r.stage.value, r.status.value)
            for r in pt.list_participants(rig.base, rig.seminar)}


def test_registering_many_contacts_at_once_skips_the_registered(rig: EduRig) -> None:
    first = pt.register_contacts(rig.base, rig.seminar,
                                 rig.contact_ids("Иванова", "Петров", "Кузнецов"),
                                 rig.pay.cashier)
    assert (first.added, first.already) == (3, 0)
    assert first.summary == "Записано: 3 контактных лица."
    again = pt.register_contacts(rig.base, rig.seminar,
                                 rig.contact_ids("Иванова", "Кузнецов", "Орлова", "Зайцев")
                                 + [999_999], rig.pay.cashier)
    assert (again.added, again.already, again.unavailable) == (2, 2, 1)
    assert again.summary.startswith("Записано: 2 контактных лица; уже были записаны: 2")
    rows = pt.list_participants(rig.base, rig.seminar)
    assert [r.contact_name for r in rows] == [
        "Кузнецов Кирилл", "Орлова Ольга", "Зайцев Захар", "Иванова Ирина", "Петров Пётр"]
    # The participant's client is its contact's.
    assert {r.client_name for r in rows if r.contact_name.startswith("Зайцев")} == {"Лютик"}
    assert all(r.stage is ParticipantStage.INVITED for r in rows)
    assert get_event(rig.base, rig.seminar).registered == 5


def test_places_and_a_cancelled_event_refuse_the_whole_registration(rig: EduRig) -> None:
    small = save_event(rig.base, EventData(EventKind.WEBINAR, "Онлайн-касса",
                                           datetime(2027, 3, 1, 9, tzinfo=UTC), "0",
                                           lecturer_name="Гость Г. Г.",
                                           link="https://webinar.example/1", capacity=2),
                       rig.pay.cashier)
    with pytest.raises(EducationRefused, match="Мест 2, свободно 2, а записать нужно 3 "
                                               "контактных лица: никто не записан"):
        pt.register_contacts(rig.base, small, rig.contact_ids("Иванова", "Петров", "Зайцев"),
                             None)
    assert pt.list_participants(rig.base, small) == []
    event = get_event(rig.base, small)
    save_event(rig.base, EventData(**{**event.as_data().__dict__,
                                      "status": EventStatus.CANCELLED}),
               None, event_id=small)
    with pytest.raises(EducationRefused, match="Мероприятие отменено"):
        pt.register_contacts(rig.base, small, rig.contact_ids("Иванова"), None)


def test_stage_moves_and_cancelling(rig: EduRig) -> None:
    pt.register_contacts(rig.base, rig.seminar, rig.contact_ids("Иванова", "Петров"), None)
    ids = {r.contact_name.split()[0]: r.id for r in pt.list_participants(rig.base, rig.seminar)}
    moved = pt.next_stage(rig.base, [ids["Иванова"]], None)
    assert moved.changed == 1
    pt.next_stage(rig.base, [ids["Иванова"]], None)
    pt.next_stage(rig.base, [ids["Иванова"]], None)
    last = pt.next_stage(rig.base, [ids["Иванова"]], None)  # already at «Посетил»
    assert (last.changed, last.skipped) == (0, 1) and "уже посетил" in last.summary
    cancelled = pt.set_status(rig.base, list(ids.values()), ParticipantStatus.CANCELLED, None)
    assert (cancelled.changed, cancelled.skipped) == (1, 1)  # one who attended stays
    assert _stages(rig) == {"Иванова": ("attended", "registered"),
                            "Петров": ("invited", "cancelled")}
    frozen = pt.next_stage(rig.base, [ids["Петров"]], None)
    assert frozen.changed == 0 and "отменил участие" in frozen.summary
    # Registering a cancelled contact again brings it back.
    back = pt.register_contacts(rig.base, rig.seminar, rig.contact_ids("Петров"), None)
    assert (back.added, back.restored) == (0, 1)
    with pytest.raises(EducationRefused, match="Оценка — от 1 до 5"):
        pt.set_feedback(rig.base, ids["Иванова"], 6, "", None)


def test_invoices_once_per_participant_and_paid_follows_payments(rig: EduRig) -> None:
    pt.register_contacts(rig.base, rig.seminar,
                         rig.contact_ids("Иванова", "Петров", "Сидорова", "Кузнецов",
                                         "Зайцев"), None)
    ids = {r.contact_name.split()[0]: r.id for r in pt.list_participants(rig.base, rig.seminar)}
    pt.set_status(rig.base, [ids["Зайцев"]], ParticipantStatus.CANCELLED, None)
    result = pt.issue_invoices(rig.base, rig.seminar,
                               [ids["Иванова"], ids["Петров"], ids["Кузнецов"], ids["Зайцев"]],
                               rig.pay.cashier, issued_on=date(2027, 1, 20))
    # Ромашка: 2 × 3 500 = 7 000, Василёк: 3 500; Зайцев cancelled.
    assert (len(result.invoices), result.participants, result.cancelled) == (2, 3, 1)
    assert result.total == Decimal("10500.00")
    assert result.summary.startswith("Выписано счетов: 2 на 10\u00a0500,00 руб.")
    with rig.base.sessions() as s:
        docs = {d.client_id: d for d in s.scalars(select(MoneyDocument))}
        assert {c: d.total for c, d in docs.items()} == {
            rig.pay.clients["romashka"]: Decimal("7000.00"),
            rig.pay.clients["vasilek"]: Decimal("3500.00")}
        assert all(d.kind == DocumentKind.INVOICE for d in docs.values())
        lines = list(s.scalars(select(MoneyDocumentLine.name).order_by(MoneyDocumentLine.id)))
        assert lines[0] == ("Участие: семинар «НДС в 2027 году» 10.02.2027 — "
                            "Иванова Ирина")
    # Again for everyone: only Сидорова is new.
    second = pt.issue_invoices(rig.base, rig.seminar, None, rig.pay.cashier,
                               issued_on=date(2027, 1, 21))
    assert (len(second.invoices), second.participants, second.already) == (1, 1, 3)
    with rig.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MoneyDocument)) == 3
    assert _stages(rig)["Иванова"] == ("documents_issued", "registered")

    summary = event_summary(rig.base, rig.seminar)
    assert (summary.invoiced, summary.paid) == (Decimal("14000.00"), Decimal("0.00"))
    # Ромашка pays its first invoice (7 000) in two parts; Василёк pays half.
    first_invoice = next(r.invoice_id for r in pt.list_participants(rig.base, rig.seminar)
                         if r.contact_name.startswith("Иванова"))
    vasilek_invoice = next(r.invoice_id for r in pt.list_participants(rig.base, rig.seminar)
                           if r.contact_name.startswith("Кузнецов"))
    for amount in ("3000", "4000"):
        add_cash_payment(rig.base, rig.pay.clients["romashka"], amount, date(2027, 1, 25),
                         "оплата семинара", first_invoice, rig.pay.cashier, None)
    add_cash_payment(rig.base, rig.pay.clients["vasilek"], "1750,00", date(2027, 1, 25),
                     "частичная оплата", vasilek_invoice, rig.pay.cashier, None)
    assert pt.follow_payments(rig.base, rig.seminar, rig.pay.cashier) == 2
    assert pt.follow_payments(rig.base, rig.seminar, rig.pay.cashier) == 0  # nothing twice
    assert _stages(rig) == {"Иванова": ("paid", "registered"), "Петров": ("paid", "registered"),
                            "Сидорова": ("documents_issued", "registered"),
                            "Кузнецов": ("documents_issued", "registered"),
                            "Зайцев": ("invited", "cancelled")}
    pt.set_stage(rig.base, [ids["Иванова"], ids["Петров"]], ParticipantStage.ATTENDED, None)
    pt.set_status(rig.base, [ids["Кузнецов"]], ParticipantStatus.NO_SHOW, None)
    pt.set_feedback(rig.base, ids["Иванова"], 5, "Полезно", None)
    pt.set_feedback(rig.base, ids["Петров"], 4, "", None)
    summary = event_summary(rig.base, rig.seminar)
    assert (summary.invoiced, summary.paid, summary.debt) == (
        Decimal("14000.00"), Decimal("8750.00"), Decimal("5250.00"))
    assert (summary.registered, summary.cancelled, summary.expected, summary.attended,
            summary.no_show) == (5, 1, 4, 2, 1)
    assert (summary.feedback_count, summary.average_score) == (2, Decimal("4.5"))
    assert summary.free_places == 6
    assert summary.by_stage == {ParticipantStage.INVITED: 0,
                                ParticipantStage.DOCUMENTS_ISSUED: 2,
                                ParticipantStage.PAID: 0, ParticipantStage.ATTENDED: 2}
    row = next(e for e in list_events(rig.base) if e.id == rig.seminar)
    assert (row.registered, row.attended) == (4, 2)


def test_a_free_event_and_bad_input_are_refused_with_the_reason(rig: EduRig) -> None:
    free = save_event(rig.base, EventData(EventKind.TRAINING, "Поиск в системе",
                                          datetime(2027, 4, 1, 6, tzinfo=UTC), ""), None)
    pt.register_contacts(rig.base, free, rig.contact_ids("Иванова"), None)
    with pytest.raises(EducationRefused, match="бесплатное"):
        pt.issue_invoices(rig.base, free, None, None)
    for data, message in (
            (EventData(EventKind.SEMINAR, "  ", datetime(2027, 1, 1, tzinfo=UTC)),
             "Укажите тему"),
            (EventData(EventKind.SEMINAR, "Т", datetime(2027, 1, 1, tzinfo=UTC), "-5"),
             "Цена не может быть отрицательной"),
            (EventData(EventKind.SEMINAR, "Т", datetime(2027, 1, 1, tzinfo=UTC), "1,005"),
             "больше двух знаков"),
            (EventData(EventKind.SEMINAR, "Т", datetime(2027, 1, 1, tzinfo=UTC), "абв"),
             "Цена «абв» — не число"),
            (EventData(EventKind.WEBINAR, "Т", datetime(2027, 1, 1, tzinfo=UTC)),
             "ссылку на вебинар"),
            (EventData(EventKind.SEMINAR, "Т", datetime(2027, 1, 1, tzinfo=UTC), capacity=-1),
             "Число мест")):
        with pytest.raises(EducationRefused, match=message):
            save_event(rig.base, data, None)
    # Fewer places than registered is refused, nothing changed.
    pt.register_contacts(rig.base, rig.seminar, rig.contact_ids("Иванова", "Петров"), None)
    event = get_event(rig.base, rig.seminar)
    with pytest.raises(EducationRefused, match="Мест 1, а записано уже 2"):
        save_event(rig.base, EventData(**{**event.as_data().__dict__, "capacity": 1}), None,
                   event_id=rig.seminar)
    assert get_event(rig.base, rig.seminar).capacity == 10
    with rig.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(EventParticipant)) == 3


def test_a_stornoed_invoice_bills_its_participants_again(rig: EduRig) -> None:
    """A reversed invoice is no invoice: its paid participants leave «Оплачено», go back to
    «Приглашение» and the next «Выписать счета» bills them again (at once, too, before
    the card has noticed the storno); the others keep theirs."""
    from vostok_desktop.services.money.documents import storno

    pt.register_contacts(rig.base, rig.seminar,
                         rig.contact_ids("Иванова", "Петров", "Кузнецов"), None)
    first = pt.issue_invoices(rig.base, rig.seminar, None, rig.pay.cashier,
                              issued_on=date(2027, 1, 20))
    assert len(first.invoices) == 2
    rows = {r.contact_name.split()[0]: r for r in pt.list_participants(rig.base, rig.seminar)}
    romashka, vasilek = rows["Иванова"].invoice_id, rows["Кузнецов"].invoice_id
    add_cash_payment(rig.base, rig.pay.clients["romashka"], "7000", date(2027, 1, 25),
                     "оплата семинара", romashka, rig.pay.cashier, None)
    assert pt.follow_payments(rig.base, rig.seminar, rig.pay.cashier) == 2
    storno(rig.base, romashka, rig.pay.cashier, None, on=date(2027, 1, 26))
    assert pt.follow_payments(rig.base, rig.seminar, rig.pay.cashier) == 0
    assert pt.release_reversed(rig.base, rig.seminar, rig.pay.cashier) == 2
    assert pt.release_reversed(rig.base, rig.seminar, rig.pay.cashier) == 0  # nothing twice
    rows = {r.contact_name.split()[0]: r for r in pt.list_participants(rig.base, rig.seminar)}
    assert [(rows[n].stage, rows[n].invoice_id) for n in ("Иванова", "Петров")] == [
        (ParticipantStage.INVITED, None)] * 2
    assert (rows["Кузнецов"].stage, rows["Кузнецов"].invoice_id) == (
        ParticipantStage.DOCUMENTS_ISSUED, vasilek)
    again = pt.issue_invoices(rig.base, rig.seminar, None, rig.pay.cashier,
                              issued_on=date(2027, 1, 27))
    assert (len(again.invoices), again.participants, again.already) == (1, 2, 1)
    assert again.total == Decimal("7000.00")
    # Василёк's invoice reversed and billed again at once, before anything released it.
    storno(rig.base, vasilek, rig.pay.cashier, None, on=date(2027, 1, 27))
    third = pt.issue_invoices(rig.base, rig.seminar, None, rig.pay.cashier,
                              issued_on=date(2027, 1, 28))
    assert (len(third.invoices), third.participants, third.already) == (1, 1, 2)
    rows = {r.contact_name.split()[0]: r for r in pt.list_participants(rig.base, rig.seminar)}
    assert rows["Кузнецов"].invoice_id == third.invoices[0] != vasilek
    assert rows["Кузнецов"].stage is ParticipantStage.DOCUMENTS_ISSUED
    with rig.base.sessions() as s:
        # Two invoices, their two stornos and the two new ones: nothing edited in place.
        assert s.scalar(select(func.count()).select_from(MoneyDocument)) == 6
