"""The base of every card tab: a key, a title, a dirty flag and save."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class CardWidget(QWidget):
    """A card (client, contact, employee...) shown as a tab.

    Subclasses set ``kind`` and implement ``title``, ``is_dirty`` and ``save``.
    """

    title_changed = Signal(str)
    dirty_changed = Signal(bool)

    kind = "card"

    def __init__(self, entity_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity_id = entity_id

    @property
    def card_key(self) -> tuple[str, int | None]:
        return (self.kind, self.entity_id)

    def title(self) -> str:
        return self.kind

    def is_dirty(self) -> bool:
        return False

    def save(self) -> bool:
        """Write the card; return False when the save did not happen (user was told why)."""
        return True

    def reload(self) -> None:
        """Read the card again from the base."""

    def loaded_version(self) -> int | None:
        """The entity's version as this card last read or saved it (live updates compare
        it with the base's); None for a new card or a kind without versions."""
        version = getattr(getattr(self, "_data", None), "version", None)
        return version if isinstance(version, int) else None
