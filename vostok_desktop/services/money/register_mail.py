"""«Отправить по e-mail…» of a billing register: each client gets one message with its
documents of the register (each rendered into its print form) at the e-mails of its
contacts and its own. No Qt.

A client without an address, or whose document cannot be rendered, or whose message
the server refused, is reported as a problem (nothing is skipped silently). What was
sent is known from the change log: after a message is accepted by the server the
sending is recorded as usual (``record_sent``: a work «e-mail» and a «mail» log line)
and every document it carried gets a log line ``money_documents`` / ``sent_by_email``
(the addresses). A second run sends only the documents without such a line, so a
register interrupted or partly refused can be sent again safely.

A register is sent right after its run («Выписка за месяц») or later, chosen among the
earlier ones (``register_runs``: «Отправить реестр счетов…»).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client, Employee
from vostok_desktop.domain.money import (
    BillingRun,
    BillingState,
    Company,
    DocumentKind,
    MoneyDocument,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, guarded
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import check
from vostok_desktop.services.documents import mail
from vostok_desktop.services.documents.templates import TemplateError
from vostok_desktop.services.money.billing import month_title, run_documents
from vostok_desktop.services.money.printing import render_money_document

RIGHT = "money.documents"
SENT_TABLE = "money_documents"
SENT_FIELD = "sent_by_email"
KIND_NAMES = {DocumentKind.INVOICE: "счёт", DocumentKind.ACT: "акт", DocumentKind.UPD: "УПД"}


class ProgressState(Protocol):
    def progress(self, stage: str, done: int, total: int) -> None: ...

    def is_cancelled(self) -> bool: ...


@dataclass(frozen=True)
class MailProblem:
    client_id: int
    client_name: str
    text: str


@dataclass
class RegisterMailResult:
    messages: int = 0  # messages accepted by the server
    documents: int = 0  # documents they carried
    already_sent: int = 0  # documents sent before (not sent again)
    problems: list[MailProblem] = field(default_factory=list)
    cancelled: bool = False

    @property
    def summary(self) -> str:
        parts = [f"Отправлено писем: {self.messages} (документов: {self.documents})"]
        if self.already_sent:
            parts.append(f"уже были отправлены раньше: {self.already_sent}")
        if self.problems:
            parts.append(f"не отправлено клиентам: {len(self.problems)}")
        if self.cancelled:
            parts.append("отправка прервана")
        return "; ".join(parts)

    def report_lines(self, limit: int = 500) -> list[str]:
        """The summary and the clients not sent to, as a dialog's report lists them."""
        lines = [f"Отправка по e-mail: {self.summary}."]
        if self.problems:
            lines.append("Не отправлено:")
            lines.extend(f"  • {p.client_name}: {p.text}" for p in self.problems[:limit])
            if len(self.problems) > limit:
                lines.append(f"  … и ещё {len(self.problems) - limit}")
        return lines


@dataclass(frozen=True)
class RegisterRun:
    """A billing register as «Отправить реестр счетов» lists it."""

    id: int
    period: date
    company_name: str
    kinds: str  # "invoice,act"
    documents: int  # documents the register wrote
    sent: int  # of them already sent by e-mail
    total: Decimal
    created_at: datetime
    author: str

    @property
    def title(self) -> str:
        return f"Реестр № {self.id} за {month_title(self.period)}"

    @property
    def kinds_text(self) -> str:
        names = {"invoice": "счета", "act": "акты", "upd": "УПД"}
        return ", ".join(names.get(k, k) for k in self.kinds.split(",") if k)


@dataclass(frozen=True)
class _Document:
    id: int
    kind: DocumentKind
    number_text: str
    client_id: int
    client_name: str
    company_name: str
    period_text: str


def emailed_documents(base: OpenedBase, document_ids: Sequence[int]) -> set[int]:
    """The documents already sent by e-mail (a ``sent_by_email`` line in the log)."""
    ids = list(document_ids)
    found: set[int] = set()
    with base.sessions() as s:
        for start in range(0, len(ids), 1000):
            found.update(s.scalars(select(ChangeLog.row_id).where(
                ChangeLog.table_name == SENT_TABLE, ChangeLog.field == SENT_FIELD,
                ChangeLog.row_id.in_(ids[start:start + 1000]))))
    return found


def register_runs(base: OpenedBase, limit: int = 200) -> list[RegisterRun]:
    """The registers that wrote documents, the newest first, with how many of their
    documents were already e-mailed (an unfinished register is not listed)."""
    d, r = MoneyDocument, BillingRun
    with base.sessions() as s:
        rows = s.execute(
            select(r.id, r.period, Company.name, r.kinds, r.total, r.created_at,
                   Employee.full_name, func.count(d.id))
            .join(Company, Company.id == r.company_id)
            .join(d, d.billing_run_id == r.id)
            .outerjoin(Employee, Employee.id == r.created_by_id)
            .where(r.state != BillingState.RUNNING)
            .group_by(r.id, r.period, Company.name, r.kinds, r.total, r.created_at,
                      Employee.full_name)
            .order_by(r.id.desc()).limit(limit)).all()
        ids = [row[0] for row in rows]
        sent: dict[int, int] = {}
        if ids:
            sent = {run_id: count for run_id, count in s.execute(
                select(d.billing_run_id, func.count(func.distinct(d.id)))
                .join(ChangeLog, (ChangeLog.row_id == d.id)
                      & (ChangeLog.table_name == SENT_TABLE)
                      & (ChangeLog.field == SENT_FIELD))
                .where(d.billing_run_id.in_(ids)).group_by(d.billing_run_id))}
    return [RegisterRun(row[0], row[1], row[2] or "", row[3] or "", row[7],
                        sent.get(row[0], 0), row[4], row[5], row[6] or "") for row in rows]


