"""The fast scalar emitter writes exactly what PyYAML's emitter writes, style for style."""

from __future__ import annotations

import copy
import itertools
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.content.frontmatter import decode, parse_yaml, split
from editor.content.writer import same_data, update_text
from editor.content.yaml_scalars import emit_str, has_odd_breaks, keeps_style

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STYLES = ("", "'", '"', ">", "|")
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"

# Characters that decide a style: every kind of space, break, indicator, escape and
# Unicode range edge the emitter's analysis looks at.
CHARS = [
    " ",
    "\n",
    "\t",
    "\r",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\xa0",
    "\x00",
    "\x7f",
    "\x1b",
    "'",
    '"',
    "\\",
    "#",
    ":",
    "-",
    "?",
    ",",
    "[",
    "{",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    ".",
    "a",
    "0",
    "é",
    "ʃ",
    "😀",
    "\ud800",
    "\ud7ff",
    "\ue000",
    "\ufffd",
    "\ufffe",
    "\U0010fffe",
    "\U0010ffff",
]
WORDS = ["---", "...", "null", "yes", "123", "1.5", "2024-01-01", "~", "a b", "x: y", " #c", "\n\n"]
texts = st.lists(st.one_of(st.sampled_from(CHARS + WORDS), st.text(max_size=8)), max_size=14).map(
    "".join
)


def pyyaml_emit(value: str, style: str, indent: int) -> str | None:
    """What the writer used before: PyYAML's emitter, the value's style forced."""
    node = yaml.MappingNode(
        _MAP,
        [(yaml.ScalarNode(_STR, "k"), yaml.ScalarNode(_STR, value, style=style or None))],
        flow_style=False,
    )
    out = yaml.serialize(
        node, Dumper=yaml.SafeDumper, indent=indent, width=sys.maxsize, allow_unicode=True
    )
    got = out[3:4] if out[3:4] in ("'", '"', "|", ">") else ""
    return out if got == style else None


@pytest.mark.parametrize("style", STYLES)
def test_every_short_string_matches_pyyaml(style: str) -> None:
    for length in (0, 1, 2):
        for chars in itertools.product(CHARS, repeat=length):
            value = "".join(chars)
            for indent in (2, 4, 9):
                expected = pyyaml_emit(value, style, indent)
                assert emit_str(value, style, indent) == expected, (value, indent)
                assert keeps_style(value, style) == (expected is not None), value


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=texts, style=st.sampled_from(STYLES), indent=st.integers(2, 9))
def test_generated_strings_match_pyyaml(value: str, style: str, indent: int) -> None:
    assert emit_str(value, style, indent) == pyyaml_emit(value, style, indent)


@pytest.mark.parametrize(
    "value",
    [
        "one line of prose, with: colons and # hashes",
        "para one\npara two\n\n  indented\n\n\nlast",
        "\n\nleading breaks and trailing\n\n",
        "single\n",
        "\n",
        "it's 'quoted'\nand broken",
        "ends with a space ",
        " starts with a space",
        "x" * 5000 + "\n" + "y" * 5000,
    ],
)
def test_typical_values_match_pyyaml(value: str) -> None:
    for style in STYLES:
        for indent in (2, 4, 8):
            assert emit_str(value, style, indent) == pyyaml_emit(value, style, indent)


def test_indent_outside_the_emitters_range_is_refused() -> None:
    with pytest.raises(ValueError, match="indent"):
        emit_str("x", ">", 1)


def test_odd_breaks() -> None:
    assert not has_odd_breaks("a\nb\r\n")
    assert all(has_odd_breaks(f"a{ch}b") for ch in "\x85\u2028\u2029")


def test_large_folded_answer_round_trips_and_only_its_line_changes() -> None:
    text = decode((FIXTURES / "qa_article.md").read_bytes())[0]
    parts = split(text)
    data = parse_yaml(parts.front, None, parts.front_line)
    paragraph = "A long answer: with $x$, 'quotes', ʃ and 😀 # not a comment.\\n\\n"
    new = copy.deepcopy(data)
    new["answer"] = paragraph * 1600  # about 100 KB on one folded line
    out = update_text(text, new)
    back = split(out)
    assert same_data(parse_yaml(back.front, None, back.front_line), new)
    before, after = text.splitlines(), out.splitlines()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1
    assert after[changed[0]] == " " * 4 + new["answer"].rstrip()
