"""The index's fast YAML path must give exactly PyYAML's data, or step aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content import fast_yaml, frontmatter
from editor.content.errors import ContentError, ParseError
from editor.content.writer import same_data

pytestmark = pytest.mark.skipif(not fast_yaml.fast_available(), reason="yaml-rs not installed")


def same(a: Any, b: Any) -> bool:
    """Equal values of exactly the same types and key order, all the way down."""
    return same_data(a, b, ordered=True)


def check_agrees(front: str) -> bool:
    """True when the fast path was taken (and then it must equal PyYAML's answer)."""
    fast = fast_yaml.try_fast(front)
    if fast is None:
        return False
    assert same(fast, frontmatter.parse_yaml(front)), front
    return True


def fronts_in(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(folder.rglob("*.md")):
        try:
            text, _ = frontmatter.decode(path.read_bytes(), path)
            parts = frontmatter.split(text, path)
        except ContentError:
            continue
        if parts.format == "yaml":
            out.append((path, parts.front))
    return out


def test_sample_content_and_fixtures_parse_the_same(fixtures_dir: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "sample_content"
    sample_fronts = fronts_in(sample)
    fixture_fronts = fronts_in(fixtures_dir)
    assert len(sample_fronts) >= 10 and fixture_fronts
    assert all(check_agrees(front) for _, front in sample_fronts)  # all take the fast path
    for _, front in fixture_fronts:  # the fixtures hold odd files: agree or step aside
        check_agrees(front)


def test_real_content_parses_the_same(shared_dir: Path) -> None:
    fronts = fronts_in(shared_dir / "real_content")
    assert len(fronts) == 20
    assert all(check_agrees(front) for _, front in fronts)  # and all take the fast path


@pytest.mark.parametrize(
    "front",
    [
        "a: yes",  # YAML 1.1 bool
        "yes: b",
        "a: 017",  # 1.1 octal
        "a: 0o17",
        "a: 1e3",  # 1.1 needs a dot
        "a: +.5",
        "a: 1:20",  # sexagesimal
        "<<: {x: 1}\nb: 2",  # merge key
        "a: !foo x",  # unknown tag
        "a: '2024-11-27'",  # yaml-rs reads quoted dates as dates
        "a: >-\n    2024-11-27\n",
        'a: "2024-01-01 10:00:00"',
        "a: 2024-02-30",  # not a date: PyYAML refuses it
        "a: [1, 017]",
        "a: x\u2028y",  # a line break to PyYAML only
        "a: x\x85y",
        "a:\n\tb: 1",
        "a: 1\r\nb: 2\r\n",
        "? [1, 2]\n: x",
        "a: 2001-12-14 21:59:43.10 -5",
        "- 1\n- 2",
        "",
        "a: .inf",
    ],
)
def test_risky_text_never_takes_the_fast_path(front: str) -> None:
    assert fast_yaml.try_fast(front) is None


def test_duplicate_keys_and_errors_keep_pyyaml_messages_with_file_lines() -> None:
    with pytest.raises(ParseError) as dup:
        fast_yaml.load_front("a: 1\nb:\n  c: 1\n  c: 2\n", Path("x.md"), first_line=2)
    assert (dup.value.line, dup.value.column) == (5, 3)
    assert "duplicate key" in dup.value.message
    with pytest.raises(ParseError) as bad:
        fast_yaml.load_front("a: [unclosed\n", Path("x.md"), first_line=2)
    assert bad.value.line is not None and bad.value.line >= 2


def test_plain_dates_numbers_and_nesting_take_the_fast_path() -> None:
    front = (
        "id: 55474\ndate: 2024-11-27\nscore: -1.0\nflag: true\nnone: ~\n"
        "seo:\n  title: A | B\n  page_description: >-\n    Folded text, with: colons.\n"
        "faq:\n    - question: >-\n          Q?\n      answer: A.\n"
    )
    assert check_agrees(front)
    data = fast_yaml.load_front(front)
    assert data["date"] == dt.date(2024, 11, 27) and data["score"] == -1.0


# Text an editor may type, written in each style the writer and real files use.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], max_codepoint=0x2FFF), max_size=30
)


def _styles(value: str) -> list[str]:
    single = "'" + value.replace("'", "''") + "'"
    double = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = [f"k: {single}", f"k: {double}", f"k: {value}", f"k: >-\n    {value}"]
    out += [f"k:\n  - {value}", f"k: [{value}]", f"k: |\n    {value}", f"k: |\n    {value}\n"]
    return [f + "\n" for f in out]


@settings(max_examples=150, deadline=None)
@given(value=_TEXT)
def test_any_scalar_in_any_style_agrees_or_falls_back(value: str) -> None:
    for front in _styles(value):
        try:
            reference = frontmatter.parse_yaml(front)
        except ParseError:
            assert fast_yaml.try_fast(front) is None or not front  # PyYAML refuses it
            continue
        fast = fast_yaml.try_fast(front)
        assert fast is None or same(fast, reference), front


@settings(max_examples=100, deadline=None)
@given(
    value=st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
        st.dates().map(dt.date.isoformat),
        st.from_regex(r"\A[-+]?[0-9_.:eEoxb]{1,8}\Z"),
        st.sampled_from(["yes", "No", "on", "OFF", "y", "null", "~", "True", "=", "<<"]),
    )
)
def test_numbers_and_keywords_agree_or_fall_back(value: str) -> None:
    for front in [*_styles(value), f"{value}: x\n"]:
        try:
            reference = frontmatter.parse_yaml(front)
        except ParseError:
            assert fast_yaml.try_fast(front) is None
            continue
        fast = fast_yaml.try_fast(front)
        assert fast is None or same(fast, reference), front


def test_the_fast_walk_gathers_the_same_texts_as_the_index(
    fixtures_dir: Path, shared_dir: Path
) -> None:
    """``try_fast(front, texts)`` collects what the index's own walk would."""
    from editor.content.search_rows import collect_values

    sample = Path(__file__).resolve().parents[3] / "sample_content"
    fronts = [f for folder in (sample, fixtures_dir, shared_dir / "real_content")
              for _, f in fronts_in(folder)]  # fmt: skip
    fronts.append("a: 1\nb: 2.5\nc: true\nd: 2024-11-27\ne:\nf: [x, 3]\ng: {h: ~, i: j}\n")
    taken = 0
    for front in fronts:
        texts: list[str] = []
        data = fast_yaml.try_fast(front, texts)
        if data is None:
            continue
        taken += 1
        expected: list[str] = []
        collect_values(data, expected)
        assert texts == expected, front
    assert taken >= 30
