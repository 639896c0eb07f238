"""New entry files made from a schema, named from the term's slug.

The text is written directly in the folder's own style rather than through a YAML
emitter, which would wrap long lines and pick its own quoting: the next free ``id``
where the schema has one, each value folded (``>-``) or plain as the folder's other
entries of that type write it, folded text indented as they indent it
(:mod:`folder_style`; the seeds' ``>-`` with four spaces when there is nothing to learn
from). The result is parsed again before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from slugify import slugify as _slugify

from editor.content.atomic import create_new
from editor.content.errors import ContentError, WriteError
from editor.content.folder_style import FolderStyle, learn_style
from editor.content.frontmatter import parse_yaml, split
from editor.content.schema import SCHEMA_KEY, Schema


def slugify(text: str) -> str:
    """Lower-case hyphenated ASCII, as the site's URLs are (``Track-Two Diplomacy`` ->
    ``track-two-diplomacy``)."""
    return _slugify(text, max_length=120, word_boundary=True)


def _folded(key: str, value: str, indent: int = 4) -> str:
    return f"{key}: >-\n{' ' * indent}{value}\n"


def _plain(key: str, value: str) -> str | None:
    """``key: value`` when YAML reads it back as exactly that string, else None."""
    line = f"{key}: {value}\n"
    try:
        return line if parse_yaml(line) == {key: value} else None
    except ContentError:
        return None


def new_entry_data(
    schema: Schema, title: str, today: dt.date, style: FolderStyle | None = None
) -> dict[str, Any]:
    """The values a new entry starts with, in schema order."""
    slug = slugify(title)
    values: dict[str, Any] = {SCHEMA_KEY: schema.name}
    for key in schema.key_order()[1:]:
        if key == "id" and style is not None and style.next_id is not None:
            values[key] = style.next_id
        elif key == "date":
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


def new_entry_text(
    schema: Schema, title: str, today: dt.date, style: FolderStyle | None = None
) -> str:
    """The text of a new entry file; raises :class:`WriteError` for an unusable term."""
    title = " ".join(title.split())
    if not title:
        raise WriteError("type the term first: a new entry needs a title")
    style = style or FolderStyle()
    data = new_entry_data(schema, title, today, style)
    lines = ["---\n"]
    for key, value in data.items():
        if isinstance(value, dt.date):
            lines.append(f"{key}: {value.isoformat()}\n")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}\n")
        elif not isinstance(value, str):  # a site's default: true, 3, ["a", "b"]
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}\n")
        elif not style.is_folded(key, key not in (SCHEMA_KEY, "url", "file_name")):
            lines.append(_plain(key, value) or _folded(key, value, style.indent))
        else:
            lines.append(_folded(key, value, style.indent))
    lines.append("---\n")
    text = "".join(lines) + schema.new_body
    parsed = parse_yaml(split(text).front)
    if parsed != data:
        raise WriteError(f"cannot write the term {title!r} safely as YAML")
    return text


def create_entry(
    folder: Path,
    schema: Schema,
    title: str,
    *,
    today: dt.date | None = None,
    style: FolderStyle | None = None,
) -> Path:
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
    if style is None:
        style = learn_style(folder, schema.name)
    text = new_entry_text(schema, title, today or dt.date.today(), style)
    create_new(path, text.encode("utf-8"))
    return path
