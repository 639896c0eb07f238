"""Front Matter CMS: ``frontmatter.json`` content types and their fields.

``frontMatter.taxonomy.contentTypes`` lists the types; a file's ``type`` key names its
type (``default`` otherwise); ``frontMatter.content.pageFolders`` says which folders hold
content; ``frontMatter.content.publicFolder`` is the uploads folder; the tags and
categories lists offer their values; ``frontMatter.taxonomy.seoDescriptionField`` names
the description the SEO rules check.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from editor.content.errors import ContentError
from editor.content.schema_model import Field, FieldKind, Schema
from editor.content.site.config_yaml import line_of, read_config
from editor.content.site.model import Collection, SiteSetup, clean_folder, humanise, make_field

CONFIG_NAME = "frontmatter.json"
FIELD_KINDS: dict[str, FieldKind] = {
    "string": "line", "number": "number", "datetime": "datetime", "boolean": "boolean",
    "draft": "boolean", "image": "image", "file": "file", "choice": "select",
    "tags": "tags", "categories": "tags", "taxonomy": "tags", "fields": "group",
    "block": "objects", "list": "strings", "slug": "line", "uniqueId": "line",
    "json": "other", "dataFile": "other", "contentRelationship": "other",
    "customField": "other",
}  # fmt: skip
_LAYOUT_ONLY = ("divider", "heading")


def read(root: Path, setup: SiteSetup) -> bool:
    """Fill ``setup`` from ``frontmatter.json``; False when the site has none."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return False
    setup.kind = "frontmatter"
    setup.configs.append(CONFIG_NAME)
    try:
        config = read_config(path, "Front Matter CMS configuration")
    except ContentError as err:
        setup.add_error(err)
        return True
    if not isinstance(config, Mapping):
        setup.problem("frontmatter.json must be an object of settings", path, 1)
        return True
    public = config.get("frontMatter.content.publicFolder")
    if isinstance(public, Mapping):
        public = public.get("path")
    setup.uploads = clean_folder(str(public or "static"))
    setup.static_dirs = (setup.uploads,)
    setup.public_uploads = "/"
    seo_field = config.get("frontMatter.taxonomy.seoDescriptionField")
    if isinstance(seo_field, str) and seo_field:
        setup.seo_sources["description"] = f"{CONFIG_NAME}: seoDescriptionField"
        setup.seo_map = (("description", seo_field),)
    taxonomy = {
        "tags": tuple(config.get("frontMatter.taxonomy.tags") or ()),
        "categories": tuple(config.get("frontMatter.taxonomy.categories") or ()),
    }
    schemas: dict[str, Schema] = {}
    for raw in config.get("frontMatter.taxonomy.contentTypes") or ():
        if not isinstance(raw, Mapping) or not raw.get("name"):
            setup.problem("a content type needs a 'name'", path, line_of(raw))
            continue
        name = str(raw["name"])
        fields = _fields(raw.get("fields") or (), "", path, setup, taxonomy)
        title_field = next((f.key for f in fields if f.key == "title" or f.seo_role == "h1"), "")
        schemas[name] = Schema(
            name=name,
            label=f"{humanise(name)} (Front Matter CMS)",
            description=f"Front Matter CMS content type '{name}'",
            fields=fields,
            title_key=title_field,
            has_body=True,
            source=path,
            site_root=str(root),
            paths=(name,),
        )
    folders = [
        f for f in config.get("frontMatter.content.pageFolders") or () if isinstance(f, Mapping)
    ]
    if not folders:
        folders = [{"path": "", "title": "content"}]
    for folder in folders:
        rel = str(folder.get("path") or "").replace("[[workspace]]", "")
        allowed = [str(t) for t in folder.get("contentTypes") or () if str(t) in schemas]
        own = {n: schemas[n] for n in allowed} if allowed else dict(schemas)
        if not own:
            continue
        default = "default" if "default" in own else next(iter(own))
        setup.collections.append(
            Collection(
                name=str(folder.get("title") or rel or "content"),
                folder=clean_folder(rel),
                schemas=own,
                default=default,
                type_key="type",
                source=f"{CONFIG_NAME}:{line_of(folder) or ''}",
            )
        )
    return True


