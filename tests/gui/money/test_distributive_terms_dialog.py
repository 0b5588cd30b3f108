"""«Цены и скидки дистрибутива» driven like a user on both dialects: a dated fixed price
added, then a discount from a later date; an overlapping period and a bad value refused
in Russian with nothing written; the chosen row edited and deleted; the row valid today
in bold; without «Скидки и VIP-программы» everything read-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import QMessageBox

from tests.gui.cards.test_cards import type_text
from tests.gui.money.test_billing_dialog import PNG, _context
from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.gui.distributives.dialogs import to_qdate
from vostok_desktop.gui.money.distributive_terms_dialog import DistributiveTermsDialog
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.money import distributive_terms as terms

DAY = date(2026, 3, 12)


def _distributive(rig: Rig) -> int:  # noqa: F811
    [d] = rig.receive("520001")
    movements.connect(rig.base, d, rig.clients["romashka"], date(2021, 1, 10),
                      rig.employees["engineer"], today=TODAY)
    return d


def _column(dialog: DistributiveTermsDialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def test_dated_terms_added_refused_edited_and_deleted(qtbot, rig: Rig, monkeypatch  # noqa: F811, ANN001
                                                      ) -> None:
    d = _distributive(rig)
    dialog = DistributiveTermsDialog(_context(rig), d, "520001", today=DAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 0 and not dialog.save_button.isEnabled()

    # A fixed price for January–June.
    dialog.valid_from.setDate(to_qdate(date(2026, 1, 1)))
    dialog.open_ended.setChecked(False)
    dialog.valid_to.setDate(to_qdate(date(2026, 6, 30)))
    qtbot.keyClicks(dialog.price, "3 500,50")
    type_text(qtbot, dialog.note, "договор № 7")
    dialog.add_button.click()
    assert dialog.status.text() == "Условия добавлены"
    assert _column(dialog, 0) == ["с 01.01.2026 по 30.06.2026"]
    assert _column(dialog, 1) == ["цена 3\u00a0500,50 руб."]
    assert dialog.table.item(0, 0).font().bold()  # valid on 12.03.2026

    # A discount from June: overlaps, refused, nothing written; from July it is added.
    dialog.valid_from.setDate(to_qdate(date(2026, 6, 1)))
    dialog.open_ended.setChecked(True)
    dialog.price.clear()
    qtbot.keyClicks(dialog.discount, "7,5")
    dialog.add_button.click()
    assert dialog.status.text() == (
        "Дистрибутив № 520001: период пересекается с условиями с 01.01.2026 по 30.06.2026 "
        "— измените даты или закройте те условия раньше")
    assert len(terms.list_terms(rig.base, d)) == 1
    dialog.valid_from.setDate(to_qdate(date(2026, 7, 1)))
    dialog.add_button.click()
    assert _column(dialog, 0) == ["с 01.07.2026, бессрочно", "с 01.01.2026 по 30.06.2026"]
    assert not dialog.table.item(0, 0).font().bold()
    dialog.resize(720, 480)
    dialog.grab().save(f"{PNG}/money_distributive_terms.png")

    # The chosen row: a bad value refused, then the discount changed and saved.
    dialog.table.setCurrentCell(0, 0)
    assert dialog.discount.text() == "7,50"
    dialog.discount.setText("150")
    dialog.save_button.click()
    assert "скидка — от 0 до 100 %" in dialog.status.text()
    dialog.discount.setText("10")
    dialog.save_button.click()
    assert dialog.status.text() == "Условия сохранены"
    assert terms.list_terms(rig.base, d)[0].discount_percent == Decimal("10.00")

    # Delete the price row (asked first).
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    dialog.table.setCurrentCell(1, 0)
    assert dialog.delete()
    assert _column(dialog, 1) == ["скидка 10 %"]


def test_without_the_right_the_terms_are_read_only(qtbot, rig: Rig) -> None:  # noqa: F811
    d = _distributive(rig)
    terms.save_term(rig.base, d, terms.TermData(date(2026, 1, 1), None, "1000"), None)
    context = _context(rig)
    context.access = AccessProfile(
        frozenset(r.value for r in Right) - {Right.MONEY_DISCOUNTS.value}, Visibility.ALL,
        "manager")
    dialog = DistributiveTermsDialog(context, d, "520001", today=DAY)
    qtbot.addWidget(dialog)
    assert _column(dialog, 1) == ["цена 1\u00a0000,00 руб."]
    for button in (dialog.add_button, dialog.save_button, dialog.delete_button):
        assert not button.isEnabled()
        assert button.toolTip() == "Нет права «Скидки и VIP-программы»"
    assert dialog.price.isReadOnly()
    assert dialog.add() is None
    assert dialog.status.text() == "Нет права «Скидки и VIP-программы»"
    assert len(terms.list_terms(rig.base, d)) == 1
