"""The data layer's side of surviving faults: the ping reads the schema revision, an open
base turns read-only (and back) in place, and a lost server is told apart from a refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from vostok_desktop.db import (
    BaseError,
    BaseLocation,
    OpenedBase,
    head_revision,
    is_connection_error,
    is_newer_revision,
    is_read_only_refusal,
    make_engine,
    ping,
)

INSERT = text("insert into directions (code, name) values (:code, 'Проверка')")


def test_ping_reads_the_schema_revision(empty_base: OpenedBase) -> None:
    assert ping(empty_base) == head_revision()
    assert not is_newer_revision(head_revision())
    assert is_newer_revision("9999_future")
    assert not is_newer_revision(None)


def test_open_base_turns_read_only_and_back_in_place(empty_base: OpenedBase) -> None:
    engine, sessions = empty_base.engine, empty_base.sessions
    empty_base.set_read_only(True, "Только чтение: проверка")
    assert empty_base.read_only and "Только чтение: проверка" in empty_base.notes
    with pytest.raises(DBAPIError) as refused:
        with sessions.begin() as s:
            s.execute(INSERT, {"code": "ro"})
    assert is_read_only_refusal(refused.value)
    assert not is_connection_error(refused.value)  # a refusal, not a lost server
    assert ping(empty_base) == head_revision()  # reading still works
    empty_base.set_read_only(False)
    with sessions.begin() as s:
        s.execute(INSERT, {"code": "rw"})
    assert empty_base.engine is engine  # the same engine and sessions all along
    with sessions() as s:
        assert s.execute(text("select code from directions where code in ('ro', 'rw')")
                         ).scalars().all() == ["rw"]


@pytest.mark.postgresql
def test_unreachable_server_is_a_connection_error(pg_cluster) -> None:
    location = BaseLocation.parse("postgresql://nobody@127.0.0.1:1/none")
    engine = make_engine(location, "x")
    try:
        with pytest.raises(OperationalError) as lost:
            with engine.connect() as connection:
                connection.execute(text("select 1"))
        assert is_connection_error(lost.value)
        assert not is_read_only_refusal(lost.value)
        base = OpenedBase(location, engine, None)  # type: ignore[arg-type]
        with pytest.raises(BaseError, match="Сервер недоступен"):
            ping(base)
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_statement_timeout_is_not_a_lost_connection(pg_cluster) -> None:
    location = BaseLocation.parse(pg_cluster.url().render_as_string(hide_password=False))
    engine = make_engine(location, pg_cluster.password, statement_timeout_ms=50)
    try:
        with pytest.raises(OperationalError) as slow:
            with engine.connect() as connection:
                connection.execute(text("select pg_sleep(1)"))
        assert not is_connection_error(slow.value)
    finally:
        engine.dispose()
