"""A new server base made from the program (no Qt): the database, its schema with the
roles and policies of the migrations, and the first administrator's own login.

The superuser's credentials are used for this one call and never stored. Either the
whole base is made or nothing stays on the server: a failure after the database was
created drops it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import URL, create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from vostok_desktop.db import (
    BaseError,
    BaseLocation,
    describe_connection_error,
    open_base,
    upgrade_base_schema,
)
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.services.access import rights as access

DATABASE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
Progress = Callable[[str, int, int], None]
STEPS = 4


class ServerSetupError(ValueError):
    """What is wrong with the request or why the server refused, in Russian."""


@dataclass(frozen=True)
class NewServerBase:
    host: str
    port: int
    database: str
    superuser: str
    superuser_password: str
    admin_login: str
    admin_full_name: str
    admin_password: str

    def location(self, login: str) -> BaseLocation:
        url = URL.create("postgresql+psycopg", username=login, host=self.host,
                         port=self.port, database=self.database)
        return BaseLocation.parse(url.render_as_string(hide_password=False))


def validate(spec: NewServerBase) -> None:
    """Refuse a request that cannot work, naming the field, before touching the server."""
    missing = [title for title, value in (
        ("Сервер", spec.host), ("Суперпользователь", spec.superuser),
        ("ФИО администратора", spec.admin_full_name)) if not value.strip()]
    if missing:
        raise ServerSetupError("Не заполнено: " + ", ".join(missing))
    if not DATABASE_RE.match(spec.database):
        raise ServerSetupError(
            f"Имя базы «{spec.database}»: латинские строчные буквы, цифры и «_», "
            "не с цифры, до 63 знаков")
    try:
        access.validate_login(spec.admin_login)
        access.validate_password(spec.admin_password)
    except access.AccessError as exc:
        raise ServerSetupError(str(exc)) from None
    if spec.admin_login == spec.superuser:
        raise ServerSetupError("Администратору нужен свой логин, не логин суперпользователя")


def create_server_base(spec: NewServerBase, progress: Progress | None = None) -> BaseLocation:
    """Make the base; returns where the administrator logs in to it."""
    validate(spec)
    step = progress or (lambda _stage, _done, _total: None)
    step("Проверка сервера", 0, STEPS)
    server = create_engine(
        spec.location(spec.superuser).sa_url.set(database="postgres",
                                                 password=spec.superuser_password),
        isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with server.connect() as conn:
            if not conn.scalar(text("select rolsuper from pg_roles where rolname = current_user")):
                raise ServerSetupError(
                    f"«{spec.superuser}» не суперпользователь: базу создаёт суперпользователь "
                    "сервера (postgres)")
            if conn.scalar(text("select 1 from pg_database where datname = :n"),
                           {"n": spec.database}):
                raise ServerSetupError(
                    f"База «{spec.database}» на сервере уже есть: выберите другое имя или "
                    "подключитесь к ней")
            if conn.scalar(text("select 1 from pg_roles where rolname = :n"),
                           {"n": spec.admin_login}):
                raise ServerSetupError(
                    f"Логин «{spec.admin_login}» на сервере уже занят: логины общие для "
                    "всех баз сервера, выберите другой")
            step("Создание базы", 1, STEPS)
            conn.exec_driver_sql(f'CREATE DATABASE "{spec.database}"')
        try:
            _fill(spec, step)
        except BaseException:
            _drop(server, spec)
            raise
    except (OperationalError, DBAPIError) as exc:
        raise ServerSetupError(describe_connection_error(exc)) from None
    finally:
        server.dispose()
    step("Готово", STEPS, STEPS)
    return spec.location(spec.admin_login)


def _fill(spec: NewServerBase, step: Progress) -> None:
    as_superuser = spec.location(spec.superuser)
    step("Схема, роли и права", 2, STEPS)
    try:
        upgrade_base_schema(as_superuser, spec.superuser_password)
    except BaseError as exc:
        raise ServerSetupError(str(exc)) from None
    step("Администратор", 3, STEPS)
    base = open_base(as_superuser, spec.superuser_password)
    try:
        access.create_account(base, login=spec.admin_login,
                              full_name=spec.admin_full_name.strip(),
                              role=EmployeeRole.ADMIN, department_id=None,
                              password=spec.admin_password)
    finally:
        base.close()


def _drop(server, spec: NewServerBase) -> None:  # noqa: ANN001
    """Nothing half-made stays: the database goes, and the login if it was made."""
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{spec.database}" WITH (FORCE)')
        if conn.scalar(text("select 1 from pg_roles where rolname = :n"),
                       {"n": spec.admin_login}):
            conn.exec_driver_sql(f'DROP ROLE "{spec.admin_login}"')