def _documents(base: OpenedBase, document_ids: Sequence[int]) -> list[_Document]:
    d = MoneyDocument
    order = {doc_id: n for n, doc_id in enumerate(document_ids)}
    out: list[_Document] = []
    ids = list(document_ids)
    with base.sessions() as s:
        for start in range(0, len(ids), 1000):
            for r in s.execute(select(d.id, d.kind, d.number_text, d.client_id, d.period,
                                      Client.short_name, Company.name)
                               .join(Client, Client.id == d.client_id)
                               .join(Company, Company.id == d.company_id)
                               .where(d.id.in_(ids[start:start + 1000]))):
                out.append(_Document(r[0], DocumentKind(r[1]), r[2], r[3], r[5] or "",
                                     r[6] or "", month_title(r[4]) if r[4] else ""))
    return sorted(out, key=lambda doc: order[doc.id])


def message_text(docs: Sequence[_Document], employee_name: str) -> tuple[str, str]:
    """Subject and body of a client's message."""
    names = ", ".join(f"{KIND_NAMES.get(doc.kind, 'документ')} № {doc.number_text}"
                      for doc in docs)
    period = docs[0].period_text
    subject = f"{docs[0].company_name}: документы за {period}" if period else \
        f"{docs[0].company_name}: документы"
    body = (f"Здравствуйте!\n\nНаправляем Вам документы{' за ' + period if period else ''}:"
            f" {names}. Они во вложении.\n\nС уважением,\n{employee_name}\n"
            f"{docs[0].company_name}").replace("\n\n\n", "\n\n").rstrip() + "\n"
    return subject, body


def _mark_sent(base: OpenedBase, docs: Sequence[_Document], addresses: str,
               employee_id: int | None) -> None:
    def go() -> None:
        with base.sessions() as s, s.begin():
            for doc in docs:
                record_changes(s, SENT_TABLE, doc.id, doc.client_id, employee_id, {},
                               {SENT_FIELD: addresses})
    guarded(go)


def send_documents(base: OpenedBase, document_ids: Sequence[int],
                   settings: mail.SmtpSettings, password: str | None,
                   employee_id: int | None, profile: AccessProfile | None = None,
                   state: ProgressState | None = None) -> RegisterMailResult:
    """Send the documents, one message per client; see the module's note on what is
    not sent again. ``state`` reports progress and may cancel between clients."""
    check(profile, RIGHT)
    if not settings.configured:
        raise ValidationError("host", "Почта не настроена: укажите сервер SMTP и адрес "
                                      "отправителя")
    result = RegisterMailResult()
    sent_before = emailed_documents(base, document_ids)
    by_client: dict[int, list[_Document]] = {}
    for doc in _documents(base, document_ids):
        if doc.id in sent_before:
            result.already_sent += 1
        else:
            by_client.setdefault(doc.client_id, []).append(doc)
    with base.sessions() as s:
        employee_name = (s.scalar(select(Employee.full_name)
                                  .where(Employee.id == employee_id)) or "") \
            if employee_id else ""
    total = len(by_client)
    for done, (client_id, docs) in enumerate(by_client.items()):
        if state is not None:
            if state.is_cancelled():
                result.cancelled = True
                break
            state.progress(f"Отправка: {docs[0].client_name}", done, total)
        name = docs[0].client_name

        def problem(text: str, client: int = client_id, who: str = name) -> None:
            result.problems.append(MailProblem(client, who, text))

        recipients = mail.client_recipients(base, client_id)
        if not recipients:
            problem("нет адреса e-mail ни у клиента, ни у его контактов")
            continue
        files: list[mail.OutgoingFile] = []
        try:
            for doc in docs:
                rendered = render_money_document(base, doc.id, employee_id)
                files.append(mail.OutgoingFile(rendered.file_name, rendered.data))
        except (LookupError, TemplateError, ValueError) as exc:
            problem(f"документ не напечатан: {exc}")
            continue
        subject, body = message_text(docs, employee_name)
        draft = mail.Draft(client_id, recipients, subject, body)
        try:
            message = mail.build_message(settings, draft, files)
            mail.send_message(settings, password, message)
        except ValidationError as exc:
            problem(f"письмо не собрано: {exc}")
            continue
        except mail.MailError as exc:
            problem(str(exc))
            continue
        mail.record_sent(base, draft, [f.file_name for f in files], employee_id)
        _mark_sent(base, docs, ", ".join(r.address for r in recipients), employee_id)
        result.messages += 1
        result.documents += len(docs)
    else:
        if state is not None:
            state.progress("Отправка", total, total)
    return result


def send_register(base: OpenedBase, run_id: int, settings: mail.SmtpSettings,
                  password: str | None, employee_id: int | None,
                  profile: AccessProfile | None = None,
                  state: ProgressState | None = None) -> RegisterMailResult:
    """Every document of the billing register ``run_id`` (the register of a run just
    finished or an earlier one: what was sent before is not sent again)."""
    check(profile, RIGHT)
    documents = run_documents(base, run_id)
    if not documents:
        with base.sessions() as s:
            known = s.get(BillingRun, run_id) is not None
        raise ValidationError("run_id", f"В реестре № {run_id} нет документов: отправлять "
                                        "нечего" if known else f"Реестр № {run_id} не найден")
    return send_documents(base, documents, settings, password, employee_id, profile, state)


__all__ = ["MailProblem", "RegisterMailResult", "RegisterRun", "emailed_documents",
           "message_text", "register_runs", "send_documents", "send_register"]
