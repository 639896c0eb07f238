"""A string value as PyYAML's emitter writes it in a given style, without its per-character loop.

The writer emits each changed string in the style it had (and the next styles when
that one cannot hold the value). PyYAML's pure-Python emitter analyses and writes a
scalar one character at a time - about 1.5 ms per KB per style, so a 100 KB answer
cost over 100 ms - and libyaml's emitter is no substitute: it writes different text
(it escapes every character outside the BMP, emoji included, as if unprintable).

:func:`emit_str` gives exactly the text ``yaml.serialize`` gives for the one-entry
mapping ``{"k": value}`` with the value's style forced, ``width`` unlimited and
``allow_unicode=True`` - or ``None`` where PyYAML would not keep the style. With an
unlimited width the emitter never folds a line at a space, so each style comes down
to a few regular expressions over whole runs of text. The tests compare it with
PyYAML's emitter on generated strings, character by character classes included.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

__all__ = ["emit_str", "has_odd_breaks", "keeps_style"]

_STR = "tag:yaml.org,2002:str"
_BREAKS = "\n\x85\u2028\u2029"
_SPACE_OR_BREAK = "\0 \t\r" + _BREAKS

# The emitter's ``analyze_scalar`` with allow_unicode=True, as searches over the text.
# Special: anything but \n, printable ASCII and the printable Unicode ranges (BOM excluded).
_SPECIAL = re.compile(
    "[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]"
)
_BREAK_SPACE = re.compile(f"[{_BREAKS}] ")  # a line starting with a space
_SPACE_BREAK = re.compile(f" [{_BREAKS}]")  # a line ending with a space
# Block indicators: a leading indicator character, "? ", "- " or ": " anywhere, " #".
_BLOCK_INDICATOR = re.compile(
    rf"""\A(?:---|\.\.\.|[#,\[\]{{}}&*!|>'"%@`]|[?\-](?=[{_SPACE_OR_BREAK}]|\Z))"""
    rf"|:(?=[{_SPACE_OR_BREAK}]|\Z)"
    rf"|(?:\A|(?<=[{_SPACE_OR_BREAK}]))#"
)
_RUNS = re.compile(f"([{_BREAKS}]+)")  # split into content runs and line-break runs

# The double-quoted writer escapes these; everything else stands as it is.
_ESCAPED = re.compile('["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]')
_ESCAPES = {
    "\0": "0",
    "\x07": "a",
    "\x08": "b",
    "\x09": "t",
    "\x0a": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\x0d": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}

# SafeDumper's resolver: what a plain scalar would mean (typed here: PyYAML's is not).
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)


def keeps_style(value: str, style: str) -> bool:
    """Whether PyYAML's emitter writes ``value``, as a block mapping's value, in ``style``.

    ``style`` is ``""`` (plain), ``"'"``, ``'"'``, ``">"`` or ``"|"``; otherwise the
    emitter falls back to another style (which the writer then tries in its own order).
    """
    if style == '"':
        return True
    if not value:  # empty: plain reads as null, blocks cannot hold it, quotes can
        return style == "'"
    special = _SPECIAL.search(value) is not None
    odd_breaks = has_odd_breaks(value)  # substring searches: far faster than a regex scan
    space_break = _SPACE_BREAK.search(value) is not None if odd_breaks else " \n" in value
    if style in (">", "|"):
        return not (special or space_break or value[-1] == " ")
    break_space = _BREAK_SPACE.search(value) is not None if odd_breaks else "\n " in value
    if style == "'":
        return not (special or space_break or break_space)
    if style != "":
        return False
    if special or odd_breaks or "\n" in value or value[0] == " " or value[-1] == " ":
        return False  # (a line break also rules out break_space and space_break)
    if _BLOCK_INDICATOR.search(value):
        return False
    # A plain scalar that would read as another type (null, bool, number...) is quoted.
    return _resolve(yaml.ScalarNode, value, (True, False)) == _STR


def emit_str(value: str, style: str, indent: int) -> str | None:
    """``k: <value>`` exactly as PyYAML serialises it in ``style`` (``None``: it would not).

    ``indent`` (2 to 9) is the emitter's ``indent``: the column of a block scalar's
    lines. The text is the whole emitted stream, final line break (and the ``...``
    after a keep-chomping block scalar) included.
    """
    if not 2 <= indent <= 9:
        raise ValueError(f"indent must be 2 to 9, not {indent}")
    if not keeps_style(value, style):
        return None
    if style == "":
        return f"k: {value}\n"
    if style == '"':
        return f'k: "{_ESCAPED.sub(_escape, value)}"\n'
    if style == "'":
        return f"k: '{_single_quoted(value, ' ' * indent)}'\n"
    return _block(value, style, indent)


def has_odd_breaks(text: str) -> bool:
    """Whether ``text`` holds a line break other than ``\\n`` (NEL, LS, PS)."""
    return "\x85" in text or "\u2028" in text or "\u2029" in text


def _split_runs(value: str) -> list[str]:
    """Content, breaks, content, ... (content runs may be empty at either end)."""
    if not has_odd_breaks(value):
        if "\n" not in value:
            return [value]
        if "\n\n" not in value:  # single breaks only: str.split is the same, faster
            return [part for line in value.split("\n") for part in ("\n", line)][1:]
    return _RUNS.split(value)


def _escape(found: re.Match[str]) -> str:
    ch = found.group()
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _single_quoted(value: str, pad: str) -> str:
    runs = _split_runs(value)
    out = [runs[0].replace("'", "''")]
    for i in range(1, len(runs), 2):
        breaks = runs[i]
        # A lone \n would fold into a space: the emitter writes one more, then indents.
        out.append(("\n" if breaks[0] == "\n" else "") + breaks + pad)
        out.append(runs[i + 1].replace("'", "''"))
    return "".join(out)


def _block(value: str, style: str, indent: int) -> str:
    hints = ""
    if value[0] in " " + _BREAKS:
        hints += str(indent)
    if value[-1] not in _BREAKS:
        hints += "-"
    elif len(value) == 1 or value[-2] in _BREAKS:
        hints += "+"
    pad = " " * indent
    folded = style == ">"
    runs = _split_runs(value)
    out = [f"k: {style}{hints}\n"]
    if runs[0]:
        out += [pad, runs[0]]
    leading_space = True  # does the content run before the current breaks start with a space?
    if runs[0]:
        leading_space = runs[0][0] == " "
    for i in range(1, len(runs), 2):
        breaks, after = runs[i], runs[i + 1]
        if folded and not leading_space and after and after[0] != " " and breaks[0] == "\n":
            out.append("\n")  # a lone \n between two lines would fold into a space
        out.append(breaks)
        if after:
            leading_space = after[0] == " "
            out += [pad, after]
    if runs[-1]:
        out.append("\n")
    if hints.endswith("+"):
        out.append("...\n")  # keep chomping leaves the document open-ended
    return "".join(out)
