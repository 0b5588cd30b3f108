"""The Asterisk AMI telephony provider: connection + call tracker + call actions."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from vostok_asterisk_ami.connection import DEFAULT_BACKOFF_S, AmiConnection
from vostok_asterisk_ami.protocol import AmiMessage
from vostok_asterisk_ami.tracker import PROVIDER_ID, CallTracker
from vostok_desktop.plugins import ProviderStatus, TelephonyError, TelephonyProvider

log = logging.getLogger(__name__)

DEFAULT_PORT = 5038
SECRET_ENV = "VOSTOK_AMI_SECRET"
KEYRING_SERVICE_PREFIX = "vostok-desktop:ami"


@dataclass(frozen=True)
class AmiOptions:
    host: str
    port: int = DEFAULT_PORT
    username: str = ""
    extension: str = ""
    context: str = "from-internal"  # where transfers and click-to-call dial
    technology: str = "PJSIP"  # chan_sip is gone since Asterisk 21
    transfer_method: str = "redirect"  # or "blind" (BlindTransfer on my leg)

    @classmethod
    def from_mapping(cls, options: Mapping[str, str]) -> AmiOptions:
        host = (options.get("host") or "").strip()
        if not host:
            raise TelephonyError("Не указан адрес АТС (сервер Asterisk)")
        try:
            port = int(options.get("port") or DEFAULT_PORT)
        except ValueError:
            raise TelephonyError(f"Порт АТС «{options.get('port')}» — не число") from None
        method = options.get("transfer_method") or "redirect"
        if method not in ("redirect", "blind"):
            raise TelephonyError(f"Способ перевода «{method}» неизвестен: redirect или blind")
        return cls(host=host, port=port, username=(options.get("username") or "").strip(),
                   extension=(options.get("extension") or "").strip(),
                   context=options.get("context") or "from-internal",
                   technology=options.get("technology") or "PJSIP", transfer_method=method)


def parse_pbx_url(url: str) -> dict[str, str]:
    """``ami://USER@HOST:PORT`` -> {"username", "host", "port"} (no secret in URLs)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "ami" or not parts.hostname:
        raise TelephonyError(f"Адрес АТС «{url}»: нужно ami://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР:ПОРТ")
    if parts.password:
        raise TelephonyError("Пароль AMI не пишут в адресе: он берётся из хранилища паролей "
                             f"или из переменной {SECRET_ENV}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise TelephonyError(f"Адрес АТС «{url}»: неверный порт") from None
    return {"username": unquote(parts.username or ""), "host": parts.hostname,
            "port": str(port)}


def keyring_service(host: str, port: int | str) -> str:
    return f"{KEYRING_SERVICE_PREFIX}://{host}:{port}"


def load_secret(host: str, port: int | str, username: str) -> str | None:
    """The AMI secret: VOSTOK_AMI_SECRET, else the OS keyring."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    try:
        import keyring
        import keyring.errors

        return keyring.get_password(keyring_service(host, port), username)
    except Exception:  # noqa: BLE001 - no keyring backend is not an error here
        log.info("no keyring for the AMI secret", exc_info=True)
        return None


def save_secret(host: str, port: int | str, username: str, secret: str) -> bool:
    try:
        import keyring

        keyring.set_password(keyring_service(host, port), username, secret)
    except Exception:  # noqa: BLE001
        log.warning("AMI secret not stored in the keyring", exc_info=True)
        return False
    return True


class AmiProvider(TelephonyProvider):
    id = PROVIDER_ID
    title = "Asterisk (AMI)"

    def __init__(self, options: AmiOptions, secret: str | None, *,
                 backoff_s: tuple[float, ...] = DEFAULT_BACKOFF_S,
                 ping_interval_s: float = 20.0, response_timeout_s: float = 5.0) -> None:
        super().__init__()
        self.options = options
        self.tracker = CallTracker({options.extension} if options.extension else None)
        self.connection = AmiConnection(
            options.host, options.port, options.username, secret or "",
            on_event=self._on_event, on_status=self.set_status, on_reset=self._on_reset,
            backoff_s=backoff_s, ping_interval_s=ping_interval_s,
            response_timeout_s=response_timeout_s,
        )
        self.notices: list[str] = []

    @property
    def extension(self) -> str:
        return self.options.extension

    def start(self) -> None:
        self.connection.start()

    def stop(self) -> None:
        self.connection.stop()
        for event in self.tracker.reset():
            self.emit_call(event)

    @property
    def status(self) -> ProviderStatus:
        return self.connection.status

    # -- events -----------------------------------------------------------------------
    def _on_event(self, message: AmiMessage) -> None:
        for event in self.tracker.feed(message):
            self.emit_call(event)

    def _on_reset(self) -> None:
        for event in self.tracker.reset():
            self.emit_call(event)

    def _on_action_answer(self, what: str) -> Callable[[AmiMessage], None]:
        def answered(message: AmiMessage) -> None:
            if message.response.lower() != "success":
                text = f"{what}: АТС ответила «{message.get('Message') or message.response}»"
                log.warning(text)
                self.notices.append(text)
                self.emit_notice(text)
        return answered

    # -- actions ------------------------------------------------------------------------
    def transfer(self, call_id: str, extension: str) -> None:
        extension = extension.strip()
        if not extension:
            raise TelephonyError("Не указан номер, на который переводить звонок")
        leg = self.tracker.leg_for_call(call_id)
        if leg is None:
            raise TelephonyError("Звонок уже завершён: переводить нечего")
        o = self.options
        if o.transfer_method == "blind":
            self.connection.send_action(
                "BlindTransfer",
                [("Channel", leg.channel), ("Context", o.context), ("Exten", extension)],
                self._on_action_answer(f"Перевод на {extension}"))
            return
        if not leg.peer_channel:
            raise TelephonyError("Не найден канал собеседника для перевода")
        self.tracker.expect_transfer(call_id, extension)
        self.connection.send_action(
            "Redirect",
            [("Channel", leg.peer_channel), ("Context", o.context), ("Exten", extension),
             ("Priority", 1)],
            self._on_action_answer(f"Перевод на {extension}"))

    def originate(self, number: str) -> None:
        digits = "".join(ch for ch in number if ch.isdigit() or ch in "+*#")
        if not digits:
            raise TelephonyError(f"Номер «{number}» не набрать: в нём нет цифр")
        if not self.options.extension:
            raise TelephonyError("Не указан мой внутренний номер в настройках телефонии")
        o = self.options
        self.tracker.expect_originate(digits)
        # Async: true — without it Asterisk holds the manager session until the call is
        # answered, and some clients drop the connection (see the telephony issue).
        self.connection.send_action(
            "Originate",
            [("Channel", f"{o.technology}/{o.extension}"), ("Context", o.context),
             ("Exten", digits), ("Priority", 1), ("CallerID", f"{digits} <{digits}>"),
             ("Timeout", 30000), ("Async", "true")],
            self._on_action_answer(f"Звонок на {number}"))


def create_provider(options: Mapping[str, str], secret: str | None) -> AmiProvider:
    ami = AmiOptions.from_mapping(options)
    if secret is None:
        secret = load_secret(ami.host, ami.port, ami.username)
    return AmiProvider(ami, secret)
