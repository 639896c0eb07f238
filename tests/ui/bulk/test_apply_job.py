"""The bulk runner's work on the pool runs with the collector paused: a full collection
set off there walked every object of the window while holding the GIL (~0.5 s stall)."""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

from PySide6.QtCore import QThreadPool

from editor.ui.bulk.apply_job import BatchRunner
from editor.ui.gil_switch import SWITCH_INTERVAL, gil_handed_over_often


def test_work_runs_on_the_pool_with_the_collector_paused(
    qtbot: Any, thread_pool: QThreadPool
) -> None:
    runner = BatchRunner(thread_pool)
    failed: list[BaseException] = []
    done: list[tuple[bool, bool]] = []

    def work() -> tuple[bool, bool]:
        return gc.isenabled(), threading.current_thread() is threading.main_thread()

    runner.run(work, done.append, failed.append)
    assert runner.busy
    qtbot.waitUntil(lambda: bool(done or failed))
    assert done == [(False, False)]
    assert gc.isenabled()  # as it was after
    assert not runner.busy


def test_work_runs_with_the_gil_handed_over_often(qtbot: Any, thread_pool: QThreadPool) -> None:
    """Behind a pool thread running Python, each of the GUI thread's calls from Qt into
    Python waited a whole switch interval for the GIL (5 ms by default): a repaint
    during the plan of 1,000 changes stood the window still ~1 s."""
    before = sys.getswitchinterval()
    runner = BatchRunner(thread_pool)
    failed: list[BaseException] = []
    done: list[float] = []
    runner.run(sys.getswitchinterval, done.append, failed.append)
    qtbot.waitUntil(lambda: bool(done or failed))
    assert done == [SWITCH_INTERVAL] and before > SWITCH_INTERVAL
    assert sys.getswitchinterval() == before  # as it was after


def test_the_interval_is_put_back_when_the_last_overlapping_work_ends() -> None:
    before = sys.getswitchinterval()
    with gil_handed_over_often():
        with gil_handed_over_often():
            assert sys.getswitchinterval() == SWITCH_INTERVAL
        assert sys.getswitchinterval() == SWITCH_INTERVAL  # the outer work still runs
    assert sys.getswitchinterval() == before
