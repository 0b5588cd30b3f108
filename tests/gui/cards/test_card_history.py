"""The card's «История изменений» page: a field-by-field diff with a filter, and
«Вернуть прежнее значение» from the keyboard (pytest-qt, offscreen, both dialects)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from tests.gui.cards.test_cards import type_text
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee, EmployeeRole
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards.client_card import ClientCard
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.settings import Settings

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every question box answers «Да» (and is recorded), so nothing modal hangs."""
    questions: list[str] = []

    def answer(_parent, _title, text, *_a, **_k):  # noqa: ANN001, ANN202
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    return questions


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, asked):  # noqa: ANN001, ANN201
    win = build_main_window(demo_base, Settings())
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def _edited_client(base: OpenedBase) -> tuple[int, str]:
    """A client whose region was changed once, by another employee; returns (id, region)."""
    with base.sessions() as s:
        client_id = s.scalar(select(Client.id).where(Client.marked_for_deletion.is_(False))
                             .order_by(Client.id))
        other = s.scalar(select(Employee.id).where(Employee.login != "admin")
                         .order_by(Employee.id))
    data = client_cards.load_client(base, client_id)
    before = data.region
    data.region = "Тестовая область"
    client_cards.save_client(base, data, other)
    return client_id, before


def _history(window, client_id: int) -> ClientCard:  # noqa: ANN001
    card = window.context.cards.open("client", client_id)
    assert isinstance(card, ClientCard)
    names = [card.pages.widget(i).objectName() for i in range(card.pages.count())]
    card.pages.setCurrentIndex(names.index("page_history"))
    return card


def _rows(card: ClientCard) -> list[tuple[str, str, str]]:
    model = card.history_page.model
    out = []
    for g in range(model.rowCount()):
        group = model.index(g, 0)
        for r in range(model.rowCount(group)):
            out.append(tuple(model.index(r, c, group).data() for c in range(3)))
    return out


def test_history_shows_old_and_new_and_filters(qtbot, window, demo_base) -> None:
    client_id, before = _edited_client(demo_base)
    card = _history(window, client_id)
    page = card.history_page
    assert page.isVisible() and not card.history_table.isVisible()
    rows = _rows(card)
    assert ("Регион", before, "Тестовая область") in rows
    model = page.model
    group = model.index(0, 0)
    assert " · " in group.data()  # when · who
    region = next(model.index(r, 1, group) for r in range(model.rowCount(group))
                  if model.index(r, 0, group).data() == "Регион")
    assert region.data(Qt.ItemDataRole.FontRole).strikeOut()  # the old value struck…
    assert region.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"  # red
    new = region.siblingAtColumn(2)
    assert new.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#1b5e20"  # new green

    page.filter_edit.setFocus()
    type_text(qtbot, page.filter_edit, "тестовая")
    assert _rows(card) == [("Регион", before, "Тестовая область")]
    assert page.count_label.text().startswith("Найдено 1 из")
    type_text(qtbot, page.filter_edit, "нет-такого")
    assert _rows(card) == []
    page.filter_edit.clear()
    assert len(_rows(card)) == len(rows)


def test_restore_with_the_keyboard_reloads_the_card(qtbot, window, demo_base, asked) -> None:
    client_id, before = _edited_client(demo_base)
    card = _history(window, client_id)
    page = card.history_page
    assert page.restore_button.isVisible()
    page.filter_edit.setFocus()
    type_text(qtbot, page.filter_edit, "Регион")
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Tab)  # into the list
    assert QApplication.focusWidget() is page.view
    qtbot.keyClick(page.view, Qt.Key.Key_Home)
    qtbot.keyClick(page.view, Qt.Key.Key_Down)  # from the save's title to its field
    assert page.current_change().field == "Регион"
    version = card.loaded_version()

    qtbot.keyClick(page.view, Qt.Key.Key_R, CTRL_SHIFT)

    assert asked and "Регион" in asked[-1] and before in asked[-1]
    assert client_cards.load_client(demo_base, client_id).region == before
    assert card.region_combo.currentText() == before  # the open card shows it
    assert card.loaded_version() == version + 1
    assert "возвращено" in card.message_label.text()
    assert not card.is_dirty()
    page.filter_edit.clear()
    newest = card.history_page.model.index(0, 0)
    assert ("Регион", "Тестовая область", before) == tuple(
        card.history_page.model.index(0, c, newest).data() for c in range(3))


def test_dirty_card_asks_before_restoring(qtbot, window, demo_base, asked,
                                          monkeypatch) -> None:
    client_id, before = _edited_client(demo_base)
    card = _history(window, client_id)
    card.website_edit.setText("typed.example")
    assert card.is_dirty()
    page = card.history_page
    page.filter_edit.setText("Регион")
    page.view.setFocus()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    assert not page.restore_selected()
    assert card.website_edit.text() == "typed.example"  # nothing typed is dropped
    assert client_cards.load_client(demo_base, client_id).region == "Тестовая область"
    card.website_edit.setText(card._data.website or "")  # clean up: no «save?» at teardown
    assert not card.is_dirty()


def test_without_the_right_there_is_no_button_and_the_service_refuses(
        qtbot, demo_base, asked) -> None:
    client_id, _before = _edited_client(demo_base)
    with demo_base.sessions() as s:
        manager = s.scalar(select(Employee.id).where(Employee.role == EmployeeRole.MANAGER)
                           .order_by(Employee.id))
    win = build_main_window(demo_base, Settings())
    qtbot.addWidget(win)
    win.context.employee_id = manager
    from vostok_desktop.domain.access import Visibility
    from vostok_desktop.services.access.rights import AccessProfile
    win.context.access = AccessProfile(frozenset({"client.edit"}), Visibility.ALL, "manager")
    card = _history(win, client_id)
    page = card.history_page
    assert not page.restore_button.isVisibleTo(card)
    page.filter_edit.setText("Регион")
    assert not page.restore_selected()
    assert "Нет права" in card.message_label.text()
    assert client_cards.load_client(demo_base, client_id).region == "Тестовая область"


def test_logged_values_read_in_russian() -> None:
    from vostok_desktop.gui.cards.history import shown_value

    assert shown_value("action_items", "state", "open") == "Открыт"
    assert shown_value("assignments", "state", "in_work") == "В работе"
    assert shown_value("work_records", "kind", "call") != "call"
    moment = shown_value("work_records", "starts_at", "2026-11-24T16:00:00+00:00")
    assert moment is not None and moment[:10] in ("24.11.2026", "25.11.2026")  # local time
    assert shown_value("clients", "region", "Томская область") == "Томская область"
    assert shown_value("clients", "region", None) is None
