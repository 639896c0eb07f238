"""An update made ready off the GUI thread (``read_paths``) and put in by assignments
(``apply_update``) leaves the index exactly as a build from scratch would, and changes
nothing readers see until it is put in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from editor.content import search
from editor.content.index import CorpusIndex
from editor.content.index import updates as updates_module

TERMS = ("batna", "coercive", "zorblax", "negotiation", "glossary/zopa")


def _state(index: CorpusIndex) -> dict[str, Any]:
    """Everything a reader of the index sees."""
    return {
        "paths": list(index.paths),
        "rows": [r.row() for r in index.records],
        "search": [r.search for r in index.records],
        "severity": [r.severity for r in index.records],
        "findings": sorted(index.finding_rows(), key=repr),
        "corpus": sorted(index.corpus_findings, key=repr),
        "found": {term: index.search(term) for term in TERMS},
    }


def _edit(folder: Path) -> list[Path]:
    """Changes that move corpus findings: a duplicate title, a new URL others link to,
    a subject spelled another way, a related link to no entry."""
    edits = {
        "batna.md": [
            (
                b"    BATNA: Best Alternative to a Negotiated Agreement",
                b"    ZOPA: The Zone of Possible Agreement Explained",
            )
        ],
        "zopa.md": [(b"url: /glossary/zopa", b"url: /glossary/zorblax")],
        "anchoring.md": [(b"\nsubject: Negotiation\n", b"\nsubject: negotiation\n")],
        "soft-power.md": [(b"related:\n", b"related:\n    - /glossary/nowhere\n")],
    }
    changed = []
    for name, pairs in edits.items():
        path = folder / name
        text = path.read_bytes()
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_bytes(text)
        changed.append(path)
    return changed


def _fresh(folder: Path) -> dict[str, Any]:
    return _state(CorpusIndex(folder, cache=False).build_all())


@pytest.mark.parametrize("overrides_max", [search.OVERRIDES_MAX, 2])
def test_a_ready_update_equals_a_build_from_scratch(
    sample_folder: Path, monkeypatch: pytest.MonkeyPatch, overrides_max: int
) -> None:
    # 2: the search text is made anew on the worker instead of taking overrides
    monkeypatch.setattr(updates_module, "OVERRIDES_MAX", overrides_max)
    monkeypatch.setattr(search, "OVERRIDES_MAX", overrides_max)
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()  # as the window does after the build
    before = _state(index)
    held = index.record("batna.md")  # a holder of the record before the update
    assert held is not None and held.severity == ""
    old_text = held.search
    changed = _edit(sample_folder)
    update = index.read_paths(changed)
    assert update.ready is not None
    assert (update.ready.rebuilt is not None) == (overrides_max == 2)
    assert _state(index) == before  # nothing readers see changed yet
    change = index.apply_update(update)
    assert sorted(change.changed) == sorted(p.name for p in changed)
    assert change.links_changed  # zopa's URL
    assert change.refreshed  # entries whose corpus findings moved with the edits
    assert _state(index) == _fresh(sample_folder)
    assert held.search == old_text  # the old record keeps its own text
    new = index.record("batna.md")
    assert new is not None and new.severity == "warning"  # title-duplicate, with zopa.md
    # and once more, back as they were (every file changed again)
    for path in changed:
        path.write_bytes(path.read_bytes().replace(b"zorblax", b"zopa"))
    index.apply_update(index.read_paths(changed))
    assert _state(index) == _fresh(sample_folder)


def test_an_update_made_ready_before_another_is_put_in_the_slow_way(
    sample_folder: Path,
) -> None:
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()
    changed = _edit(sample_folder)
    stale = index.read_paths(changed[:2])
    index.update_paths(changed[2:])  # the rows changed after ``stale`` was made
    change = index.apply_update(stale)
    assert sorted(change.changed) == sorted(p.name for p in changed[:2])
    assert _state(index) == _fresh(sample_folder)


def test_an_update_that_adds_or_removes_files_is_not_made_ready(sample_folder: Path) -> None:
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()
    (sample_folder / "zopa.md").unlink()
    update = index.read_paths([sample_folder / "zopa.md", sample_folder / "batna.md"])
    assert update.ready is None
    change = index.apply_update(update)
    assert change.removed == ["zopa.md"]
    assert _state(index) == _fresh(sample_folder)


def test_an_update_made_ready_but_never_put_in_leaves_no_trace(sample_folder: Path) -> None:
    """A read on the pool moves the incremental corpus rules on; when its update is never
    put in (the read failed late, or putting it in did), ``discard_prepared`` makes the
    next update answer for the files as the index holds them, not as that read saw them."""
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()
    originals = {p: (p.read_bytes(), p.stat()) for p in sample_folder.glob("*.md")}
    changed = _edit(sample_folder)
    assert index.read_paths(changed).ready is not None  # made ready, never put in
    for path, (data, before) in originals.items():  # the files as the index holds them
        path.write_bytes(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    index.discard_prepared()
    index.update_paths([sample_folder / "reservation-point.md"])  # another file's save
    assert _state(index) == _fresh(sample_folder)


@pytest.mark.parametrize("ready", [True, False])
def test_an_update_that_makes_the_search_text_anew_hands_the_old_one_back(
    sample_folder: Path, monkeypatch: pytest.MonkeyPatch, ready: bool
) -> None:
    """Freeing a 50k index's old search buffer (~140 MB) where the update was put in
    held the window's thread up to 91 ms: the update hands it to its caller instead."""
    monkeypatch.setattr(updates_module, "OVERRIDES_MAX", 0)
    monkeypatch.setattr(search, "OVERRIDES_MAX", 0)
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()
    old_buffer = index.text.buffer
    changed = _edit(sample_folder)
    if not ready:  # added and removed files: made anew where the update is put in
        (sample_folder / "zopa.md").unlink()
        changed.append(sample_folder / "zopa.md")
    update = index.read_paths(changed)
    assert (update.ready is not None) == ready
    change = index.apply_update(update)
    assert index.text.buffer is not old_buffer
    assert [parts[0] for parts in change.released] == [old_buffer]  # type: ignore[index]
    assert _state(index) == _fresh(sample_folder)


def test_an_update_that_overrides_rows_lets_go_of_nothing(sample_folder: Path) -> None:
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.prepare_updates()
    buffer = index.text.buffer
    change = index.apply_update(index.read_paths(_edit(sample_folder)))
    assert change.released == [] and index.text.buffer is buffer
