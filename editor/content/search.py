"""The filter's text: every entry's lower-cased values, kept once, searched fast.

The lower-cased values of every entry (:mod:`search_rows`) live *once*, in one buffer
(rows separated by a newline, an offsets array beside it; a record slices its text out
only when asked), with a bit mask per row of the ASCII letters it holds. Hand-written
because no library fits the budget (a keystroke over 50k entries, no extra memory).

A search is a :class:`~editor.content.search_job.SearchJob` that works in slices of
~4 MB of text, so a window can run a costly query between its events
(``step(deadline)``) rather than within one keystroke; :meth:`SearchText.find` runs the
job to the end.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pathlib import Path

from editor.content.search_job import Answers, SearchJob
from editor.content.text_file import Buffer, TextSink, copy_range, release

__all__ = ["OVERRIDES_MAX", "SearchBuilder", "SearchText", "Segment"]


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
        self.answers = Answers()

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

    def rebuild(self, segments: Iterable[Segment], sink: TextSink | None = None) -> Rebuilt:
        """Make the rows anew from ``segments``; the text goes to ``sink`` (memory when
        None). One pass copies the kept rows' text, however many rows changed; the
        overridden ones among them take their new text. The old rows: see :meth:`take`."""
        return self.take(self.rebuilt(segments, sink))

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

    def take(self, rebuilt: Rebuilt) -> Rebuilt:
        """Hold the rows :meth:`rebuilt` made (its overrides are in them); the old ones
        are returned, for the caller to let go of where it suits it: freeing a 50k
        index's ~140 MB buffer took the window's thread up to 91 ms."""
        old = self.buffer, self.starts, self.masks, self.path
        self.buffer, self.starts, self.masks, self.path = rebuilt
        self.overrides = {}
        self.forget()
        return old

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


def _read_released(buffer: Buffer, lo: int, hi: int) -> bytes:
    """``bytes(buffer[lo:hi])``, the pages handed back at once (as ``SearchJob`` does)."""
    data = bytes(buffer[lo:hi])
    release(buffer, lo, hi)
    return data
