"""Going through the report's findings: each one opens its entry with the field in view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

from editor.ui.fields import GrowingTextEdit
from editor.ui.report_model import R_FIELD, R_PATH

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def in_view(window: Any, widget: QWidget) -> bool:
    """True when the top line of ``widget`` (where its cursor is) shows in the form."""
    viewport = window.form.scroll_area.viewport()
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    line = widget.fontMetrics().lineSpacing()
    return widget.isVisible() and top >= 0 and top + line <= viewport.height()


def settle(qtbot: Any, window: Any) -> None:
    """Wait until every growing editor of the form has fitted its height."""
    edits = window.form.scroll_area.widget().findChildren(GrowingTextEdit)
    qtbot.waitUntil(lambda: not any(e._fit_timer.isActive() for e in edits))


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
