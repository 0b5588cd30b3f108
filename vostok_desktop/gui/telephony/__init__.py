"""Telephony in the GUI: tray, call informer popups, transfer list, call log journal,
settings page. ``install_telephony(window)`` wires it all into a built main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from vostok_desktop.gui.telephony.controller import TelephonyController
    from vostok_desktop.plugins import PluginRegistry


def install_telephony(window: QWidget, *, pbx: str | None = None,
                      extension: str | None = None, plugins: PluginRegistry | None = None,
                      start: bool = True) -> TelephonyController:
    """Add telephony to a main window (which carries ``context``: AppContext).

    ``pbx`` (``ami://USER@HOST:PORT``) and ``extension`` override the saved settings for
    this run (the ``--pbx``/``--extension`` command-line options). Plugins are discovered
    here unless given; their load errors are in ``controller.plugins.errors``.
    """
    from vostok_desktop.gui.telephony.controller import TelephonyController

    controller = TelephonyController(window, plugins, pbx=pbx, extension=extension)
    window.telephony = controller  # type: ignore[attr-defined]
    if start:
        controller.start_providers()
    return controller


__all__ = ["install_telephony"]
