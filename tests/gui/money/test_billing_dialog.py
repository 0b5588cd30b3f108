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


def test_register_sent_by_email_on_a_worker(qtbot, rig: Rig) -> None:  # noqa: F811
    import pytest

    pytest.importorskip("aiosmtpd")
    from aiosmtpd.controller import Controller

    from tests.services.money.test_register_mail import _free_port, _Inbox
    from vostok_desktop.domain import Contact, Email
    from vostok_desktop.services.documents import mail

    _setup(rig)
    _company(rig)
    inbox, port = _Inbox(), _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        dialog = BillingDialog(_context(rig), today=date(2026, 3, 12))
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.mail_button.isEnabled()  # nothing billed yet
        dialog.acts.setChecked(True)
        dialog.run_button.click()
        qtbot.waitUntil(lambda: dialog.result is not None and dialog.run_button.isEnabled(),
                        timeout=20000)
        assert dialog.mail_button.isEnabled()
        with rig.base.sessions() as s, s.begin():
            contact = Contact(client_id=rig.clients["romashka"], last_name="Иванова")
            contact.emails.append(Email(address="maria@romashka.ru"))
            s.add(contact)
        settings = mail.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                     sender="buh@ric-vostok.ru", timeout_s=10)
        assert dialog.send_by_email(settings, None) is not None
        qtbot.waitUntil(lambda: dialog.mail_result is not None, timeout=30000)
        report = dialog.report.toPlainText()
        assert ("Отправка по e-mail: Отправлено писем: 1 (документов: 2); не отправлено "
                "клиентам: 1.\nНе отправлено:\n  • Василёк: нет адреса e-mail ни у клиента, "
                "ни у его контактов") in report
        assert dialog.stage.text() == "Отправка по e-mail завершена"
        assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["maria@romashka.ru"]
        dialog.resize(680, 480)
        dialog.grab().save(f"{PNG}/money_billing_mail.png")

        # Again: nothing re-sent, said so.
        dialog.mail_result = None
        dialog.send_by_email(settings, None)
        qtbot.waitUntil(lambda: dialog.mail_result is not None, timeout=30000)
        assert "Отправлено писем: 0 (документов: 0); уже были отправлены раньше: 2; не " \
            "отправлено клиентам: 1." in dialog.report.toPlainText()
        assert len(inbox.messages) == 1
    finally:
        server.stop()
