"""The replace preview fills the window without holding it: its rows go in a slice per
event-loop turn, its job hands the GIL over often and pins nothing in memory, the match
cells are drawn without a text document, and an old preview is freed on the pool a
slice at a time."""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.bulk_dialog import _open_dialog, _preview
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelRoleData, Qt, QThreadPool
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView

from editor.content.bulk.candidates import candidate_files
from editor.content.bulk.replace import EntryMatches, Match
from editor.content.schema import SchemaRegistry
from editor.ui.bulk import preview_job, preview_model, replace_dialog
from editor.ui.bulk.match_delegate import FOUND_COLOUR, MatchDelegate, Run, match_runs
from editor.ui.bulk.preview_model import PreviewModel
from editor.ui.gil_switch import SWITCH_INTERVAL

CHECK = Qt.ItemDataRole.CheckStateRole


def _entries(count: int, folder: Path) -> list[EntryMatches]:
    """``count`` entries of two matches each (none read from disk)."""
    return [
        EntryMatches(
            folder / f"e{i}.md",
            {"seo": {"title": f"Term {i} | Site"}},
            "",
            [
                Match(
                    "seo.title", ("seo", "title"), 7, 13, "| Site", "| Site Pro", f"Term {i} ", ""
                ),
                Match("seo.title", ("seo", "title"), 9, 13, "Site", "Place", f"Term {i} | ", ""),
            ],
            partial=True,
        )
        for i in range(count)
    ]


