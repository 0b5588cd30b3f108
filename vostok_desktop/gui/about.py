"""«О программе»: version, base, and plugins that failed to load."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from vostok_desktop import __version__


def show_about(parent: QWidget, plugin_errors: list[str] | None = None) -> None:
    text = f"<b>Vostok Desktop</b> {__version__}<br>КИС для РИЦ КонсультантПлюс."
    if plugin_errors:
        text += "<br><br><b>Не загрузились модули:</b><br>" + "<br>".join(plugin_errors)
    QMessageBox.about(parent, "О программе", text)
