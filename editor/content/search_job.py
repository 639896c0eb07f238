"""A query over the filter's text: its terms matched row by row, in slices of bounded work.

A term is searched with ``bytes.find`` over the whole buffer, jumping to the next row on
a hit, so non-matching text is skipped at C speed; a one-letter term is answered from
the rows' letter masks; a query that extends the previous one only re-checks the
previous matches, and only for the terms that are new. A term whose rarest byte is rare
(by the store's sampled frequency table) is found by that byte instead (``find`` of one
byte is memchr, ~20 GB/s, where a short term runs at ~1.2 GB/s), each hit verified in
place.
"""

from __future__ import annotations

import bisect
import time
from array import array
from itertools import compress, repeat
from typing import Any, Protocol

from editor.content.search_rows import term_mask
from editor.content.text_file import Buffer, release

__all__ = ["Answers", "SearchJob", "Searched"]

_RECENT_MAX = 16


class Answers:
    """What the last searches of a store found: the last query narrows the next one, and
    a repeated query is answered at once. Made anew whenever the rows change."""

    def __init__(self) -> None:
        self.last_terms: list[bytes] = []
        self.last_rows: list[int] = []
        self.recent: dict[tuple[bytes, ...], list[int]] = {}

    def remember(self, key: tuple[bytes, ...], terms: list[bytes], rows: list[int]) -> None:
        if len(self.recent) >= _RECENT_MAX:
            del self.recent[next(iter(self.recent))]
        self.recent[key] = rows
        self.last_terms, self.last_rows = terms, rows


class Searched(Protocol):
    """What a :class:`SearchJob` reads of its store (:class:`~editor.content.search.SearchText`)."""

    buffer: Buffer
    starts: array[int]
    masks: array[int]
    overrides: dict[int, bytes]
    generation: int
    answers: Answers

    @property
    def rows(self) -> int: ...

    def byte_share(self, byte: int) -> float: ...


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
    """One query over a store of search texts (:class:`Searched`), in slices of bounded work.

    ``step(deadline)`` works until ``time.perf_counter()`` passes ``deadline`` (checking
    every ~4 MB of text scanned) and says whether the result is in; ``run()`` works to the
    end. The answer is the same either way, and is remembered by the store (narrowing
    the next query, answering a repeated one) only once complete. A job whose store
    was edited meanwhile starts again.
    """

    def __init__(self, store: Searched, query: str) -> None:
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
            store.answers.last_terms, store.answers.last_rows = [], []
            self.result = list(range(store.rows))
            return
        self._key = tuple(sorted(terms))
        known = store.answers.recent.get(self._key)
        if known is not None:
            store.answers.last_terms, store.answers.last_rows = terms, known
            self.result = list(known)
            return
        old_terms = store.answers.last_terms
        # Every row matching the new query matches the old one when each old term lies
        # inside a new term: then only the old matches need checking, and only for the
        # new terms that do not lie inside an old one (those are known to be there).
        self._rows: list[int] | None = None
        todo = list(terms)
        if old_terms and all(any(old in new for new in terms) for old in old_terms):
            self._rows = store.answers.last_rows
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
                self.store.answers.remember(self._key, self._terms, rows)
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
            bits = term_mask(term)
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
