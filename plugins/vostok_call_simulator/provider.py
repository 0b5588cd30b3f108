"""Scripted calls: "this number rings my extension, is answered after n s, hangs up
after m s" — for demo bases (menu «Имитировать входящий звонок») and tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from vostok_desktop.plugins import (
    CallDirection,
    CallEvent,
    CallEventKind,
    ProviderState,
    ProviderStatus,
    TelephonyError,
    TelephonyProvider,
)

PROVIDER_ID = "call_simulator"


@dataclass
class _SimCall:
    call_id: str
    direction: CallDirection
    number: str
    caller_name: str
    answered: bool = False
    transferred_to: str | None = None
    ended: bool = False


class SimulatedProvider(TelephonyProvider):
    id = PROVIDER_ID
    title = "Имитатор звонков"

    def __init__(self, extension: str = "100") -> None:
        super().__init__()
        self._extension = extension
        self._ids = itertools.count(1)
        self._calls: dict[str, _SimCall] = {}
        self._owner = QObject()
        self._timers: list[QTimer] = []
        self.actions: list[tuple[str, str, str]] = []  # (action, call id / number, target)

    @property
    def extension(self) -> str:
        return self._extension

    def start(self) -> None:
        self.set_status(ProviderStatus(ProviderState.CONNECTED, "имитация звонков"))

    def stop(self) -> None:
        for timer in self._timers:
            timer.stop()
        self._timers.clear()
        for call in list(self._calls.values()):
            self._hangup(call.call_id)
        self.set_status(ProviderStatus(ProviderState.DISCONNECTED))

    # -- scripting --------------------------------------------------------------------
    def _later(self, seconds: float | None, fn: Callable[[], None]) -> None:
        if seconds is None:
            return
        timer = QTimer(self._owner)
        timer.setSingleShot(True)
        timer.timeout.connect(fn)
        timer.timeout.connect(lambda t=timer: self._timers.remove(t) if t in self._timers
                              else None)
        self._timers.append(timer)
        timer.start(int(seconds * 1000))

    def simulate_incoming(self, number: str, *, caller_name: str = "",
                          answer_after_s: float | None = 3.0, talk_s: float = 8.0,
                          ring_timeout_s: float = 20.0) -> str:
        """Ring my extension from ``number``; answered after ``answer_after_s`` (None:
        never, the call is missed after ``ring_timeout_s``), hangs up ``talk_s`` later."""
        call = _SimCall(f"sim-{next(self._ids)}", CallDirection.INCOMING, number, caller_name)
        self._calls[call.call_id] = call
        self._emit(CallEventKind.RINGING, call)
        if answer_after_s is None:
            self._later(ring_timeout_s, lambda: self._hangup(call.call_id))
        else:
            self._later(answer_after_s, lambda: self.answer(call.call_id))
            self._later(answer_after_s + talk_s, lambda: self._hangup(call.call_id))
        return call.call_id

    def answer(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is not None and not call.answered and not call.ended:
            call.answered = True
            self._emit(CallEventKind.ANSWERED, call)

    def hangup(self, call_id: str) -> None:
        self._hangup(call_id)

    def _hangup(self, call_id: str) -> None:
        call = self._calls.pop(call_id, None)
        if call is not None and not call.ended:
            call.ended = True
            self._emit(CallEventKind.HANGUP, call)

    def _emit(self, kind: CallEventKind, call: _SimCall) -> None:
        self.emit_call(CallEvent(kind=kind, call_id=call.call_id, direction=call.direction,
                                 number=call.number, extension=self._extension,
                                 provider=PROVIDER_ID, caller_name=call.caller_name,
                                 transferred_to=call.transferred_to, answered=call.answered))

    # -- actions -------------------------------------------------------------------------
    def transfer(self, call_id: str, extension: str) -> None:
        call = self._calls.get(call_id)
        if call is None:
            raise TelephonyError("Звонок уже завершён: переводить нечего")
        self.actions.append(("transfer", call_id, extension))
        call.transferred_to = extension
        self._emit(CallEventKind.TRANSFERRED, call)
        self._hangup(call_id)

    def originate(self, number: str) -> None:
        if not any(ch.isdigit() for ch in number):
            raise TelephonyError(f"Номер «{number}» не набрать: в нём нет цифр")
        self.actions.append(("originate", number, self._extension))
        call = _SimCall(f"sim-{next(self._ids)}", CallDirection.OUTGOING, number, "")
        self._calls[call.call_id] = call
        self._emit(CallEventKind.RINGING, call)
        self._later(2.0, lambda: self.answer(call.call_id))
