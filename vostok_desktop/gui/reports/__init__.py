"""Pivot reports in the main window: the menu «Отчёты» (a submenu per section with the
built-in reports, «Все отчёты…» with every plugin's report), one tab per report.

``install_reports(window)`` reads the plugins' report definitions once, registers the
commands in the action registry and leaves the area on ``window.reports``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from vostok_desktop.gui.actions import DEFAULT_SHORTCUTS
from vostok_desktop.services.reports.catalogue import ReportCatalogue, report_catalogue

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

MENU_TITLE = "Отчёты"


class ReportsArea:
    def __init__(self, window: QMainWindow, catalogue: ReportCatalogue) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.catalogue = catalogue
        self.tabs: dict[str, QWidget] = {}
        self.chooser: Any = None

    def open_report(self, key: str) -> QWidget | None:
        """The report's tab (the open one is brought to the front)."""
        from vostok_desktop.gui.reports.report_tab import ReportTab

        definition = self.catalogue.get(key)
        if definition is None:
            return None
        widget = self.tabs.get(key)
        tabs = getattr(self.window, "tabs", None)
        if widget is not None and tabs is not None and tabs.indexOf(widget) >= 0:
            tabs.setCurrentWidget(widget)
            return widget
        widget = ReportTab(self.context, definition)
        if widget.print_button is not None:
            from vostok_desktop.gui.reports.diary_print import ACTION, register_print_action

            register_print_action(self.window, self)
            self.context.actions.attach(ACTION, widget)
        widget.destroyed.connect(lambda _o=None, k=key: self.tabs.pop(k, None))
        self.tabs[key] = widget
        self.context.cards.add_document(widget, definition.title)
        widget.rows_list.setFocus()
        return widget

    def choose(self) -> Any:
        """«Все отчёты…»: pick any report by typing its name."""
        from vostok_desktop.gui.reports.report_tab import ReportChooser

        chooser = ReportChooser(self.catalogue.definitions, self.window)
        chooser.accepted.connect(
            lambda: chooser.chosen is not None and self.open_report(chooser.chosen.key))
        self.chooser = chooser
        chooser.open()
        return chooser


def install_reports(window: QMainWindow, catalogue: ReportCatalogue | None = None
                    ) -> ReportsArea:
    if catalogue is None:
        from vostok_desktop.plugins import load_plugins

        catalogue = report_catalogue(load_plugins())
    area = ReportsArea(window, catalogue)
    actions = area.context.actions
    bar = window.menuBar()
    before = next((act for act in bar.actions() if act.text() in ("Окна", "Сервис")), None)
    menu = QMenu(MENU_TITLE, bar)
    menu.setObjectName("reports_menu")
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    for section, definitions in catalogue.sections().items():
        submenu = menu.addMenu(section)
        for definition in definitions:
            action_id = f"report.{definition.key}"
            if action_id not in DEFAULT_SHORTCUTS:
                continue  # a plugin's own report: in «Все отчёты…», not a command of its own
            if action_id not in actions:
                window.addAction(actions.register(
                    action_id, definition.title, lambda k=definition.key: area.open_report(k),
                    category=MENU_TITLE, parent=window))
            submenu.addAction(actions.action(action_id))
    menu.addSeparator()
    if "reports.open" not in actions:
        window.addAction(actions.register("reports.open", "Все отчёты…", area.choose,
                                          category=MENU_TITLE, parent=window))
    menu.addAction(actions.action("reports.open"))
    window.reports = area  # type: ignore[attr-defined]
    return area


__all__ = ["MENU_TITLE", "ReportsArea", "install_reports"]
