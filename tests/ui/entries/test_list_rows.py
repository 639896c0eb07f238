"""The entry list's rows, sort and quick search, without Qt (``entries/list_rows.py``)."""

from __future__ import annotations

from helpers.list_records import Record
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.ui.entries.list_rows import (
    DATE,
    STATUS,
    TITLE,
    JoinedHays,
    prepare_list,
    quick_matches,
    sort_rows,
)

WORDS = st.sampled_from(["soft", "power", "batna", "zopa", "so", "ft", "ower", "a"])
HAYS = st.lists(st.lists(WORDS, max_size=4).map(" ".join), max_size=12)


@settings(max_examples=60, deadline=None)
@given(HAYS, st.lists(WORDS, min_size=1, max_size=3).map(" ".join), st.booleans())
def test_quick_matches_are_the_rows_holding_every_word(
    hays: list[str], query: str, narrowed: bool
) -> None:
    expected = [i for i, hay in enumerate(hays) if all(w in hay for w in query.split())]
    ids = list(range(len(hays)))
    joined = JoinedHays(hays, ids)
    # A previous whole answer for a shorter query narrows the search without changing it.
    last = (
        query.split(maxsplit=1)[0],
        [i for i, h in enumerate(hays) if query.split(maxsplit=1)[0] in h],
    )
    found, whole = quick_matches(
        query, ids, hays, lambda: joined, last if narrowed else ("", []), limit=None
    )
    assert sorted(found) == expected
    assert whole


def test_a_limited_quick_search_says_when_it_was_cut_short() -> None:
    hays = [f"word {i}" for i in range(10)]
    ids = list(range(10))
    joined = JoinedHays(hays, ids)
    found, whole = quick_matches("word", ids, hays, lambda: joined, ("", []), limit=3)
    assert (found, whole) == ([0, 1, 2], False)


def test_rows_sort_by_each_column_with_ties_by_title() -> None:
    records = [
        Record("b.md", "Beta", date="2024-01-02", severity="warning"),
        Record("a.md", "alpha", date="2024-01-02"),
        Record("c.md", "Gamma", date="2023-05-01", severity="error"),
        Record("d.md", "", error="bad yaml"),
    ]
    rows = prepare_list(records).rows
    titles = [r.shown_title for r in rows]
    by_title = sort_rows(rows, TITLE, False)
    assert [titles[i] for i in by_title.ids] == ["alpha", "Beta", "d.md", "Gamma"]
    assert [by_title.rank[i] for i in by_title.ids] == [0, 1, 2, 3]
    assert [titles[i] for i in sort_rows(rows, STATUS, False).ids] == [
        "d.md", "Gamma", "Beta", "alpha"
    ]  # fmt: skip
    assert [titles[i] for i in sort_rows(rows, DATE, True).ids] == [
        "Beta", "alpha", "Gamma", "d.md"
    ]  # fmt: skip
