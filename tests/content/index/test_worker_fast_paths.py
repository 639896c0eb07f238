"""The index workers' fast paths give exactly what the plain ways give.

Each shortcut of the per-file work (screens merged or rewritten, C-speed tests that skip
a split or a regex) is checked against the straightforward code it replaces, on the
cases it was written for and on generated text.
"""

from __future__ import annotations

import marshal
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content import fast_yaml, frontmatter
from editor.content.search_rows import letter_mask, search_bytes
from editor.content.seo import common, entry_fields, metrics, rules

# --- fast_yaml: the screens ----------------------------------------------------------

# The screens as they were before the lookaheads and the merged pass (the reference).
_NUMERAL = r"[-+]?(?:[0-9.]*_|0[0-9_oOxXbB]|\.[0-9]|[0-9][0-9_]*(?:\.[0-9_]*)?[eE_:]|[!%])"
_OLD_COLON = re.compile(": +(?:" + _NUMERAL + r"|[&*]|[\[{])")
_OLD_LINE = re.compile(
    r"\n(?: {20}| *+(?:- +(?: *- +)*(?:" + _NUMERAL + r"|[&*\[{]|[?:](?=[ \n]))|[&*]|(?<= )\n"
    r"|[0-9]{4}-[0-9]|(?<=\n)[\[{]|[?:](?=[ \n])|(?:- +){10}))"
)

# Every character a screen looks at, and a few it does not.
_YAMLISH = st.text(alphabet=" \n:-+.0123456789_eExXoObB!%&*[]{}'\"#?,ab\\", max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_YAMLISH)
def test_screens_flag_what_the_plain_screens_flag(text: str) -> None:
    assert bool(fast_yaml._RISKY_COLON.search(text)) == bool(_OLD_COLON.search(text))
    assert bool(fast_yaml._RISKY_LINE.search("\n" + text)) == bool(_OLD_LINE.search("\n" + text))


@pytest.mark.parametrize(
    "front",
    [
        "a: 017\n",
        "a: 1e3\n",
        "a: 1_000\n",
        "a: 1:20\n",
        "a: .5\n",
        "a:   0x1F\n",
        "a: +1e3\n",
        "a: &x 1\nb: *x\n",
        "a: [1, 2]\n",
        "a: {b: 1}\n",
        "a: !!str 1\n",
        "a:\n  - 017\n",
        "a:\n  - - 1e3\n",
        "a:\n  - &x b\n",
        "a:\n  &x\n",
        "a: >-\n    x\n  \n    y\n",
        "a: >-\n    2024-01-02\n",
        "a:\n[1]\n",
        "a:\n{b: 1}\n",
    ],
)
def test_each_risky_case_is_still_caught(front: str) -> None:
    assert fast_yaml._risky_text(front)
    assert fast_yaml.fast_front(f"---\n{front}---\nbody", [])[1] is None


def fast_front_as_before(text: str) -> tuple[str | None, Any, list[str]]:
    texts = ["rel"]
    front = fast_yaml.quick_front(text)
    data = fast_yaml.try_fast(front, texts) if front is not None else None
    return front, data, texts if data is not None else []


def check_fast_front(text: str) -> None:
    texts = ["rel"]
    front, data = fast_yaml.fast_front(text, texts)
    assert (front, data, texts if data is not None else []) == fast_front_as_before(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\na: 1\n---\nbody",
        "---\na: 1\n...\nbody",
        "---\na: 1\n--- \nbody",
        "---\na: 1\n---",
        "---\na: 1\n---x\n---\n",  # not a closing line: no quick front
        "---\na: 1\n",  # no closing line
        "---\na: >-\n    x\n   \n---\nbody",  # a risky blank line just before the close
        "---\na:\n  - 017\n---\n",  # a risky line, then the close
        "---\na:\n  - 017\n...\n",
        "---\na: 017\n---\n",  # risky, but not at a line's start
        "---\n- 1\n---\n",  # not a mapping
        "---\na: 1\r\n---\r\n",
        "---\r\na: 1\r\n---\r\n",
        "a: 1\n",
        "",
        "---\n---\n",
        "---\n[1]\n---\n",
    ],
)
def test_fast_front_is_quick_front_then_try_fast(text: str) -> None:
    check_fast_front(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["a: 1", "b: x", "- 1", "  - 017", "   ", "---", "...",
                                 "--- x", "c: >-", "    text", "[1]", "d: 2024-01-02",
                                 "  &x y", "e: 'q'"]), max_size=8))  # fmt: skip
