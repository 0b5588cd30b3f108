"""«Акт сверки…» driven like a user on both dialects: from the card's «Счета и оплаты»
the dialog shows the opening balance, the lines, turnovers and the closing balance of
the chosen company and period; a wrong period is refused in words; «Печать» (Ctrl+P)
writes the DOCX; from the menu the client is found first (by INN or name)."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from pathlib import Path

import docx
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QApplication

from tests.services.money.test_documents import MoneyRig, line, money_rig  # noqa: F401
from tests.services.money.test_reconciliation import _history
from vostok_desktop.gui.context import AppContext, ChangeBus
from vostok_desktop.gui.money.documents_page import DocumentsPage
from vostok_desktop.gui.money.reconciliation_dialog import (
    ReconciliationDialog,
    open_reconciliation,
)

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def _context(rig: MoneyRig) -> AppContext:
    return AppContext(rig.base, rig.employee, "Бухгалтерова Бэлла", False, None,  # type: ignore[arg-type]
                      QSettings(), None, None, ChangeBus(), None, None)  # type: ignore[arg-type]


def _rows(dialog: ReconciliationDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text().replace("\u00a0", " ") for c in range(4)]
            for r in range(t.rowCount())]


def test_card_opens_the_act_shows_its_lines_and_prints_it(qtbot, money_rig: MoneyRig,  # noqa: F811
                                                          tmp_path: Path) -> None:
    _history(money_rig)
    page = DocumentsPage(_context(money_rig), money_rig.clients["romashka"])
    qtbot.addWidget(page)
    page.show()
    page.reconciliation_button.click()
    dialog = page.reconciliation
    assert isinstance(dialog, ReconciliationDialog) and dialog.isVisible()
    dialog.open_files = False
    dialog.folder = tmp_path / "Документы"
    # Defaults: the default company, the year so far.
    assert dialog.company.currentText() == "ООО «РИЦ Восток»"
    assert dialog.company.itemText(dialog.company.count() - 1) == "Все субъекты учёта"
    assert dialog.start.date() == QDate(date.today().year, 1, 1)
    assert dialog.end.date() == QDate.currentDate()
    assert dialog.print_button.isDefault()  # Enter prints
    dialog.start.setDate(QDate(2026, 1, 1))
    dialog.end.setDate(QDate(2026, 3, 31))
    assert _rows(dialog) == [
        ["", "Сальдо на 01.01.2026", "3 000,00", ""],
        ["01.02.2026", "Счёт № С-1", "1 000,00", ""],
        ["15.02.2026", "Сторно счёта № С-1 от 01.02.2026 (№ С-2)", "-1 000,00", ""],
        ["05.03.2026", "Счёт № С-3", "7 000,00", ""],
        ["10.03.2026", "Оплата, п/п № 45 от 10.03.2026", "", "3 000,00"],
        ["20.03.2026", "Оплата наличными", "", "2 500,00"],
        ["", "Обороты за период", "7 000,00", "5 500,00"],
        ["", "Сальдо на 31.03.2026", "4 500,00", ""],
    ]
    assert dialog.table.item(0, 1).font().bold() and not dialog.table.item(1, 1).font().bold()
    assert "задолженность в пользу ООО «РИЦ Восток» составляет 4 500,00 руб." in \
        dialog.conclusion.text().replace("\u00a0", " ")
    dialog.resize(780, 520)
    QApplication.processEvents()
    PNG.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(PNG / "money_reconciliation_dialog.png"))

    # Ctrl+P prints the act shown into the documents folder.
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printed = dialog.last_printed
    assert printed is not None and printed.parent == tmp_path / "Документы"
    assert printed.name == "Акт сверки 01.01.2026–31.03.2026 — Ромашка.docx"
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(printed.read_bytes())).tables
                     for row in t.rows for c in row.cells).replace("\u00a0", " ")
    assert "Сальдо на 31.03.2026" in text and "4 500,00" in text
    assert "Акт сохранён" in dialog.note.text()

    # A period that ends before it starts is refused in words, nothing to print.
    dialog.start.setDate(QDate(2026, 4, 1))
    assert dialog.error.text() == "Начало периода (01.04.2026) позже его конца (31.03.2026)."
    assert dialog.table.rowCount() == 0 and not dialog.print_button.isEnabled()
    # Every company together: the card's balance.
    dialog.start.setDate(QDate(2025, 1, 1))
    dialog.end.setDate(QDate.currentDate())
    dialog.company.setCurrentIndex(dialog.company.count() - 1)
    assert _rows(dialog)[-1] == ["", f"Сальдо на {date.today():%d.%m.%Y}", "5 400,00", ""]
    assert page.balance.text().replace("\u00a0", " ") == "Долг: 5 400,00 руб."


def test_from_the_menu_the_client_is_found_first(qtbot, money_rig: MoneyRig) -> None:  # noqa: F811
    money_rig.issue([line("1200.00")], on=date.today())
    dialog = open_reconciliation(_context(money_rig), None)
    qtbot.addWidget(dialog)
    assert "Выберите клиента" in dialog.error.text()
    assert not dialog.print_button.isEnabled()
    qtbot.keyClicks(dialog.search, "77070")  # by INN (QTest types ASCII only)
    assert dialog.client_combo.currentText() == "Ромашка (ИНН 7707083893)"
    assert _rows(dialog)[-1] == ["", f"Сальдо на {date.today():%d.%m.%Y}", "1 200,00", ""]
    assert dialog.print_button.isEnabled()
    dialog.resize(780, 420)
    QApplication.processEvents()
    PNG.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(PNG / "money_reconciliation_from_menu.png"))
