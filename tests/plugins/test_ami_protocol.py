"""AMI framing and parsing: byte replays and hypothesis properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plugins import ami_scenarios as sc
from vostok_asterisk_ami.protocol import (
    AmiFramer,
    PendingActions,
    channel_extension,
    format_action,
    parse_message,
)

STREAM = b"Asterisk Call Manager/5.0.5\r\n" + sc.encode(
    sc.answered_call() + sc.missed_call() + sc.transferred_call())
EXPECTED = AmiFramer().feed(STREAM)


def _feed_in_chunks(data: bytes, cuts: list[int]) -> tuple[AmiFramer, list]:
    framer = AmiFramer()
    out = []
    start = 0
    for cut in sorted(set(c % (len(data) + 1) for c in cuts)) + [len(data)]:
        out += framer.feed(data[start:cut])
        start = cut
    return framer, out


def test_banner_and_messages() -> None:
    framer = AmiFramer()
    messages = framer.feed(STREAM)
    assert framer.banner == "Asterisk Call Manager/5.0.5"
    assert len(messages) == len(sc.answered_call() + sc.missed_call() + sc.transferred_call())
    assert messages[0].event == "Newchannel"
    assert messages[0].get("CallerIDName") == "Иванова Анна"


def test_banner_without_blank_line_then_response_in_the_same_read() -> None:
    framer = AmiFramer()
    messages = framer.feed(b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n"
                           b"ActionID: vostok-1\r\nMessage: Authentication accepted\r\n\r\n")
    assert framer.banner == "Asterisk Call Manager/11.0.0"
    assert [(m.kind, m.action_id) for m in messages] == [("response", "vostok-1")]


def test_utf8_split_between_reads_is_not_garbled() -> None:
    data = "Event: Newchannel\r\nCallerIDName: Иванова Анна\r\n\r\n".encode()
    split = data.index("Иванова".encode()) + 1  # inside the two bytes of «И»
    framer = AmiFramer()
    assert framer.feed(b"Asterisk Call Manager/11.0.0\r\n" + data[:split]) == []
    (message,) = framer.feed(data[split:])
    assert message.get("CallerIDName") == "Иванова Анна"


def test_repeated_keys_and_loose_lines() -> None:
    message = parse_message(b"Response: Follows\r\nVariable: A=1\r\nVariable: B=2\r\n"
                            b"--END COMMAND--")
    assert message.get_all("variable") == ["A=1", "B=2"]
    assert message.loose_lines == ("--END COMMAND--",)


def test_garbled_and_unknown_messages_do_not_stop_the_stream() -> None:
    framer = AmiFramer()
    out = framer.feed(b"\xff\xfe garbage\r\n\r\nEvent: NoSuchEvent\r\nX: y\r\n\r\n"
                      b": no key\r\n\r\nEvent: Hangup\r\nUniqueid: 1\r\n\r\nEvent: Trunc")
    assert [m.event for m in out if m.kind == "event"] == ["NoSuchEvent", "Hangup"]


def test_format_action_never_injects_headers() -> None:
    data = format_action("Originate", [("Exten", "101\r\nAction: Logoff")], "vostok-7")
    assert data.count(b"\r\n\r\n") == 1 and data.endswith(b"\r\n\r\n")
    assert b"\r\nAction: Logoff" not in data
    message = parse_message(data[:-4])
    assert message.get("ActionID") == "vostok-7"


def test_action_ids_match_responses() -> None:
    pending = PendingActions()
    got = []
    first = pending.new("Ping", got.append)
    second = pending.new("Redirect")
    (reply,) = AmiFramer().feed(f"Response: Success\r\nActionID: {first}\r\n\r\n".encode())
    resolved = pending.resolve(reply)
    assert resolved is not None and resolved[0] == "Ping"
    assert pending.resolve(reply) is None  # answered once only
    assert len(pending) == 1 and pending.action_of(second) == "Redirect"


def test_channel_extension() -> None:
    assert channel_extension("PJSIP/101-0000002a") == "101"
    assert channel_extension("SIP/101-00000001") == "101"
    assert channel_extension("PJSIP/my-trunk-00000001") == "my-trunk"
    assert channel_extension("Local/101@from-queue-00000005;2") == "101"
    assert channel_extension("garbage") == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_arbitrary_bytes_never_crash(chunks: list[bytes]) -> None:
    framer = AmiFramer()
    for chunk in chunks:
        for message in framer.feed(chunk):
            assert message.kind in ("event", "response", "unknown")
            message.get("Event")
            message.get_all("Variable")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=60))
def test_any_chunking_yields_the_same_messages(cuts: list[int]) -> None:
    framer, out = _feed_in_chunks(STREAM, cuts)
    assert out == EXPECTED
    assert framer.banner == "Asterisk Call Manager/5.0.5"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=30))
def test_any_chunking_of_any_bytes_is_the_same(data: bytes, cuts: list[int]) -> None:
    whole = AmiFramer().feed(data)
    _framer, out = _feed_in_chunks(data, cuts)
    assert out == whole
