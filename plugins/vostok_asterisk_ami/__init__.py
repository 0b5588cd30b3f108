"""Built-in plugin: Asterisk Manager Interface (AMI) telephony provider.

``register(api)`` adds the provider factory; the Qt client is imported only when a
provider is created, so discovering plugins stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping

from vostok_desktop.plugins import PluginApi, TelephonyProvider, TelephonyProviderFactory

PROVIDER_ID = "asterisk_ami"


def _create(options: Mapping[str, str], secret: str | None) -> TelephonyProvider:
    from vostok_asterisk_ami.provider import create_provider

    return create_provider(options, secret)


def _store_secret(options: Mapping[str, str], secret: str) -> bool:
    from vostok_asterisk_ami.provider import save_secret

    return save_secret(options.get("host", ""), options.get("port", "5038"),
                       options.get("username", ""), secret)


def _has_secret(options: Mapping[str, str]) -> bool:
    from vostok_asterisk_ami.provider import load_secret

    return load_secret(options.get("host", ""), options.get("port", "5038"),
                       options.get("username", "")) is not None


def register(api: PluginApi) -> None:
    api.add_telephony_provider(TelephonyProviderFactory(
        PROVIDER_ID, "Asterisk (AMI)", _create, store_secret=_store_secret,
        has_secret=_has_secret))
