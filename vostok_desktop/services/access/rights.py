"""Rights, roles, logins and the export log. No Qt.

On a server base every employee is a PostgreSQL login role, a member of the group role
of their job (``vostok_manager``…, which carries the table privileges through
``vostok_user``) and of one visibility group (``vostok_see_all`` or
``vostok_see_limited``, which the row-level security policies of migration 0007 key
on). The database refuses what a role may not do; the program reads the same tables to
grey out what would be refused. On a file base the rights only grey out actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from vostok_desktop.db import BaseKind, OpenedBase
from vostok_desktop.domain import Department, Employee, EmployeeRole
from vostok_desktop.domain.access import (
    RIGHT_TITLES,
    SEE_ALL_GROUP,
    SEE_LIMITED_GROUP,
    AccessRight,
    AccessRole,
    ExportRecord,
    Right,
    RoleRight,
    Visibility,
    group_role_name,
)
from vostok_desktop.domain.base import utcnow

T = TypeVar("T")
LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_.]{1,62}$")
MIN_PASSWORD = 8


class AccessDenied(Exception):
    """The base (or the program, on a file base) refused an action; Russian message."""

    def __init__(self, message: str, right: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.right = right


class AccessError(ValueError):
    """Bad input to an administration action (a wrong login, a short password…)."""


@dataclass(frozen=True)
class AccessProfile:
    """What the current login may do and see."""

    rights: frozenset[str]
    visibility: Visibility
    role: str | None

    def allows(self, right: Right | str) -> bool:
        return str(right) in self.rights


FULL_ACCESS = AccessProfile(frozenset(r.value for r in Right), Visibility.ALL, None)


def right_title(right: Right | str) -> str:
    try:
        return RIGHT_TITLES[Right(right)]
    except ValueError:
        return str(right)


def refusal(right: Right | str) -> AccessDenied:
    return AccessDenied(f"Нет права «{right_title(right)}». Обратитесь к администратору.",
                        str(right))


def describe_refusal(exc: BaseException) -> AccessDenied | None:
    """The user's message for a database refusal (rights trigger, privilege, RLS); None
    when ``exc`` is something else."""
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate != "42501":  # insufficient_privilege (our RAISE, GRANTs and RLS alike)
        return None
    diag = getattr(orig, "diag", None)
    primary = (getattr(diag, "message_primary", None) or str(orig)).strip()
    hint = getattr(diag, "message_hint", None)
    if primary.startswith("Нет права"):
        return AccessDenied(primary + ". Обратитесь к администратору.", hint)
    if "row-level security" in primary:
        return AccessDenied("Запись недоступна: она вне видимой вам части клиентской базы.")
    match = re.search(r"permission denied for (?:table|relation) (\w+)", primary)
    if match:
        return AccessDenied(f"Нет прав на изменение данных «{match.group(1)}». "
                            "Обратитесь к администратору.")
    return AccessDenied(f"Сервер отказал: {primary}")


def guarded(action: Callable[[], T]) -> T:
    """Run a write; a database refusal comes out as AccessDenied with a Russian message."""
    try:
        return action()
    except DBAPIError as exc:
        denied = describe_refusal(exc)
        if denied is not None:
            raise denied from None
        raise


# -- the current login ------------------------------------------------------------------

def load_profile(base: OpenedBase, employee_id: int | None) -> AccessProfile:
    """The rights of the employee working now. A server login that owns the base or is a
    superuser has every right (the database lets it do everything anyway)."""
    if base.schema is not None and base.schema.current is not None and \
            base.schema.current < "0007":
        return FULL_ACCESS  # an outdated base opened read-only: nothing to grey out
    with base.engine.connect() as conn:
        if base.location.kind is BaseKind.SERVER and conn.scalar(
                text("select vostok_is_privileged()")):
            return FULL_ACCESS
        if employee_id is None:
            return FULL_ACCESS if base.location.kind is BaseKind.FILE else AccessProfile(
                frozenset(), Visibility.OWN, None)
        role = conn.scalar(select(Employee.role).where(Employee.id == employee_id))
        if role is None:
            return AccessProfile(frozenset(), Visibility.OWN, None)
        role = str(getattr(role, "value", role))
        rights = frozenset(conn.scalars(select(RoleRight.right_code)
                                        .where(RoleRight.role == role)))
        visibility = conn.scalar(select(AccessRole.visibility)
                                 .where(AccessRole.role == role)) or Visibility.ALL
    return AccessProfile(rights, Visibility(visibility), role)


def require(profile: AccessProfile, right: Right | str) -> None:
    if not profile.allows(right):
        raise refusal(right)


# -- the export log -----------------------------------------------------------------------

def record_export(base: OpenedBase, profile: AccessProfile, employee_id: int | None,
                  kind: str, what: str, row_count: int) -> None:
    """Record an export («excel») or a mass printing («print»): who, what, how many rows.
    Refused (AccessDenied) without the right; on a server base the database checks it."""
    right = Right.PRINT_MASS if kind == "print" else Right.EXPORT_EXCEL
    require(profile, right)
    try:
        with base.engine.begin() as conn:
            if base.dialect == "postgresql":
                conn.execute(text("select vostok_record_export(:k, :w, :n)"),
                             {"k": kind, "w": what[:300], "n": row_count})
            else:
                login = conn.scalar(select(Employee.login).where(Employee.id == employee_id))
                conn.execute(insert(ExportRecord).values(
                    exported_at=utcnow(), employee_id=employee_id, login=login or "",
                    kind=kind, what=what[:300], row_count=row_count))
    except DBAPIError as exc:
        denied = describe_refusal(exc)
        if denied is not None:
            raise denied from None
        raise


def export_log(base: OpenedBase, limit: int = 500) -> list[ExportRecord]:
    with base.sessions() as s:
        return list(s.scalars(select(ExportRecord).order_by(ExportRecord.exported_at.desc(),
                                                            ExportRecord.id.desc())
                              .limit(limit)))


# -- roles and rights (administrators) -----------------------------------------------------

@dataclass
class RoleInfo:
    role: str
    title: str
    visibility: Visibility
    rights: set[str]


def list_roles(base: OpenedBase) -> list[RoleInfo]:
    with base.sessions() as s:
        granted: dict[str, set[str]] = {}
        for role, code in s.execute(select(RoleRight.role, RoleRight.right_code)):
            granted.setdefault(role, set()).add(code)
        order = {r.value: i for i, r in enumerate(EmployeeRole)}
        roles = sorted(s.scalars(select(AccessRole)), key=lambda r: order.get(r.role, 99))
        return [RoleInfo(r.role, r.title, Visibility(r.visibility), granted.get(r.role, set()))
                for r in roles]


def list_rights(base: OpenedBase) -> list[tuple[str, str]]:
    with base.sessions() as s:
        titles = dict(s.execute(select(AccessRight.code, AccessRight.title)).tuples().all())
    ordered = [r.value for r in Right if r.value in titles]
    return [(code, titles[code]) for code in ordered + sorted(set(titles) - set(ordered))]


def save_role(base: OpenedBase, role: str, rights: Iterable[str],
              visibility: Visibility) -> None:
    """Store a role's rights and visibility in one transaction; on a server base the
    role's logins move to the matching visibility group in the same transaction."""
    wanted = set(rights)
    unknown = wanted - {code for code, _ in list_rights(base)}
    if unknown:
        raise AccessError(f"Неизвестные права: {', '.join(sorted(unknown))}")
    with _admin_transaction(base) as conn:
        conn.execute(update(AccessRole).where(AccessRole.role == role)
                     .values(visibility=visibility))
        conn.execute(delete(RoleRight).where(RoleRight.role == role))
        if wanted:
            conn.execute(insert(RoleRight), [{"role": role, "right_code": c}
                                             for c in sorted(wanted)])
        if base.location.kind is BaseKind.SERVER:
            for login in conn.scalars(select(Employee.login).where(Employee.role == role)):
                if _role_exists(conn, login):
                    conn.execute(text("select vostok_sync_login(:l)"), {"l": login})


