"""Hot line (ГЛ) and consultation line (ЛК): requests, search orders, deadlines.

``install_hotline(window)`` adds the actions and the «Горячая линия» menu, the request
card kind, the «Обращения» pages of client and contact cards, the informer hook (its
«О» key opens the registration form prefilled), the caller lookup hook (open requests
in the popup) and the deadline monitor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

from vostok_desktop.domain.base import utcnow
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.hotline import requests as hl

if TYPE_CHECKING:
    from vostok_desktop.gui.hotline.form import RequestForm
    from vostok_desktop.gui.hotline.journal import RequestsJournal
    from vostok_desktop.gui.hotline.monitor import DeadlineMonitor
    from vostok_desktop.gui.telephony.controller import TelephonyController
    from vostok_desktop.services.telephony.caller_lookup import CallerMatch

MENU_TITLE = "Горячая линия"
CATEGORY = MENU_TITLE


class HotlineArea(QObject):
    """Everything the hot line adds to one main window."""

    def __init__(self, window: QMainWindow, *, clock: Callable[[], datetime] = utcnow,
                 start_monitor: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.clock = clock
        self.form: RequestForm | None = None
        self.journal: RequestsJournal | None = None
        self.telephony: TelephonyController | None = None
        self.reports: dict[str, QWidget] = {}
        self.settings_dialog: QWidget | None = None
        self._register_actions()
        self._build_menu()
        self._register_cards()
        from vostok_desktop.gui.hotline.monitor import DeadlineMonitor

        self.monitor: DeadlineMonitor = DeadlineMonitor(window, self.context, clock)
        if start_monitor and self.context.employee_id is not None:
            self.monitor.start()
        telephony = getattr(window, "telephony", None)
        if telephony is not None:
            self.attach_telephony(telephony)

    # -- actions and menu -------------------------------------------------------------------
    def _register_actions(self) -> None:
        a = self.context.actions
        specs: list[tuple[str, str, Callable[[], object]]] = [
            ("hotline.new_request", "Новое обращение…", self.new_request),
            ("hotline.journal", "Журнал обращений", self.open_journal),
            ("hotline.for_contacts", "Обращение от выбранных контактных лиц…",
             self.new_for_selected_contacts),
            ("hotline.away", "Просрочено, пока вас не было", self.show_away),
            ("hotline.report", "Отчет по горячей линии", lambda: self.open_report("hotline")),
            ("hotline.deadline_report", "Контроль сроков предоставления ответа",
             lambda: self.open_report("deadlines")),
        ]
        if self.context.is_admin:  # the editable lists are for administrators only
            specs.append(("hotline.settings", "Настройки горячей линии…", self.open_settings))
        for action_id, text, handler in specs:
            action = a.register(action_id, text, handler, category=CATEGORY,
                                parent=self.window)
            self.window.addAction(action)
        # The hotkey works from any window of the program (a floating card, the popup).
        a.action("hotline.new_request").setShortcutContext(
            Qt.ShortcutContext.ApplicationShortcut)
        self._hook_contact_agent()

    def _hook_contact_agent(self) -> None:
        """The contact agent's context menu gets «register a request» for its selection."""
        agent = self.contact_agent()
        if agent is not None:
            self.context.actions.attach("hotline.for_contacts", agent)

    def _build_menu(self) -> None:
        bar = self.window.menuBar()
        menu = QMenu(MENU_TITLE, bar)
        menu.setObjectName("hotline_menu")
        before = next((m for m in bar.actions() if m.text() in ("Окна", "Сервис", "Справка")),
                      None)
        bar.insertMenu(before, menu) if before else bar.addMenu(menu)
        a = self.context.actions
        for action_id in ("hotline.new_request", "hotline.for_contacts", "hotline.journal",
                          "hotline.away", None, "hotline.report", "hotline.deadline_report"):
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(a.action(action_id))
        if "hotline.settings" in a:
            menu.addSeparator()
            menu.addAction(a.action("hotline.settings"))
        self.menu = menu

    def _register_cards(self) -> None:
        from vostok_desktop.gui.hotline.card import RequestCard
        from vostok_desktop.gui.hotline.journal import RequestsPage

        context = self.context
        context.cards.register_kind("hotline_request",
                                    lambda entity_id: RequestCard(context, entity_id))
        for kind in ("client", "contact"):
            context.card_pages.register(
                kind, "Обращения",
                lambda ctx, card, k=kind: RequestsPage(ctx, card, k, self.new_from_card,
                                                       self.open_request),
                "hotline_page")

    # -- telephony -------------------------------------------------------------------------
    def attach_telephony(self, controller: TelephonyController) -> None:
        """The informer's «О» key opens the form; the popup lists open requests."""
        if self.telephony is controller:
            return
        self.telephony = controller
        controller.request_handlers.append(self.from_informer)
        controller.lookup_hooks.append(hl.open_requests_hook)

    def from_informer(self, call_id: str, match: CallerMatch | None) -> bool:
        from vostok_desktop.gui.hotline.form import CallInfo

        controller = self.telephony
        popup = controller.informer.popup(call_id) if controller is not None else None
        event = popup.view.event if popup is not None else None
        with self.context.base.sessions() as session:
            row_id = hl.call_row_id(session, call_id, event.extension if event else None)
        form = self._new_form()
        form.set_call(CallInfo(row_id, event.number if event else "",
                               event.at if event else None))
        if match is not None:
            form.set_caller(match.client_id, match.contact_id)
        self._show_form(form)
        return True

    # -- the form ---------------------------------------------------------------------------
    def _new_form(self) -> RequestForm:
        from vostok_desktop.gui.hotline.form import RequestForm

        form = RequestForm(self.context, self.window)
        form.saved.connect(self._saved)
        form.destroyed.connect(lambda _o=None, f=form: self._forget_form(f))
        self.form = form
        return form

    def _forget_form(self, form: object) -> None:
        if self.form is form:
            self.form = None

    def _show_form(self, form: RequestForm) -> None:
        form.show()
        form.raise_()
        form.activateWindow()
        form.focus_first_empty()

    def _saved(self, ids: list[int]) -> None:
        first = ids[0]
        text = (f"Обращение №{first} зарегистрировано" if len(ids) == 1
                else f"Зарегистрировано обращений: {len(ids)} (№{first}…№{ids[-1]})")
        self.window.statusBar().showMessage(text, 8000)

    def new_request(self) -> RequestForm:
        """The global hotkey: from the contact agent it takes its selection; otherwise
        an empty form with the caller's type-ahead search."""
        agent = self.contact_agent()
        focus = QApplication.focusWidget()
        if agent is not None and focus is not None and agent.isAncestorOf(focus):
            ids = agent.selected_ids(200)
            if ids:
                return self.new_for_contacts(ids)
        form = self._new_form()
        self._show_form(form)
        return form

    def contact_agent(self) -> Any:
        dock = getattr(self.window, "docks", {}).get("contact_list_agent")
        return dock.widget() if dock is not None else None

    def new_for_selected_contacts(self) -> RequestForm | None:
        agent = self.contact_agent()
        ids = agent.selected_ids(200) if agent is not None else []
        if not ids:
            self.window.statusBar().showMessage("Выберите контактных лиц в списке", 6000)
            return None
        return self.new_for_contacts(ids)

    def new_for_contacts(self, contact_ids: Sequence[int]) -> RequestForm:
        form = self._new_form()
        form.set_contacts(contact_ids)
        self._show_form(form)
        return form

    def new_from_card(self, kind: str, entity_id: int) -> RequestForm:
        form = self._new_form()
        if kind == "contact":
            form.set_contacts([entity_id])
        else:
            form.set_caller(entity_id)
        self._show_form(form)
        return form

    # -- documents -------------------------------------------------------------------------
    def open_request(self, request_id: int) -> None:
        self.context.cards.open("hotline_request", request_id)

    def open_journal(self) -> RequestsJournal:
        from vostok_desktop.gui.hotline.journal import RequestsJournal

        tabs = getattr(self.window, "tabs", None)
        if self.journal is not None and tabs is not None and tabs.indexOf(self.journal) >= 0:
            tabs.setCurrentWidget(self.journal)
            self.journal.refresh()
            return self.journal
        journal = RequestsJournal(self.context, self.open_request, self.clock)
        journal.destroyed.connect(lambda _o=None: setattr(self, "journal", None))
        self.journal = journal
        self.context.cards.add_document(journal, "Журнал обращений")
        journal.table.setFocus()
        return journal

    def open_report(self, kind: str) -> QWidget:
        from vostok_desktop.gui.hotline.reports import TITLES, ReportTab

        tabs = getattr(self.window, "tabs", None)
        existing = self.reports.get(kind)
        if existing is not None and tabs is not None and tabs.indexOf(existing) >= 0:
            tabs.setCurrentWidget(existing)
            return existing
        tab = ReportTab(self.context, kind, self.clock)
        tab.destroyed.connect(lambda _o=None, k=kind: self.reports.pop(k, None))
        self.reports[kind] = tab
        self.context.cards.add_document(tab, TITLES[kind])
        return tab

    def open_settings(self) -> QWidget | None:
        """«Настройки горячей линии» (types, stages, calendar); administrators only."""
        from vostok_desktop.gui.hotline.settings import HotlineSettingsDialog

        if not self.context.is_admin:
            return None
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return self.settings_dialog
        dialog = HotlineSettingsDialog(self.context, self.window)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "settings_dialog", None))
        self.settings_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.types_page.table.setFocus()
        return dialog

    def show_away(self, *, only_if_any: bool = False) -> QWidget | None:
        """«Просрочено, пока вас не было» as a tab (at login: only if there is something)."""
        from vostok_desktop.gui.hotline.monitor import AwayList

        alerts = self.monitor.overdue_while_away()
        if not alerts and only_if_any:
            return None
        if not alerts:
            self.window.statusBar().showMessage(
                "Пока вас не было, просроченных обращений не появилось", 8000)
            return None
        widget = AwayList(alerts, self.open_request)
        self.context.cards.add_document(widget, f"Пока вас не было: {len(alerts)}")
        return widget


def install_hotline(window: QMainWindow, *, clock: Callable[[], datetime] = utcnow,
                    start_monitor: bool = True) -> HotlineArea:
    """Add this area's actions, menus, documents and card pages to the main window."""
    area = HotlineArea(window, clock=clock, start_monitor=start_monitor)
    window.hotline = area  # type: ignore[attr-defined]
    if start_monitor and area.context.employee_id is not None:
        try:
            area.show_away(only_if_any=True)
        except Exception:  # noqa: BLE001 - the login must go on without the list
            import logging

            logging.getLogger(__name__).exception("«since you were away» failed")
    return area
