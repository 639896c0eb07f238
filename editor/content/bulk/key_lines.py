"""Only the lines of the fields a bulk change looks at, read from a file's front matter.

Most of a replace preview's time went to reading front matter it does not need: for a
change to ``seo.title`` in 50k entries, 60 lines parsed for one. In the usual block
layout each top-level key's value is its own lines (up to the next line at the left
margin), and each key of a nested mapping likewise at its indentation; such a slice
parses alone to the same values as the whole file. Any other layout (a line at a margin
that is not a plain ``key:``, a key twice) is read whole. The preview reads only files
the corpus index found to parse, and :func:`editor.content.bulk.replace.plan` reads each
changed file whole again and checks every matched value before anything is written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from editor.content import fast_yaml, frontmatter
from editor.content.bulk.scope import Scope
from editor.content.errors import ContentError
from editor.content.schema import SCHEMA_KEY

__all__ = ["NO_KEYS", "ReadPlan", "key_lines", "read_keys", "read_plan"]

ReadPlan = Mapping[str, frozenset[str] | None]
"""Top-level keys to read, each with the keys of its mapping to read (None: all of it)."""
NO_KEYS: ReadPlan = MappingProxyType({})
_PLANS = (MappingProxyType, dict)

# Front matter in the usual block style: every line at the left margin is a plain
# ``key:``, a comment or an item of the list above. Each regex starts with a literal line
# break, so ``re`` finds its candidates by memchr.
_KEY_CHARS = r"[A-Za-z_][A-Za-z0-9_.-]*:(?:[ \t\r\n]|\Z)"
_ODD_LINE = re.compile(rf"\n(?![ \t\r\n#]|-(?:[ \t\r\n]|\Z)|{_KEY_CHARS}|\Z)")
_NEXT_KEY = re.compile(rf"\n(?={_KEY_CHARS})")
# A mapping indented as a whole (its first line, after comments and blank lines): its keys
# are not at the left margin, where they are looked for.
_INDENTED_FIRST = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]")
# Line breaks PyYAML knows besides LF (a CR alone, NEL, LS, PS): lines are cut at LF only.
_OTHER_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_AFTER_KEY = (" ", "\t", "\r", "\n", "")

# A quoted scalar or flow collection may go on over lines at any indentation (PyYAML
# reads ``a: "one\ntitle: two"`` as one value), and a line of it can look like a key's:
# where a value opens one (after ``key:``, ``-``, or at a line's start) it must close on
# the same line (a flow collection: flat, without quotes), or the file is read whole.
_SPACES = re.compile(" *")
# (after an anchor or a tag too: ``&a "one`` opens a quoted value as well)
_FLOW_START = re.compile(r"[:\-\n,\[{?][ \t]*(?:[&!][^ \t\n]*[ \t]+)*([\"'\[{])")
_CLOSED_ON_ITS_LINE = {
    '"': re.compile(r'"(?:[^"\\\n]|\\[^\n])*"'),
    "'": re.compile(r"'(?:[^'\n]|'')*'(?!')"),  # ('' is a quote inside, not the end)
    "[": re.compile(r"\[[^\[\]{}\"'\n]*\]"),
    "{": re.compile(r"\{[^\[\]{}\"'\n]*\}"),
}


def read_plan(scope: Scope) -> ReadPlan | None:
    """What to read of each file for ``scope``: None when it names no field (or starts
    one with ``*``), then files are read whole.

    A field two keys deep or more (``seo.title``) reads only its key's lines of the
    mapping above it, unless another field in scope wants that mapping whole."""
    firsts = scope.first_parts()
    if not firsts or "*" in firsts:
        return None
    subs: dict[str, set[str] | None] = {}
    for head, *rest in scope.patterns:
        read = subs.get(head, set())
        if read is None or not rest or rest[0] == "*" or rest[0].lstrip("-").isdigit():
            subs[head] = None  # (a list position: the list is read whole)
        else:
            read.add(rest[0])
            subs[head] = read
    if scope.schema is not None:
        subs[SCHEMA_KEY] = None
    if scope.subject is not None:
        subs["subject"] = None
    return MappingProxyType({k: None if v is None else frozenset(v) for k, v in subs.items()})


def key_lines(front: str, keys: Collection[str] | ReadPlan) -> str | None:
    """The lines of the top-level ``keys`` in block-style front matter, in file order
    (of a :data:`ReadPlan`'s nested keys, only theirs where they can be cut out); None
    when a line at the left margin is not a plain ``key:``, a comment or a list item
    (then the file is read whole), or a wanted key comes twice."""
    text = "\n" + front
    if (
        _ODD_LINE.search(text) is not None
        or _INDENTED_FIRST.match(front) is not None
        or (("\r" in front or not front.isascii()) and _OTHER_BREAK.search(front) is not None)
        or _flow_over_lines(front)
    ):
        return None
    # (``isinstance`` of an ABC costs 1.5 µs a file)
    plan = cast(ReadPlan, keys) if type(keys) in _PLANS else dict.fromkeys(keys)
    found: list[tuple[int, str]] = []
    try:
        for key, subs in plan.items():
            at = _key_lines_at(text, key, 0, "\n", _NEXT_KEY)
            if at is not None:
                start, block = at
                found.append((start, block if subs is None else _nested_lines(block, key, subs)))
    except _KeyTwiceError:
        return None
    return "".join(block for _start, block in sorted(found))


def _flow_over_lines(front: str) -> bool:
    """Whether a quoted scalar or a flow collection may go on to another line (most
    fronts hold no quote or bracket at all: four ``in`` tests, ~0.3 µs)."""
    if not ('"' in front or "'" in front or "[" in front or "{" in front):
        return False
    for found in _FLOW_START.finditer(front):
        opened = found.group(1)
        if _CLOSED_ON_ITS_LINE[opened].match(front, found.start(1)) is None:
            return True
    return False


def _nested_lines(block: str, key: str, subs: frozenset[str]) -> str:
    """``key:`` and the lines of its mapping's keys ``subs`` (in file order), or the
    whole block when it is not a block-style mapping whose every line at its
    indentation is a plain ``sub:`` (or a sub comes twice)."""
    head_end = block.find("\n")
    if head_end < 0 or block[len(key) + 1 : head_end].strip(" "):
        return block  # a value or a comment on the key's line
    spaces = _SPACES.match(block, head_end + 1)  # (the next line's indentation, uncopied)
    indent = spaces.end() - head_end - 1 if spaces is not None else 0
    if indent < 1:
        return block
    odd, sibling = _child_lines(indent)
    if odd.search(block, head_end) is not None:
        return block
    lead = "\n" + " " * indent
    try:
        found = [_key_lines_at(block, sub, head_end, lead, sibling) for sub in subs]
    except _KeyTwiceError:
        return block
    return block[: head_end + 1] + "".join(lines for _start, lines in sorted(filter(None, found)))


@functools.lru_cache(maxsize=16)
def _child_lines(indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For a mapping indented ``indent`` spaces: a line that is none of a plain key at
    that indentation, a deeper line, a comment or a blank line; and the next key's line
    (a comment at that indentation does not end a key's lines: its value may go on
    below it)."""
    odd = re.compile(rf"\n(?! {{{indent}}}(?: |{_KEY_CHARS})| *(?:#|\n|\Z))")
    return odd, re.compile(rf"\n {{{indent}}}(?=[^ \n#])")


class _KeyTwiceError(Exception):
    """A key wanted comes twice at its level (a file that does not parse as it reads)."""


def _key_lines_at(
    text: str, key: str, pos: int, lead: str, following: re.Pattern[str]
) -> tuple[int, str] | None:
    """Where the line ``key:`` indented as ``lead`` starts (its line break) at or after
    ``pos``, and its lines up to where ``following`` finds the next key's (or the end);
    None when it is not there. Both levels cut so: the top-level keys and a mapping's."""
    start = _key_at(text, key, pos, lead)
    if start < 0:
        return None
    after = following.search(text, start + 1)
    end = after.start() if after is not None else len(text) - 1
    if _key_at(text, key, end, lead) >= 0:
        raise _KeyTwiceError(key)
    return start, text[start + 1 : end + 1]


def _key_at(text: str, key: str, pos: int, lead: str = "\n") -> int:
    """Where the line ``key:`` indented as ``lead`` says starts (its line break) at or
    after ``pos``, or -1."""
    needle = f"{lead}{key}:"
    at = text.find(needle, pos)
    while at >= 0 and text[at + len(needle) : at + len(needle) + 1] not in _AFTER_KEY:
        at = text.find(needle, at + 1)  # a longer key that starts the same
    return at


def read_keys(
    raw: bytes, path: str | Path, keys: Collection[str] | ReadPlan
) -> tuple[str, dict[str, Any]] | None:
    """The file's text and the data of its ``keys``, read from their lines only; None
    when it must be read whole (its layout is unusual, or the slice does not parse
    alone). Lines of plain ``key: value`` are read without a parser
    (:func:`fast_yaml.simple_lines`), others by yaml-rs where it is provably PyYAML's
    answer, else by PyYAML."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    front = fast_yaml.quick_front(text)
    if front is None:
        return None
    wanted = key_lines(front, keys)
    if wanted is None:
        return None
    if not wanted:
        return text, {}
    data = fast_yaml.simple_lines(wanted)
    if data is None:
        data = fast_yaml.try_fast(wanted)
    if data is None:
        try:
            data = frontmatter.parse_yaml(wanted, Path(path))
        except ContentError:
            return None  # an alias to an anchor elsewhere: read it whole
    return text, data
