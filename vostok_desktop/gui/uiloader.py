"""Load Qt Designer forms (ui/*.ui) at run time and find their widgets by objectName.

QUiLoader is part of PySide6-Essentials (PySide6.QtUiTools); no pyside6-uic step.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from vostok_desktop import paths

W = TypeVar("W", bound=QWidget)


class FormError(RuntimeError):
    """A form is missing or lacks a widget the code relies on (a broken installation)."""


def form_path(name: str):  # noqa: ANN201 - pathlib.Path
    return paths.ui_dir() / name


def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    """Build the widget tree of ``ui/<name>`` (e.g. "client_card.ui") under ``parent``."""
    path = form_path(name)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"Не найдена форма {path}")
    try:
        loader = QUiLoader()
        widget = loader.load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise FormError(f"Форма {path} не загружается: {loader.errorString()}")
    return widget


def child(root: QWidget, kind: type[W], name: str) -> W:
    """The widget ``name`` of type ``kind`` inside ``root``; FormError if the form lacks it."""
    found = root.findChild(kind, name)
    if found is None:
        raise FormError(f"В форме «{root.objectName()}» нет элемента {name} ({kind.__name__})")
    return found


def missing_children(root: QWidget, expected: dict[str, type[QWidget]]) -> list[str]:
    """Names from ``expected`` that the form lacks (or has with another type)."""
    return [name for name, kind in expected.items() if root.findChild(kind, name) is None]
