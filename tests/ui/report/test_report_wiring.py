"""The SEO report dock in the window: fed by the index, opens entries, follows saves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from editor.ui.report.findings_rows import R_FIELD, R_PATH, R_RULE, RULE
from editor.ui.settings import SettingsStore

ANCHORING = "anchoring.md"
SHORT_TITLE = "Anchoring in Negotiation: How the First Offer Shapes a Deal"


def report_rows(window: Any) -> list[tuple[str, str, str]]:
    """(rule, path, field) of every finding the report holds."""
    return [(r[R_RULE], r[R_PATH], r[R_FIELD]) for r in window.report.model.visible_rows()]


def shown_row_of(window: Any, rule: str, path: str) -> int:
    model = window.report.model
    for row in range(model.rowCount()):
        found = model.row_at(row)
        if found is not None and (found[R_RULE], found[R_PATH]) == (rule, path):
            return row
    raise AssertionError(f"{rule} on {path} is not shown")


def test_report_lists_the_findings_after_indexing(make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()  # the rows are made when the report is first shown
    rows = report_rows(window)
    assert ("title-long", ANCHORING, "seo.title") in rows
    assert ("faq-incomplete", "soft-power.md", "faq.1.answer") in rows
    assert ("description-missing", "coercive-diplomacy.md", "seo.page_description") in rows
    counts = window.report.model.severity_counts()
    assert counts["error"] >= 2 and counts["warning"] >= 1
    assert window.status.findings_button.isVisible()
    text = window.status.findings_button.text()
    assert text == f"{counts['error']} errors · {counts['warning']} warnings"


def test_check_all_shows_the_dock_and_the_view_menu_toggles_it(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    assert not window.report_dock.isVisible()  # first start: hidden until asked for
    window.acts.check_all.trigger()
    assert window.report_dock.isVisible()
    assert window.acts.toggle_report.isChecked()
    assert window.acts.toggle_report.shortcut() == QKeySequence("Ctrl+Shift+R")
    window.acts.toggle_report.trigger()
    assert not window.report_dock.isVisible()
    window.status.findings_button.click()
    assert window.report_dock.isVisible()


def test_dock_visibility_is_remembered(
    make_window: Any, sample_folder: Path, qsettings: QSettings
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()
    assert window.close()
    again = make_window(None)
    assert again.report_dock.isVisible()
    assert SettingsStore(qsettings).qsettings.contains("window/state")


def test_double_click_opens_the_entry_at_the_field(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()
    table = window.report.table
    row = shown_row_of(window, "title-long", ANCHORING)
    table.scrollTo(window.report.model.index(row, RULE))
    rect = table.visualRect(window.report.model.index(row, RULE))
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(table.viewport(), left, none, rect.center())  # a real one starts so
    QTest.mouseDClick(table.viewport(), left, none, rect.center())

    assert window.current_path() == sample_folder / ANCHORING
    assert window.entry_list.current_path() == sample_folder / ANCHORING
    title_editor = window.form.editor("seo.title").focus_widget()
    assert QApplication.focusWidget() is title_editor


def test_saving_a_fix_removes_its_finding_without_a_reindex(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()  # the rows are made when the report is first shown
    index = window.index
    starts: list[Any] = []
    monkeypatch.setattr(window.feed.worker, "start", lambda *a, **k: starts.append(a))
    before = len(report_rows(window))
    window.report.open_requested.emit(ANCHORING, "seo.title")
    editor = window.form.editor("seo.title").focus_widget()
    assert QApplication.focusWidget() is editor
    assert isinstance(editor, QLineEdit | QPlainTextEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, SHORT_TITLE)
    assert window.session.is_dirty(sample_folder / ANCHORING)
    assert ("title-long", ANCHORING, "seo.title") in report_rows(window)  # until saved

    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert not window.session.is_dirty(sample_folder / ANCHORING)
    assert SHORT_TITLE in (sample_folder / ANCHORING).read_text(encoding="utf-8")
    assert ("title-long", ANCHORING, "seo.title") not in report_rows(window)
    assert len(report_rows(window)) == before - 1
    assert starts == [] and window.index is index  # updated in place, not rebuilt
    assert window.status.findings_button.text().endswith(
        f"{window.report.model.severity_counts()['warning']} warnings"
    )
