"""CloudCannon: ``cloudcannon.config.yml|yaml|json``, ``_inputs``, ``_select_data``,
``_structures`` and the schema files that ``_schema`` names.

A CloudCannon schema is a Markdown file whose front matter is the template of a new
entry: its keys are the fields (in order), its values the defaults. An input's type
comes from ``_inputs.<key>.type`` (global, then collection, then the schema file's own
``_inputs``: the nearer one wins) or, as CloudCannon does, from the key's name and the
default value. Validation (``options.required``, ``min_length``, ``max_length``,
``pattern``, ``min``, ``max``) and select values (a list, a ``_select_data`` name) are
read into the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from editor.content import frontmatter
from editor.content.errors import ContentError
from editor.content.safe_read import read_text
from editor.content.schema_model import Field, FieldKind, Schema
from editor.content.site.config_yaml import line_of, read_config
from editor.content.site.model import Collection, SiteSetup, clean_folder, humanise, make_field

CONFIG_NAMES = ("cloudcannon.config.yml", "cloudcannon.config.yaml", "cloudcannon.config.json")
UNREADABLE_NAMES = ("cloudcannon.config.js", "cloudcannon.config.cjs", "cloudcannon.config.mjs")

# CloudCannon input type -> the form's kind (None: needs the value to decide).
INPUT_KINDS: dict[str, FieldKind | None] = {
    "text": "line", "email": "line", "pinterest": "line", "facebook": "line",
    "twitter": "line", "github": "line", "instagram": "line", "time": "line",
    "textarea": "text", "code": "text", "markdown": "markdown", "html": "markdown",
    "checkbox": "boolean", "switch": "boolean", "color": "color", "number": "number",
    "range": "range", "url": "url", "date": "date", "datetime": "datetime",
    "file": "file", "document": "file", "image": "image",
    "select": "select", "choice": "select", "multiselect": "multiselect",
    "multichoice": "multiselect", "object": "group", "array": None, "auto": None,
    "disabled": "other",
}  # fmt: skip
_APPROXIMATE = {"html": "edited as Markdown text", "code": "edited as plain text",
                "time": "edited as text", "disabled": "shown, not editable"}  # fmt: skip
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_CONFIG_ONLY = ("_inputs", "_select_data", "_structures", "_editables", "_enabled_editors",
                "_schema", "_options", "_comments")  # fmt: skip
_UNSUPPORTED_KEYS = ("_editables", "_snippets", "_snippets_imports", "_enabled_editors",
                     "data_config", "file_config", "editor", "source_editor")  # fmt: skip


def find_config(root: Path) -> Path | None:
    return next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)


def read(root: Path, setup: SiteSetup) -> bool:
    """Fill ``setup`` from the site's CloudCannon configuration; False when it has none."""
    path = find_config(root)
    if path is None:
        js = next((root / n for n in UNREADABLE_NAMES if (root / n).is_file()), None)
        if js is not None:
            setup.configs.append(js.name)
            how = "not read (only .yml, .yaml and .json are); built-in schemas used"
            setup.note(js, None, "a JavaScript CloudCannon configuration", how)
        return False
    setup.kind = "cloudcannon"
    setup.configs.append(path.name)
    try:
        config = read_config(path, "CloudCannon configuration")
    except ContentError as err:
        setup.add_error(err)
        return True
    if not isinstance(config, Mapping):
        setup.problem("the CloudCannon configuration must be a mapping", path, 1)
        return True
    _Reader(root, path, config, setup).run()
    return True


