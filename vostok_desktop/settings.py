"""Typed program settings kept as JSON in the user's config folder (no Qt here).

Window geometry and dock layout live in QSettings (gui layer); secrets in the keyring.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vostok_desktop import paths
from vostok_desktop.db import BaseKind, BaseLocation

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


@dataclass
class KnownBase:
    """One entry of the list of bases (like 1C's list of infobases)."""

    name: str
    kind: BaseKind
    url: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def location(self) -> BaseLocation:
        return BaseLocation(BaseKind(self.kind), self.url)


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    known_bases: list[KnownBase] = field(default_factory=list)
    last_base_id: str | None = None
    # Which employee works in a file base (no logins there; a server base uses the role).
    file_base_login: str = "admin"

    # -- persistence -----------------------------------------------------------
    @staticmethod
    def path() -> Path:
        return paths.config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        path = cls.path()
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            raw = _migrate(raw)
            bases = [KnownBase(b["name"], BaseKind(b["kind"]), b["url"], b["id"])
                     for b in raw.get("known_bases", [])]
            return cls(
                version=SETTINGS_VERSION,
                known_bases=bases,
                last_base_id=raw.get("last_base_id"),
                file_base_login=raw.get("file_base_login", "admin"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            # A broken file must not lock the user out: keep a copy, start clean.
            backup = path.with_suffix(".broken.json")
            os.replace(path, backup)
            log.warning("settings file unreadable (%s), moved to %s", exc, backup)
            return cls()

    def save(self) -> None:
        path = self.path()
        tmp = path.with_suffix(".tmp")
        data = asdict(self)
        data["known_bases"] = [
            {**b, "kind": str(b["kind"])} for b in data["known_bases"]
        ]
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a crash never leaves half a settings file

    # -- known bases -----------------------------------------------------------
    def base_by_id(self, base_id: str | None) -> KnownBase | None:
        return next((b for b in self.known_bases if b.id == base_id), None)

    def add_base(self, name: str, location: BaseLocation) -> KnownBase:
        for existing in self.known_bases:
            if existing.url == location.url:
                existing.name = name
                return existing
        entry = KnownBase(name, location.kind, location.url)
        self.known_bases.append(entry)
        return entry

    def remove_base(self, base_id: str) -> None:
        self.known_bases = [b for b in self.known_bases if b.id != base_id]
        if self.last_base_id == base_id:
            self.last_base_id = None


def _migrate(raw: dict) -> dict:
    """Upgrade settings written by older versions (none yet besides version 1)."""
    if not isinstance(raw, dict):
        raise TypeError("settings root is not an object")
    return raw
