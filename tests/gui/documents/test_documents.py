"""The documents area driven like a user: Ctrl+P in a card, the preview tab, mass printing,
the import wizard, the duplicates dialog, e-mail from the card, template versions.

Set VOSTOK_SCREENSHOTS=/some/folder to keep PNGs of the wizard and the preview."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Email
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.documents import printing as gprinting
from vostok_desktop.gui.documents.duplicates_dialog import DuplicatesDialog, MergeDialog
from vostok_desktop.gui.documents.import_wizard import ImportWizard
from vostok_desktop.gui.documents.mail_dialog import MailDialog
from vostok_desktop.gui.documents.templates_dialog import TemplatesDialog
from vostok_desktop.services.documents import mail
from vostok_desktop.services.importing import sources, write
from vostok_desktop.settings import Settings


def shot(widget, name: str) -> None:
    folder = os.environ.get("VOSTOK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"), "PNG")


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def record(*args, **_kwargs):  # noqa: ANN002, ANN003
        said.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Ok

    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(record))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: True))
    return said


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, messages):
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def first_client(base: OpenedBase) -> tuple[int, str]:
    with base.sessions() as s:
        row = s.execute(select(Client.id, Client.short_name).where(
            Client.marked_for_deletion.is_(False)).order_by(Client.id)).first()
        return row.id, row.short_name


def test_ctrl_p_in_a_card_opens_the_preview_tab(qtbot, window, tmp_path, monkeypatch) -> None:
    ctx = window.context
    client_id, name = first_client(ctx.base)
    card = ctx.cards.open("client", client_id)
    page = card.findChild(QDialog.__base__, "page_documents")
    assert page is not None
    chosen: list[str] = []

    def choose(dialog):  # the form list comes up; Enter takes the highlighted one
        items = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        chosen.extend(items)
        dialog.list.setCurrentRow(items.index("Карточка клиента"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(gprinting.ChooseFormDialog, "exec", choose)
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "Счёт на оплату" in chosen and len(chosen) == 7
    preview = window.tabs.currentWidget()
    assert isinstance(preview, gprinting.DocumentPreview)
    assert name in preview.view.toPlainText()
    shot(window, "print_preview")
    saved = preview.save_docx(str(tmp_path / "card.docx"))
    text = "\n".join(c.text for t in docx.Document(saved).tables for r in t.rows
                     for c in r.cells)
    assert name in text
    pdf = preview.save_pdf(str(tmp_path / "card.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_documents_page_of_the_card_lists_its_forms(qtbot, window) -> None:
    ctx = window.context
    client_id, _name = first_client(ctx.base)
    card = ctx.cards.open("client", client_id)
    from vostok_desktop.gui.documents.card_page import DocumentsPage

    page = card.findChild(DocumentsPage, "page_documents")
    page.card_loaded(client_id)
    assert page.forms.count() == 7
    page.forms.setCurrentRow(3)
    page.make_override()
    texts = [page.forms.item(i).text() for i in range(page.forms.count())]
    assert sum("индивидуальная" in t for t in texts) == 1


def test_mass_printing_in_the_background(qtbot, window, tmp_path, messages) -> None:
    ctx = window.context
    with ctx.base.sessions() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id).limit(25)))
    dialog = gprinting.MassPrintDialog(ctx, ids, window)
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findText("Счёт на оплату"))
    dialog.folder_edit.setText(str(tmp_path / "out"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert len(dialog.result.files) == 25
    assert len(list((tmp_path / "out").glob("*.docx"))) == 25
    assert "Сформировано документов: 25" in messages[-1]
    from vostok_desktop.services.access import rights as access

    logged = access.export_log(ctx.base)[0]
    assert (logged.kind, logged.row_count) == ("print", 25) and "Счёт" in logged.what
    # Without the right nothing is printed and nothing more is logged.
    ctx.access = access.AccessProfile(frozenset({"client.edit"}), access.Visibility.OWN,
                                      "telemarketer")
    dialog.folder_edit.setText(str(tmp_path / "refused"))
    assert dialog.start() is None
    assert "Массовая печать" in messages[-1] and not (tmp_path / "refused").exists()
    assert len(access.export_log(ctx.base)) == 1
    ctx.access = access.FULL_ACCESS


def _write_xlsx(path: Path, base: OpenedBase) -> Path:
    with base.sessions() as s:
        existing = s.execute(select(Client.short_name, Client.inn).where(
            Client.inn.is_not(None)).order_by(Client.id).limit(2)).all()
    book = Workbook()
    sheet = book.active
    sheet.append(["Наименование", "ИНН", "Телефон", "Регион", "Контактное лицо"])
    sheet.append([existing[0].short_name, existing[0].inn, "", "Томская область", ""])
    sheet.append(["ООО «Новый клиент»", inn_check_digits("991234567"), "+7 3822 55-66-77",
                  "Томская область", "Смирнов Олег Петрович"])
    sheet.append(["Новый клиент, ООО", "", "", "", ""])
    sheet.append(["Без ИНН и ошибка", "7707083894", "", "", ""])
    sheet.append(["ООО Свежая", inn_check_digits("991234568"), "", "", ""])
    book.save(path)
    return path


def test_import_wizard_from_file_to_summary(qtbot, window, tmp_path) -> None:
    ctx = window.context
    before = write.count_clients(ctx.base)
    path = _write_xlsx(tmp_path / "clients.xlsx", ctx.base)
    wizard = ImportWizard(ctx, window)
    wizard.show()
    assert wizard.load_file(str(path))
    assert wizard.mapping() == {"short_name": 0, "inn": 1, "phone": 2, "region": 3,
                                "contact_name": 4}
    shot(wizard, "import_1_mapping")
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=20000)
    table = wizard.preview_table
    verdicts = [table.item(r, 4).text() for r in range(table.rowCount())]
    assert verdicts[3].startswith("Ошибка: ИНН: неверная контрольная сумма")
    assert verdicts[0].startswith("Возможный дубль") and verdicts[4] == "Новый клиент"
    shot(wizard, "import_2_check")
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 2
    groups = wizard.plan.groups
    assert len(groups) == 2
    combo = wizard.groups_table.cellWidget(0, 4)
    assert combo.currentText() == f"Объединить с №{groups[0].existing[0].id}"
    assert wizard.groups_table.cellWidget(1, 4).currentText() == "Объединить в одного нового"
    wizard.groups_table.selectRow(0)
    diff = wizard.diff_table
    changes = {diff.item(r, 0).text(): diff.item(r, 2).text() for r in range(diff.rowCount())}
    assert changes["Регион"] == "Томская область"
    shot(wizard, "import_3_duplicates")
    assert write.count_clients(ctx.base) == before  # nothing written so far
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.summary is not None, timeout=20000)
    assert (wizard.summary.created, wizard.summary.merged, wizard.summary.invalid) == (2, 1, 1)
    assert write.count_clients(ctx.base) == before + 2
    shot(wizard, "import_4_summary")
    report = wizard.export_summary(str(tmp_path / "summary.xlsx"))
    assert report.exists()
    # The mapping is remembered for files with the same header.
    again = ImportWizard(ctx, window)
    key = f"import/v1/mapping/{sources.source_signature(wizard.table)}"
    assert ctx.qsettings.value(key)
    again.close()
    wizard.close()


def test_import_wizard_refuses_a_broken_file(qtbot, window, tmp_path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    wizard = ImportWizard(window.context, window)
    assert not wizard.load_file(str(broken))
    assert "повреждён" in wizard.message.text()
    wizard.close()


def test_duplicates_dialog_finds_and_merges(qtbot, window) -> None:
    ctx = window.context
    with ctx.base.sessions() as s, s.begin():  # a second card of an existing client
        original = s.scalars(select(Client).where(Client.inn.is_not(None))
                             .order_by(Client.id)).first()
        s.add(Client(short_name=original.short_name + " (дубль)", inn=original.inn))
    dialog = DuplicatesDialog(ctx, window)
    dialog.show()
    dialog.search()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() > 0, timeout=20000)
    group = next(g for g in dialog.groups if "ИНН" in g.reasons
                 and original.inn in {c.inn for c in g.clients})
    shot(dialog, "duplicates")
    survivor, duplicate = group.clients[0].id, group.clients[1].id
    merge = MergeDialog(ctx, survivor, duplicate, dialog)
    merge.merge()
    with ctx.base.sessions() as s:
        assert s.get(Client, duplicate) is None
        assert s.get(Client, survivor) is not None
        assert s.scalar(select(func.count()).select_from(Client).where(
            Client.id == duplicate)) == 0


def test_mail_dialog_sends_through_smtp(qtbot, window, tmp_path) -> None:
    from aiosmtpd.controller import Controller

    class Inbox:
        messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
            self.messages.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail.save_settings(mail.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                             sender="robot@ric.ru"))
        ctx = window.context
        with ctx.base.sessions() as s:
            client_id = s.scalar(select(Email.client_id).where(Email.client_id.is_not(None))
                                 .order_by(Email.id))
        dialog = MailDialog(ctx, client_id, [mail.OutgoingFile("a.bin", b"\x00\x01\x02")],
                            window)
        dialog.show()
        shot(dialog, "mail_dialog")
        assert dialog.recipients.count() >= 1
        dialog.form_combo.setCurrentIndex(dialog.form_combo.findText("Письмо клиенту"))
        dialog.send()
        qtbot.waitUntil(lambda: dialog.sent is not None, timeout=20000)
        assert len(inbox.messages) == 1
        import email as email_lib
        import email.policy

        message = email_lib.message_from_bytes(inbox.messages[0], policy=email.policy.default)
        names = [p.get_filename() for p in message.iter_attachments()]
        assert names[0] == "a.bin" and names[1].startswith("Письмо клиенту")
        letter = next(p for p in message.iter_attachments()
                      if p.get_filename().startswith("Письмо"))
        assert docx.Document(io.BytesIO(letter.get_payload(decode=True))).paragraphs
    finally:
        controller.stop()


def test_templates_dialog_uploads_and_activates_versions(qtbot, window, messages) -> None:
    dialog = TemplatesDialog(window.context, None, window)
    dialog.show()
    assert dialog.templates.rowCount() == 7
    document = docx.Document()
    document.add_paragraph("Версия 2 для {{ client.short_name }}")
    buffer = io.BytesIO()
    document.save(buffer)
    assert dialog.upload(buffer.getvalue(), "короче") == 2
    assert dialog.versions.rowCount() == 2
    assert dialog.versions.item(0, 0).text() == "2 ✓"
    dialog.versions.selectRow(1)
    dialog.activate()
    assert dialog.versions.item(1, 0).text() == "1 ✓"
    assert dialog.upload(b"not a docx", "битый") is None
    assert "не документ DOCX" in messages[-1]
    shot(dialog, "templates")


def test_preview_shows_the_pdf_pages_and_prints_them(qtbot, window, tmp_path) -> None:
    from vostok_desktop.services.documents import printing as prn
    from vostok_desktop.services.documents import templates as tpl

    missing = prn.pdf_preview_missing()
    if missing:
        pytest.skip(f"PDF preview not tested: {missing}")
    ctx = window.context
    client_id, _name = first_client(ctx.base)
    invoice = next(t for t in tpl.list_templates(ctx.base) if t.code == "invoice")
    preview = gprinting.print_for_client(ctx, client_id, window, template_id=invoice.id)
    assert "готовит точный вид" in preview.note.text()
    qtbot.waitUntil(lambda: preview.pdf_preview is not None or preview.pdf_error is not None,
                    timeout=180_000)
    assert preview.pdf_error is None
    assert preview.stack.currentWidget() is preview.pages_area
    assert "страниц — 1" in preview.note.text()
    assert len(preview.page_labels) == 1 and not preview.page_labels[0].pixmap().isNull()
    shot(window, "pdf_preview")
    saved = preview.save_pdf(str(tmp_path / "invoice.pdf"))
    assert saved.read_bytes() == preview.pdf_preview.pdf.read_bytes()
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    preview.print_to(printer)
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_preview_without_libreoffice_says_why(qtbot, window, monkeypatch) -> None:
    from vostok_desktop.services.documents import printing as prn
    from vostok_desktop.services.documents import templates as tpl

    monkeypatch.setattr(prn, "find_soffice", lambda: None)
    ctx = window.context
    client_id, name = first_client(ctx.base)
    card_form = next(t.id for t in tpl.list_templates(ctx.base) if t.code == "client_card")
    preview = gprinting.print_for_client(ctx, client_id, window, template_id=card_form)
    assert "LibreOffice не установлен" in preview.note.text()
    assert preview.stack.currentWidget() is preview.view and name in preview.view.toPlainText()


def test_administrator_edits_company_details_used_by_print_forms(qtbot, window, messages
                                                                 ) -> None:
    from vostok_desktop.gui.documents.company_dialog import CompanyDetailsDialog
    from vostok_desktop.services.documents import company

    ctx = window.context
    action = ctx.actions.action("documents.company_details")
    assert action.text() == "Реквизиты РИЦ…"
    dialog = CompanyDetailsDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.edits["name"].setText("ООО «РИЦ Томск»")
    dialog.edits["inn"].setText("5406123451")  # wrong check digit
    assert dialog.save() is False
    assert "ИНН: неверная контрольная сумма" in dialog.error.text()
    assert company.stored_details(ctx.base).get("name") != "ООО «РИЦ Томск»"
    dialog.edits["inn"].setText("5406123450")
    assert dialog.save() is True
    assert company.company_details(ctx.base)["name"] == "ООО «РИЦ Томск»"
    shot(dialog, "company_details")
