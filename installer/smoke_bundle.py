"""Smoke test of a built bundle (run by installer/build.sh): the bundle answers --version,
opens on a fresh home with the demo base and paints a real window; then its size and
cold start (median of three --screenshot runs on that base) against the venv's.
Exit status 1 names what failed."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOSTOK_HOME": str(home),
           "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def _painted(png: Path) -> str | None:
    """Why ``png`` is not a picture of the main window, or None."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    if image.isNull():
        return f"{png} не картинка"
    if (image.width(), image.height()) != (1366, 768):
        return f"снимок {image.width()}×{image.height()}, ждали 1366×768"
    colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 29)}
    return None if len(colours) > 5 else "снимок пустой: окно ничего не нарисовало"


def _cold_start_s(cmd: list[str], home: Path, png: Path) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = _run([*cmd, "--screenshot", str(png)], home)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"запуск не удался: {result.stderr.strip()[-500:]}")
    return statistics.median(times)


def main(bundle: Path) -> int:
    exe = bundle / ("vostok.exe" if sys.platform == "win32" else "vostok")
    if not exe.exists():
        print(f"smoke: нет {exe}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        home, png = Path(tmp) / "home", Path(tmp) / "main.png"
        version = _run([str(exe), "--version"], home)
        if version.returncode != 0 or "Vostok Desktop" not in version.stdout:
            print(f"smoke: --version не ответил: {version.stderr.strip()[-500:]}",
                  file=sys.stderr)
            return 1
        first = _run([str(exe), "--screenshot", str(png)], home)
        if first.returncode != 0:
            print(f"smoke: первый запуск не удался: {first.stderr.strip()[-800:]}",
                  file=sys.stderr)
            return 1
        if not (home / "data" / "demo.vostok.sqlite").exists():
            print("smoke: демонстрационная база не создана", file=sys.stderr)
            return 1
        problem = _painted(png)
        if problem:
            print(f"smoke: {problem}", file=sys.stderr)
            return 1
        bundle_s = _cold_start_s([str(exe)], home, png)
        venv_s = _cold_start_s([sys.executable, "-m", "vostok_desktop"], home, png)
    size_mb = sum(f.stat().st_size for f in bundle.rglob("*")
                  if f.is_file() and not f.is_symlink()) / 2**20
    print(f"smoke: OK · {version.stdout.splitlines()[0]}")
    print(f"bundle_size_mb {size_mb:.0f}")
    print(f"cold_start_bundle_s {bundle_s:.2f}")
    print(f"cold_start_venv_s {venv_s:.2f}")
    print(f"ratio_bundle_vs_venv {bundle_s / venv_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "vostok"))
