"""What the KPI window tests share: the context, the PNG folder, a little office."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Visibility
from vostok_desktop.services.access.rights import AccessProfile


@dataclass
class Ctx:
    """What the dialogs take from the application's context."""

    base: OpenedBase
    employee_id: int | None
    access: AccessProfile | None = None
    bus: object | None = None

    def allows(self, right: str) -> bool:
        return self.access is None or self.access.allows(right)


READ_ONLY = AccessProfile(frozenset(), Visibility.ALL, "manager")

CATALOGUE = {
    "client_contacts": ("Контакты с клиентами", {"count": "Количество контактов"}),
    "assignments": ("Поручения", {"done": "Выполнено", "overdue": "Просрочено"}),
}


def png(name: str) -> str:
    folder = Path(os.environ.get("VOSTOK_PNG_DIR", "/tmp/scr/png"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)


def type_text(qtbot, widget, text: str) -> None:  # noqa: ANN001
    """Type as a user would; QTest cannot click non-ASCII keys, so those characters go
    as key events carrying the text."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))
