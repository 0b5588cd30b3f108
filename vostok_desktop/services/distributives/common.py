"""What the distributive services share: the refusal, the rows handed to the GUI (plain
data), the write transaction, and the change log the program writes on a file base."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import Select, and_, inspect, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.base import Base
from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    MOVEMENT_KIND_TITLES,
    STOCK_MOVEMENTS,
    STOCK_RIGHT_STATUSES,
    SYSTEM_KIND_TITLES,
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
    MovementKind,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.common.change_log import record_changes

T = TypeVar("T")

# Never logged (0007 ``_ALWAYS_SKIPPED``): the file base logs what the server logs.
LOG_SKIPPED = frozenset({"id", "version", "created_at", "updated_at", "created_by_id",
                         "updated_by_id", "client_id", "contact_id", "visible_to"})
# Per table, beyond those (0010 ``LOGGED``).
LOG_EXTRA_SKIPPED: dict[str, frozenset[str]] = {
    "distributive_movements": frozenset({"employee_id"}),
}


class MovementRefused(ValidationError):
    """A movement or an edit that contradicts the state; the message names the
    distributive (or the kit, the system) and says what to do instead."""


def refuse(field: str, message: str) -> MovementRefused:
    return MovementRefused(field, message)


def label(number: str) -> str:
    """How a message names a distributive."""
    return f"Дистрибутив № {number}"


def status_title(status: DistributiveStatus | str) -> str:
    return DISTRIBUTIVE_STATUS_TITLES[DistributiveStatus(status)]


# --------------------------------------------------------------------------- rights


def movement_right(kind: MovementKind) -> str:
    """The right a movement needs (the server checks the same, 0010)."""
    return "distributives.stock" if kind in STOCK_MOVEMENTS else "distributives.move"


def status_right(status: DistributiveStatus) -> str:
    """The right for writing a distributive into ``status`` (0010)."""
    return ("distributives.stock" if status in STOCK_RIGHT_STATUSES
            else "distributives.move")


def check(profile: AccessProfile | None, right: str) -> None:
    """The program's own check (greys out on a file base); the server checks anyway."""
    if profile is not None:
        require(profile, right)


# --------------------------------------------------------------------------- writing


def run_write(base: OpenedBase, action: Callable[[Session], T]) -> T:
    """``action`` in one transaction; a server refusal becomes AccessDenied, a lost
    optimistic-locking race a CardConflict-like MovementRefused."""

    def go() -> T:
        with base.sessions() as s, s.begin():
            return action(s)

    try:
        return guarded(go)
    except StaleDataError:
        raise refuse("version", "Запись изменил другой пользователь, пока вы её "
                                "редактировали. Ваши изменения не записаны: обновите "
                                "данные и повторите.") from None


def check_version(kind: str, row: Any, expected: int | None, session: Session) -> None:
    """The card was read at version ``expected``: refuse when someone saved since."""
    if expected is None or row.version == expected:
        return
    who = session.get(Employee, row.updated_by_id) if row.updated_by_id else None
    raise CardConflict(kind, row.id, who.full_name if who else None, row.updated_at,
                       row.version)


def snapshot(row: Base) -> dict[str, Any]:
    """The row's column values, by column name."""
    mapper = inspect(type(row))
    return {c.key: getattr(row, c.key) for c in mapper.column_attrs}


