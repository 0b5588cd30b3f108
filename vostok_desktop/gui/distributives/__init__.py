"""Distributives in the main window: the «Дистрибутивы» page of the client card, the
«Склад дистрибутивов» tab, the catalogue of systems, and the menu «Дистрибутивы» with
the ЗВЭ file, the КЦ request and the reconciliation with the registration centre.

``install_distributives(window)`` registers every command in the one action registry
(page commands scoped to the card page, warehouse commands to the warehouse tab), the
card page and the menu. Dialog modules load on use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext
    from vostok_desktop.gui.distributives.card_page import DistributivesPage
    from vostok_desktop.gui.distributives.warehouse import WarehouseWidget

MENU_TITLE = "Дистрибутивы"
PAGE_SCOPE = "distributives_page"
WAREHOUSE_SCOPE = "warehouse"
PAGE_OBJECT_NAME = "page_distributives"


def _current_client_id(context: AppContext) -> int | None:
    card = context.cards.current()
    if card is None or card.kind != "client":
        return None
    return card.entity_id


def current_page(context: AppContext, *, show: bool = True) -> DistributivesPage | None:
    """The distributives page the keyboard is in, else that of the current client card
    (brought to the front when ``show``)."""
    from vostok_desktop.gui.distributives.card_page import DistributivesPage
    from vostok_desktop.gui.distributives.common import focused

    page = focused(DistributivesPage)
    if page is not None:
        return page
    card = context.cards.current()
    if card is None or card.kind != "client":
        return None
    page = next((p for p in getattr(card, "extension_pages", [])
                 if isinstance(p, DistributivesPage)), None)
    if page is not None and show:
        pages = getattr(card, "pages", None)
        if pages is not None:
            pages.setCurrentWidget(page)
    return page


class DistributivesArea:
    """What ``install_distributives`` leaves on the window (``window.distributives``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.warehouse: WarehouseWidget | None = None
        self.menu: QMenu | None = None
        self.reminders: object | None = None  # OverdueReminders, the status-bar indicator

    # -- the warehouse -----------------------------------------------------------------
    def open_warehouse(self, statuses: tuple = ()) -> WarehouseWidget:
        from vostok_desktop.gui.distributives.warehouse import WarehouseWidget

        tabs = getattr(self.window, "tabs", None)
        if self.warehouse is not None and tabs is not None and tabs.indexOf(self.warehouse) >= 0:
            tabs.setCurrentWidget(self.warehouse)
        else:
            widget = WarehouseWidget(self.context)
            for action_id in ("warehouse.receive", "warehouse.reserve", "warehouse.unreserve",
                              "warehouse.demo_issue", "warehouse.stock_return"):
                self.context.actions.attach(action_id, widget)
            widget.destroyed.connect(lambda _o=None: setattr(self, "warehouse", None))
            self.warehouse = widget
            self.context.cards.add_document(widget, "Склад дистрибутивов")
        if statuses:
            self.warehouse.set_status_filter(statuses)
        self.warehouse.table.setFocus()
        return self.warehouse

    def open_overdue_demos(self) -> WarehouseWidget:
        from vostok_desktop.domain.distributives import DistributiveStatus

        return self.open_warehouse((DistributiveStatus.DEMO,))

    def open_catalogue(self) -> object:
        from vostok_desktop.gui.distributives.catalogue_dialog import CatalogueDialog

        dialog = CatalogueDialog(self.context, self.window)
        if self.warehouse is not None:
            dialog.finished.connect(lambda _r: self.warehouse and self.warehouse.refresh())
        dialog.show()
        return dialog

    # -- dialogs another module owns ---------------------------------------------------------
    def open_expert_file(self) -> object:
        from vostok_desktop.gui.distributives.expert_file_dialog import open_expert_file_dialog

        return open_expert_file_dialog(self.window, self.context)

    def open_kc_request(self) -> object:
        from vostok_desktop.gui.distributives.kc_request_dialog import open_kc_request_dialog

        return open_kc_request_dialog(self.window, self.context,
                                      _current_client_id(self.context))

    def open_reports(self) -> object:
        from vostok_desktop.gui.distributives.reports_window import open_distributive_reports
        return open_distributive_reports(self.window, self.context)

    def plan_installation(self) -> object:
        from vostok_desktop.gui.distributives.installation_dialog import (
            open_installation_dialog,
        )
        return open_installation_dialog(self.window, self.context,
                                        client_id=_current_client_id(self.context))

    def open_installation_control(self) -> object:
        from vostok_desktop.gui.distributives.installation_dialog import (
            open_installation_control,
        )
        return open_installation_control(self.window, self.context)

    def set_ask_expert(self, on: bool) -> list[int] | None:
        """ЗВЭ on/off for every kit of the clients selected in «Список клиентов»."""
        from PySide6.QtWidgets import QMessageBox

        from vostok_desktop.gui.agents.client_list import ClientListAgent
        from vostok_desktop.services.access.rights import AccessDenied
        from vostok_desktop.services.distributives import kits

        agent = self.window.findChild(ClientListAgent)
        ids = agent.selected_ids() if agent is not None else []
        if not ids:
            self.window.statusBar().showMessage(
                "Выберите клиентов в списке клиентов: ЗВЭ ставится на их комплекты", 6000)
            return None
        try:
            changed = kits.set_ask_expert_for_clients(
                self.context.base, ids, on, self.context.employee_id,
                profile=getattr(self.context, "access", None))
        except (AccessDenied, ValueError, LookupError) as exc:
            QMessageBox.warning(self.window, "ЗВЭ", getattr(exc, "message", None) or str(exc))
            return None
        self.context.bus.announce("client", ids)
        what = "включён" if on else "снят"
        self.window.statusBar().showMessage(
            f"ЗВЭ {what}: комплектов {len(changed)} у клиентов {len(ids)}", 8000)
        return changed

    def open_reconciliation(self) -> object:
        from vostok_desktop.gui.distributives.reconciliation_dialog import (
            open_reconciliation_dialog,
        )

        return open_reconciliation_dialog(self.window, self.context)

    # -- scoped commands -----------------------------------------------------------------
    def on_page(self, method: str) -> Callable[[], None]:
        def run() -> None:
            page = current_page(self.context)
            if page is not None:
                getattr(page, method)()
            else:
                self.window.statusBar().showMessage(
                    "Откройте карточку клиента, страницу «Дистрибутивы»", 5000)
        return run

    def on_warehouse(self, method: str) -> Callable[[], None]:
        def run() -> None:
            from vostok_desktop.gui.distributives.common import focused
            from vostok_desktop.gui.distributives.warehouse import WarehouseWidget

            widget = focused(WarehouseWidget) or self.warehouse
            if widget is not None:
                getattr(widget, method)()
        return run

    def page_factory(self, context: object, card: object) -> QWidget:
        from vostok_desktop.gui.distributives.card_page import COMMANDS, KIT_COMMANDS
        from vostok_desktop.gui.distributives.card_page import DistributivesPage as Page

        page = Page(context, card)
        actions = self.context.actions
        for action_id, *_rest in COMMANDS:
            if action_id == "distributives.state_on":
                actions.attach(action_id, page)
            else:  # Delete in the kits table is not «отключить»
                actions.attach(action_id, page.table)
                actions.attach(action_id, page.history)
        for action_id, *_rest in KIT_COMMANDS:
            actions.attach(action_id, page)
        return page


def install_distributives(window: QMainWindow) -> DistributivesArea:
    """Register the commands, the card page and the menu «Дистрибутивы»."""
    from vostok_desktop.gui.distributives.card_page import COMMANDS, KIT_COMMANDS
    from vostok_desktop.gui.distributives.warehouse import COMMANDS as WAREHOUSE_COMMANDS

    area = DistributivesArea(window)
    context = area.context
    a = context.actions
    cat = MENU_TITLE

    def writable() -> bool:
        return not context.base.read_only

    def client_card() -> bool:
        return writable() and _current_client_id(context) is not None

    window_actions = [
        ("distributives.warehouse", "Склад…", area.open_warehouse),
        ("distributives.overdue_demos", "Ознакомительные: сроки возврата…",
         area.open_overdue_demos),
        ("distributives.catalogue", "Каталог систем…", area.open_catalogue),
        ("distributives.expert_file", "Файл ЗВЭ (expcons.txt)…", area.open_expert_file),
        ("distributives.kc_request", "Заявка в КЦ…", area.open_kc_request),
        ("distributives.reconciliation", "Сверка с РЦ…", area.open_reconciliation),
        ("distributives.reports", "Отчёты по дистрибутивам…", area.open_reports),
        ("distributives.plan_installation", "Запланировать установку…",
         area.plan_installation),
        ("distributives.installation_control", "Контроль сроков установки…",
         area.open_installation_control),
        ("clients.ask_expert_on", "Включить ЗВЭ выбранным клиентам",
         lambda: area.set_ask_expert(True)),
        ("clients.ask_expert_off", "Снять ЗВЭ у выбранных клиентов",
         lambda: area.set_ask_expert(False)),
    ]
    for action_id, text, handler in window_actions:
        if action_id not in a:
            window.addAction(a.register(action_id, text, handler, category=cat,
                                        parent=window))
    page_texts = {
        "distributives.connect": "Подключить дистрибутив со склада…",
        "distributives.disconnect": "Отключить дистрибутив…",
        "distributives.transfer": "Передать права другому клиенту…",
        "distributives.replace": "Замена дистрибутива (МЗ)…",
        "distributives.kit_add": "Пополнение комплекта…",
        "distributives.stock_return": "Вернуть дистрибутив на склад…",
        "distributives.terms": "Условия дистрибутива (цена, скидка, инженер)…",
        "distributives.state_on": "Состояние на дату…",
        "kits.new": "Новый комплект…",
        "kits.edit": "Изменить комплект…",
        "kits.delete": "Удалить комплект",
    }
    for action_id, _text, method, _right in COMMANDS + KIT_COMMANDS:
        if action_id not in a:
            a.register(action_id, page_texts[action_id], area.on_page(method), category=cat,
                       scope=PAGE_SCOPE, parent=window,
                       enabled_when=(lambda: _current_client_id(context) is not None)
                       if action_id == "distributives.state_on" else client_card)
    warehouse_texts = {
        "warehouse.receive": "Оприходовать дистрибутивы…",
        "warehouse.reserve": "Зарезервировать…",
        "warehouse.unreserve": "Снять резерв…",
        "warehouse.demo_issue": "Выдать на ознакомление…",
        "warehouse.stock_return": "Вернуть на склад (ознакомительный)…",
    }
    for action_id, _text, method, _right in WAREHOUSE_COMMANDS:
        if action_id in warehouse_texts and action_id not in a:
            a.register(action_id, warehouse_texts[action_id], area.on_warehouse(method),
                       category=cat, scope=WAREHOUSE_SCOPE, parent=window,
                       enabled_when=writable)
    context.card_pages.register("client", MENU_TITLE, area.page_factory, PAGE_OBJECT_NAME)
    area.menu = _add_menu(window, a, [
        "distributives.warehouse", "distributives.overdue_demos", "distributives.catalogue",
        None, *[c[0] for c in COMMANDS], None, "kits.new", "kits.edit", "kits.delete", None,
        "distributives.plan_installation", "distributives.installation_control", None,
        "distributives.expert_file", "clients.ask_expert_on", "clients.ask_expert_off",
        "distributives.kc_request", "distributives.reconciliation", None,
        "distributives.reports"])
    from vostok_desktop.gui.distributives.reminders import OverdueReminders

    area.reminders = OverdueReminders(window, area)
    window.distributives = area  # type: ignore[attr-defined]
    return area


def _add_menu(window: QMainWindow, a: object, ids: list[str | None]) -> QMenu:
    bar = window.menuBar()
    before = next((act for act in bar.actions() if act.text() in ("Окна", "Сервис")), None)
    menu = QMenu(MENU_TITLE, bar)
    menu.setObjectName("distributives_menu")
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    for action_id in ids:
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(a.action(action_id))  # type: ignore[attr-defined]
    return menu


__all__ = ["DistributivesArea", "current_page", "install_distributives"]
