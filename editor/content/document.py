"""Entries: one content file loaded into data + body, and saved back through the writer.

This is the one way through for both faces of the app: file -> :class:`Entry` ->
(form or ``set``) -> :func:`save_entry` -> writer -> verified bytes -> atomic write.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor.content.atomic import atomic_write, fingerprint
from editor.content.errors import ContentError, ParseError, ReadOnlyError, WriteError
from editor.content.frontmatter import load_bytes
from editor.content.schema import SCHEMA_KEY
from editor.content.writer import update_text

BOM = "\ufeff"


@dataclass
class Entry:
    """A content file as loaded: its data, body and the exact text it came from."""

    path: Path
    data: dict[str, Any]
    body: str
    text: str
    bom: bool
    format: str
    fingerprint: str
    read_only_reason: str | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    @property
    def schema_name(self) -> str:
        name = self.data.get(SCHEMA_KEY)
        return name if isinstance(name, str) else ""


def parse_entry(data: bytes, path: Path) -> Entry:
    """Build an entry from a file's bytes; raises :class:`ParseError` with line:column."""
    split, values, bom = load_bytes(data, path)
    text = split.prefix + split.front + split.closing + split.body
    reason = None
    if split.format in ("toml", "json"):
        reason = (
            f"{split.format.upper()} front matter is shown read-only: "
            "the editor writes YAML front matter only"
        )
    elif split.format == "none":  # the writer would refuse it: say so before any typing
        reason = "This file has no front matter, so it is shown read-only"
    return Entry(
        path=path,
        data=dict(values),
        body=split.body,
        text=text,
        bom=bom,
        format=split.format,
        fingerprint=fingerprint(data),
        read_only_reason=reason,
    )


def read_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors into a :class:`ParseError` the user can act on."""
    try:
        if path.is_dir():
            raise ParseError("is a folder, not a file", path)
        return path.read_bytes()
    except PermissionError as exc:
        raise ParseError("cannot read the file: permission denied", path) from exc
    except FileNotFoundError as exc:
        raise ParseError("the file does not exist", path) from exc
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", path) from exc


def load_entry(path: Path) -> Entry:
    return parse_entry(read_bytes(path), path)


def planned_text(
    entry: Entry, data: Mapping[str, Any], body: str | None, key_order: Sequence[str] = ()
) -> str:
    """The full new text a save would write (verified by the writer)."""
    if entry.read_only_reason is not None:
        raise ReadOnlyError(entry.read_only_reason, entry.path)
    return update_text(
        entry.text,
        data,
        None if body == entry.body else body,
        key_order=key_order,
        path=entry.path,
    )


def planned_bytes(
    entry: Entry, data: Mapping[str, Any], body: str | None, key_order: Sequence[str] = ()
) -> bytes:
    """The verified bytes a save would write; the BOM is kept when the file had one."""
    text = planned_text(entry, data, body, key_order)
    nul = text.find("\0")
    if nul >= 0:  # the loader would refuse the file as binary ever after
        line = text.count("\n", 0, nul) + 1
        raise WriteError(
            "cannot save a NUL character: the file would no longer be text", entry.path, line
        )
    try:
        return ((BOM if entry.bom else "") + text).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(
            f"cannot save {text[exc.start]!r}: not a character UTF-8 can store", entry.path
        ) from exc


def save_diff(
    entry: Entry, data: Mapping[str, Any], body: str | None, key_order: Sequence[str] = ()
) -> str:
    """The unified diff a save would write ("" when nothing would change)."""
    new = planned_text(entry, data, body, key_order)
    if new == entry.text:
        return ""
    name = entry.path.name
    lines = difflib.unified_diff(
        entry.text.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(_ensure_newline(line) for line in lines)


def _ensure_newline(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def save_entry(
    entry: Entry, data: Mapping[str, Any], body: str | None, key_order: Sequence[str] = ()
) -> Entry:
    """Write the entry if anything changed; returns the entry as now on disk.

    Raises :class:`ConflictError` when the file changed on disk since ``entry`` was
    loaded, and :class:`WriteError` when the write fails; the file is then untouched.
    """
    new_bytes = planned_bytes(entry, data, body, key_order)
    old_bytes = ((BOM if entry.bom else "") + entry.text).encode("utf-8")
    if new_bytes == old_bytes:
        return entry
    atomic_write(entry.path, new_bytes, expected_fingerprint=entry.fingerprint)
    return parse_entry(new_bytes, entry.path)


# -- dotted paths (``seo.title``, ``faq.0.answer``) for the command line and the form


def _step(container: Any, part: str, dotted: str) -> Any:
    if isinstance(container, Mapping):
        if part not in container:
            raise KeyError(dotted)
        return container[part]
    if isinstance(container, list):
        try:
            return container[int(part)]
        except (ValueError, IndexError) as exc:
            raise KeyError(dotted) from exc
    raise KeyError(dotted)


def get_path(data: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key; :class:`KeyError` naming the key when absent."""
    value: Any = data
    for part in dotted.split("."):
        value = _step(value, part, dotted)
    return value


def set_path(data: MutableMapping[str, Any], dotted: str, value: Any) -> None:
    """Set a dotted key, creating maps on the way; list indexes must exist or append."""
    parts = dotted.split(".")
    target: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(target, list):
            target = _step(target, part, dotted)
            continue
        if part not in target or target[part] is None:
            target[part] = [] if nxt.isdigit() else {}
        target = target[part]
    last = parts[-1]
    if isinstance(target, list):
        index = _list_index(last, dotted)
        if index == len(target):
            target.append(value)
        elif 0 <= index < len(target):
            target[index] = value
        else:
            raise KeyError(dotted)
    elif isinstance(target, MutableMapping):
        target[last] = value
    else:
        raise ContentError(f"cannot set {dotted!r}: {'.'.join(parts[:-1])} is not a mapping")


def delete_path(data: MutableMapping[str, Any], dotted: str) -> None:
    parts = dotted.split(".")
    parent: Any = data
    for part in parts[:-1]:
        parent = _step(parent, part, dotted)
    last = parts[-1]
    if isinstance(parent, list):
        index = _list_index(last, dotted)
        if not 0 <= index < len(parent):
            raise KeyError(dotted)
        del parent[index]
    elif isinstance(parent, MutableMapping) and last in parent:
        del parent[last]
    else:
        raise KeyError(dotted)


def _list_index(part: str, dotted: str) -> int:
    try:
        return int(part)
    except ValueError as exc:
        raise KeyError(dotted) from exc
