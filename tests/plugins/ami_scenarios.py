"""Event sequences a real Asterisk (16+, PJSIP) sends for typical calls.

Built from Asterisk's AMI event documentation (Newchannel, DialBegin, DialEnd,
BridgeEnter, BridgeLeave, BlindTransfer, Hangup, OriginateResponse: channel fields
without a prefix, the dialled channel's with ``Dest``, a transfer's with
``Transferer``/``Transferee``) and the facts in the telephony issue.
"""

from __future__ import annotations

from dataclasses import dataclass

Fields = list[tuple[str, str]]

STATE = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}


@dataclass(frozen=True)
class Chan:
    name: str
    uniqueid: str
    linkedid: str
    caller_num: str
    caller_name: str = "<unknown>"
    connected_num: str = "<unknown>"
    connected_name: str = "<unknown>"
    context: str = "from-internal"
    exten: str = "s"


def chan_fields(c: Chan, prefix: str = "", state: int = 6) -> Fields:
    return [
        (f"{prefix}Channel", c.name), (f"{prefix}ChannelState", str(state)),
        (f"{prefix}ChannelStateDesc", STATE[state]), (f"{prefix}CallerIDNum", c.caller_num),
        (f"{prefix}CallerIDName", c.caller_name), (f"{prefix}ConnectedLineNum", c.connected_num),
        (f"{prefix}ConnectedLineName", c.connected_name), (f"{prefix}Language", "ru"),
        (f"{prefix}AccountCode", ""), (f"{prefix}Context", c.context),
        (f"{prefix}Exten", c.exten), (f"{prefix}Priority", "1"),
        (f"{prefix}Uniqueid", c.uniqueid), (f"{prefix}Linkedid", c.linkedid),
    ]


def event(name: str, *parts: Fields, privilege: str = "call,all") -> Fields:
    out: Fields = [("Event", name), ("Privilege", privilege)]
    for p in parts:
        out += p
    return out


def bridge(uid: str, count: int) -> Fields:
    return [("BridgeUniqueid", uid), ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"), ("BridgeCreator", "<unknown>"),
            ("BridgeName", "<unknown>"), ("BridgeNumChannels", str(count)),
            ("BridgeVideoSourceMode", "none")]


def hangup(c: Chan, cause: int = 16, text: str = "Normal Clearing") -> Fields:
    return event("Hangup", chan_fields(c), [("Cause", str(cause)), ("Cause-txt", text)])


CLIENT_NUMBER = "79161234567"
CLIENT_NAME = "Иванова Анна"  # Cyrillic: split across reads in the tests


def _trunk(linkedid: str, number: str = CLIENT_NUMBER, name: str = CLIENT_NAME) -> Chan:
    return Chan("PJSIP/rostelecom-0000000a", linkedid, linkedid, number, name,
                context="from-trunk", exten="73832000000")


def _ext(ext: str, uid: str, linkedid: str, number: str = CLIENT_NUMBER,
         name: str = CLIENT_NAME, tech: str = "PJSIP", seq: str = "0000000b") -> Chan:
    return Chan(f"{tech}/{ext}-{seq}", uid, linkedid, ext, "Оператор", number, name)


def _ring(trunk: Chan, op: Chan, dial_string: str) -> list[Fields]:
    return [
        event("Newchannel", chan_fields(op, state=0)),
        event("DialBegin", chan_fields(trunk, state=4), chan_fields(op, "Dest", 0),
              [("DialString", dial_string)]),
        event("Newstate", chan_fields(op, state=5)),
    ]


def _answer(trunk: Chan, op: Chan, bridge_uid: str) -> list[Fields]:
    return [
        event("Newstate", chan_fields(op, state=6)),
        event("DialEnd", chan_fields(trunk, state=4), chan_fields(op, "Dest"),
              [("DialStatus", "ANSWER")]),
        event("BridgeCreate", bridge(bridge_uid, 0)),
        event("BridgeEnter", bridge(bridge_uid, 1), chan_fields(trunk)),
        event("BridgeEnter", bridge(bridge_uid, 2), chan_fields(op)),
    ]


def answered_call(ext: str = "101", linkedid: str = "1700000000.10",
                  number: str = CLIENT_NUMBER, tech: str = "PJSIP") -> list[Fields]:
    trunk = _trunk(linkedid, number)
    op = _ext(ext, linkedid[:-1] + "1", linkedid, number, tech=tech)
    return [
        event("Newchannel", chan_fields(trunk, state=4)),
        *_ring(trunk, op, ext),
        *_answer(trunk, op, "b-1"),
        event("BridgeLeave", bridge("b-1", 1), chan_fields(op)),
        hangup(op),
        event("BridgeLeave", bridge("b-1", 0), chan_fields(trunk)),
        hangup(trunk),
        event("BridgeDestroy", bridge("b-1", 0)),
    ]


def ringing_only(ext: str = "101", linkedid: str = "1700000000.10",
                 number: str = CLIENT_NUMBER) -> list[Fields]:
    trunk = _trunk(linkedid, number)
    op = _ext(ext, linkedid[:-1] + "1", linkedid, number)
    return [event("Newchannel", chan_fields(trunk, state=4)), *_ring(trunk, op, ext)]


def missed_call(ext: str = "101", linkedid: str = "1700000000.20") -> list[Fields]:
    trunk = _trunk(linkedid)
    op = _ext(ext, linkedid[:-1] + "1", linkedid, seq="0000000c")
    return [
        event("Newchannel", chan_fields(trunk, state=4)),
        *_ring(trunk, op, ext),
        # The caller gave up: Asterisk cancels the dial.
        event("DialEnd", chan_fields(trunk, state=4), chan_fields(op, "Dest", 5),
              [("DialStatus", "CANCEL")]),
        hangup(op, 0, "Unknown"),
        hangup(trunk),
    ]


