"""Filter-as-you-type with a sliced search: at once from titles, complete from a timer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QTableView

from editor.content import search_job
from editor.content.index import CorpusIndex
from editor.ui.entries import list_filter, list_rows
from editor.ui.entries.entry_list import EntryList
from editor.ui.entries.entry_model import EntryListModel


class Job:
    """A search that needs ``steps`` slices."""

    def __init__(self, rows: list[int], steps: int) -> None:
        self.result: list[int] | None = None
        self._rows, self._left = rows, steps

    def step(self, deadline: float) -> bool:
        self._left -= 1
        if self._left <= 0:
            self.result = self._rows
        return self.result is not None


class SlowIndex:
    def __init__(self, answers: dict[str, tuple[list[int], int]]) -> None:
        self.answers = answers

    def search(self, query: str) -> list[int]:
        return list(self.answers[query][0])

    def search_job(self, query: str) -> Job:
        return Job(*self.answers[query])


def _write(folder: Path, name: str, title: str, text: str) -> None:
    (folder / name).write_text(
        f"---\ntitle: {title}\ndescription: {text}\n---\nBody\n", encoding="utf-8"
    )


@pytest.fixture
def folder(folder: Path) -> Path:
    for i in range(60):
        words = "negotiation leverage" if i % 3 else "diplomacy zzqx"
        _write(folder, f"e{i:02}.md", f"Entry {i}", f"{words} item{i}")
    return folder


def test_a_superseded_search_never_overwrites_a_newer_one(qtbot: Any) -> None:
    model = EntryListModel()
    model.set_paths(Path("/c"), ["a.md", "b.md", "c.md"])
    index = SlowIndex({"slow": ([0], 50), "fast": ([1, 2], 1), "other": ([2], 3)})
    rows = list_rows.prepare_list_rows(list_rows.rows_from_paths(["a.md", "b.md", "c.md"]))
    model.set_rows(rows, index.search_job)
    busy: list[bool] = []
    model.searching.connect(busy.append)
    model.set_query("slow")
    assert model.search_pending and busy == [True]
    model.set_query("fast")  # done within the keystroke: the slow one is dropped
    assert not model.search_pending and model.rowCount() == 2
    qtbot.wait(50)
    shown = [model.path_at(model.index(r, 0)) for r in range(2)]
    assert shown == [Path("/c/b.md"), Path("/c/c.md")]
    model.set_query("slow")
    model.set_query("other")
    qtbot.waitUntil(lambda: not model.search_pending)
    qtbot.wait(20)
    assert model.rowCount() == 1 and model.path_at(model.index(0, 0)) == Path("/c/c.md")
    assert busy[-1] is False


def _slow_model(rels: list[str], answers: dict[str, tuple[list[int], int]]) -> EntryListModel:
    """A model over ``rels`` whose full-text answers take the given number of slices."""
    model = EntryListModel()
    model.set_paths(Path("/c"), rels)
    index = SlowIndex(answers)
    rows = list_rows.prepare_list_rows(list_rows.rows_from_paths(rels), model.sort_wanted)
    model.set_rows(rows, index.search_job)
    return model


def shown(model: EntryListModel) -> list[str]:
    names: list[str] = []
    for row in range(model.rowCount()):
        path = model.path_at(model.index(row, 0))
        assert path is not None
        names.append(path.name)
    return names


def test_a_backspace_keeps_the_rows_shown_while_the_wider_search_runs(qtbot: Any) -> None:
    # "xyz" is in a.md's text (not its name); "xy" in b.md's too, found in slices.
    model = _slow_model(
        ["a.md", "b.md", "c.md", "d.md"],
        {"xyz": ([0], 1), "xy": ([0, 1], 3), "d": ([3], 1), "b": ([1, 3], 3)},
    )

    model.set_query("xyz")  # answered within the keystroke
    assert shown(model) == ["a.md"]
    model.set_query("xy")  # wider and slow: a.md still matches, so it stays listed...
    assert model.search_pending and shown(model) == ["a.md"]
    qtbot.waitUntil(lambda: not model.search_pending)  # ...until the full answer
    assert shown(model) == ["a.md", "b.md"]
    model.set_query("d")  # not wider: answered at once
    assert shown(model) == ["d.md"]
    model.set_query("b")  # neither: the names holding "b" first, then the full answer
    assert model.search_pending and shown(model) == ["b.md"]
    qtbot.waitUntil(lambda: not model.search_pending)
    assert shown(model) == ["b.md", "d.md"]


def test_a_backspace_also_lists_the_names_holding_the_wider_query(qtbot: Any) -> None:
    # "xyz" only in a.md's text; "xy" also in b-xy.md's name (and c.md's text).
    model = _slow_model(["a.md", "b-xy.md", "c.md"], {"xyz": ([0], 1), "xy": ([0, 1, 2], 3)})

    model.set_query("xyz")
    assert shown(model) == ["a.md"]
    model.set_query("xy")  # the row shown stays, and the name that holds it comes at once
    assert model.search_pending and shown(model) == ["a.md", "b-xy.md"]
    qtbot.waitUntil(lambda: not model.search_pending)
    assert shown(model) == ["a.md", "b-xy.md", "c.md"]


def test_the_list_paints_the_quick_answer_before_the_search_goes_on(qtbot: Any) -> None:
    rels = ["a.md", "b.md"]
    model = EntryListModel()
    model.set_paths(Path("/c"), rels)
    index = SlowIndex({"zz": ([1], 5)})
    jobs: list[Job] = []

    def job(query: str) -> Job:
        jobs.append(index.search_job(query))
        return jobs[-1]

    model.set_rows(list_rows.prepare_list_rows(list_rows.rows_from_paths(rels)), job)
    view = QTableView()
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    model.set_query("zz")
    assert model.search_pending and jobs[0]._left == 4  # one step within the keystroke
    QApplication.processEvents()  # the view lays out and paints: no slice yet
    QApplication.processEvents()
    assert jobs[0]._left == 4
    qtbot.waitUntil(lambda: not model.search_pending)
    assert shown(model) == ["b.md"]


def test_a_slow_search_lists_the_top_rows_holding_the_word_at_once(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_filter, "QUICK_LIMIT", 2)
    model = _slow_model(
        ["e-ab.md", "d-ab.md", "c-ab.md", "b-x.md", "a-ab.md"],
        {"ab": ([0, 1, 2, 3, 4], 3)},  # b-x.md holds it in its text
    )

    model.set_query("ab")
    assert model.search_pending and shown(model) == ["a-ab.md", "c-ab.md"]  # the top two
    qtbot.waitUntil(lambda: not model.search_pending)
    assert shown(model) == ["a-ab.md", "b-x.md", "c-ab.md", "d-ab.md", "e-ab.md"]


def test_list_shows_the_complete_result_after_typing(
    qtbot: Any, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_filter, "SLICE_SECONDS", 0.0)  # every query goes on a timer
    monkeypatch.setattr(search_job, "_SLICE_BYTES", 256)
    index = CorpusIndex(folder, cache=False).build_all()
    model = EntryListModel()
    model.set_paths(folder, index.paths)
    model.set_records(index.records, index.search_job)
    entries = EntryList(model)
    qtbot.addWidget(entries)
    entries.show()
    assert entries.select(folder / "e04.md")
    qtbot.keyClicks(entries.search, "negotiation")
    assert entries.busy.isVisible() or not model.search_pending
    qtbot.waitUntil(lambda: not model.search_pending)
    expected = {index.records[i].path for i in index.search("negotiation")}
    shown = {
        entries.model.path_at(entries.model.index(r, 0)) for r in range(entries.visible_count())
    }
    assert shown == {folder / p for p in expected} and len(expected) == 40
    assert not entries.busy.isVisible()
    # The selected entry still matches: it stays selected.
    assert entries.current_path() == folder / "e04.md"
    current = entries.view.currentIndex()
    assert entries.model.path_at(current) == folder / "e04.md"
    assert entries.view.selectionModel().isRowSelected(current.row())
    entries.search.clear()
    qtbot.keyClicks(entries.search, "zzqx item1")
    qtbot.waitUntil(lambda: not model.search_pending)
    shown = {
        entries.model.path_at(entries.model.index(r, 0)) for r in range(entries.visible_count())
    }
    assert shown == {folder / f"e{i:02}.md" for i in (12, 15, 18)}
