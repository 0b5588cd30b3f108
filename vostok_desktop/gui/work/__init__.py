"""Organisation of work: ПРиЗ (action items), assignments, works, reminders."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow


def install_work(window: QMainWindow) -> None:
    """Add this area's actions, menus, documents and card pages to the main window."""