def _fields(
    raws: Any, parent: str, path: Path, setup: SiteSetup, taxonomy: Mapping[str, tuple[Any, ...]]
) -> tuple[Field, ...]:
    out: list[Field] = []
    for raw in raws if isinstance(raws, list) else ():
        if not isinstance(raw, Mapping) or not raw.get("name"):
            if isinstance(raw, Mapping) and raw.get("type") in _LAYOUT_ONLY:
                continue
            setup.problem("a field needs a 'name' and a 'type'", path, line_of(raw))
            continue
        key, kind_name = str(raw["name"]), str(raw.get("type") or "string")
        where = line_of(raw, "type")
        if kind_name in _LAYOUT_ONLY:
            continue
        kind = FIELD_KINDS.get(kind_name)
        if kind is None:
            setup.problem(
                f"field '{key}': unknown field type {kind_name!r} (known: "
                f"{', '.join(sorted(FIELD_KINDS))}); the value is shown and kept as it is",
                path, where)  # fmt: skip
            kind = "other"
        elif kind == "other":
            setup.note(path, where, f"field type '{kind_name}' of '{key}'",
                       "shown and kept, not editable yet")  # fmt: skip
        attrs: dict[str, Any] = {
            "label": str(raw.get("title") or humanise(key)),
            "help": str(raw.get("description") or ""),
            "required": bool(raw.get("required", False)),
            "source": f"{CONFIG_NAME}:{line_of(raw) or ''}",
        }
        if raw.get("default") not in (None, ""):
            attrs["default"] = raw.get("default")
        if kind == "line" and raw.get("multiline"):
            kind = "text"
        if kind == "line" and raw.get("wysiwyg"):
            kind = "markdown"
        if kind == "datetime" and raw.get("dateFormat") and "H" not in str(raw["dateFormat"]):
            kind = "date"
        if kind == "select":
            values, labels = [], []
            for choice in raw.get("choices") or ():
                if isinstance(choice, Mapping):
                    values.append(choice.get("id"))
                    labels.append(str(choice.get("title", choice.get("id"))))
                else:
                    values.append(choice)
                    labels.append(str(choice))
            attrs.update(options=tuple(values), option_labels=tuple(labels), strict_options=True)
            if raw.get("multiple"):
                kind = "multiselect"
        if kind == "tags":
            attrs["options"] = taxonomy.get(kind_name, ())
            attrs["corpus_options"] = True
        if kind == "image" and raw.get("multiple"):
            kind = "strings"
        number = raw.get("numberOptions")
        if isinstance(number, Mapping):
            for ours, theirs in (("minimum", "min"), ("maximum", "max"), ("step", "step")):
                if isinstance(number.get(theirs), int | float):
                    attrs[ours] = float(number[theirs])
        if kind in ("image", "file"):
            attrs["uploads"] = setup.uploads
        if kind == "line" and kind_name == "slug":
            attrs["seo_role"] = "slug"
        children: tuple[Field, ...] = ()
        if kind == "group":
            children = _fields(raw.get("fields"), f"{parent}.{key}" if parent else key, path,
                               setup, taxonomy)  # fmt: skip
        elif kind == "objects":
            merged: list[Any] = []
            for group_name in raw.get("fieldGroup") or ():
                group = next(
                    (g for g in setup_groups(path, setup) if g.get("id") == group_name), None
                )
                if group:
                    merged.extend(group.get("fields") or ())
            children = _fields(merged, "", path, setup, taxonomy)
            if not children:
                kind = "other"
        out.append(make_field(key, parent, kind, fields=children, **attrs))
    return tuple(out)


def setup_groups(path: Path, setup: SiteSetup) -> list[Mapping[str, Any]]:
    """The ``frontMatter.taxonomy.fieldGroups`` (block field item shapes)."""
    try:
        config = read_config(path, "Front Matter CMS configuration")
    except ContentError:
        return []
    groups = config.get("frontMatter.taxonomy.fieldGroups") if isinstance(config, Mapping) else None
    return [g for g in groups or () if isinstance(g, Mapping)]
