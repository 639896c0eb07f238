"""A chunk of parsed files, packed as plain bytes to cross from a worker process.

marshal, not pickle: faster both ways for plain tuples, and the marshalled rows go into
the cache file as they are. A worker may instead append a chunk to its spill file and
send only where it lies (see :mod:`editor.content.index.pool`).
"""

from __future__ import annotations

import marshal
from array import array
from typing import Final

from editor.content.index.rows import FileParts, ParsedRow
from editor.content.seo.rules import FactsRow
from editor.content.text_file import pread_exact

Spilled = tuple[str, int, tuple[int, int, int]]  # path, offset, the three parts' lengths
# rows, facts, texts, lengths, masks, and where the first three are when spilled (they
# are empty then)
Packed = tuple[bytes, bytes, bytes, bytes, bytes, Spilled | None]
PACKED_SPILL: Final = 5


class ParsedChunk:
    """A chunk of parsed files: record rows, and their search texts and masks apart.

    From a worker it comes as four bytes objects (cheap to send): the marshalled rows
    (which also go into the cache file as they are), the texts joined with newlines,
    the texts' lengths and the masks (arrays' bytes).
    """

    __slots__ = ("blob", "facts", "facts_blob", "lengths", "masks", "rows", "spill", "texts")

    def __init__(  # noqa: PLR0917 - the packed parts
        self,
        rows: list[ParsedRow],
        facts: list[FactsRow | None],
        texts: bytes,
        lengths: array[int],
        masks: array[int],
        blob: bytes,
        facts_blob: bytes,
    ) -> None:
        self.rows, self.facts, self.texts, self.lengths, self.masks = (
            rows, facts, texts, lengths, masks,
        )  # fmt: skip
        self.blob = blob  # marshal.dumps(rows): the rows without their facts
        self.facts_blob = facts_blob  # marshal.dumps(facts)
        # Where the texts are instead, when a worker spilled them: (descriptor of the
        # spill file, offset, length); ``texts`` is then empty.
        self.spill: tuple[int, int, int] | None = None

    @classmethod
    def of(cls, parsed: list[FileParts]) -> ParsedChunk:
        """From :func:`parse_file` results: transposed in one C call, no row sliced."""
        if not parsed:
            return cls([], [], b"", array("q"), array("Q"), marshal.dumps([]), marshal.dumps([]))
        row_tuple, facts_tuple, texts, masks = zip(*parsed, strict=True)
        rows, facts = list(row_tuple), list(facts_tuple)  # lists: the cache reads lists
        return cls(
            rows,
            facts,
            b"\n".join([*texts, b""]),  # each text followed by a newline, one copy
            array("q", map(len, texts)),
            array("Q", masks),
            marshal.dumps(rows),
            marshal.dumps(facts),
        )

    def pack(self, spill: Spilled | None = None) -> Packed:
        lengths, masks = self.lengths.tobytes(), self.masks.tobytes()
        if spill is not None:
            return b"", b"", b"", lengths, masks, spill
        return self.blob, self.facts_blob, self.texts, lengths, masks, None

    @classmethod
    def unspill(cls, packed: Packed, fd: int) -> ParsedChunk:
        """:meth:`unpack` of a chunk its worker spilled to the file ``fd``."""
        assert packed[PACKED_SPILL] is not None
        _, offset, (rows, facts, texts) = packed[PACKED_SPILL]
        head = pread_exact(fd, rows + facts, offset)
        parsed = cls.unpack((head[:rows], head[rows:], b"", packed[3], packed[4], None))
        parsed.spill = (fd, offset + rows + facts, texts)
        return parsed

    @classmethod
    def unpack(cls, packed: Packed) -> ParsedChunk:
        blob, facts_blob, texts, lengths, masks, _ = packed
        lengths_array, masks_array = array("q"), array("Q")
        lengths_array.frombytes(lengths)
        masks_array.frombytes(masks)
        return cls(
            marshal.loads(blob), marshal.loads(facts_blob), texts, lengths_array, masks_array,
            blob, facts_blob,
        )  # fmt: skip

    def text_bytes(self) -> bytes:
        """The texts, read back from the spill file if they are there."""
        if self.spill is None:
            return self.texts
        fd, offset, length = self.spill
        return pread_exact(fd, length, offset)


# rows, facts, texts, lengths, masks, and where the first three are when spilled (they
# are empty then)
