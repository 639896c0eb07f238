"""Property tests: whatever an editor types into any field reads back exactly, and only
that field's lines change."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.content.frontmatter import decode, parse_yaml, split
from editor.content.writer import same_data, update_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that trip YAML writers: IPA, quotes, ": ", " #", indicators, escapes that are
# literal text, document markers, line breaks of every kind, non-BMP characters.
FRAGMENTS = [
    "/ˈtaɪdəl ˈlɒkɪŋ/",
    "'",
    '"',
    "''",
    ": ",
    " #",
    "# ",
    "  ",
    " ",
    "\t",
    "\n",
    "\n\n",
    "\\n",
    "\\n\\n",
    "\\",
    "---",
    "\n---\n",
    "...",
    "- ",
    "> ",
    "|",
    "{",
    "}",
    "[",
    "]",
    "&a",
    "*b",
    "!x",
    "%",
    "@",
    "`",
    "?",
    ",",
    "null",
    "~",
    "yes",
    "123",
    "-1.0",
    "2024-01-01",
    "𝄞",
    "😀",
    "é",
    "\r",
    "\r\n",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x7f",
    "$x$",
    "### ",
    "<b>",
    "=",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=10).map(
    "".join
)


def read(name: str) -> str:
    return decode((FIXTURES / name).read_bytes())[0]


def data_of(text: str) -> dict[str, Any]:
    parts = split(text)
    return parse_yaml(parts.front, None, parts.front_line)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def key_span(text: str, dotted: str) -> range:
    """Lines (0-based) of a mapping entry, found by indentation alone."""
    lines = text.splitlines()
    start, stop, parent = 1, len(lines), -1
    span = range(0)
    for part in dotted.split("."):
        found = next(
            i
            for i in range(start, stop)
            if indent(lines[i]) > parent and lines[i].lstrip(" -").startswith(f"{part}:")
        )
        end = found + 1
        while end < stop and lines[end].strip() and indent(lines[end]) > indent(lines[found]):
            end += 1
        start, stop, parent = found + 1, end, indent(lines[found])
        span = range(found, end)
    return span


def item_span(text: str, list_key: str, index: int) -> range:
    """Lines of one ``- item`` of a top-level block list."""
    lines = text.splitlines()
    whole = key_span(text, list_key)
    starts = [i for i in whole if lines[i].lstrip().startswith("- ")]
    return range(starts[index], ([*starts, whole.stop])[index + 1])


def sub_span(text: str, outer: range, key: str) -> range:
    lines = text.splitlines()
    found = next(i for i in outer if lines[i].lstrip(" -").startswith(f"{key}:"))
    end = found + 1
    key_col = len(lines[found]) - len(lines[found].lstrip(" -"))
    while end < outer.stop and lines[end].strip() and indent(lines[end]) > key_col:
        end += 1
    return range(found, end)


def closing_line(text: str) -> int:
    return text.splitlines().index("---", 1)


# A field: how to set it in the data and which lines of the old file it owns.
Setter = Callable[[dict[str, Any], Any], None]
Field = tuple[str, Setter, Callable[[str], range]]


def set_path(*keys: Any) -> Setter:
    def setter(data: dict[str, Any], value: Any) -> None:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return setter


QA_FIELDS: list[Field] = [
    ("answer", set_path("answer"), lambda t: key_span(t, "answer")),
    ("title", set_path("title"), lambda t: key_span(t, "title")),
    ("subject", set_path("subject"), lambda t: key_span(t, "subject")),
    ("seo.title", set_path("seo", "title"), lambda t: key_span(t, "seo.title")),
    (
        "seo.page_description",
        set_path("seo", "page_description"),
        lambda t: key_span(t, "seo.page_description"),
    ),
    (
        "related_article2.title",
        set_path("related_article2", "title"),
        lambda t: key_span(t, "related_article2.title"),
    ),
    ("new key", set_path("lede"), lambda t: range(closing_line(t), closing_line(t))),
]
GLOSSARY_FIELDS: list[Field] = [
    (
        "faq.1.answer",
        set_path("faq", 1, "answer"),
        lambda t: sub_span(t, item_span(t, "faq", 1), "answer"),
    ),
    (
        "faq.0.question",
        set_path("faq", 0, "question"),
        lambda t: sub_span(t, item_span(t, "faq", 0), "question"),
    ),
    ("related.2", set_path("related", 2), lambda t: item_span(t, "related", 2)),
    ("pronunciation", set_path("pronunciation"), lambda t: key_span(t, "pronunciation")),
    ("seo.title", set_path("seo", "title"), lambda t: key_span(t, "seo.title")),
]
QUOTE_FIELDS: list[Field] = [
    ("title (single-quoted)", set_path("title"), lambda t: key_span(t, "title")),
    ("summary (double-quoted)", set_path("summary"), lambda t: key_span(t, "summary")),
    ("notes (literal)", set_path("notes"), lambda t: key_span(t, "notes")),
    ("tags.1", set_path("tags", 1), lambda t: item_span(t, "tags", 1)),
]


def check_single_edit(name: str, field: Field, value: Any) -> None:
    text = read(name)
    label, setter, span_of = field
    data = copy.deepcopy(data_of(text))
    setter(data, value)
    out = update_text(text, data)
    assert same_data(data_of(out), data), label
    assert split(out).body == split(text).body
    span = span_of(text)
    old, new = text.splitlines(keepends=True), out.splitlines(keepends=True)
    tail = len(old) - span.stop
    assert new[: span.start] == old[: span.start], label
    assert new[len(new) - tail :] == old[span.stop :], label


@PROPERTY
@given(field=st.sampled_from(QA_FIELDS), value=texts)
def test_any_text_in_any_qa_field(field: Field, value: str) -> None:
    check_single_edit("fm_qa_seed_shape.md", field, value)


@PROPERTY
@given(field=st.sampled_from(GLOSSARY_FIELDS), value=texts)
def test_any_text_in_any_glossary_field(field: Field, value: str) -> None:
    check_single_edit("fm_glossary.md", field, value)


@PROPERTY
@given(field=st.sampled_from(QUOTE_FIELDS), value=texts)
def test_any_text_in_quoted_and_literal_fields(field: Field, value: str) -> None:
    check_single_edit("fm_comments_quotes.md", field, value)


@PROPERTY
@given(
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False),
        st.dates(),
        st.booleans(),
        st.none(),
    )
)
def test_numbers_dates_and_flags_keep_their_type(value: Any) -> None:
    field: Field = ("score", set_path("score"), lambda t: key_span(t, "score"))
    check_single_edit("fm_qa_seed_shape.md", field, value)


def _crlf_text() -> str:
    return decode((FIXTURES / "fm_crlf_bom.md").read_bytes())[0]


@PROPERTY
@given(title=texts, step=texts)
def test_crlf_file_takes_any_text_and_stays_crlf(title: str, step: str) -> None:
    text = _crlf_text()
    data = copy.deepcopy(data_of(text))
    data["title"] = title
    data["steps"].append(step)
    out = update_text(text, data)
    assert same_data(data_of(out), data)
    front = split(out).front
    assert front.count("\n") == front.count("\r\n") or "\r" in title + step


EDITS = st.lists(
    st.tuples(st.sampled_from(QA_FIELDS), texts),
    min_size=1,
    max_size=5,
    unique_by=lambda edit: edit[0][0],
)


@PROPERTY
@given(edits=EDITS)
def test_several_fields_at_once(edits: list[tuple[Field, str]]) -> None:
    text = read("fm_qa_seed_shape.md")
    data = copy.deepcopy(data_of(text))
    for (_, setter, _), value in edits:
        setter(data, value)
    out = update_text(text, data)
    assert same_data(data_of(out), data)
    # Every stretch of lines between the edited entries is still there, in order.
    old = text.splitlines(keepends=True)
    owned = sorted((span_of(text) for (_, _, span_of), _ in edits), key=lambda r: r.start)
    cuts = [0]
    for span in owned:
        cuts += [span.start, span.stop]
    cuts.append(len(old))
    pos = 0
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        stretch = "".join(old[a:b])
        found = out.find(stretch, pos)
        assert found >= 0, stretch
        pos = found + len(stretch)


@PROPERTY
@given(
    answers=st.lists(texts, min_size=0, max_size=4),
    related=st.lists(texts, min_size=1, max_size=5),
    keep_first=st.booleans(),
)
def test_faq_and_related_lists_take_any_shape(
    answers: list[str], related: list[str], keep_first: bool
) -> None:
    text = read("fm_glossary.md")
    data = copy.deepcopy(data_of(text))
    faq = data["faq"][:1] if keep_first else []
    data["faq"] = faq + [{"question": f"Q{i}", "answer": a} for i, a in enumerate(answers)]
    data["related"] = related
    out = update_text(text, data)
    assert same_data(data_of(out), data)
    for key in ("title", "definition", "seo", "subject"):
        span = key_span(text, key)
        assert "".join(text.splitlines(keepends=True)[span.start : span.stop]) in out


def test_new_dates_are_iso() -> None:
    text = read("fm_qa_seed_shape.md")
    data = copy.deepcopy(data_of(text))
    data["updated"] = dt.date(2025, 3, 9)
    assert "updated: 2025-03-09\n" in update_text(text, data)
