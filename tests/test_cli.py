"""The command line as a user (and CI) runs it, in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from vostok_desktop.db import head_revision
from vostok_desktop.settings import Settings


def _vostok(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOSTOK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "vostok_desktop", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_screenshot_on_first_start_creates_demo_base_and_png(tmp_path, vostok_home) -> None:
    png = tmp_path / "main.png"
    result = _vostok("--screenshot", str(png), "--size", "1366x768", home=vostok_home)
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1366, 768)
    assert (vostok_home / "data" / "demo.vostok.sqlite").exists()
    settings = Settings.load()
    assert [b.name for b in settings.known_bases] == ["Демонстрационная база"]
    # Not a blank picture: the window drew text and frames.
    colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 29)}
    assert len(colours) > 5


def test_demo_data_and_db_upgrade_commands(tmp_path, vostok_home) -> None:
    base = tmp_path / "office.sqlite"
    upgraded = _vostok("db", "upgrade", "--base", str(base), home=vostok_home)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"версия {head_revision()}" in upgraded.stdout
    filled = _vostok("demo-data", "--clients", "120", "--base", str(base), home=vostok_home)
    assert filled.returncode == 0, filled.stderr
    again = _vostok("demo-data", "--clients", "120", "--base", str(base), home=vostok_home)
    assert again.returncode == 2
    assert "уже есть клиенты" in again.stderr.lower() or "уже" in again.stderr


def test_bad_base_address_is_named(vostok_home) -> None:
    result = _vostok("db", "upgrade", "--base", "mysql://x@y/z", home=vostok_home)
    assert result.returncode == 2
    assert "mysql" in result.stderr and "не поддерживается" in result.stderr


def test_version_names_the_program_qt_sqlalchemy_and_the_schema(vostok_home) -> None:
    import PySide6
    import sqlalchemy

    from vostok_desktop import __version__

    result = _vostok("--version", home=vostok_home, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.strip().splitlines())
    assert lines["Vostok Desktop"] == __version__
    assert lines["Qt"].startswith(PySide6.__version__.split(".")[0] + ".")
    assert lines["SQLAlchemy"] == sqlalchemy.__version__
    assert lines["Схема программы"] == head_revision()
    assert not (vostok_home / "data").exists()  # --version opens no base
