"""Content schemas: which fields an entry type has, in which order, and how to edit them.

Schemas are YAML files (``resources/schemas/*.yaml``; a content folder may add or
override them in ``.glossary-editor/schemas/``), read here into the types of
:mod:`~editor.content.schema_model` (re-exported, so callers know this module alone);
:class:`SchemaRegistry` joins them with those a site's CMS configuration declares
(:mod:`editor.content.site`). The form is built from a schema, the writer puts new keys
where the schema order says, and the SEO rules find the SEO title/description through
the fields' ``seo_role``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import yaml

from editor.content.errors import ContentError, yaml_error
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_text
from editor.content.schema_model import (
    FIELD_KINDS,
    SCHEMA_KEY,
    Field,
    FieldKind,
    Schema,
    SeoRole,
    humanise,
    infer_field,
    key_text,
)
from editor.paths import resources_dir

__all__ = [
    "BUNDLED_LOADER",
    "FIELD_KINDS",
    "FOLDER_SCHEMAS",
    "SCHEMA_KEY",
    "Field",
    "FieldKind",
    "Schema",
    "SchemaRegistry",
    "SeoRole",
    "generic_schema",
    "infer_field",
    "key_text",
    "parse_schema",
]

FOLDER_SCHEMAS = Path(".glossary-editor") / "schemas"


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
        label=str(raw.get("label") or humanise(key)),
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
