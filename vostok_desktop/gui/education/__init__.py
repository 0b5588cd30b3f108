"""The education area in the main window: the menu «Учебный центр» («Мероприятия»,
«Новое мероприятие…», «Записать на мероприятие…», «Нормы обучения…» and the two
reports), the event card (kind ``education_event``), the command «Записать на
мероприятие…» in the contact agent's context menu for its selection, and the contact
card's page «Обучение»."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow, QWidget

from vostok_desktop.gui.menus import EDUCATION_MENU, area_menu

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext
    from vostok_desktop.gui.education.event_card import EventCard
    from vostok_desktop.gui.education.events_tab import EventsTab

CATEGORY = "Учебный центр"
CONTACT_PAGE = "education_page"
LIST_SCOPE = "education_events_list"
PARTICIPANTS_SCOPE = "education_participants"


class EducationArea:
    """What ``install_education`` leaves on the window (``window.education``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.events_tab: EventsTab | None = None
        self.dialog: Any = None  # the last dialog opened

    # -- tabs and cards --------------------------------------------------------------------
    def open_events(self) -> EventsTab:
        from vostok_desktop.gui.education.events_tab import TITLE, EventsTab

        tabs = getattr(self.window, "tabs", None)
        if self.events_tab is not None and tabs is not None and \
                tabs.indexOf(self.events_tab) >= 0:
            tabs.setCurrentWidget(self.events_tab)
            self.events_tab.reload()
            return self.events_tab
        tab = EventsTab(self.context, self.open_event)
        tab.destroyed.connect(lambda _o=None: setattr(self, "events_tab", None))
        self.events_tab = tab
        self.context.cards.add_document(tab, TITLE)
        tab.reload()
        tab.table.setFocus()
        return tab

    def open_event(self, event_id: int) -> EventCard:
        return self.context.cards.open("education_event", event_id)  # type: ignore[return-value]

    def new_event(self) -> Any:
        from vostok_desktop.gui.education.events_tab import NewEventDialog

        dialog = NewEventDialog(self.context, self.window)
        self.dialog = dialog
        dialog.accepted.connect(lambda: dialog.event_id and self.open_event(dialog.event_id))
        dialog.show()
        return dialog

    def current_card(self) -> EventCard | None:
        from vostok_desktop.gui.education.event_card import EventCard

        card = self.context.cards.current()
        return card if isinstance(card, EventCard) else None

    def _on_card(self, method: str) -> Callable[[], Any]:
        def run() -> Any:
            card = self.current_card()
            return getattr(card, method)() if card is not None else None

        return run

    # -- the contact agent -------------------------------------------------------------------
    def contact_agent(self) -> Any:
        dock = getattr(self.window, "docks", {}).get("contact_list_agent")
        return dock.widget() if dock is not None else None

    def register_selected(self) -> Any:
        from vostok_desktop.gui.education.dialogs import RegisterDialog

        agent = self.contact_agent()
        ids = agent.selected_ids(5000) if agent is not None else []
        if not ids:
            self.window.statusBar().showMessage(
                "Выберите контактных лиц в списке «Контактные лица»", 6000)
            return None
        dialog = RegisterDialog(self.context, ids, self.window)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.window.statusBar().showMessage(
            dialog.result_value.summary if dialog.result_value else "", 10000))
        dialog.show()
        return dialog

    def open_norms(self) -> Any:
        from vostok_desktop.gui.education.dialogs import NormsDialog

        dialog = NormsDialog(self.context, self.window)
        self.dialog = dialog
        dialog.show()
        return dialog


def _contact_page(context: Any, card: Any) -> QWidget:
    from vostok_desktop.gui.education.contact_page import ContactTrainingPage

    return ContactTrainingPage(context, card)


def install_education(window: QMainWindow) -> EducationArea:
    """Register the area's commands, menu and card pages."""
    area = EducationArea(window)
    context = area.context
    a = context.actions
    window_commands = [
        ("education.events", "Мероприятия", area.open_events),
        ("education.register", "Записать на мероприятие…", area.register_selected),
        ("education.norms", "Нормы обучения…", area.open_norms),
    ]
    for action_id, text, handler in window_commands:
        if action_id not in a:
            window.addAction(a.register(action_id, text, handler, category=CATEGORY,
                                        parent=window))
    if "education.new_event" not in a:
        a.register("education.new_event", "Новое мероприятие…", area.new_event,
                   category=CATEGORY, scope=LIST_SCOPE, parent=window)
    card_commands = [
        ("education.next_stage", "Следующая стадия", "next_stage"),
        ("education.previous_stage", "Предыдущая стадия", "previous_stage"),
        ("education.cancel_participant", "Отменить участие", "cancel_selected"),
        ("education.no_show", "Не пришёл", "mark_no_show"),
        ("education.restore_participant", "Восстановить участие", "restore_selected"),
        ("education.feedback", "Отзыв участника…", "edit_feedback"),
        ("education.issue_invoices", "Выписать счета", "issue_invoices"),
        ("education.certificates", "Напечатать сертификаты…", "print_certificates"),
        ("education.hand_over", "Сертификат вручён", "hand_over"),
    ]
    for action_id, text, method in card_commands:
        if action_id not in a:
            a.register(action_id, text, area._on_card(method), category=CATEGORY,
                       scope=PARTICIPANTS_SCOPE, parent=window)
    agent = area.contact_agent()
    if agent is not None:
        a.attach("education.register", agent)

    menu = area_menu(window, EDUCATION_MENU)
    for action_id in ("education.events", "education.new_event", "education.register",
                      None, "education.norms", None, "report.education",
                      "report.education_funnel"):
        if action_id is None:
            menu.addSeparator()
        elif action_id in a:
            menu.addAction(a.action(action_id))

    def event_card(entity_id: int | None) -> Any:
        from vostok_desktop.gui.education.event_card import EventCard

        return EventCard(context, entity_id, live=getattr(window, "live_updates", None))

    context.cards.register_kind("education_event", event_card)
    pages = context.card_pages
    if not any(spec.object_name == CONTACT_PAGE for spec in pages.for_kind("contact")):
        pages.register("contact", "Обучение", _contact_page, CONTACT_PAGE)
    window.education = area  # type: ignore[attr-defined]
    return area


__all__ = ["EducationArea", "install_education"]
