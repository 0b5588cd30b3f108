"""Wires telephony into the program: providers -> caller lookup -> informer, call log,
tray, actions. Provider callbacks reach widgets only through Qt signals."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget
from shiboken6 import isValid
from sqlalchemy import select

from vostok_desktop.db import BaseKind
from vostok_desktop.domain import CallDirection, CallEvent, CallEventKind, Employee
from vostok_desktop.domain.validators import phone_search_digits
from vostok_desktop.gui.telephony.config import TelephonyConfig
from vostok_desktop.gui.telephony.informer import CallView, InformerStack
from vostok_desktop.plugins import (
    PluginRegistry,
    ProviderState,
    ProviderStatus,
    TelephonyError,
    TelephonyProvider,
    load_plugins,
)
from vostok_desktop.services.telephony.call_log import CallLogRecorder
from vostok_desktop.services.telephony.caller_lookup import (
    CallerInfo,
    CallerLookup,
    CallerMatch,
    LookupHook,
    random_contact_number,
    transfer_targets,
)
from vostok_desktop.services.telephony.calls import CallTracker

if TYPE_CHECKING:
    from vostok_desktop.gui.telephony.journal import CallLogJournal
    from vostok_desktop.gui.telephony.transfer import TransferDialog

log = logging.getLogger(__name__)

AMI = "asterisk_ami"
SIMULATOR = "call_simulator"
MENU_TITLE = "Телефония"

# A hot-line request handler: (call id, chosen match) -> True if it took the request.
RequestHandler = Callable[[str, CallerMatch | None], bool]

DIAL = "telephony.dial"  # «Позвонить»: click-to-call the selected phone of an agent or card


def dial_source(widget: QWidget | None) -> QWidget | None:
    """The nearest widget at or above ``widget`` that can name a number to dial (an agent
    or a card with ``phone_to_dial()``)."""
    while widget is not None:
        if callable(getattr(widget, "phone_to_dial", None)):
            return widget
        widget = widget.parentWidget()
    return None


class ProviderBridge(QObject):
    """Provider callbacks (any thread) -> Qt signals (delivered on the GUI thread)."""

    call_event = Signal(object)
    status_changed = Signal(str, object)
    notice = Signal(str)

    def attach(self, provider: TelephonyProvider) -> None:
        provider.add_call_listener(self.call_event.emit)
        provider.add_status_listener(lambda s, p=provider.id: self.status_changed.emit(p, s))
        provider.add_notice_listener(self.notice.emit)


class TelephonyController(QObject):
    call_shown = Signal(str)  # call id: its popup is on screen
    request_registration_requested = Signal(str, object)  # call id, CallerMatch | None

    def __init__(self, window: QWidget, plugins: PluginRegistry | None = None, *,
                 config: TelephonyConfig | None = None, pbx: str | None = None,
                 extension: str | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.context = window.context  # type: ignore[attr-defined]
        self.config = config or TelephonyConfig.load(self.context.qsettings)
        self.plugins = plugins or load_plugins()
        self.lookup_hooks: list[LookupHook] = []
        self.request_handlers: list[RequestHandler] = []
        self._pbx_options: dict[str, str] = {}
        if pbx:
            factory_mod = self._ami_module()
            if factory_mod is not None:
                self._pbx_options = factory_mod.parse_pbx_url(pbx)
        self._extension_override = extension
        self._lookup = CallerLookup(self.context.base.engine)
        self.recorder = CallLogRecorder(self.context.base.sessions, self.context.employee_id)
        self.informer = InformerStack(window, self.config.linger_s, self)
        self.informer.popup_shown.connect(self.call_shown)
        self.bridge = ProviderBridge(self)
        self.bridge.call_event.connect(self.on_call_event)
        self.bridge.status_changed.connect(self._status_changed)
        self.bridge.notice.connect(self._notice)
        self.providers: dict[str, TelephonyProvider] = {}
        self.calls = CallTracker(self.lookup)  # the call state; the popups only show it
        self.journal: CallLogJournal | None = None
        self.transfer_dialog: TransferDialog | None = None
        self._rnd = random.Random()
        self._last_dial_source: QWidget | None = None
        self._register_actions()
        self._attach_dial_to_agents()
        self._build_menu_and_status()
        from vostok_desktop.gui.telephony.tray import TelephonyTray

        a = self.context.actions
        self.tray = TelephonyTray([a.action(i) for i in (
            "telephony.current_call", "telephony.call_log", "telephony.settings")], self)
        self.tray.show_window.connect(self.bring_window)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
            app.focusChanged.connect(self._focus_changed)

    # -- providers ------------------------------------------------------------------------
    @staticmethod
    def _ami_module():  # noqa: ANN205
        try:
            import vostok_asterisk_ami.provider as module
        except ImportError:
            return None
        return module

    @property
    def is_demo_base(self) -> bool:
        return self.context.base.location.kind is BaseKind.FILE

    def my_extension(self) -> str:
        if self._extension_override:
            return self._extension_override
        if self.config.extension:
            return self.config.extension
        if self.context.employee_id is None:
            return ""
        with self.context.base.sessions() as session:
            value = session.scalar(select(Employee.phone_extension)
                                   .where(Employee.id == self.context.employee_id))
        return value or ""

    def ami_options(self) -> dict[str, str]:
        options = self.config.ami_options(self.my_extension())
        options.update(self._pbx_options)
        return options

    def start_providers(self) -> None:
        self.stop_providers()
        factories = self.plugins.api.telephony_providers
        extension = self.my_extension()
        if (self.config.ami_configured or self._pbx_options) and AMI in factories:
            try:
                provider = factories[AMI].create(self.ami_options(), None)
            except TelephonyError as exc:
                self._status_changed(AMI, ProviderStatus(ProviderState.UNREACHABLE, str(exc)))
            else:
                self._add_provider(provider)
        if self.is_demo_base and self.config.simulator_enabled and SIMULATOR in factories:
            self._add_provider(factories[SIMULATOR].create({"extension": extension or "100"},
                                                           None))
        for provider in self.providers.values():
            provider.start()
        self._refresh_status()

    def _add_provider(self, provider: TelephonyProvider) -> None:
        self.bridge.attach(provider)
        self.providers[provider.id] = provider

    def stop_providers(self) -> None:
        for provider in list(self.providers.values()):
            try:
                provider.stop()
            except Exception:  # noqa: BLE001 - shutting down must go on
                log.exception("stopping %s", provider.id)
        self.providers.clear()

    def primary(self) -> TelephonyProvider | None:
        return self.providers.get(AMI) or self.providers.get(SIMULATOR)

    def shutdown(self) -> None:
        self.stop_providers()
        self.informer.close_all()
        self.tray.close()
        self._lookup.close()

    # -- events ---------------------------------------------------------------------------
    def lookup(self, number: str) -> CallerInfo:
        try:
            self._lookup.hooks = self.lookup_hooks
            return self._lookup.lookup(number)
        except Exception:  # noqa: BLE001 - a failed lookup must not lose the call
            log.exception("caller lookup failed for %s", number)
            return CallerInfo(number, "")

    def on_call_event(self, event: CallEvent) -> None:
        update = self.calls.apply(event)  # time.monotonic(): the popup's talk timer clock
        call = update.call
        caller = call.caller or CallerInfo(event.number, "")
        # The informer shows incoming calls only: a popup opens on ringing, and a call
        # already known updates its popup (if the operator has not closed it).
        if event.direction is CallDirection.INCOMING:
            if event.kind is CallEventKind.RINGING:
                self._show(CallView(event, caller, call.phase, call.answered_at))
            elif not update.is_new:
                self.informer.update_call(event.call_id, event=event, state=call.phase,
                                          answered_at=call.answered_at)
        try:
            self.recorder.record(event, call.caller)
        except Exception:  # noqa: BLE001 - the log must not break the informer
            log.exception("call log write failed")
            self._status_message("Звонок не записан в журнал: ошибка базы")
        if self.journal is not None and update.journal_changed:
            self.journal.refresh()

    def _show(self, view: CallView) -> None:
        popup = self.informer.show_call(view)
        if not getattr(popup, "wired", False):  # wire a new popup once
            popup.wired = True  # type: ignore[attr-defined]
            popup.open_client.connect(lambda i: self.open_card("client", i))
            popup.open_contact.connect(lambda i: self.open_card("contact", i))
            popup.register_request.connect(self.register_request)
            popup.transfer_requested.connect(self.start_transfer)
            popup.find_client.connect(self.find_client)
            popup.new_client.connect(self.new_client)

    # -- what the popup asks for ------------------------------------------------------------
    def bring_window(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        elif not window.isVisible():
            window.show()
        window.raise_()
        window.activateWindow()

    def open_card(self, kind: str, entity_id: int) -> None:
        self.bring_window()
        try:
            self.context.cards.open(kind, entity_id)
        except KeyError:
            self._status_message(f"Карточки вида «{kind}» нет в этой сборке")

    def register_request(self, call_id: str, match: CallerMatch | None) -> None:
        self.request_registration_requested.emit(call_id, match)
        for handler in self.request_handlers:
            if handler(call_id, match):
                return
        # The hot-line module comes later: open the client's card meanwhile.
        if match is not None:
            self.open_card("client", match.client_id)
        popup = self.informer.popup(call_id)
        text = "Регистрация обращений на ГЛ появится с модулем «Горячая линия»"
        if popup is not None:
            popup.show_message(text)
        self._status_message(text)

    def start_transfer(self, call_id: str) -> None:
        from vostok_desktop.gui.telephony.transfer import TransferDialog

        with self.context.base.sessions() as session:
            targets = transfer_targets(session, exclude_extension=self.my_extension())
        popup = self.informer.popup(call_id)
        number = popup.view.event.number if popup else ""
        dialog = TransferDialog(targets, number, popup if popup and popup.isActiveWindow()
                                else self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.chosen.connect(lambda ext: self.transfer(call_id, ext))
        self.transfer_dialog = dialog
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        dialog.filter_edit.setFocus()

    def transfer(self, call_id: str, extension: str) -> None:
        provider = self.providers.get(self.calls.provider_of(call_id) or "")
        popup = self.informer.popup(call_id)
        try:
            if provider is None:
                raise TelephonyError("Звонок уже завершён: переводить нечего")
            provider.transfer(call_id, extension)
        except TelephonyError as exc:
            if popup is not None:
                popup.show_message(str(exc))
            self._status_message(str(exc))
        else:
            if popup is not None:
                popup.show_message(f"Переводится на {extension}…")

    def find_client(self, number: str) -> None:
        self.bring_window()
        dock = getattr(self.window, "docks", {}).get("client_list_agent")
        agent = dock.widget() if dock is not None else None
        edit = getattr(agent, "search_edit", None)
        if edit is None:
            self._status_message("Нет агента «Список клиентов» для поиска")
            return
        dock.show()
        dock.raise_()
        edit.setText(phone_search_digits(number))
        edit.setFocus()

    def new_client(self, number: str) -> None:
        self.bring_window()
        card = self.context.cards.open("client", None)
        prefill = getattr(card, "prefill_phone", None)
        if callable(prefill):
            prefill(number)
        else:
            QGuiApplication.clipboard().setText(number)
            self._status_message(f"Номер {number} скопирован: вставьте его в телефоны клиента")

    def originate(self, number: str) -> None:
        provider = self.primary()
        try:
            if provider is None:
                raise TelephonyError("Телефония не настроена: «Телефония → Настройки»")
            provider.originate(number)
        except TelephonyError as exc:
            self._status_message(str(exc))
        else:
            self._status_message(f"Звоним на {number}: снимите трубку своего телефона")

    # -- actions, menu, status ---------------------------------------------------------------
    def _register_actions(self) -> None:
        a = self.context.actions
        specs = [
            ("telephony.current_call", "Текущий звонок", self.focus_current_call, None),
            ("telephony.simulate_call", "Имитировать входящий звонок", self.simulate_call,
             lambda: SIMULATOR in self.providers),
            ("telephony.call_log", "Журнал звонков", self.open_call_log, None),
            ("telephony.transfer", "Перевести звонок…", self.transfer_current,
             lambda: self.informer.current() is not None),
            ("telephony.call_back", "Перезвонить", self.call_back, None),
            (DIAL, "Позвонить", self.dial_selected, lambda: self.primary() is not None),
            ("telephony.settings", "Настройки телефонии…", self.open_settings, None),
        ]
        for action_id, text, handler, enabled in specs:
            if action_id in a:
                continue
            action = a.register(action_id, text, handler, category=MENU_TITLE,
                                enabled_when=enabled, parent=self.window)
            self.window.addAction(action)
        # Alt+T must work from any window of the program (a floating card, the popup).
        a.action("telephony.current_call").setShortcutContext(
            Qt.ShortcutContext.ApplicationShortcut)

    def _build_menu_and_status(self) -> None:
        menu_bar = getattr(self.window, "menuBar", None)
        if callable(menu_bar):
            bar = menu_bar()
            existing = next((m.menu() for m in bar.actions() if m.text() == MENU_TITLE
                             and m.menu() is not None), None)
            menu = existing or QMenu(MENU_TITLE, bar)
            if existing is None:
                before = next((m for m in bar.actions() if m.text() == "Справка"), None)
                bar.insertMenu(before, menu) if before else bar.addMenu(menu)
            a = self.context.actions
            for action_id in ("telephony.current_call", "telephony.transfer",
                              "telephony.call_log", "telephony.call_back", DIAL,
                              "telephony.simulate_call", "telephony.settings"):
                if a.action(action_id) not in menu.actions():
                    menu.addAction(a.action(action_id))
            menu.aboutToShow.connect(a.refresh_enabled)
            self.menu = menu
        self.status_label = QLabel()
        status_bar = getattr(self.window, "statusBar", None)
        if callable(status_bar):
            status_bar().addPermanentWidget(self.status_label)

    def _status_changed(self, _provider_id: str, _status: ProviderStatus) -> None:
        self._refresh_status()

    def status(self) -> ProviderStatus:
        provider = self.primary()
        return provider.status if provider else ProviderStatus(ProviderState.DISCONNECTED)

    def _refresh_status(self) -> None:
        status = self.status()
        self.tray.set_status(status)
        self.status_label.setText("☎ " + status.text())
        self.status_label.setToolTip(status.text())
        self.context.actions.refresh_enabled()

    def _notice(self, text: str) -> None:
        current = self.informer.current()
        if current is not None:
            current.show_message(text)
        self._status_message(text)

    def _status_message(self, text: str) -> None:
        status_bar = getattr(self.window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(text, 8000)

    # -- action handlers -------------------------------------------------------------------------
    def focus_current_call(self) -> None:
        popup = self.informer.current()
        if popup is None:
            self._status_message("Сейчас звонков нет")
            return
        popup.take_focus()

    def transfer_current(self) -> None:
        popup = self.informer.current()
        if popup is not None:
            self.start_transfer(popup.call_id)

    def simulate_call(self) -> None:
        simulator = self.providers.get(SIMULATOR)
        if simulator is None:
            self._status_message("Имитатор звонков работает только в демонстрационной базе")
            return
        with self.context.base.sessions() as session:
            picked = random_contact_number(session, self._rnd)
        if picked is None:
            self._status_message("В базе нет контактных лиц с телефонами")
            return
        simulator.simulate_incoming(picked[0], answer_after_s=4.0, talk_s=12.0)  # type: ignore[attr-defined]

    def open_call_log(self) -> None:
        from vostok_desktop.gui.telephony.journal import CallLogJournal

        tabs = getattr(self.window, "tabs", None)
        if self.journal is not None and tabs is not None and tabs.indexOf(self.journal) >= 0:
            tabs.setCurrentWidget(self.journal)
            self.journal.refresh()
            return
        self.journal = CallLogJournal(self.context.base.sessions, self.context.employee_id,
                                      self.open_card)
        self.journal.call_back_requested.connect(self.originate)
        self.journal.destroyed.connect(lambda _o=None: setattr(self, "journal", None))
        self.context.actions.attach("telephony.call_back", self.journal)
        self.context.cards.add_document(self.journal, "Журнал звонков")

    def call_back(self) -> None:
        if self.journal is not None and self.journal.isVisible():
            self.journal.call_back()

    # -- click-to-call from agents and cards ---------------------------------------------------
    def _attach_dial_to_agents(self) -> None:
        """«Позвонить» in the context menus of the agents that name a phone (the client and
        contact lists); cards put it on their phones table themselves."""
        for dock in getattr(self.window, "docks", {}).values():
            agent = dock.widget()
            if callable(getattr(agent, "phone_to_dial", None)):
                self.context.actions.attach(DIAL, agent)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        source = dial_source(new)
        if source is not None and source.window() is self.window:
            self._last_dial_source = source

    def dial_target(self) -> QWidget | None:
        """Where «Позвонить» takes its number: the agent or card with the focus, else the
        last one that had it, else the card on the current tab."""
        source = dial_source(QApplication.focusWidget())
        if source is None and self._last_dial_source is not None \
                and isValid(self._last_dial_source) and self._last_dial_source.isVisible():
            source = self._last_dial_source
        if source is None:
            tabs = getattr(self.window, "tabs", None)
            source = dial_source(tabs.currentWidget() if tabs is not None else None)
        return source

    def dial_selected(self) -> None:
        source = self.dial_target()
        number = source.phone_to_dial() if source is not None else None  # type: ignore[attr-defined]
        if not number:
            self._status_message("Позвонить: выберите клиента, контактное лицо или строку "
                                 "с телефоном")
            return
        self.originate(number)

    def open_settings(self) -> None:
        from vostok_desktop.gui.telephony.settings_page import TelephonySettingsDialog

        factory = self.plugins.api.telephony_providers.get(AMI)
        options = self.ami_options()
        stored = bool(factory and factory.has_secret and options.get("host")
                      and factory.has_secret(options))
        dialog = TelephonySettingsDialog(self.config, employee_extension=self.my_extension(),
                                         secret_stored=stored,
                                         show_simulator=self.is_demo_base, parent=self.window)
        if not dialog.exec():
            return
        self.apply_settings(dialog.config(), dialog.secret())

    def apply_settings(self, config: TelephonyConfig, secret: str = "") -> None:
        self.config = config
        config.save(self.context.qsettings)
        self.informer.linger_s = config.linger_s
        factory = self.plugins.api.telephony_providers.get(AMI)
        if secret and factory is not None and factory.store_secret is not None:
            if not factory.store_secret(self.ami_options(), secret):
                self._status_message("Пароль AMI не сохранён: нет хранилища паролей ОС; "
                                     "задайте переменную VOSTOK_AMI_SECRET")
        self.start_providers()
