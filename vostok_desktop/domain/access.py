"""Rights, roles and client visibility («права и ограничение видимости клиентской базы»).

The tables are the same in both kinds of base: on a file base they only grey out
actions; on a server base PostgreSQL itself enforces them (row-level security and
rights triggers, migration 0007), so a user's own psql login gets no further than the
program.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow
from vostok_desktop.domain.org import EmployeeRole


class Visibility(enum.StrEnum):
    """Which clients a role sees."""

    ALL = "all"
    DEPARTMENT = "department"  # clients whose responsible (or creator) is in my department
    OWN = "own"  # clients where I am responsible for some direction (or that I created)


VISIBILITY_TITLES: dict[Visibility, str] = {
    Visibility.ALL: "Все клиенты",
    Visibility.DEPARTMENT: "Клиенты своего отдела",
    Visibility.OWN: "Только свои клиенты",
}


class Right(enum.StrEnum):
    """A right to perform an action; checked by the program and by the database."""

    CLIENT_CREATE = "client.create"
    CLIENT_EDIT = "client.edit"
    CLIENT_DELETE = "client.delete"
    CLIENT_MERGE = "client.merge"
    CLIENT_IMPORT = "client.import"
    EXPORT_EXCEL = "export.excel"
    PRINT_MASS = "print.mass"
    SETTINGS_HOTLINE = "settings.hotline"
    SETTINGS_WORK = "settings.work"
    TEMPLATES_EDIT = "templates.edit"
    CHANGELOG_RESTORE = "changelog.restore"
    USERS_ADMIN = "users.admin"
    DISTRIBUTIVES_MOVE = "distributives.move"
    DISTRIBUTIVES_STOCK = "distributives.stock"
    DISTRIBUTIVES_FILES = "distributives.files"
    DISTRIBUTIVES_CATALOGUE = "distributives.catalogue"
    REFERENCE_EDIT = "reference.edit"
    MONEY_PRICES = "money.prices"
    MONEY_DISCOUNTS = "money.discounts"
    MONEY_DOCUMENTS = "money.documents"
    MONEY_PAYMENTS = "money.payments"
    MONEY_QUOTAS = "money.quotas"
    KPI_SETUP = "kpi.setup"
    KPI_PLANS = "kpi.plans"
    SALES_SETUP = "sales.setup"
    SALES_LEADS = "sales.leads"
    CAMPAIGNS_MANAGE = "campaigns.manage"
    COMPETITORS_CATALOGUE = "competitors.catalogue"
    EDUCATION_EVENTS = "education.events"


RIGHT_TITLES: dict[Right, str] = {
    Right.CLIENT_CREATE: "Создание клиентов и контактных лиц",
    Right.CLIENT_EDIT: "Изменение клиентов и контактных лиц",
    Right.CLIENT_DELETE: "Пометка клиентов на удаление и удаление",
    Right.CLIENT_MERGE: "Объединение дублей клиентов",
    Right.CLIENT_IMPORT: "Загрузка клиентов из файла",
    Right.EXPORT_EXCEL: "Выгрузка списков и отчётов в Excel",
    Right.PRINT_MASS: "Массовая печать",
    Right.SETTINGS_HOTLINE: "Настройка горячей линии",
    Right.SETTINGS_WORK: "Настройка поручений и плана распределения",
    Right.TEMPLATES_EDIT: "Изменение шаблонов печатных форм",
    Right.CHANGELOG_RESTORE: "Восстановление значений из журнала изменений",
    Right.USERS_ADMIN: "Пользователи и права",
    Right.DISTRIBUTIVES_MOVE: "Движение дистрибутивов",
    Right.DISTRIBUTIVES_STOCK: "Склад",
    Right.DISTRIBUTIVES_FILES: "ЗВЭ/КЦ файлы",
    Right.DISTRIBUTIVES_CATALOGUE: "Каталог систем КонсультантПлюс",
    Right.REFERENCE_EDIT: "Справочники",
    Right.MONEY_PRICES: "Прейскуранты",
    Right.MONEY_DISCOUNTS: "Скидки и VIP-программы",
    Right.MONEY_DOCUMENTS: "Выписка счетов и актов",
    Right.MONEY_PAYMENTS: "Платежи",
    Right.MONEY_QUOTAS: "Квоты КК/ОГ",
    Right.KPI_SETUP: "Настройка показателей KPI",
    Right.KPI_PLANS: "Планы KPI",
    Right.SALES_SETUP: "Настройка продаж",
    Right.SALES_LEADS: "Загрузка заявок",
    Right.CAMPAIGNS_MANAGE: "Кампании обзвона",
    Right.COMPETITORS_CATALOGUE: "Справочник конкурентов",
    Right.EDUCATION_EVENTS: "Учебный центр",
}

# What a new base gives each role; administrators change it in «Пользователи и права».
DEFAULT_ROLE_RIGHTS: dict[EmployeeRole, frozenset[Right]] = {
    EmployeeRole.ADMIN: frozenset(Right),
    EmployeeRole.HEAD: frozenset(Right) - {Right.USERS_ADMIN, Right.CHANGELOG_RESTORE},
    EmployeeRole.MANAGER: frozenset({Right.CLIENT_CREATE, Right.CLIENT_EDIT,
                                     Right.EXPORT_EXCEL, Right.PRINT_MASS,
                                     Right.DISTRIBUTIVES_MOVE, Right.MONEY_DOCUMENTS}),
    EmployeeRole.SERVICE_ENGINEER: frozenset({Right.CLIENT_EDIT, Right.PRINT_MASS,
                                              Right.DISTRIBUTIVES_MOVE}),
    EmployeeRole.TELEMARKETER: frozenset({Right.CLIENT_CREATE, Right.CLIENT_EDIT}),
    EmployeeRole.OPERATOR: frozenset({Right.CLIENT_CREATE, Right.CLIENT_EDIT}),
}

DEFAULT_ROLE_VISIBILITY: dict[EmployeeRole, Visibility] = {
    EmployeeRole.ADMIN: Visibility.ALL,
    EmployeeRole.HEAD: Visibility.ALL,
    EmployeeRole.MANAGER: Visibility.DEPARTMENT,
    EmployeeRole.SERVICE_ENGINEER: Visibility.OWN,
    EmployeeRole.TELEMARKETER: Visibility.OWN,
    # A hot-line operator answers any caller, so sees every client.
    EmployeeRole.OPERATOR: Visibility.ALL,
}


def group_role_name(role: EmployeeRole | str) -> str:
    """The PostgreSQL group role that carries a job role's privileges."""
    return f"vostok_{EmployeeRole(role).value}"


USER_GROUP = "vostok_user"  # every employee: the table privileges
SEE_ALL_GROUP = "vostok_see_all"  # RLS: policies that let everything through
SEE_LIMITED_GROUP = "vostok_see_limited"  # RLS: department / own clients only


class AccessRight(Base):
    """The catalogue of rights, so the database can name a refused right in Russian."""

    __tablename__ = "access_rights"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


class AccessRole(Base):
    """A job role's visibility rule."""

    __tablename__ = "access_roles"

    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.ALL)


class RoleRight(Base):
    __tablename__ = "role_rights"

    role: Mapped[str] = mapped_column(ForeignKey("access_roles.role", ondelete="CASCADE"),
                                      primary_key=True)
    right_code: Mapped[str] = mapped_column(
        ForeignKey("access_rights.code", ondelete="CASCADE"), primary_key=True)


class ExportRecord(Base):
    """One export or mass printing: who, what, how many rows (ФЗ №98 «О коммерческой тайне»)."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    exported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    login: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(40))
    what: Mapped[str] = mapped_column(String(300))
    row_count: Mapped[int]
