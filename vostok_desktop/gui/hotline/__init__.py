"""Hot line (ГЛ) and consultation line (ЛК): requests, search orders, deadlines."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow


def install_hotline(window: QMainWindow) -> None:
    """Add this area's actions, menus, documents and card pages to the main window."""
