"""A folder that cannot be listed, as one without read permission is, even as root."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


def refuse_listing(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """``os.scandir`` of ``refused`` fails as a folder without read permission does (as
    root, ``chmod`` would not stop the listing)."""
    real = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
