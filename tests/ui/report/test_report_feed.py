"""The SEO report's rows are made when it is first shown; the status bar counts without them."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from editor.content.index.records import severities_of
from editor.ui.report import report_feed, severity_tally
from editor.ui.report.findings_rows import prepare_rows, records_inputs
from editor.ui.report.severity_tally import SeverityTally

ANCHORING = "anchoring.md"
SHORT_TITLE = "Anchoring in Negotiation: How the First Offer Shapes a Deal"


def index_counts(window: Any) -> Counter[str]:
    return Counter(f.severity for f in window.index.findings())


def status_text(counts: Counter[str]) -> str:
    return f"{counts['error']} errors · {counts['warning']} warnings"


def fresh_rows(window: Any) -> list[Any]:
    """The rows the report would hold if it were made now from the index."""
    return prepare_rows(records_inputs(window.index.records)).rows


def fix_anchoring_title(folder: Path) -> None:
    path = folder / ANCHORING
    text = path.read_text(encoding="utf-8")
    long_title = "Anchoring in Negotiation: How the First Offer Shapes Each Deal That Follows"
    assert long_title in text
    path.write_text(text.replace(long_title, SHORT_TITLE), encoding="utf-8")


def test_rows_are_made_when_the_report_is_first_shown_and_counts_come_from_the_index(
    make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    assert not window.report_dock.isVisible()
    assert window.report.model.total() == 0  # nothing made while hidden
    counts = index_counts(window)
    assert counts["error"] and counts["warning"]
    assert window.status.findings_button.text() == status_text(counts)

    fix_anchoring_title(sample_folder)  # a save while the report is hidden
    window.files_changed([sample_folder / ANCHORING])
    after = index_counts(window)
    assert after != counts
    assert window.status.findings_button.text() == status_text(after)
    assert window.report.model.total() == 0

    window.acts.check_all.trigger()
    assert list(window.report.model.visible_rows()) == sorted(
        fresh_rows(window), key=lambda r: r[0]
    )
    assert window.report.model.severity_counts() == dict(after)
    assert window.status.findings_button.text() == status_text(after)


def test_rows_made_on_the_pool_take_in_the_updates_made_meanwhile(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_feed, "SYNC_BUILD_MAX", 0)
    release = threading.Event()
    made = prepare_rows

    def slow_prepare(inputs: Any) -> Any:
        rows = made(inputs)  # from the records as they were when asked
        release.wait(10)
        return rows

    monkeypatch.setattr(report_feed, "prepare_rows", slow_prepare)
    window = make_window(sample_folder)
    before = fresh_rows(window)
    window.acts.check_all.trigger()
    assert window.report.summary.text() == "Gathering findings…"
    assert not window.feed.findings.built

    fix_anchoring_title(sample_folder)  # saved and deleted while the rows are made
    (sample_folder / "zopa.md").unlink()
    window.files_changed([sample_folder / ANCHORING, sample_folder / "zopa.md"])
    release.set()
    qtbot.waitUntil(lambda: window.feed.findings.built, timeout=10_000)

    rows = list(window.report.model.visible_rows())
    assert sorted(rows) == sorted(fresh_rows(window))
    assert sorted(rows) != sorted(before)
    assert not any(r[3] == "zopa.md" for r in rows)
    assert ("title-long", ANCHORING) not in {(r[2], r[3]) for r in rows}


def test_a_new_folder_empties_the_report_and_fills_it_again_when_shown(
    qtbot: Any, make_window: Any, sample_folder: Path, tmp_path: Path
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()
    assert window.report.model.total() > 0
    window.open_folder(sample_folder)  # indexed again, the report on screen
    qtbot.waitUntil(lambda: window.index is not None and window.feed.findings.built)
    assert sorted(window.report.model.visible_rows()) == sorted(fresh_rows(window))


def test_after_an_update_the_totals_come_from_the_tally_not_a_count_of_every_record(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count over all records after each update cost 17-29 ms at 50k entries on the
    GUI thread (bench_bulk_window.py); the tally takes off and adds the changed files."""
    window = make_window(sample_folder)
    feed = window.feed.findings
    assert feed._tally is not None
    counted: list[str] = []
    real = severities_of

    def counting(record: Any) -> Any:
        counted.append(record.path)
        return real(record)

    monkeypatch.setattr(severity_tally, "severities_of", counting)
    before = index_counts(window)
    fix_anchoring_title(sample_folder)
    (sample_folder / "zopa.md").unlink()
    window.files_changed([sample_folder / ANCHORING, sample_folder / "zopa.md"])
    after = index_counts(window)
    assert after != before
    assert window.status.findings_button.text() == status_text(after)
    assert feed.severity_counts() == +after
    assert ANCHORING in counted  # the changed file, and only the few its change touched:
    assert len(set(counted)) < len(window.index.records) // 2  # no walk over every record


def test_the_tally_comes_with_the_index_made_off_the_gui_thread(
    make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made on a worker once the result was shown, the tally's ~60 ms of Python ran
    while the list first painted (each call from Qt into Python waited for the GIL): a
    50k folder's opening stood still ~100 ms. The index's job makes it instead."""
    threads: list[threading.Thread] = []
    real = SeverityTally.__init__

    def spy(self: SeverityTally, records: Any = ()) -> None:
        threads.append(threading.current_thread())
        real(self, records)

    monkeypatch.setattr(SeverityTally, "__init__", spy)
    window = make_window(sample_folder)  # returns once the index's result is in
    feed = window.feed.findings
    assert feed._tally is not None  # there with the result, no job after it
    assert threads and threading.main_thread() not in threads
    assert feed.severity_counts() == +index_counts(window)
