"""Find and replace across entries: matching, scope, preview, apply all-or-nothing, undo."""

from __future__ import annotations

import errno
import gc
import os
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.content.bulk import replace as replace_module
from editor.content.bulk.batch import BatchError, apply_changes, undo_batch
from editor.content.bulk.candidates import read_raw
from editor.content.bulk.key_lines import read_keys
from editor.content.bulk.pattern import (
    FindOptions,
    PatternError,
    compile_find,
    index_phrases,
    index_terms,
)
from editor.content.bulk.replace import (
    EntryMatches,
    Match,
    candidates,
    iter_preview,
    load_fast,
    plan,
    preview,
)
from editor.content.bulk.scope import Scope
from editor.content.document import load_entry, parse_entry
from editor.content.errors import ContentError
from editor.content.index import CorpusIndex

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402  (the benchmarks' corpus generator)

FIXTURES = ROOT / "tests" / "fixtures"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


GLOSSARY = """---
_schema: glossary
title: >-
    Digital Media
definition: >-
    Digital media is media encoded for machines; see Acme Cloud.
faq:
    - question: >-
          Is Acme Cloud digital media?
      answer: >-
          Acme Cloud hosts digital media for teams.
seo:
  title: >-
    Digital Media | Acme
  page_description: 'It''s about Acme Cloud'
subject: Digital Media
url: /glossary/digital-media
---
Body mentions Acme Cloud and acme cloud.
"""

QA = """---\r
_schema: default\r
title: "Acme Cloud pricing"\r
subject: Digital media\r
answer: >-\r
    Acme Cloud costs less.\\n\\nSee Acme.\r
---\r
\r
&nbsp;"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    _write(root, "digital-media.md", GLOSSARY)
    _write(root, "pricing.md", "\ufeff" + QA)
    _write(root, "other.md", "---\ntitle: Nothing here\n---\nplain\n")
    (root / "sub").mkdir()
    _write(root / "sub", "broken.md", "---\ntitle: [Acme Cloud\n---\n")
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_plain_search_ignores_case_and_skips_broken_files(folder: Path) -> None:
    result = preview(folder, FindOptions("acme cloud", "Acme Sky"))
    assert [e.path.name for e in result.entries] == ["digital-media.md", "pricing.md"]
    fields = [m.field for m in result.entries[0].matches]
    assert fields == [
        "definition", "faq.0.question", "faq.0.answer", "seo.page_description", "body", "body"
    ]  # fmt: skip
    assert [p.path.name for p in result.skipped] == ["broken.md"]
    first = result.entries[0].matches[0]
    assert (first.before, first.found, first.after) == (
        "edia is media encoded for machines; see ",  # 40 characters
        "Acme Cloud",
        ".",
    )


def test_case_word_and_regex_groups(folder: Path) -> None:
    case = preview(folder, FindOptions("acme cloud", "x", case=True))
    assert [(e.path.name, [m.field for m in e.matches]) for e in case.entries] == [
        ("digital-media.md", ["body"])
    ]
    word = preview(folder, FindOptions("Acm", "x", word=True))
    assert word.entries == []
    regex = preview(
        folder,
        FindOptions(r"Digital (M|m)edia", r"Online \1edia", regex=True, case=True),
        Scope(fields=("title", "subject")),
    )
    replacements = {(e.path.name, m.field): m.replacement for e in regex.entries for m in e.matches}
    assert replacements == {
        ("digital-media.md", "title"): "Online Media",
        ("digital-media.md", "subject"): "Online Media",
        ("pricing.md", "subject"): "Online media",
    }


def test_scope_limits_fields_schema_subject_and_entries(folder: Path) -> None:
    options = FindOptions("Acme", "Apex")

    def seen(scope: Scope) -> set[tuple[str, str]]:
        return {(e.path.name, m.field) for e in preview(folder, options, scope).entries
                for m in e.matches}  # fmt: skip

    assert seen(Scope(fields=("seo.title",))) == {("digital-media.md", "seo.title")}
    assert seen(Scope(fields=("faq.*.answer",))) == {("digital-media.md", "faq.0.answer")}
    assert {f for _, f in seen(Scope(fields=("body",)))} == {"body"}
    assert {n for n, _ in seen(Scope(schema="default"))} == {"pricing.md"}
    assert {n for n, _ in seen(Scope(subject="digital MEDIA"))} == {
        "digital-media.md",
        "pricing.md",
    }
    only = Scope(paths=frozenset({folder / "pricing.md"}))
    assert {n for n, _ in seen(only)} == {"pricing.md"}


def test_apply_changes_only_the_matched_lines_and_undo_restores_bytes(folder: Path) -> None:
    before = _snapshot(folder)
    result = preview(folder, FindOptions("Acme Cloud", "Acme Sky", case=True))
    changes = plan(result)
    applied = apply_changes(changes.changes, "test")
    pricing = (folder / "pricing.md").read_bytes()
    assert pricing.startswith(b"\xef\xbb\xbf---\r\n")  # BOM and CRLF kept
    assert pricing == before["pricing.md"].replace(b"Acme Cloud", b"Acme Sky")
    assert load_entry(folder / "digital-media.md").data["seo"]["page_description"] == (
        "It's about Acme Sky"
    )
    assert undo_batch(applied) == []
    assert _snapshot(folder) == before


def test_selection_keeps_only_checked_matches(folder: Path) -> None:
    result = preview(folder, FindOptions("Acme Cloud", "X", case=True))
    path = folder / "digital-media.md"
    changes = plan(result, {path: [1]})  # the FAQ question only
    assert [c.path for c in changes.changes] == [path]
    apply_changes(changes.changes, "t")
    data = load_entry(path).data
    assert data["faq"][0]["question"] == "Is X digital media?"
    assert data["definition"].endswith("see Acme Cloud.")


def test_result_that_cannot_be_saved_changes_nothing(folder: Path) -> None:
    before = _snapshot(folder)
    result = preview(folder, FindOptions("Cloud", "Cl\0oud"))
    with pytest.raises(BatchError, match="cannot be replaced") as info:
        plan(result)
    # front matter holds a NUL as a double-quoted escape; the body cannot hold one
    assert [p.name for p in info.value.paths] == ["digital-media.md"]
    assert "NUL" in str(info.value)
    assert _snapshot(folder) == before


def test_file_changed_between_preview_and_apply_changes_nothing(folder: Path) -> None:
    result = preview(folder, FindOptions("Acme", "Apex"))
    changes = plan(result)
    other = folder / "pricing.md"
    other.write_bytes(other.read_bytes() + b" ")
    before = _snapshot(folder)
    with pytest.raises(BatchError, match="nothing was changed") as info:
        apply_changes(changes.changes, "t")
    assert info.value.paths == [other]
    assert "changed on disk since the preview" in str(info.value)
    assert _snapshot(folder) == before


def test_read_only_file_in_the_batch_changes_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes = plan(preview(folder, FindOptions("Acme", "Apex")))
    locked = folder / "pricing.md"
    locked.chmod(0o444)
    if os.geteuid() == 0:  # root writes anywhere: the check sees what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m: Path(p) != locked and real(p, m))
    before = _snapshot(folder)
    with pytest.raises(BatchError, match="read-only") as info:
        apply_changes(changes.changes, "t")
    assert info.value.paths == [locked]
    assert _snapshot(folder) == before


def test_failure_part_way_puts_back_the_files_already_written(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes = plan(preview(folder, FindOptions("Acme", "Apex")))
    assert len(changes.changes) == 2
    before = _snapshot(folder)
    real = os.replace
    calls: list[str] = []

    def flaky(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the second file's rename fails; the first is put back
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(BatchError, match="were put back") as info:
        apply_changes(changes.changes, "t")
    assert "disk is full" in str(info.value)
    assert info.value.written == []
    assert _snapshot(folder) == before  # no temporary file left either


def test_files_are_written_through_symlinks_keeping_their_mode(folder: Path) -> None:
    target = folder / "pricing.md"
    target.chmod(0o640)
    link = folder / "link.md"
    link.symlink_to("pricing.md")
    changes = plan(preview(folder, FindOptions("Acme", "Apex"), Scope(paths=frozenset({link}))))
    apply_changes(changes.changes, "t")
    assert link.is_symlink()
    assert b"Apex" in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_undo_refuses_a_file_changed_since_and_can_skip_it(folder: Path) -> None:
    original = _snapshot(folder)
    applied = apply_changes(plan(preview(folder, FindOptions("Acme", "Apex"))).changes, "t")
    edited = folder / "pricing.md"
    edited.write_bytes(edited.read_bytes() + b"\nlater work")
    later = edited.read_bytes()
    with pytest.raises(BatchError, match="changed on disk after") as info:
        undo_batch(applied)
    assert info.value.paths == [edited]
    assert undo_batch(applied, skip_changed=True) == [edited]
    assert edited.read_bytes() == later
    assert (folder / "digital-media.md").read_bytes() == original["digital-media.md"]


def test_index_candidates_find_what_a_full_scan_finds(folder: Path) -> None:
    shutil.copytree(ROOT / "sample_content", folder / "sample")
    index = CorpusIndex(folder, cache=False).build_all()
    for options, scope in [
        (FindOptions("negotiat", "N"), Scope()),
        (FindOptions("Acme", "x"), Scope(fields=("seo",))),
        (FindOptions(r"BAT(NA)\b", "x", regex=True), Scope()),
        (FindOptions(r"[a-z]+ power", "x", regex=True), Scope(fields=("definition",))),
        (FindOptions("it's", "x"), Scope()),
        (FindOptions("first offer", "x"), Scope()),  # a phrase: the index checks it whole
        (FindOptions("best alternative to", "x", case=True), Scope(fields=("seo",))),
    ]:
        full = preview(folder, options, scope)
        fast = preview(folder, options, scope, index=index)
        assert [e.path for e in fast.entries] == [e.path for e in full.entries]
        assert fast.match_count == full.match_count > 0
        assert fast.scanned <= len(index.paths)


@pytest.mark.parametrize("text_file_min", [1, 10_000])  # the index's text: a file, memory
def test_phrase_candidates_follow_saves(folder: Path, text_file_min: int) -> None:
    """A phrase is found in the index's whole text, rows saved since (overridden) apart:
    a file that gained it is a candidate, one that lost it is not."""
    shutil.copytree(ROOT / "sample_content", folder / "sample")
    index = CorpusIndex(folder, cache=False, text_file_min=text_file_min).build_all()
    options = FindOptions("first offer", "x")
    before = candidates(folder, options, Scope(), index=index)
    lost, gained = before[0], folder / "sample" / "soft-power.md"
    assert gained not in before
    lost.write_bytes(re.sub(rb"(?i)first offer", b"opening bid", lost.read_bytes()))
    gained.write_bytes(
        gained.read_bytes().replace(
            b"definition: >-\n    ", b"definition: >-\n    A first offer. ", 1
        )
    )
    index.update_paths([lost, gained])
    assert index.text.overrides  # the saved rows' texts are kept beside the buffer
    after = candidates(folder, options, Scope(), index=index)
    assert gained in after and lost not in after
    full = preview(folder, options)
    assert [e.path for e in preview(folder, options, index=index).entries] == [
        e.path for e in full.entries
    ]


def test_the_collector_is_off_while_the_preview_reads_and_on_after(folder: Path) -> None:
    """The matches make no cycles; collections set off by them walked every object."""
    options, scope = FindOptions("Acme", "Apex"), Scope()
    paths = candidates(folder, options, scope)
    found = iter_preview(paths, options, scope)
    next(found)
    assert not gc.isenabled()
    list(found)
    assert gc.isenabled()
    stopped = iter_preview(paths, options, scope)
    next(stopped)
    stopped.close()  # a preview cancelled part-way
    assert gc.isenabled()


def test_open_entries_are_matched_and_changed_in_their_editor(folder: Path) -> None:
    path = folder / "other.md"
    docs = {path: ({"title": "Unsaved Acme text"}, "body")}
    result = preview(folder, FindOptions("Acme", "Apex"), open_docs=docs)
    assert path in candidates(folder, FindOptions("Acme", "Apex"), Scope(), open_docs=docs)
    changes = plan(result)
    assert changes.in_editor[path] == ({"title": "Unsaved Apex text"}, "body")
    assert path not in [c.path for c in changes.changes]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (FindOptions("(ab", regex=True), r"missing \), unterminated subpattern"),
        (FindOptions("a", r"\2", regex=True), "invalid group reference 2"),
        (FindOptions(""), "nothing to find"),
    ],
)
def test_pattern_errors_say_what_is_wrong(options: FindOptions, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_find(options)


def test_fast_loading_gives_what_parse_entry_gives() -> None:
    for path in [*sorted(FIXTURES.glob("*.md")), *sorted((ROOT / "sample_content").glob("*.md"))]:
        raw = path.read_bytes()
        try:
            expected = parse_entry(raw, path)
        except ContentError as exc:
            with pytest.raises(ContentError) as info:
                load_fast(raw, path)
            assert str(info.value) == str(exc)
            continue
        assert load_fast(raw, path) == expected


def test_index_phrases_are_the_spaced_runs_of_a_plain_find() -> None:
    assert index_phrases(FindOptions("| QuickTakes")) == [b"| quicktakes"]
    assert index_phrases(FindOptions("Acme")) == []
    assert index_phrases(FindOptions("a b\u00e9c d", regex=True)) == []
    assert index_phrases(FindOptions("caf\u00e9 au lait")) == [b"au lait"]


def test_index_terms_are_the_literals_every_match_holds() -> None:
    assert index_terms(FindOptions("Acme  Cloud")) == ["acme", "cloud"]
    assert index_terms(FindOptions("café au lait")) == ["caf", "au", "lait"]
    assert index_terms(FindOptions(r"Digital (M|m)edia+s?", regex=True)) == ["digital", "edi", "a"]
    assert index_terms(FindOptions(r"\w+", regex=True)) is None
    assert index_terms(FindOptions(r"a|b", regex=True)) is None


_FILES = sorted(FIXTURES.glob("fm_*.md")) + sorted((ROOT / "sample_content").glob("*.md"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    find=st.sampled_from(["a", "e ", "the", "Acme", "-", ":", "\\n", "é", "s"]),
    replacement=st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), max_size=12
    ),
    word=st.booleans(),
    case=st.booleans(),
)
def test_replace_then_undo_leaves_every_file_byte_identical(
    tmp_path_factory: pytest.TempPathFactory, find: str, replacement: str, word: bool, case: bool
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    for source in _FILES:
        shutil.copy(source, folder / source.name)
    before = _snapshot(folder)
    result = preview(folder, FindOptions(find, replacement, word=word, case=case))
    try:
        changes = plan(result)
    except BatchError:
        assert _snapshot(folder) == before
        return
    applied = apply_changes(changes.changes, "prop")
    for change in changes.changes:
        assert change.path.read_bytes() == change.new
    undo_batch(applied)
    assert _snapshot(folder) == before


def _matches_of(result: Any) -> list[tuple[str, str, int, int, str]]:
    return [
        (e.path.name, m.field, m.start, m.end, m.replacement)
        for e in result.entries
        for m in e.matches
    ]


def test_reading_only_the_fields_in_scope_finds_and_plans_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for source in [*FIXTURES.glob("*.md"), *(ROOT / "sample_content").glob("*.md")]:
        shutil.copy(source, folder / source.name)
    (folder / "alias.md").write_text(
        "---\ntitle: &t Soft power\nseo:\n  focus_keyphrase: *t\n  title: Power play\n---\n",
        encoding="utf-8",
    )
    generate(folder / "generated", 120)
    index = CorpusIndex(folder, cache=False).build_all()
    power, brand = FindOptions("power", "clout"), FindOptions("| QuickTakes", "| QT", case=True)
    # (options, scope, whether alias.md's lines read name its anchor outside them)
    cases = [
        (power, Scope(fields=("seo.title",)), False),
        (power, Scope(fields=("seo.title", "seo.focus_keyphrase")), True),
        (power, Scope(fields=("seo",)), True),
        (brand, Scope(fields=("seo.title", "title")), False),
        (FindOptions("the", "THE", word=True), Scope(("faq.*.answer",), "glossary"), False),
        (FindOptions("a", "b"), Scope(fields=("related",), subject="Negotiation"), False),
    ]
    for options, scope, alias_outside in cases:
        whole = preview(folder, options, scope)
        fast = preview(folder, options, scope, index=index)
        assert any(e.partial for e in fast.entries)
        assert _matches_of(fast) == _matches_of(whole)
        alias = [e for e in fast.entries if e.path.name == "alias.md"]
        if alias_outside:  # the slice does not parse alone: read whole
            assert alias and not any(e.partial for e in alias)
        assert plan(fast).diff() == plan(whole).diff()


def test_a_previews_entries_and_matches_are_one_object_each_for_the_collector() -> None:
    """A replace preview of 26k entries lives on in the window; the full collection due
    after it walks every entry and match. Without an instance dict each (slots) that
    walk was 63-69 ms instead of 76-128 ms at 50k (bench/bench_bulk_window.py)."""
    match = Match("title", ("title",), 0, 4, "Term", "Word", "", " here")
    entry = EntryMatches(Path("a.md"), {"title": "Term here"}, "", [match])
    for made in (match, entry):
        assert not hasattr(made, "__dict__")
        assert all(type(ref) is not dict or ref is entry.data for ref in gc.get_referents(made))


def test_a_partly_read_entry_holds_no_data_dict_and_reads_its_keys_again(
    tmp_path: Path,
) -> None:
    """The full collection after a 26k-entry preview walked a data dict per entry (a
    sixth of its objects); a partly read entry keeps only the bytes and reads the keys
    in scope from them again when its data is asked for (at apply)."""
    generate(tmp_path, 30)
    index = CorpusIndex(tmp_path, cache=False).build_all()
    options, scope = FindOptions("| QuickTakes", "| QT", case=True), Scope(fields=("seo.title",))
    fast = preview(tmp_path, options, scope, index=index)
    whole = {e.path: e for e in preview(tmp_path, options, scope).entries}
    partial = [e for e in fast.entries if e.partial]
    assert partial
    for entry in partial:
        assert not any(type(ref) is dict for ref in gc.get_referents(entry))
        seo = whole[entry.path].data["seo"]
        assert entry.data == {"seo": {"title": seo["title"]}}  # only the field in scope
        assert entry.data is not entry.data  # read again each time, never kept
    assert plan(fast).diff() == plan(preview(tmp_path, options, scope)).diff()


def test_a_partly_read_entry_keeps_no_bytes_and_is_checked_when_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 26k-entry preview kept ~130 MB of file bytes, each read into new memory; a
    partly read entry keeps their size and hash, and its title when it read it."""
    generate(tmp_path, 30)
    index = CorpusIndex(tmp_path, cache=False).build_all()
    options = FindOptions("| QuickTakes", "| QT", case=True)
    fast = preview(tmp_path, options, Scope(fields=("seo.title", "title")), index=index)
    partial = [e for e in fast.entries if e.partial]
    assert len(partial) >= 3
    reads: list[object] = []
    real_read = read_raw

    def counted(path: Any) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(replace_module, "read_raw", counted)
    for entry in partial:
        assert entry.raw == b""
        assert not any(type(ref) is bytes and ref for ref in gc.get_referents(entry))
        assert entry.top_value("title") == load_entry(entry.path).data["title"]
    assert reads == []  # the title is kept: the table asks for it at every paint
    edited, gone = partial[0].path, partial[1].path
    edited.write_bytes(edited.read_bytes().replace(b"\nurl:", b"\nurl: ", 1))  # elsewhere
    gone.unlink()
    with pytest.raises(BatchError) as info:
        plan(fast)
    assert sorted(info.value.paths) == sorted([edited, gone])
    messages = "\n".join(p.message for p in info.value.problems)
    assert "changed on disk since the preview" in messages
    assert "cannot read the file again" in messages
    kept = {e.path: range(len(e.matches)) for e in partial[2:]}
    assert len(plan(fast, kept).changes) == len(kept)  # the others are planned as before


def test_a_partly_read_entry_is_read_again_once_at_apply_and_never_for_its_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the keys again is ~21 µs a time: the preview's title cell (painted at
    every scroll) asked for a key never read, and the apply's check read the entry again
    for each of its matches."""
    generate(tmp_path, 30)
    index = CorpusIndex(tmp_path, cache=False).build_all()
    options, scope = FindOptions("e", "E", case=True), Scope(fields=("seo.title",))
    fast = preview(tmp_path, options, scope, index=index)
    partial = [e for e in fast.entries if e.partial and len(e.matches) > 1]
    assert partial
    reads: list[Path] = []
    real = read_keys

    def counted(raw: bytes, path: Path, keys: Any) -> Any:
        reads.append(path)
        return real(raw, path, keys)

    monkeypatch.setattr(replace_module, "read_keys", counted)
    assert all(entry.top_value("title") is None for entry in partial)  # not in scope
    assert reads == []
    assert partial[0].top_value("seo") == partial[0].data["seo"]  # in scope: read
    reads.clear()
    plan(fast, {e.path: range(len(e.matches)) for e in partial})
    assert sorted(reads) == sorted(e.path for e in partial)  # once each
