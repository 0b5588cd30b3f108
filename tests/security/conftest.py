"""An office on a real PostgreSQL base, for attacks made as its employees would make
them: with their own logins, from psql (plain psycopg) and from the program.

Two managers in two new departments (each sees their department's clients), a service
engineer (own clients only), a hot-line operator (everything) and an administrator.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import select

from vostok_desktop.db import BaseLocation, OpenedBase, open_base
from vostok_desktop.domain import Client, Department, Direction, EmployeeRole, Phone
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.clients.operations import set_responsible

PASSWORD = "секрет-пароль-1"

@dataclass
class Office:
    admin_base: OpenedBase
    logins: dict[str, str]  # name -> login
    ids: dict[str, int]  # name -> employee id
    clients: dict[str, list[int]]  # name -> clients they are responsible for
    hidden_phone: str  # digits of a phone of a client only «b» sees

    def location(self, name: str) -> BaseLocation:
        url = self.admin_base.engine.url.set(username=self.logins[name], password=None)
        return BaseLocation.parse(url.render_as_string(hide_password=False))

    def open_as(self, name: str) -> OpenedBase:
        return open_base(self.location(name), PASSWORD)

    def psql(self, name: str, autocommit: bool = True) -> psycopg.Connection:
        """The employee's own connection, as psql would open it."""
        url = self.admin_base.engine.url
        return psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                               user=self.logins[name], password=PASSWORD,
                               autocommit=autocommit)

    def superuser(self) -> psycopg.Connection:
        """The base owner's connection, to look at what an attack left behind."""
        url = self.admin_base.engine.url
        return psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                               user=url.username, password=url.password, autocommit=True)


def _as_if_made_before_0009(base: OpenedBase, admin_login: str) -> None:
    """Take the base back to the wave-1 schema (0008) with its logins as 0007 made them
    (the administrator with CREATEROLE), then upgrade it as ``vostok db upgrade`` would:
    every attack must fail on a repaired old base exactly as on a new one."""
    from alembic import command

    from vostok_desktop.db import alembic_config

    config = alembic_config()
    with base.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        connection.exec_driver_sql(f'ALTER ROLE "{admin_login}" CREATEROLE')
    with base.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@pytest.fixture(params=["new base", "upgraded from 0008"])
def office(request: pytest.FixtureRequest, demo_base: OpenedBase) -> Iterator[Office]:
    """Two managers in two new departments (each sees their department's clients), a
    service engineer and a telemarketer (own clients only), a hot-line operator
    (everything), a head and an administrator — on a new base and on a wave-1 base
    upgraded to this version."""
    tag = uuid.uuid4().hex[:6]
    with demo_base.sessions() as s, s.begin():
        dept_a = Department(name=f"Отдел А {tag}")
        dept_b = Department(name=f"Отдел Б {tag}")
        s.add_all([dept_a, dept_b])
        s.flush()
        direction = s.scalars(select(Direction).order_by(Direction.id)).first()
        all_clients = list(s.scalars(select(Client.id).order_by(Client.id)))
        dept_ids = {"a": dept_a.id, "b": dept_b.id}
    people = {"a": ("Аверин Антон", EmployeeRole.MANAGER, "a"),
              "b": ("Борисова Бэла", EmployeeRole.MANAGER, "b"),
              "eng": ("Егоров Евгений", EmployeeRole.SERVICE_ENGINEER, "a"),
              "op": ("Орлова Ольга", EmployeeRole.OPERATOR, None),
              "tm": ("Тимофеева Таисия", EmployeeRole.TELEMARKETER, None),
              "head": ("Глебов Геннадий", EmployeeRole.HEAD, None),
              "adm": ("Анисимов Аркадий", EmployeeRole.ADMIN, None)}
    logins, ids = {}, {}
    for name, (full_name, role, dept) in people.items():
        logins[name] = f"t{tag}_{name}"
        ids[name] = access.create_account(
            demo_base, login=logins[name], full_name=full_name, role=role,
            department_id=dept_ids[dept] if dept else None, password=PASSWORD)
    clients = {"a": all_clients[:10], "b": all_clients[10:15], "eng": all_clients[15:18],
               "tm": all_clients[18:20]}
    for name, owned in clients.items():
        set_responsible(demo_base, owned, direction.id, ids[name], None)
    with demo_base.sessions() as s:
        hidden_phone = s.scalars(select(Phone.digits).where(
            Phone.client_id == clients["b"][0])).first()
    assert hidden_phone
    if request.param == "upgraded from 0008":
        _as_if_made_before_0009(demo_base, logins["adm"])
    yield Office(demo_base, logins, ids, clients, hidden_phone)
    with demo_base.engine.begin() as conn:
        for login in logins.values():
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')


