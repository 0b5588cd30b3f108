"""PySide6 6.12.0 on CPython 3.11 aborts after a few hundred Signal.emit(int) calls
(shared/FINDINGS.md); the pinned versions must survive ten thousand."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar


class Emitter(QObject):
    number = Signal(int)


def test_ten_thousand_int_signals_and_void_calls(qtbot) -> None:
    emitter = Emitter()
    received: list[int] = []
    emitter.number.connect(received.append)
    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setRange(0, 10_000)
    for i in range(10_000):
        emitter.number.emit(i)
        bar.setValue(i)  # a Qt method returning nothing: the other leak
    assert len(received) == 10_000
    assert received[-1] == 9_999
    assert bar.value() == 9_999
