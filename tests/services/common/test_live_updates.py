"""Live updates without Qt: notices parsed, a LISTEN connection of its own that survives a
lost server, and the file base's change counter."""

from __future__ import annotations

import json
import logging
import select
import time

import pytest
from sqlalchemy import text

from vostok_desktop.db import OpenedBase, open_base
from vostok_desktop.services.cards.clients import load_client, save_client
from vostok_desktop.services.common.live_updates import (
    CHANNEL,
    ChangeBatch,
    ChangeListener,
    ChangeNotice,
    FileChangeCounter,
)

postgresql_only = pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)
sqlite_only = pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)


def payload(table: str = "clients", op: str = "UPDATE", ids: list[int] | None = None,
            clients: list[int] | None = None, pid: int = 1) -> str:
    return json.dumps({"table": table, "op": op, "ids": ids, "clients": clients, "pid": pid})


def notify(base: OpenedBase, message: str) -> None:
    """What the triggers do: one pg_notify on the see-all channel (the server's secret
    one since schema 0009), committed on another connection."""
    with base.engine.begin() as conn:
        channel = conn.execute(text("SELECT vostok_listen_channel()")).scalar()
        assert channel and channel != CHANNEL
        conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                      {"channel": channel, "payload": message})


def wait_for_notices(listener: ChangeListener, want: int = 1,
                     timeout: float = 10.0) -> list[ChangeNotice]:
    """Drain until ``want`` notices came (the socket is watched like the GUI does)."""
    got: list[ChangeNotice] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        fd = listener.fileno()
        if fd >= 0:
            select.select([fd], [], [], 0.2)
        got += listener.drain()
        if not listener.is_listening:
            break
    return got


# -- payloads -----------------------------------------------------------------------------


def test_a_notice_is_read_from_the_trigger_payload() -> None:
    notice = ChangeNotice.parse(payload("phones", "INSERT", [7, 8], [3], 4242))
    assert notice == ChangeNotice("phones", "INSERT", frozenset({7, 8}), frozenset({3}), 4242)
    many = ChangeNotice.parse(payload("contacts", "DELETE", None, None))
    assert many is not None and many.ids is None and many.clients is None
    # For the clients table the changed rows are the clients themselves.
    own = ChangeNotice.parse(payload("clients", "UPDATE", [5], None))
    assert own is not None and own.clients == frozenset({5})


