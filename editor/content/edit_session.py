"""The open entries of a window and their unsaved edits, without Qt.

The form shows one entry at a time, but edits must survive switching to another
entry and back, and closing the window must know every unsaved entry. The session
keeps, per path, the entry as loaded from disk and the data the form last had; an
entry is dirty while the two differ. Saving writes the writer's verified bytes with
``atomic_write`` (conflict-checked against the fingerprint loaded); a failed save
raises and leaves the edits here, unsaved.

The session also keeps the crash journal in step (docs/recovery.md): every edit
marks the journal dirty, and a save, revert or forget discards that entry's journal
file, so the journal always mirrors the unsaved work.

It reports through plain callbacks (``on_dirty_changed``, ``on_saved``) and a
:class:`JournalMarks` object, so it runs and is tested without a ``QApplication``;
``editor/ui/window/session.py`` turns the callbacks into the window's signals and
supplies the journal worker.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from editor.content.atomic import atomic_write, fingerprint
from editor.content.document import (
    Entry,
    load_entry,
    parse_entry,
    planned_bytes,
    read_bytes,
    save_diff,
)
from editor.content.errors import ConflictError, ContentError, ReadOnlyError
from editor.content.frontmatter import decode
from editor.content.journal import JournalItem
from editor.content.schema import Schema, SchemaRegistry

log = logging.getLogger(__name__)

# One dirty entry as the journal records it: path, data, body, base fingerprint.
DirtyItem = tuple[Path, dict[str, Any], str, str | None]


class JournalMarks(Protocol):
    """What the session tells the crash journal (the window's ``JournalWorker``)."""

    def mark_dirty(self) -> None:
        """Something was edited: journal the dirty entries soon."""

    def discard(self, path: Path) -> None:
        """Forget ``path``'s journal now (saved, reverted or discarded)."""


@dataclass
class OpenEntry:
    """One entry as the window holds it: on disk (``entry``) and as edited."""

    path: Path
    entry: Entry | None  # None: the file does not parse
    schema: Schema | None
    data: dict[str, Any]
    body: str | None
    error: ContentError | None = None
    raw_text: str = ""  # the file's text when it does not parse (edited in the raw view)
    raw_bom: bool = False  # ... and whether it started with a BOM (kept on save)
    raw_fingerprint: str | None = None  # ... of the bytes read (None: text not readable)
    conflict: bool = False  # changed on disk after the edits began: saving must ask
    missing: bool = False  # deleted on disk: saving recreates it
    journal_base: str | None = None  # fingerprint of the file the edits started from
    locked: bool = False  # the window is read-only (another window edits the folder)

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


class EditSession:
    """Open entries by path; tells ``on_dirty_changed`` and ``on_saved`` what changed."""

    def __init__(
        self,
        registry: SchemaRegistry,
        *,
        read_only_reason: str | None = None,
        journal: JournalMarks | None = None,
        on_dirty_changed: Callable[[Path, bool], None] | None = None,
        on_saved: Callable[[Path], None] | None = None,
    ) -> None:
        self.registry = registry
        # Set: every entry opens read-only with this reason (the folder is another
        # window's to edit, see folder_lock.py); pass no journal then.
        self.read_only_reason = read_only_reason
        self.journal = journal
        self.on_dirty_changed = on_dirty_changed
        self.on_saved = on_saved
        # Told the bytes of each save just before they are written (a file watcher
        # then knows the change is ours).
        self.before_write: Callable[[Path, str], None] | None = None
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
        locked = self.read_only_reason is not None
        try:
            entry = load_entry(path)
        except ContentError as exc:
            log.warning("%s", exc)
            try:
                data = read_bytes(path)
                raw, bom = decode(data, path)
            except ContentError:  # not UTF-8 text: nothing to show or edit
                return OpenEntry(path, None, None, {}, None, error=exc)
            return OpenEntry(
                path,
                None,
                None,
                {},
                None,
                error=exc,
                raw_text=raw,
                raw_bom=bom,
                raw_fingerprint=fingerprint(data),
                locked=locked,
            )
        if locked and entry.read_only_reason is None:
            entry.read_only_reason = self.read_only_reason
        schema = self.registry.for_file(entry.data, path)
        return OpenEntry(
            path,
            entry,
            schema,
            copy.deepcopy(entry.data),
            entry.body,
            journal_base=entry.fingerprint,
            locked=locked,
        )

    def get(self, path: Path) -> OpenEntry | None:
        return self._open.get(path)

    def release(self, path: Path) -> None:
        """Forget a clean entry (it is read again from disk next time)."""
        opened = self._open.get(path)
        if opened is not None and not opened.dirty:
            del self._open[path]

    def forget(self, path: Path) -> None:
        """Drop an entry and its edits (deleted file, discarded changes) and its journal."""
        opened = self._open.pop(path, None)
        self._discard_journal(path)
        if opened is not None and opened.dirty:
            self._dirty_changed(path, False)

    def update(self, path: Path, data: Mapping[str, Any], body: str | None) -> None:
        """Record what the form now holds for ``path``."""
        opened = self._open.get(path)
        if opened is None or opened.read_only:
            return
        was = opened.dirty
        opened.data = dict(data)
        opened.body = body
        self._mark_journal()  # also when typed back clean: the journal then forgets it
        if opened.dirty != was:
            self._dirty_changed(path, opened.dirty)

    def restore(self, item: JournalItem, *, stale: bool) -> OpenEntry | None:
        """Open journaled work as unsaved edits over the file as it is now.

        ``stale``: the file changed since the work began, so the entry is a conflict
        (the next save asks) and stays stale in the journal. None when the file is
        gone or does not parse (the work then stays journaled)."""
        opened = self.open(item.path)
        if opened.entry is None or opened.read_only:
            self._open.pop(item.path, None)
            return None
        was = opened.dirty
        opened.data = copy.deepcopy(item.data)
        opened.body = item.body
        opened.conflict = stale
        opened.journal_base = item.base_fingerprint if stale else opened.entry.fingerprint
        self._mark_journal()
        if opened.dirty != was:
            self._dirty_changed(item.path, opened.dirty)
        return opened

    def mark_conflict(self, path: Path) -> None:
        """The user keeps their edits over a change on disk: the next save must ask."""
        opened = self._open.get(path)
        if opened is not None:
            opened.conflict = True

    def mark_missing(self, path: Path) -> OpenEntry | None:
        """The file was deleted on disk; the entry stays open (a save recreates it)."""
        opened = self._open.get(path)
        if opened is not None:
            opened.missing = True
        return opened

    def journal_items(self) -> list[DirtyItem]:
        """The journal's snapshot: every dirty entry's data and body."""
        items: list[DirtyItem] = []
        for opened in self.dirty_entries():
            assert opened.entry is not None
            body = opened.body if opened.body is not None else opened.entry.body
            items.append((opened.path, opened.data, body, opened.journal_base))
        return items

    def is_dirty(self, path: Path) -> bool:
        opened = self._open.get(path)
        return opened is not None and opened.dirty

    def dirty_entries(self) -> list[OpenEntry]:
        return [o for o in self._open.values() if o.dirty]

    def diff(self, path: Path) -> str:
        """The unified diff saving ``path`` would write ("" when nothing changes)."""
        opened = self.open(path)
        if opened.entry is None:
            raise ReadOnlyError(opened.read_only_reason or "the file does not parse", path)
        return save_diff(opened.entry, opened.data, opened.body, _key_order(opened))

    def diff_against_disk(self, path: Path) -> str:
        """What overwriting the file as it is *now* on disk with the edits would change."""
        opened = self.open(path)
        theirs = load_entry(path)  # ContentError when gone or broken
        return save_diff(theirs, opened.data, opened.body, _key_order(opened))

    def save(self, path: Path, *, overwrite: bool = False) -> OpenEntry:
        """Write ``path`` if dirty (or deleted on disk: recreate it).

        Raises ``WriteError``, or ``ConflictError`` when the file changed on disk since
        it was loaded (or the user kept their edits over such a change); the edits then
        stay here, unsaved. ``overwrite=True`` (the user said so) writes the edits over
        the file as it is now, through the writer on *its* text, so the diff stays small.
        """
        opened = self.open(path)
        if opened.entry is None:
            raise ReadOnlyError(opened.read_only_reason or "the file does not parse", path)
        if not opened.dirty and not opened.missing:
            return opened
        base = opened.entry
        expected: str | None = base.fingerprint
        if overwrite:
            try:
                base = load_entry(path)
                expected = base.fingerprint
            except ContentError:  # gone or broken: write ours whole
                expected = None
        elif opened.conflict:
            raise ConflictError("the file changed on disk since you began editing it", path)
        elif opened.missing and not path.exists():
            expected = None  # deleted on disk: recreate it
        new_bytes = planned_bytes(base, opened.data, opened.body, _key_order(opened))
        new_fingerprint = fingerprint(new_bytes)
        if new_fingerprint == base.fingerprint and base.path.exists():
            saved = base  # the same bytes: write nothing
        else:
            if self.before_write is not None:
                self.before_write(path, new_fingerprint)
            atomic_write(path, new_bytes, expected_fingerprint=expected)
            saved = parse_entry(new_bytes, path)
        opened.entry = saved
        opened.data = copy.deepcopy(saved.data)
        opened.body = saved.body
        opened.schema = self.registry.for_file(saved.data, path)
        opened.conflict = opened.missing = False
        opened.journal_base = saved.fingerprint
        self._discard_journal(path)
        self._dirty_changed(path, False)
        if self.on_saved is not None:
            self.on_saved(path)
        return opened

    def revert(self, path: Path) -> OpenEntry:
        """Throw the edits away and read the file again."""
        was = self.is_dirty(path)
        self._open.pop(path, None)
        self._discard_journal(path)
        opened = self.open(path)
        if was:
            self._dirty_changed(path, False)
        return opened

    # -- reporting

    def _dirty_changed(self, path: Path, dirty: bool) -> None:
        if self.on_dirty_changed is not None:
            self.on_dirty_changed(path, dirty)

    def _mark_journal(self) -> None:
        if self.journal is not None:
            self.journal.mark_dirty()

    def _discard_journal(self, path: Path) -> None:
        if self.journal is not None:
            self.journal.discard(path)


def _key_order(opened: OpenEntry) -> list[str]:
    """Where a new key goes: the schema's order of keys (none for a broken file)."""
    return opened.schema.key_order() if opened.schema is not None else []
