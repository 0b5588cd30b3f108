"""The review dialog driven from the keyboard on both dialects: Up/Down through the
unassigned payments, Tab to the candidates, Enter assigns the selected invoice (or the
client: an advance), Ctrl+F finds a client by INN, Del marks «не наш платёж»; without
the right the actions are disabled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.services.money.payments_rig import ACCOUNT, INN, PayRig, order
from vostok_desktop.gui.money.payment_review import PaymentReviewDialog
from vostok_desktop.services.money import payments
from vostok_desktop.services.money.bank_statement import render_statement


@pytest.fixture
def rig(pay_rig: PayRig) -> PayRig:
    rig = pay_rig
    rig.lyutik_invoice = rig.invoice("lyutik", "1200.00", date(2026, 11, 20))
    rig.vasilek_invoice = rig.invoice("vasilek", "990.00", date(2026, 11, 21))
    data = render_statement(ACCOUNT, date(2026, 12, 1), date(2026, 12, 3), [
        order("11", date(2026, 12, 1), "1100.00", "оплата за информационные услуги",
              inn="7712121212", name="ООО «Лютик-Холдинг»"),
        order("12", date(2026, 12, 2), "777.00", "возврат займа", inn="7713131313",
              name="ООО «Неизвестно кто»"),
        order("13", date(2026, 12, 3), "5000.00", "предоплата за 2027 год",
              inn="7714141414", name="ИП Кузнецов")])
    payments.import_statement(rig.base, data, "x.txt", rig.cashier, None)
    return rig


def _key(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def test_review_from_the_keyboard(qtbot, pay_window, rig: PayRig) -> None:
    dialog = PaymentReviewDialog(pay_window.context, None, pay_window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    view = dialog.payments_view
    assert [view.item(r, 1).text() for r in range(view.rowCount())] == ["11", "12", "13"]
    # The first payment: Лютик found by the payer's name, its invoice preselected.
    top = dialog.candidates.topLevelItem(0)
    assert top.text(0) == "Лютик (по названию)"
    assert dialog.candidates.currentItem().text(0) == f"Счёт {rig.lyutik_invoice.number_text}"
    view.setFocus()
    _key(qtbot, view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.candidates
    _key(qtbot, dialog.candidates, Qt.Key.Key_Return)
    assert dialog.status_label.text() == (
        f"Платёж № 11 на 1\u00a0100,00 руб. отнесён клиенту «Лютик» "
        f"(счёт {rig.lyutik_invoice.number_text}).")
    assert [view.item(r, 1).text() for r in range(view.rowCount())] == ["12", "13"]
    assert rig.allocations()[-1][1:] == (rig.lyutik_invoice.id, Decimal("1100.00"))

    # «12» is not ours: Del.
    assert QApplication.focusWidget() is view
    _key(qtbot, view, Qt.Key.Key_Delete)
    assert dialog.status_label.text() == "Платёж № 12 отмечен как «не наш»."
    assert view.rowCount() == 1

    # «13»: Ctrl+F, the INN of Василёк, Enter searches; Up to the client → an advance.
    _key(qtbot, dialog, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is dialog.search_edit
    qtbot.keyClicks(dialog.search_edit, INN["vasilek"])
    _key(qtbot, dialog.search_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.candidates
    assert dialog.candidates.topLevelItem(0).text(0) == "Василёк (поиск)"
    _key(qtbot, dialog.candidates, Qt.Key.Key_Up)
    assert dialog.candidates.currentItem().text(0) == "Василёк (поиск)"
    _key(qtbot, dialog.candidates, Qt.Key.Key_Enter)
    assert dialog.status_label.text() == ("Платёж № 13 на 5\u00a0000,00 руб. отнесён "
                                          "клиенту «Василёк» (аванс).")
    assert view.rowCount() == 0
    assert dialog.note_label.text() == "Все платежи разобраны."
    by_number = {p.doc_number: p for p in rig.payments()}
    assert by_number["13"].client_id == rig.clients["vasilek"]
    assert by_number["12"].match_note == "не наш платёж"
    with rig.base.sessions() as s:
        assert payments.payment_rest(s, by_number["13"].id) == Decimal("5000.00")


def test_review_without_the_right(qtbot, pay_window, rig: PayRig, no_payments_profile) -> None:
    pay_window.context.access = no_payments_profile
    dialog = PaymentReviewDialog(pay_window.context, None, pay_window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.assign_button.isEnabled()
    assert dialog.assign_button.toolTip() == "Нет права «Платежи». Обратитесь к администратору."
    dialog.candidates.setFocus()
    _key(qtbot, dialog.candidates, Qt.Key.Key_Return)
    assert dialog.status_label.text() == "Нет права «Платежи». Обратитесь к администратору."
    assert all(p.client_id is None for p in rig.payments())
