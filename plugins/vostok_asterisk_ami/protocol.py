"""The Asterisk Manager Interface wire protocol, without Qt: framing, parsing, actions.

Bytes from the socket go into :class:`AmiFramer`, which cuts them into complete
messages (a block of ``Key: Value`` lines ended by an empty line) *before* decoding,
so a UTF-8 character split between two reads is never garbled. The banner
(``Asterisk Call Manager/<version>``) is one line with no blank line after it.

Untrusted input: garbled, truncated or unknown messages never raise; they come out
as messages with fewer fields (or are counted as dropped).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

BANNER_PREFIX = b"Asterisk Call Manager/"
# A message larger than this without an end is garbage: drop what we have.
MAX_MESSAGE_BYTES = 256 * 1024


@dataclass(frozen=True)
class AmiMessage:
    """One AMI message. Keys can repeat (``Variable:`` lines, ``Output:`` lines)."""

    fields: tuple[tuple[str, str], ...]
    # Lines without a colon (e.g. old ``--END COMMAND--`` bodies); kept, not fatal.
    loose_lines: tuple[str, ...] = ()

    def get(self, key: str, default: str = "") -> str:
        low = key.lower()
        for k, v in self.fields:
            if k.lower() == low:
                return v
        return default

    def get_all(self, key: str) -> list[str]:
        low = key.lower()
        return [v for k, v in self.fields if k.lower() == low]

    def __contains__(self, key: str) -> bool:
        low = key.lower()
        return any(k.lower() == low for k, _ in self.fields)

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    @property
    def kind(self) -> str:
        """``event``, ``response`` or ``unknown``."""
        if "Event" in self:
            return "event"
        if "Response" in self:
            return "response"
        return "unknown"


def parse_message(block: bytes) -> AmiMessage:
    """Decode one complete message block; tolerant of anything."""
    text = block.decode("utf-8", errors="replace")
    fields: list[tuple[str, str]] = []
    loose: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line:
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key or " " in key:
            loose.append(line)
            continue
        fields.append((key, value[1:] if value.startswith(" ") else value))
    return AmiMessage(tuple(fields), tuple(loose))


@dataclass
class AmiFramer:
    """Cut a byte stream into the banner and complete messages.

    ``feed`` returns the messages completed by the new bytes. Any chunking of the same
    stream yields the same messages (property-tested).
    """

    banner: str | None = None
    dropped_bytes: int = 0
    _buffer: bytearray = field(default_factory=bytearray)
    _expect_banner: bool = True

    def reset(self) -> None:
        """A new connection: expect a banner again."""
        self._buffer.clear()
        self._expect_banner = True
        self.banner = None

    def feed(self, data: bytes) -> list[AmiMessage]:
        self._buffer += data
        out: list[AmiMessage] = []
        if self._expect_banner and not self._take_banner():
            return out
        while True:
            end, skip = _find_end(self._buffer)
            if end < 0:
                if len(self._buffer) > MAX_MESSAGE_BYTES:
                    self.dropped_bytes += len(self._buffer)
                    self._buffer.clear()
                return out
            block = bytes(self._buffer[:end])
            del self._buffer[: end + skip]
            message = parse_message(block)
            if message.fields or message.loose_lines:
                out.append(message)

    def _take_banner(self) -> bool:
        """True once the banner question is settled (taken, or the stream has none)."""
        buf = self._buffer
        head = bytes(buf[: len(BANNER_PREFIX)])
        if len(buf) < len(BANNER_PREFIX) and BANNER_PREFIX.startswith(head):
            return False  # too early to tell
        if not buf.startswith(BANNER_PREFIX):
            self._expect_banner = False
            return True
        newline = buf.find(b"\n")
        if newline < 0:
            if len(buf) > 1024:  # not a banner after all
                self._expect_banner = False
                return True
            return False
        self.banner = bytes(buf[:newline]).decode("utf-8", errors="replace").strip()
        del buf[: newline + 1]
        self._expect_banner = False
        return True


def _find_end(buf: bytearray) -> tuple[int, int]:
    """Index of the earliest message end and its length: CRLF CRLF, or LF LF from
    hand-written peers. (-1, 0) when no message is complete yet."""
    crlf = buf.find(b"\r\n\r\n")
    lf = buf.find(b"\n\n")
    if crlf < 0 and lf < 0:
        return -1, 0
    if lf < 0 or (0 <= crlf < lf):
        return crlf, 4
    return lf, 2


def _clean(value: object) -> str:
    """No CR/LF may reach the wire inside a value: that would inject a new header."""
    return str(value).replace("\r", " ").replace("\n", " ")


def format_action(action: str, fields: Iterable[tuple[str, object]] = (),
                  action_id: str | None = None) -> bytes:
    lines = [f"Action: {_clean(action)}"]
    if action_id:
        lines.append(f"ActionID: {_clean(action_id)}")
    lines += [f"{_clean(k)}: {_clean(v)}" for k, v in fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


ResponseCallback = Callable[[AmiMessage], None]


class PendingActions:
    """ActionIDs of actions sent and waiting for their Response."""

    def __init__(self, prefix: str = "vostok") -> None:
        self._prefix = prefix
        self._counter: Iterator[int] = itertools.count(1)
        self._pending: dict[str, tuple[str, ResponseCallback | None]] = {}

    def new(self, action: str, callback: ResponseCallback | None = None) -> str:
        action_id = f"{self._prefix}-{next(self._counter)}"
        self._pending[action_id] = (action, callback)
        return action_id

    def resolve(self, message: AmiMessage) -> tuple[str, ResponseCallback | None] | None:
        """If ``message`` answers one of ours, forget it and return (action, callback)."""
        if message.kind != "response":
            return None
        return self._pending.pop(message.action_id, None)

    def action_of(self, action_id: str) -> str | None:
        item = self._pending.get(action_id)
        return item[0] if item else None

    def clear(self) -> list[tuple[str, ResponseCallback | None]]:
        items = list(self._pending.values())
        self._pending.clear()
        return items

    def __len__(self) -> int:
        return len(self._pending)


# --------------------------------------------------------------------------
# Channels
# --------------------------------------------------------------------------

KNOWN_TECHNOLOGIES = ("PJSIP", "SIP", "IAX2", "Local", "DAHDI")


def channel_technology(channel: str) -> str:
    return channel.partition("/")[0] if "/" in channel else ""


def channel_extension(channel: str) -> str:
    """The endpoint of a channel name: ``PJSIP/101-0000002a`` -> ``101``,
    ``SIP/101-00000001`` -> ``101``, ``Local/101@from-queue-00000005;2`` -> ``101``."""
    if "/" not in channel:
        return ""
    tech, _, rest = channel.partition("/")
    if tech.lower() == "local":
        return rest.partition("@")[0]
    # The suffix after the last dash is the channel's sequence number.
    base, dash, suffix = rest.rpartition("-")
    return base if dash and suffix else rest
