"""Front matter parsed with yaml-rs when that is provably the same as PyYAML.

Why this exists: PyYAML's ``CSafeLoader`` builds every value through a pure-Python
constructor and costs about 8x more than parsing itself; ``yaml-rs`` (a Rust YAML 1.2
parser) is the fastest loader on PyPI but speaks YAML 1.2, so a few plain scalars
mean something else than in PyYAML's YAML 1.1 (``yes``, ``1e3``, ``017``, ``1:20``,
``<<`` merges, tags) and it even turns a *quoted* ``'2024-11-27'`` into a date. No
library answers "would PyYAML read this text the same way?", so this module does, by
being conservative on both sides of the parse:

- before: the text must not contain anything where the two could part ways (tabs,
  CR, characters PyYAML rejects or treats as line breaks, tags, risky numerals,
  dates that are quoted or stand alone on a line);
- after: every key and string must be one PyYAML would also read as a string, every
  other scalar one of the types both read alike (finite numbers, bools, null, plain
  dates), every key a string.

Anything else - and any file yaml-rs rejects (duplicate keys, syntax errors) - goes
through :func:`editor.content.frontmatter.parse_yaml`, so data and error messages
(with the file's line:column) are exactly PyYAML's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import yaml

from editor.content import frontmatter

yaml_rs: Any
try:  # an optional speed-up: without it every file goes through PyYAML
    import yaml_rs
except ImportError:  # pragma: no cover - exercised only where yaml-rs is missing
    yaml_rs = None

__all__ = [
    "fast_available",
    "fast_front",
    "load_front",
    "plain_value",
    "quick_front",
    "simple_lines",
    "try_fast",
]

_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_END = re.compile(r"\n(?:---|\.\.\.)")

# Characters PyYAML refuses (non-printable) or reads as line breaks (NEL, LS, PS),
# plus tab and CR, whose handling differs between YAML 1.1 and 1.2 parsers. Checked
# with ``str.isprintable`` (a superset: it also refuses NBSP and format characters,
# which only sends those files down the slow path); ASCII text takes a faster test.
_ASCII_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\n"

# Plain scalars the two parsers read differently: leading zero, radix prefix, exponent,
# underscore, sexagesimal, leading dot; and tags or directives. Each pattern starts with
# a literal so the regex engine skips ahead at C speed (a leading character class is
# five times slower).
_NUMERAL = r"[-+]?(?:[0-9.]*_|0[0-9_oOxXbB]|\.[0-9]|[0-9][0-9_]*(?:\.[0-9_]*)?[eE_:]|[!%])"
# The screens, grouped by their leading literal so each group is one regex pass. After
# the literal, a lookahead on the first characters any branch can start with turns away
# most places (a line of text, a key) in one test instead of one per branch; spaces are
# taken possessively, as no branch starts with one.
_RISKY_COLON = re.compile(
    r": ++(?=[-+0-9._!%&*\[{])(?:"
    + _NUMERAL  # a mapping value
    + r"|[&*]"  # anchors and aliases: yaml-rs is laxer about their names
    + r"|[\[{])"  # flow collections: yaml-rs accepts some PyYAML refuses
)
# After a line break and its indentation (taken possessively: giving spaces back could
# never make another branch match, and would cost a retry per space):
_LINE_SCREEN = (
    r" *+(?:(?=[-&*\n0-9\[{?:])(?:"
    # a sequence item (only at a line's start); possessive: the spaces between nested
    # dashes split between two quantifiers in 2^n ways, and no branch after them starts
    # with a space or a dash followed by one, so nothing is ever given back
    r"- ++(?: *+- ++)*+(?:" + _NUMERAL + r"|[&*\[{]|[?:](?=[ \n]))"
    r"|[&*]"  # an anchor or alias
    r"|(?<= )\n"  # a blank line of spaces: block scalars chomp it differently
    r"|[0-9]{4}-[0-9]"  # yaml-rs reads *any* scalar that is a date as a date
    r"|(?<=\n)[\[{]"  # a flow collection at the start of a line
    r"|[?:](?=[ \n])"  # an explicit key or its value
    # The nesting bound (see ``frontmatter.SCREEN_INDENT``): yaml-rs recurses without a
    # limit (20,000 ``? `` crash the process) and gets no depth check of its own, so a
    # text that might nest deeply goes to PyYAML, which checks it.
    rf"|(?:- ++){{{frontmatter.SCREEN_CHAIN}}})"
    rf"|(?<= {{{frontmatter.SCREEN_INDENT}}}))"
)
_RISKY_LINE = re.compile(r"\n" + _LINE_SCREEN)
# :func:`quick_front`'s search and the line screen in one pass (see :func:`fast_front`):
# the first line break before the closing delimiter (group 1) or a risky line.
_END_OR_RISKY_LINE = re.compile(r"\n(?:(---|\.\.\.)|" + _LINE_SCREEN + ")")
# ... block or quoted:
_RISKY_SINGLE = re.compile("'[0-9]{4}-[0-9]")
_RISKY_DOUBLE = re.compile('"[0-9]{4}-[0-9]')
_RISKY_TAG = re.compile(r"(?:^|[:?\-,\[{]) *[!%]", re.MULTILINE)


def _risky_text(front: str) -> bool:
    """True when the text holds anything the two parsers could read differently."""
    return (
        _risky_chars(front)
        or _RISKY_LINE.search("\n" + front) is not None
        or _risky_within_lines(front)
    )


def _risky_chars(front: str) -> bool:
    if front.isascii():
        return bool(front.encode("ascii").translate(None, _ASCII_PRINTABLE))
    return not front.replace("\n", "").isprintable()


def _risky_within_lines(front: str) -> bool:
    """The screens but for characters and line starts."""
    if ": " in front and _RISKY_COLON.search(front):
        return True
    if ("'" in front and _RISKY_SINGLE.search(front)) or (
        '"' in front and _RISKY_DOUBLE.search(front)
    ):
        return True
    return ("!" in front or "%" in front) and _RISKY_TAG.search(front) is not None


_STR = "tag:yaml.org,2002:str"
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers


def fast_available() -> bool:
    return yaml_rs is not None


_WORDLIKE_MAX = 5  # after a letter, only bool/null resolvers apply: "false" is the longest


def _plain_is_str(text: str) -> bool:
    """True when PyYAML would read ``text``, written plain, as a string."""
    if (len(text) > _WORDLIKE_MAX and text[:1].isalpha()) or not text:
        return True  # "" comes from quotes or a block: an empty *plain* scalar is null to both
    if not text.strip("\n"):
        return False  # an empty block scalar at the end: the two chomp it differently
    for tag, regexp in _RESOLVERS.get(text[:1], ()):
        if tag != _STR and regexp.match(text):
            return False
    return True


# First characters for which :func:`_plain_is_str` has anything to check: the implicit
# resolvers' and the line break (a text of line breaks only). Any other string is a string.
_CHECK_FIRST = frozenset(k for k in _RESOLVERS if k) | {"\n"}
# Keys and short values repeat from file to file: remember their verdicts.
_SEEN: dict[str, bool] = {}
_SEEN_MAX = 50_000
_SEEN_LEN = 40


def _str_agrees(text: str) -> bool:
    if text[:1] not in _CHECK_FIRST:
        return True
    if len(text) > _SEEN_LEN:
        return _plain_is_str(text)
    ok = _SEEN.get(text)
    if ok is None:
        ok = _plain_is_str(text)
        if len(_SEEN) < _SEEN_MAX:
            _SEEN[text] = ok
    return ok


def _agrees(value: Any) -> bool:
    """True when every scalar in ``value`` is one PyYAML reads the same way."""
    kind = type(value)
    if kind is str:
        return _str_agrees(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not _str_agrees(key):
                return False
            kind = type(item)
            if kind is str:
                if item[:1] in _CHECK_FIRST and not _str_agrees(item):
                    return False
            elif not (
                (kind is int and -_INT_MAX < item < _INT_MAX)
                or kind is bool
                or item is None
                or kind is dt.date
                or (kind is not int and _agrees(item))
            ):
                return False
        return True
    if kind is list:
        return all(_agrees(item) for item in value)
    if kind is int:
        return bool(-_INT_MAX < value < _INT_MAX)
    if kind is bool or value is None or kind is dt.date:
        return True
    if kind is float:
        return math.isfinite(value)
    return False  # datetime, time, tuple keys, bytes...: let PyYAML decide


# Integers beyond this go to PyYAML: Python refuses to print one of over 4,300 digits.
_INT_MAX = 10**18

_GOOD_KEYS: set[str] = set()  # keys seen to agree: most files use the same few


def _keys_agree(mapping: dict[Any, Any]) -> bool:
    for key in mapping:
        if type(key) is not str or not _str_agrees(key):
            return False
        if len(_GOOD_KEYS) < _SEEN_MAX:
            _GOOD_KEYS.add(key)
    return True


def _agrees_into(value: dict[str, Any] | list[Any], texts: list[str]) -> bool:
    """:func:`_agrees` for a mapping or list, appending each scalar's text to ``texts``.

    The corpus index searches every value: walking the data once for both saves a walk
    per file. Texts come depth-first in order; a date as ISO text, a number or bool as
    ``str`` gives it; None gives nothing.
    """
    if type(value) is dict:
        if not _GOOD_KEYS.issuperset(value) and not _keys_agree(value):
            return False
        items: Any = value.values()
    else:
        items = value
    append = texts.append
    for item in items:
        kind = type(item)
        if kind is str:
            if item[:1] in _CHECK_FIRST and not _str_agrees(item):
                return False
            append(item)
        elif kind is dict or kind is list:
            if not _agrees_into(item, texts):
                return False
        elif item is None:
            continue
        elif kind is int or kind is bool:
            if not -_INT_MAX < item < _INT_MAX:
                return False  # PyYAML's to read (or refuse: 4,300 digits at most)
            append(str(item))
        elif kind is dt.date:
            append(item.isoformat())
        elif kind is float and math.isfinite(item):
            append(str(item))
        else:
            return False
    return True


def try_fast(front: str, texts: list[str] | None = None) -> dict[str, Any] | None:
    """The front matter's data if yaml-rs gives provably PyYAML's answer, else None.

    With ``texts``, the text of every scalar is appended to it as well (see
    :func:`_agrees_into`); after a None it may hold part of them.
    """
    # A block scalar at the very end of the input is chomped differently; fronts cut from
    # a file always end with a line break.
    if yaml_rs is None or not front.endswith("\n") or _risky_text(front):
        return None
    return _load_screened(front, texts)


def _load_screened(front: str, texts: list[str] | None) -> dict[str, Any] | None:
    """yaml-rs' data for a front that passed the screens, if it passes the check after."""
    try:
        data = yaml_rs.loads(front)
    except Exception:  # any rejection is PyYAML's to report, with line:column
        return None
    if type(data) is not dict:
        return None
    if not (_agrees(data) if texts is None else _agrees_into(data, texts)):
        return None
    return data


