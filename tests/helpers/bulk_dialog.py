"""Driving the Find and Replace dialog in the window: shared by the bulk tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from editor.ui.bulk.install import REPLACE_SHORTCUT


def _open_dialog(qtbot: Any, window: Any) -> Any:
    window.activateWindow()
    assert window.bulk.replace.shortcut() == QKeySequence(REPLACE_SHORTCUT)
    window.bulk.replace.trigger()
    dialog = window.bulk.replace_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _click_check(qtbot: Any, view: Any, index: Any) -> None:
    """Click the checkbox of ``index`` in ``view``, where the style draws it."""
    view.scrollTo(index)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.features = QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def _preview(qtbot: Any, dialog: Any, find: str, replace: str) -> None:
    dialog.find_edit.setText(find)
    dialog.replace_edit.setText(replace)
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.apply_button.isEnabled() or "No matches" in dialog.summary.text()
    )


def _apply(qtbot: Any, dialog: Any) -> None:
    """Click Apply and wait for the batch, planned and written on the pool, and for the
    window to show it (the index reads its files on the pool; edits wait till then)."""
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.isEnabled()
    qtbot.waitUntil(lambda: not dialog.history.busy)


def _undo(qtbot: Any, window: Any) -> None:
    """Edit › Undo of the last batch, and wait for it: its files are put back on the pool.
    The action waits until the batch before it is written and shown."""
    qtbot.waitUntil(window.bulk.undo.isEnabled)
    with qtbot.waitSignal(window.bulk.undo_ended, timeout=10_000):
        window.bulk.undo.trigger()


def _click_and_wait(qtbot: Any, button: Any, signal: Any) -> None:
    """Click ``button`` of a bulk dialog and wait for ``signal`` (its work is on the pool)
    and for the window to show what it wrote."""
    with qtbot.waitSignal(signal, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.window()
    qtbot.waitUntil(lambda: not dialog.history.busy)
