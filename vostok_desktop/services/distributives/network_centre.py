"""Requests to the network centre (КЦ) for shipment («отгрузка») or transfer
(«передача») of СВ/ЛСВ (network) distributives. No Qt.

A request names its kind, the client (who receives the distributives), the selected
distributives, a date and a note. :func:`prepare_request` checks it against the base
and turns it into :class:`~vostok_desktop.plugins.NetworkCentreRequestData`; a writer
plugin makes the file (the built-in format is in ``plugins/vostok_rc_files/writers.py``:
UTF-8, CR LF, TAB-separated keyed lines ``ВИД``, ``РИЦ``, ``ДАТА``, ``КЛИЕНТ``,
``ПРИМЕЧАНИЕ``, ``ДИСТРИБУТИВОВ`` and one ``Д`` line per distributive).
:func:`send_request` mails the file to the КЦ together with the chosen files of the
client's card (the contract or the amendment) through the ordinary mail service, which
records the letter at the client («e-mail» work and the change log).

That a request was sent is recorded in the change log («Журнал изменений»), one line
per distributive: table ``distributives``, field ``kc_request``, under the request's
client — so it shows in the client's history and in the distributive's. The change log
fits: it is the record of what was done to whom, written on a server base by the
checked function ``vostok_log_event`` (server time, the caller's own login, only about
a client the caller sees); the export log is for Excel and mass printing only.

What may go into a request:

* only network distributives: type «сетевая» or series СВ / ЛСВ;
* shipment: a distributive on the warehouse (in stock, or reserved for this client or
  for an employee) or already at this client;
* transfer: a distributive on service at another client (the giving one, written into
  the request) — the rights pass to the request's client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveStatus,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.plugins import (
    DistributiveFileWriter,
    NetworkCentreRequestData,
    NetworkCentreRequestKind,
    NetworkCentreRequestLine,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import label, refuse, run_write
from vostok_desktop.services.distributives.expert_file import (
    DistributiveFileError,
    render,
    require_files_right,
    write_atomically,
)
from vostok_desktop.services.documents import mail

Kind = NetworkCentreRequestKind
S = DistributiveStatus
NETWORK_SERIES = frozenset({"СВ", "ЛСВ"})
LOG_FIELD = "kc_request"
# «заявка на …»: the kind in the accusative.
KIND_ACCUSATIVE = {Kind.SHIPMENT: "отгрузку", Kind.TRANSFER: "передачу"}


def is_network(kind: SystemKind | str, series: str | None) -> bool:
    """СВ/ЛСВ: a network distributive (by type or by series)."""
    return SystemKind(kind) is SystemKind.NETWORK or \
        (series or "").strip().upper() in NETWORK_SERIES


@dataclass
class NetworkCentreRequest:
    kind: NetworkCentreRequestKind
    client_id: int
    distributive_ids: list[int]
    made_on: date
    note: str = ""


@dataclass(frozen=True)
class Candidate:
    """A distributive the dialog offers for a request of some kind."""

    id: int
    number: str
    system_title: str
    series: str
    network_size: int
    status: DistributiveStatus
    holder_name: str | None  # the client it is at now (None: the warehouse)

    @property
    def text(self) -> str:
        where = f"у «{self.holder_name}»" if self.holder_name else "на складе"
        return (f"№ {self.number} — {self.system_title}"
                f"{', ' + self.series if self.series else ''}, сеть {self.network_size}, "
                f"{where}")


def _rows(s: Session, ids: Sequence[int] | None = None, *, client_id: int | None = None,
          kind: NetworkCentreRequestKind | None = None, prefix: str = "",
          limit: int = 500) -> list[Row[Any]]:
    holder = aliased(Client)
    d = Distributive
    stmt = (select(d.id, d.number, d.kind, d.series, d.network_size, d.status, d.client_id,
                   d.reserved_for_client_id, ProductSystem.code, ProductSystem.title,
                   holder.inn, holder.short_name)
            .join(ProductSystem, ProductSystem.id == d.system_id)
            .outerjoin(holder, holder.id == d.client_id))
    if ids is not None:
        return list(s.execute(stmt.where(d.id.in_(list(ids)))))
    network = or_(d.kind == SystemKind.NETWORK, d.series.in_(sorted(NETWORK_SERIES)))
    stmt = stmt.where(network)
    if prefix:
        stmt = stmt.where(d.number.startswith(prefix, autoescape=True))
    if kind is Kind.TRANSFER:
        stmt = stmt.where(d.status == S.SERVED, d.client_id != client_id)
    else:
        stmt = stmt.where(or_(
            d.client_id == client_id,
            d.status == S.IN_STOCK,
            (d.status == S.RESERVED) & or_(d.reserved_for_client_id == client_id,
                                           d.reserved_for_client_id.is_(None))))
    return list(s.execute(stmt.order_by(d.number).limit(limit)))


def candidates(base: OpenedBase, client_id: int, kind: NetworkCentreRequestKind, *,
               number_prefix: str = "", limit: int = 500) -> list[Candidate]:
    """Network distributives fit for a request of ``kind`` for ``client_id``: for a
    shipment those on the warehouse or at the client, for a transfer those on service at
    other clients (a number prefix narrows them; a big base has thousands)."""
    with base.sessions() as s:
        rows = _rows(s, client_id=client_id, kind=kind,
                     prefix="".join(number_prefix.split()), limit=limit)
    return [Candidate(r.id, r.number, r.title, r.series, r.network_size, S(r.status),
                      r.short_name) for r in rows]


def _validated_lines(s: Session, request: NetworkCentreRequest
                     ) -> list[NetworkCentreRequestLine]:
    if not request.distributive_ids:
        raise refuse("distributive_ids", "Не выбрано ни одного дистрибутива для заявки")
    if len(set(request.distributive_ids)) != len(request.distributive_ids):
        raise refuse("distributive_ids", "Дистрибутив выбран дважды")
    found = {r.id: r for r in _rows(s, request.distributive_ids)}
    lines = []
    for distributive_id in request.distributive_ids:
        r = found.get(distributive_id)
        if r is None:
            raise refuse("distributive_ids", "Дистрибутив не найден: возможно, он удалён или "
                                             "вне видимой вам части базы")
        if not is_network(r.kind, r.series):
            raise refuse("distributive_ids", f"{label(r.number)} — не сетевой (не СВ/ЛСВ): "
                                             "заявку в КЦ на него не оформляют")
        status = S(r.status)
        if request.kind is Kind.TRANSFER:
            if r.client_id == request.client_id:
                raise refuse("distributive_ids", f"{label(r.number)} уже у этого клиента: "
                                                 "передавать его некому")
            if status is not S.SERVED:
                raise refuse("distributive_ids", f"{label(r.number)}: передают "
                                                 "дистрибутив на обслуживании у другого "
                                                 "клиента, а этот — "
                                                 f"{_status_text(status)}")
        else:
            if r.client_id is not None and r.client_id != request.client_id:
                raise refuse("distributive_ids", f"{label(r.number)} у клиента "
                                                 f"«{r.short_name or 'другого'}»: для него "
                                                 "оформляют заявку на передачу")
            if status is S.RESERVED and r.reserved_for_client_id not in (
                    None, request.client_id):
                raise refuse("distributive_ids", f"{label(r.number)} зарезервирован за "
                                                 "другим клиентом")
        holder = r.client_id is not None and r.client_id != request.client_id
        lines.append(NetworkCentreRequestLine(
            r.number, r.code, r.title, SystemKind(r.kind).value, r.series, r.network_size,
            (r.inn or "") if holder else "", (r.short_name or "") if holder else ""))
    return lines


def _status_text(status: DistributiveStatus) -> str:
    return {S.DISCONNECTED: "отключён", S.IN_STOCK: "на складе", S.RESERVED: "в резерве",
            S.DEMO: "ознакомительный", S.SERVED: "на обслуживании"}[status]


def prepare_request(base: OpenedBase, request: NetworkCentreRequest, *, company_code: str,
                    company_name: str = "", profile: AccessProfile | None = None,
                    today: date | None = None) -> NetworkCentreRequestData:
    """Check the request (a refusal names the distributive) and make the writer's data."""
    today = today or date.today()
    if request.made_on is None or request.made_on > today:
        raise refuse("made_on", "Дата заявки не может быть позже сегодняшней")
    with base.sessions() as s:
        require_files_right(s, profile)
        client = s.execute(select(Client.inn, Client.kpp, Client.short_name)
                           .where(Client.id == request.client_id)).one_or_none()
        if client is None:
            raise refuse("client_id", "Клиент не найден: возможно, он удалён или вне видимой "
                                      "вам части базы")
        lines = _validated_lines(s, request)
    return NetworkCentreRequestData(
        Kind(request.kind), company_code.strip(), company_name.strip(), request.made_on,
        request.client_id, client.inn or "", client.kpp or "", client.short_name,
        tuple(lines), " ".join(request.note.split()))


