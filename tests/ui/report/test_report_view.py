"""The SEO report: model checks, filters, sorting, per-entry updates, open and export."""

from __future__ import annotations

import csv
import os
import random
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from editor.content.seo import Finding
from editor.ui.report import report_view
from editor.ui.report.findings_rows import (
    CSV_HEADER,
    ENTRY,
    MESSAGE,
    RULE,
    SEVERITY,
    RowInput,
    prepare_rows,
)
from editor.ui.report.report_model import FindingsModel
from editor.ui.report.report_view import (
    EMPTY_FILTERED,
    EMPTY_INDEXING,
    EMPTY_PASSES,
    SeoReportView,
)


def _finding(rule: str, severity: str, path: str, field: str, message: str) -> Finding:
    return Finding(rule, severity, path, field, message)


def _corpus() -> list[RowInput]:
    """Five entries, eight findings: 2 errors, 3 warnings, 3 info."""
    rows: list[RowInput] = []

    def add(
        path: str, title: str, subject: str, schema: str, *found: tuple[str, str, str, str]
    ) -> None:
        for rule, severity, field, message in found:
            rows.append((_finding(rule, severity, path, field, message), title, subject, schema))

    add(
        "anchoring.md",
        "Anchoring",
        "Negotiation",
        "glossary",
        ("title-short", "info", "seo.title", "The SEO title is short"),
        ("keywords-missing", "warning", "seo.page_keywords", "List a few keywords"),
    )
    add(
        "batna.md",
        "BATNA",
        "Negotiation",
        "glossary",
        ("title-missing", "error", "seo.title", "Write an SEO title"),
        ("description-short", "info", "seo.page_description", "Expand the description"),
    )
    add(
        "qa/how-does.md",
        "How does a BATNA work?",
        "negotiation",
        "default",
        ("title-long", "warning", "seo.title", "Shorten the title"),
    )
    add(
        "soft-power.md",
        "",
        "Diplomacy",
        "glossary",
        ("faq-incomplete", "error", "faq.1.answer", "Write the answer or remove the item"),
        ("related-broken", "warning", "related.0", "Fix the link to /glossary/nowhere"),
    )
    add(
        "zopa.md",
        "ZOPA",
        "Negotiation",
        "glossary",
        ("title-short", "info", "seo.title", "The SEO title is short"),
    )
    return rows


@pytest.fixture
def view(qtbot: QtBot) -> SeoReportView:
    widget = SeoReportView()
    qtbot.addWidget(widget)
    widget.set_rows(_corpus())
    widget.resize(1000, 500)
    return widget


def _column(view: SeoReportView, column: int) -> list[str]:
    model = view.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _choose(combo_items: list[str], prefix: str) -> int:
    return next(n for n, text in enumerate(combo_items) if text.startswith(prefix))


def _items(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(n) for n in range(combo.count())]


def test_model_passes_the_model_tester(qapp: QApplication, qtmodeltester: ModelTester) -> None:
    model = FindingsModel()
    model.set_rows(_corpus())
    qtmodeltester.check(model)
    # The tester stays attached: these changes are checked too.
    model.sort(ENTRY, Qt.SortOrder.DescendingOrder)
    model.replace_for_path("batna.md", [])
    model.set_rows([])
    model.set_rows(_corpus())


def test_filtering_passes_the_model_tester(qapp: QApplication, qtmodeltester: ModelTester) -> None:
    model = FindingsModel()
    model.set_rows(_corpus())
    qtmodeltester.check(model)
    model.set_min_severity("warning")
    model.sort(RULE, Qt.SortOrder.AscendingOrder)
    model.set_text("title")
    new = _finding("h1-missing", "error", "zopa.md", "title", "Write the term")
    model.replace_for_path("zopa.md", [(new, "ZOPA", "Negotiation", "glossary")])
    model.set_text("")
    assert model.rowCount() == 6  # 8 findings, 2 info hidden, zopa's info replaced by an error


def test_summary_and_columns(view: SeoReportView) -> None:
    assert view.summary.text() == ("8 findings in 5 entries · 2 errors · 3 warnings · 3 info")
    assert view.stack.currentWidget() is view.table
    entries = set(_column(view, ENTRY))
    assert "soft-power.md" in entries  # no title: the file name
    assert "How does a BATNA work?" in entries
    assert "title-short (2)" in _items(view.rule_combo)
    assert _items(view.subject_combo) == ["All subjects", "Diplomacy", "Negotiation"]


def test_sorting_by_severity_puts_errors_first(view: SeoReportView) -> None:
    view.table.sortByColumn(MESSAGE, Qt.SortOrder.AscendingOrder)
    assert _column(view, MESSAGE) == sorted(_column(view, MESSAGE), key=str.casefold)
    view.table.sortByColumn(SEVERITY, Qt.SortOrder.AscendingOrder)
    assert _column(view, SEVERITY) == ["Error"] * 2 + ["Warning"] * 3 + ["Info"] * 3
    view.table.sortByColumn(SEVERITY, Qt.SortOrder.DescendingOrder)
    assert _column(view, SEVERITY)[0] == "Info"
    assert _column(view, SEVERITY)[-1] == "Error"