# -- employees and their logins (administrators) ------------------------------------------

@dataclass
class EmployeeAccount:
    id: int
    login: str
    full_name: str
    role: str
    department: str | None
    is_active: bool
    has_login: bool  # a PostgreSQL role exists (server base)


def list_accounts(base: OpenedBase) -> list[EmployeeAccount]:
    with base.engine.connect() as conn:
        rows = conn.execute(
            select(Employee.id, Employee.login, Employee.full_name, Employee.role,
                   Department.name, Employee.is_active)
            .outerjoin(Department, Department.id == Employee.department_id)
            .order_by(Employee.full_name)).all()
        logins: set[str] = set()
        if base.location.kind is BaseKind.SERVER:
            logins = set(conn.scalars(text("select rolname from pg_roles where rolcanlogin")))
    return [EmployeeAccount(r[0], r[1], r[2], str(getattr(r[3], "value", r[3])), r[4], r[5],
                            r[1] in logins or base.location.kind is BaseKind.FILE)
            for r in rows]


def validate_login(login: str) -> str:
    login = login.strip()
    if not LOGIN_RE.match(login):
        raise AccessError("Логин: латинские строчные буквы, цифры, «_» и «.», от 2 до 63 "
                          "знаков, первый знак — буква или «_»")
    if login.startswith(("pg_", "vostok_")):
        raise AccessError("Логины на «pg_» и «vostok_» заняты сервером и программой")
    return login


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"Пароль короче {MIN_PASSWORD} знаков")