def request_file(data: NetworkCentreRequestData,
                 writer: DistributiveFileWriter[NetworkCentreRequestData]
                 ) -> mail.OutgoingFile:
    """The request as a file (name and bytes), made by the writer plugin."""
    name, content = render(writer, data)
    return mail.OutgoingFile(name, content, "text/plain")


def save_request_file(data: NetworkCentreRequestData,
                      writer: DistributiveFileWriter[NetworkCentreRequestData],
                      folder_or_path: Path) -> Path:
    """Write the request file atomically (into a folder under its own name, or to a path)."""
    file = request_file(data, writer)
    target = folder_or_path / file.file_name if folder_or_path.is_dir() else folder_or_path
    write_atomically(target, file.data)
    return target


def summary(data: NetworkCentreRequestData, file_name: str, to: Sequence[str] = ()) -> str:
    """One line for the change log: what was requested, when, which file, to whom."""
    kind = KIND_ACCUSATIVE[data.kind]
    numbers = ", ".join(line.number for line in data.lines)
    sent = f"; отправлена: {', '.join(to)}" if to else ""
    note = f"; {data.note}" if data.note else ""
    return (f"Заявка в КЦ на {kind} от {data.made_on:%d.%m.%Y} ({numbers}), файл "
            f"«{file_name}»{sent}{note}")