def test_filters_narrow_the_rows(view: SeoReportView, qtbot: QtBot) -> None:
    view.severity_combo.setCurrentIndex(_choose(_items(view.severity_combo), "Errors only"))
    assert _column(view, SEVERITY) == ["Error", "Error"]
    assert view.summary.text().startswith("2 of 8 findings in 2 entries")

    view.severity_combo.setCurrentIndex(0)
    view.rule_combo.setCurrentIndex(_choose(_items(view.rule_combo), "title-short"))
    assert _column(view, RULE) == ["title-short", "title-short"]
    assert set(_column(view, ENTRY)) == {"Anchoring", "ZOPA"}

    view.rule_combo.setCurrentIndex(0)
    qtbot.keyClicks(view.search, "batna title")
    assert _column(view, MESSAGE) == ["Write an SEO title", "Shorten the title"]

    view.search.clear()
    view.subject_combo.setCurrentIndex(_items(view.subject_combo).index("Negotiation"))
    assert view.model.rowCount() == 6  # "negotiation" of the Q&A entry counts too
    view.schema_combo.setCurrentIndex(_items(view.schema_combo).index("default"))
    assert _column(view, ENTRY) == ["How does a BATNA work?"]

    view.search.setText("no such words")
    assert view.stack.currentWidget() is view.empty
    assert view.empty.text() == EMPTY_FILTERED
    assert not view.export_button.isEnabled()


def test_replace_for_path_updates_only_that_entry(view: SeoReportView, qtbot: QtBot) -> None:
    model = view.model
    before = [r for r in model.visible_rows() if r[3] != "batna.md"]
    fixed = _finding("description-short", "info", "batna.md", "seo.page_description", "Expand it")
    with (
        qtbot.waitSignal(model.rowsRemoved) as removed,
        qtbot.waitSignal(model.rowsInserted),
    ):
        model.replace_for_path("batna.md", [(fixed, "BATNA", "Negotiation", "glossary")])
    assert removed.args is not None
    assert [r for r in model.visible_rows() if r[3] != "batna.md"] == before
    assert [r[6] for r in model.visible_rows() if r[3] == "batna.md"] == ["Expand it"]
    assert view.summary.text() == "7 findings in 5 entries · 1 error · 3 warnings · 3 info"
    assert "title-missing (1)" not in _items(view.rule_combo)
    assert "description-short (1)" in _items(view.rule_combo)
    # Errors still first, the new info row among the info rows.
    assert _column(view, SEVERITY) == ["Error"] + ["Warning"] * 3 + ["Info"] * 3

    model.replace_for_path("batna.md", [])
    assert model.entry_count() == 4
    assert view.summary.text() == "6 findings in 4 entries · 1 error · 3 warnings · 2 info"


def test_replace_keeps_the_selection_and_the_filter(view: SeoReportView) -> None:
    view.model.set_min_severity("warning")
    view.table.selectRow(_column(view, ENTRY).index("BATNA"))
    new = _finding("title-long", "warning", "zopa.md", "seo.title", "Shorten it")
    view.replace_for_path("zopa.md", [(new, "ZOPA", "Negotiation", "glossary")])
    assert view.model.rowCount() == 6
    selected = view.table.selectionModel().selectedRows()
    assert [view.model.row_at(i.row())[3] for i in selected] == ["batna.md"]  # type: ignore[index]


