"""E-mail from the client card: SMTP settings, the password in the keyring, sending the
card's files and printed forms to chosen contacts, and recording the sent message.

No Qt. Settings live in ``mail.json`` in the user's config folder; the password never
does (OS keyring, like base passwords). A sent message is recorded at the client as a
work of kind «e-mail» (WorkRecord) where that model exists, and always in the change log.
"""

from __future__ import annotations

import json
import mimetypes
import smtplib
import ssl
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import keyring
import keyring.errors
from sqlalchemy import select

from vostok_desktop import paths
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Email, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import ValidationError, validate_email
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.common.credentials import keyring_status
from vostok_desktop.services.documents.attachments import read_attachment

KEYRING_SERVICE = "vostok-desktop-smtp"
SECURITY_TITLES = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "Без шифрования"}
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


class MailError(RuntimeError):
    """Sending failed; the message is the Russian reason for the user."""


@dataclass
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # "starttls" | "ssl" | "none"
    login: str = ""
    sender: str = ""
    sender_name: str = ""
    timeout_s: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    def validate(self) -> SmtpSettings:
        if not self.host.strip():
            raise ValidationError("host", "Сервер SMTP: обязательное поле")
        if not 0 < int(self.port) < 65536:
            raise ValidationError("port", "Порт: число от 1 до 65535")
        if self.security not in SECURITY_TITLES:
            raise ValidationError("security", "Шифрование: неизвестный способ")
        self.sender = validate_email(self.sender)
        self.host = self.host.strip()
        return self


def settings_path() -> Any:
    return paths.config_dir() / "mail.json"


def load_settings() -> SmtpSettings:
    try:
        raw = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SmtpSettings()
    known = SmtpSettings.__dataclass_fields__
    return SmtpSettings(**{k: v for k, v in raw.items() if k in known})


def save_settings(settings: SmtpSettings, password: str | None = None) -> bool:
    """Store the settings; the password goes to the keyring. False if no keyring exists
    (then the password is asked at each sending)."""
    settings_path().write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2),
                               encoding="utf-8")
    if password is None or not settings.login:
        return True
    if not keyring_status().available:
        return False
    try:
        keyring.set_password(_keyring_key(settings), settings.login, password)
    except keyring.errors.KeyringError:
        return False
    return True


def _keyring_key(settings: SmtpSettings) -> str:
    return f"{KEYRING_SERVICE}:{settings.host}:{settings.port}"


def load_password(settings: SmtpSettings) -> str | None:
    if not settings.login or not keyring_status().available:
        return None
    try:
        return keyring.get_password(_keyring_key(settings), settings.login)
    except keyring.errors.KeyringError:
        return None


# -- message -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    contact_id: int | None = None

    @property
    def display(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class OutgoingFile:
    file_name: str
    data: bytes
    mime_type: str | None = None


@dataclass
class Draft:
    client_id: int
    recipients: list[Recipient]
    subject: str
    body: str
    attachment_ids: list[int] = field(default_factory=list)
    extra_files: list[OutgoingFile] = field(default_factory=list)  # printed forms


def client_recipients(base: OpenedBase, client_id: int) -> list[Recipient]:
    """The e-mails of the client's contacts (not in the stop list) and of the client."""
    with base.sessions() as s:
        rows = s.execute(
            select(Email.address, Contact.id, Contact.last_name, Contact.first_name,
                   Contact.middle_name)
            .join(Contact, Contact.id == Email.contact_id)
            .where(Contact.client_id == client_id, Contact.marked_for_deletion.is_(False))
            .order_by(Contact.search_name, Email.id))
        result = [Recipient(addr, " ".join(p for p in (last, first, middle) if p), cid)
                  for addr, cid, last, first, middle in rows]
        name = s.scalar(select(Client.short_name).where(Client.id == client_id)) or ""
        for (addr,) in s.execute(select(Email.address).where(Email.client_id == client_id)
                                 .order_by(Email.id)):
            result.append(Recipient(addr, name))
    return result


def default_draft(base: OpenedBase, client_id: int, employee_id: int | None,
                  company_name: str = "") -> Draft:
    """Subject and body prefilled from the card."""
    with base.sessions() as s:
        client = s.get(Client, client_id)
        if client is None:
            raise LookupError(f"Клиент №{client_id} не найден (возможно, удалён)")
        employee = s.scalar(select(Employee.full_name).where(Employee.id == employee_id)) \
            if employee_id else None
        subject = f"Документы для {client.short_name}"
        body = ("Здравствуйте!\n\nНаправляем Вам документы во вложении.\n\n"
                f"С уважением,\n{employee or ''}\n{company_name}").rstrip() + "\n"
    return Draft(client_id, [], subject, body)


def build_message(settings: SmtpSettings, draft: Draft, files: list[OutgoingFile]
                  ) -> EmailMessage:
    if not draft.recipients:
        raise ValidationError("recipients", "Получатели: выберите хотя бы один адрес")
    for r in draft.recipients:
        validate_email(r.address)
    if not draft.subject.strip():
        raise ValidationError("subject", "Тема: обязательное поле")
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender)) \
        if settings.sender_name else settings.sender
    message["To"] = ", ".join(formataddr((r.name, r.address)) if r.name else r.address
                              for r in draft.recipients)
    message["Subject"] = draft.subject.strip()
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(draft.body)
    size = 0
    for f in files:
        mime = f.mime_type or mimetypes.guess_type(f.file_name)[0] or "application/octet-stream"
        main, _, sub = mime.partition("/")
        message.add_attachment(f.data, maintype=main, subtype=sub or "octet-stream",
                               filename=f.file_name)
        size += len(f.data)
    if size > MAX_MESSAGE_BYTES:
        raise ValidationError("attachments", "Вложения больше 25 МБ: почтовые серверы такие "
                                             "письма обычно не принимают")
    return message