def record_request(base: OpenedBase, data: NetworkCentreRequestData, file_name: str,
                   employee_id: int | None, to: Sequence[str] = ()) -> int:
    """Log the request at each of its distributives (one transaction); returns lines."""
    line = summary(data, file_name, to)
    numbers = [r.number for r in data.lines]

    def write(s: Session) -> int:
        ids = dict(s.execute(select(Distributive.number, Distributive.id)
                             .where(Distributive.number.in_(numbers))).tuples().all())
        for number in numbers:
            if number not in ids:
                raise refuse("distributive_ids", f"{label(number)} не найден: заявка не "
                                                 "записана в журнал")
            record_changes(s, "distributives", ids[number], data.client_id, employee_id,
                           {}, {LOG_FIELD: line})
        return len(numbers)

    return run_write(base, write)


def find_clients(base: OpenedBase, text_: str, limit: int = 30) -> list[tuple[int, str]]:
    """Clients for the request's client field: by an INN prefix (digits) or by a part of
    the name; (id, «name, ИНН …»)."""
    term = " ".join(text_.split()).lower()
    if not term:
        return []
    stmt = select(Client.id, Client.short_name, Client.inn).where(
        Client.marked_for_deletion.is_(False))
    if term.isdigit():
        stmt = stmt.where(Client.inn.startswith(term, autoescape=True)).order_by(Client.inn)
    else:
        stmt = stmt.where(Client.search_name.contains(term, autoescape=True)).order_by(
            Client.search_name, Client.id)
    with base.sessions() as s:
        return [(cid, f"{name}, ИНН {inn}" if inn else name)
                for cid, name, inn in s.execute(stmt.limit(limit))]


