"""«Принять оплату наличными…» and «Разнести вручную…» driven from the keyboard on both
dialects: the client found by name, the amount typed, Ctrl+Enter saves and opens the
allocation form; Enter credits an invoice (all that fits or the amount typed), an
over-allocation is refused in Russian with nothing written, Del removes an allocation;
without the right «Платежи» nothing can be written."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.services.money.payments_rig import PayRig
from vostok_desktop.gui.money.payment_review import AllocationDialog
from vostok_desktop.gui.money.payments import CashPaymentDialog, PaymentsWidget

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


@pytest.fixture
def rig(pay_rig: PayRig) -> PayRig:
    rig = pay_rig
    rig.first = rig.invoice("romashka", "3000.00", date(2026, 11, 1))
    rig.second = rig.invoice("romashka", "2000.00", date(2026, 11, 15))
    return rig


def _cells(table, column: int) -> list[str]:  # noqa: ANN001
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _focus(qtbot, widget) -> None:  # noqa: ANN001
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_cash_payment_and_allocation_from_the_keyboard(qtbot, pay_window, rig: PayRig) -> None:
    widget = PaymentsWidget(pay_window.context)
    qtbot.addWidget(widget)
    widget.show()
    dialog = widget.cash_payment()
    assert isinstance(dialog, CashPaymentDialog)
    qtbot.addWidget(dialog)
    _focus(qtbot, dialog.search_edit)
    qtbot.keyClicks(dialog.search_edit, "7701")  # by INN (keyClicks types ASCII only)
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert dialog.clients.count() == 1
    assert dialog.clients.item(0).text() == ("Ромашка (ИНН 7701234567), неоплаченных "
                                             "счетов: 2 на 5\u00a0000,00 руб.")
    qtbot.keyClick(dialog.clients, Qt.Key.Key_Return)  # on to the amount
    assert dialog.amount_edit.hasFocus()
    qtbot.keyClicks(dialog.amount_edit, "abc")
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.status.text() == "Оплата не принята: Сумма «abc» — не число"
    assert rig.payments() == [] and dialog.isVisible()
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "4 500,00")
    dialog.note_edit.setText("ПКО № 15")
    dialog.date_edit.setDate(date(2026, 12, 1))
    PNG.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(PNG / "money_cash_payment.png"))
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [payment] = rig.payments()
    assert (payment.amount, payment.paid_on, payment.purpose, payment.company_id) == (
        Decimal("4500.00"), date(2026, 12, 1), "ПКО № 15", rig.company)
    assert not dialog.isVisible()
    assert widget.model.rows[0].id == payment.id  # the new payment selected in the tab

    allocation = dialog.allocation
    assert isinstance(allocation, AllocationDialog)
    qtbot.addWidget(allocation)
    assert _cells(allocation.invoice_view, 0) == ["Счёт С-1", "Счёт С-2"]
    _focus(qtbot, allocation.invoice_view)
    qtbot.keyClick(allocation.invoice_view, Qt.Key.Key_Return)  # all that fits: 3 000
    assert rig.allocations() == [(payment.id, rig.first.id, Decimal("3000.00"))]
    assert allocation.status.text() == "Разнесено 3\u00a0000,00 руб. на счёт С-1."
    assert _cells(allocation.invoice_view, 0) == ["Счёт С-2"]
    assert "не разнесено (аванс): 1\u00a0500,00 руб." in allocation.header.text()
    qtbot.keyClicks(allocation.amount_edit, "2500")
    qtbot.keyClick(allocation.amount_edit, Qt.Key.Key_Return)
    assert allocation.status.text() == ("Не разнесено: Сумма 2\u00a0500,00 руб. больше "
                                        "неразнесённого остатка платежа (1\u00a0500,00 "
                                        "руб.).")
    assert len(rig.allocations()) == 1
    allocation.amount_edit.clear()
    qtbot.keyClicks(allocation.amount_edit, "1000")
    qtbot.keyClick(allocation.amount_edit, Qt.Key.Key_Return)
    assert rig.allocations() == [(payment.id, rig.first.id, Decimal("3000.00")),
                                 (payment.id, rig.second.id, Decimal("1000.00"))]
    assert _cells(allocation.invoice_view, 4) == ["1\u00a0000,00"]
    assert _cells(allocation.allocation_view, 0) == ["Счёт С-1", "Счёт С-2"]
    allocation.resize(760, 540)
    allocation.grab().save(str(PNG / "money_allocation.png"))

    _focus(qtbot, allocation.allocation_view)
    allocation.allocation_view.setCurrentCell(0, 0)
    qtbot.keyClick(allocation.allocation_view, Qt.Key.Key_Delete)
    assert [a[2] for a in rig.allocations()] == [Decimal("1000.00")]
    assert allocation.status.text() == ("Разнесение на счёт С-1 снято: сумма вернулась в "
                                        "аванс.")
    assert _cells(allocation.invoice_view, 4) == ["3\u00a0000,00", "1\u00a0000,00"]
    allocation.accept()
    assert widget.model.rows[0].allocated == Decimal("1000.00")  # the tab refreshed

    # From the tab: the selected payment's allocation form again (Ctrl+L).
    again = widget.allocate_current()
    assert isinstance(again, AllocationDialog)
    qtbot.addWidget(again)
    assert _cells(again.allocation_view, 0) == ["Счёт С-2"]
    again.accept()
    assert widget.model.rows[0].advance == Decimal("3500.00")
    widget.resize(1200, 420)
    widget.grab().save(str(PNG / "money_payments_tab.png"))


def test_the_command_and_no_right(qtbot, pay_window, rig: PayRig,
                                  no_payments_profile) -> None:
    dialog = pay_window.money.cash_payment()
    assert isinstance(dialog, CashPaymentDialog)
    qtbot.addWidget(dialog)
    dialog.save()  # no client chosen
    assert dialog.status.text().startswith("Выберите клиента")
    dialog.reject()
    tab = pay_window.money.tabs["payments"]

    pay_window.context.access = no_payments_profile
    widget = PaymentsWidget(pay_window.context)
    qtbot.addWidget(widget)
    assert not widget.cash_button.isEnabled() and not widget.allocate_button.isEnabled()
    assert widget.cash_payment() is None
    assert widget.status_label.text() == "Нет права «Платежи». Обратитесь к администратору."
    assert tab is not widget
    # A form opened anyway (e.g. before the rights changed) writes nothing.
    form = CashPaymentDialog(pay_window.context)
    qtbot.addWidget(form)
    assert not form.save_button.isEnabled()
    form.search_edit.setText("Ромашка")
    form.search()
    form.amount_edit.setText("100")
    assert form.save() is None
    assert "Платежи" in form.status.text()
    assert rig.payments() == []
