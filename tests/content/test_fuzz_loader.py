"""Fuzzing: nothing but a ContentError ever escapes the loader, and the writer either
saves exactly the intended data or refuses with the file unchanged."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from editor.content.document import load_entry, parse_entry, save_entry
from editor.content.errors import ContentError, WriteError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FUZZ_PATH = Path("fuzz.md")

# Pieces YAML front matter is made of, so random text often gets deep into the parser.
PIECES = [
    "---",
    "...",
    "+++",
    "{",
    "}",
    "[",
    "]",
    "key: ",
    "title: ",
    "seo:",
    "- ",
    "? ",
    ": ",
    ">-",
    ">",
    "|",
    "|-",
    "|+",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "!!python/object:os.system ",
    "<<: ",
    "'",
    '"',
    "\\",
    "\\n",
    "#",
    "%YAML 1.1",
    "2024-12-02",
    "1e3",
    "0x1F",
    "yes",
    "~",
    "null",
    ".nan",
    "é",
    "ɡlɒs",
    "\u2028",
    "\ufeff",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\n",
    "\n",
    "  ",
    "    ",
    "        ",
    "\x00",
    "\x85",
]


def _check_parse(data: bytes) -> None:
    try:
        entry = parse_entry(data, FUZZ_PATH)
    except ContentError as err:
        assert err.path == FUZZ_PATH
        assert err.line is None or err.line >= 1
        assert err.column is None or err.column >= 1
        assert str(err).startswith("fuzz.md")
        return
    assert isinstance(entry.data, dict)
    assert entry.text.endswith(entry.body)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _check_parse(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_after_a_delimiter(data: bytes) -> None:
    _check_parse(b"---\n" + data)
    _check_parse(b"---\n" + data + b"\n---\n")
    _check_parse(b"+++\n" + data + b"\n+++\n")
    _check_parse(b"{" + data)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=60))
def test_yaml_ish_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    _check_parse(text.encode("utf-8", errors="surrogatepass"))
    _check_parse(("---\n" + text + "\n---\nbody").encode("utf-8", errors="surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20), st.lists(st.sampled_from(PIECES), max_size=20))
def test_mutated_real_fixture(cut: int, pieces: list[str]) -> None:
    """Splice YAML-ish pieces into a real entry at a random line."""
    lines = (FIXTURES / "qa_article.md").read_text(encoding="utf-8").split("\n")
    at = min(cut, len(lines))
    lines.insert(at, "".join(pieces))
    _check_parse("\n".join(lines).encode("utf-8", errors="surrogatepass"))


# -- the writer: random edits save exactly, or are refused with the file unchanged

EDITABLE = [
    "title",
    "question",
    "answer",
    "subject",
    "seo.title",
    "seo.page_description",
    "seo.page_keywords",
    "author",
    "new_key",
    "seo.focus_keyphrase",
]

values = (
    st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            " ",
            "a: b",
            "# x",
            "- x",
            "'",
            '"',
            "\\n",
            "  lead",
            "trail  ",
            "ɡlɒs.ər.i",
            "yes",
            "null",
            "2024-12-02",
            "1e3",
            "x\n\ny",
            "\t",
            "…",
        ]
    )
    | st.integers()
    | st.none()
    | st.booleans()
    | st.dates()
    | st.lists(st.text(max_size=10), max_size=3)
)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(EDITABLE), values), min_size=1, max_size=4),
    st.none() | st.text(max_size=30),
)
def test_random_edits_save_exactly_or_refuse(
    edits: list[tuple[str, Any]], body: str | None
) -> None:
    original = (FIXTURES / "qa_article.md").read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entry.md"
        path.write_bytes(original)
        entry = load_entry(path)
        data = copy.deepcopy(entry.data)
        for key, value in edits:
            _set(data, key, value)
        new_body = entry.body if body is None else body
        assume(data != entry.data or new_body != entry.body)
        try:
            saved = save_entry(entry, data, new_body)
        except WriteError:
            assert path.read_bytes() == original
            assert [p.name for p in Path(folder).iterdir()] == ["entry.md"]
            return
        except ContentError as err:  # pragma: no cover - anything else is a bug
            pytest.fail(f"unexpected {type(err).__name__}: {err}")
        reloaded = load_entry(path)
        assert reloaded.data == data
        assert reloaded.body == new_body
        assert saved.fingerprint == reloaded.fingerprint
