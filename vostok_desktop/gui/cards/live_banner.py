"""The banner inside an open card that another user changed its client or contact:
«Карточку изменил другой пользователь (кто, когда)» with «Перечитать» and «Сравнить».

:class:`LiveCardWatcher` gets each burst of live changes, asks the base for the stored
versions of the open cards the burst may touch (one short query per kind), and shows the
banner where the stored version moved past the card's own (a card's own save moves its
version too, so it never warns about itself). The comparison is the conflict dialog's.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.cards.conflict import CompareDialog
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.common import CardConflict, CardNotFound
from vostok_desktop.services.common.live_updates import ChangeBatch, StoredVersion, stored_versions

log = logging.getLogger(__name__)

WATCHED_KINDS = ("client", "contact")


def _when(stored: StoredVersion) -> str:
    return (stored.updated_at.astimezone().strftime("%d.%m.%Y %H:%M")
            if stored.updated_at else "только что")


class LiveChange(CardConflict):
    """The change another user made, as the comparison dialog names it (nothing of
    mine was refused: I have not saved)."""

    def __init__(self, kind: str, entity_id: int, stored: StoredVersion) -> None:
        super().__init__(kind, entity_id, stored.updated_by, stored.updated_at, stored.version)
        self.text = banner_text(stored)

    def __str__(self) -> str:
        return self.text


def banner_text(stored: StoredVersion | None) -> str:
    if stored is None:
        return "Запись удалена другим пользователем или больше вам не видна."
    if stored.updated_by:
        return f"Карточку изменил другой пользователь — {stored.updated_by}, {_when(stored)}."
    return f"Карточку изменил другой пользователь ({_when(stored)})."


class LiveBanner(QFrame):
    """A strip at the top of a card: who changed it, «Перечитать», «Сравнить»."""

    def __init__(self, card: CardWidget) -> None:
        super().__init__(card)
        self.card = card
        self.stored: StoredVersion | None = None
        self.setObjectName("live_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#live_banner { background: #fff4ce; border: 1px solid #e0b84c; "
                           "border-radius: 3px; } #live_banner QLabel { color: #4a3500; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.setSpacing(6)
        icon = QLabel("⚠")
        icon.setObjectName("live_banner_icon")
        layout.addWidget(icon)
        self.label = QLabel()
        self.label.setObjectName("live_banner_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.reload_button = QPushButton("Перечитать")
        self.reload_button.setObjectName("live_reload")
        self.reload_button.setToolTip("Загрузить сохранённую версию карточки "
                                      "(о несохранённых правках будет вопрос)")
        self.compare_button = QPushButton("Сравнить")
        self.compare_button.setObjectName("live_compare")
        self.compare_button.setToolTip("Мои правки рядом с сохранённой версией")
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("live_dismiss")
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Скрыть (карточка останется как есть)")
        self.close_button.setFixedWidth(self.close_button.fontMetrics().horizontalAdvance("✕")
                                        + 16)
        for button in (self.reload_button, self.compare_button, self.close_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            layout.addWidget(button)
        self.reload_button.clicked.connect(self.reload)
        self.compare_button.clicked.connect(self.compare)
        self.close_button.clicked.connect(self.hide)
        card.title_changed.connect(lambda _t: self._card_refilled())
        self.hide()

    def show_change(self, stored: StoredVersion | None) -> None:
        self.stored = stored
        mine = " Ваши несохранённые правки на месте." if self.card.is_dirty() else ""
        self.label.setText(banner_text(stored) + mine)
        self.reload_button.setVisible(stored is not None)
        self.compare_button.setVisible(stored is not None)
        self.show()

    def _card_refilled(self) -> None:
        """The card was read again or saved: the banner goes once it shows that version."""
        loaded = self.card.loaded_version()
        if self.stored is not None and loaded is not None and loaded >= self.stored.version:
            self.hide()

    def reload(self) -> None:
        """Перечитать: the card's own reload (it asks before dropping unsaved edits)."""
        self.card.reload()
        self._card_refilled()

    def compare(self) -> None:
        """Сравнить: my edits against the stored version, in the conflict dialog; keep
        mine (saved over theirs), take theirs, or go back with nothing lost."""
        card: Any = self.card
        stored = self.stored
        if stored is None or card.entity_id is None:
            return
        try:
            mine = card.collect()
        except ValidationError as exc:
            card.show_error(exc)
            return
        try:
            theirs = card._load()
        except CardNotFound as exc:
            card.show_message(str(exc))
            return
        diffs = card.differences(mine, theirs)
        answer = CompareDialog(card, diffs, LiveChange(card.kind, card.entity_id,
                                                       stored)).choose()
        if answer == "mine":
            mine.version = theirs.version
            card._write(mine)
        elif answer == "theirs":
            card.fill(theirs)
            card.show_message("Взята сохранённая версия карточки.", error=False)
        self._card_refilled()


def banner_of(card: CardWidget, create: bool = True) -> LiveBanner | None:
    """The card's banner, put at the top of the card the first time."""
    banner = card.findChild(LiveBanner, "live_banner")
    if banner is not None or not create:
        return banner
    layout = card.layout()
    if not isinstance(layout, QBoxLayout):
        return None
    banner = LiveBanner(card)
    layout.insertWidget(0, banner)
    return banner


class LiveCardWatcher(QObject):
    """Shows the banner in open cards whose entity another workstation changed."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.checks = 0  # version reads, for tests

    def affected(self, card: CardWidget, batch: ChangeBatch) -> bool:
        entity_id = card.entity_id
        if card.kind == "client":
            clients = batch.clients()
            return clients is None or entity_id in clients
        if card.kind == "contact":
            rows = batch.rows("contacts")
            if rows is None or entity_id in rows:
                return True
            client_id = getattr(getattr(card, "_data", None), "client_id", None)
            if batch.touches("phones", "emails"):
                clients = batch.clients("phones", "emails")
                return clients is None or client_id in clients
        return False

    def apply(self, batch: ChangeBatch) -> None:
        by_kind: dict[str, list[CardWidget]] = {}
        for card in self.context.cards.cards():
            if (card.kind in WATCHED_KINDS and card.entity_id is not None
                    and card.loaded_version() is not None and self.affected(card, batch)):
                by_kind.setdefault(card.kind, []).append(card)
        for kind, cards in by_kind.items():
            try:
                versions = stored_versions(self.context.base, kind,
                                           [c.entity_id for c in cards if c.entity_id])
            except Exception as exc:  # noqa: BLE001 - the server is away: the status bar says
                log.warning("live updates: versions of open cards not read: %s", exc)
                continue
            self.checks += 1
            for card in cards:
                self.check(card, versions.get(card.entity_id or 0))

    def check(self, card: CardWidget, stored: StoredVersion | None) -> None:
        loaded = card.loaded_version()
        if stored is not None and (loaded is None or stored.version <= loaded):
            return
        banner = banner_of(card)
        if banner is not None:
            banner.show_change(stored)


__all__ = ["LiveBanner", "LiveCardWatcher", "banner_of", "banner_text"]
