"""The filter's text: every entry's lower-cased values, kept once, searched fast.

Hand-written because no library fits the budget (a keystroke over 50k entries, no
extra memory): the lower-cased values of every entry live *once*, in one buffer (rows
separated by a newline, an offsets array beside it; a record slices its text out only
when asked), with a bit mask per row of the ASCII letters it holds. A term is searched
with ``bytes.find`` over the whole buffer, jumping to the next row on a hit, so
non-matching text is skipped at C speed; a one-letter term is answered from the masks;
a query that extends the previous one only re-checks the previous matches, and only
for the terms that are new.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from typing import Any

from editor.content import index_cache


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


def search_bytes(parts: list[str]) -> bytes:
    """:func:`search_text` of the name and the values' texts (``_collect``'s list)."""
    text = " ".join(dict.fromkeys(parts)).lower()
    if "\\n" in text:
        text = text.replace("\\n", " ")
    if "\n" in text:
        text = text.replace("\n", " ")  # the buffer's row separator
    return text.encode("utf-8", "surrogatepass")


# Letters whose presence each row records in a bit mask (digits are rare in text and
# would each cost a scan of the whole text per file).
_MASK_CHARS = b"abcdefghijklmnopqrstuvwxyz"
_MASK_ITEMS = tuple((bytes([c]), 1 << bit) for bit, c in enumerate(_MASK_CHARS))
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
    """Collects rows' search texts into one buffer, in row order."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.starts = array("q", [0])
        self.masks = array("Q")

    def add(self, text: bytes | memoryview, mask: int) -> None:
        buffer = self.buffer
        buffer += text
        buffer += b"\n"
        self.starts.append(len(buffer))
        self.masks.append(mask)

    def add_chunk(self, texts: bytes, lengths: array[int], masks: array[int]) -> None:
        """Add texts already joined (each followed by a newline) with their lengths."""
        buffer, starts = self.buffer, self.starts
        position = len(buffer)
        buffer += texts
        for length in lengths:
            position += length + 1
            starts.append(position)
        self.masks.extend(masks)

    def finish(self) -> SearchText:
        return SearchText(self.buffer, self.starts, self.masks)


_RECENT_MAX = 16


class SearchText:
    """All rows' search texts in one buffer, each followed by a newline.

    ``starts[i]`` .. ``starts[i + 1] - 1`` is row ``i``; ``masks[i]`` says which ASCII
    letters it holds.
    """

    def __init__(self, buffer: index_cache.Buffer, starts: array[int], masks: array[int]) -> None:
        self.buffer = buffer
        self.starts = starts
        self.masks = masks
        self.forget()

    @property
    def rows(self) -> int:
        return len(self.masks)

    def text_of(self, row: int) -> bytes:
        return bytes(self.buffer[self.starts[row] : self.starts[row + 1] - 1])

    def forget(self) -> None:
        """Drop remembered answers (after the rows changed)."""
        self._last_terms: list[bytes] = []
        self._last_rows: list[int] = []
        self._recent: dict[tuple[bytes, ...], list[int]] = {}

    # -- edits (update_paths): in place, the rest of the buffer moves once

    def _editable(self) -> bytearray:
        if not isinstance(self.buffer, bytearray):
            self.buffer = bytearray(self.buffer)  # the cache's mapped file: copy once
        return self.buffer

    def _shift(self, row: int, delta: int) -> None:
        starts = self.starts
        if delta:
            starts[row:] = array("q", [s + delta for s in starts[row:]])

    def replace(self, row: int, text: bytes, mask: int) -> None:
        lo, hi = self.starts[row], self.starts[row + 1] - 1
        self._editable()[lo:hi] = text
        self._shift(row + 1, len(text) - (hi - lo))
        self.masks[row] = mask

    def insert(self, row: int, text: bytes, mask: int) -> None:
        at = self.starts[row]
        self._editable()[at:at] = text + b"\n"
        self.starts.insert(row + 1, at + len(text) + 1)
        self._shift(row + 2, len(text) + 1)
        self.masks.insert(row, mask)

    def delete(self, row: int) -> None:
        lo, hi = self.starts[row], self.starts[row + 1]
        del self._editable()[lo:hi]
        del self.starts[row + 1]
        self._shift(row + 1, lo - hi)
        del self.masks[row]

    # -- searching

    def find(self, query: str) -> list[int]:
        terms = list(dict.fromkeys(query.lower().encode("utf-8", "surrogatepass").split()))
        if not terms:
            self._last_terms, self._last_rows = [], []
            return list(range(self.rows))
        terms.sort(key=len, reverse=True)  # the longest term prunes most
        key = tuple(sorted(terms))
        rows = self._recent.get(key)
        if rows is None:
            rows = self._find(terms)
            if len(self._recent) >= _RECENT_MAX:
                del self._recent[next(iter(self._recent))]
            self._recent[key] = rows
        self._last_terms, self._last_rows = terms, rows
        return list(rows)

    def _find(self, terms: list[bytes]) -> list[int]:
        old_terms = self._last_terms
        # Every row matching the new query matches the old one when each old term lies
        # inside a new term: then only the old matches need checking, and only for the
        # new terms that do not lie inside an old one (those are known to be there).
        candidates: list[int] | None = None
        if old_terms and all(any(old in new for new in terms) for old in old_terms):
            candidates = self._last_rows
            terms = [t for t in terms if not any(t in old for old in old_terms)]
        masks = self.masks
        for term in terms:
            if not candidates and candidates is not None:
                return []
            bits = _term_mask(term)
            if len(term) == 1 and bits:  # a letter or digit: the masks are the answer
                source = range(len(masks)) if candidates is None else candidates
                candidates = [row for row in source if masks[row] & bits]
            elif candidates is None:
                candidates = self._scan(term)
            else:
                candidates = self._filter(candidates, term, bits)
        return candidates if candidates is not None else []

    def _scan(self, term: bytes) -> list[int]:
        """Rows containing ``term``: one ``find`` skips non-matching rows at C speed."""
        buffer, starts = self.buffer, self.starts
        find, locate = buffer.find, bisect.bisect_right
        rows: list[int] = []
        append = rows.append
        position = find(term)
        while position >= 0:
            row = locate(starts, position) - 1
            append(row)
            position = find(term, starts[row + 1])
        return rows

    def _filter(self, candidates: list[int], term: bytes, bits: int) -> list[int]:
        """The candidates whose text contains ``term``."""
        masks, starts, find = self.masks, self.starts, self.buffer.find
        if bits:  # rows lacking one of the term's letters cannot hold it
            candidates = [row for row in candidates if masks[row] & bits == bits]
        return [row for row in candidates if find(term, starts[row], starts[row + 1]) >= 0]