# -- lines read without a parser

# Characters a plain scalar cannot start with, or that make it mean something else
# (indicators, quotes, reserved): such a value is left to the parsers.
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def plain_value(text: str) -> str | None:
    """The string PyYAML reads from ``text``, the rest of a ``key:`` line in block
    style with no line continuing it; None when it is not provably that string (empty,
    an indicator, a comment, a quote first, a non-printable character, or a scalar
    PyYAML resolves to another type): then a parser must read it."""
    if text[:1] != " ":
        return None
    value = text.strip(" ")
    if (
        not value
        or value[0] in _NOT_FIRST
        or value[-1] == ":"
        or ": " in value
        or " #" in value
        or not value.isprintable()  # tabs, CR, NEL, LS, PS, NBSP, controls...
    ):
        return None
    return value if _str_agrees(value) else None


def _simple_key(key: str) -> bool:
    """A key written plain that PyYAML reads as that string (the index's keys agreeing
    are not enough: a quoted ``"key "`` agrees, and ``key :`` is not it)."""
    if key in _SIMPLE_KEYS:
        return True
    if _SIMPLE_KEY.fullmatch(key) is None or not _str_agrees(key):
        return False
    if len(_SIMPLE_KEYS) < _SEEN_MAX:
        _SIMPLE_KEYS.add(key)
    return True


