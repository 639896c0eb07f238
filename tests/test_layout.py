"""The package layout holds: no import circles among the editor's modules, no Qt in content.

Every ``import`` counts, also those inside functions (a deferred import hides a circle
from the interpreter but not from a reader).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "editor"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> Iterator[str]:
    """The editor modules ``path`` imports (``from pkg import mod`` names the module)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in known else node.module for name in names]
        else:
            continue
        yield from (name for name in names if name in known)


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in EDITOR.rglob("*.py")}
    known = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        # A module importing its own package's ``__init__`` is not a circle.
        graph[name] = {dep for dep in imported_modules(path, known) if dep != package}
    return graph


@pytest.mark.parametrize(
    "package",
    [
        "editor.ui.form",
        "editor.ui.entries",
        "editor.ui.report",
        "editor.ui.window",
        "editor.content.writer",
    ],
)
def test_no_import_circle_inside_a_package(package: str) -> None:
    graph = {
        name: {dep for dep in deps if dep.startswith(package + ".")}
        for name, deps in import_graph().items()
        if name.startswith(package + ".")
    }
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The import circles of ``graph``: its strongly connected parts of two or more."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(name: str) -> None:  # Tarjan's algorithm
        index[name] = low[name] = len(index)
        stack.append(name)
        for dep in graph.get(name, ()):
            if dep not in index:
                visit(dep)
                low[name] = min(low[name], low[dep])
            elif dep in stack:
                low[name] = min(low[name], index[dep])
        if low[name] == index[name]:
            part = {stack.pop()}
            while name not in part:
                part.add(stack.pop())
            if len(part) > 1:
                found.append(part)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_no_import_circle_among_the_content_modules() -> None:
    """Across all of ``editor.content`` (packages and top-level modules together), e.g.
    the index cache and the index's records both stand on ``index/rows.py`` and neither
    imports the other's module back; the schema registry and the site's CMS readers both
    stand on ``schema_model.py`` (the registry reads the site, the site builds schemas)."""
    graph = {
        name: {dep for dep in deps if dep.startswith("editor.content.")}
        for name, deps in import_graph().items()
        if name.startswith("editor.content.")
    }
    found = circles(graph)
    assert found == [], " ; ".join(" <-> ".join(sorted(part)) for part in found)


def test_circles_finds_a_circle_through_two_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [{"a", "b", "c"}]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_content_imports_no_qt() -> None:
    for path in (EDITOR / "content").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.startswith(("PySide6", "editor.ui")) for n in names), path


# The modules split out of bigger ones (the SEO rules, the writer, search and git).
SPLIT_MODULES = [
    "content/seo/**/*.py",
    "content/writer/*.py",
    "content/search*.py",
    "content/git_*.py",
]


@pytest.mark.parametrize("pattern", SPLIT_MODULES)
def test_no_module_imports_another_modules_private_names(pattern: str) -> None:
    """Helpers two modules share are public in one of them, not ``_private`` in either."""
    offenders = []
    for path in EDITOR.glob(pattern):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and node.module.startswith("editor."):
                    offenders.append(f"{path.relative_to(ROOT)}: {node.module} {private}")
    assert offenders == []


QT_FREE = [
    "editor.ui.entries.list_rows",
    "editor.ui.memory",
    "editor.ui.report.findings_rows",
    "editor.ui.word_query",
]


@pytest.mark.parametrize("module", QT_FREE)
def test_list_and_report_logic_runs_without_qt(module: str) -> None:
    """The rows, sorting, searching and filtering behind the Qt models import no Qt, so
    they run in any thread and in tests without a display."""
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
