"""Pivot reports of the sales area (placeholder until the area's change fills it)."""

from __future__ import annotations

from vostok_desktop.services.reports.pivot import ReportDefinition

REPORTS: tuple[ReportDefinition, ...] = ()
