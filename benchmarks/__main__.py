"""python -m benchmarks list | run NAME [--scale N] [--base URL_OR_PATH]

The command line and one runner per benchmark. Without --base a throwaway PostgreSQL
cluster is started, filled with demo data at the given scale (restored from a cached dump
keyed by scale and schema revision when one exists; see :mod:`benchmarks.bases`) and
stopped at the end. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bases import filled_base, print_progress
from vostok_desktop.db import BaseLocation, open_base
from vostok_desktop.pg_cluster import ThrowawayCluster

BENCHMARKS: dict[str, str] = {
    "load": "bulk load of demo data: load_s, clients_per_s",
    "agents": "quick search, next page, card open, thumb drag on the client list",
    "caller": "caller lookup by phone, and AMI event -> popup shown",
    "office": "xlsx export 100k, import 100k with duplicate analysis, DOCX invoices/s",
    "startup": "process start to first paint of the main window vs a bare PySide6 window",
    "server": "live updates: a change on one connection -> refreshed in an agent model",
    "billing": "billing of a month for every served client: invoices_per_s (no rendering)",
    "payments": "bank statement of 10 000 payments: import + automatic matching seconds",
    "distributives": "card page, state on a date, agent first page and number search, "
                     "stock, overdue demos; RLS ratios on PostgreSQL",
    "pivot": "report «Контакты с клиентами» employee x month over 50 x scale work records: "
             "owner and manager medians, GUI timer gap",
    "campaign_keys": "keyboard path of a campaign call: keys and ms from «Следующий» to a "
                     "saved result",
}


def median_p99(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return round(statistics.median(ordered), 3), round(p99, 3)


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_load(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from vostok_desktop.services.demo.generator import generate_demo_data

    if base_arg:
        location = BaseLocation.parse(base_arg)
        base = open_base(location, os.environ.get("VOSTOK_PASSWORD"), allow_upgrade=True)
        start = time.perf_counter()
        summary = generate_demo_data(base, scale, progress=print_progress)
        seconds = time.perf_counter() - start
        dialect = base.dialect
        base.close()
    else:
        with ThrowawayCluster() as cluster:
            cluster.create_database("bench")
            location = BaseLocation.parse(cluster.url("bench").render_as_string(
                hide_password=False))
            base = open_base(location, cluster.password)
            start = time.perf_counter()
            summary = generate_demo_data(base, scale, progress=print_progress)
            seconds = time.perf_counter() - start
            dialect = base.dialect
            base.close()
    print(f"  {summary}")
    return dialect, {"load_s": round(seconds, 2), "clients_per_s": round(scale / seconds, 1)}


def bench_agents(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_agents import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_caller(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_caller import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_office(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_office import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_server(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_server import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_distributives(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_distributives import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_billing(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_billing import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_payments(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_payments import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_pivot(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_pivot import CLIENTS, run

    with filled_base(CLIENTS, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_campaign_keys(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    from benchmarks.bench_campaign_keys import run

    with filled_base(scale, base_arg) as base:
        return base.dialect, run(base, scale)


def bench_startup(scale: int, base_arg: str | None) -> tuple[str, dict[str, float]]:
    """Spawn the probe in fresh processes, alternating bare and app, 7 runs each."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="vostok-startup-"))
    env = {**os.environ, "VOSTOK_HOME": str(home), "QT_QPA_PLATFORM":
           os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    probe = [sys.executable, "-m", "benchmarks.startup_probe"]
    base_args = ["--base", base_arg] if base_arg else []
    # The first app run creates the demo base; it is not measured.
    subprocess.run([*probe, "app", *base_args], env=env, check=True, capture_output=True)
    results: dict[str, list[float]] = {"bare": [], "app": [], "app_ready": []}
    for _ in range(7):
        for mode in ("bare", "app"):
            start = time.time()
            out = subprocess.run([*probe, mode, *base_args], env=env, check=True,
                                 capture_output=True, text=True).stdout
            painted, ready = map(float, out.strip().splitlines()[-1].split())
            results[mode].append((painted - start) * 1000)
            if mode == "app":
                results["app_ready"].append((ready - start) * 1000)
    shutil.rmtree(home, ignore_errors=True)
    bare = statistics.median(results["bare"])
    app = statistics.median(results["app"])
    ready = statistics.median(results["app_ready"])
    dialect = "sqlite" if not base_arg or "://" not in base_arg or base_arg.startswith(
        "sqlite") else "postgresql"
    return dialect, {
        "bare_qt_first_paint_ms_median": round(bare, 1),
        "app_first_paint_ms_median": round(app, 1),
        "ratio_startup_vs_bare_qt": round(app / bare, 2),
        "app_ready_ms_median": round(ready, 1),
        "ratio_ready_vs_bare_qt": round(ready / bare, 2),
    }


RUNNERS = {"load": bench_load, "agents": bench_agents, "caller": bench_caller,
           "office": bench_office, "startup": bench_startup, "server": bench_server,
           "distributives": bench_distributives, "billing": bench_billing,
           "payments": bench_payments, "pivot": bench_pivot,
           "campaign_keys": bench_campaign_keys}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    run = sub.add_parser("run")
    run.add_argument("name", choices=sorted(RUNNERS))
    run.add_argument("--scale", type=int, default=100_000)
    run.add_argument("--base", default=None)
    args = parser.parse_args(argv)
    if args.command == "list":
        for name in BENCHMARKS:
            print(name)
        return 0
    dialect, figures = RUNNERS[args.name](args.scale, args.base)
    width = max(len(k) for k in figures)
    print(f"\n{args.name} (scale {args.scale}, {dialect})")
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print(json.dumps({"benchmark": args.name, "scale": args.scale, "dialect": dialect,
                      "figures": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
