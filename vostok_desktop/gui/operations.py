"""Background operations: run slow work on a worker thread with progress and cancel,
deliver the result or the error on the GUI thread (Anki's QueryOp, Orange's TaskState)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a worker function when the user cancelled."""


class OperationState:
    """Handed to the worker function: report progress, check for cancel."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self._signals.progress.emit(stage, done, total)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Signals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[OperationState], Any], state: OperationState,
                 signals: _Signals) -> None:
        super().__init__()
        self.fn, self.state, self.signals = fn, state, signals

    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure reaches the user as text
            log.exception("background operation failed")
            self.signals.failed.emit(str(exc) or type(exc).__name__)
        else:
            if self.state.is_cancelled():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


class BackgroundOperation(QObject):
    """``op = BackgroundOperation(fn); op.finished.connect(...); op.start()``.

    ``fn(state)`` runs on a pool thread; it must open its own Session and return plain
    data, never live ORM objects bound to another thread's session.
    """

    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[[OperationState], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The pool thread emits on ``_signals``, which outlives this object; relaying
        # through Qt connections to this object's own signals drops a result that comes
        # back after the owner (a closed window) is gone, instead of running its slots on
        # deleted widgets («Internal C++ object … already deleted» in the event loop).
        self._signals = _Signals()
        for name in ("progress", "finished", "failed", "cancelled"):
            getattr(self._signals, name).connect(getattr(self, name))
        self.state = OperationState(self._signals)
        self._runnable = _Runnable(fn, self.state, self._signals)
        self._runnable.setAutoDelete(False)

    def start(self) -> BackgroundOperation:
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def cancel(self) -> None:
        self.state.cancel()
