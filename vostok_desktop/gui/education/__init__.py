"""The education area in the main window (placeholder until the area's change fills it)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow


def install_education(window: QMainWindow) -> None:
    """Register the area's commands, menu and card pages."""


__all__ = ["install_education"]
