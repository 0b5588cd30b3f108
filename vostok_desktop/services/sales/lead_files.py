"""Reading the website's leads from a file: CSV, XLSX, a single EML letter, an mbox file or
a folder of EML letters (a mailbox folder export). No Qt, no database.

Columns of CSV and XLSX (the first row names them; the order does not matter, case and
spaces are ignored; the English names work too):

=============  ===============  =====================================================
Column         English          What
=============  ===============  =====================================================
Дата           received_at      when the request came: ДД.ММ.ГГГГ [ЧЧ:ММ[:СС]] or ISO
Источник       source           the form or site it came from (optional, «Сайт»)
Имя            name             the person's name as typed
Организация    organisation     the organisation as typed
ИНН            inn              10 or 12 digits, checked (optional)
Телефон        phone            checked (optional)
E-mail         email            checked (optional)
Текст          text             the message (optional)
=============  ===============  =====================================================

A row needs «Дата», a name or an organisation, and a phone or an e-mail. CSV is UTF-8 (with
or without BOM) or Windows-1251, separated by «;» or «,». A letter gives one lead: its
Date header, and «Имя:», «Организация:», «ИНН:», «Телефон:», «E-mail:» and «Источник:»
lines of the body; the other lines of the body are the text.

A broken file raises :class:`LeadFileError` naming the line (the row, or the letter) and
the field; nothing of the file is used then.
"""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import io
import mailbox
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from vostok_desktop.domain.validators import (
    ValidationError,
    normalize_phone,
    validate_email,
    validate_inn,
)

MAX_LEADS = 20_000
DEFAULT_SOURCE = "Сайт"
MAIL_SOURCE = "Почта"

# Column title (folded) -> field; the English names too.
COLUMNS: dict[str, str] = {
    "дата": "received_at", "дата заявки": "received_at", "received_at": "received_at",
    "источник": "source", "source": "source",
    "имя": "name", "фио": "name", "контактное лицо": "name", "name": "name",
    "организация": "organisation", "компания": "organisation",
    "organisation": "organisation", "organization": "organisation",
    "инн": "inn", "inn": "inn",
    "телефон": "phone", "phone": "phone",
    "e-mail": "email", "email": "email", "эл. почта": "email", "почта": "email",
    "текст": "text", "сообщение": "text", "комментарий": "text", "text": "text",
}
FIELD_TITLES: dict[str, str] = {
    "received_at": "Дата", "source": "Источник", "name": "Имя",
    "organisation": "Организация", "inn": "ИНН", "phone": "Телефон", "email": "E-mail",
    "text": "Текст",
}
# «Имя: …» lines of a letter's body.
MAIL_LINE = re.compile(
    r"^\s*(имя|фио|организация|компания|инн|телефон|e-?mail|эл\.\s*почта|источник)\s*:\s*"
    r"(.*?)\s*$", re.IGNORECASE)
MAIL_FIELDS = {"имя": "name", "фио": "name", "организация": "organisation",
               "компания": "organisation", "инн": "inn", "телефон": "phone",
               "email": "email", "e-mail": "email", "источник": "source"}
DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%y %H:%M",
                "%d.%m.%y")


class LeadFileError(ValidationError):
    """The file cannot be read as leads; the message names the place and the field."""


@dataclass
class LeadRecord:
    """One lead as received (cleaned: INN digits, the phone as typed, e-mail checked)."""

    received_at: datetime
    name: str = ""
    organisation: str = ""
    inn: str = ""
    phone: str = ""
    phone_digits: str = ""
    email: str = ""
    text: str = ""
    source: str = DEFAULT_SOURCE
    place: str = ""  # «строка 3», «письмо «x.eml»»


@dataclass
class LeadFile:
    file_name: str
    file_hash: str
    records: list[LeadRecord] = field(default_factory=list)


def read_lead_file(path: Path | str) -> LeadFile:
    """The leads of ``path`` (by its suffix; a folder: its *.eml letters)."""
    path = Path(path)
    if path.is_dir():
        letters = sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml")
        if not letters:
            raise LeadFileError("file", f"В папке «{path.name}» нет писем (*.eml)")
        digest = hashlib.sha256()
        records = []
        for p in letters:
            data = p.read_bytes()
            digest.update(hashlib.sha256(data).digest())
            records.append(parse_letter(data, f"письмо «{p.name}»"))
        return _checked(LeadFile(path.name, digest.hexdigest(), records))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LeadFileError("file", f"Файл «{path.name}» не прочитан: {exc.strerror}") from None
    return read_lead_bytes(path.name, data)


def read_lead_bytes(file_name: str, data: bytes) -> LeadFile:
    suffix = Path(file_name).suffix.lower()
    result = LeadFile(file_name, hashlib.sha256(data).hexdigest())
    if suffix == ".csv" or suffix == ".txt":
        result.records = parse_rows(_csv_rows(data))
    elif suffix == ".xlsx":
        result.records = parse_rows(_xlsx_rows(data))
    elif suffix == ".eml":
        result.records = [parse_letter(data, f"письмо «{file_name}»")]
    elif suffix == ".mbox":
        result.records = _mbox_records(data)
    else:
        raise LeadFileError("file", f"Файл «{file_name}»: заявки читаются из CSV, XLSX, EML, "
                                    "MBOX или из папки с письмами EML")
    return _checked(result)


