"""The call state the informer shows: phases, who answered, transfers, durations.

Plain Python, no Qt: events and clock readings go in directly, nothing sleeps.
"""

from __future__ import annotations

from vostok_desktop.domain import CallDirection, CallEvent, CallEventKind
from vostok_desktop.services.telephony.caller_lookup import CallerInfo
from vostok_desktop.services.telephony.calls import CallPhase, CallTracker

NUMBER = "+7 (495) 123-45-67"


def event(kind: CallEventKind, call_id: str = "c-1", *, direction=CallDirection.INCOMING,
          number: str = NUMBER, provider: str = "call_simulator", answered: bool = False,
          transferred_to: str | None = None) -> CallEvent:
    return CallEvent(kind, call_id, direction, number, "101", provider=provider,
                     answered=answered, transferred_to=transferred_to)


def ring(tracker: CallTracker, call_id: str, at: float, **kw) -> None:
    tracker.apply(event(CallEventKind.RINGING, call_id, **kw), at)


def test_an_answered_call_shows_its_talk_time_and_ends_after_the_hang_up() -> None:
    tracker = CallTracker()
    first = tracker.apply(event(CallEventKind.RINGING), 100.0)
    assert first.is_new and first.call.phase is CallPhase.RINGING
    assert first.call.talk_s(now=104.0) is None  # nobody talks while it rings

    answered = tracker.apply(event(CallEventKind.ANSWERED), 105.0)
    assert not answered.is_new
    assert answered.call.phase is CallPhase.TALKING and answered.call.answered
    assert answered.call.talk_s(now=135.0) == 30.0  # the popup's timer while talking

    hung_up = tracker.apply(event(CallEventKind.HANGUP, answered=True), 172.0)
    assert hung_up.finished and hung_up.call.phase is CallPhase.ENDED
    assert hung_up.call.talk_s() == 67.0  # answer to hang-up
    assert hung_up.call.talk_s(now=500.0) == 67.0  # a finished call's time stays
    assert hung_up.call.duration_s() == 72.0  # ringing included
    assert "c-1" not in tracker and tracker.active() == []


def test_ringing_then_hang_up_without_an_answer_is_a_missed_call() -> None:
    tracker = CallTracker()
    ring(tracker, "c-1", 10.0)
    update = tracker.apply(event(CallEventKind.HANGUP), 25.0)
    assert update.call.phase is CallPhase.MISSED
    assert not update.call.answered and update.call.answered_at is None
    assert update.call.talk_s() is None
    assert update.call.duration_s() == 15.0
    assert len(tracker) == 0


def test_the_pbx_saying_it_was_answered_on_hang_up_means_ended_not_missed() -> None:
    tracker = CallTracker()
    ring(tracker, "c-1", 10.0)
    update = tracker.apply(event(CallEventKind.HANGUP, answered=True), 40.0)
    assert update.call.phase is CallPhase.ENDED and update.call.answered
    assert update.call.talk_s() is None  # the moment of the answer is not known


def test_a_transferred_call_stays_transferred_when_it_hangs_up() -> None:
    tracker = CallTracker()
    ring(tracker, "c-1", 0.0)
    tracker.apply(event(CallEventKind.ANSWERED), 3.0)
    moved = tracker.apply(event(CallEventKind.TRANSFERRED, transferred_to="102"), 20.0)
    assert moved.call.phase is CallPhase.TRANSFERRED
    assert moved.call.transferred_to == "102"
    assert "c-1" in tracker  # still on the line until it hangs up

    hung_up = tracker.apply(event(CallEventKind.HANGUP), 21.0)
    assert hung_up.call.phase is CallPhase.TRANSFERRED  # not «missed», not «ended»
    assert hung_up.call.transferred_to == "102"  # kept though the hang-up names nobody
    assert hung_up.call.answered and hung_up.call.talk_s() == 18.0


def test_a_call_transferred_before_anyone_answered_is_not_missed() -> None:
    tracker = CallTracker()
    ring(tracker, "c-1", 0.0)
    tracker.apply(event(CallEventKind.TRANSFERRED, transferred_to="103"), 5.0)
    update = tracker.apply(event(CallEventKind.HANGUP), 6.0)
    assert update.call.phase is CallPhase.TRANSFERRED and not update.call.answered


