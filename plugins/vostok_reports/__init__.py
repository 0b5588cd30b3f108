"""Built-in plugin: the pivot reports named after the original's list (seeds/002) —
contacts with clients, assignments, ПРиЗ, the hot line and its answer times,
distributives (of clients, their movement and balance), money received, receivables, the
sales funnel and the employee's diary. A РИЦ adds its own reports with a plugin that calls
``api.add_report_definition`` the same way."""

from __future__ import annotations

from vostok_desktop.plugins import PluginApi


def register(api: PluginApi) -> None:
    from vostok_reports import campaigns, competitors, education, sales
    from vostok_reports.definitions import BUILTIN_REPORTS

    for definition in (*BUILTIN_REPORTS, *sales.REPORTS, *campaigns.REPORTS,
                       *competitors.REPORTS, *education.REPORTS):
        api.add_report_definition(definition)
