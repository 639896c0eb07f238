"""Print the layout map of ``editor/`` for CONTRIBUTING.md: each module and what it holds.

    python tools/layout_map.py > /tmp/map.md   # then paste it under "Layout"

The line for a module is the first sentence of its docstring, so the map stays as true
as the docstrings; ``tests/test_contributing.py`` checks every module is named.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def summary(path: Path) -> str:
    """The first line of a module's docstring (empty if it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return first.split(". ")[0].rstrip(".")


def layout_map() -> str:
    lines: list[str] = []
    packages = sorted({p.parent for p in (ROOT / "editor").rglob("*.py")})
    for package in packages:
        rel = package.relative_to(ROOT).as_posix()
        init = package / "__init__.py"
        lines.append(f"\n**`{rel}/`** — {summary(init) if init.exists() else ''}\n")
        for module in sorted(package.glob("*.py")):
            if module.name == "__init__.py":
                continue
            lines.append(f"- `{module.name}` — {summary(module)}")
    return "\n".join(lines).strip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(layout_map())