def _checked(result: LeadFile) -> LeadFile:
    if not result.records:
        raise LeadFileError("file", f"В файле «{result.file_name}» нет ни одной заявки")
    if len(result.records) > MAX_LEADS:
        raise LeadFileError("file", f"В файле больше {MAX_LEADS} заявок: разделите его")
    return result


# --------------------------------------------------------------------------- tables


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes every byte but 0x98
        raise LeadFileError("file", "Файл не в кодировке UTF-8 или Windows-1251")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl  # slow to import: only when an XLSX comes

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise LeadFileError("file", "Файл XLSX повреждён или это не книга Excel") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell_text(v) for v in row]))
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_rows(rows: Sequence[tuple[int, list[str]]]) -> list[LeadRecord]:
    """Rows (line number, cells) with a header row first -> leads."""
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return []
    header_line, header = rows[0]
    fields: dict[int, str] = {}
    for index, title in enumerate(header):
        key = COLUMNS.get(" ".join(title.strip().lower().split()))
        if key is None and title.strip():
            raise LeadFileError("file", f"Строка {header_line}: неизвестный столбец "
                                        f"«{title.strip()}»; столбцы: Дата, Источник, Имя, "
                                        "Организация, ИНН, Телефон, E-mail, Текст")
        if key is not None:
            if key in fields.values():
                raise LeadFileError("file", f"Строка {header_line}: столбец "
                                            f"«{FIELD_TITLES[key]}» указан дважды")
            fields[index] = key
    if "received_at" not in fields.values():
        raise LeadFileError("file", f"Строка {header_line}: нет столбца «Дата»")
    records = []
    for line, cells in rows[1:]:
        values = {key: (cells[i].strip() if i < len(cells) else "")
                  for i, key in fields.items()}
        records.append(_record(values, f"Строка {line}"))
    return records


# --------------------------------------------------------------------------- letters


def parse_letter(data: bytes | EmailMessage, place: str) -> LeadRecord:
    message = (data if isinstance(data, EmailMessage)
               else email.message_from_bytes(data, policy=email.policy.default))
    header_date = message.get("Date")
    try:
        received = parsedate_to_datetime(str(header_date)) if header_date else None
    except (TypeError, ValueError):
        received = None
    if received is None:
        raise LeadFileError("received_at", f"{place.capitalize()}: нет даты письма (Date)")
    if received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/html":
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
        text = re.sub(r"<[^>]+>", "", text)
    values: dict[str, str] = {"source": MAIL_SOURCE}
    rest: list[str] = []
    for line in text.splitlines():
        match = MAIL_LINE.match(line)
        if match:
            key = MAIL_FIELDS[re.sub(r"\s+", " ", match.group(1).lower()).replace("эл. почта",
                                                                                  "email")]
            values[key] = match.group(2)
        elif line.strip():
            rest.append(line.strip())
    values["text"] = "\n".join(rest)
    if not values.get("email"):
        sender = email.utils.parseaddr(str(message.get("From", "")))[1]
        values["email"] = sender if "@" in sender else ""
    return _record(values, place.capitalize(), received_at=received)


def _mbox_records(data: bytes) -> list[LeadRecord]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.mbox"
        path.write_bytes(data)
        box = mailbox.mbox(path, factory=None, create=False)
        try:
            messages = [bytes(m) for m in box]
        finally:
            box.close()
    return [parse_letter(m, f"письмо {n}") for n, m in enumerate(messages, start=1)]


# --------------------------------------------------------------------------- values


def parse_received(text: str, place: str) -> datetime:
    """A date of the file; a time without a zone is this computer's local time."""
    value = text.strip()
    if not value:
        raise LeadFileError("received_at", f"{place}: «Дата» не указана")
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    else:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise LeadFileError("received_at", f"{place}: «Дата» «{value}» не распознана; "
                                               "нужно ДД.ММ.ГГГГ ЧЧ:ММ") from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()
    return parsed.astimezone(UTC)


def _record(values: dict[str, str], place: str, *,
            received_at: datetime | None = None) -> LeadRecord:
    def get(key: str) -> str:
        return " ".join(values.get(key, "").split()) if key != "text" else values.get(
            key, "").strip()

    received = received_at or parse_received(values.get("received_at", ""), place)
    record = LeadRecord(received_at=received, name=get("name")[:200],
                        organisation=get("organisation")[:300], text=get("text"),
                        source=(get("source") or DEFAULT_SOURCE)[:100], place=place)
    if not record.name and not record.organisation:
        raise LeadFileError("name", f"{place}: нет ни «Имени», ни «Организации»")
    try:
        if get("inn"):
            record.inn = validate_inn(get("inn"))
        if get("phone"):
            phone = normalize_phone(get("phone"))
            record.phone, record.phone_digits = get("phone")[:100], phone.digits
        if get("email"):
            record.email = validate_email(get("email"))
    except ValidationError as exc:
        raise LeadFileError(exc.field, f"{place}: {exc.message}") from None
    if not record.phone and not record.email:
        raise LeadFileError("phone", f"{place}: нет ни «Телефона», ни «E-mail»")
    return record


def sample_csv(records: Iterable[dict[str, str]]) -> str:
    """A CSV in the documented columns (for the import dialog's «Образец»)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Дата", "Источник", "Имя", "Организация", "ИНН", "Телефон", "E-mail",
                     "Текст"])
    for r in records:
        writer.writerow([r.get(k, "") for k in ("received_at", "source", "name",
                                                 "organisation", "inn", "phone", "email",
                                                 "text")])
    return out.getvalue()