def test_several_calls_keep_their_own_state() -> None:
    tracker = CallTracker()
    ring(tracker, "a", 0.0)
    ring(tracker, "b", 1.0)
    tracker.apply(event(CallEventKind.ANSWERED, "a"), 2.0)
    tracker.apply(event(CallEventKind.HANGUP, "b"), 8.0)
    assert [c.call_id for c in tracker.active()] == ["a"]
    a = tracker.get("a")
    assert a is not None and a.phase is CallPhase.TALKING and a.talk_s(now=12.0) == 10.0
    assert tracker.get("b") is None


def test_an_event_for_an_unknown_call_id_leaves_the_other_calls_alone() -> None:
    tracker = CallTracker()
    ring(tracker, "a", 0.0)
    tracker.apply(event(CallEventKind.ANSWERED, "a"), 4.0)
    before = tracker.get("a")

    # A hang-up of a call never seen (garbled id, a replay after a reconnect): its own
    # outcome, nothing tracked, the live call untouched.
    stray = tracker.apply(event(CallEventKind.HANGUP, "\x00garbled"), 5.0)
    assert stray.is_new and stray.call.phase is CallPhase.MISSED
    assert "\x00garbled" not in tracker
    # An answer of a call never seen is a new call of its own, not a ringing one.
    other = tracker.apply(event(CallEventKind.ANSWERED, ""), 6.0)
    assert other.is_new and other.call.phase is CallPhase.TALKING

    assert tracker.get("a") == before
    finished = tracker.apply(event(CallEventKind.HANGUP, "a"), 34.0)
    assert finished.call.phase is CallPhase.ENDED and finished.call.talk_s() == 30.0


def test_a_hang_up_seen_twice_does_not_bring_the_call_back() -> None:
    tracker = CallTracker()
    ring(tracker, "c-1", 0.0)
    tracker.apply(event(CallEventKind.HANGUP), 5.0)
    again = tracker.apply(event(CallEventKind.HANGUP), 6.0)
    assert again.is_new and "c-1" not in tracker and len(tracker) == 0


def test_the_caller_is_looked_up_once_per_call() -> None:
    asked: list[str] = []

    def lookup(number: str) -> CallerInfo:
        asked.append(number)
        return CallerInfo(number, "74951234567")

    tracker = CallTracker(lookup)
    ring(tracker, "c-1", 0.0)
    tracker.apply(event(CallEventKind.ANSWERED), 1.0)
    update = tracker.apply(event(CallEventKind.HANGUP), 2.0)
    assert asked == [NUMBER]
    assert update.call.caller == CallerInfo(NUMBER, "74951234567")


def test_a_transfer_goes_to_the_provider_the_call_came_from() -> None:
    tracker = CallTracker()
    ring(tracker, "ami-1", 0.0, provider="asterisk_ami")
    ring(tracker, "sim-1", 0.0, provider="call_simulator")
    assert tracker.provider_of("ami-1") == "asterisk_ami"
    assert tracker.provider_of("sim-1") == "call_simulator"
    assert tracker.provider_of("never-seen") is None


def test_the_journal_changes_on_ringing_and_hang_up_only() -> None:
    tracker = CallTracker()
    kinds = [CallEventKind.RINGING, CallEventKind.ANSWERED,
             CallEventKind.TRANSFERRED, CallEventKind.HANGUP]
    changed = [tracker.apply(event(kind, transferred_to="102"), float(i)).journal_changed
               for i, kind in enumerate(kinds)]
    assert changed == [True, False, False, True]


def test_an_outgoing_call_has_the_same_phases() -> None:
    tracker = CallTracker()
    kw = {"direction": CallDirection.OUTGOING}
    ring(tracker, "out-1", 0.0, **kw)
    tracker.apply(event(CallEventKind.ANSWERED, "out-1", **kw), 7.0)
    update = tracker.apply(event(CallEventKind.HANGUP, "out-1", **kw), 19.0)
    assert update.call.direction is CallDirection.OUTGOING
    assert update.call.phase is CallPhase.ENDED and update.call.talk_s() == 12.0