def test_double_click_emits_open_requested(view: SeoReportView, qtbot: QtBot) -> None:
    view.show()
    qtbot.waitExposed(view)
    row = _column(view, MESSAGE).index("Write the answer or remove the item")
    rect = view.table.visualRect(view.model.index(row, MESSAGE))
    viewport, left, none = (
        view.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # A real double-click starts with a press: the view opens only the row pressed.
    QTest.mouseClick(viewport, left, none, rect.center())
    with qtbot.waitSignal(view.open_requested) as blocker:
        QTest.mouseDClick(viewport, left, none, rect.center())
    assert blocker.args == ["soft-power.md", "faq.1.answer"]


def test_enter_emits_open_requested(view: SeoReportView, qtbot: QtBot) -> None:
    row = _column(view, MESSAGE).index("Shorten the title")
    view.table.setCurrentIndex(view.model.index(row, 0))
    with qtbot.waitSignal(view.open_requested) as blocker:
        QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == ["qa/how-does.md", "seo.title"]


def test_export_csv_writes_the_visible_rows(
    view: SeoReportView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report"
    monkeypatch.setattr(view, "_ask_export_path", lambda: str(target))
    view.model.set_min_severity("warning")
    written = view.export_csv()
    assert written == target.with_suffix(".csv")
    with written.open(encoding="utf-8", newline="") as stream:
        lines = list(csv.reader(stream))
    assert tuple(lines[0]) == CSV_HEADER
    assert len(lines) == 1 + 5
    assert [line[0] for line in lines[1:]] == ["error"] * 2 + ["warning"] * 3
    assert lines[1][3] in {"batna.md", "soft-power.md"}


def test_export_cancelled_writes_nothing(
    view: SeoReportView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "_ask_export_path", lambda: "")
    assert view.export_csv() is None


def test_empty_states(qtbot: QtBot) -> None:
    widget = SeoReportView()
    qtbot.addWidget(widget)
    assert widget.stack.currentWidget() is widget.empty
    assert widget.empty.text() == EMPTY_INDEXING
    widget.set_rows([], complete=False)
    assert widget.empty.text() == EMPTY_INDEXING
    widget.set_indexing(False)
    assert widget.empty.text() == EMPTY_PASSES
    assert widget.summary.text() == "No findings"


def test_severity_colours_follow_the_palette(view: SeoReportView) -> None:
    index = view.model.index(0, SEVERITY)
    assert index.data() == "Error"
    light = QColor(index.data(Qt.ItemDataRole.ForegroundRole))
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    view.setPalette(dark)
    on_dark = QColor(view.model.index(0, SEVERITY).data(Qt.ItemDataRole.ForegroundRole))
    assert on_dark.lightness() > light.lightness()
    assert on_dark.red() > on_dark.blue()  # still red


def test_records_and_sync(qtbot: QtBot) -> None:
    class Record:
        def __init__(self, path: str, title: str, findings: list[Finding]) -> None:
            self.path, self.title, self.subject, self.schema = path, title, "S", "glossary"
            self.findings = tuple(findings)

    a = Record(
        "a.md", "A", [_finding("title-duplicate", "warning", "a.md", "seo.title", "Same as b.md")]
    )
    b = Record(
        "b.md", "B", [_finding("title-duplicate", "warning", "b.md", "seo.title", "Same as a.md")]
    )
    widget = SeoReportView()
    qtbot.addWidget(widget)
    widget.set_records([a, b])
    assert widget.model.total() == 2
    b.findings = ()
    a.findings = ()
    assert widget.sync_records([a, b]) == ["a.md", "b.md"]
    assert widget.empty.text() == EMPTY_PASSES
    assert widget.model.rowCount() == 0
    assert widget.model.row_at(0) is None


@pytest.mark.parametrize("column", [SEVERITY, RULE, ENTRY, MESSAGE])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_incremental_updates_match_a_full_recompute(
    qapp: QApplication, column: int, order: Qt.SortOrder
) -> None:
    """Rows inserted one by one land where a full sort and filter would put them."""
    rng = random.Random(column * 2 + int(order == Qt.SortOrder.DescendingOrder))
    rules = [("title-long", "warning"), ("title-missing", "error"), ("title-short", "info")]
    paths = [f"e{n}.md" for n in range(12)]

    def findings(path: str) -> list[RowInput]:
        picked = rng.sample(rules, rng.randint(0, 3))
        return [
            (_finding(rule, sev, path, "seo.title", f"{rng.choice('AbCd')} msg"), path, "S", "g")
            for rule, sev in picked
        ]

    model = FindingsModel()
    model.set_rows([row for path in paths for row in findings(path)])
    model.sort(column, order)
    model.set_min_severity("warning")
    model.set_text("msg")
    for _ in range(30):
        path = rng.choice(paths)
        model.replace_for_path(path, findings(path))
        shown = list(model.visible_rows())
        model.sort(column, order)  # recomputes from scratch
        assert list(model.visible_rows()) == shown
    assert all(row[1] in {"error", "warning"} for row in shown)


@pytest.mark.parametrize("column", [SEVERITY, ENTRY])
def test_rows_prepared_off_thread_show_like_set_rows(qapp: QApplication, column: int) -> None:
    """The window prepares the report's rows on the index thread; the model must show
    exactly what building them itself would, in any sort order."""
    reference, prepared = FindingsModel(), FindingsModel()
    for model in (reference, prepared):
        model.sort(column, Qt.SortOrder.AscendingOrder)
    reference.set_rows(_corpus())
    prepared.set_prepared(prepare_rows(_corpus()))
    assert list(prepared.visible_rows()) == list(reference.visible_rows())
    assert prepared.rule_counts() == reference.rule_counts()
    assert prepared.visible_summary() == reference.visible_summary()


def test_prepared_ids_per_entry_are_compact_and_replaceable(qapp: QApplication) -> None:
    """Each entry's row ids are a range when its rows are adjacent (no int per row), a
    list when an entry's findings come apart; replacing either kind works the same."""
    inputs = _corpus()
    split = inputs[1]  # anchoring.md's second finding, moved after the others
    inputs = [inputs[0], *inputs[2:], split]
    prepared = prepare_rows(inputs)
    anchoring = prepared.by_path["anchoring.md"]
    assert list(anchoring) == [0, len(inputs) - 1]
    assert all(
        isinstance(ids, range) for path, ids in prepared.by_path.items() if path != "anchoring.md"
    )
    assert sorted(i for ids in prepared.by_path.values() for i in ids) == list(range(len(inputs)))
    model = FindingsModel()
    model.set_prepared(prepared)
    total = model.total()
    replaced = [(_finding("title-long", "error", "anchoring.md", "seo.title", "Long"),
                 "Anchoring", "Negotiation", "glossary")]  # fmt: skip
    model.replace_for_path("anchoring.md", replaced)
    model.replace_for_path("batna.md", [])
    rows = list(model.visible_rows())
    assert [r[3] for r in rows].count("anchoring.md") == 1
    assert "batna.md" not in {r[3] for r in rows}
    assert model.total() == total - 1 - sum(1 for f, *_ in _corpus() if f.path == "batna.md")
    reference = FindingsModel()
    reference.set_rows([i for i in inputs if i[0].path not in {"anchoring.md", "batna.md"}]
                       + replaced)  # fmt: skip
    assert sorted(rows) == sorted(reference.visible_rows())


def test_a_big_report_filters_once_typing_pauses(
    view: SeoReportView, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_view, "SEARCH_DELAY_ROWS", 1)  # the 8 findings count as big
    qtbot.keyClicks(view.search, "batna title")
    assert view.model.rowCount() == 8  # not yet: each key only restarted the timer
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert _column(view, MESSAGE) == ["Write an SEO title", "Shorten the title"]
    view.search.clear()  # clearing shows everything at once
    assert view.model.rowCount() == 8
    qtbot.keyClicks(view.search, "zopa")
    QTest.keyClick(view.search, Qt.Key.Key_Return)  # and Enter filters at once
    assert set(_column(view, ENTRY)) == {"ZOPA"}


def test_typing_on_narrows_like_a_fresh_filter(qapp: QApplication) -> None:
    """Each longer query filters the rows shown; the answer is the full recompute's,
    and the filtered summary counts what a pass over the rows would."""
    rng = random.Random(7)
    words = ["batna", "title", "zopa", "short", "negotiation"]
    model = FindingsModel()
    model.set_rows(_corpus())
    for n in range(40):
        typed = " ".join(rng.sample(words, 2))
        # typing on, then backspacing (a wider query may never start from the rows shown)
        for end in [*range(1, len(typed) + 1), *range(len(typed) - 1, -1, -1)]:
            query = typed[:end]
            model.set_text(query)
            if query.strip():
                shown = list(model.visible_rows())
                model.sort(SEVERITY, Qt.SortOrder.AscendingOrder)  # recomputes from scratch
                assert list(model.visible_rows()) == shown, query
                summary = model.visible_summary()
                assert summary.findings == len(shown)
                assert summary.entries == len({row[3] for row in shown})
                assert summary.errors == sum(row[1] == "error" for row in shown)
                assert summary.infos == sum(row[1] == "info" for row in shown)
        # a save: an entry's findings change, or a new entry's come
        path = "zopa.md" if n % 2 else f"new{n}.md"
        fixed = _finding("title-long", "warning", path, "seo.title", "Shorten the title")
        model.replace_for_path(path, [(fixed, "ZOPA", "Negotiation", "glossary")])


def test_export_right_after_typing_writes_what_the_search_asks_for(
    view: SeoReportView, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_view, "SEARCH_DELAY_ROWS", 1)
    target = tmp_path / "report.csv"
    monkeypatch.setattr(view, "_ask_export_path", lambda: str(target))
    qtbot.keyClicks(view.search, "zopa")  # still waiting for a pause in typing
    view.export_csv()
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    assert rows and {row[3] for row in rows} == {"zopa.md"}


def test_export_csv_never_replaces_a_fifo_or_follows_a_link_away(
    view: SeoReportView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialog_script: Any
) -> None:
    """The export goes through the atomic writer: a FIFO at the chosen name is refused
    (not blocked on, not replaced) and a symlink is written through to its target."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    dialog_script.expect("error")
    monkeypatch.setattr(view, "_ask_export_path", lambda: str(fifo))
    assert view.export_csv() is None
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    title, message = dialog_script.called("error")[0]
    assert title == "Export failed" and "FIFO" in message

    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    monkeypatch.setattr(view, "_ask_export_path", lambda: str(link))
    assert view.export_csv() == link
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith(",".join(CSV_HEADER))
