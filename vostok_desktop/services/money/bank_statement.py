"""The 1C «Клиент-банк» exchange file (``1CClientBankExchange``): a statement of the
company's account with payment orders, as every Russian bank exports it.

:func:`parse_statement` reads the whole file or refuses it: a broken file imports
nothing, and the error names the line and the field («строка 57: Сумма «12,3,4» — не
число»). The encoding is detected: valid UTF-8 is UTF-8, otherwise cp1251 (Windows),
or cp866 when the header says ``Кодировка=DOS``. No database, no Qt."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

HEADER = "1CClientBankExchange"
_AMOUNT_RE = re.compile(r"^\d{1,12}(?:[.,]\d{1,2})?$")
_DATE_RE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_ACCOUNT_RE = re.compile(r"^\d{20}$")


class StatementError(ValueError):
    """The file is not a statement the program can take; ``line`` (1-based, or None for
    the whole file), ``field`` and a Russian message."""

    def __init__(self, line: int | None, field_name: str, message: str) -> None:
        self.line = line
        self.field = field_name
        self.message = f"строка {line}: {message}" if line is not None else message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class StatementDocument:
    """One payment order of the file."""

    line: int  # where its «СекцияДокумент» starts
    kind: str  # «Платежное поручение», …
    number: str
    issued_on: date  # «Дата»
    amount: Decimal
    payer_account: str
    payer_inn: str
    payer_name: str
    recipient_account: str
    recipient_inn: str
    purpose: str
    received_on: date | None  # «ДатаПоступило»

    @property
    def paid_on(self) -> date:
        """The day the money came (the date a payment is booked on)."""
        return self.received_on or self.issued_on


@dataclass(frozen=True)
class ParsedStatement:
    encoding: str
    version: str
    sender: str
    date_from: date | None
    date_to: date | None
    accounts: tuple[str, ...]  # «РасчСчет» of the header and of «СекцияРасчСчет»
    documents: tuple[StatementDocument, ...] = field(default=())

    def incoming(self, own_accounts: Iterable[str] = ()) -> list[StatementDocument]:
        """The payments into the statement's (or the company's) account: the money the
        РИЦ received; its own outgoing payments are left out."""
        ours = {a for a in (*self.accounts, *own_accounts) if a}
        return [d for d in self.documents if d.recipient_account in ours]

    @property
    def account(self) -> str:
        return self.accounts[0] if self.accounts else ""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding's name («utf-8», «cp1251», «cp866»)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if "Кодировка=DOS".encode("cp866") in data[:4000]:
        return data.decode("cp866", errors="replace"), "cp866"
    return data.decode("cp1251", errors="replace"), "cp1251"


def parse_amount(text: str, line: int, name: str = "Сумма") -> Decimal:
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _AMOUNT_RE.match(value):
        raise StatementError(line, name, f"{name} «{text.strip()}» — не число")
    amount = Decimal(value.replace(",", "."))
    if amount <= 0:
        raise StatementError(line, name, f"{name} «{text.strip()}» — должна быть больше нуля")
    return amount


def parse_date(text: str, line: int, name: str) -> date:
    match = _DATE_RE.match(text.strip())
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise StatementError(line, name, f"{name} «{text.strip()}» — не дата (нужно ДД.ММ.ГГГГ)")


_REQUIRED = ("Номер", "Дата", "Сумма", "ПолучательСчет")


def _document(start: int, kind: str, values: dict[str, tuple[int, str]]) -> StatementDocument:
    for name in _REQUIRED:
        if not values.get(name, (0, ""))[1].strip():
            raise StatementError(start, name, f"в документе «{kind}» нет поля {name}")

    def get(name: str) -> str:
        return values.get(name, (start, ""))[1].strip()

    def line_of(name: str) -> int:
        return values.get(name, (start, ""))[0]

    received = get("ДатаПоступило")
    payer_inn = get("ПлательщикИНН")
    if payer_inn and not (payer_inn.isdigit() and len(payer_inn) in (10, 12)):
        raise StatementError(line_of("ПлательщикИНН"), "ПлательщикИНН",
                             f"ПлательщикИНН «{payer_inn}» — ИНН из 10 или 12 цифр")
    name = get("Плательщик1") or get("Плательщик")
    if name.startswith("ИНН ") and not get("Плательщик1"):
        name = name.split(" ", 2)[2] if name.count(" ") >= 2 else name
    return StatementDocument(
        line=start, kind=kind, number=get("Номер")[:30],
        issued_on=parse_date(get("Дата"), line_of("Дата"), "Дата"),
        amount=parse_amount(get("Сумма"), line_of("Сумма")),
        payer_account=get("ПлательщикСчет")[:20], payer_inn=payer_inn,
        payer_name=name[:500], recipient_account=get("ПолучательСчет")[:20],
        recipient_inn=get("ПолучательИНН"), purpose=get("НазначениеПлатежа"),
        received_on=parse_date(received, line_of("ДатаПоступило"), "ДатаПоступило")
        if received else None)


def parse_statement(data: bytes) -> ParsedStatement:
    """The whole file, or :class:`StatementError` naming the first thing wrong."""
    text, encoding = decode(data)
    lines = text.splitlines()
    if not lines or lines[0].strip().lstrip("\ufeff") != HEADER:
        raise StatementError(1, "header", "это не файл обмена «1С: Клиент-банк» — первая "
                                          f"строка должна быть «{HEADER}»")
    header: dict[str, tuple[int, str]] = {}
    accounts: list[str] = []
    documents: list[StatementDocument] = []
    doc: dict[str, tuple[int, str]] | None = None
    doc_start, doc_kind = 0, ""
    in_account = False
    ended = False
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        if ended:
            break
        key, sep, value = line.partition("=")
        key = key.strip()
        if key == "КонецФайла":
            if doc is not None:
                raise StatementError(doc_start, "КонецДокумента",
                                     f"документ «{doc_kind}» не закрыт строкой КонецДокумента")
            ended = True
            continue
        if key == "СекцияДокумент":
            if doc is not None:
                raise StatementError(doc_start, "КонецДокумента",
                                     f"документ «{doc_kind}» не закрыт строкой КонецДокумента")
            doc, doc_start, doc_kind = {}, number, value.strip()
            continue
        if key == "КонецДокумента":
            if doc is None:
                raise StatementError(number, "КонецДокумента",
                                     "КонецДокумента без СекцияДокумент")
            documents.append(_document(doc_start, doc_kind, doc))
            doc = None
            continue
        if key == "СекцияРасчСчет":
            in_account = True
            continue
        if key == "КонецРасчСчет":
            in_account = False
            continue
        if not sep:
            raise StatementError(number, key, f"«{line[:60]}» — ожидается Ключ=Значение")
        if doc is not None:
            doc[key] = (number, value)
        elif in_account:
            if key == "РасчСчет" and value.strip() not in accounts:
                accounts.append(value.strip())
        else:
            header[key] = (number, value.strip())
            if key == "РасчСчет" and value.strip() not in accounts:
                accounts.append(value.strip())
    if doc is not None:
        raise StatementError(doc_start, "КонецДокумента",
                             f"документ «{doc_kind}» не закрыт строкой КонецДокумента")
    if not ended:
        raise StatementError(len(lines), "КонецФайла",
                             "нет строки КонецФайла — файл обрезан или повреждён")
    for account in accounts:
        if not _ACCOUNT_RE.match(account):
            line_no = header.get("РасчСчет", (None, ""))[0]
            raise StatementError(line_no, "РасчСчет",
                                 f"РасчСчет «{account}» — нужно 20 цифр")

    def header_date(name: str) -> date | None:
        if name not in header or not header[name][1]:
            return None
        return parse_date(header[name][1], header[name][0], name)

    return ParsedStatement(
        encoding=encoding, version=header.get("ВерсияФормата", (0, ""))[1],
        sender=header.get("Отправитель", (0, ""))[1],
        date_from=header_date("ДатаНачала"), date_to=header_date("ДатаКонца"),
        accounts=tuple(accounts), documents=tuple(documents))


def render_statement(account: str, date_from: date, date_to: date,
                     documents: Iterable[dict[str, str]], *, encoding: str = "cp1251") -> bytes:
    """A statement file (for tests, demo data and the benchmark): ``documents`` are the
    key=value pairs of each «Платежное поручение»."""
    out = [HEADER, "ВерсияФормата=1.03",
           "Кодировка=" + ("DOS" if encoding == "cp866" else "Windows"),
           "Отправитель=Бухгалтерия банка", "Получатель=Восток",
           f"ДатаНачала={date_from:%d.%m.%Y}", f"ДатаКонца={date_to:%d.%m.%Y}",
           f"РасчСчет={account}", "Документ=Платежное поручение", "СекцияРасчСчет",
           f"ДатаНачала={date_from:%d.%m.%Y}", f"ДатаКонца={date_to:%d.%m.%Y}",
           f"РасчСчет={account}", "КонецРасчСчет"]
    for values in documents:
        out.append("СекцияДокумент=Платежное поручение")
        out += [f"{k}={v}" for k, v in values.items()]
        out.append("КонецДокумента")
    out.append("КонецФайла")
    return ("\r\n".join(out) + "\r\n").encode(encoding, errors="replace")


__all__ = ["HEADER", "ParsedStatement", "StatementDocument", "StatementError", "decode",
           "parse_amount", "parse_date", "parse_statement", "render_statement"]
