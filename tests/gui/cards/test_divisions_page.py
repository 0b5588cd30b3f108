"""The client card's «Подразделения» page from the keyboard: add inside and beside,
rename, save with the card (Ctrl+S), a refused delete that names the kits."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select

from tests.gui.cards.test_cards import _open_client, type_text, window  # noqa: F401
from vostok_desktop.domain import ClientDivision
from vostok_desktop.domain.distributives import Kit
from vostok_desktop.services.cards import clients as client_cards

CTRL = Qt.KeyboardModifier.ControlModifier
PNG_DIR = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def _type_name(qtbot, page, name: str) -> None:  # noqa: ANN001
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and page.tree.isAncestorOf(editor)
    type_text(qtbot, editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tree)  # ready for the next key


def _divisions(base, client_id: int) -> dict[str, str | None]:  # noqa: ANN001
    with base.sessions() as s:
        rows = s.scalars(select(ClientDivision).where(ClientDivision.client_id == client_id))
        by_id = {r.id: r for r in rows}
        return {r.name: (by_id[r.parent_id].name if r.parent_id else None)
                for r in by_id.values()}


def test_divisions_are_typed_from_the_keyboard_and_saved_with_the_card(
        qtbot, window, demo_base) -> None:  # noqa: F811
    with demo_base.sessions() as s:  # a client without divisions yet
        used = select(ClientDivision.client_id)
        client_id = s.scalar(select(Kit.client_id).where(Kit.client_id.not_in(used))
                             .order_by(Kit.client_id))
    card = _open_client(window, client_id)
    page = card.divisions_page
    card.pages.setCurrentWidget(page)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Insert)  # top level: nothing selected
    _type_name(qtbot, page, "Бухгалтерия")
    qtbot.keyClick(page.tree, Qt.Key.Key_Insert)  # inside «Бухгалтерия»
    _type_name(qtbot, page, "Расчётный отдел")
    qtbot.keyClick(page.tree, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    _type_name(qtbot, page, "Касса")  # beside «Расчётный отдел»
    assert card.is_dirty()
    assert _divisions(demo_base, client_id) == {}  # nothing written before Ctrl+S
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    card.grab().save(str(PNG_DIR / f"card_divisions_{demo_base.dialect}.png"))
    qtbot.keyClick(page.tree, Qt.Key.Key_S, CTRL)
    assert not card.is_dirty(), card.message_label.text()
    assert _divisions(demo_base, client_id) == {
        "Бухгалтерия": None, "Расчётный отдел": "Бухгалтерия", "Касса": "Бухгалтерия"}
    assert [d.name for d in client_cards.load_client(demo_base, client_id).divisions] \
        >= ["Бухгалтерия"]


def test_a_division_with_kits_is_not_deleted(qtbot, window, demo_base) -> None:  # noqa: F811
    with demo_base.sessions.begin() as s:
        kit = s.scalars(select(Kit).order_by(Kit.id)).first()
        division = ClientDivision(client_id=kit.client_id, name="Склад")
        s.add(division)
        s.flush()
        kit.division_id = division.id
        client_id = kit.client_id
    card = _open_client(window, client_id)
    page = card.divisions_page
    card.pages.setCurrentWidget(page)
    item = next(i for i in page._items() if i.text(0) == "Склад")
    page.tree.setCurrentItem(item)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert "нельзя удалить" in page.error_label.text()
    assert "комплект" in page.error_label.text()
    assert any(i.text(0) == "Склад" for i in page._items())
    assert not card.is_dirty()
