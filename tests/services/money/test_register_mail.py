"""«Отправить по e-mail…» of a billing register on both dialects, against a real SMTP
server on 127.0.0.1 (aiosmtpd): each client gets one message with its documents of the
register as DOCX, a client without an address is a problem (not silently skipped), a
second run sends nothing already sent, a refused server leaves the documents unsent
for the next run, and a cancel stops between clients."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.services.distributives.conftest import TODAY, Rig, rig  # noqa: F401
from vostok_desktop.domain import ChangeLog, Contact, Email
from vostok_desktop.domain.money import DocumentKind
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.documents import mail
from vostok_desktop.services.money import billing, prices, register_mail
from vostok_desktop.services.money.companies import CompanyData, save_company
from vostok_desktop.services.money.prices import PriceItemData

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is in the test extra")
from aiosmtpd.controller import Controller  # noqa: E402

MARCH = date(2026, 3, 1)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[mail.SmtpSettings, _Inbox]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mail.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                sender="buh@ric-vostok.ru", sender_name="РИЦ Восток",
                                timeout_s=10), inbox
    finally:
        controller.stop()


def _register(rig: Rig) -> int:  # noqa: F811
    """March billed for «Ромашка» (2 systems) and «Василёк» (1): 2 invoices, 2 acts."""
    prices.create_price_list(rig.base, "2026", date(2026, 1, 1), None, items=[
        PriceItemData(rig.systems["prof"], 1, Decimal("4000.00"))])
    eng = rig.employees["engineer"]
    p1, p2, p3 = rig.receive("500001", "500002", "500003")
    for d, client in ((p1, "romashka"), (p2, "romashka"), (p3, "vasilek")):
        movements.connect(rig.base, d, rig.clients[client], date(2021, 1, 10), eng,
                          today=TODAY)
    company = save_company(rig.base, CompanyData(name="ООО «РИЦ Восток»", inn="5406123450"),
                           None)
    result = billing.run_billing(rig.base, company, MARCH,
                                 {DocumentKind.INVOICE, DocumentKind.ACT}, None,
                                 rig.employees["keeper"], None)
    assert result.documents == 4
    with rig.base.sessions() as s, s.begin():
        contact = Contact(client_id=rig.clients["romashka"], last_name="Иванова",
                          first_name="Мария")
        contact.emails.append(Email(address="maria@romashka.ru"))
        s.add(contact)
    return result.run_id


def _client_email(rig: Rig, client: str, address: str) -> None:  # noqa: F811
    with rig.base.sessions() as s, s.begin():
        s.add(Email(client_id=rig.clients[client], address=address))


class _Cancelled:
    def progress(self, stage: str, done: int, total: int) -> None:
        raise AssertionError("no progress after a cancel")

    def is_cancelled(self) -> bool:
        return True


def test_register_is_mailed_once_per_document(rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    settings, inbox = smtp
    run_id = _register(rig)
    keeper = rig.employees["keeper"]
    first = register_mail.send_register(rig.base, run_id, settings, None, keeper)
    assert (first.messages, first.documents, first.already_sent) == (1, 2, 0)
    assert [(p.client_name, p.text) for p in first.problems] == [
        ("Василёк", "нет адреса e-mail ни у клиента, ни у его контактов")]
    assert first.summary == ("Отправлено писем: 1 (документов: 2); не отправлено "
                             "клиентам: 1")
    [(to, message)] = inbox.messages
    assert to == ["maria@romashka.ru"]
    assert message["Subject"] == "ООО «РИЦ Восток»: документы за март 2026"
    assert "счёт № С-1, акт № А-1" in message.get_body().get_content()
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == ["Акт № А-1 — Ромашка.docx", "Счёт на оплату № С-1 — Ромашка.docx"]
    assert all(part.get_content()[:2] == b"PK" for part in message.iter_attachments())

    # Again: nothing already sent goes twice; the client without an address still named.
    again = register_mail.send_register(rig.base, run_id, settings, None, keeper)
    assert (again.messages, again.already_sent, len(again.problems)) == (0, 2, 1)
    assert len(inbox.messages) == 1

    # «Василёк» gets an address: the next run sends only its documents.
    _client_email(rig, "vasilek", "office@vasilek.ru")
    third = register_mail.send_register(rig.base, run_id, settings, None, keeper)
    assert (third.messages, third.documents, third.already_sent, third.problems) == (
        1, 2, 2, [])
    assert inbox.messages[-1][0] == ["office@vasilek.ru"]
    documents = billing.run_documents(rig.base, run_id)
    assert register_mail.emailed_documents(rig.base, documents) == set(documents)
    with rig.base.sessions() as s:  # record_sent's line at each client
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.table_name == "mail")))
    assert fields == {"email_sent"}


def test_a_refused_server_and_a_cancel_send_nothing(rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    settings, inbox = smtp
    run_id = _register(rig)
    _client_email(rig, "vasilek", "office@vasilek.ru")
    keeper = rig.employees["keeper"]
    stopped = register_mail.send_register(rig.base, run_id, settings, None, keeper,
                                          state=_Cancelled())
    assert stopped.cancelled and stopped.messages == 0 and inbox.messages == []

    down = mail.SmtpSettings(host="127.0.0.1", port=_free_port(), security="none",
                             sender="buh@ric-vostok.ru", timeout_s=5)
    failed = register_mail.send_register(rig.base, run_id, down, None, keeper)
    assert failed.messages == 0 and len(failed.problems) == 2
    assert failed.problems[0].text.startswith("Нет соединения с 127.0.0.1:")
    assert register_mail.emailed_documents(
        rig.base, billing.run_documents(rig.base, run_id)) == set()

    later = register_mail.send_register(rig.base, run_id, settings, None, keeper)
    assert (later.messages, later.documents) == (2, 4)

    with pytest.raises(ValueError, match="Почта не настроена"):
        register_mail.send_register(rig.base, run_id, mail.SmtpSettings(), None, keeper)


def test_sending_needs_the_billing_right(rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    from vostok_desktop.domain.access import Visibility
    from vostok_desktop.services.access.rights import AccessDenied, AccessProfile

    settings, inbox = smtp
    run_id = _register(rig)
    viewer = AccessProfile(frozenset({"money.payments"}), Visibility.ALL, "operator")
    with pytest.raises(AccessDenied):
        register_mail.send_register(rig.base, run_id, settings, None, None, viewer)
    assert inbox.messages == []


def test_earlier_registers_are_listed_and_sent_later(rig: Rig, smtp) -> None:  # noqa: F811, ANN001
    """«Отправить реестр счетов…»: the registers with their sent counts; an earlier one is
    sent the same way (and counted), an empty or unknown register is refused by name."""
    settings, inbox = smtp
    from vostok_desktop.domain.money import Company

    march = _register(rig)
    with rig.base.sessions() as s:
        company_id = s.scalar(select(Company.id))
    april = billing.run_billing(rig.base, company_id, date(2026, 4, 1),
                                {DocumentKind.INVOICE}, None, rig.employees["keeper"], None)
    assert april.documents == 2
    runs = register_mail.register_runs(rig.base)
    assert [(r.id, r.title, r.documents, r.sent, r.kinds_text) for r in runs] == [
        (april.run_id, f"Реестр № {april.run_id} за апрель 2026", 2, 0, "счета"),
        (march, f"Реестр № {march} за март 2026", 4, 0, "счета, акты")]
    assert runs[1].company_name == "ООО «РИЦ Восток»"
    assert runs[1].total == Decimal("12000.00")

    # The older register, chosen later: only its documents go, the log counts them.
    sent = register_mail.send_register(rig.base, march, settings, None,
                                       rig.employees["keeper"])
    assert (sent.messages, sent.documents) == (1, 2)
    assert "счёт № С-1, акт № А-1" in inbox.messages[0][1].get_body().get_content()
    assert [(r.id, r.sent) for r in register_mail.register_runs(rig.base)] == [
        (april.run_id, 0), (march, 2)]
    assert sent.report_lines() == [
        "Отправка по e-mail: Отправлено писем: 1 (документов: 2); не отправлено "
        "клиентам: 1.", "Не отправлено:",
        "  • Василёк: нет адреса e-mail ни у клиента, ни у его контактов"]

    # The same month again writes an empty register: not listed, refused when asked.
    empty = billing.run_billing(rig.base, company_id, date(2026, 4, 1),
                                {DocumentKind.INVOICE}, None, None, None)
    assert empty.documents == 0
    assert empty.run_id not in [r.id for r in register_mail.register_runs(rig.base)]
    with pytest.raises(ValueError, match=f"В реестре № {empty.run_id} нет документов"):
        register_mail.send_register(rig.base, empty.run_id, settings, None, None)
    with pytest.raises(ValueError, match="Реестр № 987654 не найден"):
        register_mail.send_register(rig.base, 987654, settings, None, None)
    assert len(inbox.messages) == 1