_SIMPLE_KEYS: set[str] = set()


def simple_lines(text: str) -> dict[str, Any] | None:
    """PyYAML's data for a text made only of ``key: plain`` lines and ``key:`` lines
    each followed by one level of indented ``sub: plain`` lines; None for any other
    text (or a value that is not provably a plain string: see :func:`plain_value`).

    Why: the replace preview reads one value (``seo.title``) of 26k files, and for a
    line like ``  title: How it works | QuickTakes`` yaml-rs, the screens before it and
    the check after it cost ~60 % of the reading; read so the line costs a split.
    """
    if not text.endswith("\n"):
        return None
    data: dict[str, Any] = {}
    inner: dict[str, Any] | None = None  # the mapping the indented lines fill
    indent = 0
    for line in text[:-1].split("\n"):
        if line[:1] == " ":
            if inner is None:
                return None
            if not indent:
                indent = len(line) - len(line.lstrip(" "))
            elif len(line) - len(line.lstrip(" ")) != indent:
                return None  # another indentation: deeper or shallower
            target, entry = inner, line[indent:]
        else:
            if inner is not None and not inner:
                return None  # ``key:`` with nothing under it: null
            inner, indent, target, entry = None, 0, data, line
        key, colon, rest = entry.partition(":")
        if not colon or key in target or not _simple_key(key):
            return None
        if rest or target is not data:
            value = plain_value(rest)
            if value is None:
                return None
            target[key] = value
        else:
            inner = target[key] = {}
    return data if inner is None or inner else None


