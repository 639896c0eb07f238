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
from editor.content.errors import ContentError, ReadOnlyError, WriteError
from editor.content.frontmatter import load_bytes
from editor.content.json_form import key_text
from editor.content.key_path import INDEX_PATTERN, KeyPathError, join_key, split_key
from editor.content.safe_read import read_content
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
        reason = (
            "This file has no front matter (no opening ---), so its fields cannot be edited; "
            "add a front-matter block in a text editor first"
        )
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
    """A content file's bytes, through the one safe reader (:mod:`safe_read`): only a
    regular file of bounded size is read; anything else is a :class:`ParseError` the
    user can act on (also a FIFO, which must not hang the reader)."""
    return read_content(path)


def load_entry(path: Path) -> Entry:
    """Read and parse a content file; :class:`ParseError` for anything it cannot be."""
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
    The write holds the file's lock and re-checks the file just before the rename
    (:func:`~editor.content.atomic.atomic_write`); a caller that holds
    :func:`~editor.content.atomic.file_lock` from before its load serialises with every
    other cooperating writer instead of meeting a conflict.
    """
    new_bytes = planned_bytes(entry, data, body, key_order)
    old_bytes = ((BOM if entry.bom else "") + entry.text).encode("utf-8")
    if new_bytes == old_bytes:
        return entry
    atomic_write(entry.path, new_bytes, expected_fingerprint=entry.fingerprint)
    return parse_entry(new_bytes, entry.path)


# -- dotted paths (``seo.title``, ``faq.0.answer``): parsed in :mod:`.key_path`


def _mapping_key(mapping: Mapping[Any, Any], part: str) -> Any:
    """The key ``part`` names: itself, or a non-string key whose JSON form reads ``part``
    (``dates.2019-01-01``, ``codes.1``, ``flags.true``), as ``get`` prints them."""
    if part in mapping:
        return part
    return next((k for k in mapping if not isinstance(k, str) and key_text(k) == part), part)


def _step(container: Any, part: str, dotted: str) -> Any:
    if isinstance(container, Mapping):
        key = _mapping_key(container, part)
        if key not in container:
            raise KeyPathError(dotted)
        return container[key]
    if isinstance(container, list):
        index = _list_index(part, dotted)
        if index >= len(container):
            raise KeyPathError(dotted, f"the list has {len(container)} items")
        return container[index]
    raise KeyPathError(dotted)


def get_path(data: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key; :class:`KeyError` naming the key when absent."""
    value: Any = data
    for part in split_key(dotted):
        value = _step(value, part, dotted)
    return value


def set_path(data: MutableMapping[str, Any], dotted: str, value: Any) -> None:
    """Set a dotted key, creating maps on the way; list indexes must exist or append."""
    parts = split_key(dotted)
    target: Any = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(target, list):
            target = _step(target, part, dotted)
        elif isinstance(target, MutableMapping):
            key = _mapping_key(target, part)
            if key not in target or target[key] is None:
                nxt = parts[i + 1]
                if nxt[:1] == "-" and INDEX_PATTERN.fullmatch(nxt[1:]):
                    _list_index(nxt, dotted)  # refused: a new list has no item -1
                target[key] = [] if INDEX_PATTERN.fullmatch(nxt) else {}
            target = target[key]
        else:
            raise _not_a_container(dotted, parts[:i])
    last = parts[-1]
    if isinstance(target, list):
        index = _list_index(last, dotted)
        if index == len(target):
            target.append(value)
        elif index < len(target):
            target[index] = value
        else:
            raise KeyPathError(
                dotted, f"the list has {len(target)} items: give 0 to {len(target)} (append)"
            )
    elif isinstance(target, MutableMapping):
        target[_mapping_key(target, last)] = value
    else:
        raise _not_a_container(dotted, parts[:-1])


def _not_a_container(dotted: str, parent: Sequence[str]) -> ContentError:
    return ContentError(f"cannot set {dotted!r}: {join_key(parent)} is not a mapping or a list")


def delete_path(data: MutableMapping[str, Any], dotted: str) -> None:
    parts = split_key(dotted)
    parent: Any = data
    for part in parts[:-1]:
        parent = _step(parent, part, dotted)
    last = parts[-1]
    if isinstance(parent, list):
        index = _list_index(last, dotted)
        if index >= len(parent):
            raise KeyPathError(dotted)
        del parent[index]
    elif isinstance(parent, MutableMapping) and _mapping_key(parent, last) in parent:
        del parent[_mapping_key(parent, last)]
    else:
        raise KeyPathError(dotted)


def _list_index(part: str, dotted: str) -> int:
    """A list position: ASCII digits only, so ``-1`` never reaches Python's from-the-end."""
    if part[:1] == "-" and INDEX_PATTERN.fullmatch(part[1:]):
        raise KeyPathError(dotted, f"{part}: list positions count from 0, never from the end")
    if not INDEX_PATTERN.fullmatch(part):
        raise KeyPathError(dotted, f"{part!r} is not a list position (0, 1, 2...)")
    if len(part) > 9:  # no list is that long, and int() refuses 4,300+ digits
        raise KeyPathError(dotted, "no list has that many items")
    return int(part)
