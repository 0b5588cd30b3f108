"""The main window: agents as docks, tabs, layout kept between runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar

from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.settings import Settings


class NoteCard(CardWidget):
    kind = "note"

    def title(self) -> str:
        return f"Заметка {self.entity_id}"


def _window(qtbot, base):
    window = build_main_window(base, Settings())
    qtbot.addWidget(window)
    window.context.cards.register_kind("note", NoteCard)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_agents_are_docks_with_stable_names(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base)
    names = {d.objectName() for d in window.findChildren(QDockWidget)}
    assert {"client_list_agent", "contact_list_agent"} <= names
    # A file base works as the demo administrator; a server base as the login role.
    expected = "Администратор системы" if demo_base.dialect == "sqlite" else "vostok_super"
    assert expected in window.user_label.text()
    assert window.context.is_admin


def test_opening_an_open_card_focuses_its_tab_and_ctrl_w_closes(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base)
    cards = window.context.cards
    first = cards.open("note", 1)
    cards.open("note", 2)
    assert cards.open("note", 1) is first
    assert window.tabs.count() == 2 and window.tabs.currentWidget() is first
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 1


def test_closed_agent_stays_closed_after_restart_and_comes_back(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base)
    window.docks["contact_list_agent"].close()
    window.resize(790, 580)  # inside the 800x600 offscreen screen
    window.close()
    again = _window(qtbot, demo_base)
    assert again.docks["contact_list_agent"].isHidden()
    assert again.width() == 790
    again.context.actions.trigger("window.contact_list")
    assert not again.docks["contact_list_agent"].isHidden()


def test_window_painted_before_the_base_opens_gets_its_agents(qtbot, demo_base) -> None:
    """The real start shows the frame first and attaches the base afterwards."""
    from vostok_desktop.gui.app import populate_main_window, ui_state_settings
    from vostok_desktop.gui.main_window import MainWindow

    window = MainWindow(ui_state_settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.loading_label.text() == "Открывается база…"
    populate_main_window(window, demo_base, Settings(), telephony=False)
    assert all(dock.isVisible() for dock in window.docks.values())
    assert window.findChild(QToolBar, "main_toolbar").isVisible()
    assert window.central.currentWidget() is window.start_page


@pytest.mark.postgresql
def test_lost_connection_shows_in_status_bar_and_recovers(qtbot, pg_cluster, pg_template) -> None:
    """A server that goes away is named in the status bar; when it is back, so is the
    connection, without restarting the program."""
    from vostok_desktop.db import BaseLocation, open_base

    pg_cluster.create_database("flaky_office", template=pg_template)
    location = BaseLocation.parse(pg_cluster.url("flaky_office").render_as_string(
        hide_password=False))
    base = open_base(location, pg_cluster.password)
    try:
        window = build_main_window(base, Settings(), telephony=False)
        qtbot.addWidget(window)
        pg_cluster.drop_database("flaky_office")  # the server loses the base
        with qtbot.waitSignal(window.connection_checked, timeout=15000) as blocker:
            window.check_connection()
        assert blocker.args == [False]
        assert window.connection_label.text().startswith("Нет соединения")
        assert window.connection_timer.interval() == 3000
        pg_cluster.create_database("flaky_office", template=pg_template)
        with qtbot.waitSignal(window.connection_checked, timeout=15000) as blocker:
            window.check_connection()
        assert blocker.args == [True]
        assert window.connection_label.text() == "Соединение: есть"
    finally:
        base.close()
        pg_cluster.drop_database("flaky_office")


def test_about_names_versions_and_the_base_schema(qtbot, demo_base, monkeypatch) -> None:
    import sqlalchemy
    from PySide6.QtWidgets import QMessageBox

    from vostok_desktop.db import head_revision

    window = _window(qtbot, demo_base)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, _t, text: shown.append(text))
    window.context.actions.trigger("app.about")
    assert len(shown) == 1
    text = shown[0]
    assert f"Схема базы</td><td>&nbsp;{head_revision()}" in text
    assert f"SQLAlchemy</td><td>&nbsp;{sqlalchemy.__version__}" in text
    assert demo_base.location.display() in text
