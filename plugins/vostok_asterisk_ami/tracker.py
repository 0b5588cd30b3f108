"""Turn AMI call events into calls on my extension(s), without Qt.

Facts checked against Asterisk 22 (and its source for 16), see the telephony issue:

* a call's events are grouped by ``Linkedid``;
* the extension being rung is ``DialBegin``'s ``DestChannel`` with the technology and
  the ``-suffix`` stripped (``PJSIP/101-0000002a`` is 101); ``Local/`` channels sit in
  between on FreePBX ring groups and are looked through;
* on the operator's leg ``CallerIDNum`` is the operator: the client is
  ``ConnectedLineNum`` there (``DestConnectedLineNum`` in DialBegin), or the trunk
  leg's ``CallerIDNum``;
* answered = ``DialEnd`` with ``DialStatus: ANSWER`` followed by ``BridgeEnter`` of
  that channel; the end is ``Hangup``;
* a blind transfer is the ``BlindTransfer`` event, or (after a ``Redirect`` of the
  client's leg) a new ``DialBegin`` of the same call towards another extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from vostok_asterisk_ami.protocol import AmiMessage, channel_extension, channel_technology
from vostok_desktop.plugins import CallDirection, CallEvent, CallEventKind

PROVIDER_ID = "asterisk_ami"
_UNKNOWN = {"", "<unknown>", "unknown"}


def _value(value: str) -> str:
    return "" if value.strip().lower() in _UNKNOWN else value.strip()


@dataclass
class _Channel:
    uniqueid: str
    name: str
    linkedid: str
    caller_num: str = ""
    caller_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    exten: str = ""


@dataclass
class Leg:
    """One call as seen from one of my extensions."""

    call_id: str  # the Linkedid
    channel_uniqueid: str
    channel: str
    extension: str
    direction: CallDirection
    number: str
    caller_name: str = ""
    peer_channel: str = ""  # the client's leg (Redirect target)
    answer_pending: bool = False
    answered: bool = False
    transferred_to: str | None = None


class CallTracker:
    """Feed AMI events in arrival order; get :class:`CallEvent` values back.

    ``extensions``: the extensions to report (``None``: every endpoint, for tests
    and a supervisor's view).
    """

    def __init__(self, extensions: set[str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.extensions = extensions
        self._clock = clock or (lambda: datetime.now(UTC))
        self._channels: dict[str, _Channel] = {}
        self._legs: dict[str, Leg] = {}  # by my channel's Uniqueid
        self._pending_originates: list[str] = []
        self._requested_transfers: dict[str, str] = {}
        self.ignored = 0  # events that named nothing we know (not an error)

    # -- queries --------------------------------------------------------------------
    def legs(self) -> list[Leg]:
        return list(self._legs.values())

    def leg_for_call(self, call_id: str) -> Leg | None:
        return next((leg for leg in self._legs.values() if leg.call_id == call_id), None)

    def expect_originate(self, number: str) -> None:
        """Our Originate is on its way: the next leg rung without a caller is ours."""
        self._pending_originates.append(number)

    def expect_transfer(self, call_id: str, extension: str) -> None:
        """We sent a Redirect of the client's leg to ``extension``."""
        self._requested_transfers[call_id] = extension

    def reset(self) -> list[CallEvent]:
        """The connection dropped: what we knew is stale; end the open legs."""
        events = [self._event(CallEventKind.HANGUP, leg) for leg in self._legs.values()]
        self._channels.clear()
        self._legs.clear()
        self._pending_originates.clear()
        self._requested_transfers.clear()
        return events

    # -- feeding --------------------------------------------------------------------
    def feed(self, message: AmiMessage) -> list[CallEvent]:
        handler = _HANDLERS.get(message.event.lower())
        if handler is None:
            return []
        try:
            return handler(self, message)
        except (KeyError, ValueError, AttributeError):
            self.ignored += 1  # a malformed event must not stop the tracker
            return []

    def _is_mine(self, extension: str) -> bool:
        return bool(extension) and (self.extensions is None or extension in self.extensions)

    def _remember(self, message: AmiMessage, prefix: str = "") -> _Channel | None:
        uniqueid = message.get(prefix + "Uniqueid")
        name = message.get(prefix + "Channel")
        if not uniqueid or not name:
            return None
        channel = self._channels.get(uniqueid)
        linkedid = message.get(prefix + "Linkedid") or message.get("Linkedid") or uniqueid
        if channel is None:
            channel = _Channel(uniqueid, name, linkedid)
            self._channels[uniqueid] = channel
        channel.name = name
        channel.linkedid = linkedid or channel.linkedid
        for attr, key in (("caller_num", "CallerIDNum"), ("caller_name", "CallerIDName"),
                          ("connected_num", "ConnectedLineNum"),
                          ("connected_name", "ConnectedLineName"), ("exten", "Exten")):
            if prefix + key in message:
                setattr(channel, attr, _value(message.get(prefix + key)))
        return channel

    def _event(self, kind: CallEventKind, leg: Leg) -> CallEvent:
        return CallEvent(kind=kind, call_id=leg.call_id, direction=leg.direction,
                         number=leg.number, extension=leg.extension, provider=PROVIDER_ID,
                         caller_name=leg.caller_name, transferred_to=leg.transferred_to,
                         answered=leg.answered, at=self._clock())

    # -- handlers ---------------------------------------------------------------------
    def _on_newchannel(self, message: AmiMessage) -> list[CallEvent]:
        self._remember(message)
        return []

    def _on_update(self, message: AmiMessage) -> list[CallEvent]:
        channel = self._remember(message)
        leg = self._legs.get(channel.uniqueid) if channel else None
        if leg is not None and leg.direction is CallDirection.INCOMING and channel.connected_num:
            leg.number = leg.number or channel.connected_num
        return []

    def _on_dial_begin(self, message: AmiMessage) -> list[CallEvent]:
        source = self._remember(message)
        dest = self._remember(message, "Dest")
        if dest is None:
            self.ignored += 1
            return []
        call_id = dest.linkedid or (source.linkedid if source else dest.uniqueid)
        events: list[CallEvent] = []
        dest_ext = channel_extension(dest.name)
        dest_is_endpoint = channel_technology(dest.name).lower() != "local"
        # Someone else in this call is being dialled after I talked: a transfer.
        for leg in self._legs.values():
            if (leg.call_id == call_id and leg.answered and leg.transferred_to is None
                    and dest_is_endpoint and dest_ext and dest_ext != leg.extension
                    and (source is None or source.uniqueid != leg.channel_uniqueid)):
                leg.transferred_to = dest_ext
                events.append(self._event(CallEventKind.TRANSFERRED, leg))
        if dest_is_endpoint and self._is_mine(dest_ext) and dest.uniqueid not in self._legs:
            origin = self._channels.get(call_id)
            if source is None:  # Originate rings my phone first: my click-to-call
                number = self._pending_originates.pop(0) if self._pending_originates else ""
                leg = Leg(call_id, dest.uniqueid, dest.name, dest_ext, CallDirection.OUTGOING,
                          number)
            else:
                number = (_value(message.get("DestConnectedLineNum"))
                          or (origin.caller_num if origin else "") or source.caller_num)
                name = (_value(message.get("DestConnectedLineName"))
                        or (origin.caller_name if origin else "") or source.caller_name)
                peer = origin.name if origin else source.name
                leg = Leg(call_id, dest.uniqueid, dest.name, dest_ext, CallDirection.INCOMING,
                          number, name, peer_channel=peer)
            self._legs[dest.uniqueid] = leg
            events.append(self._event(CallEventKind.RINGING, leg))
            return events
        if source is not None and channel_technology(source.name).lower() != "local":
            source_ext = channel_extension(source.name)
            existing = self._legs.get(source.uniqueid)
            if existing is not None:  # my originated call now dials the number
                existing.peer_channel = dest.name
                existing.number = existing.number or _dialled(message, dest)
            elif self._is_mine(source_ext) and not self._is_mine(dest_ext):
                leg = Leg(call_id, source.uniqueid, source.name, source_ext,
                          CallDirection.OUTGOING, _dialled(message, dest),
                          peer_channel=dest.name)
                self._legs[source.uniqueid] = leg
                events.append(self._event(CallEventKind.RINGING, leg))
        return events

    def _on_dial_end(self, message: AmiMessage) -> list[CallEvent]:
        status = message.get("DialStatus").upper()
        dest_id = message.get("DestUniqueid")
        leg = self._legs.get(dest_id) or self._legs.get(message.get("Uniqueid"))
        if leg is not None and status == "ANSWER":
            leg.answer_pending = True
            if leg.direction is CallDirection.OUTGOING:
                leg.peer_channel = message.get("DestChannel") or leg.peer_channel
        return []

    def _on_bridge_enter(self, message: AmiMessage) -> list[CallEvent]:
        leg = self._legs.get(message.get("Uniqueid"))
        if leg is None or leg.answered or not leg.answer_pending:
            return []
        leg.answered = True
        return [self._event(CallEventKind.ANSWERED, leg)]

    def _on_blind_transfer(self, message: AmiMessage) -> list[CallEvent]:
        if message.get("Result").lower() != "success":
            return []
        leg = self._legs.get(message.get("TransfererUniqueid"))
        if leg is None or leg.transferred_to is not None:
            return []
        leg.transferred_to = message.get("Extension") or None
        return [self._event(CallEventKind.TRANSFERRED, leg)]

    def _on_hangup(self, message: AmiMessage) -> list[CallEvent]:
        uniqueid = message.get("Uniqueid")
        self._channels.pop(uniqueid, None)
        leg = self._legs.pop(uniqueid, None)
        if leg is None:
            return []
        events = []
        target = self._requested_transfers.pop(leg.call_id, None)
        if target and leg.answered and leg.transferred_to is None:
            # We redirected the client's leg: the PBX says nothing more than this hangup.
            leg.transferred_to = target
            events.append(self._event(CallEventKind.TRANSFERRED, leg))
        events.append(self._event(CallEventKind.HANGUP, leg))
        return events


def _dialled(message: AmiMessage, dest: _Channel) -> str:
    """The number I dialled: the part of DialString after the trunk name, else the
    callee's CallerIDNum."""
    dial_string = message.get("DialString")
    number = dial_string.rpartition("/")[2].partition("@")[0] if dial_string else ""
    return number or dest.caller_num or dest.exten


_HANDLERS: dict[str, Callable[[CallTracker, AmiMessage], list[CallEvent]]] = {
    "newchannel": CallTracker._on_newchannel,
    "newcallerid": CallTracker._on_update,
    "newconnectedline": CallTracker._on_update,
    "newstate": CallTracker._on_update,
    "dialbegin": CallTracker._on_dial_begin,
    "dialend": CallTracker._on_dial_end,
    "bridgeenter": CallTracker._on_bridge_enter,
    "blindtransfer": CallTracker._on_blind_transfer,
    "hangup": CallTracker._on_hangup,
}