def test_fast_front_on_generated_layouts(lines: list[str]) -> None:
    check_fast_front("---\n" + "\n".join(lines) + "\n---\nbody")
    check_fast_front("---\n" + "\n".join(lines))


def test_fast_front_on_real_and_sample_files(shared_dir: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "sample_content"
    paths = [*sorted((shared_dir / "real_content").glob("*.md")), *sorted(sample.rglob("*.md"))]
    fast = 0
    for path in paths:
        text, _ = frontmatter.decode(path.read_bytes(), path)
        check_fast_front(text)
        fast += fast_yaml.fast_front(text, [])[1] is not None
    assert fast >= 20  # the real files all take the fast path


# --- search: the filter's text and mask ---------------------------------------------


def search_bytes_plain(parts: list[str]) -> bytes:
    text = " ".join(dict.fromkeys(parts)).lower().replace("\\n", " ").replace("\n", " ")
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet="aN\\n \n\u00c9\u0130x", max_size=12), max_size=6))
def test_search_bytes_replaces_literal_line_breaks_as_str_replace_does(parts: list[str]) -> None:
    assert search_bytes(parts) == search_bytes_plain(parts)


@pytest.mark.parametrize(
    "parts", [["a\\nb", "A\\Nb"], ["\\\\n\\n"], ["x\\", "n"], ["\\n\\n### Key"], []]
)
def test_search_bytes_cases(parts: list[str]) -> None:
    assert search_bytes(parts) == search_bytes_plain(parts)


@given(st.binary(max_size=40))
def test_letter_mask_marks_the_letters_present(text: bytes) -> None:
    expected = sum(1 << i for i, c in enumerate(b"abcdefghijklmnopqrstuvwxyz") if c in text)
    assert letter_mask(text) == expected


# --- SEO rules: the per-entry helpers ------------------------------------------------


def test_every_whitespace_character_but_the_space_is_unprintable() -> None:
    """What ``_squash``'s no-space shortcut stands on."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) > 20
    assert [c for c in spaces if c.isprintable()] == [" "]


_SPACEY = st.text(alphabet="ab \t\n\u00a0\u2028\x1c\u00e9.", max_size=100)


@settings(max_examples=2000, deadline=None)
@given(_SPACEY)
def test_squash_is_split_and_join(text: str) -> None:
    assert entry_fields.squash(text) == " ".join(text.split())
    long = (text + " word") * 20
    assert entry_fields.squash(long) == " ".join(long.split())


def words_plain(text: str) -> str:
    return " " + " ".join(entry_fields._NON_WORD.sub(" ", text.casefold()).split()) + " "


_WORDY = st.text(alphabet="abN n\\_-.\u00df\u0130\u00c9 \t1\u00b2", max_size=30)


@settings(max_examples=3000, deadline=None)
@given(_WORDY, _WORDY)
def test_words_and_has_words_agree_with_the_plain_regex(phrase: str, text: str) -> None:
    needle = entry_fields.word_text(phrase)
    assert needle == words_plain(phrase)
    words = needle.split()
    if words:
        assert entry_fields.has_words(needle, words, text) == (needle in words_plain(text))
        inside = f"x {phrase} y"  # the phrase itself, at and off word boundaries
        assert entry_fields.has_words(needle, words, inside) == (needle in words_plain(inside))


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("labi bazavi", "Labi Bazavi is a term", True),
        ("labi bazavi", "xlabi bazavi", False),
        ("labi bazavi", "labi bazavix", False),
        ("labi bazavi", "so labi  bazavi", True),  # not as written: the full check
        ("nlabi", "a\\nlabi", False),  # the literal \n takes the n
        ("labi", "a\\nlabi", True),
        ("labi", "_labi_", True),
        ("stra\u00dfe", "STRASSE", True),
    ],
)
def test_has_words_cases(phrase: str, text: str, found: bool) -> None:
    needle = entry_fields.word_text(phrase)
    assert entry_fields.has_words(needle, needle.split(), text) is found
    assert (needle in words_plain(text)) is found


def slug_segments_fine(path: str) -> bool:
    """``_check_slug``'s loop, the reference for the one-match shortcuts."""
    if path == "/":
        return True
    inner = path.strip("/")
    return all(rules._SLUG_SEGMENT.match(s) for s in (inner.split("/") if inner else [path]))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="/a9-A_ ?#:.", max_size=20))
