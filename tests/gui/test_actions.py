"""One registry for every command: shortcuts work, persist, and conflicts are refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMainWindow

from vostok_desktop import paths
from vostok_desktop.gui.actions import ActionRegistry, ShortcutConflict
from vostok_desktop.gui.shortcuts_page import ShortcutsDialog


def _settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window_with_actions(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    registry = ActionRegistry(_settings())
    fired: list[str] = []
    for action_id, text in (("tab.close", "Закрыть вкладку"), ("app.quit", "Выход"),
                            ("tab.next", "Следующая вкладка")):
        window.addAction(registry.register(action_id, text,
                                           lambda a=action_id: fired.append(a),
                                           category="Окна", parent=window))
    window.show()
    qtbot.waitExposed(window)
    return window, registry, fired


def test_default_shortcut_triggers_the_command(qtbot, window_with_actions) -> None:
    window, _registry, fired = window_with_actions
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert fired == ["tab.close"]


def test_conflicting_shortcut_is_refused_and_nothing_changes(window_with_actions) -> None:
    _window, registry, _fired = window_with_actions
    with pytest.raises(ShortcutConflict, match="Выход"):
        registry.set_shortcut("tab.close", "Ctrl+Q")
    assert registry.shortcut("tab.close") == "Ctrl+W"


def test_changed_shortcut_works_and_persists(qtbot, window_with_actions) -> None:
    window, registry, fired = window_with_actions
    registry.set_shortcut("tab.close", "Ctrl+F4")
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert fired == ["tab.close"]  # only Ctrl+F4 closes now
    again = ActionRegistry(_settings())
    again.register("tab.close", "Закрыть вкладку")
    assert again.shortcut("tab.close") == "Ctrl+F4"


def test_shortcuts_page_lists_commands_and_refuses_conflicts(qtbot, window_with_actions) -> None:
    _window, registry, _fired = window_with_actions
    dialog = ShortcutsDialog(registry)
    qtbot.addWidget(dialog)
    texts = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert {"Закрыть вкладку", "Выход", "Следующая вкладка"} <= texts
    dialog.select("tab.next")
    dialog._apply("Ctrl+Q")
    assert "уже назначено команде «Выход»" in dialog.message.text()
    assert registry.shortcut("tab.next") == "Ctrl+Tab"
