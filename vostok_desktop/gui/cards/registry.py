"""Card kinds («client», «contact», «employee») and the card actions (save, reload).

Called by ``gui.app.build_main_window``; the actions act on the card in the current tab.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication, QStyle

from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.common import Lookups, load_lookups

LOOKUPS_TTL_SECONDS = 300.0


class LookupCache:
    """Reference lists for the combo boxes, read once and reused by every card for a while."""

    def __init__(self, context: AppContext) -> None:
        self._context = context
        self._value: Lookups | None = None
        self._read_at = 0.0

    def get(self) -> Lookups:
        if self._value is None or time.monotonic() - self._read_at > LOOKUPS_TTL_SECONDS:
            self._value = load_lookups(self._context.base)
            self._read_at = time.monotonic()
        return self._value

    def invalidate(self) -> None:
        self._value = None


def current_card(context: AppContext) -> CardWidget | None:
    """The card on the current tab."""
    return context.cards.current()


def register_card_kinds(context: AppContext) -> None:
    lookups = LookupCache(context)
    pending_client: list[int] = []  # the client of the next new contact card

    # Card modules (and their .ui forms) load when the first card of a kind opens, not at
    # start-up.
    def open_new_contact(client_id: int) -> None:
        pending_client[:] = [client_id]
        context.cards.open("contact", None)

    def attach(card: CardWidget) -> CardWidget:
        for action_id in ("card.save", "card.reload"):
            card.addAction(context.actions.action(action_id))
        return card

    def client_card(entity_id: int | None) -> CardWidget:
        from vostok_desktop.gui.cards.client_card import ClientCard

        card = ClientCard(context, entity_id, lookups.get(), open_new_contact)
        context.bus.entities_changed.connect(card.on_entities_changed)
        return attach(card)

    def contact_card(entity_id: int | None) -> CardWidget:
        from vostok_desktop.gui.cards.contact_card import ContactCard

        client_id = pending_client.pop() if pending_client else None
        return attach(ContactCard(context, entity_id, lookups.get(), client_id))

    def employee_card(entity_id: int | None) -> CardWidget:
        from vostok_desktop.gui.cards.employee_card import EmployeeCard

        return attach(EmployeeCard(context, entity_id, lookups.get()))

    context.cards.register_kind("client", client_card)
    context.cards.register_kind("contact", contact_card)
    context.cards.register_kind("employee", employee_card)

    def save_current() -> None:
        card = current_card(context)
        if card is not None:
            card.save()

    def reload_current() -> None:
        """F5: the card in front is read again; another tab in front (a report, a
        journal) refreshes itself when it can."""
        card = current_card(context)
        if card is not None:
            card.reload()
            return
        refresh = getattr(context.cards.current_widget(), "refresh", None)
        if callable(refresh):
            refresh()

    style = QApplication.style()
    context.actions.register(
        "card.save", "Сохранить карточку", save_current, category="Файл",
        icon=style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton) if style else None,
        enabled_when=lambda: not context.base.read_only,
    )
    context.actions.register(
        "card.reload", "Перечитать карточку", reload_current, category="Файл",
        icon=style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload) if style else None,
    )