def transferred_call(ext: str = "101", to: str = "102",
                     linkedid: str = "1700000000.30") -> list[Fields]:
    """Answered by ``ext``, then BlindTransfer of the operator's leg to ``to``."""
    trunk = _trunk(linkedid)
    op = _ext(ext, linkedid[:-1] + "1", linkedid, seq="0000000d")
    other = _ext(to, linkedid[:-1] + "2", linkedid, seq="0000000e")
    return [
        event("Newchannel", chan_fields(trunk, state=4)),
        *_ring(trunk, op, ext),
        *_answer(trunk, op, "b-3"),
        event("BlindTransfer", [("Result", "Success")], chan_fields(op, "Transferer"),
              chan_fields(trunk, "Transferee"), bridge("b-3", 2),
              [("IsExternal", "No"), ("Context", "from-internal"), ("Extension", to)]),
        event("BridgeLeave", bridge("b-3", 1), chan_fields(trunk)),
        event("BridgeLeave", bridge("b-3", 0), chan_fields(op)),
        hangup(op),
        *_ring(trunk, other, to),
        *_answer(trunk, other, "b-4"),
        hangup(other),
        hangup(trunk),
    ]


def redirected_after_answer(ext: str = "101", to: str = "102",
                            linkedid: str = "1700000000.10") -> list[Fields]:
    """What follows our Redirect of the client's leg (trunk) to ``to``."""
    trunk = _trunk(linkedid)
    op = _ext(ext, linkedid[:-1] + "1", linkedid)
    other = _ext(to, linkedid[:-1] + "2", linkedid, seq="0000000f")
    return [
        event("BridgeLeave", bridge("b-1", 1), chan_fields(trunk)),
        event("BridgeLeave", bridge("b-1", 0), chan_fields(op)),
        hangup(op),
        *_ring(trunk, other, to),
    ]


def answered_prefix(ext: str = "101", linkedid: str = "1700000000.10") -> list[Fields]:
    """An incoming call up to the answer (no hangup yet)."""
    trunk = _trunk(linkedid)
    op = _ext(ext, linkedid[:-1] + "1", linkedid)
    return [event("Newchannel", chan_fields(trunk, state=4)), *_ring(trunk, op, ext),
            *_answer(trunk, op, "b-1")]


def ring_group_call(ext: str = "101", linkedid: str = "1700000000.40") -> list[Fields]:
    """FreePBX ring group: trunk -> Local/101@from-queue;1 ... ;2 -> PJSIP/101."""
    trunk = _trunk(linkedid)
    local1 = Chan("Local/101@from-queue-00000001;1", linkedid[:-1] + "1", linkedid, "600",
                  context="from-queue", exten="101")
    local2 = Chan("Local/101@from-queue-00000001;2", linkedid[:-1] + "2", linkedid,
                  CLIENT_NUMBER, CLIENT_NAME, context="from-queue", exten="101")
    op = _ext(ext, linkedid[:-1] + "3", linkedid, seq="00000010")
    return [
        event("Newchannel", chan_fields(trunk, state=4)),
        event("Newchannel", chan_fields(local1, state=0)),
        event("Newchannel", chan_fields(local2, state=4)),
        event("DialBegin", chan_fields(trunk, state=4), chan_fields(local1, "Dest", 0),
              [("DialString", "101@from-queue")]),
        *_ring(local2, op, ext),
        *_answer(local2, op, "b-5"),
        event("DialEnd", chan_fields(trunk, state=4), chan_fields(local1, "Dest"),
              [("DialStatus", "ANSWER")]),
        event("BridgeEnter", bridge("b-6", 1), chan_fields(trunk)),
        event("BridgeEnter", bridge("b-6", 2), chan_fields(local1)),
        hangup(op),
        hangup(local2),
        hangup(local1),
        hangup(trunk),
    ]


def originate_events(ext: str, number: str, action_id: str,
                     linkedid: str = "1700000000.50") -> list[Fields]:
    """Click-to-call: Originate rings my phone first (a DialBegin with no caller
    channel), then my channel dials the number; OriginateResponse reports success."""
    op = Chan(f"PJSIP/{ext}-00000011", linkedid, linkedid, number, number)
    out = Chan("PJSIP/rostelecom-00000012", linkedid[:-1] + "1", linkedid, number,
               context="from-internal", exten=number)
    return [
        event("Newchannel", chan_fields(op, state=0)),
        event("DialBegin", chan_fields(op, "Dest", 0), [("DialString", ext)]),
        event("DialEnd", chan_fields(op, "Dest"), [("DialStatus", "ANSWER")]),
        event("Newchannel", chan_fields(out, state=0)),
        event("DialBegin", chan_fields(op), chan_fields(out, "Dest", 0),
              [("DialString", f"rostelecom/{number}")]),
        [("Event", "OriginateResponse"), ("Privilege", "call,all"), ("ActionID", action_id),
         ("Response", "Success"), ("Channel", op.name), ("Context", "from-internal"),
         ("Exten", number), ("Application", ""), ("Data", ""), ("Reason", "4"),
         ("Uniqueid", op.uniqueid), ("CallerIDNum", number), ("CallerIDName", number)],
        event("DialEnd", chan_fields(op), chan_fields(out, "Dest"), [("DialStatus", "ANSWER")]),
        event("BridgeEnter", bridge("b-7", 1), chan_fields(op)),
        event("BridgeEnter", bridge("b-7", 2), chan_fields(out)),
        hangup(out),
        hangup(op),
    ]


def encode(messages: list[Fields]) -> bytes:
    return b"".join(
        ("".join(f"{k}: {v}\r\n" for k, v in m) + "\r\n").encode("utf-8") for m in messages
    )
