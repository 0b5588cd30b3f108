"""An AMI client on QTcpSocket: login, keep-alive, reconnect with backoff, actions.

Runs on the thread that owns it (the GUI thread): QTcpSocket is asynchronous, so
nothing blocks. Framing and parsing are in :mod:`protocol` (no Qt there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket

from vostok_asterisk_ami.protocol import AmiFramer, AmiMessage, PendingActions, format_action
from vostok_desktop.plugins import ProviderState, ProviderStatus, TelephonyError

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_S: tuple[float, ...] = (1, 2, 5, 10, 30, 60)

_SOCKET_ERRORS = {
    QAbstractSocket.SocketError.ConnectionRefusedError: "соединение отклонено",
    QAbstractSocket.SocketError.HostNotFoundError: "сервер не найден",
    QAbstractSocket.SocketError.RemoteHostClosedError: "АТС разорвала соединение",
    QAbstractSocket.SocketError.SocketTimeoutError: "нет ответа",
    QAbstractSocket.SocketError.NetworkError: "ошибка сети",
}


class AmiConnection(QObject):
    """One manager session. ``on_event`` gets every Event; ``on_status`` the state."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        on_event: Callable[[AmiMessage], None],
        on_status: Callable[[ProviderStatus], None],
        on_reset: Callable[[], None] | None = None,
        events: str = "call",
        backoff_s: Sequence[float] = DEFAULT_BACKOFF_S,
        ping_interval_s: float = 20.0,
        response_timeout_s: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host, self.port, self.username = host, port, username
        self._secret = secret
        self._events = events
        self._on_event = on_event
        self._on_status = on_status
        self._on_reset = on_reset
        self._backoff = list(backoff_s) or [5.0]
        self._attempt = 0
        self._stopping = True
        self._logged_in = False
        self._refused = False
        self._last_error = ""
        self.framer = AmiFramer()
        self.pending = PendingActions()
        self.status = ProviderStatus(ProviderState.DISCONNECTED)
        self.connect_count = 0  # successful logins (tests, diagnostics)

        self.socket = QTcpSocket(self)
        self.socket.connected.connect(self._connected)
        self.socket.readyRead.connect(self._read)
        self.socket.disconnected.connect(self._disconnected)
        self.socket.errorOccurred.connect(self._error)

        self._reconnect_timer = QTimer(self, singleShot=True)
        self._reconnect_timer.timeout.connect(self._connect_now)
        self._handshake_timer = QTimer(self, singleShot=True)
        self._handshake_timer.setInterval(int(response_timeout_s * 1000))
        self._handshake_timer.timeout.connect(self._handshake_timeout)
        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(int(ping_interval_s * 1000))
        self._ping_timer.timeout.connect(self._ping)
        self._pong_timer = QTimer(self, singleShot=True)
        self._pong_timer.setInterval(int(response_timeout_s * 1000))
        self._pong_timer.timeout.connect(self._pong_missing)

    # -- public -------------------------------------------------------------------------
    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_logged_in(self) -> bool:
        return self._logged_in

    def start(self) -> None:
        self._stopping = False
        self._refused = False
        self._attempt = 0
        self._connect_now()

    def stop(self) -> None:
        self._stopping = True
        for timer in (self._reconnect_timer, self._handshake_timer, self._ping_timer,
                      self._pong_timer):
            timer.stop()
        if self._logged_in:
            self.socket.write(format_action("Logoff", action_id=self.pending.new("Logoff")))
            self.socket.flush()
        self.socket.abort()
        self._logged_in = False
        self._set_status(ProviderStatus(ProviderState.DISCONNECTED))

    def send_action(self, action: str, fields: Iterable[tuple[str, object]] = (),
                    callback: Callable[[AmiMessage], None] | None = None) -> str:
        """Send an action; ``callback`` gets its Response (matched by ActionID)."""
        if not self._logged_in:
            raise TelephonyError(f"Нет соединения с АТС ({self.status.text()})")
        action_id = self.pending.new(action, callback)
        self.socket.write(format_action(action, fields, action_id))
        return action_id

    # -- connection lifecycle --------------------------------------------------------------
    def _set_status(self, status: ProviderStatus) -> None:
        if status != self.status:
            self.status = status
            self._on_status(status)

    def _connect_now(self) -> None:
        if self._stopping:
            return
        self.socket.abort()
        self.framer.reset()
        self.pending.clear()
        self._set_status(ProviderStatus(ProviderState.CONNECTING, self.address))
        self._handshake_timer.start()
        self.socket.connectToHost(self.host, self.port)

    def _connected(self) -> None:
        # The banner may come before or with the login response: do not wait for it.
        self.socket.write(format_action(
            "Login",
            [("Username", self.username), ("Secret", self._secret), ("Events", self._events)],
            self.pending.new("Login", self._login_answered),
        ))

    def _login_answered(self, message: AmiMessage) -> None:
        self._handshake_timer.stop()
        if message.response.lower() == "success":
            self._logged_in = True
            self._attempt = 0
            self.connect_count += 1
            self._ping_timer.start()
            self._set_status(ProviderStatus(ProviderState.CONNECTED,
                                            f"{self.username}@{self.address}"))
            return
        # A wrong secret does not fix itself; retrying would only lock the account out.
        self._refused = True
        reason = message.get("Message") or "Authentication failed"
        self._set_status(ProviderStatus(
            ProviderState.LOGIN_REFUSED,
            f"неверный логин или пароль AMI для «{self.username}» ({reason})",
        ))
        self.socket.abort()

    def _handshake_timeout(self) -> None:
        connected = self.socket.state() == QAbstractSocket.SocketState.ConnectedState
        self._last_error = ("нет ответа AMI: это точно порт Asterisk Manager?" if connected
                            else "нет ответа")
        self.socket.abort()
        self._schedule_reconnect()

    def _ping(self) -> None:
        if self._logged_in and not self._pong_timer.isActive():
            self.send_action("Ping", callback=lambda _m: self._pong_timer.stop())
            self._pong_timer.start()

    def _pong_missing(self) -> None:
        log.warning("AMI %s: no answer to Ping, reconnecting", self.address)
        self._last_error = "АТС перестала отвечать"
        self.socket.abort()
        self._lost()

    def _read(self) -> None:
        data = self.socket.readAll().data()
        for message in self.framer.feed(data):
            resolved = self.pending.resolve(message)
            if resolved is not None:
                _action, callback = resolved
                if callback is not None:
                    try:
                        callback(message)
                    except Exception:  # noqa: BLE001 - never let a callback kill the reader
                        log.exception("AMI response handler failed")
                continue
            if message.kind == "event":
                try:
                    self._on_event(message)
                except Exception:  # noqa: BLE001
                    log.exception("AMI event handler failed on %s", message.event)

    def _error(self, error: QAbstractSocket.SocketError) -> None:
        text = _SOCKET_ERRORS.get(error) or self.socket.errorString()
        self._last_error = text
        if self.socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            # connectToHost failed: no disconnected() follows.
            self._handshake_timer.stop()
            self._schedule_reconnect()

    def _disconnected(self) -> None:
        self._lost()

    def _lost(self) -> None:
        was_logged_in = self._logged_in
        self._logged_in = False
        self._ping_timer.stop()
        self._pong_timer.stop()
        self._handshake_timer.stop()
        for _action, callback in self.pending.clear():
            del callback  # their answers will never come
        if was_logged_in and self._on_reset is not None:
            self._on_reset()
        if was_logged_in and not self._last_error:
            self._last_error = "АТС разорвала соединение"
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._stopping or self._refused:
            return
        if self._reconnect_timer.isActive():
            return
        delay = self._backoff[min(self._attempt, len(self._backoff) - 1)]
        self._attempt += 1
        reason = self._last_error or "нет соединения"
        self._set_status(ProviderStatus(
            ProviderState.UNREACHABLE,
            f"{self.address}: {reason}; повтор через {_seconds(delay)}",
        ))
        self._last_error = ""
        self._reconnect_timer.start(int(delay * 1000))


def _seconds(value: float) -> str:
    return f"{value:g} с"