def create_account(base: OpenedBase, *, login: str, full_name: str, role: EmployeeRole,
                   department_id: int | None, password: str | None,
                   extension: str | None = None, email: str | None = None) -> int:
    """A new employee and, on a server base, their PostgreSQL login in the groups of the
    role, all in one transaction. Returns the employee id."""
    login = validate_login(login)
    if not full_name.strip():
        raise AccessError("Не указаны фамилия, имя, отчество")
    if base.location.kind is BaseKind.SERVER:
        if password is None:
            raise AccessError("Для входа на сервер нужен начальный пароль")
        validate_password(password)
    with _admin_transaction(base) as conn:
        if conn.scalar(select(Employee.id).where(Employee.login == login)) is not None:
            raise AccessError(f"Сотрудник с логином «{login}» уже есть")
        employee_id = conn.execute(insert(Employee).values(
            login=login, full_name=full_name.strip(), role=role, department_id=department_id,
            phone_extension=extension or None, email=email or None, is_active=True,
        ).returning(Employee.id)).scalar_one()
        if base.location.kind is BaseKind.SERVER:
            # The server checks the right, the name and that no such role exists; the
            # password reaches it only as a SCRAM verifier.
            conn.execute(text("select vostok_create_login(:l, :p)"),
                         {"l": login, "p": _password_verifier(conn, login, password or "")})
    return employee_id


def ensure_login(base: OpenedBase, employee_id: int, password: str) -> None:
    """Give an existing employee a server login (or a new password and the right groups)."""
    validate_password(password)
    with _admin_transaction(base) as conn:
        login = conn.scalar(select(Employee.login).where(Employee.id == employee_id))
        if login is None:
            raise AccessError("Сотрудник не найден (возможно, удалён)")
        validate_login(login)
        verifier = _password_verifier(conn, login, password)
        if _role_exists(conn, login):
            conn.execute(text("select vostok_set_login_password(:l, :p)"),
                         {"l": login, "p": verifier})
            conn.execute(text("select vostok_sync_login(:l)"), {"l": login})
        else:
            conn.execute(text("select vostok_create_login(:l, :p)"),
                         {"l": login, "p": verifier})


