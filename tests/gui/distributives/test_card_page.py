"""The «Дистрибутивы» page of the client card, driven from the keyboard on the demo base
of each dialect: what the client has, movements, refusals that keep what was typed,
terms, kits with ЗВЭ, and the state on a past date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
)
from vostok_desktop.gui.distributives.dialogs import MovementDialog, TermsDialog
from vostok_desktop.services.access.rights import FULL_ACCESS, AccessProfile

from .conftest import (
    TODAY,
    column,
    expert_kit_client,
    open_page,
    other_client,
    press_ok,
    select_number,
    served_client,
    type_text,
)

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
S = DistributiveStatus


def _status(base, number: str) -> tuple[str, int | None]:
    with base.sessions() as s:
        d = s.scalars(select(Distributive).where(Distributive.number == number)).one()
        return d.status, d.client_id


def test_page_shows_what_the_client_has_and_its_history(qtbot, window, demo_base) -> None:
    client_id = expert_kit_client(demo_base) or served_client(demo_base)
    page = open_page(qtbot, window, client_id)
    with demo_base.sessions() as s:
        numbers = sorted(s.scalars(select(Distributive.number)
                                   .where(Distributive.client_id == client_id)))
        moves = s.scalar(select(func.count()).select_from(DistributiveMovement).where(
            (DistributiveMovement.to_client_id == client_id)
            | (DistributiveMovement.from_client_id == client_id)))
        expert_numbers = set(s.scalars(select(Distributive.number).join(
            Kit, Kit.id == Distributive.kit_id).where(Distributive.client_id == client_id,
                                                      Kit.ask_expert.is_(True))))
    shown = column(page.table, 0)
    assert sorted(n for n in shown if n in numbers) == numbers
    assert page.history.rowCount() == min(moves, 500) > 0
    assert "На обслуживании" in page.summary.text()
    zve = dict(zip(shown, column(page.table, 10), strict=True))
    assert {n for n, flag in zve.items() if flag == "да"} == expert_numbers
    # The first row is served and shows its system and status.
    assert page.table.item(0, 5).text() == "На обслуживании"
    assert page.table.item(0, 1).text()


def test_disconnect_with_delete_then_again_is_refused_and_keeps_the_note(
        qtbot, window, demo_base) -> None:
    page = open_page(qtbot, window, served_client(demo_base))
    number = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    dialog = page.active_dialog
    assert isinstance(dialog, MovementDialog) and dialog.isVisible()
    assert number in dialog.header.text()
    type_text(qtbot, dialog.note, "Клиент отказался")
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _status(demo_base, number)[0] == S.DISCONNECTED
    select_number(page, number)
    assert page.table.item(page.table.currentRow(), 5).text() == "Отключён"
    assert page.history.item(0, 1).text() == "Отключение"
    assert page.history.item(0, 5).text() == "Клиент отказался"
    assert "отключён" in page.message.text()
    # Again: the service refuses, the dialog stays with the typed note.
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    again = page.active_dialog
    type_text(qtbot, again.note, "повтор")
    press_ok(again)
    assert again.isVisible()
    assert again.message.isVisible()
    assert f"№ {number} уже отключён" in again.message.text()
    assert again.note.text() == "повтор"
    again.reject()


def test_connect_from_the_warehouse_with_insert(qtbot, window, demo_base) -> None:
    client_id = served_client(demo_base)
    page = open_page(qtbot, window, client_id)
    before = page.table.rowCount()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    dialog = page.active_dialog
    assert isinstance(dialog, MovementDialog)
    assert dialog.stock.count() > 0
    number = dialog.stock.currentText().split()[1]
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _status(demo_base, number) == (S.SERVED, client_id)
    assert page.table.rowCount() == before + 1
    select_number(page, number)
    assert page.table.item(page.table.currentRow(), 5).text() == "На обслуживании"
    assert page.history.item(0, 1).text() == "Подключение"


def test_transfer_of_rights_to_another_client(qtbot, window, demo_base) -> None:
    client_id = served_client(demo_base)
    target, inn = other_client(demo_base, client_id)
    page = open_page(qtbot, window, client_id)
    number = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_T, CTRL_ALT)
    dialog = page.active_dialog
    assert isinstance(dialog, MovementDialog)
    qtbot.keyClicks(dialog.client.edit, inn)
    qtbot.keyClick(dialog.client.edit, Qt.Key.Key_Return)
    assert dialog.client.client_id() == target
    assert dialog.isVisible()  # Enter searched, it did not press «ОК»
    with demo_base.sessions() as s:
        target_kits = sorted(s.scalars(select(Kit.title).where(Kit.client_id == target)))
    # The kits offered are the new client's.
    assert sorted(dialog.kit.itemText(i) for i in range(1, dialog.kit.count())) == target_kits
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _status(demo_base, number) == (S.SERVED, target)
    assert number not in column(page.table, 0)
    assert page.history.item(0, 1).text() == "Передача прав"


def test_terms_refuse_a_bad_discount_then_save_a_decimal(qtbot, window, demo_base) -> None:
    """«Условия» → «Цены и скидки по датам…»: a dated discount (0017), refused when out of
    range, saved as Decimal and shown in the list's «Условия» column."""
    from sqlalchemy import delete

    from vostok_desktop.domain.money import DistributiveTerm
    from vostok_desktop.gui.money.distributive_terms_dialog import DistributiveTermsDialog

    client = served_client(demo_base)
    with demo_base.sessions() as s, s.begin():  # the demo's own terms out of the way
        s.execute(delete(DistributiveTerm).where(DistributiveTerm.client_id == client))
    page = open_page(qtbot, window, client)
    number = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_F4)
    dialog = page.active_dialog
    assert isinstance(dialog, TermsDialog)
    assert dialog.money_button.isEnabled()
    dialog.money_button.click()
    money = page.money_terms_dialog
    assert isinstance(money, DistributiveTermsDialog)  # a child of «Условия»: closed with it
    qtbot.keyClicks(money.discount, "150")
    money.add_button.click()
    assert "скидка — от 0 до 100" in money.status.text()
    assert money.discount.text() == "150" and money.table.rowCount() == 0
    money.discount.clear()
    qtbot.keyClicks(money.discount, "12,5")
    money.add_button.click()
    assert money.status.text() == "Условия добавлены" and money.table.rowCount() == 1
    money.accept()
    dialog.reject()
    with demo_base.sessions() as s:
        d = s.scalars(select(Distributive).where(Distributive.number == number)).one()
        [term] = s.scalars(select(DistributiveTerm).where(
            DistributiveTerm.distributive_id == d.id)).all()
        assert term.discount_percent == Decimal("12.50") and term.fixed_price is None
        assert term.client_id == d.client_id and term.valid_to is None
    qtbot.waitUntil(lambda: page.table.rowCount() > 0)
    select_number(page, number)
    assert page.table.item(page.table.currentRow(), 8).text() == "скидка 12,5 %"


