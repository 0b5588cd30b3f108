"""Import sources: read .xlsx/.csv files into a header and rows, and map columns to
client fields. No Qt; openpyxl is imported on use. Broken files (empty, truncated, not a
workbook, wrong encoding) raise :class:`ImportFileError` with a reason for the user."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_ROWS = 1_000_000


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says why (Russian)."""



# -- fields ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportField:
    key: str
    title: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField("short_name", "Краткое наименование",
                ("наименование", "название", "клиент", "организация", "краткое наименование",
                 "name", "short_name", "компания"), 300),
    ImportField("full_name", "Полное наименование", ("полное наименование", "full_name"), 500),
    ImportField("inn", "ИНН", ("инн", "inn")),
    ImportField("kpp", "КПП", ("кпп", "kpp")),
    ImportField("ogrn", "ОГРН/ОГРНИП", ("огрн", "огрнип", "огрн/огрнип", "ogrn")),
    ImportField("status", "Статус", ("статус", "status")),
    ImportField("region", "Регион", ("регион", "region", "область"), 100),
    ImportField("segment", "Сегмент", ("сегмент", "segment", "отрасль"), 100),
    ImportField("source", "Источник", ("источник", "source"), 100),
    ImportField("website", "Сайт", ("сайт", "website", "www"), 300),
    ImportField("phone", "Телефон", ("телефон", "телефоны", "phone", "тел", "тел."), None),
    ImportField("email", "E-mail", ("e-mail", "email", "эл. почта", "почта",
                                    "электронная почта"), None),
    ImportField("address", "Адрес", ("адрес", "юридический адрес", "address"), 500),
    ImportField("notes", "Примечание", ("примечание", "комментарий", "notes"), None),
    ImportField("contact_name", "Контактное лицо (ФИО)",
                ("контактное лицо", "фио", "кл", "контакт", "contact"), 302),
    ImportField("contact_position", "Должность КЛ", ("должность", "position"), 200),
    ImportField("contact_phone", "Телефон КЛ", ("телефон кл", "телефон контактного лица"), None),
    ImportField("contact_email", "E-mail КЛ", ("e-mail кл", "email кл", "почта кл"), None),
)
FIELDS_BY_KEY = {f.key: f for f in IMPORT_FIELDS}
CLIENT_KEYS = ("short_name", "full_name", "inn", "kpp", "ogrn", "status", "region", "segment",
               "source", "website", "notes")

Mapping = dict[str, int]  # field key -> column index


# -- reading -----------------------------------------------------------------------------------
@dataclass
class SourceTable:
    name: str
    headers: list[str]
    rows: list[list[Any]]
    first_line: int = 2  # the file's line (row) number of rows[0]
    # Each row's line in the file when blank lines were skipped (else first_line + index).
    lines: list[int] | None = None

    def line(self, index: int) -> int:
        if self.lines is not None and 0 <= index < len(self.lines):
            return self.lines[index]
        return self.first_line + index


def _finish(name: str, raw_rows: list[list[Any]]) -> SourceTable:
    header_line = 1
    while raw_rows and all(v in (None, "") for v in raw_rows[0]):
        raw_rows.pop(0)
        header_line += 1
    if not raw_rows:
        raise ImportFileError(f"В файле «{name}» нет ни одной строки")
    headers = ["" if v is None else str(v).strip() for v in raw_rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(f"В файле «{name}» нет строки заголовков")
    # Blank lines are skipped, but every row keeps its own line number for messages.
    numbered = [(header_line + 1 + i, r) for i, r in enumerate(raw_rows[1:])
                if any(v not in (None, "") for v in r)]
    rows = [r for _line, r in numbered]
    if not rows:
        raise ImportFileError(f"В файле «{name}» только заголовок, строк с данными нет")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"В файле «{name}» больше {MAX_ROWS:,} строк: разделите его"
                              .replace(",", " "))
    return SourceTable(name, headers, rows, first_line=header_line + 1,
                       lines=[line for line, _r in numbered])


