"""The package's layers and rooms: domain/ and services/ never import Qt (they must run
without a display), services/ keeps every module in an area package, and no two modules
import each other (counting imports inside functions and under TYPE_CHECKING)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vostok_desktop"
FORBIDDEN = ("PySide6", "pyqtgraph", "vostok_desktop.gui")


def _imports(path: Path) -> list[str]:
    """Every module name ``path`` imports, wherever the import statement stands."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_domain_and_services_do_not_import_qt() -> None:
    offenders = []
    for layer in ("domain", "services"):
        for path in (PACKAGE / layer).rglob("*.py"):
            offenders += [f"{path.name}: {n}" for n in _imports(path)
                          if n.startswith(FORBIDDEN)]
    assert offenders == []


def test_every_service_module_lives_in_an_area_package() -> None:
    loose = [p.name for p in (PACKAGE / "services").glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "put these in services/<area>/: " + ", ".join(loose)


def test_no_import_cycles() -> None:
    paths = [*PACKAGE.rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    modules = {_module_name(p): p for p in paths}
    graph = {
        name: {d for d in _imports(path) if d in modules and d != name
               and not name.startswith(d + ".")}  # a package's own __init__ is no cycle
        for name, path in modules.items()
    }
    cycles: set[tuple[str, ...]] = set()

    def walk(node: str, trail: list[str]) -> None:
        for dep in graph[node]:
            if dep in trail:
                cycle = trail[trail.index(dep):]
                start = cycle.index(min(cycle))
                cycles.add(tuple(cycle[start:] + cycle[:start]))
            elif dep not in done:
                walk(dep, [*trail, dep])
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            walk(name, [name])
    assert sorted(cycles) == []
