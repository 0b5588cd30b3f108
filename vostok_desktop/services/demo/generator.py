"""Demo data: a realistic, deterministic base of Russian clients for demos and benchmarks.

Reference data (departments, directions, employees, groups, custom fields) goes through
the ORM. Clients and their children are made in bulk from pools built once with Faker and
combined with ``random.Random(seed)``: calling Faker per row is far too slow for a million
clients. PostgreSQL loads them with COPY in one transaction (all or nothing); SQLite with
``executemany`` in one transaction per batch, and removes what it wrote if a batch fails.
Raise from the ``progress`` callback to cancel.

One module per area: ``org`` (reference data), ``names`` and ``clients`` (the bulk rows),
``loading`` (both dialects), then the area steps of ``areas`` (favourites…; a new area
adds its step there) in the same transaction; ``activity`` adds months of work on top.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from vostok_desktop.services.demo.common import (
    DEMO_SEED,
    MAX_CLIENTS,
    DemoSummary,
    ProgressCallback,
)
from vostok_desktop.services.demo.loading import load_postgresql, load_sqlite, no_progress

if TYPE_CHECKING:
    from vostok_desktop.db import OpenedBase


def generate_demo_data(opened_base: OpenedBase, clients: int, *, seed: int = DEMO_SEED,
                       progress: ProgressCallback | None = None) -> DemoSummary:
    """Fill an empty base with ``clients`` realistic demo clients and their reference data.

    ``opened_base`` is a :class:`vostok_desktop.db.OpenedBase`. The same seed and scale give
    the same data. Refuses (``ValueError``) a base that already has clients or is read-only.
    ``progress(stage, done, total)`` is called between batches; raising from it cancels.
    """
    if clients < 0:
        raise ValueError("Число клиентов не может быть отрицательным")
    if clients > MAX_CLIENTS:
        raise ValueError(f"Демонстрационная база — не больше {MAX_CLIENTS:,} клиентов"
                         .replace(",", " "))
    if opened_base.read_only:
        raise ValueError("База открыта только для чтения: демонстрационные данные не созданы")
    started = time.perf_counter()
    summary = DemoSummary(dialect=opened_base.dialect)
    load = load_postgresql if opened_base.dialect == "postgresql" else load_sqlite
    load(opened_base, clients, seed, progress or no_progress, summary)
    summary.seconds = time.perf_counter() - started
    return summary
