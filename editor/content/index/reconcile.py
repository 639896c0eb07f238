"""Cache reconciliation: which files the cache still answers for, and placing rows.

A file's cached row is reused when its path, size and mtime are unchanged; the others
are parsed. Records and search texts are then placed in path order, cached rows
around parsed chunks.

Size and mtime prove a file unchanged only when it was read at least the file system's
timestamp granularity after its mtime: on FAT (2 s) or some network shares (1 s), a
same-size change written in the same tick as the read keeps both. A read that close to
the mtime is *racy* (:func:`racy`, after git's "racily clean" entries): the window's
index keeps a digest of the bytes (:func:`content_digest`, taken before the parse) and
compares it when the size and mtime leave it in doubt.
"""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path
from time import time_ns

from editor.content import index_cache
from editor.content.errors import ContentError
from editor.content.index.chunks import ParsedChunk
from editor.content.index.records import EntryRecord
from editor.content.index.rows import ROW_MTIME, ROW_PATH, ROW_SIZE, ParsedRow
from editor.content.index.scan import Listed
from editor.content.safe_read import read_content
from editor.content.search import SearchBuilder
from editor.content.text_file import release

# A cached row to reuse: its position in the cache, and the row.
Reused = tuple[int, ParsedRow]

# The coarsest mtime granularity met in practice (FAT's 2 s; 1 s on some network shares,
# and ext4 or NTFS are far finer): a file read closer than this to its mtime may change
# again within the same timestamp.
MTIME_GRANULARITY_NS = 2_000_000_000
# What a racy read kept: the size and mtime it was read with, and its bytes' digest.
Doubt = tuple[int, int, bytes]


def read_clock() -> int:
    """The wall clock a read is compared with its file's mtime by (ns; tests set it)."""
    return time_ns()


def racy(mtime_ns: int, read_ns: int) -> bool:
    """Whether a file read at ``read_ns`` may have changed since without its mtime
    changing (a mtime in the future counts: another machine's clock)."""
    return read_ns - mtime_ns < MTIME_GRANULARITY_NS


def content_digest(path: Path) -> bytes | None:
    """A digest of the file's bytes, read through the file layer (None: unreadable)."""
    try:
        data = read_content(path)
    except (OSError, ContentError):
        return None
    return blake2b(data, digest_size=16).digest()


def still_same(path: Path, doubt: Doubt | None, size: int, mtime_ns: int) -> bool:
    """Whether a file whose size and mtime are those read holds what was read: certain
    unless the read was racy (``doubt``), then its bytes' digest says."""
    if doubt is None:
        return True
    return (doubt[0], doubt[1]) == (size, mtime_ns) and content_digest(path) == doubt[2]


def reconcile(
    found: list[Listed], cached: index_cache.Payload | None
) -> tuple[list[Listed], list[Reused | None]]:
    """The files to parse, and for each listed file the cached row to reuse (or None)."""
    if cached is None:
        return found, [None] * len(found)  # a cold build: every file to parse
    rows = cached.rows
    if [(r[ROW_PATH], r[ROW_SIZE], r[ROW_MTIME]) for r in rows] == found:
        return [], list(enumerate(rows))  # the usual reopen: nothing changed
    by_path = {row[ROW_PATH]: (n, row) for n, row in enumerate(rows)}
    todo: list[Listed] = []
    reuse: list[Reused | None] = []
    for rel, size, mtime in found:
        hit = by_path.get(rel)
        if hit is not None and hit[1][ROW_SIZE] == size and hit[1][ROW_MTIME] == mtime:
            reuse.append(hit)
        else:
            reuse.append(None)
            todo.append((rel, size, mtime))
    return todo, reuse


class Placer:
    """Places rows (records and search texts) in path order: cached ones around parsed
    chunks (:meth:`place`)."""

    def __init__(
        self,
        records: list[EntryRecord],
        builder: SearchBuilder,
        reuse: list[Reused | None],
        cached: index_cache.Payload | None,
    ) -> None:
        self.records, self.builder, self.reuse, self.cached = records, builder, reuse, cached
        self.view = cached.text_view() if cached is not None else memoryview(b"")
        self.facts = cached.load_facts() if cached is not None else []
        self.position = 0  # the next entry to place
        # the positions of the rows to parse, in order
        self.todo_positions = (
            list(range(len(reuse)))
            if cached is None
            else [n for n, hit in enumerate(reuse) if hit is None]
        )
        self.parsed = 0  # parsed rows placed

    def upto(self, end: int) -> None:
        """Place the cached rows before position ``end``."""
        cached, view, add = self.cached, self.view, self.builder.add
        records, facts = self.records, self.facts
        first = -1
        n = 0
        while self.position < end:
            hit = self.reuse[self.position]
            assert hit is not None and cached is not None  # parsed rows are placed apart
            n, row = hit
            if first < 0:
                first = n
            records.append(EntryRecord(*row, facts[n]))
            add(view[cached.starts[n] : cached.starts[n + 1] - 1], cached.masks[n])
            self.position += 1
        if first >= 0 and cached is not None:  # cached rows come in order: one range read
            release(cached.buffer, cached.starts[first], cached.starts[n + 1])

    def place(self, item: ParsedChunk) -> None:
        """Add a parsed chunk's records and texts, after the cached rows before each."""
        records, builder, count = self.records, self.builder, len(item.rows)
        todo_positions, parsed = self.todo_positions, self.parsed
        self.parsed += count
        if self.position == todo_positions[parsed] and (
            todo_positions[parsed + count - 1] == self.position + count - 1
        ):  # no cached row among these (a cold build): take them in one go
            records.extend(
                [EntryRecord(*row, facts) for row, facts in zip(item.rows, item.facts, strict=True)]
            )
            if item.spill is not None:
                builder.add_chunk_from(*item.spill, item.lengths, item.masks)
            else:
                builder.add_chunk(item.texts, item.lengths, item.masks)
            self.position += count
            return
        view = memoryview(item.text_bytes())
        offset = 0
        for n, row in enumerate(item.rows):
            self.upto(todo_positions[parsed + n])  # cached rows before this one
            records.append(EntryRecord(*row, item.facts[n]))
            length = item.lengths[n]
            builder.add(view[offset : offset + length], item.masks[n])
            offset += length + 1
            self.position += 1
