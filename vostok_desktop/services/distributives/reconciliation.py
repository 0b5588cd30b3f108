"""Reconciliation with the registration centre («сверка с регистрационным центром»).
No Qt.

The registration file is a CSV (any of ; , TAB |, UTF-8 / Windows-1251 / UTF-16) or an
XLSX workbook (the first sheet) with a header row and these columns, in any order (case
and «ё» do not matter; other columns are ignored):

=====================  ===================================================================
column                 values
=====================  ===================================================================
Номер дистрибутива     the number as the base keeps it (spaces are dropped); also «Номер»,
                       «Дистрибутив», «№ дистрибутива»
ИНН клиента            10 or 12 digits with a valid checksum; also «ИНН»
Статус                 «на обслуживании» (also «обслуживается», «подключён», «активен»)
                       or «отключён» (also «отключен», «не обслуживается»)
Дата                   the date of the registration: ДД.ММ.ГГГГ, ГГГГ-ММ-ДД or a date
                       cell; also «Дата регистрации», «Дата изменения»
=====================  ===================================================================

A row that cannot be read is reported with its line number and what is wrong with it
(:class:`BrokenRow`) and takes no part in the comparison, except that its number, when
readable, still counts as «present in the file».

Differences against the base (what the caller sees of it):

* ``missing_here`` — in the file, not in the base: shown; it is received on the
  warehouse by hand (the file does not say which system it is);
* ``missing_there`` — on service in the base, not in the file: applying disconnects it
  on the reconciliation date;
* ``status_differs`` — same client, another status: applying connects or disconnects it
  on the file's date (a distributive on the warehouse is connected to the file's client);
* ``client_differs`` — the file names another client (by INN): applying transfers the
  rights (or returns a disconnected / demo copy to the warehouse and connects it there).

A difference that cannot be applied says why (no client with that INN, a date before
the last movement…). The chosen differences are applied by
:func:`~vostok_desktop.services.distributives.movements.apply_movements` in one
transaction: all of them or none, a refusal naming the distributive (also when one was
changed by someone else after the comparison).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.domain.distributives import MovementKind as K
from vostok_desktop.domain.validators import ValidationError, validate_inn
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.distributives.common import MovementRefused, label, status_title
from vostok_desktop.services.distributives.movements import AppliedMovement, MovementRequest
from vostok_desktop.services.importing.sources import (
    ImportFileError,
    SourceTable,
    read_source,
)

S = DistributiveStatus
MAX_NUMBER = 30
CHUNK = 1000

# column key -> (title, accepted headers)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("Номер дистрибутива", ("номер дистрибутива", "номер", "дистрибутив",
                                      "№ дистрибутива", "№", "number")),
    "inn": ("ИНН клиента", ("инн клиента", "инн", "inn")),
    "status": ("Статус", ("статус", "состояние", "status")),
    "date": ("Дата", ("дата", "дата регистрации", "дата изменения", "date")),
}
STATUS_WORDS: dict[str, DistributiveStatus] = {
    **dict.fromkeys(("на обслуживании", "обслуживается", "подключен", "подключён",
                     "активен", "served"), S.SERVED),
    **dict.fromkeys(("отключен", "отключён", "не обслуживается", "disconnected"),
                    S.DISCONNECTED),
}


class DifferenceKind(enum.StrEnum):
    MISSING_HERE = "missing_here"
    MISSING_THERE = "missing_there"
    STATUS_DIFFERS = "status_differs"
    CLIENT_DIFFERS = "client_differs"


DIFFERENCE_TITLES: dict[DifferenceKind, str] = {
    DifferenceKind.MISSING_HERE: "Нет в базе",  # in the file, not here
    DifferenceKind.MISSING_THERE: "Нет в РЦ",  # served here, not in the file
    DifferenceKind.STATUS_DIFFERS: "Статус отличается",
    DifferenceKind.CLIENT_DIFFERS: "Клиент отличается",
}


@dataclass(frozen=True)
class RegistrationRow:
    line: int  # the file's line number
    number: str
    inn: str
    status: DistributiveStatus
    registered_on: date


@dataclass(frozen=True)
class BrokenRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Строка {self.line}: {self.message}"


@dataclass(frozen=True)
class Difference:
    kind: DifferenceKind
    number: str
    line: int | None  # the file's line (None: not in the file)
    distributive_id: int | None
    file_inn: str | None
    file_status: DistributiveStatus | None
    file_date: date | None
    base_client: str | None  # «name (ИНН …)» where it is in the base
    base_status: DistributiveStatus | None
    action: str  # what applying does (Russian), or why it cannot be applied
    requests: tuple[MovementRequest, ...] = ()

    @property
    def applicable(self) -> bool:
        return bool(self.requests)

    @property
    def title(self) -> str:
        return DIFFERENCE_TITLES[self.kind]

    @property
    def base_text(self) -> str:
        if self.base_status is None:
            return "—"
        where = f", {self.base_client}" if self.base_client else ""
        return f"{status_title(self.base_status)}{where}"

    @property
    def file_text(self) -> str:
        if self.file_status is None:
            return "—"
        return (f"{status_title(self.file_status)}, ИНН {self.file_inn}, "
                f"{self.file_date:%d.%m.%Y}")


@dataclass
class Reconciliation:
    file_name: str
    rows: int  # data rows read
    broken: list[BrokenRow] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    matched: int = 0

    def count(self, kind: DifferenceKind) -> int:
        return sum(1 for d in self.differences if d.kind is kind)


# --------------------------------------------------------------------------- reading


def _norm(text: object) -> str:
    return " ".join(str(text).lower().replace("ё", "е").replace("*", "").split())


def _columns(table: SourceTable) -> dict[str, int]:
    headers = [_norm(h) for h in table.headers]
    found: dict[str, int] = {}
    for key, (title, aliases) in COLUMNS.items():
        names = {_norm(title), *(_norm(a) for a in aliases)}
        for index, header in enumerate(headers):
            if header in names and index not in found.values():
                found[key] = index
                break
    missing = [COLUMNS[k][0] for k in COLUMNS if k not in found]
    if missing:
        raise ImportFileError(
            f"В файле «{table.name}» нет столбц{'а' if len(missing) == 1 else 'ов'} "
            f"{', '.join('«' + m + '»' for m in missing)}. Нужны столбцы: "
            f"{', '.join('«' + t + '»' for t, _ in COLUMNS.values())}")
    return found


def _cell(row: Sequence[Any], index: int) -> Any:
    value = row[index] if index < len(row) else None
    return None if value == "" else value


def _text(value: Any, *, pad_to: tuple[int, ...] = ()) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split()) if value is not None else ""
    # A number cell loses an INN's leading zero (02…, Башкортостан).
    if isinstance(value, int) and len(text) + 1 in pad_to:
        text = "0" + text
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_rows(table: SourceTable, *, today: date | None = None
               ) -> tuple[list[RegistrationRow], list[BrokenRow], set[str]]:
    """The good rows, the broken ones (line + what is wrong) and every readable number."""
    today = today or date.today()
    columns = _columns(table)
    good: list[RegistrationRow] = []
    broken: list[BrokenRow] = []
    numbers: set[str] = set()
    first_line: dict[str, int] = {}
    for index, raw in enumerate(table.rows):
        line = table.line(index)
        problems: list[str] = []
        number = _text(_cell(raw, columns["number"]))
        if not number:
            problems.append("не указан номер дистрибутива")
        elif len(number) > MAX_NUMBER:
            problems.append(f"номер «{number[:40]}» длиннее {MAX_NUMBER} знаков")
        elif number in first_line:
            problems.append(f"{label(number)} уже был в строке {first_line[number]}")
        else:
            first_line[number] = line
        if number and len(number) <= MAX_NUMBER:
            numbers.add(number)
        inn = _text(_cell(raw, columns["inn"]), pad_to=(10, 12))
        try:
            inn = validate_inn(inn)
        except ValidationError as exc:
            problems.append(f"{exc.message} («{inn}»)" if inn else "не указан ИНН клиента")
        status_raw = _cell(raw, columns["status"])
        status = STATUS_WORDS.get(_norm(status_raw)) if status_raw is not None else None
        if status is None:
            problems.append(f"статус «{'' if status_raw is None else status_raw}» не "
                            "распознан: ожидается «на обслуживании» или «отключён»")
        date_raw = _cell(raw, columns["date"])
        registered_on = None
        if date_raw is None:
            problems.append("не указана дата")
        else:
            try:
                registered_on = _date(date_raw)
            except ValueError:
                problems.append(f"дата «{date_raw}» не распознана: ожидается ДД.ММ.ГГГГ")
            else:
                if registered_on > today:
                    problems.append(f"дата {registered_on:%d.%m.%Y} позже сегодняшней")
        if problems:
            broken.append(BrokenRow(line, "; ".join(problems)))
            continue
        assert status is not None and registered_on is not None
        good.append(RegistrationRow(line, number, inn, status, registered_on))
    return good, broken, numbers


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class _Here:
    id: int
    number: str
    status: DistributiveStatus
    client_id: int | None
    client_name: str | None
    client_inn: str | None
    reserved_for_client_id: int | None
    last_moved_on: date
    version: int

    @property
    def where(self) -> str | None:
        if self.client_id is None:
            return None
        return f"«{self.client_name or '—'}» (ИНН {self.client_inn or '—'})"


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _here_select() -> Any:
    d = Distributive
    return (select(d.id, d.number, d.status, d.client_id, Client.short_name, Client.inn,
                   d.reserved_for_client_id, d.last_moved_on, d.version)
            .outerjoin(Client, Client.id == d.client_id))


def _here(row: Any) -> _Here:
    return _Here(row.id, row.number, S(row.status), row.client_id, row.short_name, row.inn,
                 row.reserved_for_client_id, row.last_moved_on, row.version)


def _by_numbers(s: Session, numbers: Sequence[str]) -> dict[str, _Here]:
    found: dict[str, _Here] = {}
    for chunk in _chunks(numbers):
        for row in s.execute(_here_select().where(Distributive.number.in_(list(chunk)))):
            found[row.number] = _here(row)
    return found


def _clients_by_inn(s: Session, inns: Sequence[str]) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for chunk in _chunks(inns):
        for cid, inn, name in s.execute(
                select(Client.id, Client.inn, Client.short_name)
                .where(Client.inn.in_(list(chunk)), Client.marked_for_deletion.is_(False))
                .order_by(Client.id)):
            found.setdefault(inn, []).append((cid, name))
    return found


def _note(file_name: str, line: int | None) -> str:
    where = f", строка {line}" if line is not None else ""
    return f"Сверка с регистрационным центром: файл «{file_name}»{where}"


class _Comparer:
    def __init__(self, file_name: str, clients: dict[str, list[tuple[int, str]]]) -> None:
        self.file_name = file_name
        self.clients = clients

    def target(self, inn: str) -> tuple[int | None, str]:
        """The one client with this INN, or None and why not."""
        matches = self.clients.get(inn, [])
        if not matches:
            return None, (f"клиента с ИНН {inn} нет в базе (или он вне видимой вам части): "
                          "заведите его и повторите сверку")
        if len(matches) > 1:
            names = ", ".join(f"«{n}»" for _, n in matches[:3])
            return None, f"ИНН {inn} у нескольких клиентов ({names}): выберите одного вручную"
        return matches[0][0], f"«{matches[0][1]}»"

    def diff(self, kind: DifferenceKind, r: RegistrationRow, d: _Here, action: str,
             requests: Sequence[MovementRequest] = ()) -> Difference:
        if requests and r.registered_on < d.last_moved_on:
            action = (f"не применить: дата в файле {r.registered_on:%d.%m.%Y} раньше "
                      f"последнего движения в базе ({d.last_moved_on:%d.%m.%Y})")
            requests = ()
        if requests:
            requests[0].expected_version = d.version
        return Difference(kind, r.number, r.line, d.id, r.inn, r.status, r.registered_on,
                          d.where, d.status, action, tuple(requests))

    def request(self, kind: K, r: RegistrationRow, d: _Here, **extra: Any
                ) -> MovementRequest:
        return MovementRequest(kind, d.id, r.registered_on,
                               note=_note(self.file_name, r.line), **extra)

    def compare(self, r: RegistrationRow, d: _Here) -> Difference | None:
        same = d.client_id is not None and (d.client_inn or "") == r.inn
        kind = DifferenceKind.STATUS_DIFFERS if same or d.client_id is None \
            else DifferenceKind.CLIENT_DIFFERS
        if r.status is S.SERVED:
            if d.status is S.SERVED and same:
                return None
            if same:  # disconnected or demo at the same client
                return self.diff(kind, r, d, "подключить у того же клиента", [
                    self.request(K.CONNECT, r, d, to_client_id=d.client_id)])
            target, name = self.target(r.inn)
            if target is None:
                return self.diff(kind, r, d, f"не применить: {name}")
            if d.status is S.SERVED:
                return self.diff(kind, r, d, f"передать права клиенту {name}", [
                    self.request(K.TRANSFER, r, d, to_client_id=target)])
            if d.status in (S.DISCONNECTED, S.DEMO):
                return self.diff(kind, r, d, f"вернуть на склад и подключить клиенту {name}", [
                    self.request(K.STOCK_RETURN, r, d),
                    self.request(K.CONNECT, r, d, to_client_id=target)])
            if d.status is S.RESERVED and d.reserved_for_client_id not in (None, target):
                return self.diff(kind, r, d, "не применить: дистрибутив зарезервирован за "
                                             "другим клиентом — снимите резерв")
            return self.diff(kind, r, d, f"подключить клиенту {name}", [
                self.request(K.CONNECT, r, d, to_client_id=target)])
        # the file says «отключён»
        if d.status is S.DISCONNECTED and same:
            return None
        if d.status is S.SERVED and same:
            return self.diff(kind, r, d, "отключить", [self.request(K.DISCONNECT, r, d)])
        if d.client_id is not None and not same:
            return self.diff(kind, r, d, "не применить: в файле он отключён у другого "
                                         "клиента — проверьте вручную")
        return self.diff(kind, r, d, "не применить: в базе он "
                                     f"{status_title(d.status).lower()} — проверьте вручную")


def compare(base: OpenedBase, file_name: str, rows: Sequence[RegistrationRow],
            broken: Sequence[BrokenRow], numbers_in_file: set[str], *,
            on: date | None = None,
            progress: Callable[[str, int, int], None] | None = None) -> Reconciliation:
    """The differences between the file's rows and the base (as the caller sees it)."""
    on = on or date.today()
    result = Reconciliation(file_name, len(rows) + len(broken), list(broken))
    with base.sessions() as s:
        if progress:
            progress("Поиск дистрибутивов в базе…", 0, 3)
        here = _by_numbers(s, [r.number for r in rows])
        clients = _clients_by_inn(s, sorted({r.inn for r in rows}))
        comparer = _Comparer(file_name, clients)
        if progress:
            progress("Сравнение…", 1, 3)
        for r in rows:
            d = here.get(r.number)
            if d is None:
                result.differences.append(Difference(
                    DifferenceKind.MISSING_HERE, r.number, r.line, None, r.inn, r.status,
                    r.registered_on, None, None,
                    "не применить: дистрибутива нет в базе (или он вне видимой вам части) — "
                    "оприходуйте его на складе"))
                continue
            difference = comparer.compare(r, d)
            if difference is None:
                result.matched += 1
            else:
                result.differences.append(difference)
        if progress:
            progress("Дистрибутивы базы, которых нет в файле…", 2, 3)
        served = s.execute(_here_select().where(Distributive.status == S.SERVED)
                           .order_by(Distributive.number))
        for row in served:
            if row.number in numbers_in_file:
                continue
            d = _here(row)
            requests: tuple[MovementRequest, ...] = ()
            if on < d.last_moved_on:
                action = (f"не применить: дата сверки {on:%d.%m.%Y} раньше последнего "
                          f"движения ({d.last_moved_on:%d.%m.%Y})")
            else:
                action = f"отключить с {on:%d.%m.%Y}"
                requests = (MovementRequest(K.DISCONNECT, d.id, on,
                                            note=_note(file_name, None),
                                            expected_version=d.version),)
            result.differences.append(Difference(
                DifferenceKind.MISSING_THERE, d.number, None, d.id, None, None, None,
                d.where, d.status, action, requests))
    return result


