"""Passwords of server bases live in the OS keyring, never in a settings file."""

from __future__ import annotations

from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

SERVICE_PREFIX = "vostok-desktop"


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    reason: str  # Russian, shown to the user when not available


def keyring_status() -> KeyringStatus:
    """Whether a usable keyring backend exists on this machine, and why not if not."""
    backend: KeyringBackend = keyring.get_keyring()
    module = type(backend).__module__
    # keyring falls back to the "fail" or "null" backends when nothing real is installed;
    # a chainer with no members is the same thing in disguise.
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        return KeyringStatus(
            False,
            "На этом компьютере нет хранилища паролей (связки ключей ОС), поэтому пароль "
            "не сохраняется и будет спрашиваться при каждом входе.",
        )
    if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        return KeyringStatus(
            False,
            "Хранилище паролей ОС недоступно, поэтому пароль будет спрашиваться при каждом входе.",
        )
    return KeyringStatus(True, "")


def _service(base_url: str) -> str:
    return f"{SERVICE_PREFIX}:{base_url}"


def load_password(base_url: str, login: str) -> str | None:
    if not keyring_status().available:
        return None
    try:
        return keyring.get_password(_service(base_url), login)
    except keyring.errors.KeyringError:
        return None


def save_password(base_url: str, login: str, password: str) -> bool:
    """Store the password; False when no keyring can hold it (the caller says why)."""
    if not keyring_status().available:
        return False
    try:
        keyring.set_password(_service(base_url), login, password)
    except keyring.errors.KeyringError:
        return False
    return True


def forget_password(base_url: str, login: str) -> None:
    try:
        keyring.delete_password(_service(base_url), login)
    except keyring.errors.KeyringError:
        pass
