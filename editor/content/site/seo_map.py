"""Which keys hold a site's SEO title, description, keywords and keyphrase.

The glossary schemas keep them under ``seo.*``; Hugo and Jekyll sites use top-level
``title``, ``description`` (or ``summary``, ``excerpt``) and ``keywords``. The mapping
is decided once per folder, in this order: ``seo: fields:`` in ``glossary-editor.yaml``,
then the CMS configuration (a field with an SEO name, Front Matter's
``seoDescriptionField``), then the corpus (a sample of its files: which keys they use).
The SEO rules read it only where a schema declares no ``seo_role`` of its own, so the
per-file work is unchanged: the mapping is a few strings in the schema's rule plan.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from editor.content import fast_yaml
from editor.content.errors import ContentError
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_head
from editor.content.schema_model import Schema
from editor.content.seo.common import GLOSSARY_SEO_MAP

ROLES = ("title", "description", "keywords", "keyphrase", "slug", "h1")
GLOSSARY_MAP = GLOSSARY_SEO_MAP
_DESCRIPTION_KEYS = ("description", "summary", "excerpt", "meta_description")
_SAMPLE = 120  # files read to detect the mapping (a handful of ms)
_READ = 16384  # bytes of each: front matter sits at the top


def detect(
    root: Path, schemas: list[Schema], configured: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The mapping (role -> dotted key) and, per role, where it came from."""
    mapping: dict[str, str] = {}
    sources: dict[str, str] = {}
    for role, key in configured.items():
        mapping[role], sources[role] = key, "glossary-editor.yaml (seo.fields)"
    for schema in schemas:
        for role, key in _from_schema(schema).items():
            if role not in mapping:
                mapping[role], sources[role] = key, f"schema '{schema.name}' ({schema.description})"
    missing = [r for r in ROLES if r not in mapping]
    if not missing:  # the corpus is read only for what nothing else says
        return mapping, sources
    counts, files = _sample(root)
    seo_share = counts["seo.title"] + counts["seo.page_description"]
    where = f"corpus ({files} files sampled)"
    if files and seo_share >= files:  # most files keep an ``seo`` block: the glossary's way
        for role in missing:
            mapping[role], sources[role] = GLOSSARY_MAP[role], where
        return mapping, sources
    guessed = {
        "title": "title",
        "h1": "title",
        "description": max(_DESCRIPTION_KEYS, key=lambda k: (counts[k], k == "description")),
        "keywords": "keywords",
        "keyphrase": "focus_keyphrase",
        "slug": "slug" if counts["slug"] > counts["url"] else "url",
    }
    if files == 0:
        guessed = dict(GLOSSARY_MAP)
        where = "built-in default (no files found)"
    for role in missing:
        mapping[role], sources[role] = guessed[role], where
    return mapping, sources


def _from_schema(schema: Schema) -> dict[str, str]:
    """Roles a site schema's fields imply by their names (``seo.title``, ``description``)."""
    found: dict[str, str] = {}
    paths = {f.path for f in _walk(schema)}
    for f in _walk(schema):
        if f.seo_role:
            found.setdefault(f.seo_role, f.path)
    if "seo.title" in paths:
        found.setdefault("title", "seo.title")
    for key in ("seo.description", "seo.page_description", *_DESCRIPTION_KEYS):
        if key in paths:
            found.setdefault("description", key)
            break
    for key in ("seo.keywords", "seo.page_keywords", "keywords"):
        if key in paths:
            found.setdefault("keywords", key)
            break
    if "title" in paths:
        found.setdefault("h1", "title")
        found.setdefault("title", "title")
    return found


def _walk(schema: Schema) -> Iterator[Any]:
    stack = list(schema.fields)
    while stack:
        f = stack.pop(0)
        yield f
        if f.kind == "group":
            stack[:0] = list(f.fields)


def _sample(root: Path) -> tuple[Counter[str], int]:
    """Key counts over the first few Markdown files (walk order, hidden folders skipped)."""
    counts: Counter[str] = Counter()
    files = 0
    for path in _markdown_files(root):
        raw = read_head(path, _READ)  # a FIFO or device in the folder is skipped
        if raw is None:
            continue
        data = _front(raw.decode("utf-8", "replace"))
        if data is None:
            continue
        files += 1
        for key, value in data.items():
            if value in (None, "", []):
                continue
            counts[str(key)] += 1
            if isinstance(value, Mapping):
                counts.update(f"{key}.{k}" for k, v in value.items() if v not in (None, ""))
        if files >= _SAMPLE:
            break
    return counts, files


def _markdown_files(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(names):
            if name.endswith((".md", ".markdown")):
                yield Path(folder) / name


def _front(head: str) -> dict[str, Any] | None:
    head = head.removeprefix("\ufeff")
    if not head.startswith("---"):
        return None
    end = head.find("\n---", 3)
    if end < 0:
        return None
    # yaml-rs where it provably gives PyYAML's data (a fifth of the time: the sample was
    # most of ``SchemaRegistry.load``, which every check and every window open runs);
    # its line break kept, as it requires (only a last block scalar's own line break
    # could differ, and the sample looks at keys and emptiness only)
    data = fast_yaml.try_fast(head[3 : end + 1])
    if data is not None:
        return data
    try:  # bounded: a hostile file among the sampled ones is skipped, never followed
        data = load_bounded(head[3:end], yaml.CSafeLoader)
    except (yaml.YAMLError, ContentError):
        return None
    return data if isinstance(data, dict) else None
