"""Going through the report's findings: each one opens its entry with the field in view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from editor.ui.bulk.fix_report import ReportWalker
from editor.ui.form.fields import GrowingTextEdit
from editor.ui.report.findings_rows import R_FIELD, R_PATH, R_RULE

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def in_view(window: Any, widget: QWidget) -> bool:
    """True when the top of ``widget`` (where its cursor is) shows in the form (Qt keeps
    the cursor's centre in view, which at the end of a short viewport may leave only the
    upper part of the line showing)."""
    viewport = window.form.scroll_area.viewport()
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    return widget.isVisible() and 0 <= top < viewport.height()


def settle(qtbot: Any, window: Any) -> None:
    """Wait until every growing editor of the form has fitted its height and the form
    has scrolled after them."""
    edits = window.form.scroll_area.widget().findChildren(GrowingTextEdit)

    def settled() -> bool:
        fitting = any(e._fit_timer.isActive() for e in edits)
        return not fitting and not window.form.keep_in_view.pending

    qtbot.waitUntil(settled)
    QApplication.processEvents()  # and once more, in case the last scroll set a fit going
    qtbot.waitUntil(settled)


def test_every_finding_opens_with_its_field_in_view_after_the_form_settles(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.resize(1000, 700)
    window.acts.check_all.trigger()  # the dock takes its share of the height
    out_of_view = []
    for row in window.report.model.visible_rows():
        window.report.open_requested.emit(row[R_PATH], row[R_FIELD])
        settle(qtbot, window)
        focused = QApplication.focusWidget()
        if focused is None or not in_view(window, focused):
            out_of_view.append((row[R_PATH], row[R_FIELD]))
    assert out_of_view == []


def current_rule(window: Any) -> tuple[str, str, str]:
    report = window.report
    row = report.model.row_at(report.table.currentIndex().row())
    assert row is not None
    return row[R_RULE], row[R_PATH], row[R_FIELD]


def test_f8_and_shift_f8_walk_the_report_opening_each_field(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()
    rows = [(r[R_RULE], r[R_PATH], r[R_FIELD]) for r in window.report.model.visible_rows()]
    assert len(rows) >= 3
    window.form.setFocus()
    for expected in rows[:3]:
        qtbot.keyClick(window, Qt.Key.Key_F8)
        assert current_rule(window) == expected
        _rule, rel, field = expected
        assert window.current_path() == sample_folder / rel
        settle(qtbot, window)
        focused = QApplication.focusWidget()
        editor = window.form.editor(field)  # None for a part of a compound field
        assert focused is not None and window.form.isAncestorOf(focused)
        assert editor is None or focused is editor.focus_widget()
        assert in_view(window, focused)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert current_rule(window) == rows[1]
    assert window.current_path() == sample_folder / rows[1][1]


def walk_to(qtbot: Any, window: Any, rule: str) -> tuple[str, str]:
    """Press F8 until the report's current finding is ``rule``; its (path, field)."""
    for _ in range(window.report.model.rowCount()):
        window.walker_for_tests.next()
        found_rule, rel, field = current_rule(window)
        if found_rule == rule:
            return rel, field
    raise AssertionError(f"no {rule} finding")


@pytest.fixture
def walked(make_window: Any, sample_folder: Path) -> Any:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()  # the report's rows are made when it is first shown
    window.walker_for_tests = window.findChild(ReportWalker)
    return window


def test_f8_before_the_report_was_shown_shows_it_and_opens_its_first_finding(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    assert not window.report_dock.isVisible() and window.report.model.rowCount() == 0
    window.form.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.report_dock.isVisible()
    first = window.report.model.row_at(0)
    assert first is not None
    assert current_rule(window) == (first[R_RULE], first[R_PATH], first[R_FIELD])
    assert window.current_path() == sample_folder / first[R_PATH]


def test_a_derived_description_is_offered_and_applied_only_when_accepted(
    qtbot: Any, walked: Any, sample_folder: Path
) -> None:
    window = walked
    rel, field = walk_to(qtbot, window, "description-missing")
    before = (sample_folder / rel).read_bytes()
    bar = window.walker_for_tests.bar
    assert bar.isVisible()
    suggestion = bar.suggestion
    assert suggestion is not None and suggestion.field == field
    editor = window.form.editor(field)
    assert editor.value() in ("", None)  # offered, not applied
    assert not window.session.is_dirty(sample_folder / rel)

    qtbot.mouseClick(bar.use_button, Qt.MouseButton.LeftButton)

    assert editor.value() == suggestion.value
    assert window.session.is_dirty(sample_folder / rel)
    assert (sample_folder / rel).read_bytes() == before  # an edit, not a save
    assert not bar.isVisible()


def test_keywords_offer_is_dismissed_when_another_entry_opens(
    qtbot: Any, walked: Any, sample_folder: Path
) -> None:
    window = walked
    window.report.open_requested.emit("anchoring.md", "seo.page_keywords")  # no rule row
    assert not window.walker_for_tests.bar.isVisible()
    walk_to(qtbot, window, "description-missing")
    assert window.walker_for_tests.bar.isVisible()
    window.open_entry(sample_folder / "anchoring.md")
    assert not window.walker_for_tests.bar.isVisible()
