"""Analysis of an import of clients (and a contact each) from .xlsx and .csv: row
validation, duplicate groups and the merge preview. Nothing here writes clients.

No Qt. The steps, each a plain function the wizard calls in turn:

1. :func:`~vostok_desktop.services.importing.sources.read_source` — the file's header
   and rows; a broken file (empty, truncated, not a workbook, wrong encoding) raises
   :class:`~vostok_desktop.services.importing.sources.ImportFileError` saying so.
2. :func:`~vostok_desktop.services.importing.sources.guess_mapping` — which column feeds
   which field (the wizard remembers the user's choice per source by
   :func:`~vostok_desktop.services.importing.sources.source_signature`).
3. :func:`analyse` (this module) — per-row validation (INN checksum, phone, required
   fields) and duplicate groups: rows that share an INN, a normalized name or a phone
   with each other or with clients in the base, each with a proposed action (create /
   merge / skip) and, for a merge, a field-by-field diff (:func:`merge_diff`). The result
   is an :class:`~vostok_desktop.services.importing.plan.ImportPlan`.
4. :func:`~vostok_desktop.services.importing.write.apply_import` — writes in batches,
   one transaction each; a cancel or an error rolls back the batch in progress, so no
   batch is ever half written. Returns an
   :class:`~vostok_desktop.services.importing.write.ImportSummary` (exportable with
   :func:`~vostok_desktop.services.importing.write.export_summary`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, delete, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Phone,
)
from vostok_desktop.domain.clients import (
    CLIENT_STATUS_TITLES,
    contact_search_name,
)
from vostok_desktop.domain.documents import ClientNameKey
from vostok_desktop.domain.validators import (
    ValidationError,
    normalize_phone,
    validate_email,
    validate_inn,
    validate_kpp,
    validate_ogrn_any,
)
from vostok_desktop.services.clients.duplicates import (
    ClientBrief,
    _UnionFind,
    lift_statement_timeout,
    normalize_name,
)
from vostok_desktop.services.common.change_log import display_value
from vostok_desktop.services.importing.plan import (
    GroupAction,
    ImportGroup,
    ImportPlan,
    ImportRow,
    Progress,
    combined,
)
from vostok_desktop.services.importing.sources import (
    CLIENT_KEYS,
    FIELDS_BY_KEY,
    ImportFileError,
    Mapping,
    SourceTable,
)
from vostok_desktop.services.importing.write import insert_rows

# -- parsing rows -----------------------------------------------------------------------------
_STATUS_BY_TEXT = {**{t.lower(): s for s, t in CLIENT_STATUS_TITLES.items()},
                   **{s.value: s for s in ClientStatus}, "обслуживается": ClientStatus.SERVED,
                   "потенциальный клиент": ClientStatus.PROSPECT}


def _text(value: Any, label: str, *, digits: bool = False) -> str:
    """A cell as text; numbers typed into «digit» fields (INN, phone) lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValidationError("type", f"{label}: в ячейке логическое значение, ожидается текст")
    if isinstance(value, (datetime, date, time)):
        if digits:
            raise ValidationError("type", f"{label}: в ячейке дата, ожидается число")
        return value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        if digits:
            raise ValidationError("type", f"{label}: дробное число «{value}», ожидаются цифры")
        return str(value)
    return str(value).strip()


