"""The corpus index: walking, records, findings, the filter, incremental updates."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content.errors import ContentError, ParseError
from editor.content.index import CorpusIndex, Progress, scan_folder
from editor.content.index import parse as parse_module
from editor.content.index import pool as pool_module


def _mask(index: CorpusIndex, query: str) -> bytearray:
    """``mask[row]`` is 1 when the row matches ``query``."""
    mask = bytearray(len(index))
    for row in index.search(query):
        mask[row] = 1
    return mask


def build(folder: Path, **kwargs: object) -> CorpusIndex:
    return CorpusIndex(folder, cache=False, **kwargs).build_all()  # type: ignore[arg-type]


def test_scan_skips_hidden_and_other_files_and_survives_symlink_loops(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md")
    write_entry(tmp_path, "sub/b.md")
    write_entry(tmp_path, ".git/c.md")
    write_entry(tmp_path, "sub/.hidden.md")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)

    paths = [rel for rel, _, _ in scan_folder(tmp_path)]

    assert paths == ["a.md", "sub/b.md"]


@pytest.mark.parametrize("stat", [True, False])
def test_scan_with_and_without_stat_lists_the_same_files(tmp_path: Path, stat: bool) -> None:
    """The names-only scan (a cold build) takes its own quick path: same files, same
    order, folders named like entries entered, not listed."""
    for rel in ("b.md", "a-b/c.md", "a.md", "a/z.md", "folder.md/d.md", ".x/e.md", "f.MD"):
        write_entry(tmp_path, rel)
    (tmp_path / "link.md").symlink_to(tmp_path / "a.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")

    found = scan_folder(tmp_path, stat=stat)

    assert [rel for rel, _, _ in found] == [
        "a-b/c.md", "a.md", "a/z.md", "b.md", "folder.md/d.md", "link.md",
    ]  # fmt: skip
    sizes = {size for _, size, _ in found}
    assert (sizes == {-1}) is not stat


def test_build_yields_names_before_parsing_then_records(sample_folder: Path) -> None:
    index = CorpusIndex(sample_folder, cache=False)
    steps = index.build()
    first = next(steps)
    expected = sorted(p.relative_to(sample_folder).as_posix() for p in sample_folder.rglob("*.md"))

    assert first == Progress(0, len(expected), "scan")
    assert index.paths == expected  # names are known before any file is parsed
    rest = list(steps)
    assert rest[-1].phase == "done"
    assert [r.path for r in index.records] == expected
    record = index.record("strategic-leverage.md")
    assert record is not None
    assert (record.schema, record.title, record.date) == (
        "glossary",
        "Strategic Leverage",
        "2024-11-04",
    )


def test_broken_file_becomes_a_parse_error_finding_with_line_and_column(tmp_path: Path) -> None:
    write_entry(tmp_path, "good.md")
    (tmp_path / "broken.md").write_text(
        "---\n_schema: default\ntitle: ok\nseo:\n  title: [unclosed\n---\n", encoding="utf-8"
    )
    (tmp_path / "dup.md").write_text("---\ntitle: a\ntitle: b\n---\n", encoding="utf-8")

    index = build(tmp_path)

    broken = index.record("broken.md")
    assert broken is not None and isinstance(broken.error, ParseError)
    [finding] = broken.findings
    assert (finding.rule, finding.severity, finding.path) == ("parse-error", "error", "broken.md")
    assert finding.line == 6 and finding.column is not None  # the file's line, not the front's
    dup = index.record("dup.md")
    assert dup is not None and dup.error is not None
    assert (dup.error.line, dup.error.column) == (3, 1)
    assert "duplicate key" in dup.error.message
    good = index.record("good.md")
    assert good is not None and good.error is None


def test_unreadable_file_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_entry(tmp_path, "a.md")
    write_entry(tmp_path, "locked.md")
    real_read = parse_module.read_file

    def read(
        path: str, size: int, mtime_ns: int, opened: int | OSError | None = None
    ) -> tuple[bytes, int, int]:
        if path.endswith("locked.md"):
            if isinstance(opened, int):
                os.close(opened)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_read(path, size, mtime_ns, opened)

    monkeypatch.setattr(parse_module, "read_file", read)
    index = build(tmp_path)

    locked = index.record("locked.md")
    assert locked is not None and locked.severity == "error"
    assert [f.rule for f in locked.findings] == ["parse-error"]
    assert "cannot read" in locked.findings[0].message
    assert index.record("a.md") is not None and index.record("a.md").error is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("pooled", "ahead"), [(False, False), (False, True), (True, False)])
def test_a_file_gone_between_the_scan_and_its_reading_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool, ahead: bool
) -> None:
    for n in range(40):  # more than are opened ahead, so files open after the loss too
        write_entry(tmp_path, f"e{n:02d}.md", id=n)
    if ahead:  # as if the files were not in the page cache: read ahead
        monkeypatch.setattr(parse_module, "needs_reading_ahead", lambda paths: True)
    options: dict[str, Any] = {"workers": 2, "pool_min_files": 1} if pooled else {}
    index = CorpusIndex(tmp_path, cache=False, **options)
    steps = index.build()
    assert next(steps).phase == "scan"
    (tmp_path / "e03.md").unlink()
    (tmp_path / "e37.md").unlink()
    for _ in steps:
        pass

    for gone in ("e03.md", "e37.md"):
        record = index.record(gone)
        assert record is not None and record.severity == "error"
        assert [f.rule for f in record.findings] == ["parse-error"]
        assert "cannot read the file" in record.findings[0].message
    kept = [r for r in index.records if r.path not in ("e03.md", "e37.md")]
    assert len(kept) == 38 and all(r.error is None for r in kept)
    assert [r.title for r in kept[:3]] == ["What is e00?", "What is e01?", "What is e02?"]


def test_duplicate_titles_across_files_are_corpus_findings(tmp_path: Path) -> None:
    write_entry(tmp_path, "one.md", seo_title="The very same SEO title for two pages")
    write_entry(tmp_path, "two.md", seo_title="The  very same SEO title for TWO pages")
    write_entry(tmp_path, "three.md")

    index = build(tmp_path)

    rules = {r.path: sorted(f.rule for f in r.findings) for r in index.records}
    assert "title-duplicate" in rules["one.md"] and "title-duplicate" in rules["two.md"]
    assert "title-duplicate" not in rules["three.md"]
    assert index.record("one.md").severity in ("warning", "error")  # type: ignore[union-attr]


def test_update_paths_reparses_only_those_and_reruns_corpus_rules(tmp_path: Path) -> None:
    write_entry(tmp_path, "one.md", seo_title="The very same SEO title for two pages")
    two = write_entry(tmp_path, "two.md", seo_title="The very same SEO title for two pages")
    index = build(tmp_path)
    assert any(f.rule == "title-duplicate" for f in index.findings())

    write_entry(tmp_path, "two.md", seo_title="Now a different title for the second page")
    new = write_entry(tmp_path, "sub/new.md")
    (tmp_path / "one.md").unlink()
    change = index.update_paths([two, new, tmp_path / "one.md", "notes.txt"])

    assert (change.changed, change.added, change.removed) == (
        ["two.md"],
        ["sub/new.md"],
        ["one.md"],
    )
    assert index.parsed == 2
    assert index.paths == ["sub/new.md", "two.md"]
    assert [r.path for r in index.records] == index.paths
    assert not any(f.rule == "title-duplicate" for f in index.findings())
    assert index.row_of(new) == 0 and index.row_of("one.md") == -1


def test_process_pool_gives_the_same_records_as_one_process(tmp_path: Path) -> None:
    for n in range(12):
        write_entry(tmp_path, f"part{n % 3}/e{n:02d}.md", id=n)
    (tmp_path / "bad.md").write_text("---\na: [\n---\n", encoding="utf-8")

    single = build(tmp_path)
    pooled = build(tmp_path, workers=2, pool_min_files=1)

    assert [r.row() for r in pooled.records] == [r.row() for r in single.records]
    assert list(pooled.findings()) == list(single.findings())


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_entry(tmp_path, "a.md")
    monkeypatch.setattr(parse_module, "MAX_FILE_BYTES", path.stat().st_size + 10)
    listed = path.stat().st_size
    with path.open("a", encoding="utf-8") as out:
        out.write("x" * 100)
    with pytest.raises(ContentError, match="not read"):
        parse_module.read_file(str(path), listed, 0)


def _fork_context() -> Any:
    """Workers forked from this process see its monkeypatches (a fork server's do not)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    return multiprocessing.get_context("fork")


@pytest.mark.parametrize("pooled", [False, True])
def test_an_unforeseen_error_in_one_file_is_a_row_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool
) -> None:
    """Whatever escapes the parser for one file (here a RecursionError from the rules)
    becomes that file's parse-error; the others are checked as ever."""
    for n in range(8):
        write_entry(tmp_path, f"e{n}.md", id=n)
    # the name parse looks up (and that is patched below), not a re-export
    real = parse_module.check_entry_rows  # type: ignore[attr-defined]

    def fragile(data: Any, schema: Any, config: Any, rel: str) -> Any:
        if rel == "e3.md":
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, schema, config, rel)

    monkeypatch.setattr(parse_module, "check_entry_rows", fragile)
    monkeypatch.setattr(pool_module, "pool_context", _fork_context)
    options: dict[str, Any] = {"workers": 2, "pool_min_files": 1} if pooled else {}

    index = build(tmp_path, **options)

    record = index.record("e3.md")
    assert record is not None and record.error is not None
    assert "RecursionError" in record.error.message
    assert [f.rule for f in record.findings] == ["parse-error"]
    assert sum(r.error is None for r in index.records) == 7


def test_a_worker_that_dies_costs_only_the_file_that_killed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a file ever kills its worker process (a crash in C), the build goes on: the
    chunks not yet handed on are parsed one process each, halved down to that file."""
    for n in range(40):
        write_entry(tmp_path, f"e{n:02d}.md", id=n)
    expected = {r.path: r.row() for r in build(tmp_path).records}
    main = os.getpid()
    real = parse_module.parse_file

    def deadly(folder: str, rel: str, *args: Any) -> Any:
        if rel == "e13.md" and os.getpid() != main:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(folder, rel, *args)

    monkeypatch.setattr(parse_module, "parse_file", deadly)
    monkeypatch.setattr(pool_module, "pool_context", _fork_context)

    index = build(tmp_path, workers=2, pool_min_files=1)

    assert [r.path for r in index.records] == sorted(expected)
    record = index.record("e13.md")
    assert record is not None and record.error is not None
    assert "stopped the parsing process" in record.error.message
    assert record.size == (tmp_path / "e13.md").stat().st_size  # cached on a warm reopen
    for other in index.records:
        if other.path != "e13.md":
            assert other.row() == expected[other.path]
