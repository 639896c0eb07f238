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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from editor.content.errors import ContentError, yaml_error
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
]
FIELD_KINDS: frozenset[str] = frozenset(get_args(FieldKind))
SeoRole = Literal["title", "description", "keywords", "keyphrase", "slug", "h1", "lead", ""]

SCHEMA_KEY = "_schema"
FOLDER_SCHEMAS = Path(".glossary-editor") / "schemas"


@dataclass(frozen=True)
class Field:
    """One field of a schema; ``path`` is the dotted key from the top (``seo.title``)."""

    key: str
    path: str
    label: str
    kind: FieldKind
    required: bool = False
    help: str = ""
    seo_role: SeoRole = ""
    fields: tuple[Field, ...] = ()  # children of ``group`` / item fields of ``objects``
    item_label: str = ""  # for ``objects``: which child key labels an item

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
    _by_path: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        def walk(fields: Iterable[Field]) -> None:
            for f in fields:
                self._by_path[f.path] = f
                if f.kind == "group":
                    walk(f.fields)

        walk(self.fields)

    def key_order(self) -> list[str]:
        """Top-level keys in the order new keys are placed in a file."""
        return [SCHEMA_KEY, *(f.key for f in self.fields)]

    def field(self, path: str) -> Field | None:
        """The field at a dotted path (``seo.title``), or None."""
        return self._by_path.get(path)

    def seo_field(self, role: SeoRole) -> Field | None:
        return next((f for f in self._by_path.values() if f.seo_role == role), None)

    def extra_fields(self, data: Mapping[str, Any]) -> tuple[Field, ...]:
        """Fields for keys in ``data`` that this schema does not list ("Other fields")."""
        known = {f.key for f in self.fields} | {SCHEMA_KEY}
        extras = [infer_field(k, k, v) for k, v in data.items() if k not in known]
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
            infer_field(str(k), f"{path}.{k}", v) for k, v in value.items() if k not in names
        ]
        children += _unknown_inside(f.fields, value, f"{path}.")
        if children:
            found.append(
                Field(key=f.key, path=path, label=f.label, kind="group", fields=tuple(children))
            )
    return found


def _humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or key


def infer_field(key: str, path: str, value: Any) -> Field:
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
        children = tuple(infer_field(str(k), f"{path}.{k}", v) for k, v in value.items())
    elif isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            kind = "objects"
            keys: dict[str, Any] = {}
            for item in value:
                for k, v in item.items():
                    keys.setdefault(str(k), v)
            children = tuple(infer_field(k, k, v) for k, v in keys.items())
        else:
            kind = "strings"
    elif isinstance(value, str) and ("\n" in value or len(value) > 80):
        kind = "text"
    else:
        kind = "line"
    return Field(key=key, path=path, label=_humanise(key), kind=kind, fields=children)


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
    )


def parse_schema(text: str, source: Path) -> Schema:
    """Build a schema from the text of a schema file."""
    try:
        raw = yaml.safe_load(text)
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


class SchemaRegistry:
    """The bundled schemas, plus those of a content folder (which win on a name clash)."""

    def __init__(self, schemas: Mapping[str, Schema]) -> None:
        self._schemas = dict(schemas)

    @classmethod
    def load(cls, content_folder: Path | None = None) -> SchemaRegistry:
        schemas: dict[str, Schema] = {}
        folders = [resources_dir() / "schemas"]
        if content_folder is not None:
            folders.append(content_folder / FOLDER_SCHEMAS)
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.yaml")):
                schema = parse_schema(path.read_text(encoding="utf-8"), path)
                schemas[schema.name] = schema
        return cls(schemas)

    def names(self) -> list[str]:
        return sorted(self._schemas)

    def get(self, name: str) -> Schema | None:
        return self._schemas.get(name)

    def __getitem__(self, name: str) -> Schema:
        return self._schemas[name]

    def for_data(self, data: Mapping[str, Any]) -> Schema:
        """The schema ``data['_schema']`` names, or a generic one made from its keys."""
        name = data.get(SCHEMA_KEY)
        if isinstance(name, str) and name in self._schemas:
            return self._schemas[name]
        return generic_schema(data, str(name) if name else "")


def generic_schema(data: Mapping[str, Any], name: str = "") -> Schema:
    """A schema for an entry whose ``_schema`` is unknown or absent: one field per key."""
    fields = tuple(infer_field(str(k), str(k), v) for k, v in data.items() if k != SCHEMA_KEY)
    label = f"{name} (unknown schema)" if name else "Untyped entry"
    title_key = "title" if "title" in data else ""
    return Schema(
        name=name or "generic", label=label, fields=fields, title_key=title_key, generic=True
    )
