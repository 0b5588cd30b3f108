"""The call informer over a real main window on the demo base (simulated PBX)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain import Contact, Phone
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.telephony import install_telephony
from vostok_desktop.gui.telephony.informer import MARGIN, SPACING
from vostok_desktop.plugins import ProviderState
from vostok_desktop.services.telephony.caller_lookup import lookup_caller
from vostok_desktop.settings import Settings


@pytest.fixture
def dialect() -> str:
    """The informer is GUI: one dialect is enough (lookup and log run on both in services)."""
    return "sqlite"


@pytest.fixture
def setup(qtbot, demo_base):  # noqa: ANN001, ANN201
    window = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    controller = install_telephony(window)
    yield window, controller
    controller.shutdown()


def contact_numbers(base, count: int = 3) -> list[tuple[str, int]]:  # noqa: ANN001
    """Numbers of contacts that are the only owner of their number."""
    out = []
    with base.sessions() as s:
        for raw, contact_id in s.execute(select(Phone.raw, Phone.contact_id)
                                         .where(Phone.contact_id.is_not(None))
                                         .order_by(Phone.id).limit(50)):
            info = lookup_caller(s, raw)
            if info.single is not None and info.single.contact_id == contact_id:
                out.append((raw, contact_id))
            if len(out) == count:
                break
    return out


def press(widget, text: str) -> None:  # noqa: ANN001
    """A key typed in the Russian layout (QTest only knows ASCII keys)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, text))


def ring(controller, number: str, **kw) -> str:  # noqa: ANN001, ANN003
    kw.setdefault("answer_after_s", None)
    kw.setdefault("ring_timeout_s", 120)
    return controller.providers["call_simulator"].simulate_incoming(number, **kw)


def test_popup_bottom_right_with_the_caller_and_no_focus_taken(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    assert controller.status().state is ProviderState.CONNECTED
    focus_before = QApplication.focusWidget()
    (number, contact_id), *_ = contact_numbers(demo_base, 1)
    with demo_base.sessions() as s:
        contact = s.get(Contact, contact_id)
        expected_name, client_name = contact.full_name, contact.client.short_name
    with qtbot.waitSignal(controller.call_shown, timeout=15000):
        call_id = ring(controller, number)
    popup = controller.informer.popup(call_id)
    assert popup is not None and popup.isVisible()
    area = window.screen().availableGeometry()
    geometry = popup.frameGeometry()
    assert geometry.right() == area.right() - MARGIN
    assert geometry.bottom() == area.bottom() - MARGIN
    assert popup.person_label.text() == expected_name
    assert client_name in popup.client_label.text()
    assert popup.status_badge.text() in ("Обслуживаемый", "Потенциальный", "Отключённый")
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert popup.windowFlags() & Qt.WindowType.FramelessWindowHint
    qtbot.wait(50)
    assert QApplication.activeWindow() is window
    assert QApplication.focusWidget() is focus_before


def test_alt_t_focuses_then_keys_open_cards(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    (number, contact_id), *_ = contact_numbers(demo_base, 1)
    call_id = ring(controller, number)
    popup = controller.informer.popup(call_id)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_T,
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is popup, timeout=15000)
    client_id = popup.current_match().client_id
    press(popup, "к")  # the Cyrillic letter on the button
    cards = window.context.cards
    qtbot.waitUntil(lambda: cards.find("client", client_id) is not None, timeout=15000)
    popup.take_focus()
    qtbot.keyClick(popup, Qt.Key.Key_K)  # the same key in the Latin layout: Л
    qtbot.waitUntil(lambda: cards.find("contact", contact_id) is not None, timeout=15000)
    assert controller.informer.popup(call_id) is popup  # still there until closed
    popup.take_focus()
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.informer.popup(call_id) is None, timeout=15000)


def test_transfer_by_keyboard(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    (number, _), *_ = contact_numbers(demo_base, 1)
    call_id = ring(controller, number, answer_after_s=0.01, talk_s=120)
    popup = controller.informer.popup(call_id)
    qtbot.waitUntil(lambda: popup.view.state == "talking", timeout=15000)
    popup.take_focus()
    press(popup, "п")
    qtbot.waitUntil(lambda: controller.transfer_dialog is not None
                    and controller.transfer_dialog.isVisible(), timeout=15000)
    dialog = controller.transfer_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=15000)
    extensions = dialog.visible_extensions()
    assert extensions and controller.my_extension() not in extensions
    target = extensions[-1]
    qtbot.keyClicks(dialog.filter_edit, target)
    assert dialog.visible_extensions()[0] == target
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    simulator = controller.providers["call_simulator"]
    assert simulator.actions == [("transfer", call_id, target)]
    assert popup.view.state == "transferred" and target in popup.status_label.text()


