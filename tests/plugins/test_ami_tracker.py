"""The call tracker on byte replays of what Asterisk sends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plugins import ami_scenarios as sc
from vostok_asterisk_ami.protocol import AmiFramer
from vostok_asterisk_ami.tracker import CallTracker
from vostok_desktop.plugins import CallDirection, CallEvent, CallEventKind

R, A, H, T = (CallEventKind.RINGING, CallEventKind.ANSWERED, CallEventKind.HANGUP,
              CallEventKind.TRANSFERRED)


def replay(messages: list[sc.Fields], extensions: set[str] | None = None,
           tracker: CallTracker | None = None, chunk: int | None = None) -> list[CallEvent]:
    tracker = tracker or CallTracker(extensions)
    data = b"Asterisk Call Manager/11.0.0\r\n" + sc.encode(messages)
    framer = AmiFramer()
    events: list[CallEvent] = []
    step = chunk or len(data)
    for i in range(0, len(data), step):
        for message in framer.feed(data[i:i + step]):
            events += tracker.feed(message)
    return events


def kinds(events: list[CallEvent]) -> list[tuple[CallEventKind, str]]:
    return [(e.kind, e.extension) for e in events]


def test_answered_incoming_call() -> None:
    events = replay(sc.answered_call(), {"101"})
    assert kinds(events) == [(R, "101"), (A, "101"), (H, "101")]
    ringing = events[0]
    assert ringing.direction is CallDirection.INCOMING
    assert ringing.number == sc.CLIENT_NUMBER  # not the operator's own CallerIDNum
    assert ringing.caller_name == sc.CLIENT_NAME
    assert ringing.call_id == "1700000000.10"
    assert events[-1].answered is True


def test_missed_call() -> None:
    events = replay(sc.missed_call(), {"101"})
    assert kinds(events) == [(R, "101"), (H, "101")]
    assert events[-1].answered is False


def test_blind_transfer_seen_by_both_extensions() -> None:
    mine = replay(sc.transferred_call(), {"101"})
    assert kinds(mine) == [(R, "101"), (A, "101"), (T, "101"), (H, "101")]
    assert mine[2].transferred_to == "102"
    theirs = replay(sc.transferred_call(), {"102"})
    assert kinds(theirs) == [(R, "102"), (A, "102"), (H, "102")]
    assert theirs[0].number == sc.CLIENT_NUMBER


def test_redirect_we_asked_for_is_reported_as_transfer() -> None:
    tracker = CallTracker({"101"})
    first = replay(sc.answered_prefix(), tracker=tracker)
    assert kinds(first) == [(R, "101"), (A, "101")]
    leg = tracker.leg_for_call("1700000000.10")
    assert leg is not None and leg.peer_channel == "PJSIP/rostelecom-0000000a"
    tracker.expect_transfer("1700000000.10", "102")
    rest = replay(sc.redirected_after_answer(), tracker=tracker)
    assert kinds(rest) == [(T, "101"), (H, "101")]
    assert rest[0].transferred_to == "102"


def test_ring_group_through_local_channels() -> None:
    events = replay(sc.ring_group_call(), {"101"})
    assert kinds(events) == [(R, "101"), (A, "101"), (H, "101")]
    assert events[0].number == sc.CLIENT_NUMBER


def test_old_chan_sip_channels() -> None:
    events = replay(sc.answered_call(tech="SIP"), {"101"})
    assert kinds(events) == [(R, "101"), (A, "101"), (H, "101")]


def test_other_extensions_are_not_reported() -> None:
    assert replay(sc.answered_call(), {"555"}) == []


def test_originate_is_an_outgoing_call() -> None:
    tracker = CallTracker({"101"})
    tracker.expect_originate("79161234567")
    events = replay(sc.originate_events("101", "79161234567", "vostok-9"), tracker=tracker)
    assert kinds(events) == [(R, "101"), (A, "101"), (H, "101")]
    assert {e.direction for e in events} == {CallDirection.OUTGOING}
    assert events[0].number == "79161234567"


def test_reset_ends_open_legs() -> None:
    tracker = CallTracker({"101"})
    replay(sc.answered_prefix(), tracker=tracker)
    (hangup,) = tracker.reset()
    assert hangup.kind is H and hangup.answered


def test_malformed_events_are_ignored() -> None:
    tracker = CallTracker({"101"})
    broken = [[("Event", "DialBegin"), ("DestChannel", "PJSIP/101-1")],
              [("Event", "Hangup")], [("Event", "BridgeEnter"), ("Uniqueid", "x")],
              [("Event", "BlindTransfer"), ("Result", "Success")]]
    assert replay(broken, tracker=tracker) == []
    assert kinds(replay(sc.answered_call(), tracker=tracker)) == [(R, "101"), (A, "101"),
                                                                  (H, "101")]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=97))
def test_same_calls_whatever_the_chunk_size(chunk: int) -> None:
    stream = sc.answered_call() + sc.missed_call() + sc.transferred_call()
    whole = [(e.kind, e.call_id, e.number, e.caller_name)
             for e in replay(stream, {"101"})]
    chunked = [(e.kind, e.call_id, e.number, e.caller_name)
               for e in replay(stream, {"101"}, chunk=chunk)]
    assert chunked == whole
    assert len(whole) == 3 + 2 + 4


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sc.answered_call() + sc.missed_call() + sc.transferred_call()
                                + sc.ring_group_call()), max_size=40))
def test_events_in_any_order_never_crash(messages: list[sc.Fields]) -> None:
    replay(messages, {"101"})
