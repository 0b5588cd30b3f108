"""A new server base made from the program on a real PostgreSQL cluster: the
administrator logs in with their own login and may work; a refused or failed creation
names the reason and leaves nothing on the server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from vostok_desktop.db import head_revision, open_base, schema_state
from vostok_desktop.domain import Employee, EmployeeRole
from vostok_desktop.pg_cluster import ThrowawayCluster
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.common import server_setup
from vostok_desktop.services.common.server_setup import NewServerBase, ServerSetupError

pytestmark = pytest.mark.postgresql
ADMIN_PASSWORD = "Админ-пароль-1"


@pytest.fixture
def spec(pg_cluster: ThrowawayCluster) -> Iterator[NewServerBase]:
    tag = uuid.uuid4().hex[:8]
    made = NewServerBase(host="127.0.0.1", port=pg_cluster.port, database=f"office_{tag}",
                         superuser=pg_cluster.superuser,
                         superuser_password=pg_cluster.password,
                         admin_login=f"adm_{tag}", admin_full_name="Смирнова Анна Петровна",
                         admin_password=ADMIN_PASSWORD)
    yield made
    pg_cluster.drop_database(made.database)
    for login in (made.admin_login, f"staff_{tag}"):
        pg_cluster.psql(f'DROP ROLE IF EXISTS "{login}"')


def _exists(cluster: ThrowawayCluster, spec: NewServerBase) -> tuple[bool, bool]:
    database = cluster.psql(f"select count(*) from pg_database where datname = '{spec.database}'")
    role = cluster.psql(f"select count(*) from pg_roles where rolname = '{spec.admin_login}'")
    return database == "1", role == "1"


def test_the_administrator_logs_in_with_their_own_login_and_can_add_staff(
        pg_cluster: ThrowawayCluster, spec: NewServerBase) -> None:
    stages: list[str] = []
    location = server_setup.create_server_base(spec, lambda s, _d, _t: stages.append(s))
    assert location.login == spec.admin_login
    assert stages[0] == "Проверка сервера" and stages[-1] == "Готово"
    base = open_base(location, ADMIN_PASSWORD)
    try:
        assert schema_state(base.engine).current == head_revision()
        with base.sessions() as s:
            me = s.scalars(select(Employee).where(Employee.login == spec.admin_login)).one()
            assert (me.full_name, me.role) == ("Смирнова Анна Петровна", EmployeeRole.ADMIN)
        staff = "staff_" + spec.admin_login.removeprefix("adm_")
        access.create_account(base, login=staff, full_name="Петров Пётр",
                              role=EmployeeRole.MANAGER, department_id=None,
                              password="Менеджер-пароль-1")
    finally:
        base.close()
    staff_base = open_base(spec.location(staff), "Менеджер-пароль-1")
    staff_base.close()
    # The administrator is an ordinary login: no superuser, no CREATEROLE.
    flags = pg_cluster.psql("select rolsuper::text || rolcreaterole::text from pg_roles "
                            f"where rolname = '{spec.admin_login}'")
    assert flags == "falsefalse"


def test_an_existing_database_is_refused_and_left_alone(pg_cluster: ThrowawayCluster,
                                                        spec: NewServerBase) -> None:
    pg_cluster.create_database(spec.database)
    pg_cluster.psql("create table keep_me (id int)", database=spec.database)
    with pytest.raises(ServerSetupError, match=f"База «{spec.database}» на сервере уже есть"):
        server_setup.create_server_base(spec)
    assert pg_cluster.psql("select count(*) from keep_me", database=spec.database) == "0"
    assert _exists(pg_cluster, spec) == (True, False)


def test_a_login_that_is_not_a_superuser_is_refused(pg_cluster: ThrowawayCluster,
                                                    spec: NewServerBase) -> None:
    plain = f"plain_{uuid.uuid4().hex[:6]}"
    pg_cluster.psql(f"create role \"{plain}\" login password 'plain-pass-1' createdb")
    try:
        with pytest.raises(ServerSetupError, match=f"«{plain}» не суперпользователь"):
            server_setup.create_server_base(NewServerBase(
                **{**spec.__dict__, "superuser": plain, "superuser_password": "plain-pass-1"}))
    finally:
        pg_cluster.psql(f'drop role "{plain}"')
    assert _exists(pg_cluster, spec) == (False, False)


@pytest.mark.parametrize(("change", "message"), [
    ({"database": "Офис"}, "Имя базы «Офис»"),
    ({"admin_login": "Admin Boss"}, "Логин: латинские строчные"),
    ({"admin_password": "short"}, "Пароль короче 8 знаков"),
    ({"admin_full_name": "  "}, "Не заполнено: ФИО администратора"),
    ({"superuser_password": "wrong-password"}, "неверный логин или пароль"),
])
def test_bad_requests_name_what_is_wrong_and_make_nothing(
        pg_cluster: ThrowawayCluster, spec: NewServerBase, change: dict[str, str],
        message: str) -> None:
    with pytest.raises(ServerSetupError, match=message):
        server_setup.create_server_base(NewServerBase(**{**spec.__dict__, **change}))
    assert _exists(pg_cluster, spec) == (False, False)


def test_a_failure_after_the_database_was_made_drops_it(
        pg_cluster: ThrowawayCluster, spec: NewServerBase,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = access.create_account

    def create_then_fail(base, **kwargs):  # noqa: ANN001, ANN003, ANN202
        real(base, **kwargs)  # the login exists on the server now
        raise RuntimeError("сервер упал")

    monkeypatch.setattr(access, "create_account", create_then_fail)
    with pytest.raises(RuntimeError, match="сервер упал"):
        server_setup.create_server_base(spec)
    assert _exists(pg_cluster, spec) == (False, False)