def quick_front(text: str) -> str | None:
    """The YAML front of a text in the usual ``---\\n`` layout, exactly as
    :func:`frontmatter.split` cuts it, or None (then use ``frontmatter.split``)."""
    if not text.startswith("---\n"):
        return None
    # the first "---" or "..." after a line break (one regex pass: two finds cost more)
    found = _END.search(text, 3)
    if found is None:
        return None
    end = found.start()
    if not _CLOSE.match(text, end + 1):
        return None
    return text[4 : end + 1]


def fast_front(text: str, texts: list[str]) -> tuple[str | None, dict[str, Any] | None]:
    """``(quick_front(text), try_fast(front, texts))`` with one pass less over the front.

    The corpus index's way in. The search for the closing delimiter stops at every line
    break anyway: it runs the line screen there too, and the front found is screened for
    the rest only.
    """
    if not text.startswith("---\n"):
        return None, None
    found = _END_OR_RISKY_LINE.search(text, 3)
    risky = False
    if found is not None and found.group(1) is None:
        risky = True  # a risky line comes first: the delimiter is further on
        found = _END.search(text, found.start() + 1)
    if found is None:
        return None, None
    end = found.start()
    if not _CLOSE.match(text, end + 1):
        return None, None
    front = text[4 : end + 1]  # a line break ends it: as ``try_fast`` requires
    if risky or yaml_rs is None or _risky_chars(front) or _risky_within_lines(front):
        return front, None
    return front, _load_screened(front, texts)


def load_front(front: str, path: Path | None = None, first_line: int = 1) -> dict[str, Any]:
    """Parse front matter YAML: yaml-rs when safe, else ``frontmatter.parse_yaml``."""
    data = try_fast(front)
    if data is not None:
        return data
    return frontmatter.parse_yaml(front, path, first_line)
