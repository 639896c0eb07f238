"""Content schemas as data: an entry type (:class:`Schema`) and its fields (:class:`Field`).

What the app's schema files (:mod:`editor.content.schema`) and a site's CMS
configuration (:mod:`editor.content.site`) are both read into, so neither reader needs
the other: the registry that joins them stands on both, and they on this alone. Keys no
schema knows are never dropped: :meth:`Schema.extra_fields` describes them (from their
values, :func:`infer_field`) so the form can show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

__all__ = [
    "FIELD_KINDS",
    "SCHEMA_KEY",
    "Field",
    "FieldKind",
    "Schema",
    "SeoRole",
    "humanise",
    "infer_field",
    "key_text",
]

FieldKind = Literal[
    "line",  # one line of text
    "text",  # several lines of plain text
    "markdown",  # several lines of Markdown
    "date",
    "number",
    "boolean",
    "objects",  # list of mappings, e.g. FAQ question/answer pairs
    "strings",  # list of strings
    "entries",  # list of references (URLs) to other entries
    "group",  # nested mapping, e.g. ``seo``
    # Typed inputs a site's CMS configuration declares (``editor/content/site/``):
    "select",  # one value from ``options`` (or from the values the corpus uses)
    "multiselect",  # a list of values from ``options``
    "tags",  # a free list of short strings, completed from the corpus
    "datetime",  # a date with a time of day
    "url",
    "color",  # ``#rrggbb``
    "image",  # a path to an image file, shown as a thumbnail
    "file",  # a path to any file
    "range",  # a number between ``minimum`` and ``maximum``, shown as a slider
    "other",  # declared by the site in a way the form cannot edit yet: shown, kept
]
FIELD_KINDS: frozenset[str] = frozenset(get_args(FieldKind))
SeoRole = Literal["title", "description", "keywords", "keyphrase", "slug", "h1", "lead", ""]

SCHEMA_KEY = "_schema"


@dataclass(frozen=True)
class Field:
    """One field of a schema; ``path`` is the dotted key from the top (``seo.title``).

    ``key`` is the mapping key exactly as in the data: a string for declared fields, but
    for a key found in a file any YAML scalar (``1:``, ``null:``, ``true:``,
    ``2024-01-01:`` are valid YAML that Jekyll builds), so the form finds and keeps
    the value under the very key it was read from; ``path`` spells it as YAML does.
    """

    key: Any
    path: str
    label: str
    kind: FieldKind
    required: bool = False
    help: str = ""
    seo_role: SeoRole = ""
    fields: tuple[Field, ...] = ()  # children of ``group`` / item fields of ``objects``
    item_label: str = ""  # for ``objects``: which child key labels an item
    # What a site's configuration declares about the value (validated live in the form
    # and by ``check``, see ``validation.py``): allowed values, limits, a pattern.
    options: tuple[Any, ...] = ()  # select / multiselect values (tags: suggestions)
    option_labels: tuple[str, ...] = ()  # shown instead of ``options`` where given
    strict_options: bool = False  # only ``options`` are allowed (no new values)
    corpus_options: bool = False  # offer the values other entries already use
    minimum: float | None = None  # number/range value, or list length for lists
    maximum: float | None = None
    step: float | None = None
    min_length: int | None = None  # text length in characters
    max_length: int | None = None
    pattern: str = ""  # a regular expression the whole text must match
    pattern_message: str = ""  # what to tell the editor when it does not
    default: Any = None  # value a new entry starts with (None: none declared)
    uploads: str = ""  # image/file: folder (relative to the site) new files go into
    source: str = ""  # the configuration that declared the field ("file:line"), for messages

    def child(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Schema:
    """An entry type: its ordered fields and how its page is rendered."""

    name: str
    label: str
    fields: tuple[Field, ...]
    title_key: str = "title"
    template: str = "default.html.j2"
    has_body: bool = False
    description: str = ""
    generic: bool = False
    source: Path | None = None
    # New entries: where the URL comes from ("{slug}" is replaced), which keys repeat the
    # term (the Q&A article repeats its title as article_title and question), and the
    # body a new file ends with (the real Q&A files end "---\n\n&nbsp;").
    url_pattern: str = ""
    title_fields: tuple[str, ...] = ()
    new_body: str = ""
    # The site's SEO mapping (role -> dotted key) for roles no field declares: Hugo's
    # top-level ``description``, say (see ``site/seo_map.py``).
    seo_map: tuple[tuple[str, str], ...] = ()
    # Content folder the site's paths (images, uploads) are relative to; "" when unknown.
    site_root: str = field(default="", compare=False)
    # Collections (folders relative to the site) this schema is the default for.
    paths: tuple[str, ...] = ()
    # Whether ``check`` reports empty required fields (``field-required``). The built-in
    # schemas only mark them in the form (their SEO rules cover what must be there), so
    # a corpus's findings do not change; a site's or the folder's own schemas report them.
    checks_required: bool = True
    _by_path: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    # What other modules derive from this schema and keep for its lifetime (the SEO rules'
    # field plan): the schema's own cached properties, without the schema knowing them.
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        def walk(fields: Iterable[Field]) -> None:
            for f in fields:
                self._by_path[f.path] = f
                if f.kind == "group":
                    walk(f.fields)

        walk(self.fields)

    def key_order(self) -> list[str]:
        """Top-level keys in the order new keys are placed in a file, as text (a key
        YAML reads as a number or a date is named as written: the writer's order is text)."""
        return [SCHEMA_KEY, *(f.path for f in self.fields)]

    def field(self, path: str) -> Field | None:
        """The field at a dotted path (``seo.title``), or None."""
        return self._by_path.get(path)

    def seo_field(self, role: SeoRole) -> Field | None:
        return next((f for f in self._by_path.values() if f.seo_role == role), None)

    def extra_fields(self, data: Mapping[str, Any]) -> tuple[Field, ...]:
        """Fields for keys in ``data`` that this schema does not list ("Other fields")."""
        known = {f.key for f in self.fields} | {SCHEMA_KEY}
        extras = [infer_field(k, key_text(k), v) for k, v in data.items() if k not in known]
        nested = _unknown_inside(self.fields, data, "")
        return tuple(extras + nested)


def _unknown_inside(fields: Sequence[Field], data: Mapping[str, Any], prefix: str) -> list[Field]:
    """Keys inside a declared group that the group does not list (``seo.og_image``),
    as a group of the same name holding only those keys, so "Other fields" shows them
    where they live."""
    found: list[Field] = []
    for f in fields:
        value = data.get(f.key)
        if f.kind != "group" or not isinstance(value, Mapping):
            continue
        path = f"{prefix}{f.key}"
        names = {c.key for c in f.fields}
        children = [
            infer_field(k, f"{path}.{key_text(k)}", v) for k, v in value.items() if k not in names
        ]
        children += _unknown_inside(f.fields, value, f"{path}.")
        if children:
            found.append(
                Field(key=f.key, path=path, label=f.label, kind="group", fields=tuple(children))
            )
    return found


def key_text(key: Any) -> str:
    """A mapping key as YAML writes it: ``null``, ``true``, ``2024-01-01``, ``1``."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return "null" if key is None else str(key).lower()
    if isinstance(key, dt.date):
        return key.isoformat()
    return str(key)


def humanise(key: Any) -> str:
    """A key as a field's label: ``page_keywords`` -> "Page keywords"."""
    if not isinstance(key, str):
        return key_text(key)  # ``1``, ``null``: shown as written, not made into words
    return key.replace("_", " ").strip().capitalize() or key


def infer_field(key: Any, path: str, value: Any) -> Field:
    """Describe a value no schema declares, from its type, so it can be shown and kept."""
    kind: FieldKind
    children: tuple[Field, ...] = ()
    if isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, int | float):
        kind = "number"
    elif isinstance(value, dt.date):
        kind = "date"
    elif isinstance(value, Mapping):
        kind = "group"
        children = tuple(infer_field(k, f"{path}.{key_text(k)}", v) for k, v in value.items())
    elif isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            kind = "objects"
            keys: dict[Any, Any] = {}
            for item in value:
                for k, v in item.items():
                    keys.setdefault(k, v)
            children = tuple(infer_field(k, key_text(k), v) for k, v in keys.items())
        else:
            kind = "strings"
    elif isinstance(value, str) and ("\n" in value or len(value) > 80):
        kind = "text"
    else:
        kind = "line"
    return Field(key=key, path=path, label=humanise(key), kind=kind, fields=children)
