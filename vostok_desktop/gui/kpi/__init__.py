"""KPI in the main window: the menu «KPI» with «Показатели KPI…», «Планы KPI…» and
«Наборы показателей…».

``install_kpi(window, catalogue_provider=...)`` registers the commands in the one action
registry and adds the menu; the dialogs' modules load on first use. Everybody may open
them; editing needs «Настройка показателей KPI» (indicators, sets) or «Планы KPI»
(plans), otherwise they are read-only. ``catalogue_provider`` gives the pivot engine's
reports and measures (report key → (title, {measure key: title})) for the indicators'
editor; by default there is none yet."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow, QMenu

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

MENU_TITLE = "KPI"
CatalogueView = Mapping[str, tuple[str, Mapping[str, str]]]


def _no_catalogue() -> CatalogueView:
    return {}


class KpiArea:
    """What ``install_kpi`` leaves on the window (``window.kpi``)."""

    def __init__(self, window: QMainWindow,
                 catalogue_provider: Callable[[], CatalogueView]) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.catalogue_provider = catalogue_provider
        self.dialog: Any = None  # the last dialog opened

    def _show(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.show()
        return dialog

    def open_indicators(self) -> Any:
        from vostok_desktop.gui.kpi.indicators_dialog import IndicatorsDialog

        return self._show(IndicatorsDialog(self.context, self.window,
                                           catalogue_provider=self.catalogue_provider))

    def open_plans(self) -> Any:
        from vostok_desktop.gui.kpi.plans_dialog import PlansDialog

        return self._show(PlansDialog(self.context, self.window))

    def open_sets(self) -> Any:
        from vostok_desktop.gui.kpi.sets_dialog import SetsDialog

        return self._show(SetsDialog(self.context, self.window))


def install_kpi(window: QMainWindow,
                catalogue_provider: Callable[[], CatalogueView] = _no_catalogue) -> KpiArea:
    """Register the KPI commands and the menu «KPI» (before «Окна» / «Сервис»)."""
    area = KpiArea(window, catalogue_provider)
    a = area.context.actions
    commands = [
        ("kpi.indicators", "Показатели KPI…", area.open_indicators),
        ("kpi.plans", "Планы KPI…", area.open_plans),
        ("kpi.sets", "Наборы показателей…", area.open_sets),
    ]
    for action_id, text, handler in commands:
        if action_id not in a:
            window.addAction(a.register(action_id, text, handler, category=MENU_TITLE,
                                        parent=window))
    bar = window.menuBar()
    before = next((act for act in bar.actions() if act.text() in ("Окна", "Сервис")), None)
    menu = QMenu(MENU_TITLE, bar)
    menu.setObjectName("kpi_menu")
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    for action_id, _text, _handler in commands:
        menu.addAction(a.action(action_id))
    window.kpi = area  # type: ignore[attr-defined]
    return area


__all__ = ["KpiArea", "install_kpi"]
