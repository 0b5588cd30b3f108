"""Built-in plugin: a simulated PBX for demo bases and tests (scripted incoming calls)."""

from __future__ import annotations

from collections.abc import Mapping

from vostok_desktop.plugins import PluginApi, TelephonyProvider, TelephonyProviderFactory

PROVIDER_ID = "call_simulator"


def _create(options: Mapping[str, str], _secret: str | None) -> TelephonyProvider:
    from vostok_call_simulator.provider import SimulatedProvider

    return SimulatedProvider(options.get("extension") or "100")


def register(api: PluginApi) -> None:
    api.add_telephony_provider(TelephonyProviderFactory(
        PROVIDER_ID, "Имитатор звонков (демонстрация)", _create, is_simulator=True))
