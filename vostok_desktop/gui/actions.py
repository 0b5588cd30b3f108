"""The one action registry: every command and shortcut of the program comes from here.

Menus, toolbars, context menus and the «Горячие клавиши» page are built from it;
no shortcut is defined anywhere else. Defaults live in ONE table below; the user's
overrides in QSettings; a conflicting shortcut is refused when set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

# Scopes: "window" shortcuts work everywhere in the main window; others only while
# focus is inside that widget (an agent's list, a card). Two actions conflict when
# they share a key and a scope, or when either is window-wide.
WINDOW = "window"

DEFAULT_SHORTCUTS: dict[str, str] = {
    "app.quit": "Ctrl+Q",
    "app.connect": "Ctrl+Shift+O",
    "app.shortcuts": "",
    "app.about": "",
    "app.upgrade_schema": "",
    "admin.users": "",
    "service.reference": "",
    "admin.change_password": "",
    "tab.close": "Ctrl+W",
    "tab.next": "Ctrl+Tab",
    "tab.previous": "Ctrl+Shift+Tab",
    "window.client_list": "Ctrl+1",
    "window.contact_list": "Ctrl+2",
    "window.reset_layout": "",
    "card.save": "Ctrl+S",
    "card.reload": "F5",
    "card.restore_value": "Ctrl+Shift+R",
    "clients.quick_search": "Ctrl+F",
    "clients.open": "Return",
    "clients.new": "Ins",
    "clients.mark_deleted": "Del",
    "clients.undo_mark_deleted": "Ctrl+Z",
    "clients.toggle_favourite": "Ctrl+D",
    "clients.export_excel": "Ctrl+E",
    "clients.filter_builder": "Ctrl+Shift+F",
    "clients.colour_rules": "",
    "clients.set_responsible": "",
    "clients.open_contacts": "Ctrl+K",
    "contacts.quick_search": "Ctrl+F",
    "contacts.open": "Return",
    "contacts.open_client": "Ctrl+Return",
    "contacts.toggle_favourite": "Ctrl+D",
    "contacts.write_email": "Ctrl+M",
    "contacts.stop_list": "",
    "contacts.export_excel": "Ctrl+E",
    "telephony.current_call": "Alt+T",
    "telephony.simulate_call": "",
    "telephony.call_log": "",
    "telephony.settings": "",
    "telephony.transfer": "",
    "telephony.call_back": "",
    "telephony.dial": "Ctrl+Shift+D",
    # -- hot line (ГЛ/ЛК) --
    "hotline.new_request": "Ctrl+Shift+N",
    "hotline.journal": "Ctrl+Shift+J",
    "hotline.for_contacts": "",
    "hotline.away": "",
    "hotline.report": "",
    "hotline.deadline_report": "",
    "hotline.settings": "",
    # -- organisation of work (ПРиЗ, assignments, works, planner, reminders) --
    "work.planner": "Ctrl+Shift+P",
    "work.new_work": "",
    "work.wrap_up": "Alt+W",
    "work.log_call": "Alt+Shift+W",
    "work.new_assignment": "",
    "work.assign_clients": "Ctrl+Shift+A",
    "work.assign_contacts": "Ctrl+Shift+A",
    "work.distribution": "",
    "work.digest": "",
    "work_form.save": "Ctrl+Return",
    "planner.open": "Return",
    "planner.new_work": "Ins",
    "planner.postpone_day": "Ctrl+Right",
    "planner.advance_day": "Ctrl+Left",
    "planner.postpone_week": "Ctrl+Shift+Right",
    "planner.view_next": "Alt+Right",
    "planner.view_previous": "Alt+Left",
    "planner.view_today": "Alt+Home",
    "planner.day_view": "Alt+1",
    "planner.week_view": "Alt+7",
    "action_items.new": "Ins",
    "action_items.open": "Return",
    # -- documents (print forms, Excel import/export, e-mail) --
    "documents.print": "Ctrl+P",
    "documents.mass_print": "",
    "documents.send_email": "Ctrl+Shift+E",
    "documents.import_clients": "Ctrl+Shift+I",
    "documents.find_duplicates": "",
    "documents.templates": "",
    "documents.mail_settings": "",
    "documents.company_details": "",
    # -- distributives (kits, movements, warehouse, catalogue, ЗВЭ/КЦ files) --
    "window.distributive_list": "Ctrl+3",
    "distributives.warehouse": "Ctrl+Shift+W",
    "distributives.catalogue": "",
    "distributives.overdue_demos": "",
    "distributives.expert_file": "",
    "distributives.kc_request": "",
    "distributives.reconciliation": "",
    "distributives.reports": "",
    "distributives.plan_installation": "",
    "distributives.installation_control": "",
    "distributives.connect": "Ins",
    "distributives.disconnect": "Del",
    "distributives.transfer": "Ctrl+Alt+T",
    "distributives.replace": "Ctrl+Alt+M",
    "distributives.kit_add": "Ctrl+Alt+K",
    "distributives.stock_return": "Ctrl+Alt+V",
    "distributives.terms": "F4",
    "distributives.state_on": "Ctrl+Alt+D",
    "kits.new": "Ctrl+Alt+N",
    "kits.edit": "Ctrl+Alt+E",
    "kits.delete": "Shift+Del",
    "warehouse.receive": "Ins",
    "warehouse.reserve": "Ctrl+Alt+R",
    "warehouse.unreserve": "Ctrl+Alt+U",
    "warehouse.demo_issue": "Ctrl+Alt+O",
    "warehouse.stock_return": "Ctrl+Alt+V",
    "distributive_list.quick_search": "Ctrl+F",
    "distributive_list.open_client": "Return",
    "distributive_list.export_excel": "Ctrl+E",
    "clients.ask_expert_on": "",
    "clients.ask_expert_off": "",
    # -- money (price lists, VIP, companies, billing, payments, reports) --
    "money.price_lists": "",
    "money.vip": "",
    "money.companies": "",
    "money.billing": "",
    "money.register_mail": "",
    "money.payments": "Ctrl+Shift+M",
    "money.import_statement": "",
    "money.review": "",
    "money.reports": "",
    "money.reconciliation": "",
    "money.cash_payment": "",
    "money.vip_recalculate": "",
    "money.price_import": "",
    "money.quotas": "",
    "money.quota_mark": "",
    # -- KPI (indicators, plans, sets) --
    "kpi.indicators": "",
    "kpi.plans": "",
    "kpi.sets": "",
    "kpi.nss_monitor": "",
    "kpi.nss_plan_contact": "Ins",
    "kpi.dashboard": "",
    # -- pivot reports (menu «Отчёты»; one row per built-in report) --
    "reports.open": "Ctrl+Shift+L",
    "report.client_contacts": "",
    "report.assignments": "",
    "report.action_items": "",
    "report.hotline": "",
    "report.answer_times": "",
    "report.client_distributives": "",
    "report.distributive_movements": "",
    "report.distributive_balance": "",
    "report.money_received": "",
    "report.receivables": "",
    "report.sales_funnel": "",
    "report.employee_diary": "",
    # -- pivot reports added by the areas below and by issue 15's leftovers --
    # (reports: add rows here)
    "report.service_scheme": "",
    "report.print_diary": "",
    # -- sales (leads, deals, stages, needs) --
    # (sales: add rows here)
    "sales.leads": "",
    "sales.import_leads": "",
    "sales.deals": "",
    "sales.setup": "",
    "sales.new_deal": "",
    "lead_list.accept": "Return",
    "lead_list.take": "F2",
    "lead_list.reject": "Del",
    "deal_list.new": "Ins",
    "deal_list.open": "Return",
    "deal_list.next_stage": "Ctrl+Right",
    "client_deals.new": "Ins",
    "report.deal_funnel": "",
    "report.leads": "",
    # -- telemarketing (call campaigns) --
    # (campaigns: add rows here)
    "campaigns.list": "",
    "campaigns.work": "",
    "campaigns.from_clients": "",
    "campaigns.from_contacts": "",
    "campaigns.lists": "",
    "campaign_list.new": "Ins",
    "campaign_list.work": "Return",
    "campaign_list.edit": "F2",
    "campaign_list.add_filter": "",
    "campaign_list.start": "",
    "campaign_list.close": "",
    "campaign_work.next": "Ctrl+N",
    "campaign_work.save": "Return",
    "report.campaign_results": "",
    # -- competitors --
    # (competitors: add rows here)
    "competitors.catalogue": "",
    "competitors.document_new": "Ins",
    "competitors.kit_new": "Ins",
    "competitors.next_stage": "Ctrl+Right",
    "competitors.counter_assignment": "Ctrl+Alt+P",
    "report.competitors": "",
    "report.competitor_shares": "",
    "report.competitor_clashes": "",
    # -- education services («Учебный центр») --
    # (education: add rows here)
    "education.events": "",
    "education.new_event": "Ins",
    "education.register": "",
    "education.norms": "",
    "education.next_stage": "Ctrl+Right",
    "education.previous_stage": "Ctrl+Left",
    "education.cancel_participant": "Del",
    "education.no_show": "",
    "education.restore_participant": "",
    "education.feedback": "F4",
    "education.issue_invoices": "",
    "education.certificates": "",
    "education.hand_over": "",
    "report.education": "",
    "report.education_funnel": "",
}


# Actions that need a right (vostok_desktop.domain.access.Right): greyed out without it,
# and on a server base the database refuses the same anyway.
ACTION_RIGHTS: dict[str, str] = {
    "clients.new": "client.create",
    "clients.mark_deleted": "client.delete",
    "clients.undo_mark_deleted": "client.delete",
    "clients.set_responsible": "client.edit",
    "clients.export_excel": "export.excel",
    "contacts.stop_list": "client.edit",
    "contacts.export_excel": "export.excel",
    "hotline.settings": "settings.hotline",
    "hotline.report": "export.excel",
    "hotline.deadline_report": "export.excel",
    "work.distribution": "settings.work",
    "documents.mass_print": "print.mass",
    "documents.import_clients": "client.import",
    "documents.find_duplicates": "client.merge",
    "documents.templates": "templates.edit",
    "documents.company_details": "templates.edit",
    "admin.users": "users.admin",
    "distributives.catalogue": "distributives.catalogue",
    "distributives.expert_file": "distributives.files",
    "distributives.kc_request": "distributives.files",
    "distributives.reconciliation": "distributives.move",
    "distributives.plan_installation": "distributives.move",
    "distributives.connect": "distributives.move",
    "distributives.disconnect": "distributives.move",
    "distributives.transfer": "distributives.move",
    "distributives.replace": "distributives.move",
    "distributives.kit_add": "distributives.move",
    "distributives.terms": "distributives.move",
    "distributives.stock_return": "distributives.stock",
    "kits.new": "distributives.move",
    "kits.edit": "distributives.move",
    "kits.delete": "distributives.move",
    "warehouse.receive": "distributives.stock",
    "warehouse.reserve": "distributives.stock",
    "warehouse.unreserve": "distributives.stock",
    "warehouse.demo_issue": "distributives.stock",
    "warehouse.stock_return": "distributives.stock",
    "distributive_list.export_excel": "export.excel",
    "clients.ask_expert_on": "distributives.files",
    "clients.ask_expert_off": "distributives.files",
    "money.companies": "reference.edit",
    "money.billing": "money.documents",
    "money.register_mail": "money.documents",
    "money.import_statement": "money.payments",
    "money.review": "money.payments",
    "money.cash_payment": "money.payments",
    "money.vip_recalculate": "money.discounts",
    "money.price_import": "money.prices",
    "money.quota_mark": "distributives.move",
    # (sales: add rights rows here)
    "sales.import_leads": "sales.leads",
    "sales.setup": "sales.setup",
    # (campaigns: add rights rows here)
    "campaigns.from_clients": "campaigns.manage",
    "campaigns.from_contacts": "campaigns.manage",
    "campaign_list.new": "campaigns.manage",
    "campaign_list.edit": "campaigns.manage",
    "campaign_list.add_filter": "campaigns.manage",
    "campaign_list.start": "campaigns.manage",
    "campaign_list.close": "campaigns.manage",
    # (competitors: add rights rows here)
    "competitors.document_new": "client.edit",
    "competitors.kit_new": "client.edit",
    "competitors.next_stage": "client.edit",
    "competitors.counter_assignment": "client.edit",
    # (education: add rights rows here)
    "education.new_event": "education.events",
    "education.issue_invoices": "money.documents",
}


def shortcut_text(sequence: QKeySequence | str) -> str:
    """A shortcut as the user reads it: Qt says «Return» for the key labelled Enter."""
    if isinstance(sequence, str):
        sequence = QKeySequence(sequence)
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    names = {"Return": "Enter", "Ins": "Insert", "Del": "Delete"}
    return "+".join(names.get(key, key) for key in text.split("+")) if text else ""


class ShortcutConflict(ValueError):
    def __init__(self, sequence: str, other_id: str, other_text: str) -> None:
        super().__init__(f"Сочетание {sequence} уже назначено команде «{other_text}»")
        self.other_id = other_id


@dataclass
class ActionEntry:
    id: str
    text: str
    scope: str
    action: QAction
    enabled_when: Callable[[], bool] | None = None
    category: str = ""
    widgets: list[QWidget] = field(default_factory=list)


class ActionRegistry(QObject):
    shortcuts_changed = Signal()

    SETTINGS_GROUP = "shortcuts/v1"

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._entries: dict[str, ActionEntry] = {}
        self._rights: frozenset[str] | None = None  # None: no limits known (yet)
        self._denied: set[str] = set()  # greyed out for want of a right

    # -- registration ------------------------------------------------------------
    def register(
        self,
        action_id: str,
        text: str,
        handler: Callable[[], object] | None = None,
        *,
        category: str = "",
        scope: str = WINDOW,
        icon: QStyle.StandardPixmap | QIcon | None = None,
        enabled_when: Callable[[], bool] | None = None,
        checkable: bool = False,
        parent: QObject | None = None,
    ) -> QAction:
        if action_id in self._entries:
            raise ValueError(f"action {action_id} registered twice")
        if action_id not in DEFAULT_SHORTCUTS:
            raise KeyError(f"action {action_id} has no row in DEFAULT_SHORTCUTS")
        action = QAction(text, parent or self)
        action.setObjectName(action_id)
        action.setCheckable(checkable)
        if isinstance(icon, QStyle.StandardPixmap):
            from PySide6.QtWidgets import QApplication

            action.setIcon(QApplication.style().standardIcon(icon))
        elif isinstance(icon, QIcon):
            action.setIcon(icon)
        action.setShortcutContext(
            Qt.ShortcutContext.WindowShortcut
            if scope == WINDOW
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        if handler is not None:
            action.triggered.connect(lambda _checked=False: handler())
        self._entries[action_id] = ActionEntry(action_id, text, scope, action, enabled_when,
                                               category)
        action.setShortcut(QKeySequence(self.shortcut(action_id)))
        self._update_tooltip(action_id)
        if not self.permitted(action_id):
            action.setEnabled(False)
            self._denied.add(action_id)
        return action

    def attach(self, action_id: str, widget: QWidget) -> None:
        """Make a scoped action live inside ``widget`` (its shortcut works there)."""
        entry = self._entries[action_id]
        widget.addAction(entry.action)
        entry.widgets.append(widget)

    # -- look-up ----------------------------------------------------------------
    def action(self, action_id: str) -> QAction:
        return self._entries[action_id].action

    def entries(self) -> list[ActionEntry]:
        return list(self._entries.values())

    def __contains__(self, action_id: str) -> bool:
        return action_id in self._entries

    def trigger(self, action_id: str) -> None:
        action = self.action(action_id)
        if action.isEnabled():
            action.trigger()

    # -- shortcuts ----------------------------------------------------------------
    def default_shortcut(self, action_id: str) -> str:
        return DEFAULT_SHORTCUTS[action_id]

    def shortcut(self, action_id: str) -> str:
        key = f"{self.SETTINGS_GROUP}/{action_id}"
        value = self._settings.value(key)
        return str(value) if value is not None else self.default_shortcut(action_id)

    def find_conflict(self, action_id: str, sequence: str) -> ActionEntry | None:
        if not sequence:
            return None
        wanted = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.PortableText)
        scope = self._entries[action_id].scope if action_id in self._entries else WINDOW
        for other in self._entries.values():
            if other.id == action_id:
                continue
            current = QKeySequence(self.shortcut(other.id)).toString(
                QKeySequence.SequenceFormat.PortableText
            )
            if current and current == wanted and (
                other.scope == scope or WINDOW in (other.scope, scope)
            ):
                return other
        return None

    def set_shortcut(self, action_id: str, sequence: str) -> None:
        """Change a shortcut; a key taken by another command in reach is refused."""
        sequence = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.PortableText)
        conflict = self.find_conflict(action_id, sequence)
        if conflict is not None:
            raise ShortcutConflict(sequence, conflict.id, conflict.text)
        key = f"{self.SETTINGS_GROUP}/{action_id}"
        if sequence == self.default_shortcut(action_id):
            self._settings.remove(key)
        else:
            self._settings.setValue(key, sequence)
        self._entries[action_id].action.setShortcut(QKeySequence(sequence))
        self._update_tooltip(action_id)
        self.shortcuts_changed.emit()

    def reset_shortcut(self, action_id: str) -> None:
        self.set_shortcut(action_id, self.default_shortcut(action_id))

    # -- enabled state ------------------------------------------------------------
    def set_rights(self, rights: frozenset[str] | None) -> None:
        """The current login's rights; actions needing another right are greyed out."""
        self._rights = rights
        for action_id in self._entries:
            self._update_tooltip(action_id)
        self.refresh_enabled()

    def permitted(self, action_id: str) -> bool:
        right = ACTION_RIGHTS.get(action_id)
        return right is None or self._rights is None or right in self._rights

    def refresh_enabled(self) -> None:
        for entry in self._entries.values():
            allowed = self.permitted(entry.id)
            if entry.enabled_when is not None:
                entry.action.setEnabled(allowed and bool(entry.enabled_when()))
            elif not allowed:
                entry.action.setEnabled(False)
                self._denied.add(entry.id)
            elif entry.id in self._denied:  # the right came back
                entry.action.setEnabled(True)
                self._denied.discard(entry.id)

    def _update_tooltip(self, action_id: str) -> None:
        entry = self._entries[action_id]
        seq = shortcut_text(entry.action.shortcut())
        tip = f"{entry.text} ({seq})" if seq else entry.text
        if not self.permitted(action_id):
            from vostok_desktop.services.access.rights import right_title

            tip += f" — нет права «{right_title(ACTION_RIGHTS[action_id])}»"
        entry.action.setToolTip(tip)
