"""Opening bases: a file base upgrades itself; an outdated server base is read-only
for everyone but an administrator who agrees to upgrade."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vostok_desktop import db
from vostok_desktop.db import BaseError, BaseLocation, SchemaNewerError, open_base


@pytest.mark.postgresql
def test_outdated_server_base_opens_read_only_and_says_why(pg_cluster, pg_template,
                                                           monkeypatch) -> None:
    pg_cluster.create_database("old_schema", template=pg_template)
    location = BaseLocation.parse(pg_cluster.url("old_schema").render_as_string(
        hide_password=False))
    # The program now knows one revision more than the base has.
    monkeypatch.setattr(db, "head_revision", lambda: "0002_future")
    base = open_base(location, pg_cluster.password)
    try:
        assert base.read_only
        assert "Схема базы устарела" in base.notes[0]
        with pytest.raises(DBAPIError, match="read-only transaction"):
            with base.engine.begin() as connection:
                connection.execute(text(
                    "insert into directions (code, name) values ('x', 'Проверка')"))
    finally:
        base.close()
        pg_cluster.drop_database("old_schema")


def test_base_from_a_newer_program_is_refused(tmp_path) -> None:
    path = tmp_path / "newer.sqlite"
    open_base(BaseLocation.file(path)).close()
    base = open_base(BaseLocation.file(path))
    with base.engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '9999_future'"))
    base.close()
    with pytest.raises(SchemaNewerError, match="более новой версией"):
        open_base(BaseLocation.file(path))


@pytest.mark.postgresql
def test_unreachable_server_and_wrong_password_are_named(pg_cluster) -> None:
    location = BaseLocation.parse(pg_cluster.url().render_as_string(hide_password=False))
    with pytest.raises(BaseError, match="неверный логин или пароль"):
        open_base(location, "wrong-password")
    closed = BaseLocation.parse("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(BaseError, match="Сервер недоступен"):
        open_base(closed, "x")


@pytest.mark.postgresql
def test_an_agreed_upgrade_is_not_cut_by_the_interactive_statement_timeout(
        pg_cluster, monkeypatch) -> None:
    """`vostok db upgrade` on a big base: building an index over ten million movements
    takes seconds, longer than the program lets one interactive query run. Here the
    interactive limit is 300 ms and the migration's first statement takes a second."""
    real_engine, real_upgrade = db.make_engine, db.upgrade_schema

    def impatient(location, password=None, *args, **kwargs):  # noqa: ANN001, ANN202
        kwargs.setdefault("statement_timeout_ms", 300)
        return real_engine(location, password, *args, **kwargs)

    def slow_upgrade(engine):  # noqa: ANN001, ANN202
        with engine.connect() as conn:
            conn.execute(text("select pg_sleep(1)"))  # a long CREATE INDEX
        return real_upgrade(engine)

    monkeypatch.setattr(db, "make_engine", impatient)
    monkeypatch.setattr(db, "upgrade_schema", slow_upgrade)
    pg_cluster.create_database("to_upgrade")
    location = BaseLocation.parse(pg_cluster.url("to_upgrade").render_as_string(
        hide_password=False))
    try:
        base = open_base(location, pg_cluster.password, allow_upgrade=True)
        try:
            assert base.schema is not None and base.schema.is_current
            assert not base.read_only
        finally:
            base.close()
    finally:
        pg_cluster.drop_database("to_upgrade")
