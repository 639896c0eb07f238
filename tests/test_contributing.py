"""CONTRIBUTING.md's layout map names every module of ``editor/`` under its package.

``tools/layout_map.py`` prints the map from the modules' docstrings; this test fails when
a module is added, moved or removed without the map following.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^\*\*`(editor[^`]*)/`\*\*", re.MULTILINE)
ITEM = re.compile(r"^- `([^`]+\.py)` — ", re.MULTILINE)


def documented() -> set[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    found: set[str] = set()
    headings = list(HEADING.finditer(text))
    for n, heading in enumerate(headings):
        end = headings[n + 1].start() if n + 1 < len(headings) else len(text)
        for item in ITEM.finditer(text, heading.end(), end):
            found.add(f"{heading.group(1)}/{item.group(1)}")
    return found


def test_the_layout_map_names_every_module_where_it_lives() -> None:
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "editor").rglob("*.py")
        if p.name != "__init__.py"
    }
    listed = documented()
    assert modules - listed == set(), "missing from CONTRIBUTING.md (tools/layout_map.py)"
    assert listed - modules == set(), "in CONTRIBUTING.md but not in the code"
