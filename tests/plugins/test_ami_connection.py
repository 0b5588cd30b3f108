"""The QTcpSocket AMI client against the test AMI server (real sockets, real protocol)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.plugins import ami_scenarios as sc
from tests.plugins.ami_server import AmiTestServer
from vostok_asterisk_ami.provider import AmiOptions, AmiProvider, parse_pbx_url
from vostok_desktop.plugins import (
    CallEvent,
    CallEventKind,
    ProviderState,
    ProviderStatus,
    TelephonyError,
)


@pytest.fixture
def server() -> Iterator[AmiTestServer]:
    srv = AmiTestServer()
    yield srv
    srv.close()


class Recorder:
    def __init__(self, provider: AmiProvider) -> None:
        self.events: list[CallEvent] = []
        self.states: list[ProviderStatus] = []
        self.notices: list[str] = []
        provider.add_call_listener(self.events.append)
        provider.add_status_listener(self.states.append)
        provider.add_notice_listener(self.notices.append)

    def state_names(self) -> list[ProviderState]:
        return [s.state for s in self.states]


def make(port: int, secret: str = "s3cret", **kw) -> tuple[AmiProvider, Recorder]:  # noqa: ANN003
    options = AmiOptions(host="127.0.0.1", port=port, username="vostok", extension="101",
                         transfer_method=kw.pop("transfer_method", "redirect"))
    provider = AmiProvider(options, secret, backoff_s=kw.pop("backoff_s", (0.1, 0.2, 0.4)),
                           ping_interval_s=kw.pop("ping_interval_s", 30.0),
                           response_timeout_s=kw.pop("response_timeout_s", 2.0))
    return provider, Recorder(provider)


def connected(provider: AmiProvider) -> bool:
    return provider.status.state is ProviderState.CONNECTED


def test_login_with_call_events_and_an_answered_call(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port)
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    (login,) = server.actions_named("Login")
    assert login["Events"] == "call" and login["ActionID"].startswith("vostok-")
    assert "vostok@127.0.0.1" in provider.status.text()
    # Small writes split keys, lines and the Cyrillic caller name between reads.
    server.play(sc.answered_call(), chunk=7)
    qtbot.waitUntil(lambda: len(rec.events) == 3, timeout=15000)
    assert [e.kind for e in rec.events] == [CallEventKind.RINGING, CallEventKind.ANSWERED,
                                            CallEventKind.HANGUP]
    assert rec.events[0].caller_name == sc.CLIENT_NAME
    assert rec.events[0].number == sc.CLIENT_NUMBER
    provider.stop()
    assert provider.status.state is ProviderState.DISCONNECTED


def test_missed_and_transferred_calls_from_the_server(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port)
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    server.send_raw(b"\xff\xfegarbage\r\nnot a header\r\n\r\nEvent: Unknown\r\n\r\n")
    server.play(sc.missed_call() + sc.transferred_call())
    qtbot.waitUntil(lambda: len(rec.events) == 6, timeout=15000)
    assert [e.kind for e in rec.events] == [
        CallEventKind.RINGING, CallEventKind.HANGUP, CallEventKind.RINGING,
        CallEventKind.ANSWERED, CallEventKind.TRANSFERRED, CallEventKind.HANGUP]
    assert rec.events[1].answered is False
    assert rec.events[4].transferred_to == "102"
    assert connected(provider)
    provider.stop()


def test_wrong_secret_says_login_refused_and_does_not_hammer(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port, secret="wrong")
    provider.start()
    qtbot.waitUntil(lambda: provider.status.state is ProviderState.LOGIN_REFUSED, timeout=15000)
    assert "неверный логин или пароль" in provider.status.text()
    assert "АТС отклонила вход" in provider.status.text()
    qtbot.wait(600)  # several backoff periods
    assert server.connections == 1 and server.login_failures == 1
    provider.stop()


def test_unreachable_pbx_is_said_and_retried(qtbot) -> None:  # noqa: ANN001
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider, rec = make(port)
    provider.start()
    qtbot.waitUntil(lambda: provider.status.state is ProviderState.UNREACHABLE, timeout=15000)
    assert "соединение отклонено" in provider.status.text()
    assert "повтор через" in provider.status.text()
    qtbot.waitUntil(lambda: rec.state_names().count(ProviderState.CONNECTING) >= 3,
                    timeout=15000)
    provider.stop()


def test_not_an_ami_port_times_out_clearly(qtbot) -> None:  # noqa: ANN001
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        provider, _rec = make(silent.getsockname()[1], response_timeout_s=0.3)
        provider.start()
        qtbot.waitUntil(lambda: provider.status.state is ProviderState.UNREACHABLE,
                        timeout=15000)
        assert "нет ответа AMI" in provider.status.text()
        provider.stop()
    finally:
        silent.close()


def test_dropped_connection_reconnects_with_backoff(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port, backoff_s=(0.2, 0.4))
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    server.play(sc.answered_prefix())
    qtbot.waitUntil(lambda: len(rec.events) == 2, timeout=15000)
    server.drop_clients()
    qtbot.waitUntil(lambda: provider.status.state is ProviderState.UNREACHABLE, timeout=15000)
    # The call we were in is closed rather than left ringing forever.
    qtbot.waitUntil(lambda: rec.events[-1].kind is CallEventKind.HANGUP, timeout=15000)
    assert "разорвала" in provider.status.text()
    qtbot.waitUntil(lambda: len(server.logins) == 2 and connected(provider), timeout=15000)
    assert server.logins[1] - server.logins[0] >= 0.2  # waited the first backoff step
    server.drop_clients()
    qtbot.waitUntil(lambda: len(server.logins) == 3 and connected(provider), timeout=15000)
    provider.stop()


def test_keepalive_ping_and_silent_pbx(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port, ping_interval_s=0.1, response_timeout_s=0.3)
    provider.start()
    qtbot.waitUntil(lambda: len(server.actions_named("Ping")) >= 2, timeout=15000)
    assert connected(provider)
    server.answer_ping = False
    qtbot.waitUntil(lambda: provider.status.state is ProviderState.UNREACHABLE, timeout=15000)
    assert "перестала отвечать" in provider.status.text()
    server.answer_ping = True
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    provider.stop()


def test_transfer_redirects_the_clients_leg(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port)
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    server.play(sc.answered_prefix())
    qtbot.waitUntil(lambda: len(rec.events) == 2, timeout=15000)
    provider.transfer(rec.events[0].call_id, "102")
    qtbot.waitUntil(lambda: bool(server.actions_named("Redirect")), timeout=15000)
    (redirect,) = server.actions_named("Redirect")
    assert redirect["Channel"] == "PJSIP/rostelecom-0000000a"
    assert (redirect["Exten"], redirect["Context"], redirect["Priority"]) == \
        ("102", "from-internal", "1")
    server.play(sc.redirected_after_answer())
    qtbot.waitUntil(lambda: len(rec.events) == 4, timeout=15000)
    assert rec.events[2].kind is CallEventKind.TRANSFERRED
    with pytest.raises(TelephonyError):
        provider.transfer(rec.events[0].call_id, "103")  # the call is over
    provider.stop()


def test_blind_transfer_is_applied_to_my_leg(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port, transfer_method="blind")
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    server.play(sc.answered_prefix())
    qtbot.waitUntil(lambda: len(rec.events) == 2, timeout=15000)
    provider.transfer(rec.events[0].call_id, "102")
    qtbot.waitUntil(lambda: bool(server.actions_named("BlindTransfer")), timeout=15000)
    (blind,) = server.actions_named("BlindTransfer")
    assert blind["Channel"] == "PJSIP/101-0000000b" and blind["Exten"] == "102"
    provider.stop()


def test_originate_is_async_and_tracked(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port)

    def on_action(action, client) -> None:  # noqa: ANN001
        if action.get("Action") == "Originate":
            client.send(sc.encode(sc.originate_events("101", action["Exten"],
                                                      action["ActionID"])))

    server.on_action = on_action
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    provider.originate("8 (916) 123-45-67")
    qtbot.waitUntil(lambda: len(rec.events) == 3, timeout=15000)
    (originate,) = server.actions_named("Originate")
    assert originate["Async"] == "true"
    assert originate["Channel"] == "PJSIP/101"
    assert originate["Exten"] == "89161234567"
    assert [e.direction.value for e in rec.events] == ["out"] * 3
    assert rec.notices == []
    provider.stop()


def test_refused_action_becomes_a_notice(qtbot, server) -> None:  # noqa: ANN001
    provider, rec = make(server.port)
    provider.start()
    qtbot.waitUntil(lambda: connected(provider), timeout=15000)
    provider.connection.send_action("NoSuchAction", [],
                                    provider._on_action_answer("Проверка"))
    qtbot.waitUntil(lambda: bool(rec.notices), timeout=15000)
    assert "Invalid/unknown command" in rec.notices[0]
    provider.stop()


def test_actions_without_connection_are_refused_clearly(qtbot) -> None:  # noqa: ANN001
    provider, _ = make(1)
    with pytest.raises(TelephonyError, match="Нет соединения с АТС"):
        provider.originate("101")


def test_parse_pbx_url() -> None:
    assert parse_pbx_url("ami://vostok@pbx.office:5039") == {
        "username": "vostok", "host": "pbx.office", "port": "5039"}
    assert parse_pbx_url("ami://admin@10.0.0.5")["port"] == "5038"
    for bad in ("http://pbx", "ami://u:secret@pbx", "ami://"):
        with pytest.raises(TelephonyError):
            parse_pbx_url(bad)
