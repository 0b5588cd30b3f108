"""The company's own structure: departments, employees, directions of activity."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, str_enum


class EmployeeRole(enum.StrEnum):
    ADMIN = "admin"
    HEAD = "head"
    MANAGER = "manager"
    SERVICE_ENGINEER = "service_engineer"
    TELEMARKETER = "telemarketer"
    OPERATOR = "operator"


ROLE_TITLES: dict[EmployeeRole, str] = {
    EmployeeRole.ADMIN: "Администратор",
    EmployeeRole.HEAD: "Руководитель",
    EmployeeRole.MANAGER: "Менеджер",
    EmployeeRole.SERVICE_ENGINEER: "Сервисный инженер (СИО)",
    EmployeeRole.TELEMARKETER: "Телемаркетолог",
    EmployeeRole.OPERATOR: "Оператор горячей линии",
}


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)

    employees: Mapped[list[Employee]] = relationship(back_populates="department")


class Employee(Base):
    """A user of the program; on a server base ``login`` is their PostgreSQL role."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(63), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    role: Mapped[EmployeeRole] = mapped_column(str_enum(EmployeeRole), default=EmployeeRole.MANAGER)
    phone_extension: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship(back_populates="employees")


class Direction(Base):
    """A direction of activity (telemarketing, sales, service...) with its own responsible."""

    __tablename__ = "directions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