@pytest.mark.parametrize("garbled", [
    "", "not json", "[1, 2]", "{}", '{"table": "clients"}',
    payload(op="EXPLODE"), payload(ids=["1; DROP TABLE clients"]),  # type: ignore[list-item]
    '{"table": "clients", "op": "UPDATE", "ids": "all"}', b"\xff\xfe",
    '{"table": 5, "op": "UPDATE"}', '{"table": "clients", "op": "UPDATE", "pid": "x"}',
])
def test_a_garbled_payload_is_logged_and_ignored(garbled: str,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert ChangeNotice.parse(garbled) is None
    assert "garbled change notice" in caplog.text


def test_a_burst_merges_into_what_views_need() -> None:
    batch = ChangeBatch()
    batch.add([ChangeNotice.parse(payload("clients", "UPDATE", [1, 2])),  # type: ignore[list-item]
               ChangeNotice.parse(payload("phones", "INSERT", [9], [3]))])
    assert batch.clients() == {1, 2, 3}
    assert batch.rows("clients") == {1, 2} and batch.rows("contacts") == set()
    assert not batch.inserted_or_deleted("clients") and batch.inserted_or_deleted("phones")
    assert batch.touches("phones") and not batch.touches("contacts")
    batch.add([ChangeNotice.parse(payload("contacts", "UPDATE", None, None))])  # type: ignore[list-item]
    assert batch.clients() is None and batch.rows("contacts") is None
    everything = ChangeBatch([ChangeNotice.everything()])
    assert everything.clients() is None and everything.inserted_or_deleted("clients")


# -- server base: LISTEN ----------------------------------------------------------------------


@postgresql_only
def test_the_listener_hears_a_change_committed_elsewhere(empty_base: OpenedBase) -> None:
    listener = ChangeListener.for_engine(empty_base.engine).start()
    try:
        assert listener.drain() == []
        notify(empty_base, payload("clients", "UPDATE", [11], [11], 99))
        (notice,) = wait_for_notices(listener)
        assert notice.table == "clients" and notice.ids == {11} and notice.pid == 99
        # The listening connection is not one of the pool's: the pool can be emptied.
        empty_base.engine.dispose()
        notify(empty_base, payload("contacts", "DELETE", [4], [11]))
        assert [n.table for n in wait_for_notices(listener)] == ["contacts"]
    finally:
        listener.close()


@postgresql_only
def test_a_garbled_notice_does_not_stop_the_listener(empty_base: OpenedBase) -> None:
    listener = ChangeListener.for_engine(empty_base.engine).start()
    try:
        notify(empty_base, "{broken")
        notify(empty_base, payload("phones", "UPDATE", [1], [2]))
        notices = wait_for_notices(listener)
        assert [(n.table, n.clients) for n in notices] == [("phones", frozenset({2}))]
        assert listener.is_listening
    finally:
        listener.close()


@postgresql_only
def test_the_listener_listens_again_after_the_server_dropped_it(empty_base: OpenedBase) -> None:
    listener = ChangeListener.for_engine(empty_base.engine).start()
    try:
        pid = listener.backend_pid()
        with empty_base.engine.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        assert wait_for_notices(listener) == []
        assert not listener.is_listening and listener.lost_reason
        assert listener.reconnect()
        assert listener.backend_pid() != pid
        # What was missed while away: "refresh everything visible", then live notices again.
        notify(empty_base, payload("clients", "UPDATE", [3], [3]))
        notices = wait_for_notices(listener, want=2)
        assert notices[0].is_everything
        assert [n.ids for n in notices[1:]] == [frozenset({3})]
    finally:
        listener.close()


@postgresql_only
def test_a_read_only_base_still_listens(pg_cluster, empty_base: OpenedBase) -> None:  # noqa: ANN001
    reader = open_base(empty_base.location, pg_cluster.password)  # another workstation
    reader.set_read_only(True)
    listener = ChangeListener.for_engine(reader.engine).start()
    try:
        notify(empty_base, payload("clients", "UPDATE", [1], [1]))
        assert [n.table for n in wait_for_notices(listener)] == ["clients"]
    finally:
        listener.close()
        reader.close()


@postgresql_only
def test_saving_a_client_announces_it_to_other_workstations(demo_base: OpenedBase) -> None:
    client_id = 1
    listener = ChangeListener.for_engine(demo_base.engine).start()
    try:
        data = load_client(demo_base, client_id)
        data.short_name = data.short_name + " (изменено)"
        save_client(demo_base, data, None)
        notices = wait_for_notices(listener)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:  # the save may touch several tables
            notices += wait_for_notices(listener, timeout=0.3)
        batch = ChangeBatch(notices)
        assert batch.rows("clients") == {client_id}
        assert client_id in (batch.clients() or set())
        assert all(n.pid != listener.backend_pid() for n in notices)
    finally:
        listener.close()


# -- file base: the change counter --------------------------------------------------------------


@sqlite_only
def test_the_file_counter_notices_a_write_from_another_connection(demo_base: OpenedBase) -> None:
    path = str(demo_base.location.file_path)
    counter = FileChangeCounter(path)
    try:
        assert counter.poll() == []
        other = open_base(demo_base.location)  # another program on the same file
        try:
            data = load_client(other, 2)
            data.short_name += " (изменено)"
            save_client(other, data, None)
        finally:
            other.close()
        batch = ChangeBatch(counter.poll())
        assert batch.rows("clients") == {2} and batch.clients() == {2}
        assert not batch.inserted_or_deleted("clients")
        assert counter.poll() == []  # nothing new since
    finally:
        counter.close()


@sqlite_only
def test_the_file_counter_reports_everything_when_the_log_is_silent(
        demo_base: OpenedBase) -> None:
    counter = FileChangeCounter(str(demo_base.location.file_path))
    try:
        with demo_base.engine.begin() as conn:  # a write that logs nothing
            conn.execute(text("UPDATE clients SET notes = 'x' WHERE id = 3"))
        (notice,) = counter.poll()
        assert notice.is_everything
    finally:
        counter.close()
