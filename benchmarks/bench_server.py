"""Benchmark ``server``: what a shared server base costs and how fast it is live.

Each entry of :data:`MEASUREMENTS` is a function ``(base, scale) -> {figure: value}``;
``run`` calls them in turn and merges their figures, so another area adds its own
measurement (row-level security: ``ratio_rls_vs_plain_search``,
``ratio_rls_vs_plain_lookup``) by appending one function.

Figures of :func:`measure_notify_to_refresh`:

* ``notify_to_refresh_ms_median`` / ``_p99`` — a client row changed and committed on one
  connection (another engine: another workstation) until the client list's model (the
  real :class:`KeysetTableModel` over ``ClientSearch``, in-process, Qt offscreen, fed by
  the real :class:`LiveUpdates` bridge) shows the new value: NOTIFY from the statement
  trigger, QSocketNotifier, coalescing, one query by id, ``dataChanged``. Timed from the
  COMMIT being sent. Isolated changes (one every ~60 ms), rows of the first page.
* ``notify_to_slot_ms_median`` — the same start until the bridge delivered the notice
  (the share of the above that is notification, not re-reading).
On a file base (``--base sqlite:///…``) the same path runs over the change counter,
which polls every :data:`FILE_POLL_MS` ms.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from vostok_desktop.db import OpenedBase, open_base

SAMPLES = 80
WARMUP = 5
GAP_MS = 60  # between changes: isolated, not one coalesced burst
TIMEOUT_S = 5.0
FILE_POLL_MS = 250

Measurement = Callable[[OpenedBase, int], dict[str, float]]


def _stats(name: str, samples: list[float], out: dict[str, float]) -> None:
    ordered = sorted(samples)
    out[f"{name}_ms_median"] = round(statistics.median(ordered), 3)
    out[f"{name}_ms_p99"] = round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)], 3)


def _application() -> Any:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def measure_notify_to_refresh(base: OpenedBase, scale: int) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from vostok_desktop.gui.agents.client_list import (
        CLIENT_COLUMNS,
        LIVE_TABLES,
        narrow_to_clients,
    )
    from vostok_desktop.gui.live_updates import LiveUpdates
    from vostok_desktop.gui.models.keyset_model import BoundSource, KeysetTableModel
    from vostok_desktop.services.common.live_updates import ChangeBatch
    from vostok_desktop.services.lists import client_search as cs

    _application()
    model = KeysetTableModel(CLIENT_COLUMNS)
    model.set_source(BoundSource(cs.ClientSearch(base), cs.ClientQuery(), narrow_to_clients))
    model.wait_for_count(60_000)
    live = LiveUpdates(base, poll_ms=FILE_POLL_MS)
    arrived: list[float] = []

    def deliver(batch: ChangeBatch) -> None:  # what ClientListAgent.apply_live_changes does
        arrived.append(time.perf_counter())
        model.refresh_rows({"id": batch.clients(*LIVE_TABLES)},
                           batch.inserted_or_deleted("clients"))
    live.changes_arrived.connect(deliver)
    live.start()
    writer = open_base(base.location, base.engine.url.password)  # another workstation
    loop = QEventLoop()
    watched: dict[str, Any] = {}

    def changed(top: Any, bottom: Any, *_roles: Any) -> None:
        n = watched.get("row")
        if n is None or not top.row() <= n <= bottom.row():
            return
        row = model.row(n)
        if row is not None and row.get("segment") == watched["value"]:
            watched["done"] = time.perf_counter()
            loop.quit()
    model.dataChanged.connect(changed)
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)

    refresh: list[float] = []
    to_slot: list[float] = []
    try:
        for i in range(WARMUP + SAMPLES):
            n = i % min(50, max(model.rowCount(), 1))
            client_id = model.row_id(n)
            value = f"Сегмент {i}"
            watched.update(row=n, value=value, done=None)
            arrived.clear()
            with writer.engine.connect() as conn:
                conn.execute(text("UPDATE clients SET segment = :v WHERE id = :id"),
                             {"v": value, "id": client_id})
                start = time.perf_counter()
                conn.commit()
            timeout.start(int(TIMEOUT_S * 1000))
            if watched["done"] is None:
                loop.exec()
            timeout.stop()
            if watched["done"] is None:
                raise RuntimeError(f"row {n} (client {client_id}) was not refreshed "
                                   f"within {TIMEOUT_S} s")
            if i >= WARMUP:
                refresh.append((watched["done"] - start) * 1000)
                if arrived:
                    to_slot.append((arrived[0] - start) * 1000)
            pause = QTimer()
            pause.setSingleShot(True)
            pause.timeout.connect(loop.quit)
            pause.start(GAP_MS)
            loop.exec()
    finally:
        live.stop()
        writer.close()
    out: dict[str, float] = {}
    _stats("notify_to_refresh", refresh, out)
    if to_slot:
        out["notify_to_slot_ms_median"] = round(statistics.median(to_slot), 3)
    out["notify_samples"] = len(refresh)
    return out


# Another area appends its measurement here (row-level security overhead: the figures
# ``ratio_rls_vs_plain_search`` and ``ratio_rls_vs_plain_lookup``).
def _rls_overhead(base: OpenedBase, scale: int) -> dict[str, float]:
    from benchmarks.bench_rls import measure_rls_overhead

    return measure_rls_overhead(base, scale)


MEASUREMENTS: list[Measurement] = [measure_notify_to_refresh, _rls_overhead]


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    for measure in MEASUREMENTS:
        figures.update(measure(base, scale))
    return figures
