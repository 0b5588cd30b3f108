"""The demo base's area steps, in the order they run: each takes an
:class:`~vostok_desktop.services.demo.common.AreaContext` after the reference data and the
clients are loaded, inside the same transaction. A new area (distributives, money…)
brings its own module with one step and adds it here (and its tables to
``AREA_TABLES``, which are analysed after the load)."""

from __future__ import annotations

from vostok_desktop.services.demo import distributives
from vostok_desktop.services.demo.common import AreaContext, AreaStep
from vostok_desktop.services.demo.favourites import add_favourites

AREA_STEPS: tuple[AreaStep, ...] = (add_favourites, distributives.add_distributives)
AREA_TABLES: tuple[str, ...] = ("favourites", *distributives.TABLES)


def run_area_steps(area: AreaContext) -> None:
    for step in AREA_STEPS:
        step(area)
