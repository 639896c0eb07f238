"""Content schemas: which fields an entry type has, in which order, and how to edit them.

Schemas are YAML files (``resources/schemas/*.yaml``; a content folder may add or
override them in ``.glossary-editor/schemas/``). The form is built from a schema, the
writer puts new keys where the schema order says, and the SEO rules find the SEO
title/description through the fields' ``seo_role``. Keys no schema knows are never
dropped: :meth:`Schema.extra_fields` describes them so the form can show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from editor.content.errors import ContentError, yaml_error
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_text
from editor.paths import resources_dir

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
FOLDER_SCHEMAS = Path(".glossary-editor") / "schemas"


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


def _humanise(key: Any) -> str:
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
    return Field(key=key, path=path, label=_humanise(key), kind=kind, fields=children)


def _number_or_none(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int_or_none(raw: Mapping[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_field(raw: Mapping[str, Any], parent: str, where: Path) -> Field:
    if not isinstance(raw, Mapping) or "key" not in raw:
        raise ContentError(f"schema field needs a 'key': {raw!r}", where)
    key = str(raw["key"])
    kind = str(raw.get("kind", "line"))
    if kind not in FIELD_KINDS:
        raise ContentError(f"field {key!r}: unknown kind {kind!r}", where)
    path = f"{parent}.{key}" if parent else key
    # ``objects`` item fields are relative to an item, ``group`` children to the group.
    child_parent = "" if kind == "objects" else path
    children = tuple(_parse_field(c, child_parent, where) for c in raw.get("fields") or ())
    options = raw.get("options") or ()
    return Field(
        key=key,
        path=path,
        label=str(raw.get("label") or _humanise(key)),
        kind=cast(FieldKind, kind),
        required=bool(raw.get("required", False)),
        help=str(raw.get("help", "")),
        seo_role=cast(SeoRole, str(raw.get("seo_role", ""))),
        fields=children,
        item_label=str(raw.get("item_label", "")),
        options=tuple(options) if isinstance(options, list | tuple) else (),
        strict_options=bool(raw.get("strict_options", False)),
        corpus_options=bool(raw.get("corpus_options", False)),
        minimum=_number_or_none(raw, "min"),
        maximum=_number_or_none(raw, "max"),
        step=_number_or_none(raw, "step"),
        min_length=_int_or_none(raw, "min_length"),
        max_length=_int_or_none(raw, "max_length"),
        pattern=str(raw.get("pattern") or ""),
        pattern_message=str(raw.get("pattern_message") or ""),
        default=raw.get("default"),
        uploads=str(raw.get("uploads") or ""),
    )


def parse_schema(text: str, source: Path, loader: type[Any] = yaml.SafeLoader) -> Schema:
    """Build a schema from the text of a schema file (``loader``: see :data:`BUNDLED_LOADER`)."""
    try:
        raw = load_bounded(text, loader, source)
    except yaml.YAMLError as exc:
        raise yaml_error("schema", exc, source) from exc
    if not isinstance(raw, Mapping) or "name" not in raw:
        raise ContentError("schema must be a mapping with a 'name'", source)
    return Schema(
        name=str(raw["name"]),
        label=str(raw.get("label") or raw["name"]),
        description=str(raw.get("description", "")),
        fields=tuple(_parse_field(f, "", source) for f in raw.get("fields") or ()),
        title_key=str(raw.get("title_key", "title")),
        template=str(raw.get("template", "default.html.j2")),
        has_body=bool(raw.get("body", False)),
        source=source,
        url_pattern=str(raw.get("url_pattern", "")),
        title_fields=tuple(str(k) for k in raw.get("title_fields") or ()),
        new_body=str(raw.get("new_body", "")),
    )


# The app's own schema files are parsed with libyaml where PyYAML has it: every command
# and window loads them, and the pure-Python parser took 20-40 ms of a ~0.9 s warm
# check for their 4 KB (libyaml: 2-5 ms). They are fixed, known files, and a test proves both
# parsers give them the same data; a folder's own schema files keep the pure-Python
# parser, whose error messages show the line in question.
BUNDLED_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SchemaRegistry:
    """The bundled schemas, those a site's CMS configuration declares, and those of the
    app's own ``.glossary-editor/schemas/`` (which win on a name clash).

    ``site`` is what was read from the site's configuration (``site.SiteSetup``): the
    schemas per collection, the SEO mapping, the uploads folder, and every problem and
    not-yet-supported declaration, for the "Site setup" view and ``init``.
    """

    def __init__(
        self, schemas: Mapping[str, Schema], site: Any = None, own: Iterable[str] = ()
    ) -> None:
        self._schemas = dict(schemas)
        self._own = frozenset(own)
        self.site = site
        self._seo_map: tuple[tuple[str, str], ...] = site.seo_map if site is not None else ()
        self._root = str(site.root) if site is not None else ""

    @classmethod
    def load(cls, content_folder: Path | None = None) -> SchemaRegistry:
        schemas: dict[str, Schema] = {}
        own: list[str] = []
        site = None
        builtin = resources_dir() / "schemas"
        for path in sorted(builtin.glob("*.yaml")):
            schema = parse_schema(path.read_text(encoding="utf-8"), path, BUNDLED_LOADER)
            schemas[schema.name] = replace(schema, checks_required=False)
        if content_folder is not None:
            from editor.content.site import read_site

            site = read_site(content_folder)
            for schema in site.schemas:  # a built-in of the same name keeps its name
                schemas.setdefault(schema.name, schema)
            own_folder = content_folder / FOLDER_SCHEMAS
            if own_folder.is_dir():
                for path in sorted(own_folder.glob("*.yaml")):
                    schema = parse_schema(read_text(path), path)
                    schemas[schema.name] = schema
                    own.append(schema.name)
        return cls(schemas, site, own)

    @property
    def seo_map(self) -> tuple[tuple[str, str], ...]:
        """The site's SEO mapping (role -> key) used where a schema declares no role."""
        return self._seo_map

    def fingerprint_text(self) -> str:
        """What the index cache must also key on besides the schemas' fields."""
        return repr(self._seo_map) + (self.site.fingerprint_text() if self.site else "")

    def names(self) -> list[str]:
        return sorted(self._schemas)

    def get(self, name: str) -> Schema | None:
        return self._schemas.get(name)

    def __getitem__(self, name: str) -> Schema:
        return self._schemas[name]

    def for_file(self, data: Mapping[str, Any], path: Path) -> Schema:
        """:meth:`for_data` for a file given by its own path (absolute or relative)."""
        rel: str | None = None
        if self.site is not None and self.site.collections:
            try:
                rel = path.resolve().relative_to(self.site.root.resolve()).as_posix()
            except (ValueError, OSError):
                rel = None
        return self.for_data(data, rel)

    def for_data(self, data: Mapping[str, Any], path: str | Path | None = None) -> Schema:
        """The schema for an entry: the one its collection (by ``path``, relative to the
        folder) names ``_schema`` or uses by default, else the schema ``_schema`` names,
        else a generic one made from its keys (with the site's SEO mapping)."""
        name = data.get(SCHEMA_KEY)
        if path is not None and self.site is not None and self.site.collections:
            found = self.site.schema_for(str(path), name if isinstance(name, str) else None)
            if found is not None:
                # The app's own schema of that name wins over the site's.
                return self._schemas[found.name] if found.name in self._own else found
        if isinstance(name, str) and name in self._schemas:
            return self._schemas[name]
        return generic_schema(data, str(name) if name else "", self._seo_map, self._root)


def generic_schema(
    data: Mapping[str, Any],
    name: str = "",
    seo_map: tuple[tuple[str, str], ...] = (),
    site_root: str = "",
) -> Schema:
    """A schema for an entry whose ``_schema`` is unknown or absent: one field per key."""
    fields = tuple(infer_field(k, key_text(k), v) for k, v in data.items() if k != SCHEMA_KEY)
    label = f"{name} (unknown schema)" if name else "Untyped entry"
    title_key = "title" if "title" in data else ""
    return Schema(
        name=name or "generic",
        label=label,
        fields=fields,
        title_key=title_key,
        generic=True,
        seo_map=seo_map,
        site_root=site_root,
    )
