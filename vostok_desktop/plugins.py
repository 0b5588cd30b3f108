"""The plugin API and discovery (entry-point group ``vostok_desktop.plugins``).

A plugin is a module with ``register(api: PluginApi)``. Through the API it adds
telephony providers and writers of distributive files (expcons.txt for ЗВЭ, requests
to the КЦ; the built-in ones are in ``plugins/vostok_rc_files``); importers, print
forms, report definitions, card tabs and actions have their slots for later. A plugin that fails to import or to register is
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
from datetime import date
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, TypeVar, runtime_checkable

from vostok_desktop.domain.telephony import (
    CALL_DIRECTION_TITLES,
    CallDirection,
    CallEvent,
    CallEventKind,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "vostok_desktop.plugins"
API_VERSION = 1
# The entry point of the built-in writers of expcons.txt and КЦ requests.
BUILTIN_FILES_PLUGIN = "rc_files"

__all__ = [
    "API_VERSION", "CALL_DIRECTION_TITLES", "CallDirection", "CallEvent", "CallEventKind",
    "ENTRY_POINT_GROUP", "PluginApi", "PluginError", "PluginRegistry", "ProviderState",
    "ProviderStatus", "TelephonyError", "TelephonyProvider", "TelephonyProviderFactory",
    "load_plugins",
    "BUILTIN_FILES_PLUGIN", "DistributiveFileWriter", "ExpertFileData", "ExpertKitLine",
    "NETWORK_CENTRE_REQUEST_TITLES", "NetworkCentreRequestData", "NetworkCentreRequestKind",
    "NetworkCentreRequestLine",
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
# Distributive files: expcons.txt (ЗВЭ) and requests to the network centre (КЦ)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertKitLine:
    """One kit with the ЗВЭ flag, as it goes into expcons.txt."""

    kit_id: int
    kit_title: str
    client_id: int
    client_inn: str
    client_name: str
    distributive_numbers: tuple[str, ...]


@dataclass(frozen=True)
class ExpertFileData:
    """Everything an expcons.txt writer gets: the РИЦ and the flagged kits."""

    company_code: str
    company_name: str
    made_on: date
    kits: tuple[ExpertKitLine, ...]


class NetworkCentreRequestKind(enum.StrEnum):
    SHIPMENT = "shipment"  # отгрузка
    TRANSFER = "transfer"  # передача


NETWORK_CENTRE_REQUEST_TITLES: dict[NetworkCentreRequestKind, str] = {
    NetworkCentreRequestKind.SHIPMENT: "Отгрузка",
    NetworkCentreRequestKind.TRANSFER: "Передача",
}


@dataclass(frozen=True)
class NetworkCentreRequestLine:
    """One СВ/ЛСВ distributive of a request; ``holder_*``: where it is now (a transfer's
    giving client; empty for one on the warehouse)."""

    number: str
    system_code: str
    system_title: str
    kind: str  # SystemKind value: local, network, flash, online
    series: str
    network_size: int
    holder_inn: str = ""
    holder_name: str = ""


@dataclass(frozen=True)
class NetworkCentreRequestData:
    """Everything a КЦ request writer gets."""

    kind: NetworkCentreRequestKind
    company_code: str
    company_name: str
    made_on: date
    client_id: int
    client_inn: str
    client_kpp: str
    client_name: str
    lines: tuple[NetworkCentreRequestLine, ...]
    note: str = ""


DataT_contra = TypeVar("DataT_contra", contravariant=True)


@runtime_checkable
class DistributiveFileWriter(Protocol[DataT_contra]):
    """Turns the program's data into a file for the outside world (expcons.txt, a КЦ
    request). ``id`` is unique per kind of file; ``title`` is shown in the dialogs."""

    id: str
    title: str

    def file_name(self, data: DataT_contra) -> str:
        """The file's suggested name (no folder)."""

    def render(self, data: DataT_contra) -> bytes:
        """The file's bytes; ValueError with a Russian message when the data do not fit."""


def _checked_writer(writer: Any, existing: Mapping[str, Any], what: str) -> str:
    writer_id = str(getattr(writer, "id", "") or "")
    if not writer_id:
        raise ValueError(f"у модуля записи {what} нет id")
    if not (callable(getattr(writer, "render", None))
            and callable(getattr(writer, "file_name", None))):
        raise TypeError(f"модуль записи {what} «{writer_id}»: нужны render() и file_name()")
    if writer_id in existing:
        raise ValueError(f"модуль записи {what} «{writer_id}» уже зарегистрирован")
    return writer_id


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
    # Distributive files, by writer id; ``file_writer_plugins``: writer id -> its plugin.
    expert_file_writers: dict[str, DistributiveFileWriter[ExpertFileData]] = field(
        default_factory=dict)
    network_centre_request_writers: dict[
        str, DistributiveFileWriter[NetworkCentreRequestData]] = field(default_factory=dict)
    file_writer_plugins: dict[str, str] = field(default_factory=dict)
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

    def add_expert_file_writer(self, writer: DistributiveFileWriter[ExpertFileData]) -> None:
        """A writer of expcons.txt (ЗВЭ); a РИЦ's own plugin replaces the built-in one."""
        writer_id = _checked_writer(writer, self.expert_file_writers, "файла ЗВЭ")
        self.expert_file_writers[writer_id] = writer
        self.file_writer_plugins[f"expert:{writer_id}"] = self.current_plugin

    def add_network_centre_request_writer(
            self, writer: DistributiveFileWriter[NetworkCentreRequestData]) -> None:
        """A writer of requests to the КЦ for shipment/transfer of СВ/ЛСВ distributives."""
        writer_id = _checked_writer(writer, self.network_centre_request_writers,
                                    "заявки в КЦ")
        self.network_centre_request_writers[writer_id] = writer
        self.file_writer_plugins[f"network_centre:{writer_id}"] = self.current_plugin

    def expert_file_writer(self, preferred: str | None = None
                           ) -> DistributiveFileWriter[ExpertFileData] | None:
        """The writer to use: ``preferred`` if registered, else one from a plugin other
        than the built-in ``rc_files`` (a РИЦ's replacement), else the built-in one."""
        return self._pick(self.expert_file_writers, "expert", preferred)

    def network_centre_request_writer(
            self, preferred: str | None = None
    ) -> DistributiveFileWriter[NetworkCentreRequestData] | None:
        return self._pick(self.network_centre_request_writers, "network_centre", preferred)

    def _pick(self, writers: Mapping[str, Any], kind: str, preferred: str | None) -> Any:
        if preferred and preferred in writers:
            return writers[preferred]
        own = [w for i, w in writers.items()
               if self.file_writer_plugins.get(f"{kind}:{i}") != BUILTIN_FILES_PLUGIN]
        return own[0] if own else next(iter(writers.values()), None)


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
