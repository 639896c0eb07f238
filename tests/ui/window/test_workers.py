"""Background jobs (``run_job``): their result reaches a live receiver on the GUI thread,
and a receiver deleted while its job runs is neither reached nor a crash."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool
from pytestqt.qtbot import QtBot
from shiboken6 import delete, isValid

from editor.ui.window.workers import run_job

ROUNDS = 500  # the race crashed the old relays within a few hundred rounds


def _deliveries(pool: QThreadPool) -> None:
    """Let the pool's jobs end and their queued reports and deferred deletes run."""
    pool.waitForDone()
    QCoreApplication.sendPostedEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_live_receiver_gets_the_result_or_the_error(
    qtbot: QtBot, thread_pool: QThreadPool
) -> None:
    receiver = QObject()
    got: list[Any] = []
    run_job(thread_pool, lambda: 42, got.append, got.append, receiver)
    error = ValueError("no")

    def fail() -> None:
        raise error

    run_job(thread_pool, fail, got.append, got.append, receiver)
    qtbot.waitUntil(lambda: len(got) == 2)
    assert sorted(got, key=str) == [42, error]


def test_the_relay_outlives_a_receiver_deleted_while_the_job_runs(
    thread_pool: QThreadPool,
) -> None:
    """The relay is the job's, not the receiver's child: deleting the receiver does not
    delete what the job is about to emit on; the report then reaches nobody, and the
    relay goes once it is delivered."""
    receiver = QObject()
    go = threading.Event()
    got: list[Any] = []
    relay = run_job(thread_pool, go.wait, got.append, got.append, receiver)
    try:
        delete(receiver)  # the window closes while the job runs
        assert isValid(relay)
    finally:
        go.set()
    _deliveries(thread_pool)
    assert got == []
    assert not isValid(relay)


def test_receivers_deleted_just_as_their_jobs_report_crash_nothing(
    thread_pool: QThreadPool,
) -> None:
    """The race itself: the job emits while the GUI thread deletes its receiver (with
    the relay a child of the receiver this crashed the process, as it once crashed the
    suite in ``test_file_watcher.py``)."""
    got: list[Any] = []
    for _ in range(ROUNDS):
        receiver = QObject()
        both = threading.Barrier(2, timeout=10)
        run_job(thread_pool, both.wait, got.append, got.append, receiver)
        receiver.deleteLater()
        both.wait()  # the job reports now, as the receiver is deleted
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    _deliveries(thread_pool)
    assert got == []
