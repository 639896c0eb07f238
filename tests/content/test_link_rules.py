"""orphan, link-moved and value-variant: found in a build, kept right after saves."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.bulk.links import backlinks
from editor.content.document import load_entry
from editor.content.index import CorpusIndex
from editor.content.seo.config import SeoConfig, parse_config
from editor.content.seo.link_rules import LinkFacts, LinkRules, link_findings, markdown_links

NEW_RULES = {"orphan", "link-moved", "value-variant"}


def found(index: CorpusIndex) -> list[tuple[str, str, str, str]]:
    """(rule, path, field, message) of the new rules' findings, sorted."""
    return sorted(
        (f.rule, f.path, f.field, f.message) for f in index.findings() if f.rule in NEW_RULES
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(folder: Path) -> CorpusIndex:
    return CorpusIndex(folder, cache=False).build_all()


def enable_orphan(folder: Path) -> None:
    (folder / "glossary-editor.yaml").write_text("seo:\n  enable: [orphan]\n", encoding="utf-8")


def add_lonely(folder: Path) -> None:
    """An entry no other links to (every sample entry is linked from another)."""
    text = (folder / "zopa.md").read_text(encoding="utf-8")
    (folder / "lonely.md").write_text(
        text.replace("url: /glossary/zopa", "url: /glossary/lonely"), encoding="utf-8"
    )


def test_orphan_is_off_by_default_and_enabled_in_the_settings(sample_folder: Path) -> None:
    add_lonely(sample_folder)
    assert not [r for r, *_ in found(build(sample_folder)) if r == "orphan"]
    assert not SeoConfig().enabled("orphan")
    assert parse_config("seo:\n  enable: [orphan]\n").enabled("orphan")
    enable_orphan(sample_folder)
    orphans = [(p, m) for r, p, _, m in found(build(sample_folder)) if r == "orphan"]
    assert orphans == [
        (
            "lonely.md",
            "No other entry links to /glossary/lonely: link to it from a related entry "
            "or the text of one",
        )
    ]


def test_a_markdown_link_in_a_text_field_counts_as_an_inbound_link(sample_folder: Path) -> None:
    add_lonely(sample_folder)
    enable_orphan(sample_folder)
    index = build(sample_folder)
    assert ("orphan", "lonely.md") in {(r, p) for r, p, *_ in found(index)}
    edit(sample_folder / "batna.md", "BATNA", "[BATNA](/glossary/lonely#top)")
    change = index.update_paths([sample_folder / "batna.md"])
    assert "lonely.md" in change.refreshed
    assert ("orphan", "lonely.md") not in {(r, p) for r, p, *_ in found(index)}
    assert found(index) == found(build(sample_folder))  # incremental = a full check


@pytest.mark.parametrize(
    ("settings", "kept"), [(None, False), ("seo:\n  enable: [orphan]\n", True)]
)
def test_markdown_link_targets_are_kept_only_while_a_rule_reads_them(
    sample_folder: Path, settings: str | None, kept: bool
) -> None:
    """Nothing but ``orphan`` and ``link-moved`` reads them: with the defaults a file is
    not even searched for links (a pass over every file's text, in every worker)."""
    if settings is not None:
        (sample_folder / "glossary-editor.yaml").write_text(settings, encoding="utf-8")
    edit(sample_folder / "zopa.md", "is the range", "is the [range](/glossary/batna)")
    record = build(sample_folder).record("zopa.md")
    assert record is not None
    facts = record.facts_row()
    assert facts is not None
    assert (facts[8:] == (("/glossary/batna",),)) is kept
    assert len(facts) == (9 if kept else 8)


def test_a_link_left_at_an_entrys_old_url_is_reported(sample_folder: Path) -> None:
    (sample_folder / "glossary-editor.yaml").write_text(
        "seo:\n  enable: [link-moved]\n", encoding="utf-8"
    )
    edit(sample_folder / "zopa.md", "    - /glossary/batna\n", "    - /terms/batna\n")
    edit(sample_folder / "zopa.md", "is the range", "is the [range](/old/anchoring/)")
    index = build(sample_folder)
    moved = {(p, field): m for r, p, field, m in found(index) if r == "link-moved"}
    assert set(moved) == {("zopa.md", "related.0"), ("zopa.md", "markdown")}
    assert "answers to /glossary/batna" in moved["zopa.md", "related.0"]
    assert "answers to /glossary/anchoring" in moved["zopa.md", "markdown"]
    # renaming the target's file takes the evidence away; the related link stays broken
    (sample_folder / "batna.md").rename(sample_folder / "batna-2.md")
    index.update_paths([sample_folder / "batna.md", sample_folder / "batna-2.md"])
    assert [field for r, _, field, _ in found(index) if r == "link-moved"] == ["markdown"]
    assert found(index) == found(build(sample_folder))


def test_subject_spellings_are_reported_with_the_variants_and_unified_by_a_save(
    sample_folder: Path,
) -> None:
    edit(sample_folder / "zopa.md", "subject: Negotiation", "subject: negotiation.")
    index = build(sample_folder)
    variants = [(p, field, m) for r, p, field, m in found(index) if r == "value-variant"]
    assert len(variants) == 1
    path, field, message = variants[0]
    assert (path, field) == ("zopa.md", "subject")
    assert '"Negotiation" (4)' in message and '"negotiation." (1)' in message
    assert "Unify Subject Spellings" in message
    edit(sample_folder / "zopa.md", "subject: negotiation.", "subject: Negotiation")
    change = index.update_paths([sample_folder / "zopa.md"])
    assert "zopa.md" in change.changed
    assert not [r for r, *_ in found(index) if r == "value-variant"]


def test_markdown_links_are_page_links_without_their_part() -> None:
    text = b"see [a](/glossary/a#x) and [b]( </glossary/b> ) [m](mailto:x@y) [t](#top) ![i](/i.png)"
    assert markdown_links(text) == ["/glossary/a", "/glossary/b", "/i.png"]


SETTINGS = [
    "seo:\n  enable: [orphan]\n",
    "",  # the defaults: value-variant alone
    "seo:\n  enable: [link-moved]\n  disable: [value-variant]\n",
    "seo:\n  enable: [orphan, link-moved]\n",
]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("order", [0, 1, 2])
def test_updates_in_any_order_give_what_a_build_gives(order: int, settings: str) -> None:
    config = parse_config(settings)
    entries = [
        LinkFacts("a.md", "/g/a", "Media", (("related.0", "/g/b"),)),
        LinkFacts("b.md", "/g/b", "media", (("markdown", "/x/c"),)),
        LinkFacts("c.md", "/g/c", "Media", ()),
        LinkFacts("d.md", "/g/d", "", (("markdown", "/g/a"),)),
    ]
    changes = [
        LinkFacts("b.md", "/g/b", "Media", (("markdown", "/g/c"),)),
        LinkFacts("c.md", "/g/c", "MEDIA", (("related.0", "/g/d"),)),
        LinkFacts("d.md", "/g/d", "Media", ()),
    ]
    rules = LinkRules(config)
    rules.build(entries)
    current = {e.path: e for e in entries}
    for change in changes[order:] + changes[:order]:
        before = {p: rules.findings_of(p) for p in current}
        touched = rules.update([], [change])
        current[change.path] = change
        fresh = LinkRules(config)
        fresh.build(current.values())
        assert rules.all() == fresh.all()
        assert {p for p in current if rules.findings_of(p) != before[p]} <= touched
    rules.update(["a.md"], [])
    del current["a.md"]
    fresh = LinkRules(config)
    fresh.build(current.values())
    assert rules.all() == fresh.all()


_SPELLINGS = st.sampled_from(["", "Media", "media", " Media ", "MEDIA", "Art", "art", "A.rt"])
_URLS = st.sampled_from(["", "/g/a", "/g/b", "/x/a", "/g/c/", "https://site/g/b"])
_ENTRIES = st.lists(
    st.tuples(_URLS, _SPELLINGS, st.lists(st.tuples(st.sampled_from(["related.0", "markdown"]),
                                                   _URLS), max_size=2)),
    max_size=12,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(entries=_ENTRIES, chosen=st.sampled_from(SETTINGS))
def test_link_findings_over_a_whole_corpus_are_those_of_link_rules(
    entries: list[tuple[str, str, list[tuple[str, str]]]], chosen: str
) -> None:
    """``link_findings`` (value-variant counted by a ``SubjectTally``, as a cold check
    does) gives exactly what the incremental ``LinkRules`` gives, in its order."""
    config = parse_config(chosen)
    facts = [
        LinkFacts(f"{n:02}.md", url, subject.strip(), tuple(links))
        for n, (url, subject, links) in enumerate(entries)
    ]
    rules = LinkRules(config)
    rules.build(facts)

    assert link_findings(config, [*facts, None]) == rules.all()


def test_the_link_tables_are_kept_only_for_the_rules_that_read_them() -> None:
    """orphan and link-moved are off by default: their URL and link tables (~45 MB at 50k
    entries) are then never made, and value-variant still works and updates."""
    entries = [
        LinkFacts("a.md", "/g/a", "Media", (("related.0", "/g/b"),)),
        LinkFacts("b.md", "/g/b", "media", (("markdown", "/g/a"),)),
    ]
    rules = LinkRules(SeoConfig())
    rules.build(entries)
    tables = (rules._known, rules._stems, rules._by_key, rules._by_slug)
    assert tables == ({}, {}, {}, {})
    assert [rules._entry(path).links for path in rules._facts] == [(), ()]
    assert rules._facts == {"a.md": "Media", "b.md": "media"}  # the subject alone
    assert [row[0] for row in rules.all()] == ["value-variant"]
    touched = rules.update(["b.md"], [LinkFacts("b.md", "/g/c", "Media", ())])
    assert touched == {"b.md"}
    assert rules.all() == []
    assert (rules._known, rules._stems, rules._by_key, rules._by_slug) == ({}, {}, {}, {})
    linked = LinkRules(parse_config("seo:\n  enable: [orphan]\n"))
    linked.build(entries)
    assert linked._known == {"/g/a": {"a.md"}, "/g/b": {"b.md"}}


def test_rules_that_are_off_keep_no_tables() -> None:
    """With the defaults (value-variant alone) no URL or link table is kept, and with
    value-variant off no subject group: a 50k cold build paid ~1 s for them."""
    entries = [
        LinkFacts("a.md", "/g/a", "Media", (("related.0", "/g/b"),)),
        LinkFacts("b.md", "/g/b", "media", ()),
        LinkFacts("c.md", "/g/c", "Media", ()),
    ]
    variants_only = LinkRules(SeoConfig())
    variants_only.build(entries)
    assert [row[2] for row in variants_only.all()] == ["b.md"]
    assert not (variants_only._known or variants_only._by_key or variants_only._stems)
    links_only = LinkRules(parse_config("seo:\n  enable: [orphan]\n  disable: [value-variant]\n"))
    links_only.build(entries)
    assert [row[2] for row in links_only.all()] == ["a.md", "c.md"]  # nobody links to them
    assert not links_only._holders


def test_a_markdown_link_in_a_body_counts_as_an_inbound_link(sample_folder: Path) -> None:
    """Backlinks count a body's Markdown links (issue 19 item 4): so does ``orphan``,
    in a build and after a save."""
    add_lonely(sample_folder)
    enable_orphan(sample_folder)
    batna = sample_folder / "batna.md"
    edit(batna, "---\n\n&nbsp;", "---\n\nSee [the lonely one](/glossary/lonely/#top).")
    index = build(sample_folder)
    assert ("orphan", "lonely.md") not in {(r, p) for r, p, *_ in found(index)}
    edit(batna, "(/glossary/lonely/#top)", "(/glossary/zopa)")
    change = index.update_paths([batna])
    assert "lonely.md" in change.refreshed
    assert ("orphan", "lonely.md") in {(r, p) for r, p, *_ in found(index)}
    assert found(index) == found(build(sample_folder))


def test_a_link_left_at_an_old_url_in_a_body_is_reported(sample_folder: Path) -> None:
    (sample_folder / "glossary-editor.yaml").write_text(
        "seo:\n  enable: [link-moved]\n", encoding="utf-8"
    )
    edit(sample_folder / "batna.md", "---\n\n&nbsp;", "---\n\nSee [ZOPA](/terms/zopa).")
    moved = [(p, field, m) for r, p, field, m in found(build(sample_folder)) if r == "link-moved"]
    assert moved == [
        (
            "batna.md",
            "markdown",
            "Link /terms/zopa points to no entry, but zopa.md answers to /glossary/zopa: "
            "point the link there",
        )
    ]


def test_orphan_and_backlinks_agree_on_what_a_link_is(sample_folder: Path) -> None:
    """An entry is an orphan exactly when its backlinks are empty: a Markdown link in a
    body counts, a bare mention of the URL or a link to another site does not."""
    enable_orphan(sample_folder)
    for name in ("one", "two", "three", "four"):
        text = (sample_folder / "zopa.md").read_text(encoding="utf-8")
        (sample_folder / f"{name}.md").write_text(
            text.replace("url: /glossary/zopa", f"url: /glossary/{name}"), encoding="utf-8"
        )
    edit(sample_folder / "batna.md", "---\n\n&nbsp;", "---\n\n[one](/glossary/one)")
    edit(sample_folder / "anchoring.md", "---\n\n&nbsp;", "---\n\nsee /glossary/two")
    edit(
        sample_folder / "soft-power.md",
        "---\n\n&nbsp;",
        "---\n\n[three](https://other.example/glossary/three)",
    )
    index = build(sample_folder)
    orphans = {p for r, p, *_ in found(index) if r == "orphan"}
    linked = {
        path.name
        for path in sorted(sample_folder.glob("*.md"))
        if backlinks(sample_folder, path, load_entry(path).data.get("url", ""), index=index)
    }
    names = {path.name for path in sample_folder.glob("*.md")}
    assert {"one.md", "zopa.md"} <= linked
    assert {"two.md", "three.md", "four.md"} <= orphans
    assert orphans == names - linked


def add_entry(folder: Path, name: str, url: str) -> Path:
    """A copy of zopa.md named ``name`` answering to ``url``."""
    text = (folder / "zopa.md").read_text(encoding="utf-8")
    path = folder / name
    path.write_text(text.replace("url: /glossary/zopa", f"url: {url}"), encoding="utf-8")
    return path


def rules_of(index: CorpusIndex, rule: str) -> list[tuple[str, str, str]]:
    return sorted((f.path, f.field, f.message) for f in index.findings() if f.rule == rule)


def test_a_related_link_written_with_the_sites_address_is_a_link(sample_folder: Path) -> None:
    """``https://example.org/glossary/lonely/`` in a related list is the site's own page:
    related-broken resolves it, so orphan, link-moved and the backlinks count it too."""
    (sample_folder / "glossary-editor.yaml").write_text(
        "seo:\n  enable: [orphan, link-moved]\n", encoding="utf-8"
    )
    lonely = add_entry(sample_folder, "lonely.md", "/glossary/lonely")
    edit(
        sample_folder / "batna.md",
        "related:\n",
        "related:\n    - https://example.org/glossary/lonely/\n",
    )
    index = build(sample_folder)
    assert "batna.md" not in {path for path, *_ in rules_of(index, "related-broken")}
    assert "lonely.md" not in {path for path, *_ in rules_of(index, "orphan")}
    assert not rules_of(index, "link-moved")
    found_links = backlinks(sample_folder, lonely, "/glossary/lonely", index=index)
    assert found_links == [(sample_folder / "batna.md", ["related.0"])]


def test_links_differing_in_case_are_other_links_for_every_rule(sample_folder: Path) -> None:
    """``/glossary/LONELY`` is not ``/glossary/lonely`` for related-broken, so it is no
    link to lonely.md for orphan or the backlinks either; link-moved points it at the
    URL as the entry writes it."""
    (sample_folder / "glossary-editor.yaml").write_text(
        "seo:\n  enable: [orphan, link-moved]\n", encoding="utf-8"
    )
    lonely = add_entry(sample_folder, "lonely.md", "/glossary/Lonely-Term")
    edit(sample_folder / "batna.md", "related:\n", "related:\n    - /glossary/lonely-term\n")
    index = build(sample_folder)
    assert "batna.md" in {path for path, *_ in rules_of(index, "related-broken")}
    assert "lonely.md" in {path for path, *_ in rules_of(index, "orphan")}
    assert backlinks(sample_folder, lonely, "/glossary/Lonely-Term", index=index) == []
    edit(sample_folder / "anchoring.md", "---\n\n&nbsp;", "---\n\n[it](/glossary/Lonely-Term/)")
    index = build(sample_folder)
    assert "lonely.md" not in {path for path, *_ in rules_of(index, "orphan")}
    assert backlinks(sample_folder, lonely, "/glossary/Lonely-Term", index=index) == [
        (sample_folder / "anchoring.md", ["body"])
    ]
    edit(sample_folder / "batna.md", "    - /glossary/lonely-term\n", "    - /terms/lonely\n")
    moved = rules_of(build(sample_folder), "link-moved")
    assert moved == [
        (
            "batna.md",
            "related.0",
            "Link /terms/lonely points to no entry, but lonely.md answers to "
            "/glossary/Lonely-Term: point the link there",
        )
    ]


def test_a_body_link_is_not_in_the_search_text(sample_folder: Path) -> None:
    """The filter box and find/replace match what an entry says: an entry whose body
    only links to ``/glossary/quuxterm`` is not found by "quuxterm" in its front matter,
    while the link rules still see the link (kept apart, in the cache too)."""
    from editor.content.bulk.candidates import candidates
    from editor.content.bulk.pattern import FindOptions
    from editor.content.bulk.scope import Scope

    enable_orphan(sample_folder)
    quux = add_entry(sample_folder, "quuxterm.md", "/glossary/quuxterm")
    batna = sample_folder / "batna.md"
    edit(batna, "---\n\n&nbsp;", "---\n\nSee [the term](/glossary/quuxterm).")
    for index in (CorpusIndex(sample_folder).build_all(), CorpusIndex(sample_folder).build_all()):
        rows = [index.records[row].path for row in index.search("quuxterm")]
        assert rows == ["quuxterm.md"]
        fields_only = Scope(fields=("title",))
        assert candidates(sample_folder, FindOptions("quuxterm"), fields_only, index=index) == [
            quux
        ]
        assert "quuxterm.md" not in {p for r, p, *_ in found(index) if r == "orphan"}
    assert index.parsed == 0  # the second build read the cache