def _loggable(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    skipped = LOG_SKIPPED | LOG_EXTRA_SKIPPED.get(table, frozenset())
    return {k: v for k, v in values.items() if k not in skipped}


def log_insert(s: Session, table: str, row: Base, client_id: int | None,
               employee_id: int | None) -> None:
    """Log a new row field by field, as the server's insert trigger does."""
    record_changes(s, table, row.id, client_id, employee_id, {},
                   _loggable(table, snapshot(row)))


def log_update(s: Session, table: str, row_id: int, client_id: int | None,
               employee_id: int | None, before: Mapping[str, Any],
               after: Mapping[str, Any]) -> None:
    record_changes(s, table, row_id, client_id, employee_id, _loggable(table, before),
                   _loggable(table, after))


def log_delete(s: Session, table: str, row: Base, client_id: int | None,
               employee_id: int | None) -> None:
    record_changes(s, table, row.id, client_id, employee_id,
                   _loggable(table, snapshot(row)), {})


def client_name(s: Session, client_id: int | None) -> str | None:
    """A client's short name, or None when missing or outside the caller's visibility."""
    if client_id is None:
        return None
    return s.scalar(select(Client.short_name).where(Client.id == client_id))


def named_client(s: Session, client_id: int | None) -> str:
    """«Name» for messages; «другого клиента» when the caller may not see it."""
    name = client_name(s, client_id)
    return f"«{name}»" if name else "другого клиента"


def employee_name(s: Session, employee_id: int | None) -> str | None:
    if employee_id is None:
        return None
    return s.scalar(select(Employee.full_name).where(Employee.id == employee_id))


def parse_decimal(text: str | Decimal | int | None, field: str, title: str) -> Decimal | None:
    """A money or percent value typed by the user: «1 500,50» → Decimal('1500.50')."""
    if text is None or isinstance(text, Decimal | int):
        return None if text is None else Decimal(text)
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise refuse(field, f"{title}: «{text}» — не число") from None
    if not value.is_finite():
        raise refuse(field, f"{title}: «{text}» — не число")
    return value


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class DistributiveRow:
    """One distributive as lists and the card page show it."""

    id: int
    number: str
    system_id: int
    system_code: str
    system_title: str
    kind: SystemKind
    series: str
    network_size: int
    status: DistributiveStatus
    status_since: date
    client_id: int | None
    client_name: str | None
    kit_id: int | None
    kit_title: str | None
    engineer_id: int | None
    engineer_name: str | None
    fixed_price: Decimal | None
    discount_percent: Decimal | None
    reserved_for_client_id: int | None
    reserved_for_client_name: str | None
    reserved_for_employee_id: int | None
    reserved_for_employee_name: str | None
    demo_until: date | None
    notes: str
    version: int

    @property
    def status_title(self) -> str:
        return status_title(self.status)

    @property
    def kind_title(self) -> str:
        return SYSTEM_KIND_TITLES[self.kind]


_DATED_TERMS: weakref.WeakSet[Any] = weakref.WeakSet()  # engines whose base has 0017


def has_dated_terms(bind: Any) -> bool:
    """Whether the base has the dated terms of 0017. A base one revision behind is opened
    read-only and still lists its distributives, with the undated terms it has."""
    if hasattr(bind, "get_bind"):  # a session
        bind = bind.get_bind()
    engine = getattr(bind, "engine", bind)
    if engine in _DATED_TERMS:
        return True
    with engine.connect() as conn:
        found = inspect(conn).has_table("distributive_terms")
    if found:  # only a positive answer is kept: an upgrade in this process adds the table
        _DATED_TERMS.add(engine)
    return found


def distributive_select(bind: Any = None) -> Select[Any]:
    """Distributives with the names the rows show (outer joins: a name the caller may
    not see, or a missing kit, comes back as None). ``bind`` (a base, engine, session or
    connection) tells whether the base has dated terms yet; None: it has."""
    from vostok_desktop.domain.money import DistributiveTerm

    client, reserved_client = aliased(Client), aliased(Client)
    engineer, reserved_employee = aliased(Employee), aliased(Employee)
    d, t = Distributive, DistributiveTerm
    today = date.today()

    def own(column: Any) -> Any:
        """The distributive's dated terms valid today at its client (0017)."""
        return (select(column).where(t.distributive_id == d.id, t.client_id == d.client_id,
                                     t.valid_from <= today,
                                     or_(t.valid_to.is_(None), t.valid_to >= today))
                .limit(1).scalar_subquery())

    dated = bind is None or has_dated_terms(bind)
    price = own(t.fixed_price) if dated else d.fixed_price
    percent = own(t.discount_percent) if dated else d.discount_percent

    return (
        select(d.id, d.number, d.system_id, ProductSystem.code.label("system_code"),
               ProductSystem.title.label("system_title"), d.kind, d.series, d.network_size,
               d.status, d.status_since, d.client_id, client.short_name.label("client_name"),
               d.kit_id, Kit.title.label("kit_title"), d.engineer_id,
               engineer.full_name.label("engineer_name"),
               price.label("fixed_price"), percent.label("discount_percent"),
               d.reserved_for_client_id,
               reserved_client.short_name.label("reserved_for_client_name"),
               d.reserved_for_employee_id,
               reserved_employee.full_name.label("reserved_for_employee_name"),
               d.demo_until, d.notes, d.version)
        .join(ProductSystem, ProductSystem.id == d.system_id)
        .outerjoin(client, client.id == d.client_id)
        .outerjoin(Kit, and_(Kit.id == d.kit_id, Kit.client_id == d.client_id))
        .outerjoin(engineer, engineer.id == d.engineer_id)
        .outerjoin(reserved_client, reserved_client.id == d.reserved_for_client_id)
        .outerjoin(reserved_employee, reserved_employee.id == d.reserved_for_employee_id)
    )


def distributive_rows(rows: Iterable[Any]) -> list[DistributiveRow]:
    return [DistributiveRow(**{**r._mapping, "kind": SystemKind(r.kind),
                               "status": DistributiveStatus(r.status)}) for r in rows]


@dataclass(frozen=True)
class MovementRow:
    """One movement as the history shows it."""

    id: int
    distributive_id: int
    number: str
    system_title: str
    kind: MovementKind
    moved_on: date
    from_client_id: int | None
    from_client_name: str | None
    to_client_id: int | None
    to_client_name: str | None
    to_kit_id: int | None
    to_kit_title: str | None
    to_employee_id: int | None
    to_employee_name: str | None
    status_after: DistributiveStatus
    replacement_id: int | None
    replacement_number: str | None
    employee_id: int | None
    employee_name: str | None
    note: str

    @property
    def kind_title(self) -> str:
        return MOVEMENT_KIND_TITLES[self.kind]

    @property
    def description(self) -> str:
        """One line in Russian: what happened."""
        whom = self.to_client_name or ("другой клиент" if self.to_client_id else None)
        source = self.from_client_name or ("другой клиент" if self.from_client_id else None)
        k = MovementKind
        if self.kind is k.TRANSFER:
            return f"Передача прав: {source or '—'} → {whom or '—'}"
        if self.kind is k.REPLACE:
            if self.status_after is DistributiveStatus.SERVED:
                return f"Замена: установлен вместо № {self.replacement_number or '—'}"
            return f"Замена: заменён на № {self.replacement_number or '—'}"
        if self.kind is k.RESERVE:
            target = " и ".join(x for x in (
                f"клиентом «{whom}»" if whom else None,
                f"сотрудником {self.to_employee_name}" if self.to_employee_name else None)
                if x)
            return f"Резервирование за {target or '—'}"
        if self.kind is k.KIT_ADD:
            return f"Пополнение комплекта «{self.to_kit_title or '—'}»"
        if self.kind in (k.CONNECT, k.DEMO_ISSUE):
            kit = f", комплект «{self.to_kit_title}»" if self.to_kit_title else ""
            return f"{self.kind_title}: {whom or '—'}{kit}"
        if self.kind in (k.DISCONNECT, k.STOCK_RETURN, k.UNRESERVE):
            return f"{self.kind_title}: {source or '—'}" if source else self.kind_title
        return self.kind_title


def movement_select() -> Select[Any]:
    m = DistributiveMovement
    from_client, to_client = aliased(Client), aliased(Client)
    to_employee, author = aliased(Employee), aliased(Employee)
    replacement = aliased(Distributive)
    return (
        select(m.id, m.distributive_id, Distributive.number,
               ProductSystem.title.label("system_title"), m.kind, m.moved_on,
               m.from_client_id, from_client.short_name.label("from_client_name"),
               m.to_client_id, to_client.short_name.label("to_client_name"),
               m.to_kit_id, Kit.title.label("to_kit_title"),
               m.to_employee_id, to_employee.full_name.label("to_employee_name"),
               m.status_after, m.replacement_id, replacement.number.label("replacement_number"),
               m.employee_id, author.full_name.label("employee_name"), m.note)
        .join(Distributive, Distributive.id == m.distributive_id)
        .join(ProductSystem, ProductSystem.id == Distributive.system_id)
        .outerjoin(from_client, from_client.id == m.from_client_id)
        .outerjoin(to_client, to_client.id == m.to_client_id)
        .outerjoin(Kit, Kit.id == m.to_kit_id)
        .outerjoin(to_employee, to_employee.id == m.to_employee_id)
        .outerjoin(replacement, replacement.id == m.replacement_id)
        .outerjoin(author, author.id == m.employee_id)
    )


def movement_rows(rows: Iterable[Any]) -> list[MovementRow]:
    return [MovementRow(**{**r._mapping, "kind": MovementKind(r.kind),
                           "status_after": DistributiveStatus(r.status_after)})
            for r in rows]


__all__ = [
    "DistributiveRow", "MovementRefused", "MovementRow", "check", "check_version",
    "client_name", "distributive_rows", "distributive_select", "employee_name", "label",
    "log_delete", "log_insert", "log_update", "movement_right", "movement_rows",
    "movement_select", "named_client", "parse_decimal", "refuse", "run_write", "snapshot",
    "status_right", "status_title",
]
