"""Bases for the benchmarks: :func:`filled_base` gives a base with demo data at a scale,
either the one named by ``--base`` (filled first if it has no clients) or a throwaway
PostgreSQL cluster, restored from a cached dump (keyed by scale, schema revision and
:func:`schema_fingerprint`, in :func:`cache_dir`) or else generated and dumped there.
:func:`print_progress` prints the demo generator's progress on stderr."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from vostok_desktop.db import BaseLocation, head_revision, make_engine, open_base
from vostok_desktop.pg_cluster import ThrowawayCluster


def cache_dir() -> Path:
    path = Path(platformdirs.user_cache_dir("vostok-desktop-benchmarks", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def schema_fingerprint() -> str:
    """Changes whenever a migration or any area's demo generator changes, so a cached
    dump of another schema or data set is never restored."""
    import hashlib

    from vostok_desktop import paths
    from vostok_desktop.services import demo

    digest = hashlib.sha256()
    sources = (sorted((paths.db_dir() / "versions").glob("*.py"))
               + sorted(Path(demo.__file__).parent.glob("*.py")))
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def print_progress(stage: str, done: int, total: int) -> None:
    print(f"\r  {stage}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr,
          flush=True)


@contextmanager
def filled_base(scale: int, base_arg: str | None):
    """A base with demo data at ``scale``: the given one, or a throwaway PostgreSQL."""
    from vostok_desktop.services.demo.generator import generate_demo_data

    if base_arg:
        location = BaseLocation.parse(base_arg)
        base = open_base(location, os.environ.get("VOSTOK_PASSWORD"), allow_upgrade=True)
        with base.engine.connect() as connection:
            has_rows = connection.exec_driver_sql("select count(*) from clients").scalar()
        if not has_rows:
            generate_demo_data(base, scale, progress=print_progress)
        try:
            yield base
        finally:
            base.close()
        return
    with ThrowawayCluster() as cluster:
        dump = cache_dir() / f"demo-{scale}-{head_revision()}-{schema_fingerprint()}.dump"
        cluster.create_database("bench")
        location = BaseLocation.parse(cluster.url("bench").render_as_string(hide_password=False))
        if dump.exists():
            print(f"  restoring cached demo data {dump}", file=sys.stderr)
            # pg_restore may run as the postgres user, who cannot read our cache folder.
            local = cluster.root / "restore.dump"
            shutil.copy(dump, local)
            if os.geteuid() == 0:
                shutil.chown(local, "postgres")
            # Roles are the cluster's, not the dump's: the grants in it need them.
            from vostok_desktop.services.access.rights import ensure_server_prerequisites

            engine = make_engine(location, cluster.password)
            with engine.begin() as conn:
                ensure_server_prerequisites(conn)
            engine.dispose()
            cluster._run("pg_restore", "-h", str(cluster.root), "-p", str(cluster.port),
                         "-U", cluster.superuser, "-d", "bench", "-j", "2", str(local))
            local.unlink()
            base = open_base(location, cluster.password)
        else:
            base = open_base(location, cluster.password)
            generate_demo_data(base, scale, progress=print_progress)
            tmp = cluster.root / "bench.dump"
            cluster._run("pg_dump", "-h", str(cluster.root), "-p", str(cluster.port), "-U",
                         cluster.superuser, "-Fc", "-f", str(tmp), "bench")
            shutil.copy(tmp, dump)
        # VACUUM sets the visibility map, so anchor reads can be index-only scans.
        with base.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("SET statement_timeout = 0")
            c.exec_driver_sql("VACUUM ANALYZE")
        try:
            yield base
        finally:
            base.close()