def test_queued_entries_go_in_a_slice_per_turn(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(preview_model, "SLICE", 4)
    model = PreviewModel(tmp_path)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    fed: list[int] = []
    model.fed.connect(lambda: fed.append(model.pending))

    model.queue(_entries(7, tmp_path))
    model.queue(_entries(3, tmp_path)[:0])  # an empty batch changes nothing
    assert model.rowCount() == 0  # nothing before the event loop turns
    assert model.pending == 7
    qtbot.waitUntil(lambda: model.pending == 0)
    qtbot.waitUntil(lambda: len(fed) == 2)
    assert inserted == [4 * 3, 3 * 3]  # an entry's row and its two matches' rows
    assert fed == [3, 0]
    assert (model.total, model.checked, model.files) == (14, 14, 7)


def test_a_check_and_a_selection_made_while_rows_arrive_are_kept(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(preview_model, "SLICE", 2)
    model = PreviewModel(tmp_path)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    model.queue(_entries(6, tmp_path))
    qtbot.waitSignal(model.fed).wait()
    assert model.pending == 4
    model.setData(model.entry_index(0), Qt.CheckState.Unchecked, CHECK)
    view.selectRow(model.match_index(1, 1).row())

    qtbot.waitUntil(lambda: model.pending == 0)
    assert len(model.entries) == 6
    assert Qt.CheckState(model.data(model.entry_index(0), CHECK)) == Qt.CheckState.Unchecked
    assert [i.row() for i in view.selectionModel().selectedRows()] == [
        model.match_index(1, 1).row()
    ]
    assert (model.checked, model.files) == (10, 5)
    assert tmp_path / "e0.md" not in model.selection()


def test_clearing_drops_the_rows_not_yet_in(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(preview_model, "SLICE", 2)
    model = PreviewModel(tmp_path)
    model.queue(_entries(5, tmp_path))
    qtbot.waitSignal(model.fed).wait()
    model.clear()
    assert model.pending == 0
    model.queue(_entries(1, tmp_path))
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert [e.path.name for e in model.entries] == ["e0.md"]


def test_the_preview_ends_once_every_row_is_in(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Apply waits for the last slice: the selection it writes covers every entry."""
    monkeypatch.setattr(preview_model, "SLICE", 1)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    seen: list[tuple[int, bool]] = []
    dialog.model.fed.connect(
        lambda: seen.append((dialog.model.pending, dialog.apply_button.isEnabled()))
    )
    _preview(qtbot, dialog, "negotiation", "bargaining")
    assert len(seen) >= 3  # one entry a turn
    assert all(not enabled for pending, enabled in seen if pending)
    assert dialog.progress.isHidden()
    assert set(dialog.selection()) == {e.path for e in dialog.preview.entries}


@pytest.fixture
def collector_restored(thread_pool: QThreadPool) -> Iterator[None]:
    """The window's index freezes what it made for good (``workers.py``): thawed at the
    end, once the pools are idle, so no later test runs in a frozen process."""
    yield
    thread_pool.waitForDone()
    QThreadPool.globalInstance().waitForDone()
    if gc.get_freeze_count():
        gc.unfreeze()
    assert gc.isenabled()


class _Cyclic:
    """An object in a reference cycle, as an index record and its facts are."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.usefixtures("collector_restored")
def test_the_preview_job_hands_the_gil_over_and_pins_nothing(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job froze the whole process at its end (``gc.freeze``): an object alive
    then that later became cyclic garbage (an index record of a save made before the
    preview) was never collected, so each preview ratcheted memory up."""
    monkeypatch.setattr(preview_job, "IDLE_MS", 10)
    inside: list[tuple[float, bool]] = []

    def candidates(*args: Any, **kwargs: Any) -> list[str]:
        inside.append((sys.getswitchinterval(), gc.isenabled()))
        return candidate_files(*args, **kwargs)

    monkeypatch.setattr(preview_job, "candidate_files", candidates)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    unrelated = _Cyclic()
    gone = weakref.ref(unrelated)
    frozen = gc.get_freeze_count()
    _preview(qtbot, dialog, "negotiation", "bargaining")
    assert inside == [(SWITCH_INTERVAL, False)]
    qtbot.waitUntil(gc.isenabled)  # once the pool is idle
    assert gc.get_freeze_count() <= frozen  # nothing more frozen (frozen objects may go)
    assert dialog.model.entries  # (what the preview shows is still there)
    del unrelated
    gc.collect()
    assert gone() is None


@pytest.mark.usefixtures("collector_restored")
def test_the_collector_stays_paused_until_the_pool_is_idle_then_collects_once(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left young, the preview's objects were walked all at once by the first collection
    after the job (48-110 ms at 26k entries, the window still): the job walks its own
    young objects a slice at a time, and the one full collection they are due waits
    for the pool to be idle, on the GUI thread."""
    monkeypatch.setattr(preview_job, "IDLE_MS", 10)
    monkeypatch.setattr(preview_job, "YOUNG_STEP", 50)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    collections: list[tuple[int, bool, int]] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            main = threading.current_thread() is threading.main_thread()
            collections.append((info["generation"], main, window.pool.activeThreadCount()))

    _preview_watching_collections(qtbot, dialog, seen)
    # (after the full one, the collector runs as usual: those are not the preview's)
    first_full = next(i for i, c in enumerate(collections) if c[0] == 2)
    assert collections[first_full] == (2, True, 0)  # on the GUI thread, the pool idle
    young = collections[:first_full]
    assert young and all(not main for _generation, main, _active in young)  # the job's


@pytest.mark.usefixtures("collector_restored")
def test_a_small_preview_ends_the_pause_without_a_full_collection(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview that made few objects (the backlinks' search, at every entry opened) is
    not worth a walk of the whole window: the collector just runs again once idle."""
    monkeypatch.setattr(preview_job, "IDLE_MS", 10)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    generations: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and not gc.isenabled():
            generations.append(info["generation"])

    _preview_watching_collections(qtbot, dialog, seen)
    assert dialog.model.entries
    assert 2 not in generations


def test_an_old_preview_is_freed_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replace_dialog, "FREE_SLICE", 3)
    cuts: list[int] = []

    class Watched(list[int]):
        def __delitem__(self, key: Any) -> None:
            before = len(self)
            super().__delitem__(key)
            cuts.append(before - len(self))

    first, second = Watched(range(7)), Watched(range(2))
    replace_dialog.free_in_slices([first, second])
    assert (first, second) == ([], [])
    assert cuts == [3, 3, 1, 2]


def test_match_runs_mark_what_changes() -> None:
    match = Match("title", ("title",), 4, 7, "old", "new", "the ", " one")
    assert match_runs(match) == [
        ("…the ", Run.CONTEXT),
        ("old", Run.FOUND),
        ("new", Run.REPLACEMENT),
        (" one…", Run.CONTEXT),
    ]
    deleted = Match("title", ("title",), 0, 3, "old", "", "", "")
    assert match_runs(deleted) == [("…", Run.CONTEXT), ("old", Run.FOUND), ("…", Run.CONTEXT)]


def test_the_delegate_draws_the_found_text_in_its_colour(qtbot: Any, tmp_path: Path) -> None:
    model = PreviewModel(tmp_path)
    model.add(_entries(3, tmp_path))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(700, 200)
    view.horizontalHeader().setStretchLastSection(True)

    def found_pixels() -> int:
        image = view.viewport().grab().toImage()
        want = QColor(FOUND_COLOUR)
        return sum(
            1
            for x in range(image.width())
            for y in range(0, image.height(), 2)
            if QColor(image.pixel(x, y)) == want
        )

    assert found_pixels() == 0  # the default delegate: plain text
    view.setItemDelegateForColumn(1, MatchDelegate(view))
    assert found_pixels() > 0


def test_the_dialog_lists_the_windows_schemas_without_reading_the_folder(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening Find and Replace reads no configuration: loading the schemas again
    sampled the site's entries on the GUI thread each time (58-132 ms at 50k)."""
    window = make_window(sample_folder)
    expected = window.session.registry.names()

    def no_reading(*_args: Any) -> None:
        raise AssertionError("the schemas were read again")

    monkeypatch.setattr(SchemaRegistry, "load", no_reading)
    dialog = _open_dialog(qtbot, window)
    listed = [dialog.schema.itemText(i) for i in range(dialog.schema.count())]
    assert listed[1:] == expected
    assert len(expected) >= 2


def _preview_watching_collections(
    qtbot: Any, dialog: Any, seen: Callable[[str, dict[str, Any]], None]
) -> None:
    """Run a preview with ``seen`` told of every collection, until the pause it holds
    the collector in has ended."""
    gc.callbacks.append(seen)
    try:
        _preview(qtbot, dialog, "negotiation", "bargaining")
        qtbot.waitUntil(gc.isenabled)
    finally:
        gc.callbacks.remove(seen)


@settings(max_examples=40, deadline=None)
@given(batches=st.lists(st.lists(st.sampled_from([0, 1, 1, 2, 3, 70]), max_size=6), max_size=4))
def test_each_entrys_row_is_followed_by_its_matches_rows(batches: list[list[int]]) -> None:
    """The model's lists grow a batch at a time (one call each, not one per entry)."""
    folder = Path("content")
    match = Match("title", ("title",), 0, 1, "a", "b", "", "")
    model = PreviewModel(folder)
    expected_rows: list[tuple[int, int]] = []
    number = 0
    for counts in batches:
        batch = [EntryMatches(folder / f"e{n}.md", {}, "", [match] * n) for n in counts]
        model.add(batch)
        for n in counts:
            if not n:
                continue  # an entry without matches is not shown
            assert model.first_row[number] == len(expected_rows)
            expected_rows += [(number, -1)] + [(number, i) for i in range(n)]
            assert bytes(model.checks[number]) == b"\x01" * n
            assert model.counts[number] == n
            number += 1
    assert list(zip(model.row_entry, model.row_match, strict=True)) == expected_rows
    assert model.rowCount() == len(expected_rows)
    matches = sum(n for counts in batches for n in counts)
    assert (model.total, model.checked, model.files, len(model.entries)) == (
        matches,
        matches,
        number,
        number,
    )


class _CountingModel(PreviewModel):
    """Counts the model's calls from Qt (each one waits for the GIL behind the job)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.calls: Counter[str] = Counter()

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        self.calls["data"] += 1
        return super().data(index, role)

    def multiData(self, index: Any, roleDataSpan: Any) -> None:
        self.calls["multiData"] += 1
        super().multiData(index, roleDataSpan)


def test_a_painted_cell_asks_the_model_for_its_roles_in_one_call(
    qtbot: Any, tmp_path: Path
) -> None:
    """Qt's delegate asked for seven roles a cell, each a call into Python; the table
    repaints as a preview's rows come in, while the job holds the GIL."""
    model = _CountingModel(tmp_path)
    view = QTableView()
    qtbot.addWidget(view)
    view.setItemDelegate(MatchDelegate(view))
    view.setModel(model)
    view.resize(900, 400)
    model.add(_entries(40, tmp_path))
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: model.calls["multiData"] > 0)  # painted once
    model.calls.clear()
    view.viewport().repaint()
    cells = model.calls["multiData"]
    assert cells >= 10  # the cells in sight
    assert model.calls["data"] <= cells  # only the delegate's own question, a match cell's
    for row in range(model.rowCount()):
        for column in range(2):
            index = model.index(row, column)
            asked = [QModelRoleData(role) for role in range(40)]
            model.multiData(index, asked)  # (as a span: a sequence of them)
            alone = QModelRoleData(Qt.ItemDataRole.DisplayRole)
            model.multiData(index, alone)  # one role alone, as Qt may ask too
            assert alone.data() == asked[Qt.ItemDataRole.DisplayRole].data()
            for role, answer in enumerate(asked):
                assert answer.data() == model.data(index, role), (row, column, role)