def test_new_kit_with_expert_flag_then_add_to_it(qtbot, window, demo_base) -> None:
    page = open_page(qtbot, window, served_client(demo_base))
    number = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL_ALT)
    kit_dialog = page.active_dialog
    type_text(qtbot, kit_dialog.title_edit, "Филиал на Ленина")
    kit_dialog.ask_expert.setChecked(True)
    press_ok(kit_dialog)
    qtbot.waitUntil(lambda: not kit_dialog.isVisible())
    assert "Филиал на Ленина" in column(page.kits_table, 0)
    select_number(page, number)
    qtbot.keyClick(page.table, Qt.Key.Key_K, CTRL_ALT)
    dialog = page.active_dialog
    dialog.kit.setCurrentIndex(dialog.kit.findText("Филиал на Ленина"))
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    select_number(page, number)
    r = page.table.currentRow()
    assert page.table.item(r, 9).text() == "Филиал на Ленина"
    assert page.table.item(r, 10).text() == "да"
    assert page.history.item(0, 1).text() == "Пополнение комплекта"


def test_replace_and_return_to_stock(qtbot, window, demo_base) -> None:
    client_id = served_client(demo_base)
    page = open_page(qtbot, window, client_id)
    old = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_M, CTRL_ALT)
    dialog = page.active_dialog
    new = dialog.stock.currentText().split()[1]
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _status(demo_base, old) == (S.DISCONNECTED, client_id)
    assert _status(demo_base, new) == (S.SERVED, client_id)
    select_number(page, old)
    qtbot.keyClick(page.table, Qt.Key.Key_V, CTRL_ALT)
    back = page.active_dialog
    press_ok(back)
    qtbot.waitUntil(lambda: not back.isVisible())
    assert _status(demo_base, old) == (S.IN_STOCK, None)
    assert old not in column(page.table, 0)


