"""What to find and what to put instead: plain text, whole words, case, regular expressions.

Python's :mod:`re` does the matching (a plain find is an escaped pattern, so every mode
shares one code path); what is written here is only the option handling, the messages an
editor sees while typing, and :func:`index_terms`, the words that every match must
contain, which lets the corpus index's lower-cased search text pick the candidate files
before any file is read.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parser's op codes; stable since Python 3.11
import re._parser as sre_parser
from dataclasses import dataclass

from editor.content.errors import ContentError

__all__ = ["FindOptions", "PatternError", "compile_find", "index_phrases", "index_terms"]

_LITERAL_NEWLINE = re.compile(r"\\n")  # the index reads a literal \n as a space


class PatternError(ContentError):
    """The find pattern or the replacement template is not valid (``column`` is 1-based)."""


@dataclass(frozen=True)
class FindOptions:
    """One find-and-replace request, as the dialog and the command line take it."""

    find: str
    replace: str = ""
    regex: bool = False  # ``find`` is a regular expression; ``replace`` may use \\1, \\g<name>
    word: bool = False  # match whole words only
    case: bool = False  # match case exactly

    def describe(self) -> str:
        """A short label for undo menus and messages."""
        find = self.find if len(self.find) <= 30 else self.find[:29] + "…"
        repl = self.replace if len(self.replace) <= 30 else self.replace[:29] + "…"
        return f"Replace “{find}” with “{repl}”"


@dataclass(frozen=True)
class CompiledFind:
    """A compiled request: ``expand(match)`` gives the text that replaces ``match``."""

    options: FindOptions
    pattern: re.Pattern[str]

    def expand(self, match: re.Match[str]) -> str:
        if not self.options.regex:
            return self.options.replace  # plain mode: the replacement is taken literally
        return match.expand(self.options.replace)


def compile_find(options: FindOptions) -> CompiledFind:
    """Compile ``options``; :class:`PatternError` says what is wrong and where.

    Whole words use look-arounds rather than ``\\b`` so a term that starts or ends with
    punctuation (``C++``, ``.NET``) still matches as a word. The replacement template of
    a regular expression is checked here too (``\\3`` with two groups), not at apply time.
    """
    if options.find == "":
        raise PatternError("nothing to find: the pattern is empty")
    source = options.find if options.regex else re.escape(options.find)
    if options.word:
        source = rf"(?<!\w)(?:{source})(?!\w)"
    flags = 0 if options.case else re.IGNORECASE
    try:
        pattern = re.compile(source, flags)
    except re.error as exc:
        column = (exc.pos + 1) if exc.pos is not None and not options.word else None
        raise PatternError(f"invalid regular expression: {exc.msg}", None, None, column) from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise PatternError(f"invalid regular expression: {exc}") from None
    if options.regex:
        try:
            sre_parser.parse_template(options.replace, pattern)
        except re.error as exc:
            raise PatternError(f"invalid replacement: {exc.msg}", None, None, None) from None
    return CompiledFind(options, pattern)


def index_terms(options: FindOptions) -> list[str] | None:
    """Lower-cased ASCII words every match contains, for the index's search text.

    ``None`` when nothing can be said (a regular expression with no required literal):
    then every file is a candidate. The terms are cut at whitespace and at non-ASCII
    characters, whose lower case can differ between ``str.lower`` and :mod:`re`'s
    case folding; a match that exists only through such folding (U+017F long s, U+212A
    Kelvin sign, U+0131 dotless i matching s, k, i) is not found through the index.
    """
    if options.regex:
        try:
            runs = _required_literals(sre_parser.parse(options.find, 0 if options.case else 2))
        except (re.error, RecursionError, OverflowError, ValueError):
            return None
    else:
        runs = [options.find]
    terms: list[str] = []
    for run in runs:
        text = _LITERAL_NEWLINE.sub(" ", run.lower())
        for word in re.split(r"[^\x21-\x7e]+", text):
            if word and word not in terms:
                terms.append(word)
    return terms or None


def index_phrases(options: FindOptions) -> list[bytes]:
    """Runs of a plain find that hold a space, as the index's text has them (lower-cased
    ASCII, UTF-8): each must occur in a row's text as it is. Words alone say less: the
    brand suffix ``| QuickTakes`` has two words that nearly every entry holds apart."""
    if options.regex:
        return []
    text = _LITERAL_NEWLINE.sub(" ", options.find.lower()).replace("\n", " ")
    runs = re.split(r"[^\x20-\x7e]+", text)
    return [run.strip().encode("ascii") for run in runs if " " in run.strip()]


def _required_literals(parsed: sre_parser.SubPattern) -> list[str]:
    """Runs of literal characters that every match of ``parsed`` contains, in order.

    Only the top level and groups of one branch are read; anything optional, repeated or
    alternative ends a run. Under IGNORECASE the parser marks literals LITERAL_IGNORE...
    in compiled code only, so LITERAL is all that appears here.
    """
    runs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    def walk(items: sre_parser.SubPattern | list[tuple[object, object]]) -> None:
        for op, arg in items:
            if op is sre_constants.LITERAL:
                current.append(chr(arg))  # type: ignore[arg-type]
            elif op is sre_constants.SUBPATTERN:
                _group, add_flags, del_flags, inner = arg  # type: ignore[misc]
                if add_flags or del_flags:  # (?i) ... inside: lower-casing still holds
                    pass
                walk(inner)
            elif op is sre_constants.MAX_REPEAT or op is sre_constants.MIN_REPEAT:
                low, _high, inner = arg  # type: ignore[misc]
                flush()
                if low >= 1:
                    walk(inner)
                    flush()
            elif op is sre_constants.AT:
                continue  # ^, $, \b take no characters
            else:
                flush()
        # a group's end does not end a run: "Digit(al)" is one literal

    walk(parsed)
    flush()
    return runs
