"""Links between entries: what refers to an entry's URL, found as the replace engine finds.

An entry refers to another when the other's URL stands as a whole in any of its texts:
a ``related`` item, a ``related_articleN.url``, a Markdown link (``(/glossary/x)``,
``(/glossary/x#part)``) in a field or the body. :func:`reference_options` is the
pattern (shared with the slug rename, which rewrites exactly these); :func:`backlinks`
lists the entries holding one, each with the fields where it stands.
"""

from __future__ import annotations

import re
from pathlib import Path

from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import Corpus, preview
from editor.content.bulk.scope import BODY

__all__ = ["backlinks", "reference_options"]


def reference_options(url: str, replacement: str = "") -> FindOptions:
    """Find ``url`` as a whole (not inside a longer slug, nor after a domain), with or
    without a trailing slash; ``replacement`` (a URL) for a rename."""
    base = url.rstrip("/")
    return FindOptions(
        rf"(?<![\w/.-]){re.escape(base)}(?![\w-])",
        replacement.rstrip("/").replace("\\", "\\\\"),
        regex=True,
        case=True,
    )


def backlinks(
    folder: Path, path: Path, url: str, *, index: Corpus | None = None
) -> list[tuple[Path, list[str]]]:
    """The other entries that refer to ``url`` (the entry at ``path``), with the fields
    where each reference stands (``body`` for the body), in path order."""
    if not url.strip("/"):
        return []
    result = preview(folder, reference_options(url), index=index)
    out = []
    for found in result.entries:
        if found.path == path:
            continue
        fields = list(dict.fromkeys(BODY if m.in_body else m.field for m in found.matches))
        out.append((found.path, fields))
    return out
