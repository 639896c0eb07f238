"""The index's records: what is read straight from their flat tuples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content.index import CorpusIndex
from editor.content.index.records import severity_counts


def test_severity_counts_count_every_finding_own_and_corpus(
    tmp_path: Path, sample_folder: Path
) -> None:
    for name in ("a.md", "b.md"):  # a duplicate title: corpus findings on both
        write_entry(tmp_path, name, seo_title="The same title on two pages | Site")
    write_entry(tmp_path, "c.md", description="")
    for folder in (tmp_path, sample_folder):
        index = CorpusIndex(folder, cache=False).build_all()
        expected = Counter(f.severity for r in index.records for f in r.findings)
        assert index.corpus_findings  # the corpus rules' findings are counted too
        assert severity_counts(index.records) == expected
        assert severity_counts(iter(index.records)) == expected
