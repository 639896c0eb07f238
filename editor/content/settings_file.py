"""The folder's settings file, ``glossary-editor.yaml``: found and read in one place.

Each section (``seo``, ``render``, ``spell``, ``site``) is parsed by its own module; they
all read the file the same way: absent is "defaults", anything else unreadable is a
:class:`ContentError` naming the file, and a FIFO or a giant file never blocks the app.
"""

from __future__ import annotations

from pathlib import Path

from editor.content.errors import ContentError
from editor.content.safe_read import read_text

CONFIG_FILE = "glossary-editor.yaml"


def read_settings(folder: Path | None) -> tuple[str, Path] | None:
    """The settings file's text and path; None when there is no folder or no file."""
    if folder is None:
        return None
    path = folder / CONFIG_FILE
    try:
        return read_text(path), path  # regular, bounded: never blocks on a FIFO
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ContentError(f"cannot read the settings file: {exc}", path) from exc
