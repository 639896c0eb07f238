"""The index's records: what is read straight from their flat tuples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content.document import load_entry
from editor.content.index import CorpusIndex
from editor.content.index.records import severities_of
from editor.content.seo.common import text_digest
from editor.content.seo.entry_fields import shown_text


def test_severities_are_every_finding_s_own_and_corpus(tmp_path: Path, sample_folder: Path) -> None:
    for name in ("a.md", "b.md"):  # a duplicate title: corpus findings on both
        write_entry(tmp_path, name, seo_title="The same title on two pages | Site")
    write_entry(tmp_path, "c.md", description="")
    for folder in (tmp_path, sample_folder):
        index = CorpusIndex(folder, cache=False).build_all()
        expected = Counter(f.severity for r in index.records for f in r.findings)
        assert index.corpus_findings  # the corpus rules' findings are counted too
        assert Counter(s for r in index.records for s in severities_of(r)) == expected


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_facts_share_the_records_strings_and_hold_digests_not_texts(
    sample_folder: Path, cache: str
) -> None:
    CorpusIndex(sample_folder).build_all()  # writes the cache the warm run reads
    index = CorpusIndex(sample_folder, cache=cache == "warm").build_all()
    assert index.parsed == (len(index) if cache == "cold" else 0)
    # The facts are shared (the URL interned) when they are made or first read: a warm
    # check that never reads them does not pay for it.
    facts_of = {record.path: record.facts_row() for record in index.records}
    url_of = {r.url: r.url for r in index.records if r.url}
    links = 0
    for record in index.records:
        facts = facts_of[record.path]
        assert facts is not None
        data = load_entry(sample_folder / record.path).data
        seo = data.get("seo") or {}
        assert facts[0] is record.path
        assert facts[1] == text_digest(shown_text(seo.get("title")).casefold())
        assert facts[2] == text_digest(shown_text(seo.get("page_description")).casefold())
        assert isinstance(facts[1], int) and isinstance(facts[2], int)
        if facts[3] == record.url:
            assert facts[3] is record.url
        for url in facts[4][1::2]:
            if url in url_of:
                assert url is url_of[url]  # one string with the entry it links to
                links += 1
    assert links > 0
