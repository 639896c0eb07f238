"""Decap CMS (formerly Netlify CMS): ``config.yml`` / ``admin/config.yml`` collections.

Each folder collection becomes a schema named after the collection, used for every file
in its folder. Decap fields are required unless ``required: false``; ``pattern`` is a
``[regex, message]`` pair; a ``body`` field is the Markdown after the front matter, not
a key. ``media_folder`` is the uploads folder, ``public_folder`` the URL it is served at.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from editor.content.errors import ContentError
from editor.content.safe_read import MAX_CONTENT_BYTES, read_head
from editor.content.schema_model import Field, FieldKind, Schema
from editor.content.site.config_yaml import line_of, read_config
from editor.content.site.model import Collection, SiteSetup, clean_folder, humanise, make_field

CONFIG_PATHS = (
    "admin/config.yml",
    "static/admin/config.yml",
    "public/admin/config.yml",
    "config.yml",
)
WIDGET_KINDS: dict[str, FieldKind] = {
    "string": "line", "text": "text", "markdown": "markdown", "boolean": "boolean",
    "number": "number", "datetime": "datetime", "date": "date", "select": "select",
    "list": "strings", "object": "group", "image": "image", "file": "file",
    "color": "color", "code": "text", "relation": "other", "hidden": "other", "map": "other",
}  # fmt: skip
_APPROXIMATE = {"code": "edited as plain text", "relation": "shown and kept, not editable yet",
                "map": "shown and kept, not editable yet",
                "hidden": "shown, not editable (Decap hides it)"}  # fmt: skip


def find_config(root: Path) -> Path | None:
    for rel in CONFIG_PATHS:
        path = root / rel
        # a bare config.yml is Decap's only when it has collections (Hugo, Jekyll and
        # others use the name too)
        if path.is_file() and (rel != "config.yml" or _mentions_collections(path)):
            return path
    return None


def _mentions_collections(path: Path) -> bool:
    raw = read_head(path, MAX_CONTENT_BYTES)
    return raw is not None and b"collections:" in raw


def read(root: Path, setup: SiteSetup) -> bool:
    """Fill ``setup`` from the Decap configuration; False when the site has none."""
    path = find_config(root)
    if path is None:
        return False
    setup.kind = "decap"
    setup.configs.append(setup.rel(path))
    try:
        config = read_config(path, "Decap CMS configuration")
    except ContentError as err:
        setup.add_error(err)
        return True
    if not isinstance(config, Mapping):
        setup.problem("the Decap configuration must be a mapping", path, 1)
        return True
    setup.uploads = clean_folder(str(config.get("media_folder") or "static/uploads"))
    public = str(config.get("public_folder") or "")
    setup.public_uploads = "/" + clean_folder(public) if public else ""
    if public and setup.uploads.endswith(clean_folder(public)):
        static = setup.uploads[: -len(clean_folder(public))].rstrip("/")
        setup.static_dirs = (static,) if static else ()
    for raw in config.get("collections") or ():
        if not isinstance(raw, Mapping) or not raw.get("name"):
            setup.problem("a collection needs a 'name'", path, line_of(raw))
            continue
        name = str(raw["name"])
        if "files" in raw and "folder" not in raw:
            setup.note(path, line_of(raw), f"file collection '{name}'",
                       "its files open with the built-in schemas")  # fmt: skip
            continue
        raw_fields = [f for f in raw.get("fields") or () if isinstance(f, Mapping)]
        has_body = any(f.get("name") == "body" for f in raw_fields)
        fields = _fields([f for f in raw_fields if f.get("name") != "body"], "", path, setup)
        title_key = str(raw.get("identifier_field") or "title")
        schema = Schema(
            name=name,
            label=str(raw.get("label_singular") or raw.get("label") or humanise(name)),
            description=f"Decap collection '{name}'",
            fields=fields,
            title_key=title_key if any(f.key == title_key for f in fields) else "",
            has_body=has_body,
            source=path,
            site_root=str(root),
            paths=(name,),
        )
        setup.collections.append(
            Collection(
                name=name,
                folder=clean_folder(str(raw.get("folder") or "")),
                schemas={name: schema},
                default=name,
                type_key="",
                source=f"{setup.rel(path)}:{line_of(raw) or ''}",
            )
        )
    return True


def _fields(raws: list[Any], parent: str, path: Path, setup: SiteSetup) -> tuple[Field, ...]:
    out: list[Field] = []
    for raw in raws:
        if not isinstance(raw, Mapping) or not raw.get("name"):
            setup.problem("a field needs a 'name'", path, line_of(raw))
            continue
        key = str(raw["name"])
        widget = str(raw.get("widget") or "string")
        where = line_of(raw, "widget") or line_of(raw)
        kind = WIDGET_KINDS.get(widget)
        if kind is None:
            setup.problem(
                f"field '{key}': unknown widget {widget!r} (known: "
                f"{', '.join(sorted(WIDGET_KINDS))}); the value is shown and kept as it is",
                path, where)  # fmt: skip
            kind = "other"
        elif widget in _APPROXIMATE:
            setup.note(path, where, f"widget '{widget}' of '{key}'", _APPROXIMATE[widget])
        attrs: dict[str, Any] = {
            "label": str(raw.get("label") or humanise(key)),
            "help": str(raw.get("hint") or ""),
            "required": bool(raw.get("required", True)) and widget not in ("boolean", "hidden"),
            "source": f"{setup.rel(path)}:{line_of(raw) or ''}",
        }
        if raw.get("default") not in (None, ""):
            attrs["default"] = raw["default"]
        pattern = raw.get("pattern")
        if isinstance(pattern, list) and pattern:
            attrs["pattern"] = str(pattern[0])
            attrs["pattern_message"] = str(pattern[1]) if len(pattern) > 1 else ""
        for ours, theirs in (("minimum", "min"), ("maximum", "max"), ("step", "step")):
            value = raw.get(theirs)
            if isinstance(value, int | float) and not isinstance(value, bool):
                attrs[ours] = float(value)
        if kind == "datetime" and raw.get("time_format") is False:
            kind = "date"
        if kind == "select":
            values, labels = [], []
            for option in raw.get("options") or ():
                if isinstance(option, Mapping):
                    values.append(option.get("value"))
                    labels.append(str(option.get("label", option.get("value"))))
                else:
                    values.append(option)
                    labels.append(str(option))
            attrs.update(options=tuple(values), option_labels=tuple(labels), strict_options=True)
            if raw.get("multiple"):
                kind = "multiselect"
        if kind in ("image", "file"):
            attrs["uploads"] = clean_folder(str(raw.get("media_folder") or setup.uploads))
        children: tuple[Field, ...] = ()
        here = f"{parent}.{key}" if parent else key
        if kind == "group":
            children = _fields(list(raw.get("fields") or ()), here, path, setup)
        elif kind == "strings":
            item_fields = raw.get("fields") or ([raw["field"]] if raw.get("field") else [])
            if item_fields:
                kind = "objects"
                children = _fields(list(item_fields), "", path, setup)
            else:
                kind = "tags"
        out.append(make_field(key, parent, kind, fields=children, **attrs))
    return tuple(out)
