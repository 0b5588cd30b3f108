"""Server passwords go to the keyring and never into the settings file."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from vostok_desktop.db import BaseLocation
from vostok_desktop.services.common import credentials
from vostok_desktop.settings import Settings


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_password_round_trip_through_keyring_not_settings(memory_keyring) -> None:
    location = BaseLocation.parse("postgresql://petrova@db.office/ric")
    settings = Settings()
    settings.add_base("Офис", location)
    settings.save()
    assert credentials.save_password(location.url, "petrova", "s3cret-пароль")
    assert credentials.load_password(location.url, "petrova") == "s3cret-пароль"
    assert "s3cret" not in Settings.path().read_text(encoding="utf-8")
    # Each employee has their own login: another login has no password stored.
    assert credentials.load_password(location.url, "ivanov") is None


def test_without_keyring_backend_we_say_why_and_store_nothing(no_keyring) -> None:
    status = credentials.keyring_status()
    assert not status.available
    assert "спрашиваться при каждом входе" in status.reason
    assert credentials.save_password("postgresql+psycopg://a@h/db", "a", "x") is False
    assert credentials.load_password("postgresql+psycopg://a@h/db", "a") is None
