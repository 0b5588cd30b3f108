"""The demo base's education data: ten events (held and coming), about two hundred
participants over every stage, invoices through the money documents (some paid), feedback,
certificates and norms — on both dialects."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from vostok_desktop.domain.education import (
    EducationEvent,
    EventParticipant,
    EventStatus,
    TrainingNorm,
)
from vostok_desktop.services.education.participants import list_participants
from vostok_desktop.services.education.summary import event_summary


def test_the_demo_has_events_participants_invoices_and_norms(demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        statuses = Counter(s.scalars(select(EducationEvent.status)))
        assert statuses == {EventStatus.HELD: 6, EventStatus.PLANNED: 4}
        stages = Counter(s.scalars(select(EventParticipant.stage)))
        assert len(stages) == 4 and 180 <= sum(stages.values()) <= 260
        assert s.scalar(select(func.count()).where(EventParticipant.invoice_id.is_not(None))) > 50
        assert s.scalar(select(func.count()).where(
            EventParticipant.certificate_handed_at.is_not(None))) > 10
        assert s.scalar(select(func.count()).select_from(TrainingNorm)) == 3
        events = list(s.scalars(select(EducationEvent.id).order_by(EducationEvent.starts_at)))
    first = event_summary(demo_base, events[0])
    assert first.invoiced > 0 and 0 < first.paid <= first.invoiced
    assert first.attended > 0 and first.average_score is not None
    rows = list_participants(demo_base, events[0])
    # The invoiced participants' client is the invoice's and their contact's.
    assert all(r.invoice_number for r in rows if r.invoice_id)
