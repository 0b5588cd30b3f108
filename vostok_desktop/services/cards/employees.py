"""The employee card as plain data: details and the clients the employee is responsible
for; saved by administrators only. No Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Direction,
    Employee,
    EmployeeRole,
    Responsibility,
)
from vostok_desktop.domain.validators import validate_email, validate_required
from vostok_desktop.services.cards.common import CardNotFound, blank_to_none
from vostok_desktop.services.cards.store import row_values
from vostok_desktop.services.common.change_log import record_changes

EMPLOYEE_FIELD_TITLES: dict[str, str] = {
    "full_name": "ФИО",
    "login": "Логин",
    "department_id": "Подразделение",
    "role": "Роль",
    "phone_extension": "Внутренний номер",
    "email": "E-mail",
    "is_active": "Работает",
}

_EMPLOYEE_FIELDS = tuple(EMPLOYEE_FIELD_TITLES)


@dataclass
class EmployeeClientRow:
    client_id: int
    client_name: str
    inn: str | None
    status: ClientStatus
    direction: str


@dataclass
class EmployeeData:
    id: int | None = None
    login: str = ""
    full_name: str = ""
    department_id: int | None = None
    role: EmployeeRole = EmployeeRole.MANAGER
    phone_extension: str | None = None
    email: str | None = None
    is_active: bool = True
    clients: list[EmployeeClientRow] = field(default_factory=list)

    def copy(self) -> EmployeeData:
        return copy.deepcopy(self)


def load_employee(base: OpenedBase, employee_id: int) -> EmployeeData:
    with base.sessions() as s:
        e = s.get(Employee, employee_id)
        if e is None:
            raise CardNotFound("employee", employee_id)
        data = EmployeeData(id=e.id, **{n: getattr(e, n) for n in _EMPLOYEE_FIELDS})
        rows = s.execute(
            select(Client.id, Client.short_name, Client.inn, Client.status, Direction.name)
            .join(Responsibility, Responsibility.client_id == Client.id)
            .join(Direction, Direction.id == Responsibility.direction_id)
            .where(Responsibility.employee_id == employee_id)
            .order_by(Client.search_name, Client.id, Direction.id)
            .limit(5000)
        )
        data.clients = [EmployeeClientRow(*row) for row in rows]
        return data


def employee_client_count(base: OpenedBase, employee_id: int) -> int:
    with base.sessions() as s:
        return s.scalar(select(func.count(func.distinct(Responsibility.client_id)))
                        .where(Responsibility.employee_id == employee_id)) or 0


def save_employee(base: OpenedBase, data: EmployeeData, employee_id: int | None) -> EmployeeData:
    """Administrators only (the GUI shows the card read-only to others)."""
    d = data.copy()
    d.full_name = validate_required(d.full_name, "full_name", "ФИО")
    d.login = validate_required(d.login, "login", "Логин")
    d.email = validate_email(d.email) if blank_to_none(d.email) else None
    d.phone_extension = blank_to_none(d.phone_extension)
    with base.sessions() as s, s.begin():
        if d.id is None:
            e = Employee(**{n: getattr(d, n) for n in _EMPLOYEE_FIELDS})
            s.add(e)
            s.flush()
            old: dict[str, Any] = {}
        else:
            e = s.get(Employee, d.id)
            if e is None:
                raise CardNotFound("employee", d.id)
            old = row_values(e, _EMPLOYEE_FIELDS)
            for n in _EMPLOYEE_FIELDS:
                setattr(e, n, getattr(d, n))
        record_changes(s, "employees", e.id, None, employee_id, old,
                       row_values(e, _EMPLOYEE_FIELDS))
        new_id = e.id
    return load_employee(base, new_id)
