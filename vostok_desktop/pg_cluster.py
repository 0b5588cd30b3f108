"""A throwaway PostgreSQL cluster in a temporary folder: for tests, benchmarks and trying
a server base on one machine. Listens on 127.0.0.1 only, on a free port.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the
unprivileged ``postgres`` user (created by Debian's package) and runs through runuser.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The folder with initdb and pg_ctl: Debian keeps them out of PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for found in (shutil.which("initdb"), shutil.which("pg_ctl")):
        if found:
            candidates.append(str(Path(found).resolve().parent))
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise ClusterUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; "
        "install them: apt-get install postgresql postgresql-contrib"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    superuser = "vostok_super"

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.password = secrets.token_hex(12)
        self.port = 0
        self.root: Path | None = None
        self._as_postgres = os.geteuid() == 0

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> ThrowawayCluster:
        self.root = Path(tempfile.mkdtemp(prefix="vostok-pg-"))
        data = self.root / "data"
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(pwfile, "postgres")
        self._run(
            "initdb", "-D", str(data), "-U", self.superuser, "--pwfile", str(pwfile),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )
        pwfile.unlink()
        self.port = _free_port()
        self.start_server()
        return self

    def start_server(self) -> None:
        """Start the server on the cluster's data folder and port (again, after
        ``stop_server``): what an administrator's restart of the server looks like."""
        assert self.root is not None, "the cluster was never created"
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=256MB"
        )
        self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop_server(self) -> None:
        """Stop the server (every session is cut off) but keep its data and port."""
        assert self.root is not None, "the cluster was never created"
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        return self.root is not None and (self.root / "data" / "postmaster.pid").exists()

    def restart(self) -> None:
        """Stop and start the server on the same data and port."""
        self.stop_server()
        self.start_server()

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if self.is_running():
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w",
                          "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- helpers ---------------------------------------------------------------
    def url(self, database: str = "postgres", user: str | None = None,
            password: str | None = None) -> URL:
        user = user or self.superuser
        if password is None and user == self.superuser:
            password = self.password
        return URL.create("postgresql+psycopg", username=user, password=password,
                          host="127.0.0.1", port=self.port, database=database)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run("psql", "-h", str(self.root), "-p", str(self.port), "-U",
                           self.superuser, "-d", database, "-v", "ON_ERROR_STOP=1",
                           "-Atqc", sql)
        return result.stdout.strip()

    def create_database(self, name: str, template: str | None = None,
                        owner: str | None = None) -> None:
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
        if owner:
            sql += f' OWNER "{owner}"'
        self.psql(sql)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd="/")
        if result.returncode != 0:
            log = ""
            if self.root and (self.root / "log").exists():
                log = (self.root / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(
                f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            )
        return result
