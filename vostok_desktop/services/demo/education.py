"""Demo data for the education area (placeholder until the area's change fills it)."""

from __future__ import annotations

from vostok_desktop.services.demo.common import AreaContext

TABLES: tuple[str, ...] = ()


def add_education(area: AreaContext) -> None:
    """The area's demo step (runs inside the load's transaction)."""


__all__ = ["TABLES", "add_education"]
