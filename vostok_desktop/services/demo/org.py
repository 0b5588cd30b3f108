"""Demo reference data: departments, directions, employees, client groups and custom
fields (through the ORM, reusing rows that already exist)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.domain.clients import (
    ClientGroup,
)
from vostok_desktop.domain.extra import CustomField, CustomFieldEntity, CustomFieldType
from vostok_desktop.domain.org import Department, Direction, Employee, EmployeeRole
from vostok_desktop.services.demo.clients import ACQUISITION_CHANNELS, ClientGenerator
from vostok_desktop.services.demo.common import DemoSummary
from vostok_desktop.services.demo.names import slug

# --------------------------------------------------------------------------- reference data

DEPARTMENTS = (
    "Руководство", "Отдел продаж", "Отдел сопровождения", "Горячая линия", "Телемаркетинг",
    "Учебный центр",
)
DIRECTIONS = (
    ("telemarketing", "Телемаркетинг"), ("sales", "Продажи"), ("service", "Сервис"),
    ("training", "Обучение"), ("recovery", "Восстановление"),
    ("legal", "Юридическое направление"), ("e_reporting", "Электронная отчётность"),
)
# (role, department, how many) after the admin: 24 people.
STAFF = (
    (EmployeeRole.HEAD, "Руководство", 1), (EmployeeRole.HEAD, "Отдел продаж", 1),
    (EmployeeRole.HEAD, "Отдел сопровождения", 1), (EmployeeRole.MANAGER, "Отдел продаж", 7),
    (EmployeeRole.SERVICE_ENGINEER, "Отдел сопровождения", 7),
    (EmployeeRole.TELEMARKETER, "Телемаркетинг", 3), (EmployeeRole.OPERATOR, "Горячая линия", 3),
    (EmployeeRole.MANAGER, "Учебный центр", 1),
)
CLIENT_GROUPS = (
    'ГК "Сибирский альянс"', 'Холдинг "СибАгро"', 'ГК "Обь-Инвест"', 'Холдинг "Кедр"',
    'ГК "Меридиан"', 'Сеть аптек "Здоровье"', 'ГК "Энергостандарт"', 'Холдинг "Транзит-Восток"',
)

# ------------------------------------------------------------------------- reference data


def create_reference(session: Session, gen: ClientGenerator, summary: DemoSummary) -> int:
    """Departments, directions, employees, groups and custom fields; returns the admin's id.

    Rows that already exist (same name, code or login) are reused, not duplicated.
    """
    departments = {d.name: d for d in session.scalars(select(Department))}
    top = departments.get(DEPARTMENTS[0])
    for name in DEPARTMENTS:
        if name not in departments:
            dept = Department(name=name, parent_id=top.id if top is not None else None)
            session.add(dept)
            session.flush()
            departments[name] = dept
            top = top or dept
            summary.departments += 1
    directions = {d.code: d for d in session.scalars(select(Direction))}
    for code, name in DIRECTIONS:
        if code not in directions:
            directions[code] = Direction(code=code, name=name)
            session.add(directions[code])
            summary.directions += 1

    employees = {e.login: e for e in session.scalars(select(Employee))}
    admin = employees.get("admin")
    if admin is None:
        admin = Employee(login="admin", full_name="Администратор системы",
                         role=EmployeeRole.ADMIN, department=departments[DEPARTMENTS[0]],
                         phone_extension="100", email="admin@ric-vostok.ru")
        session.add(admin)
        employees["admin"] = admin
        summary.employees += 1
    by_role: dict[EmployeeRole, list[Employee]] = {role: [] for role in EmployeeRole}
    extension = 101
    rnd = gen.rng.random
    for role, dept_name, how_many in STAFF:
        for _ in range(how_many):
            last, first, middle = gen._person(rnd() < 0.5)
            base = f"{gen.tl[last]}_{gen.tl[first][0]}{slug(middle)[0]}"
            login, n = base, 1
            while login in employees:
                n += 1
                login = f"{base}{n}"
            employee = Employee(login=login, full_name=f"{last} {first} {middle}", role=role,
                                department=departments[dept_name],
                                phone_extension=str(extension),
                                email=f"{login}@ric-vostok.ru")
            session.add(employee)
            employees[login] = employee
            by_role[role].append(employee)
            summary.employees += 1
            extension += 1

    groups = {g.name: g for g in session.scalars(select(ClientGroup))}
    for name in CLIENT_GROUPS:
        if name not in groups:
            groups[name] = ClientGroup(name=name)
            session.add(groups[name])
            summary.client_groups += 1

    existing = {(f.entity, f.name): f for f in session.scalars(select(CustomField))}
    specs = {
        "staff": (CustomFieldEntity.CLIENT, "Количество сотрудников", CustomFieldType.NUMBER,
                  None),
        "visit": (CustomFieldEntity.CLIENT, "Дата последнего визита", CustomFieldType.DATE,
                  None),
        "channel": (CustomFieldEntity.CLIENT, "Канал привлечения", CustomFieldType.CHOICE,
                    ACQUISITION_CHANNELS),
        "hobby": (CustomFieldEntity.CONTACT, "Хобби", CustomFieldType.TEXT, None),
    }
    custom_fields: dict[str, CustomField] = {}
    for position, (key, (entity, name, value_type, choices)) in enumerate(specs.items()):
        custom_fields[key] = existing.get((entity, name)) or CustomField(
            entity=entity, name=name, value_type=value_type, choices=choices, position=position)
        if (entity, name) not in existing:
            session.add(custom_fields[key])
            summary.custom_fields += 1
    session.flush()

    managers = [e.id for e in by_role[EmployeeRole.MANAGER]
                if e.department is departments["Отдел продаж"]]
    gen.set_reference(
        employees={role: [e.id for e in staff] for role, staff in by_role.items()},
        managers=managers, directions={c: d.id for c, d in directions.items()},
        groups=[groups[name].id for name in CLIENT_GROUPS],
        fields_={k: f.id for k, f in custom_fields.items()},
    )
    return admin.id
