"""Text back from a Qt text widget in the original's own characters.

``QPlainTextEdit`` keeps its text as blocks: every ``\\r\\n``, ``\\r``, ``\\n`` and
U+2029 it is given becomes a block break, and ``toPlainText()`` hands all of them back as
``\\n`` (it also turns U+00A0 into a space and U+2028 into ``\\n``). ``toRawText()``
keeps every character but gives each block break as U+2029. So the only thing a widget
loses is *which* line break stood where; this module puts that back.

:func:`restore_text` aligns the widget's lines with the original's (a line diff, so an
edit anywhere keeps the breaks of every untouched line) and gives each line the break it
had; a line the user made gets the original's usual break. Nothing else is touched, so
NBSP, U+2028, zero-width spaces, soft hyphens, tabs, trailing spaces, CR, CRLF and a
present or missing final newline all come back as they were (and a leading U+FEFF,
which Qt drops: :func:`dropped_prefix`). Pure Python (no Qt) so it is
tested on its own; the field editors are its only callers.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

BLOCK_BREAK = "\u2029"  # what QTextDocument.toRawText() gives for every line break
_BREAK = re.compile("\r\n|\r|\n|\u2029")
_USUAL = ("\r\n", "\n", "\r")


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """``text`` as lines and the break after each (one fewer break than lines)."""
    lines: list[str] = []
    breaks: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        lines.append(text[start : match.start()])
        breaks.append(match.group())
        start = match.end()
    lines.append(text[start:])
    return lines, breaks


def shown_text(text: str) -> str:
    """What ``toRawText()`` of a text document given ``text`` holds (for tests and checks)."""
    return _BREAK.sub(BLOCK_BREAK, text)


def dropped_prefix(given: str, held: str, *, blocks: bool = True) -> str:
    """The start of ``given`` a widget did not take (``held`` is what it then holds;
    ``blocks``: it is a text document's raw text, breaks as U+2029).

    Qt drops a U+FEFF that starts the text (it reads it as a byte order mark); the
    editors put back what was dropped so that an edit elsewhere does not lose it.
    """
    shown = shown_text(given) if blocks else given
    cut = len(shown) - len(held)
    if cut > 0 and shown.endswith(held) and shown[:cut] == given[:cut]:
        return given[:cut]
    return ""


def usual_break(text: str, default: str = "\n") -> str:
    """The line break ``text`` uses most (``default`` when it has none)."""
    counts = Counter(b for b in _BREAK.findall(text) if b in _USUAL)
    return counts.most_common(1)[0][0] if counts else default


def restore_text(original: str, raw: str, newline: str | None = None) -> str:
    """The widget's ``raw`` text (``toRawText()``) with ``original``'s line breaks back.

    Lines the widget still holds unchanged keep the break they had; a changed line keeps
    the break of the line it replaced (counted from the end of a changed run); a new
    line gets ``newline`` (default: the original's usual break, else ``\\n``).
    """
    old_lines, old_breaks = split_lines(original)
    new_lines = raw.split(BLOCK_BREAK)
    if new_lines == old_lines:
        return original
    typed = newline if newline is not None else usual_break(original)
    # The break after new line j, filled from the alignment with the original's lines.
    breaks: list[str] = [typed] * (len(new_lines) - 1)
    head = 0
    limit = min(len(old_lines), len(new_lines))
    while head < limit and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < limit - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1

    def carry(i: int, j: int) -> None:
        if j < len(breaks) and i < len(old_breaks):
            breaks[j] = old_breaks[i]

    for k in range(head):
        carry(k, k)
    for k in range(1, tail + 1):
        carry(len(old_lines) - k, len(new_lines) - k)
    old_mid = old_lines[head : len(old_lines) - tail]
    new_mid = new_lines[head : len(new_lines) - tail]
    matcher = SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # Counted from the end: a line split in two keeps its break after the second
        # part, two lines joined keep the second one's break (the first was deleted).
        for back in range(1, min(i2 - i1, j2 - j1) + 1):
            carry(head + i2 - back, head + j2 - back)
    out: list[str] = []
    for j, line in enumerate(new_lines):
        out.append(line)
        if j < len(breaks):
            out.append(breaks[j])
    return "".join(out)
