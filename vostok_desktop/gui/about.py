"""«О программе» and ``vostok --version``: the program's, Qt's and SQLAlchemy's versions,
the schema revision the program expects and the one the open base has, and plugins that
failed to load."""

from __future__ import annotations

import html
import platform

from PySide6.QtWidgets import QMessageBox, QWidget

from vostok_desktop import __version__


def version_lines(base_revision: str | None = None) -> list[tuple[str, str]]:
    """(what, version) pairs; ``base_revision``: the open base's schema, if known."""
    import PySide6
    import sqlalchemy
    from PySide6.QtCore import qVersion

    from vostok_desktop.db import head_revision

    lines = [("Vostok Desktop", __version__), ("Qt", qVersion()),
             ("PySide6", PySide6.__version__), ("SQLAlchemy", sqlalchemy.__version__),
             ("Python", platform.python_version()), ("Схема программы", head_revision())]
    if base_revision is not None:
        lines.append(("Схема базы", base_revision))
    return lines


def version_text() -> str:
    return "\n".join(f"{what}: {version}" for what, version in version_lines())


def about_html(base_title: str, base_revision: str | None,
               plugin_errors: list[str] | None = None) -> str:
    rows = "".join(f"<tr><td>{html.escape(w)}</td><td>&nbsp;{html.escape(v)}</td></tr>"
                   for w, v in version_lines(base_revision or "не прочитана (нет связи)"))
    text = (f"<b>Vostok Desktop</b> {__version__}<br>КИС для РИЦ КонсультантПлюс.<br><br>"
            f"База: {html.escape(base_title)}<br><table>{rows}</table>")
    if plugin_errors:
        text += "<br><b>Не загрузились модули:</b><br>" + "<br>".join(
            html.escape(e) for e in plugin_errors)
    return text


def show_about(parent: QWidget, base_title: str, base_revision: str | None,
               plugin_errors: list[str] | None = None) -> None:
    QMessageBox.about(parent, "О программе", about_html(base_title, base_revision,
                                                        plugin_errors))
