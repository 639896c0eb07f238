"""A cold build for the findings alone (what ``check`` runs on an empty cache): the
findings of a full build, in the same orders, no record made, and a cache that answers
as a full build's."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import pytest
from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content import index_cache
from editor.content.index import CorpusIndex, records
from editor.content.settings_file import CONFIG_FILE

LINK_RULES_ON = "seo:\n  enable: [orphan, link-moved]\n"


def _corpus(folder: Path, settings: str | None) -> None:
    """Own findings, every corpus rule that the settings leave on, a file that does not
    parse: each kind of finding a check reports."""
    same = "The same description for these entries, long enough for the length rule. " * 2
    for name in ("a.md", "b.md", "sub/c.md"):  # duplicate titles and descriptions
        write_entry(folder, name, seo_title="Short", description=same)
    write_entry(folder, "d.md", subject="testing")  # a less used spelling: value-variant
    write_entry(folder, "e.md", subject="  Testing")  # the most used one, spaced
    # a Markdown link to an entry, and one to where d.md used to answer: link-moved
    write_entry(folder, "f.md", word="[a](/learn/a) and [d](/old/d)")
    write_entry(folder, "g.md", slug="a")  # slug-duplicate with a.md
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    if settings is not None:
        (folder / CONFIG_FILE).write_text(settings, encoding="utf-8")


def _no_record(*_: object) -> NoReturn:
    raise AssertionError("a record was made")


def _lean(folder: Path, **options: Any) -> CorpusIndex:
    index = CorpusIndex(folder, **options)
    for _ in index.build(findings_only=True):
        pass
    return index


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        (None, {}),
        (LINK_RULES_ON, {}),
        (None, {"workers": 2, "pool_min_files": 1}),  # chunks from worker processes
    ],
    ids=["defaults", "link-rules-on", "pool"],
)
def test_a_cold_findings_only_build_finds_what_a_full_build_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str | None, options: Any
) -> None:
    folder = tmp_path / "site"
    _corpus(folder, settings)
    full = CorpusIndex(folder, cache=False).build_all()
    rules = {f.rule for f in full.findings()}
    assert {"title-duplicate", "slug-duplicate", "value-variant", "parse-error"} <= rules
    if settings is not None:
        assert {"orphan", "link-moved"} <= rules

    with monkeypatch.context() as patched:
        patched.setattr(records.EntryRecord, "__init__", _no_record)
        lean = _lean(folder, **options)  # the cache is empty: a cold build
        assert (lean.parsed, len(lean), lean.paths) == (len(full), len(full), full.paths)
        assert list(lean.finding_rows()) == list(full.finding_rows())
        assert lean.ordered_finding_rows() == full.ordered_finding_rows()
        assert lean.corpus_findings == full.corpus_findings
    with pytest.raises(RuntimeError):
        lean.records  # noqa: B018 - refused, not an empty list that looks like a folder

    index_cache.wait_for_writes()
    warm = CorpusIndex(folder).build_all()  # records made from the cache it wrote
    assert warm.parsed == 0
    assert warm.ordered_finding_rows() == full.ordered_finding_rows()
    assert [(r.path, r.severity, r.findings) for r in warm.records] == [
        (r.path, r.severity, r.findings) for r in full.records
    ]
    assert [r.search for r in warm.records] == [r.search for r in full.records]
    assert [r.facts for r in warm.records] == [r.facts for r in full.records]
    assert _lean(folder).ordered_finding_rows() == full.ordered_finding_rows()  # warm check


def test_a_cold_findings_only_build_without_the_cache_writes_none(tmp_path: Path) -> None:
    _corpus(tmp_path, None)
    full = CorpusIndex(tmp_path, cache=False).build_all()

    lean = _lean(tmp_path, cache=False)

    assert lean.ordered_finding_rows() == full.ordered_finding_rows()
    index_cache.wait_for_writes()
    assert not index_cache.cache_path(tmp_path).exists()
    assert not list(index_cache.cache_dir().glob("*.text"))