def read_source(path: Path, encoding: str = "auto") -> SourceTable:
    """The header and rows of an .xlsx or .csv file."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"Файл «{name}» не открывается: {exc.strerror or exc}") from None
    if size == 0:
        raise ImportFileError(f"Файл «{name}» пуст (0 байт)")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv_bytes(path.read_bytes(), name, encoding)
    if suffix == ".xls":
        raise ImportFileError(f"Файл «{name}» в старом формате Excel 97–2003 (.xls): "
                              "сохраните его как .xlsx")
    raise ImportFileError(f"Файл «{name}»: поддерживаются только .xlsx и .csv")


def read_xlsx(path: Path) -> SourceTable:
    """The first sheet of a workbook. python-calamine (Rust) reads 100,000 rows in ~2 s,
    openpyxl's read-only mode in ~25 s; openpyxl is the fallback where calamine is absent."""
    name = path.name
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise ImportFileError(f"Файл «{name}» — не книга Excel (.xlsx)")
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - a dependency; kept for odd installs
        return _read_xlsx_openpyxl(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            raise ImportFileError(f"В книге «{name}» нет листов")
        raw = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ImportFileError:
        raise
    except python_calamine.ZipError:
        raise ImportFileError(f"Файл «{name}» повреждён или обрезан: книга Excel "
                              "не читается") from None
    except Exception as exc:  # noqa: BLE001 - calamine's XmlError, a truncated sheet…
        raise ImportFileError(f"Файл «{name}» повреждён или обрезан: {exc}") from None
    return _finish(name, [list(r) for r in raw])


def _read_xlsx_openpyxl(path: Path) -> SourceTable:
    from openpyxl import load_workbook

    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError):
        raise ImportFileError(f"Файл «{name}» повреждён или обрезан: книга Excel "
                              "не читается") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises KeyError, InvalidFileException…
        raise ImportFileError(f"Файл «{name}» не читается как книга Excel: {exc}") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportFileError(f"В книге «{name}» нет листов")
        raw = [list(r) for r in sheet.iter_rows(values_only=True)]
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a truncated sheet fails while reading
        raise ImportFileError(f"Файл «{name}» повреждён или обрезан: {exc}") from None
    finally:
        book.close()
    return _finish(name, raw)


ENCODINGS = {"auto": "Определить", "utf-8": "UTF-8", "cp1251": "Windows-1251",
             "utf-16": "UTF-16"}


def _decode(data: bytes, name: str, encoding: str) -> str:
    if encoding == "auto":
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                encoding = "cp1251"
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"Файл «{name}» не в кодировке {ENCODINGS.get(encoding, encoding)}: "
            f"недопустимый байт 0x{data[exc.start]:02x} в строке {line}. "
            "Выберите другую кодировку") from None
    if "\x00" in text:
        raise ImportFileError(f"Файл «{name}» похож на двоичный, а не на текст CSV")
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    # cp1251 decodes any bytes; UTF-8 read as cp1251 gives «Рџ…»-style pairs.
    if encoding == "cp1251" and letters:
        odd = sum(1 for ch in letters if ch in "ЃЌЋЏђѓќћџЎўЈҐЁЄЇІіґёєїјЅѕ")
        pairs = text.count("Р") + text.count("С")
        if odd / len(letters) > 0.02 or (pairs / len(letters) > 0.3):
            raise ImportFileError(f"Файл «{name}» не в кодировке Windows-1251: текст "
                                  "читается как набор случайных знаков. Выберите UTF-8")
    return text


def read_csv_bytes(data: bytes, name: str, encoding: str = "auto") -> SourceTable:
    if not data.strip():
        raise ImportFileError(f"Файл «{name}» пуст")
    text = _decode(data, name, encoding)
    sample = text[:10000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        raw = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ImportFileError(f"Файл «{name}» — неправильный CSV: {exc}") from None
    return _finish(name, raw)


# -- mapping -----------------------------------------------------------------------------------
def _norm_header(text: str) -> str:
    return " ".join(str(text).lower().replace("ё", "е").replace("*", "").split())


def guess_mapping(headers: Sequence[str]) -> Mapping:
    """Columns whose header is a known alias of a field (the first such column wins)."""
    mapping: Mapping = {}
    normalized = [_norm_header(h) for h in headers]
    for f in IMPORT_FIELDS:
        names = {_norm_header(f.title), *(_norm_header(a) for a in f.aliases)}
        for index, header in enumerate(normalized):
            if header in names and index not in mapping.values():
                mapping[f.key] = index
                break
    return mapping


def source_signature(table: SourceTable) -> str:
    """A key that stays the same for every file of one source (same header row)."""
    joined = "\x1f".join(_norm_header(h) for h in table.headers)
    return hashlib.sha1(joined.encode()).hexdigest()[:16]


