"""The «Контактные лица» agent: ФИО search from the keyboard, Enter opens the contact card,
Ctrl+Return the client card, Ctrl+D the star, stop-list, e-mail link — both dialects."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain import Contact, Email, Employee
from vostok_desktop.gui.agents.contact_list import ContactListAgent
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.models.keyset_model import Roles
from vostok_desktop.settings import Settings

OPENED: list[tuple[str, int | None]] = []


def _card_class(kind_name: str) -> type[CardWidget]:
    class Card(CardWidget):
        kind = kind_name

        def __init__(self, entity_id: int | None) -> None:
            super().__init__(entity_id)
            OPENED.append((kind_name, entity_id))

    return Card


def type_text(widget, text: str) -> None:  # noqa: ANN001
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, ord(ch.upper()),
                                                     Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def agent(qtbot, demo_base):
    win = build_main_window(demo_base, Settings())
    qtbot.addWidget(win)
    OPENED.clear()
    win.context.cards.register_kind("contact", _card_class("contact"))
    win.context.cards.register_kind("client", _card_class("client"))
    if win.context.employee_id is None:
        with demo_base.sessions() as session:
            win.context.employee_id = session.scalars(select(Employee.id)
                                                      .order_by(Employee.id)).first()
    win.show()
    qtbot.waitExposed(win)
    win.docks["contact_list_agent"].raise_()
    found = win.findChild(ContactListAgent)
    found.apply_query()
    assert found.model.wait_for_count()
    yield found
    win.context.cards.close_all()


def test_fio_search_then_enter_and_ctrl_return(qtbot, agent, demo_base) -> None:
    with demo_base.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.first_name != "")
                                  .order_by(Contact.id).offset(3).limit(1)).one()
    text = f"{contact.first_name[:2]} {contact.last_name[:3].lower()}"
    agent.search_edit.setFocus()
    type_text(agent.search_edit, text)
    qtbot.waitUntil(lambda: not agent.pending_search(), timeout=15000)
    ids = [agent.model.row_id(n) for n in range(agent.model.rowCount())]
    assert contact.id in ids
    agent.select_row(ids.index(contact.id))
    agent.view.setFocus()
    qtbot.keyClick(agent.view, Qt.Key.Key_Return)
    assert OPENED == [("contact", contact.id)]
    agent.view.setFocus()  # the opened card took the focus
    qtbot.keyClick(agent.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert OPENED[-1] == ("client", contact.client_id)


def test_star_stop_list_and_mailto(qtbot, agent, demo_base) -> None:
    with demo_base.sessions() as session:
        emailed = session.scalars(select(Email.contact_id).where(Email.contact_id.is_not(None))
                                  .order_by(Email.id)).first()
    agent.show_clients(None)
    agent.view.setFocus()
    agent.select_row(0)
    index = agent.model.index(0, 0)
    before = agent.model.data(index, Roles.FAVOURITE)
    qtbot.keyClick(agent.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert agent.model.data(index, Roles.FAVOURITE) is (not before)
    agent.toggle_stop_list()
    assert agent.model.row(0)["stop_list"] is True
    colour = agent.model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert colour is not None and colour.name() == "#f3e3c8"
    with demo_base.sessions() as session:
        client_id = session.get(Contact, emailed).client_id
    agent.show_clients([client_id])
    assert "Клиентов: 1" in agent.clients_button.text()
    row = next(n for n in range(agent.model.rowCount()) if agent.model.row_id(n) == emailed)
    agent.select_row(row)
    url = agent.mailto_url()
    assert url is not None and url.scheme() == "mailto" and "@" in url.path()
