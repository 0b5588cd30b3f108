"""Extra pages of cards, added by other modules (hot line, works, documents) and plugins.

A module registers a page for a card kind; every card of that kind built afterwards
gets it as a further tab. The page widget may define ``card_loaded(entity_id)``, called
when the card is filled (after opening, reloading or saving) — load lazily there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QTabWidget, QWidget

PageFactory = Callable[[object, object], QWidget]  # (context, card) -> page widget


@dataclass(frozen=True)
class CardPageSpec:
    kind: str  # "client", "contact", "employee"
    title: str
    factory: PageFactory
    object_name: str


class CardPageRegistry:
    def __init__(self) -> None:
        self._specs: list[CardPageSpec] = []

    def register(self, kind: str, title: str, factory: PageFactory, object_name: str) -> None:
        if any(s.kind == kind and s.object_name == object_name for s in self._specs):
            raise ValueError(f"card page {kind}/{object_name} registered twice")
        self._specs.append(CardPageSpec(kind, title, factory, object_name))

    def for_kind(self, kind: str) -> list[CardPageSpec]:
        return [s for s in self._specs if s.kind == kind]

    def install(self, context: object, card: object, pages: QTabWidget) -> list[QWidget]:
        """Add the registered pages of ``card.kind`` to its tab widget."""
        added = []
        for spec in self.for_kind(card.kind):  # type: ignore[attr-defined]
            page = spec.factory(context, card)
            page.setObjectName(spec.object_name)
            pages.addTab(page, spec.title)
            added.append(page)
        return added


def notify_loaded(pages: list[QWidget], entity_id: int | None) -> None:
    for page in pages:
        hook = getattr(page, "card_loaded", None)
        if callable(hook):
            hook(entity_id)
