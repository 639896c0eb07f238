"""The files a find may match in, named as strings, and how they are read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editor.content.bulk import candidates as candidates_module
from editor.content.bulk.candidates import (
    FIRST_READ,
    candidate_files,
    candidates,
    path_order,
    read_raw,
)
from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import preview
from editor.content.bulk.scope import Scope
from editor.content.index import CorpusIndex

ENTRY = "---\ntitle: {title}\nseo:\n  title: {title} | Acme\n---\nBody of {title}.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Folders whose names order differently as strings and as paths (``a-b`` sorts
    before ``a/`` as text, after ``a`` as a path part)."""
    root = tmp_path / "content"
    for rel in ("a/x.md", "a-b/x.md", "a.md", "a0/y.md", "b.md"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ENTRY.format(title=rel.replace("/", " ")), encoding="utf-8")
    return root


def test_candidate_files_name_the_candidates_in_path_order(folder: Path) -> None:
    index = CorpusIndex(folder, cache=False).build_all()
    options = FindOptions("| Acme", "| Apex", case=True)
    for scope in (Scope(fields=("seo.title",)), Scope(), Scope(fields=("body",))):
        for corpus in (index, None):
            names = candidate_files(folder, options, scope, index=corpus)
            paths = candidates(folder, options, scope, index=corpus)
            assert names == [os.fspath(p) for p in paths]
            assert paths == sorted(folder.rglob("*.md"))  # every file, as Paths order them
    assert sorted(["a-b/x.md", "a/x.md"], key=path_order) == ["a/x.md", "a-b/x.md"]


def test_a_preview_names_its_entries_by_path_whatever_it_was_given(folder: Path) -> None:
    index = CorpusIndex(folder, cache=False).build_all()
    options = FindOptions("| Acme", "| Apex", case=True)
    found = preview(folder, options, Scope(fields=("seo.title",)), index=index)
    assert [e.path for e in found.entries] == sorted(folder.rglob("*.md"))
    assert all(type(e.path) is type(folder) for e in found.entries)
    chosen = frozenset({folder / "a-b" / "x.md", folder / "b.md"})
    found = preview(folder, options, Scope(paths=chosen), index=index)
    assert [e.path for e in found.entries] == sorted(chosen)


def test_a_small_file_is_read_with_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each system call lets go of the GIL, and taking it back waits behind the
    window's thread: reading until an empty read cost a call a file more."""
    path = tmp_path / "entry.md"
    path.write_bytes(b"---\ntitle: A\n---\n")
    reads: list[int] = []
    real_read = os.read

    def counted(fd: int, size: int) -> bytes:
        reads.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", counted)
    assert read_raw(path) == path.read_bytes()
    assert read_raw(str(path)) == path.read_bytes()
    assert len(reads) == 2  # one a call


def test_a_large_file_is_read_whole_and_a_huge_one_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.md"
    for size in (FIRST_READ - 1, FIRST_READ, FIRST_READ + 1, 3 * FIRST_READ + 7):
        data = bytes(i % 251 for i in range(size))
        path.write_bytes(data)
        assert read_raw(path) == data
    monkeypatch.setattr(candidates_module, "MAX_CONTENT_BYTES", 2 * FIRST_READ)
    with pytest.raises(OSError, match="too large"):
        read_raw(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_an_entrys_place_does_not_block_the_preview(folder: Path) -> None:
    index = CorpusIndex(folder, cache=False).build_all()
    pipe = folder / "a.md"
    pipe.unlink()
    os.mkfifo(pipe)  # nobody ever writes to it: opening it to read would wait for ever
    assert read_raw(pipe) == b""
    found = preview(folder, FindOptions("| Acme", "x"), Scope(fields=("seo.title",)), index=index)
    assert pipe not in [e.path for e in found.entries]
    assert [p.path for p in found.skipped] == [pipe]
    assert "not a regular file" in found.skipped[0].message


def test_the_current_folder_names_files_as_paths_do(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Path(".") / "a.md"`` is ``a.md``: named ``./a.md`` a chosen entry was not found
    and an open one came twice (from disk and from its editor)."""
    monkeypatch.chdir(folder)
    here = Path()
    options = FindOptions("| Acme", "| Apex", case=True)
    chosen = Scope(fields=("seo.title",), paths=frozenset({here / "a.md"}))
    assert candidate_files(here, options, chosen) == ["a.md"]
    opened = here / "b.md"
    names = candidate_files(here, options, Scope(), open_docs=[opened])
    assert names.count("b.md") == 1
    docs = {opened: ({"title": "B | Acme"}, "")}
    found = preview(here, options, Scope(), open_docs=docs)
    assert [e.path for e in found.entries if e.path.name == "b.md"] == [opened]
    assert next(e for e in found.entries if e.path == opened).in_editor
