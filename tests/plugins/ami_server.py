"""A test Asterisk Manager Interface server on 127.0.0.1 that speaks the wire protocol.

Banner line, Action/Response blocks with ActionID, Login (a wrong secret gets
``Response: Error`` / ``Authentication failed`` and the connection is closed, as
Asterisk does), Ping, Logoff, Redirect, BlindTransfer, Originate (``Async: true``
answered at once, an ``OriginateResponse`` event later). Events are played to every
logged-in client with ``play``; ``chunk`` cuts the bytes in small writes to exercise
framing, including UTF-8 characters split between writes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from tests.plugins.ami_scenarios import Fields, encode

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


class _Client:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.logged_in = False
        self.lock = threading.Lock()

    def send(self, data: bytes, chunk: int | None = None, pause_s: float = 0.0) -> None:
        with self.lock:
            if chunk is None:
                self.sock.sendall(data)
                return
            for i in range(0, len(data), chunk):
                self.sock.sendall(data[i:i + chunk])
                if pause_s:
                    time.sleep(pause_s)


class AmiTestServer:
    def __init__(self, username: str = "vostok", secret: str = "s3cret", *,
                 answer_ping: bool = True) -> None:
        self.username, self.secret = username, secret
        self.answer_ping = answer_ping
        self.actions: list[dict[str, str]] = []
        self.logins: list[float] = []  # monotonic times of successful logins
        self.login_failures = 0
        self.connections = 0
        self.on_action: Callable[[dict[str, str], _Client], None] | None = None
        self._clients: list[_Client] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self._running = True
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    # -- control from tests -----------------------------------------------------------------
    def play(self, messages: list[Fields], chunk: int | None = None,
             pause_s: float = 0.0) -> None:
        data = encode(messages)
        for client in self._logged_in():
            client.send(data, chunk, pause_s)

    def send_raw(self, data: bytes, chunk: int | None = None) -> None:
        for client in self._logged_in():
            client.send(data, chunk)

    def drop_clients(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            try:
                client.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            client.sock.close()

    def wait_logged_in(self, count: int = 1, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.logins) >= count:
                return True
            time.sleep(0.01)
        return False

    def actions_named(self, name: str) -> list[dict[str, str]]:
        return [a for a in self.actions if a.get("Action", "").lower() == name.lower()]

    def close(self) -> None:
        self._running = False
        try:
            self._listener.close()
        except OSError:
            pass
        self.drop_clients()

    # -- internals ----------------------------------------------------------------------------
    def _logged_in(self) -> list[_Client]:
        with self._lock:
            return [c for c in self._clients if c.logged_in]

    def _accept_loop(self) -> None:
        while self._running:
            try:
                sock, _addr = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client = _Client(sock)
            with self._lock:
                self._clients.append(client)
            self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: _Client) -> None:
        try:
            client.send(BANNER)
            buffer = b""
            while True:
                data = client.sock.recv(4096)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    block, buffer = buffer.split(b"\r\n\r\n", 1)
                    action: dict[str, str] = {}
                    for line in block.decode("utf-8", "replace").split("\r\n"):
                        key, _, value = line.partition(": ")
                        action[key] = value
                    if not self._handle(action, client):
                        client.sock.close()
                        return
        except OSError:
            return

    def _handle(self, action: dict[str, str], client: _Client) -> bool:
        self.actions.append(action)
        name = action.get("Action", "").lower()
        aid = action.get("ActionID", "")

        def respond(response: str, **fields: str) -> None:
            body = f"Response: {response}\r\nActionID: {aid}\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in fields.items())
            client.send((body + "\r\n").encode("utf-8"))

        if name == "login":
            if action.get("Username") == self.username and action.get("Secret") == self.secret:
                respond("Success", Message="Authentication accepted")
                client.send(b"Event: FullyBooted\r\nPrivilege: system,all\r\n"
                            b"Uptime: 1000\r\nLastReload: 1000\r\nStatus: Fully Booted\r\n\r\n")
                client.logged_in = True
                self.logins.append(time.monotonic())
                return True
            self.login_failures += 1
            respond("Error", Message="Authentication failed")
            return False
        if not client.logged_in:
            respond("Error", Message="Permission denied")
            return True
        if name == "ping":
            if self.answer_ping:
                respond("Success", Ping="Pong", Timestamp=f"{time.time():.6f}")
        elif name == "logoff":
            respond("Goodbye", Message="Thanks for all the fish.")
            return False
        elif name == "redirect":
            respond("Success", Message="Redirect successful")
        elif name == "blindtransfer":
            respond("Success", Message="Transfer succeeded")
        elif name == "originate":
            if action.get("Async", "").lower() == "true":
                respond("Success", Message="Originate successfully queued")
            else:
                respond("Error", Message="Use Async: true")
        else:
            respond("Error", Message="Invalid/unknown command")
        if self.on_action is not None:
            self.on_action(action, client)
        return True
