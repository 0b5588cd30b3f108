"""The Linux one-folder bundle builds and starts (installer/build.sh, PyInstaller): it
answers --version, creates the demo base on a fresh home and paints the main window
(the build script's smoke check), and nothing of the checkout is needed at run time."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_bundle_builds_starts_on_the_demo_base_and_paints(tmp_path: Path) -> None:
    assert importlib.util.find_spec("PyInstaller") is not None, \
        "PyInstaller is missing: pip install -e '.[test,bundle]' (as .ci/run does)"
    env = {**os.environ, "DIST": str(tmp_path / "dist"), "WORK": str(tmp_path / "work"),
           "VOSTOK_BUILD_NO_INSTALL": "1", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(["bash", str(ROOT / "installer" / "build.sh")], env=env,
                            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = dict(line.split(" ", 1) for line in result.stdout.splitlines()
                   if line.startswith(("bundle_size_mb", "cold_start", "ratio_")))
    assert "smoke: OK · Vostok Desktop:" in result.stdout
    assert float(figures["bundle_size_mb"]) > 50  # Qt, the program and its data travel
    bundle = tmp_path / "dist" / "vostok" / "_internal"
    for data in ("ui", "resources/icons", "resources/templates", "db/versions"):
        assert (bundle / data).is_dir(), f"{data} is not in the bundle"
