"""The education reports on both dialects, checked by hand against a small centre:
«Образовательные услуги (OLAP)» sums what was invoiced and paid per event kind and
month; «Воронка продаж образовательных услуг» counts the participants who reached each
stage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from vostok_reports.education import EDUCATION, FUNNEL

from tests.services.education.rig import EduRig, make_edu_rig
from vostok_desktop.domain.education import EventKind, ParticipantStage, ParticipantStatus
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.events import EventData, save_event
from vostok_desktop.services.money.payments import add_cash_payment
from vostok_desktop.services.reports.pivot import PivotQuery, run_pivot

WIDE = (date(2020, 1, 1), date(2030, 12, 31))


@pytest.fixture
def rig(empty_base) -> EduRig:  # noqa: ANN001
    """The seminar (3 500 ₽, February 2027): Иванова and Петров of Ромашка invoiced
    together (7 000) and paid 5 250; Кузнецов invoiced 3 500, paid nothing, attended;
    Зайцев cancelled. A free webinar in March 2027: Орлова attended."""
    r = make_edu_rig(empty_base)
    pt.register_contacts(r.base, r.seminar,
                         r.contact_ids("Иванова", "Петров", "Кузнецов", "Зайцев"), None)
    ids = {p.contact_name.split()[0]: p.id for p in pt.list_participants(r.base, r.seminar)}
    pt.set_status(r.base, [ids["Зайцев"]], ParticipantStatus.CANCELLED, None)
    pt.issue_invoices(r.base, r.seminar, None, r.pay.cashier, issued_on=date(2027, 1, 20))
    invoice = next(p.invoice_id for p in pt.list_participants(r.base, r.seminar)
                   if p.contact_name.startswith("Иванова"))
    add_cash_payment(r.base, r.pay.clients["romashka"], "5250", date(2027, 1, 25), "",
                     invoice, r.pay.cashier, None)
    pt.set_stage(r.base, [ids["Кузнецов"]], ParticipantStage.ATTENDED, None)
    webinar = save_event(r.base, EventData(EventKind.WEBINAR, "Онлайн-кассы",
                                           datetime(2027, 3, 3, 8, tzinfo=UTC), "0",
                                           link="https://webinar.example/3"), None)
    pt.register_contacts(r.base, webinar, r.contact_ids("Орлова"), None)
    orlova = pt.list_participants(r.base, webinar)[0].id
    pt.set_stage(r.base, [orlova], ParticipantStage.ATTENDED, None)
    pt.set_feedback(r.base, orlova, 5, "", None)
    return r


def test_education_olap_by_kind_and_month(rig: EduRig) -> None:
    result = run_pivot(rig.base, EDUCATION, PivotQuery(
        rows=("kind",), columns=("period",),
        measures=("count", "expected", "attended", "invoiced", "paid", "score"),
        period=WIDE))
    rows = {h.label: h.key for h in result.leaf_rows}
    columns = {h.label: h.key for h in result.leaf_columns}
    assert set(rows) == {"Семинар", "Вебинар"}
    seminar, webinar = rows["Семинар"], rows["Вебинар"]
    february = next(k for label, k in columns.items() if "02" in label or "фев" in label.lower())
    assert result.value(seminar, february, "count") == 4
    assert result.value(seminar, (), "expected") == 3
    assert result.value(seminar, (), "attended") == 1
    assert result.value(seminar, (), "invoiced") == Decimal("10500.00")
    assert result.value(seminar, (), "paid") == Decimal("5250.00")
    assert result.value(webinar, (), "invoiced") == Decimal("0.00")
    assert result.grand_total("count") == 5
    assert result.grand_total("paid") == Decimal("5250.00")
    assert Decimal(str(result.value(webinar, (), "score"))) == 5


def test_funnel_counts_the_stage_reached(rig: EduRig) -> None:
    result = run_pivot(rig.base, FUNNEL, PivotQuery(rows=("reached",),
                                                    measures=("count",), period=WIDE))
    counts = {h.label: result.value(h.key, (), "count") for h in result.leaf_rows}
    # Everybody was invited (5); Иванова and Петров stopped at «Документы выписаны»
    # (their invoice is paid in part); Кузнецов and Орлова went on to «Посетил».
    assert counts == {"1. Приглашение": 5, "2. Документы выписаны": 4, "3. Оплачено": 2,
                      "4. Посетил": 2}
