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
