"""KPI in the main window: the menu «KPI» with «Показатели KPI…», «Планы KPI…» and
«Наборы показателей…», the tab «Панель показателей» (``kpi.dashboard``), the employee
card's pages «Показатели» and «Мониторинг НСС», and the report «Новая схема сервиса»
(``report.service_scheme``, in «KPI» and in «Отчёты → Работа с клиентами»).

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
EMPLOYEE_PAGE = "page_kpi"
NSS_PAGE = "page_nss_monitor"
REPORTS_SECTION = "Работа с клиентами"
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
        self.dashboard: Any = None  # the open tab «Панель показателей»

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

    def open_nss_monitor(self) -> Any:
        from vostok_desktop.gui.kpi.nss_monitor import open_monitor

        return open_monitor(self.window)

    def open_service_scheme(self) -> Any:
        from vostok_desktop.gui.kpi.service_scheme import open_scheme

        return open_scheme(self.window)

    def open_dashboard(self) -> Any:
        """The tab «Панель показателей» (the open one is brought to the front)."""
        from vostok_desktop.gui.kpi.dashboard import TITLE, KpiDashboard

        tabs = getattr(self.window, "tabs", None)
        if self.dashboard is not None and tabs is not None and tabs.indexOf(self.dashboard) >= 0:
            tabs.setCurrentWidget(self.dashboard)
            return self.dashboard
        dashboard = KpiDashboard(self.context, live=getattr(self.window, "live_updates", None))
        dashboard.destroyed.connect(lambda _o=None: setattr(self, "dashboard", None))
        self.dashboard = dashboard
        self.context.cards.add_document(dashboard, TITLE)
        dashboard.reload()
        return dashboard


def _employee_page(context: Any, card: Any) -> Any:
    from vostok_desktop.gui.kpi.employee_page import EmployeeKpiPage

    return EmployeeKpiPage(context, card)


def _nss_page(context: Any, card: Any) -> Any:
    from vostok_desktop.gui.kpi.nss_monitor import EmployeeNssPage

    return EmployeeNssPage(context, card)


def _add_to_reports_menu(window: QMainWindow, action: Any) -> None:
    """Into «Отчёты → Работа с клиентами» (or «Отчёты» itself) when the menu is there."""
    menu = window.menuBar().findChild(QMenu, "reports_menu")
    if menu is None:
        return
    section = next((a.menu() for a in menu.actions()
                    if a.menu() is not None and a.text() == REPORTS_SECTION), None)
    (section or menu).addAction(action)


def install_kpi(window: QMainWindow,
                catalogue_provider: Callable[[], CatalogueView] = _no_catalogue) -> KpiArea:
    """Register the KPI commands and the menu «KPI» (before «Окна» / «Сервис»)."""
    area = KpiArea(window, catalogue_provider)
    a = area.context.actions
    commands = [
        ("kpi.indicators", "Показатели KPI…", area.open_indicators),
        ("kpi.plans", "Планы KPI…", area.open_plans),
        ("kpi.sets", "Наборы показателей…", area.open_sets),
        ("kpi.nss_monitor", "Мониторинг НСС", area.open_nss_monitor),
        ("kpi.dashboard", "Панель показателей", area.open_dashboard),
        ("report.service_scheme", "Новая схема сервиса", area.open_service_scheme),
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
    for action_id in ("kpi.dashboard", "kpi.nss_monitor", "report.service_scheme", None,
                      "kpi.indicators", "kpi.plans", "kpi.sets"):
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(a.action(action_id))
    _add_to_reports_menu(window, a.action("report.service_scheme"))
    pages = area.context.card_pages
    registered = {spec.object_name for spec in pages.for_kind("employee")}
    if EMPLOYEE_PAGE not in registered:
        pages.register("employee", "Показатели", _employee_page, EMPLOYEE_PAGE)
    if NSS_PAGE not in registered:
        pages.register("employee", "Мониторинг НСС", _nss_page, NSS_PAGE)
    window.kpi = area  # type: ignore[attr-defined]
    return area


__all__ = ["KpiArea", "install_kpi"]
