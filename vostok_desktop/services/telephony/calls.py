"""The live state of the calls on this workstation's extension, as PBX events arrive.

No Qt here: the telephony controller feeds every ``CallEvent`` to a ``CallTracker`` and
shows what comes back (the informer popup, the call log journal); tests feed events and
clock readings directly. Times are readings of one clock the caller chooses (by default
``time.monotonic()``, which the informer's talk timer also reads), so durations are
plain differences and never depend on the PBX's own clock.

A call is tracked from its first event until its hang-up; an event for a call never seen
(a replay after a reconnect, a leg that started before the program) starts tracking it
anew, and never touches the other calls.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vostok_desktop.domain import CallDirection, CallEvent, CallEventKind
from vostok_desktop.services.telephony.caller_lookup import CallerInfo

# Who the caller is, looked up once, on the first event of a call.
CallerLookupFn = Callable[[str], CallerInfo]


class CallPhase(enum.StrEnum):
    """What the informer says about a call (its values are the popup's state names)."""

    RINGING = "ringing"
    TALKING = "talking"
    TRANSFERRED = "transferred"
    ENDED = "ended"  # hung up after a talk
    MISSED = "missed"  # hung up without anybody on this extension answering


@dataclass(frozen=True)
class CallState:
    """One call as it stands after its latest event."""

    event: CallEvent  # the latest event of the call
    phase: CallPhase
    started_at: float  # clock reading at the first event seen
    answered_at: float | None = None  # at the (latest) answer; None: not answered yet
    ended_at: float | None = None  # at the hang-up
    answered: bool = False  # somebody on this extension talked (an answer, or the PBX says so)
    transferred_to: str | None = None  # the target of the latest transfer
    caller: CallerInfo | None = None

    @property
    def call_id(self) -> str:
        return self.event.call_id

    @property
    def provider(self) -> str:
        return self.event.provider

    @property
    def direction(self) -> CallDirection:
        return self.event.direction

    @property
    def finished(self) -> bool:
        return self.ended_at is not None

    def _until(self, now: float | None) -> float | None:
        return self.ended_at if self.ended_at is not None else now

    def talk_s(self, now: float | None = None) -> float | None:
        """Talk time: from the answer to the hang-up (or to ``now`` while it goes on);
        None when the call was not answered (or is going on and ``now`` is not given)."""
        end = self._until(now)
        if self.answered_at is None or end is None:
            return None
        return max(0.0, end - self.answered_at)

    def duration_s(self, now: float | None = None) -> float | None:
        """The whole call, ringing included: from its first event to the hang-up (or to
        ``now`` while it goes on)."""
        end = self._until(now)
        return None if end is None else max(0.0, end - self.started_at)


@dataclass(frozen=True)
class CallUpdate:
    """What one event changed."""

    call: CallState  # the call after the event
    previous: CallState | None  # before it; None: the first event seen of this call

    @property
    def event(self) -> CallEvent:
        return self.call.event

    @property
    def is_new(self) -> bool:
        return self.previous is None

    @property
    def finished(self) -> bool:
        """The call hung up: it is no longer tracked."""
        return self.event.kind is CallEventKind.HANGUP

    @property
    def journal_changed(self) -> bool:
        """The call log gained a row (ringing) or a row got its outcome (hang-up)."""
        return self.event.kind in (CallEventKind.RINGING, CallEventKind.HANGUP)


def next_phase(previous: CallState | None, event: CallEvent) -> CallPhase:
    """The phase of a call after ``event``; a transferred call stays «transferred» when
    it hangs up."""
    if event.kind is CallEventKind.TRANSFERRED:
        return CallPhase.TRANSFERRED
    if event.kind is CallEventKind.HANGUP:
        if previous is not None and previous.phase is CallPhase.TRANSFERRED:
            return CallPhase.TRANSFERRED
        talked = previous is not None and previous.answered_at is not None
        return CallPhase.ENDED if talked or event.answered else CallPhase.MISSED
    if event.kind is CallEventKind.ANSWERED:
        return CallPhase.TALKING
    return CallPhase.RINGING


class CallTracker:
    """The calls going on, keyed by the provider's call id."""

    def __init__(self, lookup: CallerLookupFn | None = None) -> None:
        self.lookup = lookup
        self._calls: dict[str, CallState] = {}
        # Which provider each call came from (kept after the hang-up): where a transfer
        # of that call is sent.
        self._providers: dict[str, str] = {}

    def apply(self, event: CallEvent, now: float | None = None) -> CallUpdate:
        """Take one event at clock reading ``now`` (default ``time.monotonic()``)."""
        now = time.monotonic() if now is None else now
        self._providers[event.call_id] = event.provider
        previous = self._calls.get(event.call_id)
        if previous is not None:
            caller = previous.caller
        else:
            caller = self.lookup(event.number) if self.lookup is not None else None
        answered_at = previous.answered_at if previous is not None else None
        if event.kind is CallEventKind.ANSWERED:
            answered_at = now
        answered = (answered_at is not None or (previous is not None and previous.answered)
                    or (event.kind is CallEventKind.HANGUP and event.answered))
        transferred_to = previous.transferred_to if previous is not None else None
        if event.kind is CallEventKind.TRANSFERRED:
            transferred_to = event.transferred_to
        call = CallState(
            event=event, phase=next_phase(previous, event),
            started_at=previous.started_at if previous is not None else now,
            answered_at=answered_at,
            ended_at=now if event.kind is CallEventKind.HANGUP else None,
            answered=answered, transferred_to=transferred_to, caller=caller)
        if event.kind is CallEventKind.HANGUP:
            self._calls.pop(event.call_id, None)
        else:
            self._calls[event.call_id] = call
        return CallUpdate(call, previous)

    def get(self, call_id: str) -> CallState | None:
        return self._calls.get(call_id)

    def active(self) -> list[CallState]:
        """The calls not hung up yet, oldest first."""
        return list(self._calls.values())

    def provider_of(self, call_id: str) -> str | None:
        """The provider of a call seen (hung up or not); None for a call never seen."""
        return self._providers.get(call_id)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[CallState]:
        return iter(list(self._calls.values()))


__all__ = ["CallPhase", "CallState", "CallTracker", "CallUpdate", "CallerLookupFn",
           "next_phase"]
