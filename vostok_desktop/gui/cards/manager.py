"""Opens cards as tabs; opening an open card focuses its tab; closing asks if dirty."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

from vostok_desktop.gui.cards.base import CardWidget

CardFactory = Callable[[int | None], CardWidget]


class CardManager(QObject):
    card_opened = Signal(object)  # CardWidget

    def __init__(self, tabs: QTabWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tabs = tabs
        self._factories: dict[str, CardFactory] = {}
        tabs.setTabsClosable(True)
        tabs.setMovable(True)
        tabs.setDocumentMode(True)
        tabs.tabCloseRequested.connect(lambda index: self.close_tab(index))

    def register_kind(self, kind: str, factory: CardFactory) -> None:
        self._factories[kind] = factory

    def cards(self) -> list[CardWidget]:
        return [w for i in range(self._tabs.count())
                if isinstance(w := self._tabs.widget(i), CardWidget)]

    def current(self) -> CardWidget | None:
        widget = self._tabs.currentWidget()
        return widget if isinstance(widget, CardWidget) else None

    def current_widget(self) -> QWidget | None:
        """The tab in front, card or not."""
        return self._tabs.currentWidget()

    def find(self, kind: str, entity_id: int | None) -> CardWidget | None:
        if entity_id is None:
            return None  # every new card is its own tab
        return next((c for c in self.cards() if c.card_key == (kind, entity_id)), None)

    def open(self, kind: str, entity_id: int | None = None) -> CardWidget:
        existing = self.find(kind, entity_id)
        if existing is not None:
            self._tabs.setCurrentWidget(existing)
            existing.setFocus()
            return existing
        card = self._factories[kind](entity_id)
        index = self._tabs.addTab(card, card.title())
        card.title_changed.connect(lambda _t, c=card: self._retitle(c))
        card.dirty_changed.connect(lambda _d, c=card: self._retitle(c))
        self._tabs.setCurrentIndex(index)
        card.setFocus()
        self.card_opened.emit(card)
        return card

    def add_document(self, widget: QWidget, title: str) -> None:
        """A non-card tab (a journal, a report)."""
        self._tabs.setCurrentIndex(self._tabs.addTab(widget, title))

    def _retitle(self, card: CardWidget) -> None:
        index = self._tabs.indexOf(card)
        if index >= 0:
            self._tabs.setTabText(index, ("* " if card.is_dirty() else "") + card.title())

    def close_tab(self, index: int) -> bool:
        widget = self._tabs.widget(index)
        if widget is None:
            return True
        if isinstance(widget, CardWidget) and widget.is_dirty() and not self._ask_save(widget):
            return False
        self._tabs.removeTab(index)
        widget.deleteLater()
        return True

    def close_current(self) -> bool:
        return self.close_tab(self._tabs.currentIndex())

    def close_all(self) -> bool:
        """Close every tab, asking for each dirty card in turn; False if the user cancelled."""
        while self._tabs.count():
            self._tabs.setCurrentIndex(0)
            if not self.close_tab(0):
                return False
        return True

    def _ask_save(self, card: CardWidget) -> bool:
        self._tabs.setCurrentWidget(card)
        answer = QMessageBox.question(
            self._tabs,
            "Несохранённые изменения",
            f"В карточке «{card.title()}» есть несохранённые изменения. Сохранить их?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return card.save()
        return answer == QMessageBox.StandardButton.Discard

    def cycle(self, step: int) -> None:
        count = self._tabs.count()
        if count:
            self._tabs.setCurrentIndex((self._tabs.currentIndex() + step) % count)
