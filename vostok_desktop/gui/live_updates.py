"""Live updates in the window: changes other workstations make reach the agents and the
open cards at once.

On a server base a QSocketNotifier watches the socket of the
:class:`~vostok_desktop.services.common.live_updates.ChangeListener` (no polling: a NOTIFY reaches
a slot in well under a millisecond); on a file base a QTimer polls the
:class:`~vostok_desktop.services.common.live_updates.FileChangeCounter` once a second. Bursts are
coalesced: the first notice after a quiet spell goes out at once, later ones of the same
burst together after :data:`COALESCE_MS`. ``install_live_updates(window)`` wires it into a
built main window.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from vostok_desktop.services.common.live_updates import (
    ChangeBatch,
    ChangeListener,
    ChangeNotice,
    FileChangeCounter,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from vostok_desktop.db import OpenedBase

log = logging.getLogger(__name__)

COALESCE_MS = 40
FILE_POLL_MS = 1000
RETRY_MS = 3000


class LiveUpdates(QObject):
    """Turns change notices into Qt signals on the GUI thread."""

    changes_arrived = Signal(object)  # ChangeBatch: what one burst changed
    clients_changed = Signal(object)  # set[int] | None (None: any client)
    rows_changed = Signal(str, object)  # table, set[int] | None
    listening_changed = Signal(bool, str)  # listening again / lost, and why

    def __init__(self, base: OpenedBase, parent: QObject | None = None, *,
                 coalesce_ms: int = COALESCE_MS, poll_ms: int = FILE_POLL_MS,
                 retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self.base = base
        self.coalesce_ms = coalesce_ms
        self.listener: ChangeListener | None = None
        self.counter: FileChangeCounter | None = None
        self._notifier: QSocketNotifier | None = None
        self._pending = ChangeBatch()
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(retry_ms)
        self._retry_timer.timeout.connect(self.reconnect)
        self.batches = 0  # bursts delivered, for tests and benchmarks

    # -- start / stop ------------------------------------------------------------------
    def start(self) -> LiveUpdates:
        if self.base.dialect == "postgresql":
            self.listener = ChangeListener.for_engine(self.base.engine)
            try:
                self.listener.start()
            except Exception as exc:  # noqa: BLE001 - the server is away: try again later
                self.listener.connection_lost(str(exc).strip().splitlines()[0]
                                              if str(exc).strip() else "нет связи")
                self._retry_timer.start()
                return self
            self._watch_socket()
        else:
            path = self.base.location.file_path
            if path is not None:
                self.counter = FileChangeCounter(str(path))
                self._poll_timer.start()
        return self

    def stop(self) -> None:
        self._poll_timer.stop()
        self._retry_timer.stop()
        self._flush_timer.stop()
        self._unwatch_socket()
        if self.listener is not None:
            self.listener.close()
        if self.counter is not None:
            self.counter.close()
            self.counter = None

    @property
    def is_listening(self) -> bool:
        if self.listener is not None:
            return self.listener.is_listening
        return self.counter is not None

    def _watch_socket(self) -> None:
        assert self.listener is not None
        self._unwatch_socket()
        notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read, self)
        notifier.activated.connect(self._socket_ready)
        self._notifier = notifier

    def _unwatch_socket(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    # -- server base ---------------------------------------------------------------------
    def _socket_ready(self, *_args: Any) -> None:
        self.drain()

    def drain(self) -> None:
        """Take what arrived on the listening connection; notice a lost server."""
        if self.listener is None:
            return
        notices = self.listener.drain()
        if not self.listener.is_listening:
            self._unwatch_socket()
            log.warning("live updates: the listening connection was lost: %s",
                        self.listener.lost_reason)
            self.listening_changed.emit(False, self.listener.lost_reason)
            self._retry_timer.start()
        self._arrived(notices)

    def connection_lost(self, reason: str = "") -> None:
        """The program found the server lost (status bar): stop listening, retry later."""
        if self.listener is not None and self.listener.is_listening:
            self.listener.connection_lost(reason)
            self._unwatch_socket()
            self.listening_changed.emit(False, self.listener.lost_reason)
        if self.listener is not None:
            self._retry_timer.start()

    def reconnect(self) -> bool:
        """Listen again (the retry timer calls it; so may the program when the server is
        back). What was missed meanwhile arrives as "refresh everything visible"."""
        if self.listener is None:
            return False
        if self.listener.is_listening:
            self._retry_timer.stop()
            return True
        if not self.listener.reconnect():
            return False
        self._retry_timer.stop()
        self._watch_socket()
        self.listening_changed.emit(True, "")
        self.drain()
        return True

    # -- file base --------------------------------------------------------------------------
    def poll(self) -> None:
        if self.counter is not None:
            self._arrived(self.counter.poll())

    # -- coalescing ----------------------------------------------------------------------------
    def _arrived(self, notices: list[ChangeNotice]) -> None:
        if not notices:
            return
        self._pending.add(notices)
        if self._flush_timer.isActive():
            return
        quiet_ms = (time.monotonic() - self._last_flush) * 1000
        if quiet_ms >= self.coalesce_ms:
            self.flush()  # the first of a burst: at once
        else:
            self._flush_timer.start(max(1, int(self.coalesce_ms - quiet_ms)))

    def flush(self) -> None:
        """Deliver the pending burst as one :class:`ChangeBatch`."""
        self._flush_timer.stop()
        batch, self._pending = self._pending, ChangeBatch()
        self._last_flush = time.monotonic()
        if not batch:
            return
        self.batches += 1
        self.changes_arrived.emit(batch)
        self.clients_changed.emit(batch.clients())
        tables = {n.table for n in batch.notices if not n.is_everything}
        if any(n.is_everything for n in batch.notices):
            self.rows_changed.emit("*", None)
        for table in sorted(tables):
            self.rows_changed.emit(table, batch.rows(table))


def install_live_updates(window: QMainWindow, **options: int) -> LiveUpdates:
    """Start live updates for a built main window: its list agents re-read the rows others
    changed and its open cards show a banner when their client or contact was changed
    elsewhere. ``options``: ``coalesce_ms``, ``poll_ms``, ``retry_ms``."""
    from vostok_desktop.gui.agents.list_agent import KeysetListAgent
    from vostok_desktop.gui.cards.live_banner import LiveCardWatcher

    context = window.context  # type: ignore[attr-defined]
    live = LiveUpdates(context.base, window, **options)
    for agent in window.findChildren(KeysetListAgent):
        live.changes_arrived.connect(agent.apply_live_changes)
    watcher = LiveCardWatcher(context, live)
    live.changes_arrived.connect(watcher.apply)
    live.changes_arrived.connect(context.bus.changes_arrived)
    live.start()
    # The listening connection and the file counter are plain Python objects: close them
    # when the window goes (the QObjects go with it).
    listener, counter = live.listener, live.counter
    window.destroyed.connect(lambda *_a: _release(listener, counter))
    window.live_updates = live  # type: ignore[attr-defined]
    return live


def _release(listener: ChangeListener | None, counter: FileChangeCounter | None) -> None:
    if listener is not None:
        listener.close()
    if counter is not None:
        counter.close()


__all__ = ["COALESCE_MS", "LiveUpdates", "install_live_updates"]
