"""The call simulator plays scripted calls on a Qt event loop."""

from __future__ import annotations

from vostok_call_simulator.provider import SimulatedProvider
from vostok_desktop.plugins import CallDirection, CallEvent, CallEventKind, ProviderState


def test_scripted_answered_and_missed_calls(qtbot) -> None:  # noqa: ANN001
    provider = SimulatedProvider("101")
    events: list[CallEvent] = []
    provider.add_call_listener(events.append)
    provider.start()
    assert provider.status.state is ProviderState.CONNECTED
    provider.simulate_incoming("+7 916 123-45-67", caller_name="Иванова",
                               answer_after_s=0.05, talk_s=0.05)
    provider.simulate_incoming("+7 913 000-00-01", answer_after_s=None, ring_timeout_s=0.1)
    qtbot.waitUntil(lambda: len(events) == 5, timeout=15000)
    first = [e.kind for e in events if e.number == "+7 916 123-45-67"]
    second = [e for e in events if e.number == "+7 913 000-00-01"]
    assert first == [CallEventKind.RINGING, CallEventKind.ANSWERED, CallEventKind.HANGUP]
    assert [e.kind for e in second] == [CallEventKind.RINGING, CallEventKind.HANGUP]
    assert second[-1].answered is False and events[0].extension == "101"


def test_transfer_and_originate(qtbot) -> None:  # noqa: ANN001
    provider = SimulatedProvider("101")
    events: list[CallEvent] = []
    provider.add_call_listener(events.append)
    call_id = provider.simulate_incoming("+7 916 123-45-67", answer_after_s=0.01, talk_s=60)
    qtbot.waitUntil(lambda: len(events) == 2, timeout=15000)
    provider.transfer(call_id, "102")
    assert [e.kind for e in events[-2:]] == [CallEventKind.TRANSFERRED, CallEventKind.HANGUP]
    assert events[-1].transferred_to == "102"
    provider.originate("89161234567")
    assert events[-1].direction is CallDirection.OUTGOING
    assert provider.actions == [("transfer", call_id, "102"), ("originate", "89161234567",
                                                               "101")]
    provider.stop()