def update_account(base: OpenedBase, employee_id: int, *, role: EmployeeRole,
                   department_id: int | None, is_active: bool) -> None:
    """Change an employee's role, department or whether they may log in."""
    with _admin_transaction(base) as conn:
        login = conn.scalar(select(Employee.login).where(Employee.id == employee_id))
        if login is None:
            raise AccessError("Сотрудник не найден (возможно, удалён)")
        conn.execute(update(Employee).where(Employee.id == employee_id).values(
            role=role, department_id=department_id, is_active=is_active))
        if base.location.kind is BaseKind.SERVER and _role_exists(conn, login):
            conn.execute(text("select vostok_sync_login(:l)"), {"l": login})


def set_password(base: OpenedBase, login: str, password: str) -> None:
    """An administrator sets someone's password (the user then changes it)."""
    validate_password(password)
    with _admin_transaction(base) as conn:
        login = validate_login(login)
        conn.execute(text("select vostok_set_login_password(:l, :p)"),
                     {"l": login, "p": _password_verifier(conn, login, password)})


def change_own_password(base: OpenedBase, new_password: str) -> None:
    """The user changes their own password (PostgreSQL lets a role do that itself)."""
    if base.location.kind is not BaseKind.SERVER:
        raise AccessError("У файловой базы нет паролей")
    validate_password(new_password)
    with base.engine.begin() as conn:
        login = conn.scalar(text("select session_user"))
        verifier = _password_verifier(conn, login, new_password)
        conn.exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD {_literal(verifier)}")


def ensure_group_roles(conn: Connection) -> None:
    """Create the cluster-wide group roles the schema's grants name (migration 0007
    does it too). ``pg_dump`` does not carry roles: restoring a base onto a new server
    needs them first."""
    groups = ["vostok_user", SEE_ALL_GROUP, SEE_LIMITED_GROUP,
              *[group_role_name(r) for r in EmployeeRole]]
    # The last is the owner of the login functions (migration 0009): the only role with
    # CREATEROLE, never a login, nobody's group.
    for group, options in [*((g, "NOLOGIN") for g in groups),
                           (LOGIN_ADMIN_ROLE, "NOLOGIN CREATEROLE")]:
        conn.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} {options}; END IF; END $$")
    for role in EmployeeRole:
        conn.exec_driver_sql(f"GRANT vostok_user TO {group_role_name(role)}")


# Migration 0009 ``LOGIN_ADMIN``.
LOGIN_ADMIN_ROLE = "vostok_login_admin"

# Kept in step with migration 0007 ``_LEAKPROOF``.
LEAKPROOF_SEARCH_FUNCTIONS = (
    "textlike(text, text)", "texticlike(text, text)", "textnlike(text, text)",
    "text_pattern_lt(text, text)", "text_pattern_le(text, text)",
    "text_pattern_ge(text, text)", "text_pattern_gt(text, text)")


def ensure_server_prerequisites(conn: Connection) -> list[str]:
    """What a server base needs outside its own dump: the group roles and, for a
    superuser, the LEAKPROOF marks that let searches under row-level security use
    indexes (they live in pg_catalog, so a restored base lacks them). Returns notes."""
    ensure_group_roles(conn)
    if conn.scalar(text("select rolsuper from pg_roles where rolname = current_user")):
        for fn in LEAKPROOF_SEARCH_FUNCTIONS:
            conn.exec_driver_sql(f"ALTER FUNCTION pg_catalog.{fn} LEAKPROOF")
        return []
    return ["Операторы поиска не помечены LEAKPROOF (нужен суперпользователь): поиск "
            "с ограничением видимости не использует индексы и будет медленным"]


# -- helpers -------------------------------------------------------------------------------

