"""Click-to-call («Позвонить», telephony.dial) from the client and contact agents and from a
card's phones; an unknown caller's «Новый клиент» opens a card with the number filled in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain import Phone
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.telephony import install_telephony
from vostok_desktop.settings import Settings

DIAL = "telephony.dial"


@pytest.fixture
def dialect() -> str:
    """The call simulator runs in a demo (file) base only."""
    return "sqlite"


@pytest.fixture
def setup(qtbot, demo_base):  # noqa: ANN001, ANN201
    window = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    controller = install_telephony(window)
    yield window, controller, controller.providers["call_simulator"]
    controller.shutdown()


def first_row_with_phone(qtbot, agent) -> tuple[int, str]:  # noqa: ANN001
    qtbot.waitUntil(lambda: agent.model.rowCount() > 0 and agent.model.row(0) is not None,
                    timeout=10000)
    for n in range(min(agent.model.rowCount(), 200)):
        row = agent.model.row(n)
        if row is not None and row.get("phone"):
            return n, row["phone"]
    raise AssertionError("no row with a phone")


def discard_added_phone(card, row: int) -> None:  # noqa: ANN001
    """Take the test's unsaved phone back, or closing the window would ask to save."""
    card.phones_table.setCurrentCell(row, 0)
    card.phones.remove_row()
    assert not card.is_dirty()


@pytest.mark.parametrize("dock", ["client_list_agent", "contact_list_agent"])
def test_dial_from_an_agent(qtbot, setup, dock: str) -> None:  # noqa: ANN001
    window, controller, simulator = setup
    agent = window.docks[dock].widget()
    window.docks[dock].show()
    assert DIAL in agent.menu_action_ids()  # in the agent's context menu
    action = window.context.actions.action(DIAL)
    assert action.isEnabled() and action.text() == "Позвонить"
    n, number = first_row_with_phone(qtbot, agent)
    agent.select_row(n)
    agent.view.setFocus()
    qtbot.waitUntil(lambda: agent.isAncestorOf(QApplication.focusWidget()))
    window.context.actions.trigger(DIAL)
    assert simulator.actions[-1] == ("originate", number, controller.my_extension())


def test_dial_the_selected_phone_of_a_client_card(  # noqa: ANN001
        qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller, simulator = setup
    with demo_base.sessions() as s:
        client_id = s.scalar(select(Phone.client_id).where(Phone.client_id.is_not(None))
                             .order_by(Phone.client_id).limit(1))
    card = window.context.cards.open("client", client_id)
    table = card.phones_table
    card.phones.append_row(["+7 495 123-45-67", "work", ""])  # a second, unsaved phone
    assert table.rowCount() >= 2
    assert window.context.actions.action(DIAL) in table.actions()
    table.setCurrentCell(1, 0)
    number = card.phones.values(1)[0]
    table.setFocus()
    qtbot.waitUntil(lambda: card.isAncestorOf(QApplication.focusWidget()))
    window.context.actions.trigger(DIAL)
    assert simulator.actions[-1] == ("originate", number, controller.my_extension())
    # The focus elsewhere in the card: still the card's selected phone, not an agent's.
    card.short_name_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is card.short_name_edit)
    simulator.actions.clear()
    window.context.actions.trigger(DIAL)
    assert simulator.actions[-1] == ("originate", number, controller.my_extension())
    discard_added_phone(card, 1)


def test_unknown_caller_new_client_card_has_the_number(qtbot, setup) -> None:  # noqa: ANN001
    window, controller, _simulator = setup
    number = "+7 999 000-11-22"
    call_id = controller.providers["call_simulator"].simulate_incoming(
        number, answer_after_s=None, ring_timeout_s=120)
    popup = controller.informer.popup(call_id)
    assert popup.buttons["new"].isVisible()
    popup.buttons["new"].click()
    card = window.tabs.currentWidget()
    assert card.kind == "client" and card.entity_id is None
    assert [v[0] for _id, v in card.phones.rows()] == [number]
    assert card.is_dirty()
    assert "скопирован" not in window.statusBar().currentMessage()  # not the clipboard
    discard_added_phone(card, 0)


def test_dial_without_telephony_says_why(qtbot, setup) -> None:  # noqa: ANN001
    window, controller, simulator = setup
    controller.stop_providers()
    window.context.actions.refresh_enabled()
    assert not window.context.actions.action(DIAL).isEnabled()
    controller.originate("+7 999 000-11-22")
    assert "Телефония не настроена" in window.statusBar().currentMessage()
    assert not simulator.actions or simulator.actions[-1][0] != "originate"
