"""Documents: print templates (DOCX) with versions."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow


def install_documents(window: QMainWindow) -> None:
    """Add this area's actions, menus, documents and card pages to the main window."""
