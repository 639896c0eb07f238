"""Links between entries: what refers to an entry's URL, found as the replace engine finds.

An entry refers to another when the other's URL stands as a whole in any of its texts:
a ``related`` item, a ``related_articleN.url``, a Markdown link (``(/glossary/x)``,
``(/glossary/x#part)``) in a field or the body. :func:`reference_options` is the
pattern (shared with the slug rename, which rewrites exactly these).

The backlinks of an entry are the links the ``orphan`` rule counts
(``seo/link_rules.py``): a related field, or a Markdown link to a site path, pointing at
the entry's URL by :func:`~editor.content.seo.link_rules.link_key`. A bare mention of
the URL in prose is not one. :func:`backlink_options` finds the entries that may hold
one (a superset, through the index), :func:`link_fields` keeps those that do;
:func:`backlinks` runs both, and the window's Backlinks dock runs the same two off its
GUI thread, so the dock, ``orphan`` and ``link-moved`` agree on every link.
"""

from __future__ import annotations

import re
from pathlib import Path

from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import Corpus, EntryMatches, preview
from editor.content.schema import SchemaRegistry
from editor.content.seo.link_rules import entry_links, link_key

__all__ = ["backlink_options", "backlinks", "link_fields", "reference_options"]


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


def backlink_options(url: str) -> FindOptions | None:
    """What finds every entry that may link to ``url``: its key's path however the link
    spells the rest (``https://site/glossary/x/``, ``/glossary/x#part``, a related
    ``glossary/x``); None for a URL no link can point at (empty, the site's root).
    A superset: :func:`link_fields` decides."""
    path = link_key(url).strip("/")
    if not path:
        return None
    return FindOptions(rf"(?<![\w.-]){re.escape(path)}(?![\w-])", "", regex=True, case=True)


def link_fields(found: EntryMatches, folder: Path, url: str, registry: SchemaRegistry) -> list[str]:
    """The fields of ``found`` (``body`` for the body) holding a link to ``url``, in the
    entry's order without repeats; [] when it only mentions it."""
    key = link_key(url)
    rel = found.path.relative_to(folder).as_posix()
    schema = registry.for_data(found.data, rel)
    links = entry_links(found.data, found.body, schema, rel)
    return list(dict.fromkeys(field for field, to in links if link_key(to) == key))


def backlinks(
    folder: Path,
    path: Path,
    url: str,
    *,
    index: Corpus | None = None,
    registry: SchemaRegistry | None = None,
) -> list[tuple[Path, list[str]]]:
    """The other entries that link to ``url`` (the entry at ``path``), with the fields
    where each link stands, in path order: an entry is an orphan exactly when it has
    none."""
    options = backlink_options(url)
    if options is None:
        return []
    registry = registry if registry is not None else SchemaRegistry.load(folder)
    out = []
    for found in preview(folder, options, index=index).entries:
        if found.path != path and (fields := link_fields(found, folder, url, registry)):
            out.append((found.path, fields))
    return out