def reconcile(base: OpenedBase, path: Path, *, encoding: str = "auto",
              on: date | None = None, today: date | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> Reconciliation:
    """Read the registration file and compare it with the base. A file that cannot be
    read at all raises ImportFileError; broken rows are in ``broken``. ``on``: the
    reconciliation date (what is missing from the file is disconnected on it)."""
    today = today or date.today()
    on = on or today
    if progress:
        progress(f"Чтение «{path.name}»…", 0, 3)
    table = read_source(path, encoding)
    rows, broken, numbers = parse_rows(table, today=today)
    return compare(base, path.name, rows, broken, numbers, on=on, progress=progress)


def apply_differences(base: OpenedBase, differences: Sequence[Difference],
                      employee_id: int | None, *, profile: AccessProfile | None = None,
                      today: date | None = None) -> list[AppliedMovement]:
    """Apply the chosen differences as movements, in one transaction (all or none)."""
    chosen = [d for d in differences if d.applicable]
    if not chosen:
        raise ValidationError("differences", "Не выбрано ни одного расхождения, которое "
                                             "можно применить")
    requests = [request for d in chosen for request in d.requests]
    try:
        return movements.apply_movements(base, requests, employee_id, profile=profile,
                                         today=today)
    except CardConflict as exc:  # changed since the comparison: name the distributive
        number = next((d.number for d in chosen if d.distributive_id == exc.entity_id), "")
        who = f" ({exc.changed_by})" if exc.changed_by else ""
        raise MovementRefused("version", f"{label(number)} изменён после сверки{who}: "
                                         "ничего не применено, повторите сверку") from None


__all__ = ["COLUMNS", "DIFFERENCE_TITLES", "BrokenRow", "Difference", "DifferenceKind",
           "Reconciliation", "RegistrationRow", "apply_differences", "compare",
           "parse_rows", "reconcile"]
