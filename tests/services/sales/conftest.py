"""A small sales office on an empty base of each dialect: a department with its head and
two managers, the directions «Продажи» and «Сервис», three clients (one with an INN, one
with a phone, one with an e-mail), a system catalogue and the default sales catalogues."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Department,
    Direction,
    Email,
    Employee,
    EmployeeRole,
    Phone,
    ProductSystem,
    Responsibility,
)
from vostok_desktop.domain.reference import DepartmentHead
from vostok_desktop.services.sales import catalogue

ROMASHKA_INN = "7707083893"  # a real check digit


@dataclass
class SalesRig:
    base: OpenedBase
    people: dict[str, int]  # head, ivanova, petrov, outsider (another department)
    clients: dict[str, int]  # romashka (INN), vasilek (phone), lyutik (e-mail)
    directions: dict[str, int]  # sales, service
    systems: dict[str, int]  # BUH, SUD, PROF
    department: int


@pytest.fixture
def rig(empty_base: OpenedBase) -> SalesRig:
    with empty_base.sessions() as s, s.begin():
        dept, other = Department(name="Отдел продаж"), Department(name="Сервис")
        s.add_all([dept, other])
        s.flush()
        people = {
            "head": Employee(login="head", full_name="Главная Галина", role=EmployeeRole.HEAD,
                             department_id=dept.id),
            "ivanova": Employee(login="ivanova", full_name="Иванова Ирина",
                                department_id=dept.id),
            "petrov": Employee(login="petrov", full_name="Петров Пётр", department_id=dept.id),
            "outsider": Employee(login="outsider", full_name="Сторонний Семён",
                                 department_id=other.id),
        }
        directions = {"sales": Direction(code="sales", name="Продажи"),
                      "service": Direction(code="service", name="Сервис")}
        clients = {
            "romashka": Client(short_name="Ромашка", inn=ROMASHKA_INN,
                               status=ClientStatus.SERVED),
            "vasilek": Client(short_name="Василёк", status=ClientStatus.SERVED),
            "lyutik": Client(short_name="Лютик", status=ClientStatus.PROSPECT),
        }
        systems = {"BUH": ProductSystem(code="BUH", title="КонсультантПлюс: Бухгалтерия и кадры"),
                   "SUD": ProductSystem(code="SUD", title="КонсультантПлюс: Судебная практика"),
                   "PROF": ProductSystem(code="PROF", title="КонсультантПлюс: Версия Проф")}
        s.add_all([*people.values(), *directions.values(), *clients.values(),
                   *systems.values()])
        s.flush()
        s.add(DepartmentHead(department_id=dept.id, employee_id=people["head"].id))
        s.add(Phone(client_id=clients["vasilek"].id, raw="+7 (383) 212-34-56",
                    digits="73832123456"))
        contact = Contact(client_id=clients["lyutik"].id, last_name="Лютикова",
                          first_name="Лидия", position="Главный бухгалтер")
        s.add(contact)
        s.flush()
        s.add(Email(contact_id=contact.id, address="lida@lyutik.ru"))
        # Ромашка's manager for sales is Петров; Василёк has only a service engineer.
        s.add(Responsibility(client_id=clients["romashka"].id,
                             direction_id=directions["sales"].id,
                             employee_id=people["petrov"].id))
        s.add(Responsibility(client_id=clients["vasilek"].id,
                             direction_id=directions["service"].id,
                             employee_id=people["outsider"].id))
        catalogue.fill_defaults(s, people["head"].id)
        s.flush()
        rig = SalesRig(empty_base, {k: v.id for k, v in people.items()},
                       {k: v.id for k, v in clients.items()},
                       {k: v.id for k, v in directions.items()},
                       {k: v.id for k, v in systems.items()}, dept.id)
    return rig
