"""The text edits of one save, collected while the data is compared and applied at once.

Edits are spans of the original text with their new text; applying them in order keeps
every byte between them. New text is written with the file's own line breaks, and the
blank lines after a new block scalar are settled so they do not become part of it.
"""

from __future__ import annotations

import re

from editor.content.errors import WriteError
from editor.content.writer.source import Source

__all__ = ["Edits", "RerenderError"]

_HEADER_AT_END = re.compile(r"(?:^|[ \t])[|>](?:[1-9][+-]?|[+-][1-9]?)?$")


class RerenderError(Exception):
    """A value's shape cannot be patched in place; its caller re-renders it whole."""


class Edits:
    """Text edits on the front matter, applied in one pass at the end."""

    def __init__(self, source: Source, newline: str) -> None:
        self.source = source
        self.nl = newline
        self.edits: list[tuple[int, int, int, str]] = []
        self.erased: set[tuple[int, int]] = set()

    def edit(self, start: int, end: int, text: str) -> None:
        if self.nl != "\n":  # new text never holds a raw CR; copied separators may hold CRLF
            text = text.replace("\r\n", "\n").replace("\n", self.nl)
        self.edits.append((start, end, len(self.edits), text))

    def insert_lines(self, pos: int, lines: list[str]) -> None:
        """New whole lines at ``pos`` (a line start), with the blank lines after settled."""
        self.edit(pos, pos, "".join(line + "\n" for line in lines))
        self.settle_after(lines, pos)

    def mark(self) -> int:
        """A point to :meth:`undo_to` when an attempt is given up."""
        return len(self.edits)

    def undo_to(self, mark: int) -> None:
        del self.edits[mark:]

    def apply(self) -> str:
        src = self.source.src
        out: list[str] = []
        pos = 0
        for start, end, _, text in sorted(self.edits):
            if start < pos:
                raise WriteError(
                    "overlapping edits (aliases or an unusual layout)", self.source.path
                )
            out += [src[pos:start], text]
            pos = end
        out.append(src[pos:])
        return "".join(out)

    def settle_after(self, lines: list[str], pos: int) -> None:
        """After new lines that end in a block scalar, make the blank lines that follow at
        ``pos`` stay out of it."""
        chomping = _final_block_chomping(lines)
        if chomping is not None:
            self.settle_blank_lines(pos, keep=chomping == "+")

    def settle_blank_lines(self, i: int, *, keep: bool) -> None:
        """Blank lines after a new block scalar would be its own (keep chomping: drop them)
        or, holding more spaces than its indentation, its content (empty them)."""
        src = self.source.src
        j = i
        while j < len(src):
            end = self.source.after_line(j)
            line = src[j:end]
            if line.strip():
                break
            blanks = len(line.rstrip("\r\n"))
            if blanks and not keep:
                self._erase(j, j + blanks)
            j = end
        if keep and j > i:
            self._erase(i, j)

    def _erase(self, start: int, end: int) -> None:
        """Delete a span once, however many new values ask for it."""
        if (start, end) not in self.erased:
            self.erased.add((start, end))
            self.edit(start, end, "")


def _final_block_chomping(lines: list[str]) -> str | None:
    """The chomping indicator ("+", "-" or "") of a block scalar that ends ``lines``."""
    for k in range(len(lines) - 1, -1, -1):
        header = _HEADER_AT_END.search(lines[k])
        if header is None:
            continue
        col = len(lines[k]) - len(lines[k].lstrip(" "))
        if all(
            not line.strip() or len(line) - len(line.lstrip(" ")) > col for line in lines[k + 1 :]
        ):
            return "+" if "+" in header.group() else "-" if "-" in header.group() else ""
        return None
    return None
