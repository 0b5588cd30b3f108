"""Background operations deliver their result only while their owner is alive: a result
that comes back after its window was closed must not run slots on deleted widgets (the
cause of «Internal C++ object (PySide6.QtCore.QTimer) already deleted» in a loaded CI
run: the main window's connection check finished after the window was gone)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QWidget

from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.operations import BackgroundOperation
from vostok_desktop.settings import Settings


class _Owner(QWidget):
    """A widget whose slot touches its own timer, like the main window's check."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.results: list[object] = []

    def take(self, result: object) -> None:
        self.timer.setInterval(1000)  # raises if the widget (and its timer) were deleted
        self.results.append(result)


def _blocked_operation(owner: QWidget, gate: threading.Event) -> BackgroundOperation:
    def work(_state) -> str:  # noqa: ANN001
        gate.wait(10)
        return "готово"

    return BackgroundOperation(work, owner)


def test_the_result_reaches_a_living_owner(qtbot) -> None:  # noqa: ANN001
    owner = _Owner()
    qtbot.addWidget(owner)
    gate = threading.Event()
    operation = _blocked_operation(owner, gate)
    operation.finished.connect(owner.take)
    progress: list[int] = []
    operation.progress.connect(lambda _s, done, _t: progress.append(done))
    operation.start()
    operation.state.progress("шаг", 1, 2)  # progress crosses threads the same way
    gate.set()
    qtbot.waitUntil(lambda: owner.results == ["готово"])
    assert progress == [1]


def test_a_result_after_the_owner_is_deleted_is_dropped(qtbot) -> None:  # noqa: ANN001
    owner = _Owner()
    gate = threading.Event()
    operation = _blocked_operation(owner, gate)
    seen: list[object] = []
    operation.finished.connect(lambda r: (owner.take(r), seen.append(r)))
    operation.start()
    shiboken6.delete(owner)  # the window is closed while the work still runs
    gate.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(100)  # the queued result would be delivered here (and raise)
    assert seen == []


def test_closing_the_window_during_a_connection_check_raises_nothing(
        qtbot, demo_base, monkeypatch) -> None:  # noqa: ANN001
    gate = threading.Event()
    started = threading.Event()
    import vostok_desktop.db as db

    real_ping = db.ping

    def slow_ping(base):  # noqa: ANN001, ANN202
        started.set()
        gate.wait(10)
        return real_ping(base)

    monkeypatch.setattr(db, "ping", slow_ping)
    window = build_main_window(demo_base, Settings(), telephony=False)
    window.show()
    window.check_connection()
    assert started.wait(10)
    window.close()
    shiboken6.delete(window)
    gate.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(100)  # pytest-qt fails the test on an exception raised in the event loop
    assert not shiboken6.isValid(window)
