"""Which base to open at start, the demo base, and who the current employee is."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text

from vostok_desktop import paths
from vostok_desktop.db import BaseKind, BaseLocation, OpenedBase, open_base
from vostok_desktop.domain import Employee, EmployeeRole
from vostok_desktop.settings import Settings

DEMO_BASE_NAME = "Демонстрационная база"
DEMO_CLIENTS = 3000

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CurrentEmployee:
    id: int | None
    login: str
    full_name: str
    is_admin: bool


def create_demo_base(path: Path, clients: int = DEMO_CLIENTS,
                     progress: ProgressCallback | None = None) -> None:
    """Fill a new file base with demo data; written aside and renamed, so an
    interrupted first start never leaves half a base behind."""
    from vostok_desktop.services.demo.activity import generate_demo_activity
    from vostok_desktop.services.demo.generator import generate_demo_data

    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    base = open_base(BaseLocation.file(partial))
    try:
        generate_demo_data(base, clients, progress=progress)
        if progress:
            progress("Рабочие дела: обращения, ПРиЗ, поручения", 0, 1)
        generate_demo_activity(base)
        with base.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        base.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    os.replace(partial, path)


def ensure_demo_base(settings: Settings, progress: ProgressCallback | None = None) -> BaseLocation:
    path = paths.demo_base_path()
    if not path.exists():
        create_demo_base(path, progress=progress)
    location = BaseLocation.file(path)
    entry = settings.add_base(DEMO_BASE_NAME, location)
    settings.last_base_id = entry.id
    settings.save()
    return location


def choose_start_location(settings: Settings, base_arg: str | None) -> BaseLocation | None:
    """The base to open without asking, or None when the user must choose in the dialog.

    ``--base`` wins; then the base used last time; with no bases at all, the demo base.
    """
    if base_arg:
        return BaseLocation.parse(base_arg)
    last = settings.base_by_id(settings.last_base_id)
    if last is not None:
        return last.location
    if not settings.known_bases:
        return ensure_demo_base(settings)
    return None


def current_employee(base: OpenedBase, settings: Settings) -> CurrentEmployee:
    """On a server base the PostgreSQL login role is the employee; on a file base the
    employee chosen in settings (the demo administrator by default)."""
    with base.sessions() as session:
        if base.location.kind is BaseKind.SERVER:
            login = session.execute(text("select current_user")).scalar_one()
        else:
            login = settings.file_base_login
        employee = session.scalars(select(Employee).where(Employee.login == login)).first()
        if employee is None and base.location.kind is BaseKind.FILE:
            employee = session.scalars(
                select(Employee).where(Employee.role == EmployeeRole.ADMIN).order_by(Employee.id)
            ).first()
        if employee is None:
            if base.location.kind is BaseKind.FILE:
                return CurrentEmployee(None, login, login, True)
            # A server login with no employee card: the server's own administrators
            # (superuser or a role that may create roles) still administer the base.
            is_admin = bool(session.execute(text(
                "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
            )).scalar())
            return CurrentEmployee(None, login, login, is_admin)
        return CurrentEmployee(employee.id, employee.login, employee.full_name,
                               employee.role is EmployeeRole.ADMIN)
