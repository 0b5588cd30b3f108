"""Telemarketing in the main window: «Кампании обзвона» and «Обзвон» in the menu
«Продажи» (after a separator), «Кампания обзвона по выбранным…» in the context menus of
the client and contact lists, the tab of campaigns and one «Обзвон» tab per campaign.

``install_campaigns(window)`` registers the commands in the one action registry; the
tabs' modules load on first use. Everybody reads campaigns and works their queues;
setting them up needs «Кампании обзвона» (greyed out without it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QMainWindow, QWidget

from vostok_desktop.domain.campaigns import CampaignStatus

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

CATEGORY = "Продажи"


class CampaignsArea:
    """What ``install_campaigns`` leaves on the window (``window.campaigns``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.list_page: Any = None
        self.work_tabs: dict[int, Any] = {}
        self.dialog: Any = None

    # -- helpers ----------------------------------------------------------------------------
    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _agent(self, name: str) -> Any:
        dock = getattr(self.window, "docks", {}).get(name)
        return dock.widget() if dock is not None else None

    def _page_alive(self, widget: Any) -> bool:
        tabs = getattr(self.window, "tabs", None)
        return widget is not None and tabs is not None and tabs.indexOf(widget) >= 0

    # -- the list of campaigns ------------------------------------------------------------------
    def open_list(self, select_id: int | None = None) -> Any:
        from vostok_desktop.gui.campaigns.list_page import TITLE, CampaignListPage

        if self._page_alive(self.list_page):
            self.window.tabs.setCurrentWidget(self.list_page)
            self.list_page.reload(select_id)
            return self.list_page
        page = CampaignListPage(self)
        page.destroyed.connect(lambda _o=None: setattr(self, "list_page", None))
        self.list_page = page
        self.context.cards.add_document(page, TITLE)
        page.reload(select_id)
        page.table.setFocus()
        return page

    def _current(self) -> Any:
        page = self.list_page if self._page_alive(self.list_page) else None
        return page.current() if page is not None else None

    def new_campaign(self) -> Any:
        from vostok_desktop.gui.campaigns.setup_dialog import CampaignDialog

        dialog = CampaignDialog(self.context, self.window)
        self.dialog = dialog
        if dialog.exec() and dialog.report is not None:
            self._status(f"Кампания создана. {dialog.report.text()}")
            self.open_list(dialog.campaign_id)
        return dialog

    def edit_campaign(self) -> Any:
        from vostok_desktop.gui.campaigns.setup_dialog import CampaignDialog

        row = self._current()
        if row is None:
            self._status("Выберите кампанию в списке")
            return None
        dialog = CampaignDialog(self.context, self.window, campaign_id=row.id)
        self.dialog = dialog
        if dialog.exec():
            self.open_list(row.id)
        return dialog

    def add_by_filter(self) -> None:
        from vostok_desktop.services.access.rights import AccessDenied
        from vostok_desktop.services.campaigns import campaigns as cmp
        from vostok_desktop.services.campaigns.common import CampaignError

        row = self._current()
        if row is None:
            self._status("Выберите кампанию в списке")
            return
        with self.context.base.sessions() as s:
            filters = cmp.saved_client_filters(s, self.context.employee_id)
        if not filters:
            self._status("Сохранённых фильтров списка клиентов нет: сохраните фильтр в "
                         "агенте «Список клиентов»")
            return
        name, ok = QInputDialog.getItem(self.window, "Добавить клиентов по фильтру",
                                        "Фильтр списка клиентов:", list(filters), 0, False)
        if not ok:
            return
        try:
            report = cmp.add_items(self.context.base, row.id,
                                   cmp.Source(client_filter=filters[name]),
                                   employee_id=self.context.employee_id,
                                   profile=self.context.access)
        except (CampaignError, AccessDenied) as exc:
            self._status(getattr(exc, "message", None) or str(exc))
            return
        self._status(report.text())
        self.open_list(row.id)

    def set_status(self, status: CampaignStatus) -> None:
        from vostok_desktop.services.access.rights import AccessDenied
        from vostok_desktop.services.campaigns import campaigns as cmp
        from vostok_desktop.services.campaigns.common import CampaignError

        row = self._current()
        if row is None:
            self._status("Выберите кампанию в списке")
            return
        try:
            cmp.set_status(self.context.base, row.id, status,
                           employee_id=self.context.employee_id, profile=self.context.access)
        except (CampaignError, AccessDenied) as exc:
            self._status(getattr(exc, "message", None) or str(exc))
            return
        self.context.bus.announce("campaign", [row.id])
        self.open_list(row.id)

    def open_lists(self) -> Any:
        from vostok_desktop.gui.campaigns.lists_dialog import CampaignListsDialog

        dialog = CampaignListsDialog(self.context, self.window)
        self.dialog = dialog
        dialog.show()
        return dialog

    # -- from the agents --------------------------------------------------------------------------
    def from_agent(self, dock_name: str) -> Any:
        from vostok_desktop.gui.campaigns.setup_dialog import CampaignDialog
        from vostok_desktop.services.campaigns import campaigns as cmp

        agent = self._agent(dock_name)
        ids = agent.selected_ids() if agent is not None else []
        if not ids:
            self._status("В списке ничего не выбрано")
            return None
        if dock_name == "client_list_agent":
            source, text = cmp.Source(client_ids=ids), f"выбранные клиенты: {len(ids)}"
        else:
            source = cmp.Source(contact_ids=ids)
            text = f"выбранные контактные лица: {len(ids)}"
        dialog = CampaignDialog(self.context, self.window, source=source, source_text=text)
        self.dialog = dialog
        if dialog.exec() and dialog.report is not None:
            self._status(dialog.report.text())
            self.open_list(dialog.campaign_id)
        return dialog

    # -- «Обзвон» ------------------------------------------------------------------------------
    def choose_and_work(self) -> Any:
        """«Обзвон»: the current campaign of the list, else the only active one, else the
        operator picks one of the active campaigns."""
        from vostok_desktop.services.campaigns import campaigns as cmp

        row = self._current()
        if row is not None and row.status is CampaignStatus.ACTIVE:
            return self.open_work(row.id)
        with self.context.base.sessions() as s:
            active = [r for r in cmp.list_campaigns(s, include_closed=False)
                      if r.status is CampaignStatus.ACTIVE]
        if not active:
            self._status("Нет кампаний, по которым идёт обзвон")
            return None
        if len(active) == 1:
            return self.open_work(active[0].id)
        titles = [f"{r.title} — {r.done} из {r.total}" for r in active]
        title, ok = QInputDialog.getItem(self.window, "Обзвон", "Кампания:", titles, 0, False)
        return self.open_work(active[titles.index(title)].id) if ok else None

    def open_work(self, campaign_id: int | None) -> Any:
        from vostok_desktop.gui.campaigns.work_tab import CampaignWorkTab, release_held

        if campaign_id is None:
            self._status("Выберите кампанию в списке")
            return None
        tab = self.work_tabs.get(campaign_id)
        if self._page_alive(tab):
            self.window.tabs.setCurrentWidget(tab)
            tab.result_list.setFocus()
            return tab
        tab = CampaignWorkTab(self.context, campaign_id,
                              telephony=getattr(self.window, "telephony", None))
        tab.destroyed.connect(lambda _o=None, c=campaign_id: self.work_tabs.pop(c, None))
        tab.destroyed.connect(lambda _o=None, ctx=self.context, h=tab.held:
                              release_held(ctx, h))
        self.work_tabs[campaign_id] = tab
        self.context.cards.add_document(tab, f"Обзвон: {tab.title}")
        tab.next_button.setFocus()
        return tab

    def _work_tab(self) -> Any:
        from PySide6.QtWidgets import QApplication

        widget: QWidget | None = QApplication.focusWidget()
        while widget is not None and widget.objectName() != "campaign_work_tab":
            widget = widget.parentWidget()
        if widget is None:
            tabs = getattr(self.window, "tabs", None)
            current = tabs.currentWidget() if tabs is not None else None
            if current is not None and current.objectName() == "campaign_work_tab":
                widget = current
        return widget

    def work_next(self) -> None:
        tab = self._work_tab()
        if tab is not None:
            tab.next()

    def work_save(self) -> None:
        tab = self._work_tab()
        if tab is not None:
            tab.save()


def install_campaigns(window: QMainWindow) -> CampaignsArea:
    """Register the area's commands, menu and agent commands."""
    from vostok_desktop.gui.menus import SALES_MENU, area_menu

    area = CampaignsArea(window)
    a = area.context.actions
    window_commands = [
        ("campaigns.list", "Кампании обзвона", lambda: area.open_list()),
        ("campaigns.work", "Обзвон…", area.choose_and_work),
        ("campaigns.lists", "Результаты звонка и причины отказа…", area.open_lists),
    ]
    for action_id, text, handler in window_commands:
        if action_id not in a:
            window.addAction(a.register(action_id, text, handler, category=CATEGORY,
                                        parent=window))
    list_open = lambda: area._page_alive(area.list_page)  # noqa: E731
    scoped = [
        ("campaigns.from_clients", "Кампания обзвона по выбранным…", "client_list",
         lambda: area.from_agent("client_list_agent"), None),
        ("campaigns.from_contacts", "Кампания обзвона по выбранным…", "contact_list",
         lambda: area.from_agent("contact_list_agent"), None),
        ("campaign_list.new", "Создать…", "campaign_list", area.new_campaign, None),
        ("campaign_list.edit", "Изменить…", "campaign_list", area.edit_campaign,
         lambda: list_open() and area._current() is not None),
        ("campaign_list.add_filter", "Добавить по фильтру…", "campaign_list",
         area.add_by_filter, lambda: list_open() and area.list_page.is_status(
             CampaignStatus.DRAFT, CampaignStatus.ACTIVE)),
        ("campaign_list.start", "Начать обзвон", "campaign_list",
         lambda: area.set_status(CampaignStatus.ACTIVE),
         lambda: list_open() and area.list_page.is_status(CampaignStatus.DRAFT,
                                                          CampaignStatus.CLOSED)),
        ("campaign_list.close", "Завершить", "campaign_list",
         lambda: area.set_status(CampaignStatus.CLOSED),
         lambda: list_open() and area.list_page.is_status(CampaignStatus.ACTIVE,
                                                          CampaignStatus.DRAFT)),
        ("campaign_list.work", "Обзвон", "campaign_list",
         lambda: area.open_work(area._current().id if area._current() else None),
         lambda: list_open() and area.list_page.is_status(CampaignStatus.ACTIVE)),
        ("campaign_work.next", "Следующий", "campaign_work", area.work_next, None),
        ("campaign_work.save", "Сохранить результат", "campaign_work", area.work_save, None),
    ]
    for action_id, text, scope, handler, enabled in scoped:
        if action_id not in a:
            a.register(action_id, text, handler, category=CATEGORY, scope=scope,
                       enabled_when=enabled, parent=window)
    for dock_name, action_id in (("client_list_agent", "campaigns.from_clients"),
                                 ("contact_list_agent", "campaigns.from_contacts")):
        agent = area._agent(dock_name)
        if agent is not None:
            a.attach(action_id, agent)
    menu = area_menu(window, SALES_MENU)
    if menu.actions():
        menu.addSeparator()
    for action_id in ("campaigns.list", "campaigns.work", "campaigns.lists"):
        menu.addAction(a.action(action_id))
    menu.aboutToShow.connect(a.refresh_enabled)
    window.campaigns = area  # type: ignore[attr-defined]
    return area


__all__ = ["CampaignsArea", "install_campaigns"]