def client_title(base: OpenedBase, client_id: int) -> str | None:
    with base.sessions() as s:
        row = s.execute(select(Client.short_name, Client.inn)
                        .where(Client.id == client_id)).one_or_none()
    if row is None:
        return None
    return f"{row.short_name}, ИНН {row.inn}" if row.inn else row.short_name


@dataclass
class MailOptions:
    """The letter to the КЦ: its addresses, subject, text and the card's files."""

    to: list[str]
    subject: str = ""
    body: str = ""
    attachment_ids: list[int] = field(default_factory=list)


def default_subject(data: NetworkCentreRequestData) -> str:
    kind = KIND_ACCUSATIVE[data.kind]
    return (f"Заявка на {kind} СВ/ЛСВ: {data.client_name}, ИНН {data.client_inn or '—'} "
            f"(РИЦ {data.company_code})")


def default_body(data: NetworkCentreRequestData, employee_name: str = "") -> str:
    kind = KIND_ACCUSATIVE[data.kind]
    numbers = "\n".join(f"  № {line.number} — {line.system_title}" for line in data.lines)
    return (f"Здравствуйте!\n\nНаправляем заявку на {kind} дистрибутивов для клиента "
            f"{data.client_name} (ИНН {data.client_inn or '—'}):\n{numbers}\n\n"
            "Файл заявки и документы клиента — во вложении.\n\n"
            f"С уважением,\n{employee_name}\n{data.company_name}").rstrip() + "\n"


@dataclass(frozen=True)
class SentRequest:
    file_name: str
    message_id: str
    recipients: list[str]
    files: list[str]
    log_lines: int


def send_request(base: OpenedBase, settings: mail.SmtpSettings, password: str | None,
                 data: NetworkCentreRequestData,
                 writer: DistributiveFileWriter[NetworkCentreRequestData],
                 options: MailOptions, employee_id: int | None) -> SentRequest:
    """Mail the request file and the chosen card files to the КЦ; record it."""
    if not options.to:
        raise DistributiveFileError("to", "Не указан адрес КЦ для письма")
    file = request_file(data, writer)
    draft = mail.Draft(data.client_id, [mail.Recipient(a.strip(), "КЦ") for a in options.to],
                       options.subject or default_subject(data),
                       options.body or default_body(data, ""),
                       attachment_ids=list(options.attachment_ids), extra_files=[file])
    sent = mail.send_client_mail(base, settings, password, draft, employee_id)
    lines = record_request(base, data, file.file_name, employee_id, sent.recipients)
    return SentRequest(file.file_name, sent.message_id, sent.recipients, sent.files, lines)


def request_history(base: OpenedBase, client_id: int) -> list[tuple[str, str]]:
    """The client's recorded КЦ requests, newest first: (when, what)."""
    with base.sessions() as s:
        rows = s.execute(select(ChangeLog.changed_at, ChangeLog.new_value)
                         .where(ChangeLog.client_id == client_id,
                                ChangeLog.table_name == "distributives",
                                ChangeLog.field == LOG_FIELD)
                         .order_by(ChangeLog.changed_at.desc(), ChangeLog.id.desc()))
        seen: dict[str, str] = {}
        for when, what in rows:
            seen.setdefault(what or "", f"{when:%d.%m.%Y %H:%M}")
    return [(when, what) for what, when in seen.items()]


__all__ = ["Candidate", "MailOptions", "NetworkCentreRequest", "SentRequest", "candidates",
           "client_title", "find_clients",
           "default_body", "default_subject", "is_network", "prepare_request",
           "record_request", "request_file", "request_history", "save_request_file",
           "send_request", "summary"]
