"""A small office for the KPI tests: two departments, three employees (one of them
retired), on an empty base of either dialect."""

from __future__ import annotations

from dataclasses import dataclass

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Department, Employee, EmployeeRole

CATALOGUE = {"client_contacts": {"count"}, "assignments": {"done", "overdue"},
             "money_received": {"amount"}}


@dataclass
class Office:
    base: OpenedBase
    departments: dict[str, int]
    employees: dict[str, int]


def make_office(base: OpenedBase) -> Office:
    with base.sessions() as s, s.begin():
        sales, service = Department(name="Отдел продаж"), Department(name="Сервис")
        s.add_all([sales, service])
        s.flush()
        people = {
            "ivanova": Employee(login="kpi_ivanova", full_name="Иванова Анна", department_id=sales.id,
                                role=EmployeeRole.MANAGER),
            "petrov": Employee(login="kpi_petrov", full_name="Петров Борис", department_id=service.id,
                               role=EmployeeRole.SERVICE_ENGINEER),
            "sidorov": Employee(login="kpi_sidorov", full_name="Сидоров Олег", department_id=sales.id,
                                role=EmployeeRole.MANAGER, is_active=False),
        }
        s.add_all(people.values())
        s.flush()
        return Office(base, {"sales": sales.id, "service": service.id},
                      {k: e.id for k, e in people.items()})
