"""The demo base's call campaigns: one closed, one going on, one in preparation, 150
contacts in all, the worked ones with results, reasons and talk time from the call log."""

from __future__ import annotations

from sqlalchemy import select

from vostok_desktop.domain import Call
from vostok_desktop.domain.campaigns import CallResult, CampaignItem, CampaignStatus
from vostok_desktop.services.campaigns import campaigns as cmp


def test_demo_has_three_campaigns_with_results(demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        rows = cmp.list_campaigns(s)
        assert {r.status for r in rows} == set(CampaignStatus)
        assert 120 <= sum(r.total for r in rows) <= 150
        closed = next(r for r in rows if r.status is CampaignStatus.CLOSED)
        active = next(r for r in rows if r.status is CampaignStatus.ACTIVE)
        draft = next(r for r in rows if r.status is CampaignStatus.DRAFT)
        assert closed.done == closed.total > 0
        assert 0 < active.done < active.total
        assert draft.done == 0 and draft.total > 0
        p = cmp.progress(s, closed.id)
        assert p.talk_seconds > 0 and "Отказ" in dict(p.by_result) and p.by_reason
        assert cmp.operator_results(s, active.id)
        # Every refusal has its reason; talk time is the call's.
        for item, is_refusal, duration in s.execute(
                select(CampaignItem, CallResult.is_refusal, Call.duration_s)
                .join(CallResult, CallResult.id == CampaignItem.result_id)
                .join(Call, Call.id == CampaignItem.call_id)):
            assert not is_refusal or item.refusal_reason_id is not None
            assert item.talk_seconds == duration
