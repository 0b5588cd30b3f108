"""Organisation of work: ПРиЗ (action items), assignments, works, reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from vostok_desktop.gui.work.controller import WorkController


def install_work(window: QMainWindow, *, clock: Callable[[], datetime] | None = None,
                 start: bool = True) -> WorkController:
    """Add this area's actions, menus, documents and card pages to the main window.

    ``clock`` (an aware-datetime callable) drives reminders and the planner; tests pass a
    fake one. ``start`` starts the reminder timer and shows the login digest.
    """
    from vostok_desktop.gui.work.controller import WorkController

    controller = WorkController(window, clock)
    window.work = controller  # type: ignore[attr-defined]
    if start:
        controller.start()
    return controller


__all__ = ["install_work"]
