"""The pieces the dedupe made shared: one job runner, the bulk diff parts, the git layout.

Each is used by several dialogs or workers; these tests pin what they all rely on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton, QSplitter

from editor.ui.bulk.diff_parts import apply_buttons, diff_view
from editor.ui.bulk.preview_job import PreviewRunner
from editor.ui.git.views import HistoryDialog, ReviewDialog
from editor.ui.window.workers import IndexWorker, RelayRunner


class _Relay(QObject):
    done = Signal()


class _Job(QRunnable):
    """Waits until released or cancelled, then says so."""

    def __init__(self, relay: _Relay, cancel: threading.Event, release: threading.Event) -> None:
        super().__init__()
        self.relay, self.cancel, self.release = relay, cancel, release

    def run(self) -> None:
        while not (self.cancel.is_set() or self.release.wait(0.01)):
            pass
        self.relay.done.emit()


def test_starting_a_job_cancels_and_mutes_the_one_before(qtbot: Any) -> None:
    pool = QThreadPool()
    runner = RelayRunner(pool)
    release = threading.Event()
    cancels: list[threading.Event] = []

    def job(relay: _Relay) -> Callable[[threading.Event], QRunnable]:
        def make(cancel: threading.Event) -> QRunnable:
            cancels.append(cancel)
            return _Job(relay, cancel, release)

        return make

    connected: list[_Relay] = []
    first_relay = _Relay(runner)
    runner.launch(first_relay, connected.append, job(first_relay))
    second_relay = _Relay(runner)
    runner.launch(second_relay, connected.append, job(second_relay))
    # (asked now: a relay goes once its job's end has been delivered)
    assert cancels[-2].is_set()  # the first job was told to stop
    assert first_relay.signalsBlocked()  # and whatever it still says reaches nobody
    assert not second_relay.signalsBlocked()
    assert connected[-2:] == [first_relay, second_relay]  # connected before the start
    with qtbot.waitSignal(second_relay.done, timeout=5000):
        release.set()
    pool.waitForDone(5000)


def test_previews_and_indexing_run_through_the_one_runner() -> None:
    assert issubclass(PreviewRunner, RelayRunner)
    assert issubclass(IndexWorker, RelayRunner)


def test_bulk_diff_view_and_buttons(qtbot: Any) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    view = diff_view("someDiff")
    qtbot.addWidget(view)
    assert view.isReadOnly()
    assert view.objectName() == "someDiff"
    assert view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert view.font().family() == fixed.family()
    buttons, apply = apply_buttons(dialog, "&Apply")
    assert apply.text() == "&Apply"
    assert not apply.isEnabled()  # nothing to apply before a preview
    dialog.show()
    close = [b for b in buttons.buttons() if b is not apply]
    assert len(close) == 1
    close[0].click()
    assert not dialog.isVisible()


def test_git_list_dialogs_share_their_layout(qtbot: Any) -> None:
    for dialog in (ReviewDialog([]), HistoryDialog("a.md", [])):
        qtbot.addWidget(dialog)
        splitter = dialog.findChild(QSplitter)
        assert splitter is not None
        assert splitter.count() == 2
        dialog.show()
        close = [b for b in dialog.findChildren(QPushButton) if b.text() == "Close"]
        assert len(close) == 1
        close[0].click()
        assert not dialog.isVisible()
