"""The values a site's entries already use for its select and tags fields.

A subject typed as "Digital media" beside "Digital Media" makes a new value; offering
the values in use keeps them one. Read from a bounded sample of files (their first
16 KB, where front matter sits) so opening a folder stays quick; values are sorted by
how often they occur, then alphabetically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from editor.content.safe_read import read_head
from editor.content.schema_model import Schema
from editor.content.site.seo_map import _front, _markdown_files

VALUE_KINDS = frozenset({"select", "multiselect", "tags"})
_SAMPLE = 200  # files: about 40 ms on the GUI thread when a folder opens
_READ = 16384


def value_fields(schemas: Iterable[Schema]) -> list[str]:
    """Dotted paths of the fields whose editors offer values in use."""
    paths: list[str] = []
    for schema in schemas:
        stack = list(schema.fields)
        while stack:
            f = stack.pop()
            if f.kind == "group":
                stack.extend(f.fields)
            elif f.kind in VALUE_KINDS and f.path not in paths:
                paths.append(f.path)
    return paths


def corpus_values(root: Path, paths: list[str], limit: int = _SAMPLE) -> dict[str, list[Any]]:
    """Per path, the scalar values (or list items) found in the first ``limit`` files."""
    counts: dict[str, Counter[str]] = {p: Counter() for p in paths}
    if not paths:
        return {}
    for count, file in enumerate(_markdown_files(root)):
        if count >= limit:
            break
        raw = read_head(file, _READ)  # a FIFO or device in the folder is skipped
        data = _front(raw.decode("utf-8", "replace")) if raw is not None else None
        if data is None:
            continue
        for path in paths:
            value: Any = data
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, str | int | float) and not isinstance(item, bool):
                    text = str(item).strip()
                    if text:
                        counts[path][text] += 1
    return {
        path: [v for v, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
        for path, c in counts.items()
    }
