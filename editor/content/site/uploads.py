"""Copying a picked image or file into the site's uploads folder.

The copy gets a slugged name (``My Photo (1).PNG`` -> ``my-photo-1.png``), never
replaces a file already there (``-2``, ``-3``... are tried; an identical file is reused),
and the value written into the entry is the path the site serves it under: the uploads
folder without the static folder in front (Hugo serves ``static/images/x.png`` as
``/images/x.png``).
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from editor.content.errors import WriteError
from editor.content.new_entry import slugify
from editor.content.validation import media_candidates

_STATIC_DIRS = ("static", "public")


def slugged_name(name: str) -> str:
    """``My Photo (1).PNG`` -> ``my-photo-1.png`` (``file`` when nothing is left)."""
    path = Path(name)
    stem = slugify(path.stem) or "file"
    suffix = "".join(ch for ch in path.suffix.lower() if ch.isalnum() or ch == ".")
    return stem + suffix


def public_path(uploads: str, name: str) -> str:
    """The site path a file in ``uploads`` is served at."""
    parts = [p for p in uploads.strip("/").split("/") if p]
    if parts and parts[0] in _STATIC_DIRS:
        parts = parts[1:]
    return "/" + "/".join([*parts, name])


def copy_into_uploads(root: Path, uploads: str, source: Path) -> str:
    """Copy ``source`` into ``root/uploads`` under a slugged name; the value to store."""
    folder = root / uploads
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = slugged_name(source.name)
        stem, suffix = Path(name).stem, Path(name).suffix
        target = folder / name
        counter = 2
        while target.exists():
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                return public_path(uploads, target.name)  # the same file is there already
            target = folder / f"{stem}-{counter}{suffix}"
            counter += 1
        shutil.copyfile(source, target)
    except OSError as exc:
        raise WriteError(f"cannot copy {source.name} into {uploads}: {exc}", source) from exc
    return public_path(uploads, target.name)


def local_file(root: str, value: str, uploads: str = "") -> Path | None:
    """The file an image/file value names in the site, if it is there."""
    return next((p for p in media_candidates(root, value, uploads) if p.is_file()), None)
