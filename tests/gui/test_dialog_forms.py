"""The base dialogs' Qt Designer forms load, have the widgets the code takes from them,
their labels carry mnemonics with buddies, and the dialogs build from them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QWidget

from vostok_desktop import paths
from vostok_desktop.db import BaseLocation
from vostok_desktop.gui import connection_dialog, shortcuts_page
from vostok_desktop.gui.actions import ActionRegistry
from vostok_desktop.gui.uiloader import load_ui, missing_children
from vostok_desktop.settings import Settings

EXPECTED: dict[str, dict[str, type[QWidget]]] = {
    connection_dialog.UI_CONNECTION: connection_dialog.CONNECTION_WIDGETS,
    connection_dialog.UI_SERVER_BASE: connection_dialog.SERVER_BASE_WIDGETS,
    connection_dialog.UI_PASSWORD: connection_dialog.PASSWORD_WIDGETS,
    shortcuts_page.UI_FILE: shortcuts_page.UI_WIDGETS,
}


def test_dialog_forms_are_present() -> None:
    present = {p.name for p in paths.ui_dir().glob("*.ui")}
    assert set(EXPECTED) <= present


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_form_has_expected_widgets(qtbot, name: str) -> None:
    widget = load_ui(name)
    qtbot.addWidget(widget)
    assert missing_children(widget, EXPECTED[name]) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_labels_have_buddies_and_unique_mnemonics(qtbot, name: str) -> None:
    widget = load_ui(name)
    qtbot.addWidget(widget)
    mnemonics: list[str] = []
    for label in widget.findChildren(QLabel):
        text = label.text().replace("&&", "")
        if "&" in text:
            assert label.buddy() is not None, f"{label.objectName()} has no buddy"
            mnemonics.append(text[text.index("&") + 1].lower())
    assert mnemonics, "form labels should carry keyboard mnemonics"
    assert len(mnemonics) == len(set(mnemonics)), f"repeated mnemonics in {name}: {mnemonics}"


def _check_dialog(dialog: QWidget, widgets: dict[str, type[QWidget]]) -> None:
    for name, kind in widgets.items():
        assert isinstance(getattr(dialog, name), kind), name
        assert getattr(dialog, name).window() is dialog, name


def test_dialogs_build_from_forms(qtbot, tmp_path) -> None:
    server = connection_dialog.ServerBaseDialog()
    qtbot.addWidget(server)
    _check_dialog(server, connection_dialog.SERVER_BASE_WIDGETS)
    assert server.host_edit.text() == "localhost" and server.port_spin.value() == 5432
    assert server.database_edit.text() == "vostok"

    password = connection_dialog.PasswordDialog(BaseLocation.file(tmp_path / "a.sqlite"))
    qtbot.addWidget(password)
    _check_dialog(password, connection_dialog.PASSWORD_WIDGETS)
    assert password.base_label.text().startswith("База: ")

    chooser = connection_dialog.ConnectionDialog(Settings())
    qtbot.addWidget(chooser)
    _check_dialog(chooser, connection_dialog.CONNECTION_WIDGETS)
    assert chooser.open_button.isDefault()
    assert not chooser.open_button.isEnabled()  # nothing to open yet

    registry = ActionRegistry(QSettings(str(tmp_path / "ui-state.ini"),
                                        QSettings.Format.IniFormat))
    registry.register("tab.close", "Закрыть вкладку")
    shortcuts = shortcuts_page.ShortcutsDialog(registry)
    qtbot.addWidget(shortcuts)
    _check_dialog(shortcuts, shortcuts_page.UI_WIDGETS)
    assert shortcuts.table.columnCount() == 3 and shortcuts.table.rowCount() == 1
    assert shortcuts.table.horizontalHeaderItem(2).text() == "Сочетание"
    assert shortcuts.editor.maximumSequenceLength() == 1
