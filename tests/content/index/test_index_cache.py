"""The index cache: reuse when nothing changed, re-parse exactly what did."""

from __future__ import annotations

import logging
import marshal
import os
from collections.abc import Generator
from pathlib import Path
from typing import NoReturn

import pytest
from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content import index_cache
from editor.content.index import CorpusIndex, records
from editor.content.index.records import check_order
from editor.content.schema import SchemaRegistry
from editor.content.seo.rules import FindingRow


def reopen(folder: Path) -> CorpusIndex:
    return CorpusIndex(folder).build_all()


def snapshot(index: CorpusIndex) -> list[tuple[str, str, list[str]]]:
    return [(r.path, r.severity, [f.rule for f in r.findings]) for r in index.records]


def bump(path: Path) -> None:
    """Make sure the mtime moves even on file systems with coarse timestamps."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_warm_reopen_parses_nothing_and_gives_the_same_findings(sample_folder: Path) -> None:
    cold = reopen(sample_folder)
    assert cold.parsed == len(cold) > 0
    assert index_cache.cache_path(sample_folder).is_file()

    warm = reopen(sample_folder)

    assert warm.parsed == 0
    assert snapshot(warm) == snapshot(cold)
    assert [r.search for r in warm.records] == [r.search for r in cold.records]


def test_changed_added_deleted_and_renamed_files_are_reparsed(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md", "d.md"):
        write_entry(tmp_path, name)
    reopen(tmp_path)

    changed = write_entry(tmp_path, "a.md", seo_title="")  # now title-missing
    bump(changed)
    (tmp_path / "b.md").unlink()
    write_entry(tmp_path, "new.md")
    (tmp_path / "c.md").rename(tmp_path / "renamed.md")

    index = reopen(tmp_path)

    assert index.parsed == 3  # a.md, new.md, renamed.md; d.md comes from the cache
    assert index.paths == ["a.md", "d.md", "new.md", "renamed.md"]
    a = index.record("a.md")
    assert a is not None and "title-missing" in [f.rule for f in a.findings]
    assert reopen(tmp_path).parsed == 0


def test_a_changed_config_or_schema_invalidates_every_finding(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md", seo_title="Short title")
    first = reopen(tmp_path)
    assert "title-short" in [f.rule for f in first.findings()]

    (tmp_path / "glossary-editor.yaml").write_text(
        "seo:\n  disable: [title-short]\n", encoding="utf-8"
    )
    second = reopen(tmp_path)
    assert second.parsed == 1
    assert "title-short" not in [f.rule for f in second.findings()]

    schemas = tmp_path / ".glossary-editor" / "schemas"
    schemas.mkdir(parents=True)
    (schemas / "default.yaml").write_text(
        "name: default\nlabel: Q&A\nfields:\n  - {key: title, kind: line}\n", encoding="utf-8"
    )
    third = reopen(tmp_path)
    assert third.parsed == 1
    assert third.registry.get("default") is not None
    assert reopen(tmp_path).parsed == 0


def test_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md")
    expected = snapshot(reopen(tmp_path))
    cache = index_cache.cache_path(tmp_path)
    for garbage in (b"", b"not a pickle at all", cache.read_bytes()[:100]):
        cache.write_bytes(garbage)
        index = reopen(tmp_path)
        assert index.parsed == 1
        assert snapshot(index) == expected
    assert reopen(tmp_path).parsed == 0  # the bad cache was replaced by a good one


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md")
    CorpusIndex(tmp_path, cache=False).build_all()
    assert not index_cache.cache_path(tmp_path).exists()
    reopen(tmp_path)
    assert CorpusIndex(tmp_path, cache=False).build_all().parsed == 1


def test_cache_file_is_per_folder_and_fingerprint_tracks_schemas(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    assert index_cache.cache_path(tmp_path / "one") != index_cache.cache_path(tmp_path / "two")
    registry = SchemaRegistry.load(None)
    from editor.content.seo import SeoConfig

    base = index_cache.fingerprint(registry, SeoConfig(), "x")
    assert base == index_cache.fingerprint(SchemaRegistry.load(None), SeoConfig(), "x")
    assert base != index_cache.fingerprint(registry, SeoConfig(title_max_chars=70), "x")
    assert base != index_cache.fingerprint(registry, SeoConfig(), "y")


def test_partly_cached_reopen_rebuilds_the_search_texts_in_order(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md", "d.md", "e.md"):
        write_entry(tmp_path, name)
    reopen(tmp_path)
    bump(write_entry(tmp_path, "b.md", word="Quagga"))
    write_entry(tmp_path, "bb.md", word="Zebra")
    (tmp_path / "d.md").unlink()

    index = reopen(tmp_path)
    fresh = CorpusIndex(tmp_path, cache=False).build_all()

    assert index.parsed == 2
    assert [r.search for r in index.records] == [r.search for r in fresh.records]
    assert index.search("quagga") == [1] and index.search("zebra") == [2]
    warm = reopen(tmp_path)
    assert warm.parsed == 0
    assert [r.search for r in warm.records] == [r.search for r in fresh.records]
    assert warm.search("zebra") == [2] and warm.search("e.md") == [4]


def test_a_cache_with_another_fingerprint_is_not_used(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md")
    cold = reopen(tmp_path)
    assert index_cache.load(tmp_path, cold._key) is not None
    assert index_cache.load(tmp_path, "another key") is None


def test_update_after_a_warm_reopen_edits_a_copy_of_the_cached_buffer(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        write_entry(tmp_path, name)
    reopen(tmp_path)
    warm = reopen(tmp_path)
    assert warm.parsed == 0
    bump(write_entry(tmp_path, "b.md", word="Quagga"))
    warm.update_paths(["b.md"])
    assert warm.search("quagga") == [1]
    assert [r.search for r in warm.records] == [
        r.search for r in CorpusIndex(tmp_path, cache=False).build_all().records
    ]
    # Updates leave the cache as it was: a reopen parses b.md again (and writes it).
    assert reopen(tmp_path).parsed == 1
    bump(write_entry(tmp_path, "b.md", word="Okapi"))
    warm.update_paths(["b.md"])
    warm.save_cache()  # what the window does when it closes the folder
    again = reopen(tmp_path)
    assert again.parsed == 0
    assert again.search("okapi") == [1]
    assert again.search("quagga") == []


def test_a_build_abandoned_midway_leaves_no_temporary_file(tmp_path: Path) -> None:
    for n in range(450):  # a few chunks of in-process parsing
        write_entry(tmp_path, f"e{n:03d}.md", id=n)
    steps = CorpusIndex(tmp_path).build()
    assert isinstance(steps, Generator)  # close() is what is tested
    phases = [next(steps).phase for _ in range(4)]
    assert "parse" in phases
    steps.close()
    folder = index_cache.cache_path(tmp_path).parent
    assert not list(folder.glob("*.tmp"))
    assert reopen(tmp_path).parsed == 450  # nothing half-written was taken for a cache
    assert reopen(tmp_path).parsed == 0


def test_warm_reopen_reads_the_facts_only_when_the_corpus_rules_run_again(
    sample_folder: Path,
) -> None:
    cold = reopen(sample_folder)
    warm = reopen(sample_folder)
    assert warm.parsed == 0
    # The facts stay marshalled until needed, then match the cold build's exactly.
    assert [r.facts for r in warm.records] == [r.facts for r in cold.records]
    assert [r.row() for r in warm.records] == [r.row() for r in cold.records]

    again = reopen(sample_folder)
    first = again.records[0]
    bump(sample_folder / first.path)
    again.update_paths([first.path])  # the corpus rules run over every record's facts
    assert snapshot(again) == snapshot(cold)
    assert [f.rule for f in again.findings()] == [f.rule for f in cold.findings()]


def _not_sorted(row: object) -> NoReturn:
    raise AssertionError("the findings were sorted again")


def test_the_checks_order_is_kept_with_the_cache_and_never_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    same = "The same description for both entries, long enough for the length rule. " * 2
    for name in ("a.md", "b.md"):  # title-short (own) sorts after description-duplicate
        write_entry(tmp_path, name, seo_title="Short", description=same)
    write_entry(tmp_path, "c.md")
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")

    def checked(index: CorpusIndex) -> list[FindingRow]:
        rows = index.ordered_finding_rows()
        assert rows == sorted(index.finding_rows(), key=check_order)
        return rows

    cold = reopen(tmp_path)
    rows = checked(cold)
    assert rows != list(cold.finding_rows())  # the case needs sorting
    with monkeypatch.context() as patched:  # an unchanged folder: taken from the cache
        patched.setattr(records, "check_order", _not_sorted)
        assert reopen(tmp_path).ordered_finding_rows() == rows

    bump(write_entry(tmp_path, "c.md", seo_title="Short", description=same))
    cold.update_paths([tmp_path / "c.md"])  # a save: c.md joins the duplicates
    assert len(checked(cold)) > len(rows)
    assert len(checked(reopen(tmp_path))) > len(rows)  # changed since the cache
    with monkeypatch.context() as patched:
        patched.setattr(records, "check_order", _not_sorted)
        assert reopen(tmp_path).ordered_finding_rows() == checked(cold)

    # The window writes its cache at close without working the order out: the next
    # check of the folder sorts instead, never reads a stale order.
    bump(write_entry(tmp_path, "c.md"))
    cold.update_paths([tmp_path / "c.md"])
    with monkeypatch.context() as patched:
        patched.setattr(records, "check_order", _not_sorted)
        cold.save_cache()
    index_cache.wait_for_writes()
    assert checked(reopen(tmp_path)) == checked(cold)
    assert len(checked(cold)) == len(rows)


def test_a_cache_of_the_layout_before_is_rebuilt_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("a.md", "b.md"):
        write_entry(tmp_path, name)
    reopen(tmp_path)
    path = index_cache.cache_path(tmp_path)
    data = path.read_bytes()
    _, at, length = index_cache._HEADER.unpack_from(data)
    head = marshal.loads(data[at : at + length])[:7]  # no order: the head before it
    old = marshal.dumps(head)
    path.write_bytes(
        index_cache._HEADER.pack(b"GEIDX\x00\x00\x08", at, len(old))
        + data[index_cache._HEADER.size : at]
        + old
    )

    with caplog.at_level(logging.INFO, logger="editor.content.index_cache"):
        again = reopen(tmp_path)

    assert again.parsed == 2
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "another version" in caplog.records[0].getMessage()


def test_an_update_made_ready_elsewhere_leaves_no_stale_order(tmp_path: Path) -> None:
    """The window's bulk path (``read_paths`` on the pool, ``apply_update`` on the GUI
    thread) forgets the check's order as a save does, so neither the index nor the cache
    it writes at close hands a later check the order of findings that changed."""
    same = "The same description for both entries, long enough for the length rule. " * 2
    for name in ("a.md", "b.md"):
        write_entry(tmp_path, name, seo_title="Short", description=same)
    write_entry(tmp_path, "c.md")
    index = reopen(tmp_path)
    index.prepare_updates()  # as the window does once the index is built
    before = index.ordered_finding_rows()
    bump(write_entry(tmp_path, "c.md", seo_title="Short", description=same))
    update = index.read_paths([tmp_path / "c.md"])
    assert update.ready is not None  # the assignments-only path
    index.apply_update(update)
    rows = index.ordered_finding_rows()
    assert rows == sorted(index.finding_rows(), key=check_order)
    assert len(rows) > len(before)
    index.save_cache()
    index_cache.wait_for_writes()
    assert reopen(tmp_path).ordered_finding_rows() == rows


def findings_only(folder: Path) -> CorpusIndex:
    index = CorpusIndex(folder)
    for _ in index.build(findings_only=True):
        pass
    return index


def test_a_findings_only_build_of_an_unchanged_folder_makes_no_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``check`` reads of a folder the cache answers for: the same findings, in the
    same orders, with no record made (their making was a tenth of a warm check)."""
    same = "The same description for both entries, long enough for the length rule. " * 2
    for name in ("a.md", "b.md", "sub/c.md"):  # corpus findings (duplicates) and own ones
        write_entry(tmp_path, name, seo_title="Short", description=same)
    write_entry(tmp_path, "d.md")
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    cold = reopen(tmp_path)
    assert cold.corpus_findings  # the case has corpus findings to put in order

    with monkeypatch.context() as patched:
        patched.setattr(records.EntryRecord, "__init__", _no_record)
        patched.setattr(records, "check_order", _not_sorted)
        lean = findings_only(tmp_path)
        assert (lean.parsed, len(lean), lean.paths) == (0, len(cold), cold.paths)
        assert list(lean.finding_rows()) == list(cold.finding_rows())
        assert lean.ordered_finding_rows() == cold.ordered_finding_rows()
        assert list(lean.findings()) == list(cold.findings())
    with pytest.raises(RuntimeError):
        lean.records  # noqa: B018 - refused, not an empty list that looks like a folder
    with pytest.raises(RuntimeError):
        lean.update_paths([tmp_path / "a.md"])


def _no_record(*_: object) -> NoReturn:
    raise AssertionError("a record was made")


def test_a_findings_only_build_of_a_changed_folder_builds_in_full(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_entry(tmp_path, name)
    reopen(tmp_path)
    bump(write_entry(tmp_path, "a.md", seo_title=""))

    index = findings_only(tmp_path)

    assert index.parsed == 1
    assert [r.path for r in index.records] == ["a.md", "b.md"]
    assert "title-missing" in [f.rule for f in index.findings()]
    again = findings_only(tmp_path)  # the cache it wrote answers for all now
    assert again.ordered_finding_rows() == index.ordered_finding_rows()
    index.build_all()  # built again in full, the same index answers as any other
    assert [r.path for r in index.records] == ["a.md", "b.md"]