def test_request_key_emits_the_hook_and_opens_the_client(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    (number, _), *_ = contact_numbers(demo_base, 1)
    call_id = ring(controller, number)
    popup = controller.informer.popup(call_id)
    with qtbot.waitSignal(controller.request_registration_requested, timeout=15000) as got:
        popup.take_focus()
        press(popup, "о")
    assert got.args[0] == call_id and got.args[1].client_id == popup.current_match().client_id
    assert window.context.cards.find("client", got.args[1].client_id) is not None
    taken = []
    controller.request_handlers.append(lambda cid, match: taken.append(cid) or True)
    popup.take_focus()
    press(popup, "о")
    assert taken == [call_id]


def test_several_calls_stack_upwards(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    numbers = contact_numbers(demo_base, 3)
    ids = [ring(controller, n) for n, _ in numbers]
    popups = [controller.informer.popup(i) for i in ids]
    area = window.screen().availableGeometry()
    assert popups[0].frameGeometry().bottom() == area.bottom() - MARGIN
    lower, upper = popups[0].frameGeometry(), popups[1].frameGeometry()
    assert upper.bottom() + 1 + SPACING == lower.top() and upper.right() == lower.right()
    # The offscreen screen is 800x600: a third call no longer fits and overlaps,
    # but stays inside the available area.
    assert area.contains(popups[2].frameGeometry())
    assert controller.informer.current() is popups[-1]
    popups[0].close()  # the rest slide down
    qtbot.waitUntil(lambda: popups[1].frameGeometry().bottom() == area.bottom() - MARGIN,
                    timeout=15000)


def test_hangup_hides_after_the_delay(qtbot, setup, demo_base) -> None:  # noqa: ANN001
    window, controller = setup
    controller.informer.linger_s = 1
    (number, _), *_ = contact_numbers(demo_base, 1)
    call_id = ring(controller, number, answer_after_s=None, ring_timeout_s=0.05)
    popup = controller.informer.popup(call_id)
    qtbot.waitUntil(lambda: popup.view.state == "missed", timeout=15000)
    assert popup.isVisible() and "пропущен" in popup.status_label.text()
    qtbot.waitUntil(lambda: controller.informer.popup(call_id) is None, timeout=15000)


def test_unknown_number_offers_find_and_new(qtbot, setup) -> None:  # noqa: ANN001
    window, controller = setup
    call_id = ring(controller, "+7 999 000-11-22")
    popup = controller.informer.popup(call_id)
    assert popup.buttons["find"].isVisible() and popup.buttons["new"].isVisible()
    assert not popup.buttons["client"].isVisible()
    assert popup.unknown_label.isVisible()
    popup.take_focus()
    press(popup, "н")
    agent = window.docks["client_list_agent"].widget()
    assert agent.search_edit.text() == "79990001122"


def test_simulate_call_action_rings_a_demo_contact(qtbot, setup) -> None:  # noqa: ANN001
    window, controller = setup
    action = window.context.actions.action("telephony.simulate_call")
    window.context.actions.refresh_enabled()
    assert action.isEnabled()
    assert "Имитировать входящий звонок" in [a.text() for a in controller.menu.actions()]
    with qtbot.waitSignal(controller.call_shown, timeout=15000) as shown:
        action.trigger()
    popup = controller.informer.popup(shown.args[0])
    assert popup.view.caller.known


def test_popup_comes_while_the_window_is_minimized_and_opens_the_card(qtbot, setup,
                                                                      demo_base) -> None:  # noqa: ANN001
    """An operator working in another program still sees the call; «К» brings the
    program back with the client's card."""
    window, controller = setup
    window.showMinimized()
    (number, contact_id), *_ = contact_numbers(demo_base, 1)
    with qtbot.waitSignal(controller.call_shown, timeout=15000):
        call_id = ring(controller, number)
    popup = controller.informer.popup(call_id)
    assert popup.isVisible()
    assert window.isMinimized()
    popup.open_client.emit(popup.current_match().client_id)
    assert not window.isMinimized()
    assert window.context.cards.current() is not None
    assert window.context.cards.current().kind == "client"
