"""Find the top-level folders (ui/, resources/, db/, plugins/) and the user's folders.

A checkout (or an editable install) has them beside the package; a wheel installs
them under ``<prefix>/share/vostok-desktop``; a PyInstaller bundle under ``_MEIPASS``.
Nobody edits ``sys.path``.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import platformdirs

from vostok_desktop import APP_ID

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def project_root() -> Path:
    """The folder that holds ui/, resources/ and db/."""
    candidates = [_PACKAGE_DIR.parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle))
    candidates.append(Path(sys.prefix) / "share" / APP_ID)
    for candidate in candidates:
        if (candidate / "db" / "alembic.ini").is_file():
            return candidate
    raise FileNotFoundError(
        "Не найдены файлы программы (db/alembic.ini): установка повреждена. "
        f"Искали в: {', '.join(str(c) for c in candidates)}"
    )


def ui_dir() -> Path:
    return project_root() / "ui"


def resources_dir() -> Path:
    return project_root() / "resources"


def db_dir() -> Path:
    return project_root() / "db"


def _home_override() -> Path | None:
    # VOSTOK_HOME puts settings and data in one folder: used by tests and portable installs.
    value = os.environ.get("VOSTOK_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    home = _home_override()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    home = _home_override()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_base_path() -> Path:
    return data_dir() / "demo.vostok.sqlite"
