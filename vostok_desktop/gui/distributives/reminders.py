"""Reminders of overdue demo copies and installations: a permanent status-bar indicator
«Просрочены: ознакомительных N, установок M», counted on a worker after the start and
then every few minutes (and after a change of a distributive or an installation).

Whose: a holder of «Склад» sees everything; anyone else the demo copies they are the
engineer of or issued, and the installations they are responsible for. A click on a part
opens the warehouse (demo copies, by due date) or «Контроль сроков установки»."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from vostok_desktop.domain.distributives import DistributiveStatus
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, set_text_colour
from vostok_desktop.gui.operations import BackgroundOperation
from vostok_desktop.services.distributives import gui_queries as gq
from vostok_desktop.services.distributives import installations as ins

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 5 * 60_000
STOCK_RIGHT = "distributives.stock"


def overdue_counts(base: Any, employee_id: int | None, everything: bool,
                   today: date) -> tuple[int, int]:
    """(overdue demo copies, overdue installations) for the status bar."""
    if everything:
        demos = sum(1 for r in gq.warehouse_rows(base, (DistributiveStatus.DEMO,))
                    if r.demo_until is not None and r.demo_until < today)
        return demos, ins.overdue_count(base, today)
    if employee_id is None:
        return 0, 0
    return (gq.overdue_demo_count(base, employee_id, today),
            ins.overdue_count(base, today, engineer_id=employee_id))


class OverdueIndicator(QWidget):
    """The status-bar part: «Просрочены:» and a flat button for each non-zero count."""

    def __init__(self, open_demos: Callable[[], object],
                 open_installations: Callable[[], object]) -> None:
        super().__init__()
        self.setObjectName("overdue_indicator")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.label = QLabel("Просрочены:")
        set_text_colour(self.label, ERROR_COLOUR)
        self.demos = QPushButton()
        self.demos.setObjectName("overdue_demos_button")
        self.demos.setToolTip("Открыть склад: ознакомительные дистрибутивы по сроку возврата")
        self.installations = QPushButton()
        self.installations.setObjectName("overdue_installations_button")
        self.installations.setToolTip("Открыть «Контроль сроков установки»")
        for button in (self.demos, self.installations):
            button.setFlat(True)
            button.setStyleSheet(f"QPushButton {{ color: {ERROR_COLOUR}; "
                                 "text-decoration: underline; padding: 0 2px; }")
        self.demos.clicked.connect(lambda: open_demos())
        self.installations.clicked.connect(lambda: open_installations())
        layout.addWidget(self.label)
        layout.addWidget(self.demos)
        layout.addWidget(self.installations)
        self.counts = (0, 0)
        self.hide()

    def set_counts(self, demos: int, installations: int) -> None:
        self.counts = (demos, installations)
        self.demos.setText(f"ознакомительных {demos}" + ("," if installations else ""))
        self.installations.setText(f"установок {installations}")
        self.demos.setVisible(demos > 0)
        self.installations.setVisible(installations > 0)
        self.setVisible(demos > 0 or installations > 0)

    def text(self) -> str:
        """What the user reads, in one line ('' when hidden)."""
        demos, installations = self.counts
        parts = ([f"ознакомительных {demos}"] if demos else []) + (
            [f"установок {installations}"] if installations else [])
        return f"Просрочены: {', '.join(parts)}" if parts else ""


class OverdueReminders:
    """Counts on a worker now and every ``interval_ms``; ``today`` is injectable."""

    def __init__(self, window: Any, area: Any, *, interval_ms: int = CHECK_INTERVAL_MS,
                 today: Callable[[], date] = date.today) -> None:
        self.window = window
        self.context = area.context
        self.today = today
        self.indicator = OverdueIndicator(area.open_overdue_demos,
                                          area.open_installation_control)
        window.statusBar().addPermanentWidget(self.indicator)
        self.running = False
        self.pending = False
        self.operation: BackgroundOperation | None = None
        self.timer = QTimer(self.indicator)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)
        QTimer.singleShot(0, self.indicator, self.check)  # after the start, not during it

    def everything(self) -> bool:
        return bool(self.context.allows(STOCK_RIGHT))

    def _entities_changed(self, kind: str, _ids: list[int]) -> None:
        if kind in ("installation", "distributive"):
            self.check()

    def check(self) -> BackgroundOperation | None:
        if self.running:
            self.pending = True
            return None
        base, employee = self.context.base, self.context.employee_id
        everything, today = self.everything(), self.today()
        self.running = True
        operation = BackgroundOperation(
            lambda _s: overdue_counts(base, employee, everything, today), self.indicator)
        operation.finished.connect(self._counted)
        operation.failed.connect(self._failed)
        self.operation = operation
        return operation.start()

    def _counted(self, counts: tuple[int, int]) -> None:
        self.running = False
        self.indicator.set_counts(*counts)
        if self.pending:
            self.pending = False
            self.check()

    def _failed(self, message: str) -> None:  # a lost connection: the watch reports it
        self.running = False
        log.warning("overdue count failed: %s", message)


__all__ = ["OverdueIndicator", "OverdueReminders", "overdue_counts"]
