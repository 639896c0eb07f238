"""Which words of a Markdown text a spell checker should look at, with their positions.

No Markdown library gives character offsets for inline text (markdown-it and
Python-Markdown report block lines at best), and a highlighter needs exact columns,
one line at a time, with what is open at the end of the previous line (a code fence,
display math). So this is a small line scanner: it blanks what is not prose (code
spans and fences, math ``$…$``/``$$…$$``/``\\(…\\)``/``\\[…\\]``, URLs and e-mail
addresses, link targets, HTML tags and entities, TeX commands, literal ``\\n``) and
yields the words that are left. Words with digits or underscores, single letters,
ALL-CAPS acronyms and mixedCase identifiers are never checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final, NamedTuple

# Line states: what a line opens that goes on into the next one.
NORMAL: Final = 0
FENCE_BACKTICK: Final = 1
FENCE_TILDE: Final = 2
MATH_DOLLARS: Final = 3  # $$ … $$ over several lines
MATH_BRACKET: Final = 4  # \[ … \] over several lines

_FENCE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?(`{3,}|~{3,})")
_SKIP = re.compile(
    r"""
      (?P<code>(`+).+?(?<!`)\2(?!`))            # a code span
    | \$\$.+?\$\$                               # display math on one line
    | (?<![\\$\w])\$(?=[^\s$])[^$\n]*?(?<=[^\s$\\])\$(?![\w$]) # inline $math$
    | \\\(.*?\\\) | \\\[.*?\\\]                 # \( … \), \[ … \]
    | (?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\[\]]+ # a URL
    | \]\([^)\s]*(?:\s+"[^"]*")?\)              # a link's target
    | ^\s*\[[^\]]+\]:\s*\S+                     # a link reference definition
    | <[^<>\s][^<>]*>                           # an HTML tag or autolink
    | &\#?\w+;                                  # an entity (&nbsp;)
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+              # an e-mail address
    | \\[A-Za-z]+                               # a TeX command, a literal \n
    | (?<![\w/])/[\w.-]+(?:/[\w.-]*)+             # a site path: /learn/x/
    | (?<![\w/])/[^/\s][^/\n]*?/(?![\w/])         # /a pronunciation/
    """,
    re.VERBOSE,
)
_NOT_PROSE = re.compile(r"[\d_\u0250-\u02ff]")  # digits, _, IPA and modifier letters
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_OPENERS = ((re.compile(r"\$\$"), MATH_DOLLARS), (re.compile(r"\\\["), MATH_BRACKET))
_CLOSERS = {MATH_DOLLARS: re.compile(r"\$\$"), MATH_BRACKET: re.compile(r"\\\]")}


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


class Word(NamedTuple):
    """A word to check: ``text`` at ``line[start:end]``."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=65536)
def checkable(word: str) -> bool:
    """Whether a word is prose a dictionary can judge (not an acronym, code or number)."""
    if len(word) < 2 or _NOT_PROSE.search(word):
        return False
    letters = word.replace("'", "").replace("’", "")
    if letters.isupper():
        return False  # an acronym: API, HTML
    # mixedCase / CamelCase inside the word: an identifier (PySide, iPhone, getValue)
    rest = letters[1:]
    return rest == rest.lower()


def line_words(line: str, state: int = NORMAL) -> tuple[list[Word], int]:
    """The words to check on one line, and the state the next line starts in."""
    fence = _FENCE.match(line)
    if state in (FENCE_BACKTICK, FENCE_TILDE):
        if fence and fence.group(1)[0] == ("`" if state == FENCE_BACKTICK else "~"):
            return [], NORMAL
        return [], state
    if fence:
        return [], FENCE_BACKTICK if fence.group(1)[0] == "`" else FENCE_TILDE
    start = 0
    if state in _CLOSERS:
        close = _CLOSERS[state].search(line)
        if close is None:
            return [], state
        start = close.end()
    masked = " " * start + _SKIP.sub(_blank, line[start:]) if start else _SKIP.sub(_blank, line)
    state = NORMAL
    for opener, opened in _OPENERS:
        found = opener.search(masked)
        if found is not None:
            masked = masked[: found.start()] + " " * (len(masked) - found.start())
            state = opened
    words = [
        Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(masked) if checkable(m.group())
    ]
    return words, state


def text_words(text: str) -> Iterator[tuple[int, Word]]:
    """Every word to check in a whole text, as (offset of its line, word)."""
    state = NORMAL
    offset = 0
    for line in text.split("\n"):
        words, state = line_words(line, state)
        for word in words:
            yield offset, word
        offset += len(line) + 1