class _Reader:
    def __init__(self, root: Path, path: Path, config: Mapping[str, Any], setup: SiteSetup):
        self.root, self.path, self.config, self.setup = root, path, config, setup
        self.select_data = dict(_mapping(config.get("_select_data")))
        self.structures = dict(_mapping(config.get("_structures")))

    def run(self) -> None:
        config, setup = self.config, self.setup
        paths = _mapping(config.get("paths"))
        setup.uploads = clean_folder(str(paths.get("uploads") or "uploads"))
        static = clean_folder(str(paths.get("static") or ""))
        setup.static_dirs = (static,) if static else ()
        setup.public_uploads = "/" + setup.uploads.removeprefix(static + "/" if static else "")
        for key in _UNSUPPORTED_KEYS:
            if key in config:
                setup.note(self.path, line_of(config, key), f"'{key}'", "not used by this app")
        source = clean_folder(str(config.get("source") or ""))
        global_inputs = _mapping(config.get("_inputs"))
        self._check_types(global_inputs)
        collections = _mapping(config.get("collections_config"))
        for name, raw in collections.items():
            if not isinstance(raw, Mapping):
                continue
            self.select_data.update(_mapping(raw.get("_select_data")))
            self.structures.update(_mapping(raw.get("_structures")))
            folder = clean_folder("/".join(p for p in (source, str(raw.get("path") or name)) if p))
            self._check_types(_mapping(raw.get("_inputs")))
            inputs = {**global_inputs, **_mapping(raw.get("_inputs"))}
            collection = Collection(
                name=str(name), folder=folder, source=f"{self.path.name}:{line_of(raw)}"
            )
            schemas = _mapping(raw.get("schemas"))
            for schema_key, schema_raw in schemas.items():
                schema = self._schema_file(str(schema_key), schema_raw, inputs, str(name))
                if schema is not None:
                    collection.schemas[str(schema_key)] = schema
            if collection.schemas:
                collection.default = (
                    "default" if "default" in collection.schemas else next(iter(collection.schemas))
                )
            setup.collections.append(collection)

    def _check_types(self, inputs: Mapping[str, Any]) -> None:
        """An unknown input type is a problem (with its line) wherever it is declared."""
        for key, spec in inputs.items():
            declared = spec.get("type") if isinstance(spec, Mapping) else None
            if declared is not None and str(declared) not in INPUT_KINDS:
                self.setup.problem(
                    f"_inputs.{key}: unknown input type {declared!r} (known: "
                    f"{', '.join(sorted(INPUT_KINDS))}); the value is shown and kept as it is",
                    self.path,
                    line_of(spec, "type"),
                )

    def _schema_file(
        self, key: str, raw: Any, inputs: Mapping[str, Any], collection: str
    ) -> Schema | None:
        where = line_of(raw) or line_of(self.config)
        spec = raw if isinstance(raw, Mapping) else {"path": raw}
        rel = str(spec.get("path") or "")
        if not rel:
            self.setup.problem(f"schema '{key}' of '{collection}' names no file", self.path, where)
            return None
        path = self.root / clean_folder(rel)
        try:
            entry_text = read_text(path)
            parts = frontmatter.split(entry_text, path)
            data = (
                frontmatter.parse_yaml(parts.front, path, parts.front_line) if parts.front else {}
            )
        except FileNotFoundError:
            self.setup.problem(
                f"schema '{key}' of '{collection}': the file {rel} is missing; its entries use "
                "the built-in schemas until it exists", self.path, where)  # fmt: skip
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.setup.problem(f"cannot read the schema file {rel}: {exc}", self.path, where)
            return None
        except ContentError as err:
            self.setup.add_error(err)
            return None
        own = {**inputs, **_mapping(data.get("_inputs"))}
        fields = tuple(
            self._field(str(k), "", v, own) for k, v in data.items() if str(k) not in _CONFIG_ONLY
        )
        return Schema(
            name=key,
            label=str(spec.get("name") or humanise(key)),
            description=f"CloudCannon schema {rel} ({collection})",
            fields=fields,
            title_key="title" if "title" in data else "",
            has_body=True,
            source=path,
            new_body=parts.body,
            site_root=str(self.root),
            paths=(collection,),
        )

    def _field(self, key: str, parent: str, default: Any, inputs: Mapping[str, Any]) -> Field:
        path = f"{parent}.{key}" if parent else key
        spec = _mapping(inputs.get(path) or inputs.get(key))
        options = _mapping(spec.get("options"))
        declared = spec.get("type")
        kind: FieldKind
        if declared is None or declared in ("auto",):
            kind = _infer_kind(key, default)
        elif str(declared) not in INPUT_KINDS:
            kind = "other"  # reported once by _check_types
        else:
            kind = INPUT_KINDS[str(declared)] or _infer_kind(key, default)
            if str(declared) in _APPROXIMATE:
                what = f"input type '{declared}' of '{path}'"
                self.setup.note(self.path, line_of(spec, "type"), what, _APPROXIMATE[str(declared)])
        attrs: dict[str, Any] = {
            "label": str(spec.get("label") or humanise(key)),
            "help": str(spec.get("comment") or ""),
            "required": bool(options.get("required", False)),
            "default": default if default not in (None, "") else None,
            "source": f"{self.setup.rel(self.path)}:{line_of(spec) or ''}",
        }
        for ours, theirs in (("min_length", "min_length"), ("max_length", "max_length")):
            if isinstance(options.get(theirs), int):
                attrs[ours] = int(options[theirs])
        for ours, theirs in (("minimum", "min"), ("maximum", "max"), ("step", "step")):
            value = options.get(theirs)
            if isinstance(value, int | float) and not isinstance(value, bool):
                attrs[ours] = float(value)
        for ours, theirs in (("minimum", "min_items"), ("maximum", "max_items")):
            if isinstance(options.get(theirs), int):
                attrs[ours] = float(options[theirs])
        if options.get("pattern"):
            attrs["pattern"] = str(options["pattern"])
            attrs["pattern_message"] = str(options.get("pattern_message") or "")
        elif declared == "email":
            attrs["pattern"], attrs["pattern_message"] = _EMAIL, "Write an email address."
        if kind in ("image", "file"):
            attrs["uploads"] = clean_folder(
                str(_mapping(options.get("paths")).get("uploads") or self.setup.uploads)
            )
        if kind in ("select", "multiselect") or "values" in options:
            values, labels = self._values(options.get("values"), path)
            if values:
                attrs["options"], attrs["option_labels"] = values, labels
                attrs["strict_options"] = not bool(options.get("allow_create", False))
            else:
                attrs["corpus_options"] = True
            if kind not in ("select", "multiselect"):
                kind = "multiselect" if isinstance(default, list) else "select"
        children: tuple[Field, ...] = ()
        if kind == "group" or (kind == "other" and isinstance(default, Mapping)):
            if isinstance(default, Mapping):
                kind = "group"
                children = tuple(self._field(str(k), path, v, inputs) for k, v in default.items())
        elif kind in ("strings", "objects") or (declared == "array"):
            kind, children = self._array(default, options, inputs)
        return make_field(key, parent, kind, fields=children, **attrs)

    def _array(
        self, default: Any, options: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> tuple[FieldKind, tuple[Field, ...]]:
        structure = options.get("structures")
        if isinstance(structure, str):
            structure = self.structures.get(structure.removeprefix("_structures."))
        template: dict[str, Any] = {}
        if isinstance(structure, Mapping):
            for value in structure.get("values") or ():
                if isinstance(value, Mapping) and isinstance(value.get("value"), Mapping):
                    for k, v in value["value"].items():
                        template.setdefault(str(k), v)
        if isinstance(default, list):
            for item in default:
                if isinstance(item, Mapping):
                    for k, v in item.items():
                        template.setdefault(str(k), v)
        if template:
            children = tuple(self._field(k, "", v, inputs) for k, v in template.items())
            return "objects", children
        return "strings", ()

    def _values(self, raw: Any, path: str) -> tuple[tuple[Any, ...], tuple[str, ...]]:
        if isinstance(raw, str):
            name = raw.removeprefix("_select_data.")
            raw = self.select_data.get(name)
            if raw is None:
                self.setup.problem(f"_inputs.{path}: values name unknown _select_data '{name}'",
                                   self.path, None)  # fmt: skip
                return (), ()
        if isinstance(raw, Mapping):
            return tuple(raw), tuple(str(v) for v in raw.values())
        if isinstance(raw, list):
            values: list[Any] = []
            labels: list[str] = []
            for item in raw:
                if isinstance(item, Mapping):
                    value = item.get("id", item.get("value", item.get("name")))
                    values.append(value)
                    labels.append(str(item.get("name", item.get("label", value))))
                else:
                    values.append(item)
                    labels.append(str(item))
            return tuple(values), tuple(labels)
        return (), ()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


_IMAGE_KEY = re.compile(r"(^|_)(image|img|thumbnail|photo|avatar|logo|icon)(_path)?$")
_DATE_KEY = re.compile(r"(^|_)date$")
_DATETIME_KEY = re.compile(r"_at$|(^|_)datetime$")


def _infer_kind(key: str, value: Any) -> FieldKind:
    """The input CloudCannon would pick from the key's name and the value's type."""
    low = key.lower()
    if isinstance(value, bool) or low in ("draft", "published", "hidden") or low.startswith("is_"):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.datetime) or _DATETIME_KEY.search(low):
        return "datetime"
    if isinstance(value, dt.date) or _DATE_KEY.search(low):
        return "date"
    if isinstance(value, Mapping):
        return "group"
    if low in ("tags", "categories", "keywords"):
        return "tags"
    if isinstance(value, list):
        return "objects" if value and all(isinstance(v, Mapping) for v in value) else "strings"
    if _IMAGE_KEY.search(low):
        return "image"
    if low.endswith(("_path", "_file", "_document")) or low in ("file", "document"):
        return "file"
    if low == "url" or low.endswith("_url") or low in ("link", "href"):
        return "url"
    if low.endswith(("color", "colour")):
        return "color"
    if low.endswith(("_markdown", "_md")) or low in ("content", "markdown"):
        return "markdown"
    if low in ("description", "summary", "excerpt") or low.endswith("_html"):
        return "text"
    return "line"
