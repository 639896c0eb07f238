"""Links between entries: what refers to an entry's URL, found as the replace engine finds.

An entry refers to another when the other's URL stands as a whole in any of its texts:
a ``related`` item, a ``related_articleN.url``, a Markdown link (``(/glossary/x)``,
``(/glossary/x#part)``) in a field or the body. :func:`reference_options` is the
pattern (shared with the slug rename, which rewrites exactly these); :func:`backlinks`
lists the entries linking to one (the links the ``orphan`` rule counts), each with the
fields where the link stands.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import Corpus, preview
from editor.content.schema import SchemaRegistry
from editor.content.seo.link_rules import entry_links, link_key

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
    """The other entries that link to ``url`` (the entry at ``path``), with the fields
    where each link stands (``body`` for the body), in path order.

    A link is what the ``orphan`` rule counts (``seo/link_rules.py``: a related field or
    a Markdown link to the site path, in any case): the entries holding the URL as a
    whole are found as a rename finds them, then only those whose links point at it are
    kept, so an entry is an orphan exactly when it has no backlinks."""
    key = link_key(url)
    if not key.strip("/"):
        return []
    result = preview(folder, replace(reference_options(url), case=False), index=index)
    registry = SchemaRegistry.load(folder)
    out = []
    for found in result.entries:
        if found.path == path:
            continue
        rel = found.path.relative_to(folder).as_posix()
        schema = registry.for_data(found.data, rel)
        links = entry_links(found.data, found.body, schema, rel)
        fields = list(dict.fromkeys(field for field, to in links if link_key(to) == key))
        if fields:
            out.append((found.path, fields))
    return out