class _admin_transaction:  # noqa: N801 - used as a context manager like engine.begin()
    """One transaction; a database refusal becomes AccessDenied with a Russian message."""

    def __init__(self, base: OpenedBase) -> None:
        self._cm = base.engine.begin()

    def __enter__(self) -> Connection:
        return self._cm.__enter__()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self._cm.__exit__(exc_type, exc, tb)
        if isinstance(exc, DBAPIError):
            denied = describe_refusal(exc)
            if denied is not None:
                raise denied from None
            if getattr(exc.orig, "sqlstate", None) == "22023":  # the login functions' checks
                diag = getattr(exc.orig, "diag", None)
                raise AccessError(getattr(diag, "message_primary", None)
                                  or str(exc.orig).strip()) from None
        return False


def _ident(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _literal(value: str) -> str:
    # standard_conforming_strings is on since PostgreSQL 9.1: only quotes need doubling.
    if "\x00" in value:
        raise AccessError("Пароль содержит недопустимый символ")
    return "'" + value.replace("'", "''") + "'"


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.scalar(text("select 1 from pg_roles where rolname = :n"), {"n": name}))


def _password_verifier(conn: Connection, login: str, password: str) -> str:
    """The SCRAM verifier of a password, made on this side (libpq), so that the plain
    password never reaches the server, its logs or pg_stat_activity."""
    dbapi = conn.connection.dbapi_connection
    pgconn = getattr(dbapi, "pgconn", None)
    if pgconn is None:  # not psycopg 3: the server hashes it itself
        return password
    return bytes(pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"),
                                         b"scram-sha-256")).decode("ascii")


# -- for the «Пользователи и права» dialog (added with the GUI) -----------------------------

def list_departments(base: OpenedBase) -> list[tuple[int, str]]:
    """Departments to choose from, by name."""
    with base.engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(
            select(Department.id, Department.name).order_by(Department.name))]


def account_department(base: OpenedBase, employee_id: int) -> int | None:
    """The department an employee is in now (the edit dialog starts from it)."""
    with base.engine.connect() as conn:
        return conn.scalar(select(Employee.department_id).where(Employee.id == employee_id))


def check_own_password(base: OpenedBase, password: str) -> bool:
    """Whether ``password`` is the current login's password: a fresh connection with it.
    A refusal for another reason (the server is away) raises AccessError with it."""
    if base.location.kind is not BaseKind.SERVER:
        raise AccessError("У файловой базы нет паролей")
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(base.engine.url.set(password=password), poolclass=NullPool,
                           connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            return True
    except DBAPIError as exc:
        from vostok_desktop.db import describe_connection_error

        reason = describe_connection_error(exc)
        # libpq reports a refused password at connect without a SQLSTATE; read the text.
        if getattr(exc.orig, "sqlstate", None) == "28P01" or "неверный логин или пароль" in reason:
            return False
        raise AccessError(f"Пароль не проверен: {reason}") from None
    finally:
        engine.dispose()


def use_new_password(base: OpenedBase, password: str) -> None:
    """After the login's password changed: the open base's new connections (reconnects
    after a lost server, the schema upgrade) use the new one."""
    from sqlalchemy import event

    base.engine.url = base.engine.url.set(password=password)

    def _connect_with_new(_dialect: Any, _record: Any, _cargs: Any,
                          cparams: dict[str, Any]) -> None:
        cparams["password"] = password

    event.listen(base.engine, "do_connect", _connect_with_new)


__all__ = [
    "FULL_ACCESS", "AccessDenied", "AccessError", "AccessProfile", "EmployeeAccount",
    "RoleInfo", "change_own_password", "create_account", "describe_refusal", "ensure_login",
    "ensure_group_roles", "ensure_server_prerequisites", "export_log", "guarded", "list_accounts", "list_rights", "list_roles", "load_profile",
    "record_export", "refusal", "require", "right_title", "save_role", "set_password",
    "update_account", "validate_login", "validate_password",
    "account_department", "check_own_password", "list_departments", "use_new_password",
]
