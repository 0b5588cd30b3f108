"""Restore a field's earlier value from the change log («Вернуть прежнее значение»). No Qt.

The log keeps values as display text (dates DD.MM.YYYY, booleans «да»/«нет», enums as their
value, responsibles by full name). :func:`restore_change` reads one log row back into the
column's type and writes it through the card's normal save path, so the restore is checked
like any save (validation, the card's version, the database's rights triggers on a server
base) and is itself logged (by the triggers on PostgreSQL, by ``record_changes`` on SQLite).

Supported: the card fields of clients, contacts and employees, a client's responsibles
(``responsible:<direction code>``) and custom field values (``custom:<field id>``). Rows of
phones, e-mails, addresses and files, values the log cut short and fields that no longer
exist are refused with a message naming the field.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    Contact,
    CustomField,
    CustomFieldEntity,
    CustomValue,
    Direction,
    Employee,
)
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import guarded, load_profile, require
from vostok_desktop.services.cards.clients import CLIENT_FIELD_TITLES, load_client, save_client
from vostok_desktop.services.cards.common import (
    SUBROW_TITLES,
    CardConflict,
    CustomFieldInfo,
    parse_custom,
)
from vostok_desktop.services.cards.contacts import (
    CONTACT_FIELD_TITLES,
    load_contact,
    save_contact,
)
from vostok_desktop.services.cards.employees import (
    EMPLOYEE_FIELD_TITLES,
    load_employee,
    save_employee,
)
from vostok_desktop.services.common.change_log import _MAX_VALUE, display_value

# Employee fields that are not restored from the log: a login and a role are PostgreSQL
# roles and group memberships too, changed in «Пользователи и права».
_EMPLOYEE_NOT_RESTORED = {"login", "role"}

KIND_TITLES = {"client": "клиента", "contact": "контактного лица", "employee": "сотрудника"}


class RestoreRefused(Exception):
    """The value cannot be restored; ``message`` (Russian) names the field and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Restored:
    """What was written: the card (kind, id), the field as people read it, the value."""

    kind: str
    entity_id: int
    field_title: str
    value: str | None
    version: int | None  # the card's version after the restore (None: no versions)

    def message(self) -> str:
        return f"Полю «{self.field_title}» возвращено значение {_quoted(self.value)}."


@dataclass(frozen=True)
class _Target:
    kind: str  # the card that holds the field: client, contact, employee
    entity_id: int
    title: str  # the field as people read it
    current: Any  # (card data, session) -> the field's value now, as the log shows it
    put: Any  # (card data, session, log text) -> None: the value written into the data


def _quoted(value: str | None) -> str:
    return f"«{value}»" if value is not None else "«пусто»"


def restore_change(base: OpenedBase, change_id: int, employee_id: int | None, *,
                   card_kind: str, card_id: int, card_version: int | None) -> Restored:
    """Write the old value of change-log row ``change_id`` back to its field.

    ``card_kind``/``card_id``/``card_version`` are the card the user looks at: the field
    must be that card's, and its version must still be ``card_version`` (else
    CardConflict, nothing written). Raises AccessDenied without the right «Восстановление
    значений из журнала изменений» (and when the server's rights refuse the write),
    RestoreRefused for what cannot be restored, CardNotFound when the card is gone.
    """
    require(load_profile(base, employee_id), Right.CHANGELOG_RESTORE)
    with base.sessions() as s:
        change = s.get(ChangeLog, change_id)
        if change is None:
            raise RestoreRefused("Запись журнала изменений не найдена (возможно, удалена).")
        target = _target(s, change)
        if (target.kind, target.entity_id) != (card_kind, card_id):
            raise RestoreRefused(
                f"Поле «{target.title}» возвращается из карточки "
                f"{KIND_TITLES.get(target.kind, target.kind)}, а не из этой.")
        old = change.old_value
        if old is not None and len(old) >= _MAX_VALUE:
            raise RestoreRefused(
                f"Поле «{target.title}»: в журнале значение обрезано до {_MAX_VALUE} знаков, "
                "его нельзя вернуть целиком.")
        loader, saver = _CARDS[target.kind]
        data = loader(base, target.entity_id)
        version = getattr(data, "version", None)
        if card_version is not None and version is not None and version != card_version:
            raise CardConflict(target.kind, target.entity_id, data.updated_by,
                               data.updated_at, version)
        if target.current(data, s) == old:
            raise RestoreRefused(f"Поле «{target.title}» уже имеет значение {_quoted(old)}: "
                                 "менять нечего.")
        target.put(data, s, old)
    try:
        saved = guarded(lambda: saver(base, data, employee_id))
    except ValidationError as exc:
        raise RestoreRefused(f"Значение поля «{target.title}» не возвращено: "
                             f"{exc.message}") from None
    return Restored(target.kind, target.entity_id, target.title, old,
                    getattr(saved, "version", None))


# -- which card and field a log row names ---------------------------------------------------

def _target(s: Session, change: ChangeLog) -> _Target:
    table, field = change.table_name, change.field
    if table == "clients":
        return _column_target(s, "client", Client, change.row_id, field,
                              CLIENT_FIELD_TITLES, set())
    if table == "contacts":
        return _column_target(s, "contact", Contact, change.row_id, field,
                              CONTACT_FIELD_TITLES, set())
    if table == "employees":
        return _column_target(s, "employee", Employee, change.row_id, field,
                              EMPLOYEE_FIELD_TITLES, _EMPLOYEE_NOT_RESTORED)
    if table == "responsibilities":
        return _responsible_target(s, change)
    if table == "custom_values" and field.startswith("custom:"):
        return _custom_target(s, change)
    title = SUBROW_TITLES.get((table, field), field)
    raise RestoreRefused(
        f"Поле «{title}» не возвращается из журнала: телефоны, e-mail, адреса и файлы "
        "исправьте или добавьте заново в карточке.")


