"""Benchmark ``caller``: who is calling, and how fast the informer shows it.

Figures:

* ``caller_lookup_ms_median`` / ``_p99`` — ``CallerLookup.lookup`` (what the informer
  uses: one long-lived autocommit connection) for random existing phone numbers (>= 200
  after a warm-up), typed the way a PBX sends them (``8…`` trunk prefix).
* ``caller_lookup_new_session_ms_*`` — the same in a new Session per lookup (pool
  checkout with pre-ping), for comparison, measured interleaved in the same run.
* ``event_to_popup_ms_median`` / ``_p99`` — from the moment the test AMI server writes
  the bytes of an incoming call (Newchannel, DialBegin, Newstate) to the socket until
  the informer's popup for it is shown (``popup_shown``), in-process, Qt offscreen:
  QTcpSocket read, framing, call tracker, caller lookup, popup built and placed.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time
from typing import Any

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Phone
from vostok_desktop.services.telephony.caller_lookup import CallerLookup, lookup_caller

LOOKUPS = 300
WARMUP = 30
POPUPS = 40
SEED = 20261123


def _stats(name: str, samples: list[float], out: dict[str, float]) -> None:
    ordered = sorted(samples)
    out[f"{name}_ms_median"] = round(statistics.median(ordered), 3)
    out[f"{name}_ms_p99"] = round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)], 3)


def _pbx_style(raw_digits: str) -> str:
    return "8" + raw_digits[1:] if raw_digits.startswith("7") and len(raw_digits) == 11 \
        else raw_digits


def sample_numbers(base: OpenedBase, n: int, rnd: random.Random) -> list[str]:
    """n random existing numbers, picked by id range (no ORDER BY random())."""
    with base.engine.connect() as conn:
        low, high = conn.execute(select(func.min(Phone.id), func.max(Phone.id))).one()
        out: list[str] = []
        while len(out) < n:
            digits = conn.execute(select(Phone.digits).where(Phone.id >= rnd.randint(low, high))
                                  .order_by(Phone.id).limit(1)).scalar()
            if digits:
                out.append(_pbx_style(digits))
        return out


def bench_lookup(base: OpenedBase, numbers: list[str]) -> tuple[list[float], list[float]]:
    """The informer's way (CallerLookup: one autocommit connection) and, for comparison,
    a new Session per lookup."""
    lookup = CallerLookup(base.engine)
    for number in numbers[:WARMUP]:
        lookup.lookup(number)
        with base.sessions() as session:
            lookup_caller(session, number)
    samples, per_session = [], []
    for number in numbers[WARMUP:]:
        start = time.perf_counter()
        info = lookup.lookup(number)
        samples.append((time.perf_counter() - start) * 1000)
        assert info.known, number
        start = time.perf_counter()
        with base.sessions() as session:
            lookup_caller(session, number)
        per_session.append((time.perf_counter() - start) * 1000)
    lookup.close()
    return samples, per_session


def bench_event_to_popup(base: OpenedBase, numbers: list[str]) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["VOSTOK_AMI_SECRET"] = "s3cret"
    from PySide6.QtCore import QCoreApplication

    from tests.plugins import ami_scenarios as sc
    from tests.plugins.ami_server import AmiTestServer
    from vostok_desktop.gui.app import build_main_window, ensure_application
    from vostok_desktop.gui.telephony import install_telephony
    from vostok_desktop.settings import Settings

    app = ensure_application()
    server = AmiTestServer()
    window = build_main_window(base, Settings())
    window.show()
    controller = install_telephony(window, pbx=f"ami://vostok@127.0.0.1:{server.port}",
                                   extension="101")
    shown: dict[str, float] = {}
    controller.call_shown.connect(lambda call_id: shown.setdefault(call_id,
                                                                   time.perf_counter()))

    def wait(predicate: Any, timeout_s: float = 10.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("the popup did not show")
            app.processEvents()
            time.sleep(0.0002)

    try:
        wait(lambda: controller.providers["asterisk_ami"].status.state.value == "connected")
        samples = []
        for i, number in enumerate(numbers):
            linkedid = f"17{i:08d}.10"
            start = time.perf_counter()
            server.play(sc.ringing_only("101", linkedid, number))
            wait(lambda lid=linkedid: lid in shown)
            if i >= 3:  # warm-up: first popups build fonts and styles
                samples.append((shown[linkedid] - start) * 1000)
            popup = controller.informer.popup(linkedid)
            if popup is not None:
                popup.close()
            QCoreApplication.processEvents()
        return samples
    finally:
        controller.shutdown()
        window.close()
        server.close()


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    rnd = random.Random(SEED)
    figures: dict[str, float] = {}
    numbers = sample_numbers(base, LOOKUPS + WARMUP, rnd)
    samples, per_session = bench_lookup(base, numbers)
    _stats("caller_lookup", samples, figures)
    _stats("caller_lookup_new_session", per_session, figures)
    _stats("event_to_popup", bench_event_to_popup(base, numbers[:POPUPS]), figures)
    return figures


if __name__ == "__main__":  # python -m benchmarks.bench_caller PATH.sqlite
    import sys

    from vostok_desktop.db import BaseLocation, open_base

    opened = open_base(BaseLocation.parse(sys.argv[1]), os.environ.get("VOSTOK_PASSWORD"))
    print(run(opened, 0))
    opened.close()
