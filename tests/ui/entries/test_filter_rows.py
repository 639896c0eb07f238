"""The rows the entry list shows while typing, checked against a plain scan.

The model filters and places rows in bulk by several routes (all rows, a narrowed pool,
few matches sorted by place, many matches picked through a mask); whichever it takes,
the list must show what a plain scan of every row, sorted, would show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from editor.ui.entries.entry_list import EntryList
from editor.ui.entries.entry_model import EntryListModel
from editor.ui.entries.list_rows import DATE, STATUS, STATUS_RANK, TITLE

FOLDER = Path("/content")
WORDS = ["alpha", "alpine", "beta", "bet", "gamma", "delta", "del", "zeta", "kappa", "lambda"]
SUBJECTS = ["Negotiation", "Diplomacy", "Psychology"]


@dataclass
class Record:
    """The attributes of an index record the list reads."""

    path: str
    title: str
    subject: str
    date: str
    severity: str
    schema: str = "glossary"
    error: None = None


def make_records(count: int) -> list[Record]:
    rng = random.Random(7)
    return [
        Record(
            path=f"part-{i % 3}/entry-{i:03}.md",
            title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i:03}",
            subject=rng.choice(SUBJECTS),
            date=f"2024-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}",
            severity=rng.choice(["", "info", "warning", "error"]),
        )
        for i in range(count)
    ]


def expected_paths(records: list[Record], query: str, column: int, descending: bool) -> list[Path]:
    """Every record holding every word of ``query``, sorted by ``column`` then title."""
    words = query.lower().split()
    matching = [
        r for r in records if all(w in f"{r.title}\n{r.subject}\n{r.path}".lower() for w in words)
    ]

    def key(r: Record) -> Any:
        title = r.title.casefold()
        if column == STATUS:
            return (STATUS_RANK[r.severity or "ok"], title)
        if column == DATE:
            return (r.date, title)
        return title

    return [FOLDER / r.path for r in sorted(matching, key=key, reverse=descending)]


def shown_paths(entries: EntryList) -> list[Path | None]:
    model = entries.model
    return [model.path_at(model.index(r, 0)) for r in range(model.rowCount())]


@pytest.fixture
def records() -> list[Record]:
    return make_records(240)


@pytest.fixture
def entries(qtbot: Any, records: list[Record]) -> EntryList:
    model = EntryListModel()
    model.set_paths(FOLDER, [r.path for r in records])
    model.set_records(records)
    entries = EntryList(model)
    qtbot.addWidget(entries)
    entries.show()
    return entries


@pytest.mark.parametrize(
    ("column", "descending"), [(TITLE, False), (DATE, True), (STATUS, False), (TITLE, True)]
)
def test_typing_shows_what_a_plain_scan_shows(
    qtbot: Any, entries: EntryList, records: list[Record], column: int, descending: bool
) -> None:
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    entries.view.sortByColumn(column, order)
    layouts: list[int] = []
    entries.model.layoutChanged.connect(lambda *_: layouts.append(1))
    sizes: list[int] = []
    shown = shown_paths(entries)
    # "m" and "md" match every row (".md"); the rest narrow, widen and jump about.
    for text in ["md alpha", "\b" * 8 + "del", "\b\belta 0", "\b" * 7 + "zeta bet"]:
        for char in text:
            before = shown
            del layouts[:]
            if char == "\b":
                qtbot.keyClick(entries.search, Qt.Key.Key_Backspace)
            else:
                qtbot.keyClicks(entries.search, char)
            query = entries.search.text()
            shown = shown_paths(entries)
            assert shown == expected_paths(records, query, column, descending), query
            # One layout change when the rows change, none when they stay.
            assert len(layouts) == (shown != before), query
            sizes.append(len(shown))
    # Both ways of placing a partial result ran: few (sorted) and many (masked).
    total = len(records)
    assert any(0 < n * 4 < total for n in sizes)
    assert any(total <= n * 4 and n < total for n in sizes)
    assert total in sizes


def test_the_open_entry_keeps_its_row_through_typing(
    qtbot: Any, entries: EntryList, records: list[Record]
) -> None:
    target = next(r for r in records if "alpha" in r.title.lower() and r.subject == "Diplomacy")
    path = FOLDER / target.path
    assert entries.select(path)
    for query, visible in [("a", True), ("alpha", True), ("diplomacy alpha", True), ("zz", False)]:
        entries.search.setText(query)
        current = entries.view.currentIndex()
        if visible:
            assert entries.model.path_at(current) == path, query
            assert entries.view.selectionModel().isRowSelected(current.row())
        else:
            assert not current.isValid() and entries.visible_count() == 0
        assert entries.current_path() == path  # the form keeps showing it
    # Dirty marker of a hidden row: nothing to repaint; of a shown one: its row.
    changed: list[int] = []
    entries.model.dataChanged.connect(lambda first, *_: changed.append(first.row()))
    entries.model.set_dirty(path, True)
    assert changed == []
    entries.search.clear()  # all rows again: the open entry is current once more
    current = entries.view.currentIndex()
    assert entries.model.path_at(current) == path
    entries.model.set_dirty(path, False)
    assert changed == [current.row()]
    # Selecting an entry the query hides clears the query.
    other = FOLDER / next(r for r in records if "zeta" not in r.title.lower()).path
    entries.search.setText("zeta")
    assert entries.select(other)
    assert (
        entries.search.text() == "" and entries.model.path_at(entries.view.currentIndex()) == other
    )
