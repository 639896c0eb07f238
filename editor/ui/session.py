"""The open entries of a window and their unsaved edits.

The form shows one entry at a time, but edits must survive switching to another
entry and back, and closing the window must know every unsaved entry. The session
keeps, per path, the entry as loaded from disk and the data the form last had; an
entry is dirty while the two differ. Saving goes through ``save_entry`` (the
byte-preserving, verified, conflict-checked writer); a failed save raises and leaves
the edits here, unsaved.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.content.document import Entry, load_entry, read_bytes, save_diff, save_entry
from editor.content.errors import ContentError, ReadOnlyError
from editor.content.frontmatter import decode
from editor.content.schema import Schema, SchemaRegistry

log = logging.getLogger("editor.ui.session")


@dataclass
class OpenEntry:
    """One entry as the window holds it: on disk (``entry``) and as edited."""

    path: Path
    entry: Entry | None  # None: the file does not parse
    schema: Schema | None
    data: dict[str, Any]
    body: str | None
    error: ContentError | None = None
    raw_text: str = ""  # the file's text when it does not parse (shown read-only)

    @property
    def dirty(self) -> bool:
        if self.entry is None or self.entry.read_only:
            return False
        return self.data != self.entry.data or (
            self.body is not None and self.body != self.entry.body
        )

    @property
    def read_only(self) -> bool:
        return self.entry is None or self.entry.read_only

    @property
    def read_only_reason(self) -> str:
        if self.error is not None:
            return str(self.error)
        if self.entry is not None and self.entry.read_only_reason:
            return self.entry.read_only_reason
        return ""

    @property
    def title(self) -> str:
        """What dialogs call the entry: its title, else its file name."""
        key = self.schema.title_key if self.schema is not None else "title"
        value = self.data.get(key) if key else None
        text = " ".join(str(value).split()) if value else ""
        return text or self.path.name


class Session(QObject):
    """Open entries by path; signals when one becomes dirty or clean, or is saved."""

    dirty_changed = Signal(object, bool)  # Path, dirty
    saved = Signal(object)  # Path

    def __init__(self, registry: SchemaRegistry, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self._open: dict[Path, OpenEntry] = {}

    def open(self, path: Path) -> OpenEntry:
        """The entry at ``path``: with its unsaved edits if it has any, else from disk."""
        current = self._open.get(path)
        if current is not None:
            return current
        opened = self._load(path)
        self._open[path] = opened
        return opened

    def _load(self, path: Path) -> OpenEntry:
        try:
            entry = load_entry(path)
        except ContentError as exc:
            log.warning("%s", exc)
            try:
                raw = decode(read_bytes(path), path)[0]
            except ContentError:
                raw = ""
            return OpenEntry(path, None, None, {}, None, error=exc, raw_text=raw)
        schema = self.registry.for_data(entry.data)
        return OpenEntry(path, entry, schema, copy.deepcopy(entry.data), entry.body)

    def get(self, path: Path) -> OpenEntry | None:
        return self._open.get(path)

    def release(self, path: Path) -> None:
        """Forget a clean entry (it is read again from disk next time)."""
        opened = self._open.get(path)
        if opened is not None and not opened.dirty:
            del self._open[path]

    def forget(self, path: Path) -> None:
        """Drop an entry and its edits (deleted file, discarded changes)."""
        opened = self._open.pop(path, None)
        if opened is not None and opened.dirty:
            self.dirty_changed.emit(path, False)

    def update(self, path: Path, data: Mapping[str, Any], body: str | None) -> None:
        """Record what the form now holds for ``path``."""
        opened = self._open.get(path)
        if opened is None or opened.read_only:
            return
        was = opened.dirty
        opened.data = dict(data)
        opened.body = body
        if opened.dirty != was:
            self.dirty_changed.emit(path, opened.dirty)

    def is_dirty(self, path: Path) -> bool:
        opened = self._open.get(path)
        return opened is not None and opened.dirty

    def dirty_entries(self) -> list[OpenEntry]:
        return [o for o in self._open.values() if o.dirty]

    def _key_order(self, opened: OpenEntry) -> list[str]:
        return opened.schema.key_order() if opened.schema is not None else []

    def diff(self, path: Path) -> str:
        """The unified diff saving ``path`` would write ("" when nothing changes)."""
        opened = self.open(path)
        if opened.entry is None:
            raise ReadOnlyError(opened.read_only_reason or "the file does not parse", path)
        return save_diff(opened.entry, opened.data, opened.body, self._key_order(opened))

    def save(self, path: Path) -> OpenEntry:
        """Write ``path`` if dirty. Raises ``WriteError``/``ConflictError``; the edits
        then stay here, unsaved."""
        opened = self.open(path)
        if opened.entry is None:
            raise ReadOnlyError(opened.read_only_reason or "the file does not parse", path)
        if not opened.dirty:
            return opened
        saved = save_entry(opened.entry, opened.data, opened.body, self._key_order(opened))
        opened.entry = saved
        opened.data = copy.deepcopy(saved.data)
        opened.body = saved.body
        opened.schema = self.registry.for_data(saved.data)
        self.dirty_changed.emit(path, False)
        self.saved.emit(path)
        return opened

    def revert(self, path: Path) -> OpenEntry:
        """Throw the edits away and read the file again."""
        was = self.is_dirty(path)
        self._open.pop(path, None)
        opened = self.open(path)
        if was:
            self.dirty_changed.emit(path, False)
        return opened
