from __future__ import annotations

from vostok_desktop.db import BaseKind, BaseLocation
from vostok_desktop.settings import Settings


def test_known_bases_survive_a_restart(tmp_path) -> None:
    settings = Settings()
    entry = settings.add_base("Офис", BaseLocation.parse("postgresql://ivanov@srv/ric"))
    settings.add_base("Моя база", BaseLocation.file(tmp_path / "my.sqlite"))
    settings.last_base_id = entry.id
    settings.save()
    again = Settings.load()
    assert [b.name for b in again.known_bases] == ["Офис", "Моя база"]
    assert again.base_by_id(again.last_base_id).kind == BaseKind.SERVER


def test_broken_settings_file_is_set_aside_not_fatal() -> None:
    Settings.path().write_text("{not json", encoding="utf-8")
    settings = Settings.load()
    assert settings.known_bases == []
    assert Settings.path().with_suffix(".broken.json").exists()
