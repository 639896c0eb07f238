"""CorpusRules (incremental corpus rules) against check_corpus_rows run from scratch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.seo.common import FactsRow, FindingRow, text_digest, url_key
from editor.content.seo.config import SeoConfig
from editor.content.seo.corpus_check import check_corpus_rows
from editor.content.seo.corpus_rules import CorpusRules

CORPUS_RULES = ("title-duplicate", "description-duplicate", "slug-duplicate", "related-broken")
# str order differs from path-part order here ("a-b.md" < "a/b.md" < "a.md"), and
# eight paths are enough for groups of more than three (whose messages say "and N more")
PATHS = ("a.md", "a-b.md", "a/b.md", "a/c.md", "b.md", "B.md", "c.md", "d/e.md")
TITLES = ("", "alpha", "beta", "gamma")
DESCRIPTIONS = ("", "one", "two")
# entries' URLs: the same path spelled as a full URL, with a trailing slash, in capitals
URLS = ("", "/a", "/a/", "/A", "https://site.example/a", "/b", "b", "https://x.example/b/", "/c")
# related links: some hit the URLs above (in other spellings), some hit nothing
LINKS = ("/a", "/A/", "https://site.example/b", "/c/", "c", "/zzz", "https://site.example/")
LINK_FIELDS = ("related", "related_article1.url")

facts_rows = st.builds(
    lambda path, title, description, url, links, fields: (
        path,
        title,
        description,
        url_key(url),
        tuple(x for n, link in enumerate(links) for x in (f"{fields[0]}.{n}", link)),
        fields[1],
        fields[2],
        fields[3],
    ),
    st.sampled_from(PATHS),
    st.sampled_from(TITLES),
    st.sampled_from(DESCRIPTIONS),
    st.sampled_from(URLS),
    st.lists(st.sampled_from(LINKS), max_size=3),
    st.tuples(
        st.sampled_from(LINK_FIELDS),
        st.sampled_from(("seo.title", "title")),
        st.sampled_from(("seo.page_description", "description")),
        st.sampled_from(("url", "slug")),
    ),
)
configs = st.builds(
    lambda disabled, strict: SeoConfig(
        disabled=frozenset(disabled),
        severity_overrides=(("related-broken", "error"),) if strict else (),
    ),
    st.sets(st.sampled_from(CORPUS_RULES)),
    st.booleans(),
)
# one update: paths removed, facts added (an added path may be present already)
updates = st.tuples(st.lists(st.sampled_from(PATHS), max_size=3), st.lists(facts_rows, max_size=3))


def corpus(rows: Iterable[FactsRow]) -> dict[str, FactsRow]:
    """Facts by path, the last of a path winning (as the index keeps one per file)."""
    return {row[0]: row for row in rows}


def expected(current: dict[str, FactsRow], config: SeoConfig) -> list[FindingRow]:
    return check_corpus_rows([current[path] for path in sorted(current)], config)


def by_path(findings: list[FindingRow]) -> dict[str, tuple[FindingRow, ...]]:
    grouped: dict[str, list[FindingRow]] = defaultdict(list)
    for finding in findings:
        grouped[finding[2]].append(finding)
    return {path: tuple(rows) for path, rows in grouped.items()}


def assert_same(rules: CorpusRules, current: dict[str, FactsRow], config: SeoConfig) -> None:
    want = expected(current, config)
    assert rules.all() == want
    want_of = by_path(want)
    for path in PATHS:
        assert rules.findings_of(path) == want_of.get(path, ())


@settings(max_examples=150, deadline=None)
@given(st.lists(facts_rows, max_size=len(PATHS) + 2), configs)
def test_build_gives_check_corpus_rows_findings(rows: list[FactsRow], config: SeoConfig) -> None:
    current = corpus(rows)
    rules = CorpusRules(config)
    rules.build([current[path] for path in sorted(current)])
    assert len(rules) == len(current)
    assert_same(rules, current, config)


@settings(max_examples=150, deadline=None)
@given(st.lists(facts_rows, max_size=len(PATHS)), configs, st.lists(updates, max_size=8))
def test_updates_keep_findings_and_report_exactly_the_changed_paths(
    rows: list[FactsRow], config: SeoConfig, steps: list[tuple[list[str], list[FactsRow]]]
) -> None:
    current = corpus(rows)
    rules = CorpusRules(config)
    rules.build([current[path] for path in sorted(current)])
    before = by_path(expected(current, config))
    for removed, added in steps:
        changed = rules.update(removed, added)
        for path in removed:
            current.pop(path, None)
        current.update(corpus(added))
        assert_same(rules, current, config)
        after = by_path(expected(current, config))
        differ = {p for p in PATHS if before.get(p, ()) != after.get(p, ())}
        assert changed == differ
        before = after


@settings(max_examples=50, deadline=None)
@given(st.lists(facts_rows, min_size=1, max_size=len(PATHS)), configs)
def test_giving_an_entry_again_unchanged_changes_nothing(
    rows: list[FactsRow], config: SeoConfig
) -> None:
    current = corpus(rows)
    rules = CorpusRules(config)
    rules.build([current[path] for path in sorted(current)])
    row = next(iter(current.values()))
    assert rules.update([row[0]], [row]) == set()
    assert rules.update([], [row]) == set()
    assert_same(rules, current, config)


def test_a_big_group_growing_changes_every_member_and_a_rename_only_the_first_ones() -> None:
    def entry(name: str) -> FactsRow:
        return (
            f"{name}.md",
            "same",
            "",
            f"/{name}",
            (),
            "seo.title",
            "seo.page_description",
            "url",
        )

    rows = [entry(f"p{n:02}") for n in range(10)]
    rules = CorpusRules(SeoConfig())
    rules.build(rows)
    assert rules.update([], [entry("p99")]) == {row[0] for row in rows} | {"p99.md"}
    # p00 leaves and p98 joins: the group keeps its size, so only members whose
    # message names p00 (the others of the first three; the rest show p00 and p01)
    # see a change, and every one of them does
    changed = rules.update(["p00.md"], [entry("p98")])
    assert changed == {row[0] for row in rows} | {"p99.md", "p98.md"}
    changed = rules.update(["p98.md"], [entry("p97")])
    assert changed == {"p97.md", "p98.md"}
    message = rules.findings_of("p05.md")[0][4]
    assert message.startswith("SEO title is also used by p01.md, p02.md and 8 more")


def test_a_link_breaks_and_mends_as_its_target_leaves_and_returns() -> None:
    target = ("t.md", "t", "t", "/glossary/t", (), "seo.title", "seo.page_description", "url")
    link = ("related.0", "https://site.example/glossary/t/")
    linker = ("l.md", "l", "l", "/l", link, "seo.title", "seo.page_description", "url")
    rules = CorpusRules(SeoConfig())
    rules.build([linker, target])
    assert rules.all() == []
    assert rules.update(["t.md"], []) == {"l.md"}
    assert [f[0] for f in rules.findings_of("l.md")] == ["related-broken"]
    assert rules.update([], [target]) == {"l.md"}
    assert rules.findings_of("l.md") == ()


@settings(max_examples=100, deadline=None)
@given(st.lists(facts_rows, max_size=len(PATHS) + 2), configs)
def test_digests_of_titles_and_descriptions_give_the_same_findings_as_their_texts(
    rows: list[FactsRow], config: SeoConfig
) -> None:
    current = corpus(rows)
    digested = {
        path: (row[0], text_digest(row[1]), text_digest(row[2]), *row[3:])
        for path, row in current.items()
    }
    assert expected(digested, config) == expected(current, config)
    rules = CorpusRules(config)
    rules.build([digested[path] for path in sorted(digested)])
    assert_same(rules, current, config)
