"""Every Python package of the program is listed in pyproject.toml, so a wheel (not only
an editable checkout) carries it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "vostok_desktop").rglob("__init__.py")
    }
    assert found - listed == set(), f"add to [tool.setuptools] packages: {found - listed}"


def test_plugins_are_registered_as_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="vostok_desktop.plugins")}
    assert {"asterisk_ami", "call_simulator", "rc_files"} <= names