def test_slug_shortcuts_pass_only_good_paths(url: str) -> None:
    path = common.url_path(url)
    if rules._SLUG_URL.match(url):
        assert path == url
        assert slug_segments_fine(path)
    assert bool(rules._SLUG_PATH.match(path)) == (slug_segments_fine(path) and path != "/")


class _Mapping(dict[str, Any]):
    """Not a plain dict: ``_get`` takes its general path."""


@pytest.mark.parametrize(
    "data",
    [
        {"seo": {"title": "t"}, "title": "h", "url": "/u"},
        {"seo": "not a mapping", "title": None},
        {"seo": _Mapping(title="t", page_description="d")},
        _Mapping(seo={"title": "t"}, title="h"),
        {"a": {"b": {"c": "deep"}}},
        {},
    ],
)
def test_fetch_is_get_for_each_path(data: dict[str, Any]) -> None:
    paths = ("seo.title", "seo.page_description", "title", "url", "a.b.c", "a.b")
    steps = tuple(map(entry_fields.field_step, paths))
    assert entry_fields.field_values(data, steps) == [
        entry_fields.field_value(data, p) for p in paths
    ]


def test_related_fields_are_the_related_article_keys_in_order() -> None:
    data: dict[Any, Any] = {"related_article2": {}, "x": 1, "related_article": {},
                            "related_article1x": 2, "related_article10": {},
                            7: "int key"}  # fmt: skip
    fields = rules._related_fields(data)
    assert fields == (("related_article2", "related_article2.url"),
                      ("related_article10", "related_article10.url"))  # fmt: skip
    assert rules._related_fields(dict(data)) is fields  # remembered per key sequence


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=40))
def test_text_units_is_the_sum_of_the_characters_widths(text: str) -> None:
    expected = sum(metrics.char_units(c) for c in text)
    assert metrics.text_units.__wrapped__(text) == expected
    ascii_text = text.encode("ascii", "replace").decode()
    assert metrics.text_units.__wrapped__(ascii_text) == sum(map(metrics.char_units, ascii_text))


# --- index: a chunk packed from parse_file's parts ------------------------------------


def test_chunk_packs_parse_file_parts_as_the_plain_way(sample_folder: Path) -> None:
    from editor.content import index
    from editor.content.index.chunks import ParsedChunk
    from editor.content.schema import SchemaRegistry
    from editor.content.seo import load_config

    (sample_folder / "broken.md").write_bytes(b"---\na: [\n---\n")  # an error row
    folder = str(sample_folder)
    registry, config = SchemaRegistry.load(sample_folder), load_config(sample_folder)
    parts = [
        index.parse_file(folder, rel, size, mtime, registry, config)
        for rel, size, mtime in index.scan_folder(sample_folder)
    ]
    assert len(parts) > 3 and any(row[10] is not None for row, *_ in parts)
    packed = ParsedChunk.of(parts)
    texts = [text for _, _, text, _ in parts]
    for chunk in (packed, ParsedChunk.unpack(packed.pack())):
        assert chunk.rows == [row for row, *_ in parts]
        assert chunk.facts == [facts for _, facts, _, _ in parts]
        assert chunk.texts == b"".join(text + b"\n" for text in texts)
        assert list(chunk.lengths) == list(map(len, texts))
        assert list(chunk.masks) == [letter_mask(text) for text in texts]
    assert type(marshal.loads(packed.blob)) is list  # the cache reads lists
    empty = ParsedChunk.unpack(ParsedChunk.of([]).pack())
    assert (empty.rows, empty.facts, empty.texts, len(empty.lengths)) == ([], [], b"", 0)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX timers")
def test_nested_sequence_dashes_do_not_make_the_screen_backtrack() -> None:
    """Spaces between nested dashes could be split between two quantifiers in 2^n ways:
    a line of 40 such dashes took hours (a hang of the whole index). Guarded by a
    generous alarm so that a regression fails instead of hanging the suite."""

    def hung(*_: object) -> None:
        raise TimeoutError("the screen backtracks exponentially")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        for dashes in ("-   " * 40, "-  " * 40, "- " * 40):
            front = f"title: x\nitems:\n  {dashes}word\n"
            # 40 nested lists: more than the fast path's depth screen lets through
            assert fast_yaml._risky_text(front) is True
            shallow = f"title: x\nitems:\n  {dashes[: len(dashes) // 5]}word\n"
            assert fast_yaml._risky_text(shallow) is False
            assert fast_yaml.fast_front(f"---\n{front}---\nBody\n", [])[0] == front
            assert fast_yaml._risky_text(f"items:\n  {dashes}0x1f\n") is True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
