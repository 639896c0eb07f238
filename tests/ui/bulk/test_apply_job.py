"""The bulk runner's work on the pool runs with the collector paused: a full collection
set off there walked every object of the window while holding the GIL (~0.5 s stall)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QThreadPool

from editor.ui.bulk.apply_job import BatchRunner


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
