"""The replace preview, backlinks and a rename's plan read the index as it was when
their job started: an update the GUI thread puts in meanwhile (a save's, files added)
cannot change what they see halfway."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from editor.content.bulk import candidates as candidates_module
from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import candidates
from editor.content.bulk.scope import Scope
from editor.content.index import CorpusIndex, IndexSnapshot
from editor.ui.bulk.preview_job import PreviewRelay, PreviewRunner

PHRASE = "| QuickTakes"


def _entry(title: str, seo_title: str) -> bytes:
    return f"---\ntitle: {title}\nseo:\n  title: {seo_title}\n---\n".encode()


@pytest.fixture
def indexed(tmp_path: Path) -> CorpusIndex:
    """b and d hold the phrase; the others do not."""
    for name in "abcde":
        suffix = f" {PHRASE}" if name in "bd" else " plain"
        (tmp_path / f"{name}.md").write_bytes(_entry(f"Term {name}", f"Title {name}{suffix}"))
    return CorpusIndex(tmp_path, cache=False).build_all()


def test_preview_job_sees_the_index_of_its_start(
    qtbot: Any, indexed: CorpusIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = indexed.folder
    searching, go = threading.Event(), threading.Event()
    real = candidates_module.phrase_rows

    def paused(*args: Any) -> list[int]:  # the job, halfway: the records taken, not the rows
        searching.set()
        assert go.wait(10)
        return real(*args)

    monkeypatch.setattr(candidates_module, "phrase_rows", paused)
    found: list[Path] = []
    finished: list[object] = []

    def connect(relay: PreviewRelay) -> None:
        relay.found.connect(lambda batch: found.extend(e.path for e in batch))
        relay.finished.connect(finished.append)

    runner = PreviewRunner()
    options = FindOptions(PHRASE, f"{PHRASE} Pro", case=True)
    runner.start(folder, options, Scope(fields=("seo.title",)), indexed, {}, connect)
    qtbot.waitUntil(searching.is_set)
    # the GUI thread puts an update in: a file added before every other row, one changed
    (folder / "aa.md").write_bytes(_entry("Term aa", f"Title aa {PHRASE}"))
    (folder / "c.md").write_bytes(_entry("Term c", f"Title c {PHRASE} too"))
    indexed.update_paths([folder / "aa.md", folder / "c.md"])
    assert len(indexed.records) == 6
    go.set()
    qtbot.waitUntil(lambda: bool(finished))
    assert sorted(found) == [folder / "b.md", folder / "d.md"]


def test_snapshot_keeps_its_rows_through_updates(indexed: CorpusIndex) -> None:
    folder = indexed.folder
    options = FindOptions(PHRASE, "", case=True)
    snapshot = IndexSnapshot.of(indexed)
    before = candidates(folder, options, Scope(), index=snapshot)
    # changed in place (a save: the record list and the text's rows overridden)...
    (folder / "c.md").write_bytes(_entry("Term c", f"Title c {PHRASE}"))
    indexed.update_paths([folder / "c.md"])
    assert candidates(folder, options, Scope(), index=snapshot) == before
    # ...and rows added (a new list and text swapped in)
    (folder / "aa.md").write_bytes(_entry("Term aa", f"Title aa {PHRASE}"))
    indexed.update_paths([folder / "aa.md"])
    assert candidates(folder, options, Scope(), index=snapshot) == before
    assert before == [folder / "b.md", folder / "d.md"]
    live = candidates(folder, options, Scope(), index=indexed)
    assert live == [folder / n for n in ("aa.md", "b.md", "c.md", "d.md")]
