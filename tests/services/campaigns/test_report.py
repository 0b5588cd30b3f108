"""«Итоги кампаний обзвона» on both dialects: contacts by campaign × result and by
operator, with the talk minutes of the calls in the call log."""

from __future__ import annotations

from datetime import timedelta

from vostok_reports.campaigns import CAMPAIGN_RESULTS

from tests.services.campaigns.rig import make_rig
from tests.services.campaigns.test_campaigns import _active, _reason, _result
from vostok_desktop.domain import Call, CallDirection
from vostok_desktop.domain.base import utcnow
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns import queue
from vostok_desktop.services.reports.catalogue import report_catalogue
from vostok_desktop.services.reports.pivot import PivotQuery, run_pivot


def test_results_by_campaign_result_and_operator(empty_base) -> None:  # noqa: ANN001
    rig = make_rig(empty_base)
    assert report_catalogue(load_plugins()).get("campaign_results").title == \
        "Итоги кампаний обзвона"
    cid = _active(rig, cmp.Source(client_ids=[rig.clients["romashka"], rig.clients["astra"],
                                              rig.clients["gvozdika"]]))
    tm1, tm2 = rig.employees["tm1"], rig.employees["tm2"]
    now = utcnow()
    with rig.base.sessions.begin() as s:
        calls = []
        for n, (who, seconds) in enumerate(((tm1, 90), (tm2, 150))):
            call = Call(provider="call_simulator", provider_call_id=f"r{n}",
                        direction=CallDirection.OUTGOING, extension=str(n), employee_id=who,
                        started_at=now, answered_at=now,
                        ended_at=now + timedelta(seconds=seconds), duration_s=seconds,
                        answered=True)
            s.add(call)
            s.flush()
            calls.append(call.id)
    first = queue.next_item(rig.base, cid, tm1)
    queue.save_result(rig.base, first, tm1, _result(rig, "Назначена встреча").id,
                      call_id=calls[0])
    second = queue.next_item(rig.base, cid, tm2)
    queue.save_result(rig.base, second, tm2, _result(rig, "Отказ").id,
                      refusal_reason_id=_reason(rig, "Дорого"), call_id=calls[1])
    result = run_pivot(rig.base, CAMPAIGN_RESULTS, CAMPAIGN_RESULTS.default_query())
    assert result.grand_total("count") == 3
    assert float(result.grand_total("talk_minutes")) == 4.0
    by_operator = run_pivot(rig.base, CAMPAIGN_RESULTS, PivotQuery(
        rows=("operator",), measures=("count", "refusals", "talk_minutes")))
    cells = {h.label: (by_operator.value(h.key, (), "count"),
                       by_operator.value(h.key, (), "refusals"),
                       float(by_operator.value(h.key, (), "talk_minutes") or 0))
             for h in by_operator.leaf_rows}
    assert cells["Тимофеева Таисия"] == (1, 0, 1.5)
    assert cells["Уварова Ульяна"] == (1, 1, 2.5)
