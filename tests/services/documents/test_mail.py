"""E-mail against a real SMTP server on 127.0.0.1 (aiosmtpd) started by the test: the
received message carries the card's files and the printed form byte for byte, and the
sending is recorded at the client."""

from __future__ import annotations

import email
import email.policy
import os
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client, Contact, Email, Employee
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.documents import attachments, mail

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is in the test extra")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"robot" and \
        auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd cannot report an ephemeral one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            authenticator=_authenticator, auth_require_tls=False)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def card(empty_base: OpenedBase) -> dict[str, int]:
    with empty_base.sessions() as s, s.begin():
        emp = Employee(login="anna", full_name="Петрова Анна")
        client = Client(short_name='ООО "Ромашка"')
        contact = Contact(last_name="Иванова", first_name="Мария", middle_name="Петровна")
        contact.emails.append(Email(address="maria@romashka.ru"))
        client.contacts.append(contact)
        client.emails.append(Email(address="office@romashka.ru"))
        s.add_all([emp, client])
        s.flush()
        return {"client": client.id, "emp": emp.id, "contact": contact.id}


def test_settings_keep_the_password_out_of_the_file(vostok_home) -> None:
    settings = mail.SmtpSettings(host="smtp.example.ru", port=465, security="ssl",
                                 login="robot", sender="robot@example.ru")
    mail.save_settings(settings.validate(), password="s3cret")
    assert "s3cret" not in mail.settings_path().read_text(encoding="utf-8")
    assert mail.load_settings() == settings
    with pytest.raises(ValidationError, match="E-mail"):
        mail.SmtpSettings(host="h", sender="no").validate()


def test_sent_message_has_the_files_byte_for_byte(empty_base, card, smtp_server) -> None:
    controller, inbox = smtp_server
    scan = os.urandom(300_000)  # binary, with every byte value
    first = attachments.add_attachment(empty_base, card["client"], "скан договора.pdf", scan,
                                       card["emp"])
    second = attachments.add_attachment(empty_base, card["client"], "реквизиты.txt",
                                        "ИНН 7707083893\r\n".encode("cp1251"), card["emp"])
    printed = b"PK\x03\x04 printed form bytes \x00\xff"
    settings = mail.SmtpSettings(host="127.0.0.1", port=controller.port, security="none",
                                 login="robot", sender="robot@ric.ru", sender_name="РИЦ")
    recipients = mail.client_recipients(empty_base, card["client"])
    assert [r.address for r in recipients] == ["maria@romashka.ru", "office@romashka.ru"]
    assert recipients[0].name == "Иванова Мария Петровна"
    draft = mail.default_draft(empty_base, card["client"], card["emp"], "ООО «РИЦ»")
    assert "Ромашка" in draft.subject and "Петрова Анна" in draft.body
    draft.recipients = recipients[:1]
    draft.attachment_ids = [first.id, second.id]
    draft.extra_files = [mail.OutgoingFile("Счёт — Ромашка.docx", printed)]
    sent = mail.send_client_mail(empty_base, settings, "s3cret", draft, card["emp"])
    assert len(inbox.messages) == 1
    sender, to, content = inbox.messages[0]
    assert sender == "robot@ric.ru" and to == ["maria@romashka.ru"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert "Ромашка" in message["Subject"]
    received = {part.get_filename(): part.get_payload(decode=True)
                for part in message.iter_attachments()}
    assert received == {"скан договора.pdf": scan,
                        "реквизиты.txt": "ИНН 7707083893\r\n".encode("cp1251"),
                        "Счёт — Ромашка.docx": printed}
    assert sent.files == ["скан договора.pdf", "реквизиты.txt", "Счёт — Ромашка.docx"]
    with empty_base.sessions() as s:
        log = s.scalars(select(ChangeLog).where(ChangeLog.field == "email_sent")).one()
        assert log.client_id == card["client"]
        assert "maria@romashka.ru" in log.new_value and "скан договора.pdf" in log.new_value
    if sent.work_id is not None:  # the organisation-of-work model exists
        from vostok_desktop.domain.work import WorkKind, WorkRecord

        with empty_base.sessions() as s:
            work = s.get(WorkRecord, sent.work_id)
            assert work.kind == WorkKind.EMAIL and work.done
            assert work.client_id == card["client"] and work.contact_id == card["contact"]


def test_wrong_password_and_no_server_are_clear(empty_base, card, smtp_server) -> None:
    controller, inbox = smtp_server
    settings = mail.SmtpSettings(host="127.0.0.1", port=controller.port, security="none",
                                 login="robot", sender="robot@ric.ru", timeout_s=10)
    draft = mail.Draft(card["client"], [mail.Recipient("maria@romashka.ru", "")], "Тема", "")
    with pytest.raises(mail.MailError, match="логин или пароль"):
        mail.send_client_mail(empty_base, settings, "wrong", draft, card["emp"])
    closed = mail.SmtpSettings(host="127.0.0.1", port=1, security="none",
                               sender="robot@ric.ru", timeout_s=3)
    with pytest.raises(mail.MailError, match="Нет соединения"):
        mail.send_client_mail(empty_base, closed, None, draft, card["emp"])
    with pytest.raises(ValidationError, match="Получатели"):
        mail.send_client_mail(empty_base, settings, "s3cret",
                              mail.Draft(card["client"], [], "Тема", ""), card["emp"])
    assert inbox.messages == []
    with empty_base.sessions() as s:  # nothing recorded for what was not sent
        assert s.scalars(select(ChangeLog).where(ChangeLog.field == "email_sent")).all() == []
