"""The entry list: the title column takes the spare width, long titles elide in the
middle, and the full title is the tooltip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.ui.entries.list_rows import DATE, SCHEMA, STATUS, TITLE
from editor.ui.window.main_window import MainWindow


def test_titles_get_the_room(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    view = window.entry_list.view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(TITLE) > 0)

    def others() -> int:
        return sum(header.sectionSize(c) for c in (STATUS, SCHEMA, DATE)
                   if not header.isSectionHidden(c))  # fmt: skip

    qtbot.waitUntil(lambda: header.sectionSize(TITLE) >= 0.55 * view.viewport().width())
    assert header.sectionSize(TITLE) >= view.viewport().width() - others() - 2
    # a narrow list pane still leaves the title most of the row; a wide one shows all
    window.splitter.setSizes([260, 700, 300])
    qtbot.waitUntil(lambda: header.sectionSize(TITLE) >= 0.55 * view.viewport().width())
    window.splitter.setSizes([700, 500, 100])
    # (a narrow list may already show Type where Date does not fit: wait for both)
    qtbot.waitUntil(lambda: not header.isSectionHidden(SCHEMA) and not header.isSectionHidden(DATE))
    # the stretched title takes the rest once the header's (deferred) layout has run
    qtbot.waitUntil(lambda: header.sectionSize(TITLE) >= 0.55 * view.viewport().width())
    # a column shown again comes back whole: its values are never cut ("202…-12")
    metrics = view.fontMetrics()
    for column, widest in ((SCHEMA, "glossary"), (DATE, "2024-12-31")):
        assert header.sectionSize(column) >= metrics.horizontalAdvance(widest) + 8
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_the_full_title_is_the_tooltip(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    model = window.entry_list.model
    titles = []
    for row in range(model.rowCount()):
        index = model.index(row, TITLE)
        shown = model.data(index, Qt.ItemDataRole.DisplayRole)
        tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert tip.splitlines()[0] == shown
        titles.append(shown)
    assert any(t.startswith("How does") for t in titles)