def send_message(settings: SmtpSettings, password: str | None, message: EmailMessage) -> None:
    """Deliver through the SMTP server; MailError with a readable reason on failure."""
    context = ssl.create_default_context()
    try:
        if settings.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                  timeout=settings.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        with smtp:
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.login:
                smtp.login(settings.login, password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError("Почтовый сервер отклонил логин или пароль") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"Почтовый сервер не поддерживает нужную команду: {exc}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError("Сервер не принял адреса: " + ", ".join(exc.recipients)) from None
    except smtplib.SMTPException as exc:
        raise MailError(f"Ошибка почтового сервера: {exc}") from None
    except ssl.SSLError as exc:
        raise MailError(f"Ошибка шифрования соединения: {exc.reason or exc}") from None
    except OSError as exc:
        raise MailError(f"Нет соединения с {settings.host}:{settings.port}: "
                        f"{exc.strerror or exc}") from None
    if refused:
        raise MailError("Сервер не принял адреса: " + ", ".join(refused))


@dataclass(frozen=True)
class SentMail:
    message_id: str
    recipients: list[str]
    files: list[str]
    work_id: int | None


def send_client_mail(base: OpenedBase, settings: SmtpSettings, password: str | None,
                     draft: Draft, employee_id: int | None) -> SentMail:
    """Send the draft (the card's selected files and the printed forms attached) and
    record it at the client."""
    files: list[OutgoingFile] = []
    if draft.attachment_ids:
        from vostok_desktop.domain import Attachment

        with base.sessions() as s:
            meta = {a.id: a for a in s.scalars(select(Attachment).where(
                Attachment.id.in_(draft.attachment_ids),
                Attachment.client_id == draft.client_id))}
        for attachment_id in draft.attachment_ids:
            info = meta.get(attachment_id)
            if info is None:
                raise LookupError(f"Файл №{attachment_id} не найден в карточке клиента")
            files.append(OutgoingFile(info.file_name, read_attachment(base, attachment_id),
                                      info.mime_type))
    files += draft.extra_files
    message = build_message(settings, draft, files)
    send_message(settings, password, message)
    work_id = record_sent(base, draft, [f.file_name for f in files], employee_id)
    return SentMail(str(message["Message-ID"]), [r.address for r in draft.recipients],
                    [f.file_name for f in files], work_id)


def record_sent(base: OpenedBase, draft: Draft, file_names: list[str],
                employee_id: int | None) -> int | None:
    """A work «e-mail, done» at the client (if the work model exists) and a log row."""
    to = ", ".join(r.address for r in draft.recipients)
    summary = f"Кому: {to}. Тема: {draft.subject}" + (
        f". Вложения: {', '.join(file_names)}" if file_names else "")
    work_id = None
    with base.sessions() as s, s.begin():
        work_cls, kind = _work_model()
        if work_cls is not None and employee_id is not None:
            contact = next((r.contact_id for r in draft.recipients if r.contact_id), None)
            work = work_cls(client_id=draft.client_id, contact_id=contact,
                            employee_id=employee_id, author_id=employee_id, kind=kind,
                            done=True, starts_at=utcnow(), subject=draft.subject[:300],
                            result=summary)
            try:
                with s.begin_nested():  # a schema without the table must not lose the log
                    s.add(work)
                    s.flush()
                    work_id = work.id
            except Exception:  # noqa: BLE001
                work_id = None
        record_changes(s, "mail", work_id or 0, draft.client_id, employee_id, {},
                       {"email_sent": summary})
    return work_id


def _work_model() -> tuple[Any, Any]:
    """WorkRecord and its e-mail kind, when the organisation-of-work area provides them."""
    try:
        from vostok_desktop.domain import work
    except ImportError:
        return None, None
    model = getattr(work, "WorkRecord", None)
    kinds = getattr(work, "WorkKind", None)
    kind = getattr(kinds, "EMAIL", None) if kinds is not None else None
    return (model, kind) if model is not None and kind is not None else (None, None)
