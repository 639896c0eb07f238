"""The index as it was at one moment, for a reader on another thread.

The window puts updates into its index on the GUI thread (a save, a bulk batch's files)
while a pool thread may be reading it (the replace preview, backlinks, a rename's plan).
An update replaces records in the live list and overrides rows of the search text in
place, and when files come or go it swaps in a new list and text: a reader that took
the list before and searched the text after matched rows of one against the other.

A snapshot copies what an update changes in place (the record list, the overridden rows
and the letter masks: ~1 ms at 50k entries) and keeps references to what an update only
swaps (the text's buffer and row offsets, each file's record), so the GUI thread takes
one when a job starts and the job reads it anywhere, however the index moves on.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

from editor.content.index.corpus_index import CorpusIndex
from editor.content.index.records import EntryRecord
from editor.content.search import SearchText

__all__ = ["IndexSnapshot"]


@dataclass(frozen=True)
class IndexSnapshot:
    """The rows of a :class:`CorpusIndex` at one moment: ``records[i]`` is the entry
    whose search text is row ``i`` of ``text``."""

    folder: Path
    paths: list[str]
    records: list[EntryRecord]
    text: SearchText

    @classmethod
    def of(cls, index: CorpusIndex) -> IndexSnapshot:
        """Take one (on the thread that updates ``index``)."""
        store = index.text
        text = SearchText(store.buffer, store.starts, array("Q", store.masks), store.path)
        text.overrides = dict(store.overrides)
        return cls(index.folder, list(index.paths), list(index.records), text)

    def search(self, query: str) -> list[int]:
        """Rows whose text holds every term of ``query`` (see :meth:`CorpusIndex.search`)."""
        return self.text.find(query)
