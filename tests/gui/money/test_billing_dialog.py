"""«Выписка за месяц» driven like a user on both dialects: the run on a worker fills
the progress bar and shows written, skipped and problem clients; a second run skips;
«Печать реестра…» writes a DOCX per document."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSettings

from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from tests.services.money.test_billing import _company, _setup
from vostok_desktop.gui.context import AppContext, ChangeBus
from vostok_desktop.gui.money.billing_dialog import BillingDialog
from vostok_desktop.services.distributives import movements

PNG = "/tmp/scr/png"


def _context(rig: Rig) -> AppContext:  # noqa: F811
    return AppContext(rig.base, rig.employees["keeper"], "Кладовщикова Клара", False,  # type: ignore[arg-type]
                      None, QSettings(), None, None, ChangeBus(), None, None)  # type: ignore[arg-type]


def test_billing_dialog_runs_reports_and_prints(qtbot, rig: Rig, tmp_path) -> None:  # noqa: F811
    n1 = _setup(rig)
    movements.connect(rig.base, n1, rig.clients["vasilek"], date(2021, 1, 10),
                      rig.employees["engineer"], today=TODAY)  # no price: a problem
    _company(rig)
    dialog = BillingDialog(_context(rig), today=date(2026, 3, 12))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.month.date() == QDate(2026, 3, 1)
    assert not dialog.selected_clients.isEnabled()
    dialog.acts.setChecked(True)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.run_button.isEnabled(),
                    timeout=20000)
    report = dialog.report.toPlainText().replace("\u00a0", " ")
    assert "Выписано документов: 2, клиентов: 1, на сумму 8 000,00 руб." in report
    assert "Пропущено (уже выписаны за месяц): 0" in report
    assert "Василёк: Дистрибутив № 500004" in report
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.print_button.isEnabled()
    dialog.resize(680, 460)
    dialog.grab().save(f"{PNG}/money_billing_dialog.png")

    dialog.print_register(tmp_path, open_folder=False)
    qtbot.waitUntil(lambda: len(dialog.printed) == 2, timeout=20000)
    assert sorted(p.name for p in dialog.printed) == [
        "Акт № А-1 — Ромашка.docx", "Счёт на оплату № С-1 — Ромашка.docx"]

    dialog.result = None
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.run_button.isEnabled(),
                    timeout=20000)
    assert "Пропущено (уже выписаны за месяц): 1" in dialog.report.toPlainText()
    assert dialog.result.documents == 0


def test_selected_clients_and_no_kind_chosen(qtbot, rig: Rig) -> None:  # noqa: F811
    _setup(rig)
    _company(rig)
    dialog = BillingDialog(_context(rig), client_ids=[rig.clients["vasilek"]],
                           today=date(2026, 3, 12))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selected_clients.isChecked()
    assert dialog.selected_clients.text() == "В&ыбранные клиенты (1)"
    dialog.invoices.setChecked(False)
    dialog.run_button.click()
    assert dialog.error.text() == "Отметьте, что выписывать: счета и (или) акты"
    dialog.invoices.setChecked(True)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.run_button.isEnabled(),
                    timeout=20000)
    assert (dialog.result.documents, dialog.result.clients) == (1, 1)
    assert "на сумму 4 000,00 руб." in dialog.report.toPlainText().replace("\u00a0", " ")


def test_new_invoice_from_the_budget(qtbot, rig: Rig) -> None:  # noqa: F811
    from PySide6.QtWidgets import QDialogButtonBox

    from vostok_desktop.gui.money.document_dialog import DocumentDialog
    from vostok_desktop.services.money.documents import documents_of_client

    _setup(rig)
    _company(rig)
    dialog = DocumentDialog(_context(rig), client_id=rig.clients["romashka"],
                            today=date(2026, 3, 12))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.budget_button.click()
    names = [dialog.edit_lines.item(r, 0).text() for r in range(dialog.edit_lines.rowCount())]
    assert [n.rpartition(", ")[2] for n in names] == ["дистрибутив № 500001",
                                                      "дистрибутив № 500002"]
    assert all(n.startswith("Сопровождение СПС КонсультантПлюс") for n in names)
    assert "8 000,00" in dialog.preview.text().replace("\u00a0", " ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.created_id is not None
    with rig.base.sessions() as s:
        [row] = documents_of_client(s, rig.clients["romashka"])
    assert (row.number_text, row.total, row.period) == ("С-1", 8000, date(2026, 3, 1))
