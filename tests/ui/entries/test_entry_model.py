"""The entry list model: Qt's model checks, filtering, sorting, markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.list_records import Record
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from editor.content.errors import ParseError
from editor.content.index import CorpusIndex
from editor.ui.entries import entry_model, list_filter, list_rows
from editor.ui.entries.entry_model import EntryListModel
from editor.ui.entries.list_rows import DATE, STATUS, TITLE

FOLDER = Path("/content")


RECORDS = [
    Record("zopa.md", "ZOPA", subject="Negotiation", date="2024-11-07", severity="warning"),
    Record("batna.md", "BATNA", subject="Negotiation", date="2024-11-05"),
    Record("soft-power.md", "Soft Power", subject="Diplomacy", date="2024-11-11", severity="error"),
    Record("anchoring.md", "anchoring", subject="Psychology", date="2024-11-12", severity="info"),
    Record("broken.md", error=ParseError("bad", "broken.md", 3, 1)),
]


@pytest.fixture
def model() -> EntryListModel:
    model = EntryListModel()
    model.set_paths(FOLDER, [r.path for r in RECORDS])
    model.set_records(RECORDS)
    return model


def titles(model: EntryListModel) -> list[str]:
    return [model.index(r, TITLE).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester: Any, model: EntryListModel) -> None:
    qtmodeltester.check(model)
    # The tester keeps watching while the model changes.
    model.set_query("negotiation")
    model.sort(DATE, Qt.SortOrder.DescendingOrder)
    model.set_dirty(FOLDER / "batna.md", True)
    model.set_query("")
    model.set_records(list(reversed(RECORDS)))


def test_rows_show_names_first_then_details(model: EntryListModel) -> None:
    fresh = EntryListModel()
    fresh.set_paths(FOLDER, ["sub/zopa.md"])
    assert fresh.index(0, TITLE).data() == "zopa.md"
    assert fresh.index(0, STATUS).data(Qt.ItemDataRole.AccessibleTextRole) == "…"
    assert fresh.path_at(fresh.index(0, 0)) == FOLDER / "sub" / "zopa.md"
    statuses = {
        model.index(r, TITLE).data(): model.index(r, STATUS).data(
            Qt.ItemDataRole.AccessibleTextRole
        )
        for r in range(5)
    }
    assert statuses == {
        "ZOPA": "Warning",
        "BATNA": "OK",
        "Soft Power": "Error",
        "anchoring": "Info",
        "broken.md": "Broken",  # no title: the file name
    }
    broken = model.index_of(FOLDER / "broken.md")
    assert "broken.md:3:1: bad" in broken.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, STATUS).data(Qt.ItemDataRole.DecorationRole) is not None


def test_the_filter_finds_files_by_name_before_their_records_come() -> None:
    listing = EntryListModel()
    listing.set_paths(FOLDER, ["sub/Zopa.md", "batna.md", "sub/soft-power.md"])
    listing.set_query("zopa")
    assert [listing.path_at(listing.index(r, 0)) for r in range(listing.rowCount())] == [
        FOLDER / "sub" / "Zopa.md"
    ]
    listing.set_query("sub/")
    assert listing.rowCount() == 2


def test_filter_matches_title_subject_and_file_name(model: EntryListModel) -> None:
    model.set_query("Negotiation")
    assert titles(model) == ["BATNA", "ZOPA"]
    model.set_query("soft-power.md")
    assert titles(model) == ["Soft Power"]
    model.set_query("negotiation zo")  # every word must match
    assert titles(model) == ["ZOPA"]
    model.set_query("nothing-like-this")
    assert titles(model) == []
    model.set_query("  ")
    assert model.rowCount() == len(RECORDS)


def test_typing_on_narrows_the_quick_answer_and_keeps_an_unchanged_layout(
    model: EntryListModel,
) -> None:
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(model.rowCount()))
    for query, expected in [
        ("n", ["anchoring", "BATNA", "broken.md", "ZOPA"]),
        ("ne", ["BATNA", "ZOPA"]),
        ("neg", ["BATNA", "ZOPA"]),  # the same rows: no layout change
        ("nego zo", ["ZOPA"]),
        ("neg", ["BATNA", "ZOPA"]),
        ("n", ["anchoring", "BATNA", "broken.md", "ZOPA"]),
        ("an", ["anchoring"]),
        ("ancho", ["anchoring"]),  # the same row again
    ]:
        model.set_query(query)
        assert titles(model) == expected, query
    assert layouts == [4, 2, 1, 2, 4, 1]


def test_filter_uses_the_index_search_when_given(model: EntryListModel) -> None:
    asked: list[str] = []

    class Job:
        """An index search job that answers in its first slice."""

        def __init__(self, query: str) -> None:
            asked.append(query)
            self.result: list[int] | None = None

        def step(self, deadline: float) -> bool:
            self.result = [0, 2]  # rows of the records given
            return True

    model.set_records(RECORDS, Job)
    model.set_query("Anything")
    assert asked == ["anything"]
    assert titles(model) == ["Soft Power", "ZOPA"]
    model.set_query("anything")  # same query: not asked again
    assert asked == ["anything"]


def test_search_of_a_real_index(qtbot: Any, sample_folder: Path) -> None:
    index = CorpusIndex(sample_folder, cache=False).build_all()
    model = EntryListModel()
    model.set_paths(sample_folder, index.paths)
    model.set_records(index.records, index.search_job)
    model.set_query("zopa")
    expected = {index.records[i].title for i in index.search("zopa")}
    assert set(titles(model)) == expected and expected


def test_sorting(model: EntryListModel) -> None:
    assert titles(model) == ["anchoring", "BATNA", "broken.md", "Soft Power", "ZOPA"]
    model.sort(STATUS)
    assert titles(model) == ["broken.md", "Soft Power", "ZOPA", "anchoring", "BATNA"]
    model.sort(DATE, Qt.SortOrder.DescendingOrder)
    assert titles(model)[:2] == ["anchoring", "Soft Power"]


def test_a_sort_order_made_in_advance_is_taken_only_for_the_sort_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = EntryListModel()
    model.set_paths(FOLDER, [r.path for r in RECORDS])
    model.sort(DATE, Qt.SortOrder.DescendingOrder)
    prepared = list_rows.prepare_list(RECORDS, model.sort_wanted)  # as the index thread
    stale = list_rows.prepare_list(RECORDS, (TITLE, False))
    sorts: list[int] = []
    real_sort = list_rows.sort_rows

    def counted_sort(rows: Any, *how: Any) -> Any:
        sorts.append(how[0])
        return real_sort(rows, *how)

    monkeypatch.setattr(list_filter, "sort_rows", counted_sort)
    model.set_rows(prepared)
    assert sorts == []  # taken as made
    assert titles(model) == ["anchoring", "Soft Power", "ZOPA", "BATNA", "broken.md"]
    model.set_rows(stale)  # made for the title sort, but the list shows dates
    assert sorts == [DATE]
    assert titles(model) == ["anchoring", "Soft Power", "ZOPA", "BATNA", "broken.md"]


def test_dirty_markers_survive_new_rows_and_a_folder_listed_anew(model: EntryListModel) -> None:
    model.set_dirty(FOLDER / "zopa.md", True)
    model.set_dirty(FOLDER / "anchoring.md", True)
    renamed = [Record("aaa.md", "AAA"), *RECORDS]  # a file came: the list is rebuilt
    model.set_rows(list_rows.prepare_list(renamed, model.sort_wanted))
    assert model.dirty_paths() == [FOLDER / "zopa.md", FOLDER / "anchoring.md"]
    assert model.index_of(FOLDER / "zopa.md").data() == "ZOPA *"
    model.set_rows(list_rows.prepare_list(RECORDS[1:]))  # zopa.md went away
    assert model.dirty_paths() == [FOLDER / "anchoring.md"]
    model.set_paths(FOLDER, [r.path for r in RECORDS])  # listed anew: the session re-marks
    assert model.dirty_paths() == []


def test_the_full_list_shares_the_names_lists_lookups_when_the_files_match() -> None:
    rels = [r.path for r in RECORDS]
    names = list_rows.prepare_list_rows(list_rows.rows_from_paths(rels))
    full = list_rows.prepare_list(RECORDS, (TITLE, False), names)
    assert full.rels is names.rels and full.by_rel is names.by_rel
    listing = EntryListModel()
    listing.set_paths(FOLDER, names)
    listing.set_rows(full)  # the same files: rows updated in place, found by path
    assert [listing.index_of(FOLDER / rel).data() for rel in rels] == [
        "ZOPA", "BATNA", "Soft Power", "anchoring", "broken.md",
    ]  # fmt: skip

    other = list_rows.prepare_list([Record("aaa.md", "AAA"), *RECORDS], None, names)
    assert other.rels is not names.rels  # another file list: lookups of its own
    assert other.by_rel == {rel: n for n, rel in enumerate(["aaa.md", *rels])}
    assert names.by_rel == {rel: n for n, rel in enumerate(rels)}  # the shown list intact


def test_selection_survives_filtering_and_sorting(qtbot: Any, model: EntryListModel) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    target = model.index_of(FOLDER / "zopa.md")
    view.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    kept = QPersistentModelIndex(target)
    model.set_query("negotiation")
    assert model.path_at(view.currentIndex()) == FOLDER / "zopa.md"
    model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    assert model.path_at(view.currentIndex()) == FOLDER / "zopa.md"
    assert model.path_at(kept) == FOLDER / "zopa.md"
    model.set_query("diplomacy")  # hides it: the index goes invalid, no crash
    assert not kept.isValid()


def test_dirty_marker_and_live_title(model: EntryListModel) -> None:
    path = FOLDER / "batna.md"
    model.set_dirty(path, True)
    index = model.index_of(path)
    assert index.data() == "BATNA *"
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    model.set_title(path, "BATNA  (best alternative)")
    assert model.index_of(path).data() == "BATNA (best alternative) *"
    model.set_records(RECORDS)  # fresh records keep the marker
    assert model.index_of(path).data() == "BATNA *"
    assert model.dirty_paths() == [path]
    model.set_dirty(path, False)
    assert model.index_of(path).data() == "BATNA"


def test_update_records_redoes_order_filter_and_status_of_the_rows_given(
    qtmodeltester: Any, model: EntryListModel
) -> None:
    qtmodeltester.check(model)
    model.set_query("negotiation")
    assert titles(model) == ["BATNA", "ZOPA"]
    model.set_dirty(FOLDER / "zopa.md", True)
    changed = [
        Record("zopa.md", "Agreement zone", subject="Negotiation", date="2024-11-07"),
        Record("anchoring.md", "anchoring", subject="Negotiation", severity="info"),
    ]
    model.update_records(changed)
    # Re-sorted by the new title, the newly matching entry shown, statuses followed.
    assert titles(model) == ["Agreement zone *", "anchoring", "BATNA"]  # * unsaved
    zopa = model.row_for(FOLDER / "zopa.md")
    assert zopa is not None and zopa.status == "ok" and zopa.dirty  # unsaved mark kept
    model.set_query("")
    assert titles(model) == ["Agreement zone *", "anchoring", "BATNA", "broken.md", "Soft Power"]


_HAY_TEXT = st.text(alphabet="ab.*\n\x00é ", max_size=12)


@given(
    st.lists(_HAY_TEXT, max_size=12),
    st.text(alphabet="ab.*\né ", min_size=1, max_size=3),
    st.randoms(use_true_random=False),
    st.none() | st.integers(0, 5),
)
def test_joined_haystacks_find_a_word_in_exactly_the_rows_holding_it(
    hays: list[str], word: str, rng: Any, limit: int | None
) -> None:
    ids = list(range(len(hays)))
    rng.shuffle(ids)  # the order shown
    for joined, order in (
        (list_rows.JoinedHays(hays, range(len(hays))), range(len(hays))),
        (list_rows.JoinedHays(hays, ids), ids),
    ):
        if any("\0" in hay for hay in hays):
            assert joined.text is None  # unusable: the list searches row by row
            continue
        holding = [i for i in order if word in hays[i]]
        assert joined.rows_with(word) == sorted(holding)
        assert joined.rows_with(word, limit) == sorted(holding[:limit])


def test_the_quick_answer_follows_a_saved_title(model: EntryListModel) -> None:
    model._jobs = None  # the quick search alone, as while indexing
    model.set_query("zopa")
    assert titles(model) == ["ZOPA"]
    model.update_records([Record("zopa.md", "Zone of agreement", subject="Negotiation")])
    model.set_query("zone of")
    assert titles(model) == ["Zone of agreement"]
    model.set_query("zopa")  # the file name still holds it
    assert titles(model) == ["Zone of agreement"]


def test_new_rows_hand_the_builds_memory_back_once_the_loop_is_back(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each build or reload the list takes the rows and then the freed memory goes
    back to the OS (bench_preview.py --breakdown measures it)."""
    calls: list[bool] = []
    monkeypatch.setattr(entry_model, "release_memory", lambda: calls.append(True))
    fresh = EntryListModel()
    fresh.set_paths(FOLDER, [r.path for r in RECORDS])
    assert calls == []
    fresh.set_records(RECORDS)
    assert calls == []  # not while the caller is still taking the build's result
    qtbot.waitUntil(lambda: calls == [True])
    fresh.set_records(list(reversed(RECORDS)))  # a reload
    qtbot.waitUntil(lambda: calls == [True, True])


