"""The filter's text: every entry's lower-cased values, kept once, searched fast.

Hand-written because no library fits the budget (a keystroke over 50k entries, no
extra memory): the lower-cased values of every entry live *once*, in one buffer (rows
separated by a newline, an offsets array beside it; a record slices its text out only
when asked), with a bit mask per row of the ASCII letters it holds. A term is searched
with ``bytes.find`` over the whole buffer, jumping to the next row on a hit, so
non-matching text is skipped at C speed; a one-letter term is answered from the masks;
a query that extends the previous one only re-checks the previous matches, and only
for the terms that are new. A term whose rarest byte is rare (by a sampled frequency
table) is found by that byte instead (``find`` of one byte is memchr, ~20 GB/s, where
a short term runs at ~1.2 GB/s), each hit verified in place.

A search is a :class:`SearchJob` that works in slices of ~4 MB of text, so a window can
run a costly query between its events (``step(deadline)``) rather than within one
keystroke; :meth:`SearchText.find` runs the job to the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress, repeat
from pathlib import Path
from typing import Any

from editor.content.text_file import (
    Buffer,
    TextSink,
    copy_range,
    release,
)


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if not isinstance(value, dict | list) else ""


def collect_values(value: Any, out: list[str]) -> None:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is str:
            out.append(item)
        elif kind is dict or kind is list:
            collect_values(item, out)
        elif item is not None:
            if isinstance(item, dict | list):
                collect_values(item, out)
            else:
                out.append(value_text(item))


def search_text(rel: str, data: dict[str, Any]) -> bytes:
    """The file name and every value, lower-cased, in one line of UTF-8.

    Values are joined as they are (a value repeated in several keys once): splitting into
    words to drop repeated ones costs more per file than it saves, and a query term never
    holds whitespace, so it matches within one value either way. Literal ``\\n``
    sequences (Q&A answers) become spaces.
    """
    parts = [rel]
    collect_values(data, parts)
    return search_bytes(parts)


_LITERAL_NEWLINE = re.compile(r"\\n")


def search_bytes(parts: list[str]) -> bytes:
    """:func:`search_text` of the name and the values' texts (``_collect``'s list)."""
    text = " ".join(dict.fromkeys(parts)).lower()
    if "\\" in text:  # a one-character test is memchr: many texts have no backslash
        # the regex engine finds a two-character literal ~3x faster than ``str.replace``
        # (whose search checks the last character first, here the common letter n)
        text = _LITERAL_NEWLINE.sub(" ", text)
    if "\n" in text:
        text = text.replace("\n", " ")  # the buffer's row separator
    return text.encode("utf-8", "surrogatepass")


# Letters whose presence each row records in a bit mask (digits are rare in text and
# would each cost a scan of the whole text per file).
_MASK_CHARS = b"abcdefghijklmnopqrstuvwxyz"
# As ints: ``int in bytes`` is a bare memchr, three times cheaper than a bytes operand.
_MASK_ITEMS = tuple((c, 1 << bit) for bit, c in enumerate(_MASK_CHARS))
_BIT_OF = {c: 1 << bit for bit, c in enumerate(_MASK_CHARS)}


def letter_mask(text: bytes) -> int:
    """Bit ``i`` set when ``_MASK_CHARS[i]`` occurs in ``text`` (26 ``in`` tests, C speed)."""
    mask = 0
    for char, bit in _MASK_ITEMS:
        if char in text:
            mask |= bit
    return mask


def _term_mask(term: bytes) -> int:
    mask = 0
    for c in term:
        mask |= _BIT_OF.get(c, 0)
    return mask


class SearchBuilder:
    """Collects rows' search texts, in row order, into a :class:`TextSink` (memory by
    default; a file for a big corpus, see :mod:`editor.content.text_file`)."""

    def __init__(self, sink: TextSink | None = None) -> None:
        self.sink = sink if sink is not None else TextSink(memory=True)
        self.starts = array("q", [0])
        self.masks = array("Q")

    def add(self, text: bytes | memoryview, mask: int) -> None:
        sink = self.sink
        sink.write(text)
        sink.write(b"\n")
        self.starts.append(sink.size)
        self.masks.append(mask)

    def add_chunk(self, texts: bytes, lengths: array[int], masks: array[int]) -> None:
        """Add texts already joined (each followed by a newline) with their lengths."""
        base = self.sink.size
        self.sink.write(texts)
        self._extend(base, lengths, masks)

    def add_chunk_from(
        self, fd: int, offset: int, length: int, lengths: array[int], masks: array[int]
    ) -> None:
        """:meth:`add_chunk` of texts that are bytes ``offset`` to ``offset + length`` of
        the file ``fd``: copied inside the kernel where it can, else read and written."""
        base = self.sink.size
        self.sink.append_from(fd, offset, offset + length)
        self._extend(base, lengths, masks)

    def _extend(self, base: int, lengths: array[int], masks: array[int]) -> None:
        ends = accumulate([length + 1 for length in lengths], initial=base)
        next(ends)
        self.starts.extend(ends)
        self.masks.extend(masks)

    def finish(self) -> SearchText:
        return SearchText(self.sink.finish(), self.starts, self.masks, self.sink.path)

    def abort(self) -> None:
        self.sink.abort()


_RECENT_MAX = 16
# Rows a store keeps overridden (see SearchText) before a save rebuilds it: each term
# of a search checks them all (~1 µs a row), and each holds a text (~3 KB).
OVERRIDES_MAX = 500

# What a rebuilt store is made of, in row order: a range of the old rows, kept as they
# are, or a new row's text and letter mask.
Segment = range | tuple[bytes, int]
# A store's rows made anew (:meth:`SearchText.rebuilt`): text, starts, masks, file.
Rebuilt = tuple[Buffer, "array[int]", "array[int]", Path | None]


class SearchText:
    """All rows' search texts in one buffer, each followed by a newline.

    ``starts[i]`` .. ``starts[i + 1] - 1`` is row ``i``; ``masks[i]`` says which ASCII
    letters it holds. The buffer is in memory or mapped from a file (``path`` when the
    file is named: the index cache's); a search hands a mapped file's pages back after
    each slice it reads.

    A row whose text changed (a save) is *overridden* (:meth:`override`): its new text
    is kept beside the buffer, and each term's answer is corrected for those rows. At
    50k entries, writing the 140 MB buffer anew cost each save ~140 ms of the window's
    thread; the overrides are folded in at the next rebuild (rows added or removed,
    :data:`OVERRIDES_MAX` of them, or the cache being written).
    """

    def __init__(
        self, buffer: Buffer, starts: array[int], masks: array[int], path: Path | None = None
    ) -> None:
        self.buffer = buffer
        self.starts = starts
        self.masks = masks
        self.path = path
        self.overrides: dict[int, bytes] = {}  # row -> its text now (the buffer's is old)
        self.forget()

    @property
    def rows(self) -> int:
        return len(self.masks)

    def text_of(self, row: int) -> bytes:
        text = self.overrides.get(row)
        if text is not None:
            return text
        return bytes(self.buffer[self.starts[row] : self.starts[row + 1] - 1])

    def forget(self) -> None:
        """Drop remembered answers (after the rows changed); running jobs start again."""
        self.generation = getattr(self, "generation", 0) + 1
        self._sample: bytes | None = None
        self._shares: dict[int, float] = {}
        self._last_terms: list[bytes] = []
        self._last_rows: list[int] = []
        self._recent: dict[tuple[bytes, ...], list[int]] = {}

    # -- edits (update_paths): the rows made anew in one pass over the text

    def override(self, row: int, text: bytes, mask: int) -> bool:
        """Row ``row``'s text is now ``text`` (with its letter ``mask``), without writing
        the buffer anew; False when there are too many overrides: :meth:`rebuild` then."""
        if row not in self.overrides and len(self.overrides) >= OVERRIDES_MAX:
            return False
        self.overrides[row] = bytes(text)
        self.masks[row] = mask
        self.forget()
        return True

    def rebuild(self, segments: Iterable[Segment], sink: TextSink | None = None) -> None:
        """Make the rows anew from ``segments``; the text goes to ``sink`` (memory when
        None). One pass copies the kept rows' text, however many rows changed; the
        overridden ones among them take their new text."""
        self.take(self.rebuilt(segments, sink))

    def rebuilt(self, segments: Iterable[Segment], sink: TextSink | None = None) -> Rebuilt:
        """:meth:`rebuild`'s new text, starts and masks, leaving this store as it is: a
        worker thread may make them while the store is searched; :meth:`take` puts
        them in (at 50k entries the copy takes ~0.4 s, the take nothing)."""
        buffer, starts, masks = self.buffer, self.starts, self.masks
        out = sink if sink is not None else TextSink(memory=True)
        new_starts, new_masks = array("q", [0]), array("Q")
        try:
            for segment in self._with_overrides(segments):
                if isinstance(segment, range):
                    first, end = segment.start, segment.stop
                    if first >= end:
                        continue
                    lo, hi = starts[first], starts[end]
                    delta = out.size - lo
                    copy_range(buffer, lo, hi, out)
                    kept = starts[first + 1 : end + 1]
                    new_starts.extend([start + delta for start in kept] if delta else kept)
                    new_masks.extend(masks[first:end])
                else:
                    text, mask = segment
                    out.write(text)
                    out.write(b"\n")
                    new_starts.append(out.size)
                    new_masks.append(mask)
            new_buffer = out.finish()
        except BaseException:
            out.abort()
            raise
        return new_buffer, new_starts, new_masks, out.path

    def take(self, rebuilt: Rebuilt) -> None:
        """Hold the rows :meth:`rebuilt` made (its overrides are in them)."""
        self.buffer, self.starts, self.masks, self.path = rebuilt
        self.overrides = {}
        self.forget()

    def _with_overrides(self, segments: Iterable[Segment]) -> Iterator[Segment]:
        """``segments`` with each kept range cut around its overridden rows, which come
        as new texts instead."""
        overrides = self.overrides
        if not overrides:
            yield from segments
            return
        rows = sorted(overrides)
        for segment in segments:
            if not isinstance(segment, range):
                yield segment
                continue
            first = segment.start
            for row in rows[bisect.bisect_left(rows, segment.start) :]:
                if row >= segment.stop:
                    break
                yield range(first, row)
                yield overrides[row], self.masks[row]
                first = row + 1
            yield range(first, segment.stop)

    def replace(self, row: int, text: bytes, mask: int, sink: TextSink | None = None) -> None:
        self.rebuild([range(row), (text, mask), range(row + 1, self.rows)], sink)

    def insert(self, row: int, text: bytes, mask: int, sink: TextSink | None = None) -> None:
        self.rebuild([range(row), (text, mask), range(row, self.rows)], sink)

    def delete(self, row: int, sink: TextSink | None = None) -> None:
        self.rebuild([range(row), range(row + 1, self.rows)], sink)

    # -- searching

    def find(self, query: str) -> list[int]:
        """Rows whose text holds every whitespace-separated term of ``query``."""
        return self.job(query).run()

    def job(self, query: str) -> SearchJob:
        """The search for ``query``, to run at once (:meth:`SearchJob.run`) or in slices
        (:meth:`SearchJob.step`) between a caller's events."""
        return SearchJob(self, query)

    def _remember(self, key: tuple[bytes, ...], terms: list[bytes], rows: list[int]) -> None:
        if len(self._recent) >= _RECENT_MAX:
            del self._recent[next(iter(self._recent))]
        self._recent[key] = rows
        self._last_terms, self._last_rows = terms, rows

    def byte_share(self, byte: int) -> float:
        """Estimated share of the buffer's bytes that are ``byte`` (from a sample)."""
        share = self._shares.get(byte)
        if share is None:
            if self._sample is None:
                buffer, size = self.buffer, len(self.buffer)
                if size <= _SAMPLE_PIECES * _SAMPLE_PIECE:
                    self._sample = _read_released(buffer, 0, size)
                else:
                    stride = size // _SAMPLE_PIECES
                    self._sample = b"".join(
                        _read_released(buffer, i * stride, i * stride + _SAMPLE_PIECE)
                        for i in range(_SAMPLE_PIECES)
                    )
            sample = self._sample
            share = sample.count(byte) / len(sample) if sample else 0.0
            self._shares[byte] = share
        return share


# Sampled byte frequencies (1 MB of the buffer in 64 pieces) choose how a term is
# scanned; they only steer speed, never the result.
_SAMPLE_PIECES = 64
_SAMPLE_PIECE = 16 << 10
# A job's unit of work between deadline checks: ~4 MB of text (2-4 ms of ``find``),
# or this many rows' letter masks (~0.6 ms: the deadline is checked that often).
_SLICE_BYTES = 4 << 20
_MASK_ROWS = 5_000
# Scanning with ``find`` of the term's rarest byte (memchr, ~20 GB/s) costs ~0.4 µs of
# Python per occurrence of that byte; a plain ``find`` of a short term runs at ~1.2
# GB/s. The rare byte wins while it makes up less than about 1 in 1,000 bytes.
_RARE_SHARE = 1 / 1000


def _terms_of(query: str) -> list[bytes]:
    terms = list(dict.fromkeys(query.lower().encode("utf-8", "surrogatepass").split()))
    terms.sort(key=len, reverse=True)  # the longest term prunes most
    return terms


def _with_bits(masks: array[int], rows: list[int] | None, bits: int) -> list[int]:
    """The rows (all when None) whose mask holds every bit of ``bits`` (``compress``
    over ``map``: no Python bytecode per row)."""
    source: Any = range(len(masks)) if rows is None else rows
    values: Any = masks if rows is None else map(masks.__getitem__, rows)
    held = map(bits.__and__, values)
    if bits & (bits - 1):  # several letters: all of them
        held = map(bits.__eq__, held)
    return list(compress(source, held))


_RUN_SPAN = 1 << 20  # bytes of a mapped file one run of rows may span


def _read_released(buffer: Buffer, lo: int, hi: int) -> bytes:
    """``bytes(buffer[lo:hi])``, the pages handed back at once (see ``_filter_slice``)."""
    data = bytes(buffer[lo:hi])
    release(buffer, lo, hi)
    return data


def _runs(starts: array[int], rows: list[int]) -> list[list[int]]:
    """``rows`` (ascending) cut where the text they span would pass ``_RUN_SPAN``."""
    runs: list[list[int]] = []
    run: list[int] = []
    limit = -1
    for row in rows:
        if starts[row] >= limit:
            run = []
            runs.append(run)
            limit = starts[row] + _RUN_SPAN
        run.append(row)
    return runs


def _has(rows: list[int], row: int) -> bool:
    """``row in rows`` for ascending ``rows``, by bisection."""
    place = bisect.bisect_left(rows, row)
    return place < len(rows) and rows[place] == row


def _holding(find: Any, needle: bytes, starts: array[int], rows: list[int]) -> list[int]:
    """The ``rows`` whose text holds ``needle`` (one ``find`` per row, iterated in C)."""
    lows = [starts[row] for row in rows]
    highs = [starts[row + 1] for row in rows]
    found = map(find, repeat(needle), lows, highs)
    return [row for row, at in zip(rows, found, strict=True) if at >= 0]


class SearchJob:
    """One query over a :class:`SearchText`, in slices of bounded work.

    ``step(deadline)`` works until ``time.perf_counter()`` passes ``deadline`` (checking
    every ~4 MB of text scanned) and says whether the result is in; ``run()`` works to the
    end. The answer is the same either way, and is remembered by the store (narrowing
    the next query, answering a repeated one) only once complete. A job whose store
    was edited meanwhile starts again.
    """

    def __init__(self, store: SearchText, query: str) -> None:
        self.store = store
        self.query = query
        self.result: list[int] | None = None
        self._start()

    @property
    def done(self) -> bool:
        return self.result is not None

    def _start(self) -> None:
        store = self.store
        self._generation = store.generation
        self.result = None
        terms = _terms_of(self.query)
        self._terms = terms
        if not terms:
            store._last_terms, store._last_rows = [], []
            self.result = list(range(store.rows))
            return
        self._key = tuple(sorted(terms))
        known = store._recent.get(self._key)
        if known is not None:
            store._last_terms, store._last_rows = terms, known
            self.result = list(known)
            return
        old_terms = store._last_terms
        # Every row matching the new query matches the old one when each old term lies
        # inside a new term: then only the old matches need checking, and only for the
        # new terms that do not lie inside an old one (those are known to be there).
        self._rows: list[int] | None = None
        todo = list(terms)
        if old_terms and all(any(old in new for new in terms) for old in old_terms):
            self._rows = store._last_rows
            todo = [t for t in terms if not any(t in old for old in old_terms)]
        self._todo = todo
        self._term: bytes | None = None  # the term being searched for
        self._found: list[int] = []
        self._cursor = 0

    def run(self) -> list[int]:
        while not self.step(float("inf")):
            pass
        assert self.result is not None
        return list(self.result)

    def step(self, deadline: float) -> bool:
        """Work until the result is in (True) or ``deadline`` has passed (False)."""
        if self.result is not None:
            return True
        if self.store.generation != self._generation:
            self._start()  # the rows changed under us: search them again
            if self.result is not None:
                return True
        clock = time.perf_counter
        while True:
            if self._term is None and not self._next_term():
                rows = self._rows if self._rows is not None else []
                self.store._remember(self._key, self._terms, rows)
                self.result = list(rows)
                return True
            self._advance()
            if self._term is not None and clock() >= deadline:
                return False

    def _next_term(self) -> bool:
        """Set up the next term (answering it at once when the masks can); False when
        none is left."""
        store = self.store
        masks = store.masks
        while self._todo:
            if self._rows is not None and not self._rows:
                self._todo = []
                return False
            term = self._todo.pop(0)
            bits = _term_mask(term)
            if len(term) == 1 and bits:  # a letter: the masks are the answer
                self._rows = _with_bits(masks, self._rows, bits)
                continue
            self._term = term
            self._found = []
            self._cursor = 0
            # Rows lacking one of the term's letters cannot hold it: the masks sort
            # them out first, in slices like the search (``_mask_slice``).
            self._bits = bits
            self._pool: list[int] | None = [] if bits else None
            # Find the term's rarest byte (memchr) when it is rare enough, else the term.
            rare = min(set(term), key=store.byte_share)
            if len(term) > 1 and store.byte_share(rare) < _RARE_SHARE:
                self._needle = bytes([rare])
                self._offsets = [k for k, c in enumerate(term) if c == rare]
            else:
                self._needle, self._offsets = term, [0]
            return True
        return False

    def _advance(self) -> None:
        """One slice (~4 MB of text) of the current term's search."""
        assert self._term is not None
        if self._pool is not None:
            self._mask_slice()
        elif self._rows is None:
            self._scan_slice()
        else:
            self._filter_slice(self._rows)

    def _mask_slice(self) -> None:
        """The next rows' masks (~1/4 of 50k rows a slice); at the end the pool replaces
        the rows to search when it prunes (a whole scan stays cheaper otherwise)."""
        pool, rows, masks = self._pool, self._rows, self.store.masks
        assert pool is not None
        total = len(masks) if rows is None else len(rows)
        i = self._cursor
        j = min(total, i + _MASK_ROWS)
        part = list(range(i, j)) if rows is None else rows[i:j]
        pool += _with_bits(masks, part, self._bits)
        self._cursor = j
        if j >= total:
            if rows is not None or len(pool) * 2 < len(masks):
                self._rows = pool
            self._pool = None
            self._cursor = 0

    def _scan_slice(self) -> None:
        """The next rows of the whole buffer: a ``find`` skips non-matching rows at C
        speed, jumping to the next row on a hit."""
        store = self.store
        starts = store.starts
        lo_row = self._cursor
        lo = starts[lo_row]
        hi_row = min(bisect.bisect_left(starts, lo + _SLICE_BYTES), store.rows)
        hi_row = max(hi_row, lo_row + 1) if lo_row < store.rows else lo_row
        self._search_range(lo, starts[hi_row], lo_row)
        release(store.buffer, lo, starts[hi_row])
        self._cursor = hi_row
        if hi_row >= store.rows:
            self._finish_term()

    def _filter_slice(self, rows: list[int]) -> None:
        """The next candidates (about ~4 MB of their text), in comprehensions."""
        store = self.store
        starts, find, term = store.starts, store.buffer.find, self._term
        assert term is not None
        i = self._cursor
        j = i + max(1, _SLICE_BYTES * store.rows // max(1, len(store.buffer)))
        chunk = rows[i:j]
        needle, buffer = self._needle, store.buffer
        # A mapped file's rows are read in runs of nearby rows, each handed back before
        # the next: a page read maps its neighbours too (fault-around, large folios), so
        # rows scattered over the file would map most of it at once.
        runs = [chunk] if isinstance(buffer, bytes | bytearray) else _runs(starts, chunk)
        for run in runs:
            held = run
            if needle is not term:  # rows lacking the rare byte go first (memchr)
                held = _holding(find, needle, starts, run)
            self._found += _holding(find, term, starts, held)
            if run:
                release(buffer, starts[run[0]], starts[run[-1] + 1])
        self._cursor = j
        if j >= len(rows):
            self._finish_term()

    def _finish_term(self) -> None:
        """The term's answer, corrected for the overridden rows (the buffer holds their
        old text): each one among the candidates is in when its new text holds it."""
        found = self._found
        overrides = self.store.overrides
        if overrides:
            term, candidates = self._term, self._rows
            assert term is not None
            for row, text in overrides.items():
                if candidates is not None and not _has(candidates, row):
                    continue
                held, place = term in text, bisect.bisect_left(found, row)
                listed = place < len(found) and found[place] == row
                if held and not listed:
                    found.insert(place, row)
                elif listed and not held:
                    del found[place]
        self._rows = found
        self._term = None

    def _search_range(self, lo: int, hi: int, first_row: int) -> None:
        """Append to ``_found`` the rows from ``first_row`` (starting at ``lo``) up to
        ``hi`` (a row's start) whose text holds the term."""
        term, needle, offsets = self._term, self._needle, self._offsets
        assert term is not None
        buffer, starts = self.store.buffer, self.store.starts
        find, locate, append = buffer.find, bisect.bisect_right, self._found.append
        size = len(term)
        position = lo
        if needle is term:
            position = find(term, position, hi)
            while position >= 0:
                row = locate(starts, position, first_row) - 1
                append(row)
                position = find(term, starts[row + 1], hi)
            return
        while True:
            position = find(needle, position, hi)
            if position < 0:
                return
            for k in offsets:
                at = position - k
                if at >= lo and buffer[at : at + size] == term:
                    row = locate(starts, at, first_row) - 1
                    append(row)
                    position = starts[row + 1]
                    break
            else:
                position += 1
