"""The corpus index: walking, records, findings, the filter, incremental updates."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content import index_cache
from editor.content.errors import ContentError, ParseError
from editor.content.index import CorpusIndex, Progress, scan_folder
from editor.content.index import parse as parse_module
from editor.content.index import pool as pool_module
from editor.content.index import updates as updates_module
from editor.content.search import SearchBuilder
from editor.content.seo.corpus_rules import CorpusRules
from editor.content.seo.link_rules import LINK_RULES
from editor.content.seo.rules import check_corpus_rows


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


QUERIES = ("", "w", "what", "what is", "zebra", "a", "q", "e1", "answer quagga", "-", "md")


def _values_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").lower()


@settings(max_examples=40, deadline=None)
@given(
    query=st.lists(
        st.sampled_from(["what", "is", "pl", "ta", "lea", "zz", "answer", "q", "e1", "paragraph."]),
        max_size=3,
    ).map(" ".join)
)
def test_search_matches_a_brute_force_scan(query: str, sample_index: CorpusIndex) -> None:
    expected = [
        row
        for row, record in enumerate(sample_index.records)
        if all(term in record.search.decode() for term in query.lower().split())
    ]
    assert sample_index.search(query) == expected


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> CorpusIndex:
    folder = tmp_path_factory.mktemp("search")
    for n, word in enumerate(["plant", "table", "leaf", "equal", "Plateau", "TALL"]):
        write_entry(folder, f"q{n}-{word.lower()}.md", word=word, id=n)
    return CorpusIndex(folder, cache=False).build_all()


def test_search_covers_file_name_title_subject_and_all_values(tmp_path: Path) -> None:
    write_entry(tmp_path, "zebra-crossing.md", subject="Road Safety", word="Quagga")
    write_entry(tmp_path, "other.md")
    index = build(tmp_path)

    for query in ("zebra", "road saf", "QUAGGA", "alpha beta", "2024-11-27", "what is zebra"):
        assert index.search(query) == [index.row_of("zebra-crossing.md")] or (
            query in ("alpha beta", "2024-11-27") and len(index.search(query)) == 2
        ), query
    assert index.search("") == [0, 1]
    assert index.search("nothing-like-this") == []


def test_typing_narrows_from_the_previous_matches(tmp_path: Path) -> None:
    for n, word in enumerate(["leverage", "level", "lever", "clever"]):
        write_entry(tmp_path, f"e{n}.md", word=word)
    index = build(tmp_path)
    fresh = CorpusIndex(tmp_path, cache=False).build_all()

    typed = "lever"
    for end in range(1, len(typed) + 1):
        assert index.search(typed[:end]) == fresh.search(typed[:end]) or end == 0
        fresh._search = None  # a fresh buffer answers without narrowing
    assert [index.records[r].path for r in index.search("lever")] == ["e0.md", "e2.md", "e3.md"]
    assert index.search("levera") == [0]
    assert index.search("lev") == [0, 1, 2, 3]  # shorter again: a full scan, not a narrowing
    assert list(_mask(index, "clever")) == [0, 0, 0, 1]


def _brute(index: CorpusIndex, query: str) -> list[int]:
    terms = query.lower().split()
    return [
        row
        for row, record in enumerate(index.records)
        if all(term in record.search.decode() for term in terms)
    ]


def test_update_paths_keeps_the_search_buffer_in_step(tmp_path: Path) -> None:
    for n, word in enumerate(["alpha", "beta", "gamma", "delta"]):
        write_entry(tmp_path, f"e{n}.md", word=word)
    index = build(tmp_path)
    old_e1 = index.record("e1.md")
    assert old_e1 is not None and b"beta" in old_e1.search
    for query in QUERIES:
        index.search(query)  # remembered answers must not survive the update

    write_entry(tmp_path, "e1.md", word="Quagga", subject="Zebra")  # longer text
    write_entry(tmp_path, "e0.md", word="z")  # shorter text
    write_entry(tmp_path, "a-first.md", word="answer")  # lands before every row
    write_entry(tmp_path, "z-last.md", word="zebra")  # and after
    (tmp_path / "e2.md").unlink()
    index.update_paths(["e1.md", "e0.md", "a-first.md", "z-last.md", "e2.md"])

    fresh = build(tmp_path)
    assert index.paths == fresh.paths
    assert [r.search for r in index.records] == [r.search for r in fresh.records]
    for query in QUERIES:
        assert index.search(query) == _brute(index, query) == fresh.search(query), query
    assert b"beta" in old_e1.search  # a replaced record keeps its own text


def test_saves_change_rows_in_place_then_an_added_file_folds_them_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, word in enumerate(["alpha", "beta", "gamma", "delta"]):
        write_entry(tmp_path, f"e{n}.md", word=word)
    index = build(tmp_path, text_file_min=1)
    store, records, buffer = index.text, index.records, index.text.buffer
    for query in QUERIES:
        index.search(query)
    write_entry(tmp_path, "e1.md", word="Quagga", subject="Zebra")  # a save: longer text
    write_entry(tmp_path, "e3.md", word="z")  # shorter
    change = index.update_paths(["e1.md", "e3.md"])
    assert change.changed == ["e1.md", "e3.md"]
    # Nothing written anew: the same buffer, the same record list with new records in it.
    assert index.text is store and store.buffer is buffer and index.records is records
    assert sorted(store.overrides) == [1, 3]
    fresh = build(tmp_path)
    assert [r.search for r in index.records] == [r.search for r in fresh.records]
    for query in (*QUERIES, "quagga", "delta", "zebra quagga"):
        assert index.search(query) == _brute(index, query) == fresh.search(query), query

    write_entry(tmp_path, "a-first.md", word="answer")  # a row comes: all rows anew
    index.update_paths(["a-first.md"])
    assert not index.text.overrides and index.text.buffer is not buffer
    assert index.search("quagga") == [2] and index.search("delta") == []

    monkeypatch.setattr(updates_module, "OVERRIDES_MAX", 1)  # full: saves rebuild
    write_entry(tmp_path, "e0.md", word="okapi")
    write_entry(tmp_path, "e2.md", word="okapi")
    index.update_paths(["e0.md", "e2.md"])
    assert not index.text.overrides
    assert index.search("okapi") == _brute(index, "okapi") == [1, 3]


def test_search_is_exact_over_a_pooled_build(tmp_path: Path) -> None:
    for n in range(30):
        write_entry(tmp_path, f"part{n % 4}/e{n:02d}.md", id=n, word=f"w{n}x", subject="Zebra")
    index = build(tmp_path, workers=2, pool_min_files=1)
    assert len(index) == 30
    for query in (*QUERIES, "w1", "w1x", "w12x", "zebra w2", "part3/"):
        assert index.search(query) == _brute(index, query), query
    assert list(_mask(index, "w12x")) == [int(r.path == "part0/e12.md") for r in index.records]


def _state(index: CorpusIndex) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    return [
        (r.path, r.severity, [(f.rule, f.field, f.message) for f in r.findings])
        for r in index.records
    ]


def test_updates_after_the_first_keep_the_corpus_findings_of_a_fresh_build(
    tmp_path: Path,
) -> None:
    same = "A title that several pages share, word for word"
    for n in range(6):
        write_entry(tmp_path, f"e{n}.md", seo_title=same if n % 2 else f"Own title number {n}")
    (tmp_path / "bad.md").write_text("---\na: [\n---\n", encoding="utf-8")
    index = build(tmp_path)
    steps = [
        ("e0.md", {"seo_title": same}),  # joins the group: every member's message changes
        ("e3.md", {"seo_title": "Leaves the group of shared titles for good"}),
        ("e5.md", {"slug": "e1"}),  # the same URL as e1
        ("bad.md", {}),  # a broken file mended
        ("e1.md", None),  # removed
        ("new.md", {"seo_title": same}),  # added
        ("e0.md", None),
    ]
    for name, values in steps:
        path = tmp_path / name
        if values is None:
            path.unlink()
        else:
            write_entry(tmp_path, name, **values)
        before = {path: findings for path, _, findings in _state(index)}
        change = index.update_paths([path])
        assert index._rules is not None  # the incremental rules ran (after the first)
        after = {path: findings for path, _, findings in _state(index)}
        named = {*change.added, *change.changed, *change.removed}
        assert set(change.refreshed) == {
            p for p in after if p not in named and after[p] != before.get(p)
        }, name
        assert _state(index) == _state(build(tmp_path)), name
        assert sorted(map(repr, index.findings())) == sorted(map(repr, build(tmp_path).findings()))


@pytest.mark.parametrize("pooled", [False, True], ids=["in-process", "pool"])
def test_a_cold_build_takes_sizes_and_mtimes_from_the_files_it_reads(
    tmp_path: Path, pooled: bool
) -> None:
    for n in range(5):
        write_entry(tmp_path, f"e{n}.md", id=n, word="x" * n * 100)
    options: dict[str, object] = {"workers": 2, "pool_min_files": 1} if pooled else {}
    index = build(tmp_path, **options)
    stats = [(tmp_path / r.path).stat() for r in index.records]
    assert [(r.size, r.mtime_ns) for r in index.records] == [
        (st.st_size, st.st_mtime_ns) for st in stats
    ]
    assert len({r.size for r in index.records}) == 5


@pytest.mark.parametrize("text_file_min", [0, 10_000], ids=["file", "memory"])
def test_pooled_workers_spill_their_texts_and_the_index_reads_them_back(
    tmp_path: Path, text_file_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    for n in range(30):
        write_entry(folder, f"part{n % 3}/e{n:02d}.md", id=n, word=f"word{n}")
    single = build(folder)
    taken: list[int] = []
    real = SearchBuilder.add_chunk_from

    def counted(self: SearchBuilder, *args: Any) -> None:
        taken.append(args[2])
        real(self, *args)

    monkeypatch.setattr(SearchBuilder, "add_chunk_from", counted)
    pooled = build(folder, workers=2, pool_min_files=1, text_file_min=text_file_min)
    assert taken and sum(taken) == sum(len(r.search) + 1 for r in pooled.records)
    assert [r.search for r in pooled.records] == [r.search for r in single.records]
    assert pooled.search("word7") == single.search("word7") != []
    assert not list(index_cache.cache_dir().glob("spill-*"))  # spill folders removed


def test_updates_after_prepare_updates_match_a_fresh_build(tmp_path: Path) -> None:
    same = "A title that several pages share, word for word"
    for n in range(4):
        write_entry(tmp_path, f"e{n}.md", seo_title=same if n % 2 else f"Own title number {n}")
    index = build(tmp_path)
    index.prepare_updates()
    assert index._rules is not None
    write_entry(tmp_path, "e0.md", seo_title=same)
    change = index.update_paths([tmp_path / "e0.md"])
    assert set(change.refreshed) == {"e1.md", "e3.md"}  # their group grew: new messages
    assert _state(index) == _state(build(tmp_path))


def test_an_update_says_whether_any_entrys_url_or_title_changed(tmp_path: Path) -> None:
    for n in range(3):
        write_entry(tmp_path, f"e{n}.md", id=n)
    index = build(tmp_path)

    def update(name: str, **values: object) -> bool:
        path = tmp_path / name
        if values.pop("gone", False):
            path.unlink()
        else:
            text = write_entry(tmp_path, name, **values).read_text(encoding="utf-8")
            path.write_text(text + "\nEdited body.\n", encoding="utf-8")  # bytes differ
        return index.update_paths([path]).links_changed

    assert update("e1.md", id=1) is False  # the body and id only
    assert update("e1.md", id=1, title="What is a renamed entry?") is True
    assert update("e1.md", id=1, title="What is a renamed entry?", slug="moved") is True
    assert update("e1.md", id=7, title="What is a renamed entry?", slug="moved") is False
    assert update("e9.md", id=9) is True  # a new entry, a new link target
    assert update("e9.md", gone=True) is True


@pytest.mark.parametrize("pooled", [False, True])
def test_a_cold_build_counts_the_corpus_rules_chunk_by_chunk_as_one_pass_would(
    tmp_path: Path, pooled: bool
) -> None:
    """Duplicate groups, slugs and links spanning chunks (and a broken file between
    them) give what the corpus rules give over all the facts at once."""
    for n in range(450):
        path = write_entry(
            tmp_path,
            f"p{n // 100}/e{n:03d}.md",
            id=n,
            seo_title=f"Shared title number {n % 7} for this page",
            slug=f"e{n % 300:03d}",
        )
        if n % 50 == 0:  # a link to an entry far away, or (past e299) to none
            link = "related_article1:\n  id: 1\n  title: x\n  subject: s\n"
            link += f"  url: /learn/e{(n + 200) % 450:03d}\nurl: "
            path.write_text(path.read_text(encoding="utf-8").replace("url: ", link, 1), "utf-8")
    (tmp_path / "p2" / "bad.md").write_text("---\na: [\n---\n", encoding="utf-8")

    index = build(tmp_path, **({"workers": 2, "pool_min_files": 1} if pooled else {}))

    facts = index._all_facts()
    rules = CorpusRules(index.config)
    rules.build(facts)
    duplicates_and_links = [r for r in index._corpus if r[0] not in LINK_RULES]
    assert duplicates_and_links == check_corpus_rows(facts, index.config) == rules.all()
    found = Counter(row[0] for row in index._corpus)
    assert found["title-duplicate"] == 450
    assert found["slug-duplicate"] == 300
    assert found["related-broken"] == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")
def test_scan_stays_inside_the_folder_and_lists_regular_files_only(tmp_path: Path) -> None:
    folder, outside = tmp_path / "content", tmp_path / "outside"
    write_entry(folder, "a.md")
    write_entry(folder, "sub/b.md")
    write_entry(outside, "secret.md")
    (folder / "in.md").symlink_to(folder / "a.md")
    (folder / "in-dir").symlink_to(folder / "sub", target_is_directory=True)
    (folder / "out.md").symlink_to(outside / "secret.md")
    (folder / "out-dir").symlink_to(outside, target_is_directory=True)
    (folder / "sub" / "up.md").symlink_to(Path("..", "..", "outside", "secret.md"))
    (folder / "zero.md").symlink_to(os.devnull)
    os.mkfifo(folder / "fifo.md")

    for stat in (True, False):
        found = [rel for rel, _, _ in scan_folder(folder, stat=stat)]
        assert found == ["a.md", "in.md", "sub/b.md"]  # in-dir is sub, entered once
    index = build(folder)  # no FIFO opened: it would block
    assert [r.path for r in index.records] == ["a.md", "in.md", "sub/b.md"]
    assert index.update_paths([folder / "out.md", folder / "fifo.md"]).added == []


@pytest.mark.parametrize("pooled", [False, True])
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, pooled: bool) -> None:
    for n in range(6):
        write_entry(tmp_path, f"e{n}.md", id=n)
    giant = tmp_path / "giant.md"
    with giant.open("wb") as out:  # sparse: costs no disk
        out.truncate(20 * 2**30)
    options: dict[str, Any] = {"workers": 2, "pool_min_files": 1} if pooled else {}

    index = build(tmp_path, **options)

    record = index.record("giant.md")
    assert record is not None and record.error is not None
    assert "21.5 GB" in record.error.message and "not read" in record.error.message
    assert all(r.error is None for r in index.records if r.path != "giant.md")
