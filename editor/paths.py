"""Where bundled resources and the sample content live.

The repository keeps ``resources/`` and ``sample_content/`` at its top level (see
DESIGN.md). A checkout or an editable install finds them beside the package; a built
wheel carries them as the ``editor.resources`` and ``editor.sample_content`` packages
(mapped in ``pyproject.toml``), found through ``importlib.resources``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _locate(folder: str, package: str) -> Path:
    beside = _REPO_ROOT / folder
    if beside.is_dir():
        return beside
    return Path(str(files(package)))


def resources_dir() -> Path:
    """Folder holding schemas, templates, CSS, metrics and icons."""
    return _locate("resources", "editor.resources")


def sample_content_dir() -> Path:
    """The bundled sample glossary opened when no folder is given."""
    return _locate("sample_content", "editor.sample_content")
