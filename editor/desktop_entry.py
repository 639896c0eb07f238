"""Desktop integration without Qt: the GUI entry point and the Linux menu entry.

``glossary-editor-gui`` is a ``[project.gui-scripts]`` entry point: on Windows pip
makes it a window-less launcher (``pythonw``), so opening the app shows no console;
elsewhere it is the same as ``glossary-editor``. ``python -m editor.desktop_entry``
puts the ``.desktop`` file and the icon where freedesktop menus look
(``$XDG_DATA_HOME/applications`` and ``icons/hicolor/scalable/apps``).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from editor.paths import resources_dir

DESKTOP_FILE = "glossary-editor.desktop"
ICON_FILE = "glossary-editor.svg"


def gui_main(argv: Sequence[str] | None = None) -> int:
    """The GUI launcher: the app (or a command, as ``glossary-editor`` takes them)."""
    from editor.cli import main

    return main(list(sys.argv[1:] if argv is None else argv))


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def install(data_dir: Path | None = None) -> list[Path]:
    """Copy the menu entry and the icon under ``data_dir``; returns what was written."""
    base = data_dir if data_dir is not None else data_home()
    targets = [
        (resources_dir() / "desktop" / DESKTOP_FILE, base / "applications" / DESKTOP_FILE),
        (
            resources_dir() / "icons" / ICON_FILE,
            base / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
        ),
    ]
    for source, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return [target for _, target in targets]


if __name__ == "__main__":
    for written in install():
        print(written)
