"""Shared fixtures: a private settings folder per test, real bases on both dialects.

The PostgreSQL tests run against a throwaway cluster this test run starts itself
(vostok_desktop.pg_cluster). Without server binaries they are skipped loudly, except
under CI=true, where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from vostok_desktop.db import BaseLocation, OpenedBase, open_base, upgrade_schema  # noqa: E402
from vostok_desktop.pg_cluster import ClusterUnavailable, ThrowawayCluster  # noqa: E402

DIALECTS = ["sqlite", "postgresql"]
_PG_SKIP_NOTICE: list[str] = []


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in memory (for tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The OS keyring replaced by one in memory for the test."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def vostok_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings and data folders: nothing touches the user's."""
    home = tmp_path_factory.mktemp("vostok_home")
    monkeypatch.setenv("VOSTOK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    try:
        cluster = ThrowawayCluster().start()
    except ClusterUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL is missing: {exc}", pytrace=False)
        _PG_SKIP_NOTICE.append(str(exc))
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: ThrowawayCluster) -> str:
    """A migrated, empty database to copy: CREATE DATABASE … TEMPLATE is fast."""
    name = "vostok_template"
    pg_cluster.create_database(name)
    base = open_base(_pg_location(pg_cluster, name), pg_cluster.password)
    base.close()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "template.sqlite"
    base = open_base(BaseLocation.file(path))
    with base.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    base.close()
    return path


def _pg_location(cluster: ThrowawayCluster, database: str) -> BaseLocation:
    return BaseLocation.parse(cluster.url(database).render_as_string(hide_password=False))


def fresh_location(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> tuple[BaseLocation, str | None]:
    """A new base of the dialect, already migrated; returns it and its password."""
    if dialect == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "base.sqlite"
        shutil.copy(template, path)
        return BaseLocation.file(path), None
    cluster: ThrowawayCluster = request.getfixturevalue("pg_cluster")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    cluster.create_database(name, template=template_name)
    request.addfinalizer(lambda: cluster.drop_database(name))
    return _pg_location(cluster, name), cluster.password


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgresql)
    return request.param


@pytest.fixture
def empty_base(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[OpenedBase]:
    """A migrated base with no rows, on each dialect."""
    location, password = fresh_location(request, dialect, tmp_path)
    base = open_base(location, password)
    yield base
    base.close()


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return {}


@pytest.fixture
def demo_base(request: pytest.FixtureRequest, dialect: str, tmp_path: Path,
              _demo_templates: dict[str, object]) -> Iterator[OpenedBase]:
    """A base with a small, deterministic demo data set (300 clients) on each dialect."""
    from vostok_desktop.services.demo.generator import generate_demo_data

    if dialect not in _demo_templates:
        # Build the demo template once per session and copy it for every test.
        if dialect == "sqlite":
            path = tmp_path_factory_path(request) / "demo_template.sqlite"
            base = open_base(BaseLocation.file(path))
            generate_demo_data(base, 300)
            with base.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            base.close()
            _demo_templates[dialect] = path
        else:
            cluster: ThrowawayCluster = request.getfixturevalue("pg_cluster")
            template_name: str = request.getfixturevalue("pg_template")
            cluster.create_database("vostok_demo_template", template=template_name)
            base = open_base(_pg_location(cluster, "vostok_demo_template"), cluster.password)
            generate_demo_data(base, 300)
            base.close()
            _demo_templates[dialect] = "vostok_demo_template"
    if dialect == "sqlite":
        path = tmp_path / "demo.sqlite"
        shutil.copy(_demo_templates[dialect], path)
        base = open_base(BaseLocation.file(path))
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"d_{uuid.uuid4().hex[:12]}"
        cluster.create_database(name, template=str(_demo_templates[dialect]))
        request.addfinalizer(lambda: cluster.drop_database(name))
        base = open_base(_pg_location(cluster, name), cluster.password)
    yield base
    base.close()


def tmp_path_factory_path(request: pytest.FixtureRequest) -> Path:
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    return factory.mktemp("demo_template")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    if _PG_SKIP_NOTICE:
        terminalreporter.write_sep("!", "POSTGRESQL TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_PG_SKIP_NOTICE[0])


__all__ = ["fresh_location", "upgrade_schema"]
