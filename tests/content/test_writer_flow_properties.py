"""Property tests: flow lists edited item by item keep every other item's text, comments
survive any edit, and keys that literally contain dots are edited as the one key they are."""

from __future__ import annotations

import copy
import difflib
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from editor.content.frontmatter import parse_yaml, split
from editor.content.writer import same_data, update_text
from editor.content.yaml_scalars import emit_str

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Pieces that matter inside flow collections: indicators, quotes, separators, breaks.
FRAGMENTS = [
    ",",
    ", ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    " #",
    "'",
    '"',
    "\\",
    "\n",
    " ",
    "-",
    "?",
    "&a",
    "*b",
    "!x",
    "null",
    "123",
    "/docs/",
    "é",
    "😀",
    "\t",
]
texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), min_size=0, max_size=6
).map("".join)
STYLES = st.sampled_from(["", "'", '"'])
SEPARATORS = st.sampled_from([", ", ",", " , ", ",\n  ", ",\n    "])


def data_of(text: str) -> dict[str, Any]:
    parts = split(text)
    return parse_yaml(parts.front, None, parts.front_line)


def flow_item(value: str, style: str) -> str:
    """``value`` written in ``style`` inside a flow list (double-quoted if it cannot be)."""
    out = emit_str(value, style, 2)
    if out is not None and "\n" not in out[3:-1]:
        text = out[3:-1]
        try:
            if yaml.load(f"[{text}]", Loader=LOADER) == [value]:
                return text
        except yaml.YAMLError:
            pass
    out = emit_str(value, '"', 2)
    assert out is not None
    return out[3:-1]


def item_texts(text: str) -> list[str]:
    """The source text of each item of the ``tags`` flow list."""
    front = split(text).front
    root = yaml.compose(front, Loader=LOADER)
    assert root is not None
    seq = next(v for k, v in root.value if k.value == "tags")
    return [front[item.start_mark.index : item.end_mark.index] for item in seq.value]


@st.composite
def flow_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    # distinct values: an item equal to another could be matched to either
    values = draw(st.lists(texts, min_size=1, max_size=6, unique=True))
    styles = draw(st.lists(STYLES, min_size=len(values), max_size=len(values)))
    sep = draw(SEPARATORS)
    items = sep.join(flow_item(v, s) for v, s in zip(values, styles, strict=True))
    return f"---\ntitle: T\ntags: [{items}]\nafter: x # kept\n---\nBody\n", values


OPERATIONS = st.sampled_from(["edit", "append", "insert", "delete"])


@PROPERTY
@given(file=flow_files(), operation=OPERATIONS, value=texts, where=st.integers(0, 10))
def test_a_flow_list_edit_keeps_every_other_item_exactly(
    file: tuple[str, list[str]], operation: str, value: str, where: int
) -> None:
    text, values = file
    assume(value not in values)
    data = data_of(text)
    assert data["tags"] == values
    old_items = item_texts(text)
    i = where % len(values)
    new = copy.deepcopy(data)
    if operation == "edit":
        new["tags"][i] = value
    elif operation == "append":
        new["tags"].append(value)
    elif operation == "insert":
        new["tags"].insert(i, value)
    elif len(values) > 1:
        del new["tags"][i]
    out = update_text(text, new)
    assert same_data(data_of(out), new)
    # the other entries' lines are untouched
    assert out.startswith("---\ntitle: T\ntags: [")
    assert out.endswith("]\nafter: x # kept\n---\nBody\n")
    if new["tags"] == values:
        assert out == text
        return
    new_items = item_texts(out)
    if operation == "edit":
        assert new_items[:i] + new_items[i + 1 :] == old_items[:i] + old_items[i + 1 :]
    elif operation == "append":
        assert new_items[:-1] == old_items
    elif operation == "insert":
        assert new_items[:i] + new_items[i + 1 :] == old_items
    else:
        assert new_items == old_items[:i] + old_items[i + 1 :]


COMMENTED = """---
# top comment
title: Old title # c-title
definition: >- # c-def
    Old text.
tags: [a, b] # c-tags
seo:
  # c-seo
  title: 'x' # c-seo-title
related: # c-related
  - /one/ # c-one
  - /two/
---
Body
"""
COMMENTS = ["# top comment", "# c-title", "# c-def", "# c-tags", "# c-seo", "# c-seo-title"]
COMMENTS += ["# c-related", "# c-one"]


def _set(data: dict[str, Any], field: str, value: str) -> None:
    if field == "seo.title":
        data["seo"]["title"] = value
    elif field == "tags.0":
        data["tags"][0] = value
    elif field == "related.0":
        data["related"][0] = value
    else:
        data[field] = value


FIELDS = ["title", "definition", "tags.0", "seo.title", "related.0"]


@PROPERTY
@given(
    edits=st.lists(st.tuples(st.sampled_from(FIELDS), texts), min_size=1, max_size=5),
)
def test_comments_survive_any_edit(edits: list[tuple[str, str]]) -> None:
    data = copy.deepcopy(data_of(COMMENTED))
    for field, value in edits:
        _set(data, field, value)
    out = update_text(COMMENTED, data)
    assert same_data(data_of(out), data)
    for comment in COMMENTS:
        assert comment in out, comment


DOTTED = """---
og.title: Old
og:
  title: Nested
"a.b": {c: 1}
---
"""


@PROPERTY
@given(value=texts, nested=st.booleans())
def test_a_key_with_a_dot_is_one_key(value: str, nested: bool) -> None:
    data = copy.deepcopy(data_of(DOTTED))
    assert data["og.title"] == "Old"
    if nested:
        data["og"]["title"] = value
        data["a.b"]["c"] = 2
    else:
        data["og.title"] = value
        data["x.y"] = value
    out = update_text(DOTTED, data)
    assert same_data(data_of(out), data)
    changed = [
        line
        for line in difflib.ndiff(DOTTED.splitlines(), out.splitlines())
        if line.startswith("- ")
    ]
    if nested:
        assert all(not line.startswith("- og.title") for line in changed)
        assert '"a.b": {c: 2}' in out
    else:
        assert changed in ([], ["- og.title: Old"])
        assert "  title: Nested\n" in out
