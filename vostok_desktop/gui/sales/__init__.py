"""Sales in the main window: in the menu «Продажи» — «Заявки с сайта», «Загрузить
заявки…», «Сделки», «Новая сделка…», «Настройка продаж…» and the reports «Воронка продаж
(сделки)» and «Заявки с сайта»; the client card's page «Продажи» (deals and detected
needs). Keys inside the lists: leads — Enter accept, F2 take, Del reject; deals — Insert
new, Enter open, Ctrl+→ next stage. Screens load on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from vostok_desktop.gui.menus import SALES_MENU, area_menu

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

CATEGORY = "Продажи"
CLIENT_PAGE = "page_sales"
LEADS_SCOPE = "lead_list"
DEALS_SCOPE = "deal_list"
CLIENT_PAGE_SCOPE = "client_sales_page"
REPORTS = ("report.deal_funnel", "report.leads")


class SalesArea:
    """What ``install_sales`` leaves on the window (``window.sales``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.tabs: dict[str, QWidget] = {}
        self.dialog: Any = None

    def _tab(self, key: str, title: str, build: Callable[[], QWidget]) -> Any:
        widget = self.tabs.get(key)
        tabs = getattr(self.window, "tabs", None)
        if widget is not None and tabs is not None and tabs.indexOf(widget) >= 0:
            tabs.setCurrentWidget(widget)
            return widget
        widget = build()
        widget.destroyed.connect(lambda _o=None, k=key: self.tabs.pop(k, None))
        self.tabs[key] = widget
        self.context.cards.add_document(widget, title)
        return widget

    def open_leads(self) -> Any:
        from vostok_desktop.gui.sales.leads_tab import LeadsTab

        def build() -> QWidget:
            tab = LeadsTab(self.context)
            for action_id in ("lead_list.accept", "lead_list.take", "lead_list.reject"):
                self.context.actions.attach(action_id, tab.table)
            return tab

        return self._tab("leads", "Заявки с сайта", build)

    def import_leads(self) -> Any:
        tab = self.open_leads()
        tab.import_file()
        return tab

    def open_deals(self) -> Any:
        from vostok_desktop.gui.sales.deals_tab import DealsTab

        def build() -> QWidget:
            tab = DealsTab(self.context)
            for action_id in ("deal_list.new", "deal_list.open", "deal_list.next_stage"):
                self.context.actions.attach(action_id, tab)
            return tab

        return self._tab("deals", "Сделки", build)

    def new_deal(self) -> Any:
        from vostok_desktop.gui.sales.deal_dialog import DealDialog

        dialog = DealDialog(self.context, parent=self.window)
        self.dialog = dialog
        dialog.saved.connect(lambda _i: self._refresh_deals())
        dialog.open()
        return dialog

    def _refresh_deals(self) -> None:
        tab = self.tabs.get("deals")
        if tab is not None:
            tab.reload()  # type: ignore[attr-defined]

    def open_setup(self) -> Any:
        from vostok_desktop.gui.sales.setup_dialog import SalesSetupDialog

        self.dialog = SalesSetupDialog(self.context, self.window)
        self.dialog.show()
        return self.dialog

    # -- the scoped keys: the focused list's ------------------------------------------------
    def _focused(self, kind: type) -> Any:
        widget: QWidget | None = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, kind):
            widget = widget.parentWidget()
        return widget

    def _leads(self) -> Any:
        from vostok_desktop.gui.sales.leads_tab import LeadsTab

        return self._focused(LeadsTab) or self.tabs.get("leads")

    def _deals(self) -> Any:
        from vostok_desktop.gui.sales.deals_tab import DealsTab

        return self._focused(DealsTab) or self.tabs.get("deals")

    def lead_call(self, method: str) -> Any:
        tab = self._leads()
        return getattr(tab, method)() if tab is not None else None

    def deal_call(self, method: str) -> Any:
        tab = self._deals()
        return getattr(tab, method)() if tab is not None else None

    def client_page(self, context: Any, card: Any) -> QWidget:
        from vostok_desktop.gui.sales.client_page import ClientSalesPage

        return ClientSalesPage(context, card)


def install_sales(window: QMainWindow) -> SalesArea:
    """Register the commands, the menu entries and the client card's page «Продажи»."""
    area = SalesArea(window)
    a = area.context.actions
    if "sales.leads" not in a:
        for action_id, text, handler in (
                ("sales.leads", "Заявки с сайта", area.open_leads),
                ("sales.import_leads", "Загрузить заявки…", area.import_leads),
                ("sales.deals", "Сделки", area.open_deals),
                ("sales.new_deal", "Новая сделка…", area.new_deal),
                ("sales.setup", "Настройка продаж…", area.open_setup)):
            window.addAction(a.register(action_id, text, handler, category=CATEGORY,
                                        parent=window))
        for action_id, text, method in (("lead_list.accept", "Принять заявку…",
                                         "accept_current"),
                                        ("lead_list.take", "Взять заявку в работу", "take"),
                                        ("lead_list.reject", "Отклонить заявку…",
                                         "reject_current")):
            a.register(action_id, text, lambda m=method: area.lead_call(m), category=CATEGORY,
                       scope=LEADS_SCOPE, parent=window)
        a.register("client_deals.new", "Новая сделка клиента…",
                   lambda: area.deal_call("new_deal"), category=CATEGORY,
                   scope=CLIENT_PAGE_SCOPE, parent=window)
        for action_id, text, method in (("deal_list.new", "Новая сделка…", "new_deal"),
                                        ("deal_list.open", "Открыть сделку", "open_current"),
                                        ("deal_list.next_stage", "Следующий этап сделки",
                                         "next_stage")):
            a.register(action_id, text, lambda m=method: area.deal_call(m), category=CATEGORY,
                       scope=DEALS_SCOPE, parent=window)
    menu = area_menu(window, SALES_MENU)
    if menu.actions():
        menu.addSeparator()
    for action_id in ("sales.leads", "sales.import_leads", None, "sales.deals",
                      "sales.new_deal", None, "sales.setup"):
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(a.action(action_id))
    reports = [a.action(key) for key in REPORTS if key in a]
    if reports:
        menu.addSeparator()
        for action in reports:
            menu.addAction(action)
    pages = area.context.card_pages
    if not any(spec.object_name == CLIENT_PAGE for spec in pages.for_kind("client")):
        pages.register("client", "Продажи", area.client_page, CLIENT_PAGE)
    window.sales = area  # type: ignore[attr-defined]
    return area


__all__ = ["CLIENT_PAGE", "SalesArea", "install_sales"]
