"""Corpus rules: duplicates across entries and related links to no entry."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.schema import SchemaRegistry
from editor.content.seo import (
    Finding,
    SeoConfig,
    SeoFacts,
    check_corpus,
    common,
    corpus_check,
    seo_facts,
)

REGISTRY = SchemaRegistry.load()
CONFIG = SeoConfig()


def glossary(slug: str, title: str, description: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "_schema": "glossary",
        "title": slug.replace("-", " ").title(),
        "seo": {"title": title, "page_description": description or f"About {slug}."},
        "url": f"/glossary/{slug}",
        **extra,
    }


def facts_of(*entries: dict[str, Any]) -> list[SeoFacts]:
    """Facts of each entry, filed as ``<title>.md``."""
    return [
        seo_facts(data, REGISTRY.for_data(data), f"{data['title'].lower().replace(' ', '-')}.md")
        for data in entries
    ]


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_distinct_entries_have_no_findings() -> None:
    entries = facts_of(glossary("alpha", "Alpha explained"), glossary("beta", "Beta explained"))
    assert check_corpus(entries, CONFIG) == []


def test_duplicate_titles_are_reported_on_each_entry_naming_the_other() -> None:
    entries = facts_of(
        glossary("alpha", "Leverage  Explained"),
        glossary("beta", "leverage explained"),
        glossary("gamma", "Something else"),
    )
    found = by_rule(check_corpus(entries, CONFIG), "title-duplicate")
    assert sorted(f.path for f in found) == ["alpha.md", "beta.md"]
    alpha = next(f for f in found if f.path == "alpha.md")
    assert "beta.md" in alpha.message and "alpha.md" not in alpha.message
    assert (alpha.field, alpha.severity) == ("seo.title", "warning")


def test_many_duplicates_are_summarised() -> None:
    entries = facts_of(*(glossary(f"term-{i}", "Same title", f"d{i}") for i in range(5)))
    found = by_rule(check_corpus(entries, CONFIG), "title-duplicate")
    assert len(found) == 5
    assert all("and 2 more" in f.message for f in found)


def test_empty_titles_are_not_duplicates_of_each_other() -> None:
    entries = facts_of(glossary("alpha", ""), glossary("beta", "  "))
    assert by_rule(check_corpus(entries, CONFIG), "title-duplicate") == []


def test_duplicate_descriptions() -> None:
    entries = facts_of(
        glossary("alpha", "A", "The same  text."), glossary("beta", "B", "the same text.")
    )
    found = by_rule(check_corpus(entries, CONFIG), "description-duplicate")
    assert {(f.path, f.field) for f in found} == {
        ("alpha.md", "seo.page_description"),
        ("beta.md", "seo.page_description"),
    }


def test_duplicate_urls_are_errors() -> None:
    one = glossary("alpha", "A")
    two = dict(glossary("beta", "B"), url="/glossary/alpha/")
    found = by_rule(check_corpus(facts_of(one, two), CONFIG), "slug-duplicate")
    assert {f.path for f in found} == {"alpha.md", "beta.md"}
    assert all(f.severity == "error" and f.field == "url" for f in found)


def test_related_broken_for_glossary_lists_and_qa_related_articles() -> None:
    alpha = glossary("alpha", "A", related=["/glossary/beta", "/glossary/missing"])
    beta = glossary("beta", "B", related=["https://example.org/glossary/alpha/"])
    qa = {
        "_schema": "default",
        "title": "Why",
        "seo": {"title": "Q", "page_description": "D"},
        "url": "/learn/x/questions/why",
        "related_article1": {"id": 1, "title": "A", "url": "/glossary/alpha"},
        "related_article2": {"id": 2, "title": "Gone", "url": "/learn/x/questions/gone"},
    }
    found = by_rule(check_corpus(facts_of(alpha, beta, qa), CONFIG), "related-broken")
    assert {(f.path, f.field) for f in found} == {
        ("alpha.md", "related.1"),
        ("why.md", "related_article2.url"),
    }
    assert all(f.severity == "warning" for f in found)
    assert any("/glossary/missing" in f.message for f in found)


def test_corpus_rules_follow_the_config() -> None:
    entries = facts_of(glossary("alpha", "Same", related=["/nowhere"]), glossary("beta", "Same"))
    config = SeoConfig(
        disabled=frozenset({"related-broken"}),
        severity_overrides=(("title-duplicate", "error"),),
    )
    found = check_corpus(entries, config)
    assert by_rule(found, "related-broken") == []
    assert {f.severity for f in by_rule(found, "title-duplicate")} == {"error"}


def test_counts_hold_on_a_big_folder() -> None:
    n = 20_000
    facts = [
        SeoFacts(
            path=f"{i}.md",
            title=f"t{i % (n // 2)}",  # every title used twice
            description=f"d{i}",
            url=f"/glossary/t{i}",
            related=(("related.0", f"/glossary/t{(i + 1) % (n + 1)}"),),  # last one broken
        )
        for i in range(n)
    ]
    found = check_corpus(facts, CONFIG)
    assert len(by_rule(found, "title-duplicate")) == n
    assert [f.path for f in by_rule(found, "related-broken")] == [f"{n - 1}.md"]
    assert len(found) == n + 1


def test_a_huge_duplicate_group_is_linear_and_names_two_others() -> None:
    # The real site: thousands of Q&A pages titled "QuickTakes | <Subject>". A quadratic
    # rule would need minutes here.
    n = 40_000
    facts = [
        SeoFacts(path=f"q/{i:05d}.md", title="quicktakes | mathematics", url=f"/q/{i}")
        for i in range(n)
    ]
    found = by_rule(check_corpus(facts, CONFIG), "title-duplicate")
    assert len(found) == n
    first, second = found[0], found[1]
    assert first.message == (
        f"SEO title is also used by q/00001.md, q/00002.md and {n - 3} more: make each title unique"
    )
    assert "q/00000.md, q/00002.md" in second.message and "q/00001.md," not in second.message
    assert all(f"and {n - 3} more" in f.message for f in found)


def test_tuple_rows_give_the_same_findings_as_objects() -> None:
    from editor.content.seo.rules import check_corpus_rows

    entries = facts_of(
        glossary("alpha", "Same", "Same words.", related=["/glossary/beta", "/nowhere"]),
        glossary("beta", "same", "same  words."),
        dict(glossary("gamma", "Other"), url="/glossary/Alpha/"),
    )
    rows = [
        (f.path, f.title, f.description, f.url, tuple(x for pair in f.related for x in pair),
         f.title_field, f.description_field, f.url_field)
        for f in entries
    ]  # fmt: skip
    objects = check_corpus(entries, CONFIG)
    assert [Finding(*row) for row in check_corpus_rows(rows, CONFIG)] == objects
    assert {f.rule for f in objects} == {
        "title-duplicate",
        "description-duplicate",
        "slug-duplicate",
        "related-broken",
    }


URL_PIECES = st.sampled_from(["/", "a", "B", "é", "?", "#", " ", "\t", "\n", "//", "-", "x/"])
# Mostly plain site paths (the shortcut's case), some with a trailing slash, some odd.
URLS = st.one_of(
    st.from_regex(r"/[a-z]{1,3}(/[a-z]{1,3})?/?", fullmatch=True),
    st.lists(URL_PIECES, max_size=5).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(
    linked=st.sets(URLS, max_size=12),
    answers=st.sets(URLS, max_size=12),
)
def test_broken_urls_agree_with_working_each_key_out(linked: set[str], answers: set[str]) -> None:
    """The set-at-once shortcut gives exactly the one-by-one answer, odd URLs included
    (known keys are what entries' own URLs turn into, as the index makes them)."""
    known = {common.url_key(url) for url in answers | linked} - {""}
    known = {key for n, key in enumerate(sorted(known)) if n % 2 == 0}

    expected = {url for url in linked if common.url_key(url) not in known}

    assert corpus_check._broken_urls(linked, known) == expected
    assert corpus_check._broken_urls(linked, known | linked) == {
        url for url in linked if common.url_key(url) not in known | linked
    }
