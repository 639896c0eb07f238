"""New entry files made from a schema, named from the term's slug.

The text is written directly in the seeds' style (``>-`` folded values indented four
spaces) rather than through a YAML emitter, which would wrap long lines and pick its
own quoting; the result is parsed again before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from slugify import slugify as _slugify

from editor.content.atomic import create_new
from editor.content.errors import WriteError
from editor.content.frontmatter import parse_yaml, split
from editor.content.schema import SCHEMA_KEY, Schema


def slugify(text: str) -> str:
    """Lower-case hyphenated ASCII, as the site's URLs are (``Track-Two Diplomacy`` ->
    ``track-two-diplomacy``)."""
    return _slugify(text, max_length=120, word_boundary=True)


def _folded(key: str, value: str) -> str:
    return f"{key}: >-\n    {value}\n"


def new_entry_data(schema: Schema, title: str, today: dt.date) -> dict[str, Any]:
    """The values a new entry starts with, in schema order."""
    slug = slugify(title)
    values: dict[str, Any] = {SCHEMA_KEY: schema.name}
    for key in schema.key_order()[1:]:
        if key == "date":
            values[key] = today
        elif key == schema.title_key or key in schema.title_fields:
            values[key] = title
        elif key == "url" and schema.url_pattern:
            values[key] = schema.url_pattern.replace("{slug}", slug)
        elif key == "file_name":
            values[key] = f"{slug}.md"
        elif _usable_default(schema, key):
            values[key] = schema.field(key).default  # type: ignore[union-attr]
    return values


def _usable_default(schema: Schema, key: str) -> bool:
    """A site schema's default for a new entry that can be written as one line (CMS
    placeholders such as Front Matter's ``{{now}}`` are left out)."""
    f = schema.field(key)
    value = f.default if f is not None else None
    if isinstance(value, str):
        return bool(value.strip()) and "{{" not in value and "\n" not in value
    return isinstance(value, bool | int | float) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def new_entry_text(schema: Schema, title: str, today: dt.date) -> str:
    """The text of a new entry file; raises :class:`WriteError` for an unusable term."""
    title = " ".join(title.split())
    if not title:
        raise WriteError("type the term first: a new entry needs a title")
    lines = ["---\n"]
    for key, value in new_entry_data(schema, title, today).items():
        if isinstance(value, dt.date):
            lines.append(f"{key}: {value.isoformat()}\n")
        elif key in (SCHEMA_KEY, "url", "file_name"):
            lines.append(f"{key}: {value}\n")
        elif not isinstance(value, str):  # a site's default: true, 3, ["a", "b"]
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}\n")
        else:
            lines.append(_folded(key, value))
    lines.append("---\n")
    text = "".join(lines) + schema.new_body
    parsed = parse_yaml(split(text).front)
    if parsed != new_entry_data(schema, title, today):
        raise WriteError(f"cannot write the term {title!r} safely as YAML")
    return text


def create_entry(folder: Path, schema: Schema, title: str, *, today: dt.date | None = None) -> Path:
    """Create ``<folder>/<slug>.md``; refuses to overwrite an existing file.

    The early check gives the friendly message; :func:`create_new` (``O_EXCL``) is what
    guarantees a file that appears meanwhile is not replaced. The file's mode follows
    the umask."""
    slug = slugify(title)
    if not slug:
        raise WriteError(f"the term {title!r} gives an empty file name; use letters or digits")
    path = folder / f"{slug}.md"
    if path.exists():
        raise WriteError(
            f"an entry named {path.name} already exists; choose another term or open it",
            path,
        )
    text = new_entry_text(schema, title, today or dt.date.today())
    create_new(path, text.encode("utf-8"))
    return path
