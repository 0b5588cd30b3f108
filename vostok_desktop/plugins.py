"""The plugin API and discovery (entry-point group ``vostok_desktop.plugins``).

A plugin is a module with ``register(api: PluginApi)``. Through the API it adds
telephony providers now; importers, print forms, report definitions, card tabs and
actions have their slots for later. A plugin that fails to import or to register is
logged and listed in ``PluginRegistry.errors`` (shown in «О программе»), never fatal.

The telephony part is plain Python and knows nothing of Asterisk: a provider turns
its PBX's events into ``CallEvent`` values and offers ``transfer`` and ``originate``.
Cloud PBXs (webhooks through a relay) fit the same shape. No Qt is imported here;
the GUI bridges provider callbacks to Qt signals.
"""

from __future__ import annotations

import enum
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from vostok_desktop.domain.telephony import (
    CALL_DIRECTION_TITLES,
    CallDirection,
    CallEvent,
    CallEventKind,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "vostok_desktop.plugins"
API_VERSION = 1

__all__ = [
    "API_VERSION", "CALL_DIRECTION_TITLES", "CallDirection", "CallEvent", "CallEventKind",
    "ENTRY_POINT_GROUP", "PluginApi", "PluginError", "PluginRegistry", "ProviderState",
    "ProviderStatus", "TelephonyError", "TelephonyProvider", "TelephonyProviderFactory",
    "load_plugins",
]


# --------------------------------------------------------------------------
# Telephony
# --------------------------------------------------------------------------


class ProviderState(enum.StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOGIN_REFUSED = "login_refused"
    UNREACHABLE = "unreachable"


PROVIDER_STATE_TITLES: dict[ProviderState, str] = {
    ProviderState.DISCONNECTED: "Телефония отключена",
    ProviderState.CONNECTING: "Подключение к АТС…",
    ProviderState.CONNECTED: "АТС подключена",
    ProviderState.LOGIN_REFUSED: "АТС отклонила вход",
    ProviderState.UNREACHABLE: "АТС недоступна",
}


@dataclass(frozen=True)
class ProviderStatus:
    """The provider's connection state; ``reason`` is Russian text for the user."""

    state: ProviderState
    reason: str = ""

    def text(self) -> str:
        title = PROVIDER_STATE_TITLES[self.state]
        return f"{title}: {self.reason}" if self.reason else title


class TelephonyError(Exception):
    """An action the provider cannot perform; the message is for the user (Russian)."""


CallListener = Callable[[CallEvent], None]
StatusListener = Callable[[ProviderStatus], None]
NoticeListener = Callable[[str], None]


class TelephonyProvider(ABC):
    """A source of call events for one workstation (my extension) and its call actions.

    Listeners are plain callables, called on the thread the provider runs on; the GUI
    hands them over to Qt signals, so a provider may use its own threads.
    """

    id: str = ""
    title: str = ""

    def __init__(self) -> None:
        self._call_listeners: list[CallListener] = []
        self._status_listeners: list[StatusListener] = []
        self._notice_listeners: list[NoticeListener] = []
        self._status = ProviderStatus(ProviderState.DISCONNECTED)
        self._lock = threading.Lock()

    # -- listeners ---------------------------------------------------------------
    def add_call_listener(self, listener: CallListener) -> None:
        self._call_listeners.append(listener)

    def add_status_listener(self, listener: StatusListener) -> None:
        self._status_listeners.append(listener)

    def add_notice_listener(self, listener: NoticeListener) -> None:
        """Messages for the user that are not call events (a refused transfer…)."""
        self._notice_listeners.append(listener)

    def emit_notice(self, text: str) -> None:
        for listener in list(self._notice_listeners):
            try:
                listener(text)
            except Exception:  # noqa: BLE001
                log.exception("notice listener failed")

    def emit_call(self, event: CallEvent) -> None:
        for listener in list(self._call_listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - one bad listener must not stop the others
                log.exception("call listener failed on %s", event)

    def set_status(self, status: ProviderStatus) -> None:
        with self._lock:
            if status == self._status:
                return
            self._status = status
        for listener in list(self._status_listeners):
            try:
                listener(status)
            except Exception:  # noqa: BLE001
                log.exception("status listener failed on %s", status)

    @property
    def status(self) -> ProviderStatus:
        return self._status

    # -- lifecycle and actions -----------------------------------------------------
    @property
    @abstractmethod
    def extension(self) -> str:
        """My extension: the internal number whose calls this provider reports."""

    @abstractmethod
    def start(self) -> None:
        """Connect (asynchronously); the state arrives through status listeners."""

    @abstractmethod
    def stop(self) -> None:
        """Disconnect and stop reconnecting."""

    @abstractmethod
    def transfer(self, call_id: str, extension: str) -> None:
        """Blind-transfer the call to another extension; TelephonyError if impossible."""

    @abstractmethod
    def originate(self, number: str) -> None:
        """Click-to-call: ring my extension, then dial ``number``."""


@dataclass(frozen=True)
class TelephonyProviderFactory:
    """What a plugin registers: how to make a provider from its options.

    ``options`` carries the provider's settings (host, port, user, extension…) as
    strings; ``secret`` comes from the keyring or the environment, never from settings.
    """

    id: str
    title: str
    create: Callable[[Mapping[str, str], str | None], TelephonyProvider]
    # Simulators are offered in demo (file) bases only.
    is_simulator: bool = False
    # Keep a secret for these options in the OS keyring (the settings page); None: no secret.
    store_secret: Callable[[Mapping[str, str], str], bool] | None = None
    # Whether a secret is already stored for these options (the settings page says so).
    has_secret: Callable[[Mapping[str, str]], bool] | None = None


# --------------------------------------------------------------------------
# Plugin API and discovery
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginError:
    plugin: str
    message: str

    def __str__(self) -> str:
        return f"{self.plugin}: {self.message}"


@dataclass
class PluginApi:
    """Handed to each plugin's ``register``; collects what the plugins contribute."""

    version: int = API_VERSION
    telephony_providers: dict[str, TelephonyProviderFactory] = field(default_factory=dict)
    # Slots for the coming areas; their item types are defined when those areas land.
    importers: list[Any] = field(default_factory=list)
    print_forms: list[Any] = field(default_factory=list)
    report_definitions: list[Any] = field(default_factory=list)
    card_tabs: list[Any] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)
    current_plugin: str = ""

    def add_telephony_provider(self, factory: TelephonyProviderFactory) -> None:
        if factory.id in self.telephony_providers:
            raise ValueError(f"поставщик телефонии «{factory.id}» уже зарегистрирован")
        self.telephony_providers[factory.id] = factory

    def add_importer(self, importer: Any) -> None:
        self.importers.append(importer)

    def add_print_form(self, form: Any) -> None:
        self.print_forms.append(form)

    def add_report_definition(self, report: Any) -> None:
        self.report_definitions.append(report)

    def add_card_tab(self, tab: Any) -> None:
        self.card_tabs.append(tab)

    def add_action(self, action: Any) -> None:
        self.actions.append(action)


@dataclass
class PluginRegistry:
    api: PluginApi
    loaded: list[str] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)

    def error_texts(self) -> list[str]:
        return [str(e) for e in self.errors]


def discover(group: str = ENTRY_POINT_GROUP) -> list[EntryPoint]:
    return sorted(entry_points(group=group), key=lambda ep: ep.name)


def load_plugins(
    eps: Iterable[EntryPoint] | None = None,
    api: PluginApi | None = None,
) -> PluginRegistry:
    """Import every plugin and call its ``register(api)``; failures are collected."""
    registry = PluginRegistry(api or PluginApi())
    for ep in discover() if eps is None else eps:
        registry.api.current_plugin = ep.name
        try:
            module = ep.load()
            register = getattr(module, "register", None)
            if not callable(register):
                raise TypeError("нет функции register(api)")
            register(registry.api)
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the program
            log.exception("plugin %s failed to load", ep.name)
            registry.errors.append(PluginError(ep.name, f"{type(exc).__name__}: {exc}"))
        else:
            registry.loaded.append(ep.name)
        finally:
            registry.api.current_plugin = ""
    return registry
