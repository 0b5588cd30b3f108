"""The reports the program offers: every plugin's ``report_definitions`` (the built-in
ones come from the plugin ``vostok_reports``), checked once and sorted for the menu.

A broken definition of a third-party plugin does not take the others down: it is left out
and named in :attr:`ReportCatalogue.errors`, which the program shows with other plugin
errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vostok_desktop.plugins import PluginRegistry
from vostok_desktop.services.reports.pivot import ReportDefinition

__all__ = ["ReportCatalogue", "report_catalogue"]


@dataclass
class ReportCatalogue:
    definitions: list[ReportDefinition] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def get(self, key: str) -> ReportDefinition | None:
        return next((d for d in self.definitions if d.key == key), None)

    def sections(self) -> dict[str, list[ReportDefinition]]:
        out: dict[str, list[ReportDefinition]] = {}
        for definition in self.definitions:
            out.setdefault(definition.section, []).append(definition)
        return out

    def measures_by_report(self) -> dict[str, dict[str, str]]:
        """Report key -> {measure key: title}: what a KPI indicator may count."""
        return {d.key: {m.key: m.title for m in d.measures} for d in self.definitions}

    def titles(self) -> Mapping[str, tuple[str, Mapping[str, str]]]:
        """Report key -> (title, {measure key: title}) for pickers."""
        return {d.key: (d.title, {m.key: m.title for m in d.measures})
                for d in self.definitions}


def _problem(item: object) -> str | None:
    if not isinstance(item, ReportDefinition):
        return f"не описание отчёта: {type(item).__name__}"
    if not item.dimensions or not item.measures:
        return f"у отчёта «{item.title}» нет измерений или показателей"
    keys = [d.key for d in item.dimensions]
    for name in (*item.default_rows, *item.default_columns):
        if name not in keys:
            return f"в отчёте «{item.title}» по умолчанию выбрано неизвестное измерение «{name}»"
    if item.period_dimension is not None and item.period_dimension not in keys:
        return f"в отчёте «{item.title}» нет измерения периода «{item.period_dimension}»"
    return None


def report_catalogue(source: PluginRegistry | Iterable[object]) -> ReportCatalogue:
    items = source.api.report_definitions if isinstance(source, PluginRegistry) else source
    catalogue = ReportCatalogue()
    seen: set[str] = set()
    for item in items:
        problem = _problem(item)
        if problem is None and item.key in seen:  # type: ignore[attr-defined]
            problem = f"отчёт «{item.key}» зарегистрирован дважды"  # type: ignore[attr-defined]
        if problem is not None:
            catalogue.errors.append(problem)
            continue
        assert isinstance(item, ReportDefinition)
        seen.add(item.key)
        catalogue.definitions.append(item)
    catalogue.definitions.sort(key=lambda d: (d.section, d.title))
    return catalogue
