"""The field-by-field merge of an entry: examples and hypothesis properties."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from editor.content import frontmatter
from editor.content.document import get_path, set_path
from editor.content.errors import ContentError
from editor.content.merge import BODY, MISSING, MergeError, diff3, merge_lines, merge_texts, resolve
from editor.content.writer import update_text

SAMPLE = Path(__file__).resolve().parents[2] / "sample_content"
FILES = sorted(p for p in SAMPLE.glob("*.md"))
GLOSSARY = SAMPLE / "anchoring.md"
FIELDS = (
    "title",
    "definition",
    "subject",
    "url",
    "seo.title",
    "seo.page_description",
    "seo.page_keywords",
    "faq.0.question",
    "faq.0.answer",
    "faq.1.answer",
    "related.0",
)


def read(text: str) -> tuple[dict[str, Any], str]:
    parts = frontmatter.split(text)
    return frontmatter.parse_yaml(parts.front), parts.body


def edited(text: str, changes: dict[str, Any], body: str | None = None) -> str:
    data, _ = read(text)
    data = copy.deepcopy(data)
    for key, value in changes.items():
        set_path(data, key, value)
    return update_text(text, data, body, key_order=list(data))


def test_different_fields_merge_and_each_side_keeps_its_lines() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    ours = edited(base, {"seo.title": "Ours", "faq.0.answer": "Our answer"})
    theirs = edited(base, {"seo.page_description": "Theirs", "subject": "Their subject"})
    result = merge_texts(base, ours, theirs)
    assert result.clean
    data, _ = read(result.text)
    assert data["seo"]["title"] == "Ours"
    assert data["seo"]["page_description"] == "Theirs"
    assert data["subject"] == "Their subject"
    assert data["faq"][0]["answer"] == "Our answer"
    changed = [
        (a, b) for a, b in zip(base.splitlines(), result.text.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 4  # exactly the four value lines


def test_their_formatting_of_a_field_they_changed_is_kept() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    theirs = base.replace("subject: Negotiation", "subject: 'Negotiation theory'  # moved")
    ours = edited(base, {"seo.title": "Ours"})
    result = merge_texts(base, ours, theirs)
    assert result.clean
    assert "subject: 'Negotiation theory'  # moved\n" in result.text


def test_faq_item_edited_on_one_side_and_added_on_the_other() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    data, _ = read(base)
    ours = edited(base, {"faq.1.answer": "Edited"})
    theirs = edited(base, {"faq": [*data["faq"], {"question": "New?", "answer": "Yes."}]})
    result = merge_texts(base, ours, theirs)
    assert result.clean
    faq = read(result.text)[0]["faq"]
    assert [item["answer"] for item in faq][1:] == ["Edited", "Yes."]


def test_same_field_changed_two_ways_is_one_conflict_never_markers() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    ours = edited(base, {"seo.title": "Ours", "subject": "Same"})
    theirs = edited(base, {"seo.title": "Theirs", "subject": "Same"})
    result = merge_texts(base, ours, theirs)
    assert [(c.key, c.ours, c.theirs) for c in result.conflicts] == [
        ("seo.title", "Ours", "Theirs")
    ]
    assert "<<<<<<<" not in result.text
    assert read(result.text)[0]["seo"]["title"] == "Ours"
    taken = resolve(result, {"seo.title": "Theirs"})
    assert taken == theirs


def test_deleted_against_changed_is_a_conflict_that_can_take_the_deletion() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    data, _ = read(base)
    ours = edited(base, {"subject": "Kept"})
    without = {k: v for k, v in data.items() if k != "subject"}
    theirs = update_text(base, without)
    result = merge_texts(base, ours, theirs)
    assert [(c.key, c.ours, c.theirs) for c in result.conflicts] == [("subject", "Kept", MISSING)]
    assert "subject" not in read(resolve(result, {"subject": MISSING}))[0]


def test_body_merges_by_line_and_conflicts_as_the_body_field() -> None:
    text = "---\ntitle: T\n---\none\ntwo\nthree\nfour\n"
    ours = text.replace("one\n", "ONE\n")
    theirs = text.replace("four\n", "FOUR\n")
    assert read(merge_texts(text, ours, theirs).text)[1] == "ONE\ntwo\nthree\nFOUR\n"
    theirs2 = text.replace("one\n", "Uno\n")
    result = merge_texts(text, ours, theirs2)
    assert [c.key for c in result.conflicts] == [BODY]
    assert result.conflicts[0].merged_text == (
        "<<<<<<< ours\nONE\n=======\nUno\n>>>>>>> theirs\ntwo\nthree\nfour\n"
    )


def test_a_side_that_does_not_parse_is_refused() -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    with pytest.raises(MergeError):
        merge_texts(base, base, "---\ntitle: [unclosed\n---\n")


def test_diff3_chunks() -> None:
    chunks = diff3("abcde", "aXcde", "abcdY")
    assert [(c.stable, "".join(c.ours), "".join(c.theirs)) for c in chunks] == [
        (True, "a", "a"),
        (False, "X", "b"),
        (True, "cd", "cd"),
        (False, "e", "Y"),
    ]
    assert merge_lines("a\nb\n", "a\nb\nc\n", "z\na\nb\n") == ("z\na\nb\nc\n", None)


# -- properties --------------------------------------------------------------------------

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
)
EDITS = st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=4)
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _side(base: str, changes: dict[str, str]) -> str:
    try:
        return edited(base, changes)
    except ContentError:
        assume(False)
        raise


@PROPS
@given(st.sampled_from(FILES))
def test_merging_an_entry_with_itself_changes_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = merge_texts(text, text, text)
    assert result.clean
    assert result.text == text


@PROPS
@given(EDITS)
def test_one_sided_change_gives_that_side(changes: dict[str, str]) -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    ours = _side(base, changes)
    assert merge_texts(base, ours, base).text == ours
    assert read(merge_texts(base, base, ours).text)[0] == read(ours)[0]


@PROPS
@given(EDITS, EDITS)
def test_disjoint_changes_merge_cleanly_to_the_expected_data(
    mine: dict[str, str], other: dict[str, str]
) -> None:
    other = {k: v for k, v in other.items() if k not in mine}
    base = GLOSSARY.read_text(encoding="utf-8")
    ours, theirs = _side(base, mine), _side(base, other)
    result = merge_texts(base, ours, theirs)
    expected, _ = read(base)
    for key, value in {**mine, **other}.items():
        set_path(expected, key, value)
    assert result.clean
    assert read(result.text)[0] == expected


@PROPS
@given(EDITS, EDITS)
def test_no_field_of_either_side_is_lost(mine: dict[str, str], other: dict[str, str]) -> None:
    base = GLOSSARY.read_text(encoding="utf-8")
    ours, theirs = _side(base, mine), _side(base, other)
    result = merge_texts(base, ours, theirs)
    merged, _ = read(result.text)
    conflicts = {c.key: c for c in result.conflicts}
    for key, value in mine.items():
        assert get_path(merged, key) == value
    for key, value in other.items():
        if get_path(merged, key) != value:
            assert conflicts[key].theirs == value
            assert conflicts[key].ours == mine[key]


REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real_content"  # may be absent


def test_real_files_merge_two_editors_fields_without_noise() -> None:
    files = [p for p in sorted(REAL.glob("*.md")) if p.read_bytes().startswith(b"---")]
    if not files:
        pytest.skip("the shared real content is not beside this checkout")
    for path in files:
        text = path.read_bytes().decode("utf-8")
        assert merge_texts(text, text, text).text == text
        data, _ = read(text)
        ours = edited(text, {"seo.title": "Ours"})
        theirs = edited(text, {"subject": "Theirs"} if "subject" in data else {"id": 1})
        result = merge_texts(text, ours, theirs)
        assert result.clean, path.name
        changed = [
            pair
            for pair in zip(text.splitlines(), result.text.splitlines(), strict=True)
            if pair[0] != pair[1]
        ]
        assert len(changed) == 2, path.name
