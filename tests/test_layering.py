"""domain/ and services/ never import Qt: they must run without a display."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vostok_desktop"
FORBIDDEN = ("PySide6", "pyqtgraph", "vostok_desktop.gui")


def test_domain_and_services_do_not_import_qt() -> None:
    offenders = []
    for layer in ("domain", "services"):
        for path in (PACKAGE / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []
