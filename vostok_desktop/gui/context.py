"""What every agent and card is handed: the open base, who works, settings, actions.

Passed explicitly (no global service locator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from vostok_desktop.db import OpenedBase
from vostok_desktop.settings import Settings

if TYPE_CHECKING:
    from vostok_desktop.gui.actions import ActionRegistry
    from vostok_desktop.gui.cards.manager import CardManager
    from vostok_desktop.gui.cards.pages import CardPageRegistry
    from vostok_desktop.services.access.rights import AccessProfile


class ChangeBus(QObject):
    """After a write, announce what changed; each view decides whether to refresh."""

    entities_changed = Signal(str, list)  # kind ("client", "contact", ...), ids
    # What the live updates saw change, on any workstation (this one's too): a ChangeBatch.
    # Pages that show rows of their own tables listen here instead of finding the window.
    changes_arrived = Signal(object)

    def announce(self, kind: str, ids: list[int]) -> None:
        self.entities_changed.emit(kind, list(ids))


@dataclass
class AppContext:
    base: OpenedBase
    employee_id: int | None
    employee_name: str
    is_admin: bool
    settings: Settings
    qsettings: QSettings
    actions: ActionRegistry
    cards: CardManager
    bus: ChangeBus
    card_pages: CardPageRegistry
    # What the login may do (services.access.AccessProfile); None until loaded.
    access: AccessProfile | None = None

    def allows(self, right: str) -> bool:
        return self.access is None or self.access.allows(right)
