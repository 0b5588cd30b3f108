"""«Отправить реестр счетов…» driven like a user on both dialects, against a real SMTP
server on 127.0.0.1: the registers listed newest first with how many of their documents
were already sent; Down to the older register and Enter send it on a worker (only its
documents, the client without an address named); the column «Отправлено» counts them;
without the right «Выписка счетов и актов» nothing is sent; the command sits in
«Финансы» after «Выписка за месяц…»."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.gui.money.test_billing_dialog import PNG, _context
from tests.services.distributives.conftest import Rig, rig  # noqa: F401
from tests.services.money.test_register_mail import _register, smtp  # noqa: F401
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.money import Company, DocumentKind
from vostok_desktop.gui.money.register_mail_dialog import RegisterMailDialog
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.documents import mail
from vostok_desktop.services.money import billing, register_mail

pytest.importorskip("aiosmtpd", reason="aiosmtpd is in the test extra")


def _column(dialog: RegisterMailDialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def _two_registers(rig: Rig) -> tuple[int, int]:  # noqa: F811
    """March (invoices and acts, 4 documents) and then April (2 invoices)."""
    march = _register(rig)
    with rig.base.sessions() as s:
        company = s.scalar(select(Company.id))
    april = billing.run_billing(rig.base, company, date(2026, 4, 1), {DocumentKind.INVOICE},
                                None, rig.employees["keeper"], None)
    return march, april.run_id


def test_an_earlier_register_is_sent_from_the_keyboard(qtbot, rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    settings, inbox = smtp
    march, april = _two_registers(rig)
    dialog = RegisterMailDialog(_context(rig))
    qtbot.addWidget(dialog)
    dialog.show()
    assert _column(dialog, 0) == [f"№ {april}", f"№ {march}"]
    assert _column(dialog, 1) == ["апрель 2026", "март 2026"]
    assert _column(dialog, 3) == ["счета", "счета, акты"]
    assert _column(dialog, 5) == ["нет", "нет"]
    assert dialog.table.currentRow() == 0 and dialog.send_button.isEnabled()

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.current_run().id == march
    # «Отправить» with the server's settings given (Enter below uses the saved ones).
    operation = dialog.send(settings, None)
    assert operation is not None
    assert not dialog.send_button.isEnabled()  # one sending at a time
    assert dialog.send(settings, None) is None
    qtbot.waitUntil(lambda: dialog.mail_result is not None, timeout=30000)
    assert dialog.stage.text() == f"Реестр № {march} за март 2026: отправка завершена"
    assert dialog.report.toPlainText() == (
        "Отправка по e-mail: Отправлено писем: 1 (документов: 2); не отправлено клиентам: "
        "1.\nНе отправлено:\n  • Василёк: нет адреса e-mail ни у клиента, ни у его "
        "контактов")
    [(to, message)] = inbox.messages
    assert to == ["maria@romashka.ru"]
    assert message["Subject"] == "ООО «РИЦ Восток»: документы за март 2026"
    assert _column(dialog, 5) == ["нет", "2 из 4"]
    assert dialog.current_run().id == march  # the sent register stays chosen
    assert register_mail.emailed_documents(
        rig.base, billing.run_documents(rig.base, april)) == set()
    dialog.resize(860, 460)
    dialog.grab().save(f"{PNG}/money_register_mail.png")

    # Enter on the same register again, with the saved mail settings: nothing goes twice.
    mail.save_settings(settings)
    dialog.mail_result = None
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.mail_result is not None, timeout=30000)
    assert dialog.report.toPlainText().startswith(
        "Отправка по e-mail: Отправлено писем: 0 (документов: 0); уже были отправлены "
        "раньше: 2; не отправлено клиентам: 1.")
    assert len(inbox.messages) == 1


def test_without_the_right_and_without_registers(qtbot, rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    settings, inbox = smtp
    context = _context(rig)
    empty = RegisterMailDialog(context)
    qtbot.addWidget(empty)
    assert empty.table.rowCount() == 0 and not empty.send_button.isEnabled()
    assert empty.stage.text() == ("Реестров пока нет: документы выписываются командой "
                                  "«Выписка за месяц…».")
    assert empty.send(settings, None) is None
    assert empty.error.text() == "Выберите реестр в списке"

    _two_registers(rig)
    context.access = AccessProfile(
        frozenset(r.value for r in Right) - {Right.MONEY_DOCUMENTS.value}, Visibility.ALL,
        "manager")
    dialog = RegisterMailDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert not dialog.send_button.isEnabled()
    assert dialog.send_button.toolTip() == "Нет права «Выписка счетов и актов»"
    assert dialog.send(settings, None) is None
    assert dialog.error.text() == "Нет права «Выписка счетов и актов»"
    assert inbox.messages == []


def test_the_command_in_the_money_menu(qtbot, empty_base) -> None:  # noqa: ANN001
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.settings import Settings

    window = build_main_window(empty_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(window)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Финансы")
    titles = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert titles[titles.index("Выписка за месяц…") + 1] == "Отправить реестр счетов…"
    window.context.actions.trigger("money.register_mail")
    dialog = next(w for w in window.findChildren(RegisterMailDialog))
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "Отправить реестр счетов по e-mail"
    assert dialog.table.rowCount() == 0
    dialog.close()
