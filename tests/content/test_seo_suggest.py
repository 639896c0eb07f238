"""Fixes offered for SEO findings: derived from the entry, within the limits."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.document import load_entry
from editor.content.schema import SchemaRegistry
from editor.content.seo.config import SeoConfig
from editor.content.seo.rules import check_entry
from editor.content.seo.suggest import (
    ELLIPSIS,
    first_sentence,
    plain_text,
    suggest,
    trim_to_limit,
)


def test_a_missing_description_is_offered_from_the_definitions_first_sentence(
    sample_folder: Path,
) -> None:
    entry = load_entry(sample_folder / "coercive-diplomacy.md")
    schema = SchemaRegistry.load(sample_folder).for_data(entry.data)
    config = SeoConfig()
    rules = {f.rule for f in check_entry(entry.data, schema, config, "coercive-diplomacy.md")}
    assert "description-missing" in rules
    found = suggest("description-missing", entry.data, schema, config)
    assert found is not None
    assert found.field == "seo.page_description"
    assert found.value == first_sentence(plain_text(entry.data["definition"]))
    fixed = {**entry.data, "seo": {**entry.data["seo"], "page_description": found.value}}
    after = {f.rule for f in check_entry(fixed, schema, config, "coercive-diplomacy.md")}
    assert "description-missing" not in after and "description-long" not in after


def test_a_long_first_sentence_is_cut_at_a_word_boundary(sample_folder: Path) -> None:
    entry = load_entry(sample_folder / "coercive-diplomacy.md")
    schema = SchemaRegistry.load(sample_folder).for_data(entry.data)
    config = SeoConfig(description_max_chars=60)
    found = suggest("description-missing", entry.data, schema, config)
    assert found is not None and isinstance(found.value, str)
    assert len(found.value) <= 60 and found.value.endswith(ELLIPSIS)
    kept, definition = found.value[:-1], plain_text(entry.data["definition"])
    assert definition.startswith(kept) and definition[len(kept)] in " ,"  # whole words


def test_keywords_come_from_the_term_and_the_subject(sample_folder: Path) -> None:
    entry = load_entry(sample_folder / "coercive-diplomacy.md")
    schema = SchemaRegistry.load(sample_folder).for_data(entry.data)
    data = {**entry.data, "seo": {**entry.data["seo"], "page_keywords": ""}}
    found = suggest("keywords-missing", data, schema, SeoConfig())
    assert found is not None
    assert found.field == "seo.page_keywords"
    assert found.value == f"{data['title']}, {data['subject']}"


def test_no_suggestion_for_other_rules_or_without_a_source(sample_folder: Path) -> None:
    entry = load_entry(sample_folder / "coercive-diplomacy.md")
    schema = SchemaRegistry.load(sample_folder).for_data(entry.data)
    assert suggest("title-long", entry.data, schema, SeoConfig()) is None
    bare = {k: v for k, v in entry.data.items() if k not in {"definition", "what_is"}}
    assert suggest("description-missing", bare, schema, SeoConfig()) is None


def test_markdown_is_read_as_its_words() -> None:
    text = "**BATNA** is your [best alternative](/batna/).\\nIt sets `the` floor. More."
    assert plain_text(text) == "BATNA is your best alternative. It sets the floor. More."
    assert first_sentence(plain_text(text)) == "BATNA is your best alternative."


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefgh,", min_size=1, max_size=12), min_size=1, max_size=30),
    st.integers(min_value=5, max_value=80),
)
def test_trimming_keeps_whole_words_within_the_limit(words: list[str], limit: int) -> None:
    text = " ".join(words)
    trimmed = trim_to_limit(text, limit)
    assert len(trimmed) <= limit
    if trimmed == text or not trimmed:
        return
    kept = trimmed.removesuffix(ELLIPSIS)
    assert trimmed.endswith(ELLIPSIS)
    assert (text + " ").startswith(kept) or any(
        text.startswith(kept + tail + " ") for tail in ("", ",", ",,")
    )
