"""Plugin discovery: built-in plugins register through entry points; failures are listed."""

from __future__ import annotations

from importlib.metadata import EntryPoint

from vostok_desktop.plugins import ENTRY_POINT_GROUP, PluginApi, load_plugins


def test_builtin_plugins_register_their_providers() -> None:
    registry = load_plugins()
    assert {"asterisk_ami", "call_simulator"} <= set(registry.loaded)
    assert registry.errors == []
    providers = registry.api.telephony_providers
    assert providers["call_simulator"].is_simulator
    assert not providers["asterisk_ami"].is_simulator


def test_broken_plugins_are_collected_not_fatal() -> None:
    eps = [
        EntryPoint("missing", "no_such_module_xyz", ENTRY_POINT_GROUP),
        EntryPoint("no_register", "json", ENTRY_POINT_GROUP),
        EntryPoint("simulator", "vostok_call_simulator", ENTRY_POINT_GROUP),
        EntryPoint("twice", "vostok_call_simulator", ENTRY_POINT_GROUP),
    ]
    registry = load_plugins(eps, PluginApi())
    assert registry.loaded == ["simulator"]
    names = [e.plugin for e in registry.errors]
    assert names == ["missing", "no_register", "twice"]
    assert "ModuleNotFoundError" in registry.error_texts()[0]
    assert "register" in registry.error_texts()[1]
    assert "уже зарегистрирован" in registry.error_texts()[2]


def test_ami_factory_needs_a_host() -> None:
    import pytest

    from vostok_desktop.plugins import TelephonyError

    api = PluginApi()
    load_plugins([EntryPoint("asterisk_ami", "vostok_asterisk_ami", ENTRY_POINT_GROUP)], api)
    with pytest.raises(TelephonyError, match="адрес АТС"):
        api.telephony_providers["asterisk_ami"].create({}, None)