def test_state_on_a_past_date(qtbot, window, demo_base) -> None:
    client_id = served_client(demo_base)
    page = open_page(qtbot, window, client_id)
    number = page.table.item(0, 0).text()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    press_ok(page.active_dialog)  # disconnected today
    with demo_base.sessions() as s:
        first = s.scalar(select(func.min(DistributiveMovement.moved_on))
                         .where(DistributiveMovement.to_client_id == client_id))
    qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL_ALT)
    dialog = page.active_dialog
    assert dialog.isVisible()
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 3).text()
            for r in range(dialog.table.rowCount())}
    assert rows[number] == "Отключён"
    assert len(rows) == sum(1 for d in page.rows if d.status is not S.RESERVED)
    dialog.set_date(TODAY - timedelta(days=1))
    assert {dialog.table.item(r, 0).text(): dialog.table.item(r, 3).text()
            for r in range(dialog.table.rowCount())}[number] == "На обслуживании"
    dialog.set_date(first - timedelta(days=1))
    assert dialog.table.rowCount() == 0
    assert "не было" in dialog.summary.text()
    dialog.reject()


def test_without_the_right_commands_are_greyed_out(qtbot, window, demo_base) -> None:
    rights = frozenset(FULL_ACCESS.rights - {"distributives.move"})
    window.context.access = AccessProfile(rights, FULL_ACCESS.visibility, None)
    window.context.actions.set_rights(rights)
    page = open_page(qtbot, window, served_client(demo_base))
    assert not page.buttons["distributives.connect"].isEnabled()
    assert not page.buttons["distributives.disconnect"].isEnabled()
    assert page.buttons["distributives.state_on"].isEnabled()
    assert not window.context.actions.action("distributives.connect").isEnabled()
    assert "нет права" in window.context.actions.action("distributives.connect").toolTip()
    before = page.table.rowCount()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.active_dialog is None and page.table.rowCount() == before


def test_menu_command_goes_to_the_page_of_the_current_card(qtbot, window, demo_base) -> None:
    from vostok_desktop.gui.distributives.card_page import DistributivesPage, StateOnDateDialog

    card = window.context.cards.open("client", served_client(demo_base))
    assert not isinstance(card.pages.currentWidget(), DistributivesPage)
    window.context.actions.trigger("distributives.state_on")
    page = card.pages.currentWidget()
    assert isinstance(page, DistributivesPage)
    assert isinstance(page.active_dialog, StateOnDateDialog) and page.active_dialog.isVisible()
    assert page.active_dialog.table.rowCount() > 0
    page.active_dialog.reject()
    window.context.cards.close_all()
    assert not window.context.actions.action("distributives.disconnect").isEnabled()


def test_delete_kit_only_when_empty(qtbot, window, demo_base) -> None:
    page = open_page(qtbot, window, served_client(demo_base))
    used = page.kits_table.item(0, 0).text()
    page.kits_table.setCurrentCell(0, 0)
    page.kits_table.setFocus()
    qtbot.keyClick(page.kits_table, Qt.Key.Key_Delete)  # not «отключить» here
    assert page.active_dialog is None
    qtbot.keyClick(page.kits_table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert used in column(page.kits_table, 0)
    assert f"В комплекте «{used}» есть дистрибутивы" in page.message.text()
    page.buttons["kits.new"].click()
    dialog = page.active_dialog
    type_text(qtbot, dialog.title_edit, "Пустой")
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page.kits_table.setCurrentCell(column(page.kits_table, 0).index("Пустой"), 0)
    page.kits_table.setFocus()
    qtbot.keyClick(page.kits_table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert "Пустой" not in column(page.kits_table, 0)
    assert "Комплект «Пустой» удалён" in page.message.text()
