"""Every Qt Designer form in ui/ loads, and has the widgets the code takes from it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from vostok_desktop import paths
from vostok_desktop.gui.cards import client_card, contact_card, employee_card
from vostok_desktop.gui.uiloader import load_ui, missing_children

EXPECTED = {
    "client_card.ui": client_card.UI_WIDGETS,
    "contact_card.ui": contact_card.UI_WIDGETS,
    "employee_card.ui": employee_card.UI_WIDGETS,
}
FORMS = sorted(p.name for p in paths.ui_dir().glob("*.ui"))


def test_card_forms_are_present() -> None:
    assert set(EXPECTED) <= set(FORMS)


@pytest.mark.parametrize("name", FORMS)
def test_form_loads(qtbot, name: str) -> None:
    widget = load_ui(name)
    qtbot.addWidget(widget)
    assert widget.objectName()
    assert missing_children(widget, EXPECTED.get(name, {})) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_labels_have_buddies_and_mnemonics_are_unique(qtbot, name: str) -> None:
    widget = load_ui(name)
    qtbot.addWidget(widget)
    mnemonics: list[str] = []
    for label in widget.findChildren(QLabel):
        text = label.text()
        if "&" in text.replace("&&", ""):
            assert label.buddy() is not None, f"{label.objectName()} has no buddy"
            mnemonics.append(text[text.index("&") + 1].lower())
    assert mnemonics, "form labels should carry keyboard mnemonics"
    assert len(mnemonics) == len(set(mnemonics)), f"repeated mnemonics in {name}: {mnemonics}"