def _split_many(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", ";").split(";")]
    if len(parts) == 1 and text.count(",") and "@" in text:
        parts = [p.strip() for p in text.split(",")]
    return [p for p in parts if p]


def parse_row(index: int, line: int, values: Sequence[Any], mapping: Mapping) -> ImportRow:
    row = ImportRow(index, line)

    def cell(key: str, digits: bool = False) -> str:
        col = mapping.get(key)
        if col is None or col >= len(values):
            return ""
        try:
            text = _text(values[col], FIELDS_BY_KEY[key].title, digits=digits)
        except ValidationError as exc:
            row.errors.append(exc.message)
            return ""
        limit = FIELDS_BY_KEY[key].max_length
        if limit and len(text) > limit:
            row.errors.append(f"{FIELDS_BY_KEY[key].title}: длиннее {limit} знаков")
            return text[:limit]
        return text

    def check(fn: Callable[[str], Any], text: str) -> Any:
        try:
            return fn(text)
        except ValidationError as exc:
            row.errors.append(exc.message)
            return None

    short = cell("short_name") or cell("full_name")
    if not short:
        row.errors.append("Краткое наименование: обязательное поле")
    data: dict[str, Any] = {"short_name": short, "full_name": cell("full_name")}
    inn, kpp, ogrn = cell("inn", True), cell("kpp", True), cell("ogrn", True)
    data["inn"] = check(validate_inn, inn) if inn else None
    data["kpp"] = check(validate_kpp, kpp) if kpp else None
    data["ogrn"] = check(validate_ogrn_any, ogrn) if ogrn else None
    status = cell("status")
    if status:
        data["status"] = _STATUS_BY_TEXT.get(status.lower())
        if data["status"] is None:
            row.errors.append(f"Статус: неизвестное значение «{status}» (допустимы: "
                              f"{', '.join(CLIENT_STATUS_TITLES.values())})")
    for key in ("region", "segment", "source", "website", "notes"):
        data[key] = cell(key) or None
    row.data = data
    for raw in _split_many(cell("phone", True)):
        phone = check(normalize_phone, raw)
        if phone is not None:
            row.phones.append((phone.raw, phone.digits, phone.extension))
    for raw in _split_many(cell("email")):
        email = check(validate_email, raw)
        if email is not None:
            row.emails.append(email)
    row.address = cell("address") or None
    person = cell("contact_name")
    if person:
        parts = person.split()
        contact: dict[str, Any] = {
            "last_name": parts[0], "first_name": parts[1] if len(parts) > 1 else "",
            "middle_name": " ".join(parts[2:]), "position": cell("contact_position") or None,
            "phones": [], "emails": []}
        for raw in _split_many(cell("contact_phone", True)):
            phone = check(normalize_phone, raw)
            if phone is not None:
                contact["phones"].append((phone.raw, phone.digits, phone.extension))
        for raw in _split_many(cell("contact_email")):
            email = check(validate_email, raw)
            if email is not None:
                contact["emails"].append(email)
        row.contact = contact
    # Prefix each message with nothing more: the wizard shows «строка N: …».
    return row


# -- analysis --------------------------------------------------------------------------------
def _link_all(uf: _UnionFind, reasons: dict[int, set[str]], nodes: list[int],
              reason: str) -> None:
    for other in nodes[1:]:
        uf.union(nodes[0], other)
    for node in nodes:
        reasons[node].add(reason)


def _chunks(s: Any, values: list[Any]) -> list[list[Any]]:
    """Lookup values in parts: one array per 20,000 on PostgreSQL, SQLite's IN per 900."""
    size = 20_000 if s.get_bind().dialect.name == "postgresql" else 900
    return [values[i:i + size] for i in range(0, len(values), size)]


def _among(s: Any, column: Any, values: list[Any]) -> Any:
    """``column = ANY(:array)`` on PostgreSQL (one parameter, one plan), ``IN`` on SQLite."""
    if s.get_bind().dialect.name == "postgresql":
        item = column.type if not isinstance(column.type, String) else String()
        return column == any_(bindparam(None, values, type_=ARRAY(item)))
    return column.in_(values)


def refresh_name_keys(base: OpenedBase, progress: Progress | None = None,
                      step: int = 50_000) -> bool:
    """Make the normalized-name key of every client that has none or was renamed since
    (:class:`ClientNameKey`), one transaction per ``step`` clients. The first run over a
    big base normalizes every name once; later runs touch only new and renamed clients.
    False where the base cannot be written (then the caller reads the names itself)."""
    keys = ClientNameKey.__table__
    last = 0
    try:
        with base.sessions() as s:
            top = s.scalar(select(func.max(Client.id))) or 0
        while last < top:
            with base.sessions() as s, s.begin():
                lift_statement_timeout(s)
                upper = last + step
                stale = s.execute(select(Client.id, Client.short_name, keys.c.client_id)
                                  .outerjoin(keys, keys.c.client_id == Client.id)
                                  .where(Client.id > last, Client.id <= upper,
                                         or_(keys.c.client_id.is_(None),
                                             keys.c.short_name != Client.short_name))).all()
                old = [cid for cid, _name, had in stale if had is not None]
                for part in _chunks(s, old):
                    s.execute(delete(keys).where(_among(s, keys.c.client_id, part)))
                insert_rows(s, keys, [{"client_id": cid, "short_name": name,
                                       "name_key": normalize_name(name)}
                                      for cid, name, _had in stale])
            last = upper
            if progress is not None:
                progress("Подготовка наименований клиентов базы", min(last, top), top)
    except DBAPIError:
        return False
    return True


def analyse(base: OpenedBase, table: SourceTable, mapping: Mapping,
            progress: Progress | None = None) -> ImportPlan:
    """Validate every row and find duplicate groups, within the file and against the base.
    Nothing is written."""
    if "short_name" not in mapping and "full_name" not in mapping:
        raise ImportFileError("Не выбран столбец с наименованием клиента")
    rows: list[ImportRow] = []
    total = len(table.rows)
    for i, values in enumerate(table.rows):
        if progress is not None and i % 5000 == 0:
            progress("Проверка строк", i, total)
        rows.append(parse_row(i, table.line(i), values, mapping))
    valid = [r for r in rows if r.valid]
    uf = _UnionFind()
    reasons: dict[int, set[str]] = defaultdict(set)
    # Row nodes are 1..n (row index + 1); existing clients are negative ids.
    by_inn: dict[str, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    by_phone: dict[str, list[int]] = defaultdict(list)
    for r in valid:
        node = r.index + 1
        uf.find(node)
        if r.data.get("inn"):
            by_inn[r.data["inn"]].append(node)
        key = r.name_key
        if key:
            by_name[key].append(node)
        for digits in {p[1] for p in r.phones}:
            by_phone[digits].append(node)
    existing: dict[int, ClientBrief] = {}
    alive = Client.marked_for_deletion.is_(False)
    if by_name:
        if progress is not None:
            progress("Подготовка наименований клиентов базы", 0, 4)
        keys_ready = refresh_name_keys(base, progress)
    with base.sessions() as s:
        lift_statement_timeout(s)
        if progress is not None:
            progress("Поиск в базе по ИНН", 1, 4)
        for part in _chunks(s, list(by_inn)):
            for cid, name, inn, region in s.execute(select(
                    Client.id, Client.short_name, Client.inn, Client.region).where(
                    alive, _among(s, Client.inn, part))):
                existing[cid] = ClientBrief(cid, name, inn, region)
                by_inn[inn].append(-cid)
        if progress is not None:
            progress("Поиск в базе по телефону", 2, 4)
        owner = func.coalesce(Phone.client_id, Contact.client_id)
        for part in _chunks(s, list(by_phone)):
            for digits, cid in s.execute(select(Phone.digits, owner).outerjoin(
                    Contact, Contact.id == Phone.contact_id).where(
                    _among(s, Phone.digits, part)).distinct()):
                if cid is not None:
                    by_phone[digits].append(-cid)
        if progress is not None:
            progress("Поиск в базе по наименованию", 3, 4)
        if by_name and keys_ready:
            for part in _chunks(s, list(by_name)):
                for cid, key in s.execute(select(ClientNameKey.client_id, ClientNameKey.name_key)
                                          .join(Client, Client.id == ClientNameKey.client_id)
                                          .where(alive, _among(s, ClientNameKey.name_key, part))):
                    by_name[key].append(-cid)
        elif by_name:  # keys could not be written (a read-only base): read every name
            for cid, name in s.execute(select(Client.id, Client.short_name).where(alive)
                                       .execution_options(yield_per=20000)):
                key = normalize_name(name)
                if key in by_name:
                    by_name[key].append(-cid)
        for index, (label, groups) in enumerate((("ИНН", by_inn), ("наименование", by_name),
                                                 ("телефон", by_phone))):
            del index
            for nodes in groups.values():
                unique = list(dict.fromkeys(nodes))
                if len(unique) > 1:
                    _link_all(uf, reasons, unique, label)
        members: dict[int, list[int]] = defaultdict(list)
        for node in list(uf.parent):
            members[uf.find(node)].append(node)
        need = [-n for nodes in members.values() if len(nodes) > 1 for n in nodes
                if n < 0 and -n not in existing]
        for part in _chunks(s, need):
            for cid, name, inn, region in s.execute(select(
                    Client.id, Client.short_name, Client.inn, Client.region).where(
                    _among(s, Client.id, part))):
                existing[cid] = ClientBrief(cid, name, inn, region)
    groups: list[ImportGroup] = []
    grouped: set[int] = set()
    for nodes in members.values():
        if len(nodes) < 2:
            continue
        row_idx = sorted(n - 1 for n in nodes if n > 0)
        clients = sorted((existing[-n] for n in nodes if n < 0 and -n in existing),
                         key=lambda b: b.id)
        why = set().union(*(reasons[n] for n in nodes))
        groups.append(_proposal(len(groups) + 1, row_idx, clients, why, rows))
        grouped.update(row_idx)
    groups.sort(key=lambda g: g.rows[0])
    for number, group in enumerate(groups, start=1):
        group.id = number
    singles = [r.index for r in valid if r.index not in grouped]
    if progress is not None:
        progress("Анализ завершён", total, total)
    return ImportPlan(table.name, rows, groups, singles)


def _proposal(gid: int, row_idx: list[int], clients: list[ClientBrief], why: set[str],
              rows: list[ImportRow]) -> ImportGroup:
    inns = {rows[i].data.get("inn") for i in row_idx} - {None}
    if clients:
        same_inn = [c for c in clients if c.inn and c.inn in inns]
        if same_inn:
            return ImportGroup(gid, row_idx, clients, why, GroupAction.MERGE, same_inn[0].id)
        conflicting = inns and all(c.inn and c.inn not in inns for c in clients)
        return ImportGroup(gid, row_idx, clients, why,
                           GroupAction.CREATE if conflicting else GroupAction.SKIP,
                           clients[0].id)
    action = GroupAction.CREATE if len(inns) > 1 else GroupAction.MERGE
    return ImportGroup(gid, row_idx, clients, why, action)


# -- merge preview -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    field: str
    title: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        return "заполнить" if not self.old else "изменить"


def merge_diff(base: OpenedBase, plan: ImportPlan, group: ImportGroup) -> list[FieldChange]:
    """What a merge into ``group.target_id`` would change, field by field."""
    incoming = combined(plan, group.rows)
    if group.target_id is None:
        return [FieldChange(k, FIELDS_BY_KEY[k].title, "", display_value(v) or "")
                for k, v in incoming.data.items() if k in CLIENT_KEYS and v not in (None, "")]
    with base.sessions() as s:
        client = s.get(Client, group.target_id, options=[
            selectinload(Client.phones), selectinload(Client.emails),
            selectinload(Client.contacts)])
        if client is None:
            raise LookupError(f"Клиент №{group.target_id} не найден (возможно, удалён)")
        changes = [FieldChange(k, FIELDS_BY_KEY[k].title, old, new)
                   for k, old, new in _field_updates(client, incoming)]
        known = {p.digits for p in client.phones}
        for raw, digits, _ext in incoming.phones:
            if digits not in known:
                changes.append(FieldChange("phone", "Телефон (добавить)", "", raw))
        mails = {e.address.lower() for e in client.emails}
        for email in incoming.emails:
            if email.lower() not in mails:
                changes.append(FieldChange("email", "E-mail (добавить)", "", email))
        people = {c.search_name for c in client.contacts}
        for contact in incoming.data.get("_contacts", []):
            name = contact_search_name(contact["last_name"], contact["first_name"],
                                       contact["middle_name"])
            if name not in people:
                changes.append(FieldChange("contact", "Контактное лицо (добавить)", "",
                                           name.title()))
        return changes


def _field_updates(client: Client, incoming: ImportRow) -> list[tuple[str, str, str]]:
    result = []
    for key in CLIENT_KEYS:
        value = incoming.data.get(key)
        if value in (None, ""):
            continue
        old = display_value(getattr(client, key)) or ""
        new = display_value(value) or ""
        if old != new:
            result.append((key, old, new))
    return result

