"""The main window on the demo base (both dialects) and helpers to drive the
distributive screens like a user: keys, typed text, «ОК» in the dialogs."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import func, select

from tests.gui.cards.test_cards import type_text  # noqa: F401 - re-exported
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus, Kit
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.distributives.card_page import DistributivesPage
from vostok_desktop.settings import Settings

# The demo clients' last day is 2026-11-20: movements are dated after it.
TODAY = date(2026, 12, 1)


def press_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win.context.cards.close_all()


def served_client(base: OpenedBase) -> int:
    """A client with the most distributives served now."""
    with base.sessions() as s:
        return s.execute(
            select(Distributive.client_id, func.count())
            .where(Distributive.status == DistributiveStatus.SERVED)
            .group_by(Distributive.client_id)
            .order_by(func.count().desc(), Distributive.client_id)).first()[0]


def other_client(base: OpenedBase, not_this: int) -> tuple[int, str]:
    with base.sessions() as s:
        row = s.execute(select(Client.id, Client.inn).where(
            Client.id != not_this, Client.inn.is_not(None),
            Client.marked_for_deletion.is_(False)).order_by(Client.id)).first()
        return row[0], row[1]


def expert_kit_client(base: OpenedBase) -> int | None:
    with base.sessions() as s:
        return s.scalar(select(Kit.client_id).join(Distributive, Distributive.kit_id == Kit.id)
                        .where(Kit.ask_expert.is_(True)).order_by(Kit.client_id).limit(1))


def open_page(qtbot, window, client_id: int) -> DistributivesPage:
    card = window.context.cards.open("client", client_id)
    page = next(p for p in card.extension_pages if isinstance(p, DistributivesPage))
    page.today = lambda: TODAY
    card.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.isVisible() and page.data is not None)
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.table.hasFocus())
    return page


def column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def select_number(page: DistributivesPage, number: str) -> None:
    row = column(page.table, 0).index(number)
    page.table.setCurrentCell(row, 0)
    page.table.setFocus()
