"""A unified diff with the changed words marked, for reading with line wrap.

A folded answer is one long line: a line diff shows one added sentence as the whole
paragraph removed and added again, and without wrapping the change is off-screen.
Here each removed line is paired with the added line that replaces it and
``difflib`` compares them word by word, so only the words that changed are marked.
The pieces of a line always join to exactly that line of the diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import Literal

Style = Literal["plain", "header", "hunk", "added", "removed", "added-word", "removed-word"]
Piece = tuple[str, Style]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_spans(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both lines as (text, changed) pieces, compared word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            old_parts.append(("".join(a[i1:i2]), not same))
        if j2 > j1:
            new_parts.append(("".join(b[j1:j2]), not same))
    return old_parts, new_parts


def _is(line: str, sign: str) -> bool:
    return line.startswith(sign) and not line.startswith(sign * 3 + " ")


def _runs(lines: Sequence[str]) -> Iterator[Sequence[str]]:
    """Removed lines with the added lines right after them as one run; others alone."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is(lines[j], "-"):
            j += 1
        k = j
        while j > i and k < len(lines) and _is(lines[k], "+"):
            k += 1
        yield lines[i:k] if k > i else [lines[i]]
        i = max(k, i + 1)


def _line(line: str) -> list[Piece]:
    if line.startswith(("+++ ", "--- ")):
        return [(line, "header")]
    if line.startswith("@@"):
        return [(line, "hunk")]
    if _is(line, "+"):
        return [(line, "added")]
    if _is(line, "-"):
        return [(line, "removed")]
    return [(line, "plain")]


def _marked(sign: str, parts: list[tuple[str, bool]]) -> list[Piece]:
    base: Style = "added" if sign == "+" else "removed"
    word: Style = "added-word" if sign == "+" else "removed-word"
    return [(sign, base)] + [(text, word if changed else base) for text, changed in parts]


def marked_lines(diff: str) -> list[list[Piece]]:
    """Every line of ``diff`` as styled pieces; paired -/+ lines mark changed words."""
    out: list[list[Piece]] = []
    for run in _runs(diff.split("\n")):
        removed = [x for x in run if _is(x, "-")]
        added = [x for x in run if _is(x, "+")]
        if not removed or not added:
            out.extend(_line(x) for x in run)
            continue
        pairs = min(len(removed), len(added))
        old_lines: list[list[Piece]] = []
        new_lines: list[list[Piece]] = []
        for n in range(pairs):
            old_parts, new_parts = word_spans(removed[n][1:], added[n][1:])
            old_lines.append(_marked("-", old_parts))
            new_lines.append(_marked("+", new_parts))
        old_lines += [_line(x) for x in removed[pairs:]]
        new_lines += [_line(x) for x in added[pairs:]]
        out.extend(old_lines + new_lines)
    return out
