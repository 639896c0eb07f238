"""The package list in ``pyproject.toml`` names every package of ``editor/``.

An editable install finds modules anyway, so a package missing from the list shows only
in a real (wheel) install, as an ``ImportError`` on a user's machine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "editor").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    mapped = set(config["tool"]["setuptools"]["package-dir"])
    assert listed - found - mapped == set(), "listed packages that do not exist"
