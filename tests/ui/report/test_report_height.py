"""The SEO report opens at a usable height, can't be squeezed to two rows, and keeps
the height it was given across a restart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from editor.ui.report.dock_height import MIN_ROWS
from editor.ui.window.main_window import MainWindow


def rows_shown(window: MainWindow) -> float:
    table = window.report.table
    return table.viewport().height() / table.verticalHeader().defaultSectionSize()


def test_report_opens_usable_and_remembers(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.check_all()
    qtbot.waitUntil(lambda: rows_shown(window) >= 8)
    # dragged nearly shut: the floor holds
    window.resizeDocks([window.report_dock], [30], Qt.Orientation.Vertical)
    qtbot.wait(10)
    assert rows_shown(window) >= MIN_ROWS - 0.5
    # a height the user chose is kept when hidden and shown again, and after a restart
    window.resizeDocks([window.report_dock], [380], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: abs(window.report_dock.height() - 380) < 20)
    window.report_dock.hide()
    window.check_all()
    qtbot.wait(20)
    assert abs(window.report_dock.height() - 380) < 20
    window.close()
    again = make_window(sample_folder)
    qtbot.waitUntil(again.report_dock.isVisible)
    qtbot.wait(20)
    assert abs(again.report_dock.height() - 380) < 30


def test_a_saved_sliver_reopens_usable(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path, qsettings: QSettings
) -> None:
    window = make_window(sample_folder)
    window.check_all()
    qtbot.waitUntil(lambda: rows_shown(window) >= 8)
    window.report.setMinimumHeight(0)  # as an older version allowed
    window.resizeDocks([window.report_dock], [40], Qt.Orientation.Vertical)
    qtbot.wait(10)
    window.close()  # saves that state
    again = make_window(sample_folder)
    qtbot.waitUntil(again.report_dock.isVisible)
    qtbot.waitUntil(lambda: rows_shown(again) >= 8)
