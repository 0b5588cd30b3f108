"""The client card's money page and the document dialog, driven like a user on both
dialects: balance on top, stornos struck out, Insert types a new invoice, Enter opens a
document, «Печать» writes a DOCX, «Сторно…» reverses it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.services.money.test_documents import MoneyRig, line, money_rig  # noqa: F401
from vostok_desktop.gui.context import AppContext, ChangeBus
from vostok_desktop.gui.money.document_dialog import DocumentDialog
from vostok_desktop.gui.money.documents_page import DocumentsPage
from vostok_desktop.services.money import documents

PNG = "/tmp/scr/png"


def _context(rig: MoneyRig) -> AppContext:
    return AppContext(rig.base, rig.employee, "Бухгалтерова Бэлла", False, None,  # type: ignore[arg-type]
                      QSettings(), None, None, ChangeBus(), None, None)  # type: ignore[arg-type]


def _texts(page: DocumentsPage) -> list[list[str]]:
    t = page.table
    return [[t.item(r, c).text().replace("\u00a0", " ") for c in range(4)]
            for r in range(t.rowCount())]


def test_page_lists_documents_with_balance_and_struck_out_stornos(
        qtbot, money_rig: MoneyRig) -> None:  # noqa: F811
    first = money_rig.issue([line("1000.00")], period=date(2026, 2, 1),
                            on=date(2026, 2, 1))
    money_rig.issue([line("4000.00"), line("1500.00", "2", "Обучение")],
                    period=date(2026, 3, 1))
    documents.storno(money_rig.base, first.id, money_rig.employee, None,
                     on=date(2026, 3, 10))
    page = DocumentsPage(_context(money_rig), money_rig.clients["romashka"])
    qtbot.addWidget(page)
    page.resize(900, 360)
    page.show()
    assert page.balance.text().replace("\u00a0", " ") == "Долг: 7 000,00 руб."
    assert _texts(page) == [["Счёт (сторно)", "С-3", "10.03.2026", "02.2026"],
                            ["Счёт", "С-2", "05.03.2026", "03.2026"],
                            ["Счёт", "С-1", "01.02.2026", "02.2026"]]
    assert page.table.item(0, 1).font().strikeOut()
    assert page.table.item(2, 1).font().strikeOut()
    assert not page.table.item(1, 1).font().strikeOut()
    assert page.table.item(1, 6).text().replace("\u00a0", " ") == "7 000,00"
    page.grab().save(f"{PNG}/money_documents_page.png")

    # Enter opens the selected document read-only.
    page.table.setFocus()
    page.table.setCurrentCell(1, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, DocumentDialog) and dialog.isVisible()
    assert dialog.heading.text() == "Счёт № С-2 от 05.03.2026"
    assert dialog.lines.rowCount() == 2
    assert dialog.lines.item(1, 6).text().replace("\u00a0", " ") == "3 000,00"
    assert "Итого: 7 000,00 руб." in dialog.totals.text().replace("\u00a0", " ")
    assert dialog.words.text() == "Семь тысяч рублей 00 копеек"
    dialog.resize(860, 440)
    QApplication.processEvents()
    dialog.grab().save(f"{PNG}/money_document_dialog.png")
    dialog.open_files = False
    dialog.print_button.click()
    assert dialog.last_printed is not None and dialog.last_printed.exists()
    assert dialog.last_printed.name == "Счёт на оплату № С-2 — Ромашка.docx"
    dialog.ask_storno(confirm=False)
    assert "Сторнирован документом № С-4" in dialog.state.text()
    assert not dialog.storno_button.isEnabled()
    dialog.close()
    assert page.balance.text() == "Расчёты закрыты: долга и аванса нет"


def test_insert_types_a_new_invoice_and_refusals_are_shown(qtbot, money_rig: MoneyRig  # noqa: F811
                                                         ) -> None:
    page = DocumentsPage(_context(money_rig), money_rig.clients["vasilek"])
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    assert page.table.rowCount() == 0
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.edit_lines
    table.item(0, 0).setText("Обучение пользователей")
    table.item(0, 1).setText("3")
    table.item(0, 3).setText("333,33")
    assert "999,99" in dialog.preview.text()
    dialog.grab().save(f"{PNG}/money_document_new.png")
    table.item(0, 3).setText("333,333")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "больше двух знаков после запятой" in dialog.error.text()
    assert dialog.isVisible()
    table.item(0, 3).setText("333,33")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.created_id is not None
    assert _texts(page)[0][:2] == ["Счёт", "С-1"]
    assert page.table.item(0, 4).text().replace("\u00a0", " ") == "999,99"
    with money_rig.base.sessions() as s:
        assert documents.document_view(s, dialog.created_id).vat == Decimal("180.33")


def test_companies_dialog_edits_details_and_names_the_wrong_field(
        qtbot, money_rig: MoneyRig) -> None:  # noqa: F811
    from vostok_desktop.gui.money.companies_dialog import CompaniesDialog
    from vostok_desktop.services.money.companies import company_rows

    dialog = CompaniesDialog(_context(money_rig))
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.list.item(r).text() for r in range(dialog.list.count())] == [
        "ООО «РИЦ Восток» — основной", "ИП Сидоров"]
    assert dialog.edits["account"].text() == "40702810000000000001"
    dialog.edits["bik"].setText("04500400")
    assert not dialog.save()
    assert dialog.error.text() == "БИК: должно быть 9 цифр, введено «04500400»"
    dialog.edits["bik"].setText("045004009")
    dialog.payment_days.setValue(5)
    assert dialog.save()
    dialog.resize(860, 540)
    dialog.grab().save(f"{PNG}/money_companies_dialog.png")
    [first] = [c for c in company_rows(money_rig.base) if c.is_default]
    assert (first.bik, first.payment_days) == ("045004009", 5)
