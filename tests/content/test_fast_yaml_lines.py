"""Lines read without a parser (:func:`fast_yaml.simple_lines`) give PyYAML's data or none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content import fast_yaml, frontmatter
from editor.content.errors import ParseError
from editor.content.writer import same_data


def agrees(text: str) -> bool:
    """True when the lines were read without a parser (then exactly as PyYAML reads them)."""
    fast = fast_yaml.simple_lines(text)
    try:
        reference: Any = frontmatter.parse_yaml(text)
    except ParseError:
        assert fast is None, text
        return False
    assert fast is None or same_data(fast, reference, ordered=True), text
    return fast is not None


def test_the_usual_lines_are_read_and_anything_else_is_left_to_a_parser() -> None:
    assert agrees("seo:\n  title: How does Liloal Rini work | QuickTakes\n")
    assert agrees("title: A, b; c's:d\nseo:\n    title: C# and F#\n    url: http://x.y/z\nz: w\n")
    assert fast_yaml.simple_lines("seo:\n  title: A\n") == {"seo": {"title": "A"}}
    for text in (
        "seo:\n  title: >-\n    A\n",  # a block scalar
        "seo:\n  title: A\n    more\n",  # a plain scalar on two lines
        "seo:\n  title: A\n   odd: B\n",  # another indentation
        "seo:\n  title:\n",  # null
        "seo:\n",  # null
        "title: A # a comment\n",
        "title: 'A'\n",
        "title: yes\n",  # a bool to PyYAML
        "title: 2024-01-02\n",  # a date
        "title: 1_000\n",  # an int to PyYAML
        "title: a: b\n",  # refused by PyYAML
        "title: A\ntitle: B\n",  # a duplicate key
        "true: A\n",  # a bool key
        "title: A\tB\n",  # a tab
        "title: A\u2028B\n",  # a line separator
        "- A\n",
        "title: A",  # no line break at the end
    ):
        assert not agrees(text), text
    assert fast_yaml.simple_lines("title: 2024-01-02\n") is None
    fast_yaml.try_fast('"key ": 1\n"-k": 2\n')  # keys that agree, quoted
    assert not agrees("key : v\n") and not agrees("-k: v\n")
    assert frontmatter.parse_yaml("title: 2024-01-02\n") == {"title": dt.date(2024, 1, 2)}


# Values from pieces of titles and of everything that can change a plain scalar's
# meaning: most values are ordinary text that may hold one odd piece.
_PIECES = ["How", "it", "works", " ", " ", "|", "QuickTakes", "'s", ",", ".", "a:b", "C#", "é"]
_ODD = [*":#-?,[]{}&*!|>'\"%@`<=~.+_\t\\/0", "\xa0", "\x85", "\u2028", "\ufeff", ": ", " #"]
_ODD += ["true", "No", "null", "~", "1", "0x1F", "1e3", "2024-01-02", "1:20", "-1.5", "<<", "="]
_PLAIN = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join)
_ODDS = st.lists(st.sampled_from(_PIECES * 3 + _ODD), max_size=6).map("".join)
_TRICKY = st.one_of(_PLAIN, _PLAIN, _PLAIN, _ODDS)
_KEYS = st.sampled_from(
    ["title", "seo", "a_b", "x-y", "3d", "k", "url", "date", "when", "v2"] * 3
    + ["true", "null", "yes", "on", "Off", "y", "1"]
)


@st.composite
def _lines(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        key = draw(_KEYS)
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(_TRICKY)}")
            continue
        lines.append(f"{key}:")
        indent = " " * draw(st.integers(1, 4))
        for _ in range(draw(st.sampled_from([1, 1, 2, 3, 0]))):
            space = draw(st.sampled_from([" "] * 4 + ["", "  "]))
            lines.append(f"{indent}{draw(_KEYS)}:{space}{draw(_TRICKY)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(text=_lines())
def test_lines_read_without_a_parser_are_pyyamls_data(text: str) -> None:
    agrees(text)
