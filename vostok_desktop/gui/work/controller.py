"""Wires the organisation of work into the main window: actions and the «Работа» menu,
the planner tab, client card pages, reminders, the login digest, assignments from the
agents and the wrap-up after a call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget
from sqlalchemy import select

from vostok_desktop.domain import CallDirection, CallEvent, CallEventKind, Direction
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.telephony import Call
from vostok_desktop.domain.work import WorkKind
from vostok_desktop.gui.work.assignment_form import ActionItemForm, AssignmentForm, AssignmentView
from vostok_desktop.gui.work.pages import ActionItemsPage, DistributionDialog, WorksPage
from vostok_desktop.gui.work.planner import PlannerWidget
from vostok_desktop.gui.work.reminders import DigestDialog, ReminderNotifier, ReminderScheduler
from vostok_desktop.gui.work.work_form import WorkForm
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import planner as pl
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk

log = logging.getLogger(__name__)
MENU_TITLE = "Работа"
CATEGORY = "Работа"
Clock = Callable[[], datetime]
CHANGED_KINDS = ("work", "assignment", "action_item", "reminder")


@dataclass
class EndedCall:
    """A call the informer showed, as far as the wrap-up needs it."""

    call_id: str
    direction: CallDirection
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    client_id: int | None
    contact_id: int | None

    @property
    def duration_min(self) -> int:
        if self.answered_at is None or self.ended_at is None:
            return 0
        seconds = (self.ended_at - self.answered_at).total_seconds()
        return max(1, round(seconds / 60)) if seconds > 0 else 0


class WorkController(QObject):
    def __init__(self, window: QWidget, clock: Clock | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.context = window.context  # type: ignore[attr-defined]
        self.base = self.context.base
        self.clock: Clock = clock or utcnow
        self.planner: PlannerWidget | None = None
        self.forms: list[QWidget] = []  # open non-modal forms (kept alive)
        self.calls: dict[str, EndedCall] = {}
        self.last_call: EndedCall | None = None
        self._register_actions()
        self._build_menu()
        self._register_pages()
        self.scheduler: ReminderScheduler | None = None
        self.notifier: ReminderNotifier | None = None
        if self.context.employee_id is not None:
            self.scheduler = ReminderScheduler(self.base, self.context.employee_id,
                                               self.now, self)
            telephony = getattr(window, "telephony", None)
            tray = getattr(getattr(telephony, "tray", None), "icon", None)
            self.notifier = ReminderNotifier(self.scheduler, tray, self.open_reminder, window)
        self._hook_telephony()
        self.context.bus.entities_changed.connect(self._entities_changed)

    def now(self) -> datetime:
        return self.clock()

    # -- set-up -------------------------------------------------------------------------
    def _register_actions(self) -> None:
        a = self.context.actions
        w = self.window
        window_actions = [
            ("work.planner", "Ежедневник", self.open_planner),
            ("work.new_work", "Записать работу…", self.new_work_for_current),
            ("work.wrap_up", "Записать работу по звонку", self.wrap_up),
            ("work.log_call", "Записать звонок вручную…", self.log_call),
            ("work.new_assignment", "Поручить по клиенту…", self.assign_current_client),
            ("work.distribution", "Распределение поручений…", self.edit_distribution),
            ("work.digest", "Что случилось с последнего входа", self.show_digest),
        ]
        for action_id, text, handler in window_actions:
            if action_id not in a:
                w.addAction(a.register(action_id, text, handler, category=CATEGORY, parent=w))
        scoped = [
            ("work.assign_clients", "Поручение выбранным клиентам…", "client_list",
             self.assign_selected_clients),
            ("work.assign_contacts", "Поручение по выбранным контактным лицам…", "contact_list",
             self.assign_selected_contacts),
            ("planner.open", "Открыть событие", "planner", self._planner(lambda p: p.open_current())),
            ("planner.new_work", "Новая работа из ежедневника", "planner", self.new_work_for_current),
            ("planner.postpone_day", "Перенести на день позже", "planner",
             self._planner(lambda p: p.reschedule_current(timedelta(days=1)))),
            ("planner.advance_day", "Перенести на день раньше", "planner",
             self._planner(lambda p: p.reschedule_current(timedelta(days=-1)))),
            ("planner.postpone_week", "Перенести на неделю позже", "planner",
             self._planner(lambda p: p.reschedule_current(timedelta(days=7)))),
            ("planner.view_next", "Ежедневник: вперёд", "planner",
             self._planner(lambda p: p.shift_view(1))),
            ("planner.view_previous", "Ежедневник: назад", "planner",
             self._planner(lambda p: p.shift_view(-1))),
            ("planner.view_today", "Ежедневник: сегодня", "planner",
             self._planner(lambda p: p.go_today())),
            ("planner.day_view", "Ежедневник: день", "planner",
             self._planner(lambda p: p.set_days(1))),
            ("planner.week_view", "Ежедневник: неделя", "planner",
             self._planner(lambda p: p.set_days(7))),
            ("action_items.new", "Новый ПРиЗ", "action_items", self._on_page("add")),
            ("action_items.open", "Открыть ПРиЗ", "action_items", self._on_page("edit_current")),
            ("work_form.save", "Сохранить работу", "work_form", self._save_focused_form),
        ]
        for action_id, text, scope, handler in scoped:
            if action_id not in a:
                a.register(action_id, text, handler, category=CATEGORY, scope=scope, parent=w)
        self._attach_to_agents()

    def _planner(self, fn: Callable[[PlannerWidget], object]) -> Callable[[], None]:
        def run() -> None:
            if self.planner is not None:
                fn(self.planner)
        return run

    def _on_page(self, method: str) -> Callable[[], None]:
        def run() -> None:
            from PySide6.QtWidgets import QApplication

            widget = QApplication.focusWidget()
            while widget is not None and not isinstance(widget, ActionItemsPage):
                widget = widget.parentWidget()
            if widget is not None:
                getattr(widget, method)()
        return run

    def _save_focused_form(self) -> None:
        from PySide6.QtWidgets import QApplication

        widget = QApplication.activeWindow()
        if isinstance(widget, WorkForm):
            widget.save()

    def _agent(self, name: str) -> QWidget | None:
        dock = getattr(self.window, "docks", {}).get(name)
        return dock.widget() if dock is not None else None

    def _attach_to_agents(self) -> None:
        a = self.context.actions
        for dock_name, action_id in (("client_list_agent", "work.assign_clients"),
                                     ("contact_list_agent", "work.assign_contacts")):
            agent = self._agent(dock_name)
            if agent is not None:
                a.attach(action_id, agent)

    def _build_menu(self) -> None:
        menu_bar = getattr(self.window, "menuBar", None)
        if not callable(menu_bar):
            return
        bar = menu_bar()
        menu = QMenu(MENU_TITLE, bar)
        before = next((m for m in bar.actions() if m.text() in ("Окна", "Сервис", "Справка")),
                      None)
        if before is not None:
            bar.insertMenu(before, menu)
        else:
            bar.addMenu(menu)
        a = self.context.actions
        for action_id in ("work.planner", None, "work.new_work", "work.wrap_up", "work.log_call",
                          None, "work.new_assignment", "work.assign_clients",
                          "work.assign_contacts", None, "work.digest", "work.distribution"):
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(a.action(action_id))
        self.menu = menu

    def _register_pages(self) -> None:
        pages = self.context.card_pages
        pages.register("client", "ПРиЗ", lambda _ctx, card: ActionItemsPage(self, card),
                       "action_items_page")
        pages.register("client", "Поручения и работы", lambda _ctx, card: WorksPage(self, card),
                       "works_page")

    # -- start: reminders and the digest -------------------------------------------------
    def start(self, *, show_digest: bool = True) -> None:
        if self.scheduler is None:
            return
        self.scheduler.start()
        QTimer.singleShot(0, self.scheduler.check)
        if show_digest and not self.base.read_only:
            QTimer.singleShot(0, lambda: self.show_digest(login=True))

    def show_digest(self, login: bool = False) -> rem.Digest | None:
        employee_id = self.context.employee_id
        if employee_id is None:
            return None
        try:
            if login:
                since = rem.record_login(self.base, employee_id, self.now())
            else:
                since = rem.last_login(self.base, employee_id)
            digest = rem.since_last_login(self.base, employee_id, since, self.now())
        except Exception:  # noqa: BLE001 - the digest must never block the start
            log.exception("digest failed")
            return None
        if login and digest.is_empty:
            return digest
        dialog = DigestDialog(digest, self.window)
        dialog.open_client.connect(lambda cid: self.context.cards.open("client", cid))
        self._keep(dialog)
        dialog.show()
        return digest

    def open_reminder(self, info: rem.ReminderInfo) -> None:
        if info.work_id is not None:
            self.open_work(info.work_id)
        elif info.assignment_id is not None:
            self.open_assignment(info.assignment_id)
        elif info.client_id is not None:
            self.context.cards.open("client", info.client_id)

    # -- planner ---------------------------------------------------------------------------
    def open_planner(self) -> PlannerWidget | None:
        tabs = getattr(self.window, "tabs", None)
        if self.planner is not None and tabs is not None and tabs.indexOf(self.planner) >= 0:
            tabs.setCurrentWidget(self.planner)
            self.planner.refresh()
            self.planner.setFocus()
            return self.planner
        if self.context.employee_id is None:
            self._status("Ежедневник ведётся для сотрудника: войдите как сотрудник")
            return None
        planner = PlannerWidget(self.base, self.context.employee_id, clock=self.now,
                                open_item=self.open_planner_item)
        for action_id in ("planner.open", "planner.new_work", "planner.postpone_day",
                          "planner.advance_day", "planner.postpone_week", "planner.view_next",
                          "planner.view_previous", "planner.view_today", "planner.day_view",
                          "planner.week_view"):
            self.context.actions.attach(action_id, planner)
        planner.destroyed.connect(lambda _o=None: setattr(self, "planner", None))
        self.planner = planner
        self.context.cards.add_document(planner, "Ежедневник")
        planner.setFocus()
        return planner

    def open_planner_item(self, item: pl.PlannerItem) -> None:
        if item.type is pl.ItemType.WORK:
            self.open_work(item.id)
        elif item.type is pl.ItemType.ASSIGNMENT:
            self.open_assignment(item.id)
        elif item.client_id is not None:
            self.context.cards.open("client", item.client_id)

    # -- works -------------------------------------------------------------------------------
    def _directions(self) -> list[tuple[int, str]]:
        with self.base.sessions() as s:
            return [(d.id, d.name) for d in s.scalars(select(Direction).order_by(Direction.id))]

    def show_work_form(self, data: wk.WorkData) -> WorkForm:
        form = WorkForm(self.base, data, self.context.employee_id, directions=self._directions(),
                        on_saved=self._work_saved, parent=self.window)
        self.context.actions.attach("work_form.save", form)
        self._keep(form)
        form.show()
        form.raise_()
        form.activateWindow()
        return form

    def new_work_for(self, client_id: int, **prefill: object) -> WorkForm:
        data = wk.new_work(self.base, client_id, self.context.employee_id,
                           starts_at=prefill.pop("starts_at", None) or self.now(),  # type: ignore[arg-type]
                           **prefill)  # type: ignore[arg-type]
        return self.show_work_form(data)

    def open_work(self, work_id: int) -> WorkForm:
        return self.show_work_form(wk.load_work(self.base, work_id))

    def _work_saved(self, data: wk.WorkData) -> None:
        if data.id is not None:
            self.context.bus.announce("work", [data.id])
        if data.assignment_id is not None:
            self.context.bus.announce("assignment", [data.assignment_id])

    def current_client_id(self) -> int | None:
        card = self.context.cards.current()
        if card is not None and card.kind == "client" and card.entity_id:
            return card.entity_id
        if card is not None and card.kind == "contact":
            client = getattr(getattr(card, "_data", None), "client_id", None)
            if client:
                return int(client)
        if self.planner is not None and self.planner.isVisible():
            item = self.planner.current_item()
            if item is not None and item.client_id:
                return item.client_id
        agent = self._agent("client_list_agent")
        current = getattr(agent, "current_id", None)
        return current() if callable(current) else None

    def new_work_for_current(self) -> None:
        client_id = self.current_client_id()
        if client_id is None:
            self._status("Выберите клиента: откройте его карточку или встаньте на него в списке")
            return
        self.new_work_for(client_id, done=False, kind=WorkKind.CALL)

    def log_call(self) -> None:
        """A call outside the PBX: the same form, done, starting now."""
        client_id = self.current_client_id()
        if client_id is None:
            self._status("Выберите клиента звонка: карточка или строка в списке клиентов")
            return
        self.new_work_for(client_id, kind=WorkKind.CALL, done=True)

    # -- wrap-up after a call ------------------------------------------------------------------
    def _hook_telephony(self) -> None:
        telephony = getattr(self.window, "telephony", None)
        if telephony is None:
            return
        telephony.informer.popup_shown.connect(self._call_shown)
        telephony.bridge.call_event.connect(self.on_call_event)

    def _call_shown(self, call_id: str) -> None:
        self.calls.setdefault(call_id, EndedCall(call_id, CallDirection.INCOMING, self.now(),
                                                 None, None, None, None))
        self._update_match(call_id)

    def _update_match(self, call_id: str) -> None:
        telephony = getattr(self.window, "telephony", None)
        popup = telephony.informer.popup(call_id) if telephony is not None else None
        match = popup.current_match() if popup is not None else None
        if match is not None and call_id in self.calls:
            self.calls[call_id].client_id = match.client_id
            self.calls[call_id].contact_id = match.contact_id

    def on_call_event(self, event: CallEvent) -> None:
        call = self.calls.get(event.call_id)
        if call is None:
            return  # only calls the informer showed
        call.direction = event.direction
        if event.kind is CallEventKind.RINGING:
            call.started_at = event.at
        elif event.kind is CallEventKind.ANSWERED:
            call.answered_at = event.at
        elif event.kind is CallEventKind.HANGUP:
            self._update_match(event.call_id)
            call.ended_at = event.at
            if event.answered and call.answered_at is None:
                call.answered_at = call.started_at
            self.last_call = call
            self.calls.pop(event.call_id, None)
            key = self.context.actions.action("work.wrap_up").shortcut().toString()
            self._status(f"Звонок завершён: {key} — записать работу по звонку")

    def wrap_up(self) -> WorkForm | None:
        call = self.last_call
        if call is None and self.calls:
            call = list(self.calls.values())[-1]  # a call still going
            self._update_match(call.call_id)
        if call is None:
            self._status("Нет звонка для записи: Alt+Shift+W — записать звонок вручную")
            return None
        if call.client_id is None:
            self._status("Звонивший не опознан: найдите клиента и запишите звонок вручную")
            return None
        with self.base.sessions() as s:
            call_row = s.scalar(select(Call.id).where(Call.provider_call_id == call.call_id)
                                .order_by(Call.id.desc()).limit(1))
        form = self.new_work_for(
            call.client_id, kind=WorkKind.CALL, done=True, starts_at=call.started_at,
            duration_min=call.duration_min, contact_id=call.contact_id,
            incoming=call.direction is CallDirection.INCOMING, call_id=call_row)
        self.last_call = None
        form.lines_table.setFocus()
        return form

    # -- assignments ------------------------------------------------------------------------
    def assign(self, targets: list[tuple[int, int | None]], text: str = "") -> AssignmentForm:
        if len(targets) == 1:
            with self.base.sessions() as s:
                label = wk.client_name(s, targets[0][0])
        else:
            clients = len({c for c, _ in targets})
            contacts = len([1 for _, c in targets if c])
            label = f"клиентов: {clients}" + (f", контактных лиц: {contacts}" if contacts else "")
        form = AssignmentForm(self.base, targets, label, self.context.employee_id,
                              parent=self.window)
        if text:
            form.text_edit.setPlainText(text)
        form.accepted.connect(lambda: self.context.bus.announce("assignment", form.created))
        form.accepted.connect(lambda: self._status(f"Поручений записано: {len(form.created)}"))
        self._keep(form)
        form.show()
        return form

    def assign_current_client(self) -> None:
        client_id = self.current_client_id()
        if client_id is None:
            self._status("Выберите клиента для поручения")
            return
        self.assign([(client_id, None)])

    def assign_selected_clients(self) -> AssignmentForm | None:
        agent = self._agent("client_list_agent")
        ids = agent.selected_ids() if agent is not None else []
        if not ids:
            self._status("В списке клиентов ничего не выбрано")
            return None
        return self.assign([(i, None) for i in ids])

    def assign_selected_contacts(self) -> AssignmentForm | None:
        agent = self._agent("contact_list_agent")
        ids = agent.selected_ids() if agent is not None else []
        targets = asg.targets_for_contacts(self.base, ids)
        if not targets:
            self._status("В списке контактных лиц ничего не выбрано")
            return None
        return self.assign(targets)

    def open_assignment(self, assignment_id: int) -> AssignmentView:
        view = AssignmentView(self.base, assignment_id, self.context.employee_id,
                              record_work=lambda row: self.new_work_for(
                                  row.client_id, assignment_id=row.id, done=True),
                              parent=self.window)
        view.finished.connect(lambda _r: view.changed and self.context.bus.announce(
            "assignment", [assignment_id]))
        self._keep(view)
        view.show()
        return view

    def edit_distribution(self) -> None:
        if not self.context.is_admin:
            QMessageBox.information(self.window, "Распределение поручений",
                                    "Планы и виды поручений настраивает администратор.")
            return
        DistributionDialog(self.base, self.context.employee_id, self.window).exec()

    def edit_action_item(self, data: wk.ActionItemData, after: Callable[[], None]) -> None:
        form = ActionItemForm(self.base, data, self.context.employee_id, self.window)
        if form.exec() and form.saved is not None and form.saved.id is not None:
            self.context.bus.announce("action_item", [form.saved.id])
            after()

    # -- helpers --------------------------------------------------------------------------------
    def _keep(self, widget: QWidget) -> None:
        self.forms.append(widget)
        widget.finished.connect(lambda _r=0, w=widget: self._forget(w))  # type: ignore[attr-defined]

    def _forget(self, widget: QWidget) -> None:
        if widget in self.forms:
            self.forms.remove(widget)

    def _entities_changed(self, kind: str, _ids: list) -> None:
        if kind in CHANGED_KINDS and self.planner is not None:
            self.planner.refresh()
        if kind in CHANGED_KINDS:
            for card in self.context.cards.cards():
                for page in card.findChildren(QWidget):
                    if isinstance(page, ActionItemsPage | WorksPage) and page.client_id:
                        page.refresh()

    def _status(self, text: str) -> None:
        status_bar = getattr(self.window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(text, 8000)