def _column_target(s: Session, kind: str, model: type, row_id: int, field: str,
                   titles: dict[str, str], refused: set[str]) -> _Target:
    title = titles.get(field, field)
    columns = model.__table__.columns  # type: ignore[attr-defined]
    if field not in titles or field not in columns:
        raise RestoreRefused(f"Поля «{title}» в карточке {KIND_TITLES[kind]} больше нет: "
                             "его значение не вернуть.")
    if field in refused:
        raise RestoreRefused(f"Поле «{title}» не возвращается из журнала: оно меняется в "
                             "«Пользователи и права».")
    column = columns[field]

    def put(data: Any, session: Session, text: str | None) -> None:
        value = parse_display(text, column, title)
        _check_reference(session, column, value, title, text)
        setattr(data, field, value)

    return _Target(kind, row_id, title, lambda data, _s: display_value(getattr(data, field)),
                   put)


def _responsible_target(s: Session, change: ChangeLog) -> _Target:
    code = change.field.removeprefix("responsible:")  # older logs have the bare code
    direction = s.scalar(select(Direction).where(Direction.code == code))
    if direction is None:
        raise RestoreRefused(f"Направления «{code}» больше нет: ответственного по нему "
                             "не вернуть.")
    title = f"Ответственный: {direction.name}"
    if change.client_id is None:
        raise RestoreRefused(f"Поле «{title}»: в журнале не указан клиент.")
    direction_id = direction.id

    def current(data: Any, session: Session) -> str | None:
        employee = data.responsibilities.get(direction_id)
        return None if employee is None else session.scalar(
            select(Employee.full_name).where(Employee.id == employee))

    def put(data: Any, session: Session, text: str | None) -> None:
        data.responsibilities[direction_id] = \
            None if text is None else _employee_by_name(session, text, title)

    return _Target("client", change.client_id, title, current, put)


def _employee_by_name(s: Session, name: str, title: str) -> int:
    rows = s.execute(select(Employee.id, Employee.is_active)
                     .where(Employee.full_name == name)).all()
    if len(rows) > 1:
        rows = [r for r in rows if r.is_active]
    if not rows:
        raise RestoreRefused(f"Поле «{title}»: сотрудника «{name}» больше нет в базе.")
    if len(rows) > 1:
        raise RestoreRefused(f"Поле «{title}»: в базе несколько сотрудников «{name}», "
                             "выберите ответственного в карточке.")
    return int(rows[0].id)


def _custom_target(s: Session, change: ChangeLog) -> _Target:
    raw_id = change.field.split(":", 1)[1]
    field = s.get(CustomField, int(raw_id)) if raw_id.isdigit() else None
    if field is None:
        raise RestoreRefused(f"Поля «{change.field}» больше нет: его значение не вернуть.")
    info = CustomFieldInfo(field.id, field.name, field.value_type, tuple(field.choices or ()))
    if field.entity is CustomFieldEntity.CLIENT:
        kind, owner = "client", change.client_id
    else:
        kind = "contact"
        owner = s.scalar(select(CustomValue.contact_id).where(CustomValue.id == change.row_id))
    if owner is None:
        raise RestoreRefused(f"Поле «{info.name}»: не найдена карточка, которой принадлежало "
                             "значение.")
    def put(data: Any, _session: Session, text: str | None) -> None:
        try:
            value = parse_custom(info, text or "")
        except ValidationError as exc:
            raise RestoreRefused(f"Значение не возвращено: {exc.message}") from None
        if value is None:
            data.custom.pop(info.id, None)
        else:
            data.custom[info.id] = value

    return _Target(kind, int(owner), info.name,
                   lambda data, _s: display_value(data.custom.get(info.id)), put)


_CARDS: dict[str, tuple[Any, Any]] = {
    "client": (load_client, save_client),
    "contact": (load_contact, save_contact),
    "employee": (load_employee, save_employee),
}


# -- display text → the column's type -----------------------------------------------------

def parse_display(text: str | None, column: Column[Any], title: str) -> Any:
    """A value as the log shows it, read back into ``column``'s Python type.

    Raises RestoreRefused naming ``title`` when the text does not fit the column."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = str
    if text is None:
        if column.nullable:
            return None
        if python_type is str:
            return ""
        raise RestoreRefused(f"Поле «{title}» не может быть пустым: прежнее значение "
                             "не вернуть.")
    try:
        if python_type is str:
            return text
        if python_type is bool:
            return {"да": True, "нет": False}[text.strip().lower()]
        if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
            return python_type(text)
        if python_type is date:
            return datetime.strptime(text.strip(), "%d.%m.%Y").date()
        if python_type is datetime:
            return datetime.fromisoformat(text.strip())
        if python_type is int:
            return int(text)
        if python_type is float:
            return float(text)
        if python_type is Decimal:
            return Decimal(text)
    except (KeyError, ValueError, InvalidOperation):
        raise RestoreRefused(f"Поле «{title}»: значение «{text}» из журнала больше не "
                             "подходит к полю.") from None
    raise RestoreRefused(f"Поле «{title}» не возвращается из журнала.")


def _check_reference(s: Session, column: Column[Any], value: Any, title: str,
                     text: str | None) -> None:
    """A foreign key (a group, a department) must still point at an existing row."""
    if value is None:
        return
    for fk in column.foreign_keys:
        target = fk.column
        if s.execute(select(target).where(target == value)).first() is None:
            raise RestoreRefused(f"Поле «{title}»: записи «{text}», на которую оно "
                                 "указывало, больше нет.")
