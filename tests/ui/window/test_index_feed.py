"""The index feed: the entry list and the index change together after a background update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from editor.content.index import CorpusIndex

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _listed(window: Any, path: Path) -> bool:
    return window.model.row_for(path) is not None


@pytest.mark.parametrize("kind", ["added", "removed"])
def test_the_list_changes_in_the_same_turn_as_the_index(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """At the first turn of the event loop after the index has taken the update, the
    list holds exactly the files the index holds: a row of a file the index no longer
    has (or none for one it has) would be opened, searched and counted by the wrong rows
    meanwhile. (Zero timers run in the order they were started: the check's, started
    as the index takes the update, runs before anything the feed leaves for later.)"""
    window = make_window(sample_folder)
    path = sample_folder / ("new-entry.md" if kind == "added" else "zopa.md")
    if kind == "added":
        path.write_bytes((sample_folder / "batna.md").read_bytes().replace(b"batna", b"new"))
    else:
        path.unlink()
    seen: list[tuple[bool, int, int]] = []
    real = CorpusIndex.apply_update

    def apply_then_look(self: CorpusIndex, update: Any) -> Any:
        def look() -> None:
            seen.append((_listed(window, path), window.model.rowCount(), len(self.records)))

        QTimer.singleShot(0, look)
        return real(self, update)

    monkeypatch.setattr(CorpusIndex, "apply_update", apply_then_look)
    window.feed.files_changed_in_background([path])
    qtbot.waitUntil(lambda: bool(seen) and not window.feed.updating)
    listed, rows, records = seen[0]
    assert listed == (kind == "added")
    assert rows == records
    assert _listed(window, path) == (kind == "added")