def test_update_records_says_only_the_changed_rows_changed_one_signal_a_run(
    qtmodeltester: Any, model: EntryListModel
) -> None:
    """A bulk batch's rows: no reset or layout change when no sort key changed, one
    ``dataChanged`` per run of adjacent rows shown, the selection and current row kept."""
    qtmodeltester.check(model)
    view = QTableView()
    view.setModel(model)
    current = model.index_of(FOLDER / "soft-power.md")
    view.selectionModel().setCurrentIndex(
        current, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows,
    )  # fmt: skip
    signals: list[tuple[str, int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, _roles=(): signals.append(
            ("dataChanged", a.row(), b.row(), a.column(), b.column())
        )
    )
    for name in ("modelAboutToBeReset", "layoutAboutToBeChanged", "rowsInserted", "rowsRemoved"):
        getattr(model, name).connect(lambda *_, n=name: signals.append((n, 0, 0, 0, 0)))
    assert titles(model) == ["anchoring", "BATNA", "broken.md", "Soft Power", "ZOPA"]
    model.update_records(
        [  # the same titles (the sort key), new statuses: rows 0, 1 and 4
            Record("zopa.md", "ZOPA", subject="Negotiation", severity="error"),
            Record("batna.md", "BATNA", subject="Negotiation", severity="warning"),
            Record("anchoring.md", "anchoring", subject="Psychology", severity="error"),
        ]
    )
    last = len(list_rows.HEADERS) - 1
    assert signals == [("dataChanged", 0, 1, 0, last), ("dataChanged", 4, 4, 0, last)]
    assert [model.index(r, STATUS).data(entry_model.StatusRole) for r in range(5)] == [
        "error", "warning", "broken", "error", "error",
    ]  # fmt: skip
    assert view.selectionModel().currentIndex().row() == current.row()
    assert [i.row() for i in view.selectionModel().selectedRows()] == [current.row()]

    model.set_query("negotiation")  # some rows hidden: the places of those shown
    signals.clear()
    model.update_records([Record("zopa.md", "ZOPA", subject="Negotiation", severity="info")])
    assert signals == [("dataChanged", 1, 1, 0, last)]  # BATNA, ZOPA shown
