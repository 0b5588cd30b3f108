#!/usr/bin/env bash
# Build the one-folder bundle of Vostok Desktop with PyInstaller (dist/vostok: the
# program, Qt and its plugins, ui/, resources/, db/ and the built-in plugins), then
# smoke-test it: --version, and --screenshot on a fresh home (it creates the demo base),
# checking the PNG; prints the bundle's size and its cold start against the venv.
#   bash installer/build.sh            DIST=out WORK=/tmp/w bash installer/build.sh
# On Windows the same spec builds the folder that installer/vostok.iss packs.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-dist}
WORK=${WORK:-build/pyinstaller}
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
if [ -z "${VOSTOK_BUILD_NO_INSTALL:-}" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[bundle]"
fi
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" installer/vostok.spec
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} \
  .venv/bin/python installer/smoke_bundle.py "$DIST/vostok"
