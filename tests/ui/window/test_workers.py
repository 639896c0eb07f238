"""Background jobs (``run_job``): their result reaches a live receiver on the GUI thread,
and a receiver deleted while its job runs is neither reached nor a crash."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, Signal
from pytestqt.qtbot import QtBot
from shiboken6 import delete, isValid

from editor.ui.window.workers import RelayRunner, run_job

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


class _Relay(QObject):
    done = Signal(object)


class _Receiver(QObject):
    """A dialog or feed: owns its runner and takes the relay's reports."""

    def __init__(self, got: list[Any]) -> None:
        super().__init__()
        self.got = got

    def take(self, value: Any) -> None:
        self.got.append(value)


class _Report(QRunnable):
    """Waits for ``go``, then reports on ``relay`` (unless ``cancel`` is set)."""

    def __init__(self, relay: _Relay, cancel: threading.Event, go: Callable[[], Any]) -> None:
        super().__init__()
        self.relay, self.cancel, self.go = relay, cancel, go

    def run(self) -> None:
        self.go()
        if not self.cancel.is_set():
            self.relay.done.emit("done")


def _launch(
    runner: RelayRunner, receiver: _Receiver, go: Callable[[], Any], *, heed_cancel: bool = True
) -> _Relay:
    relay = _Relay(runner)  # as the window's were made: the runner's child

    def job(cancel: threading.Event) -> _Report:
        return _Report(relay, cancel if heed_cancel else threading.Event(), go)

    def connect(relay: _Relay) -> None:
        relay.done.connect(receiver.take)

    return runner.launch(relay, connect, job)


def test_a_runner_deleted_while_its_job_runs_leaves_the_relay_to_the_job(
    thread_pool: QThreadPool,
) -> None:
    """The relay was the runner's child: deleting the runner (with its window) deleted
    what the job was about to emit on. Now the runner's going cancels the job and mutes
    its relay, which lives until the job has returned and then goes."""
    got: list[Any] = []
    receiver = _Receiver(got)
    runner = RelayRunner(thread_pool, receiver)
    go = threading.Event()
    relay = _launch(runner, receiver, go.wait, heed_cancel=False)
    try:
        delete(receiver)  # and its runner
        assert isValid(relay)
        assert relay.signalsBlocked()
    finally:
        go.set()
    _deliveries(thread_pool)
    assert got == []
    assert not isValid(relay)


def test_runners_deleted_just_as_their_jobs_report_crash_nothing(
    thread_pool: QThreadPool,
) -> None:
    """The job emits (cancelled or not) while the GUI thread deletes its runner."""
    got: list[Any] = []
    for _ in range(ROUNDS):
        receiver = _Receiver(got)
        runner = RelayRunner(thread_pool, receiver)
        both = threading.Barrier(2, timeout=10)
        _launch(runner, receiver, both.wait, heed_cancel=False)
        receiver.deleteLater()
        both.wait()  # the job reports now, as its runner is deleted
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    _deliveries(thread_pool)
    assert got == []


def test_a_finished_job_s_relay_goes_after_its_report(
    qtbot: QtBot, thread_pool: QThreadPool
) -> None:
    got: list[Any] = []
    receiver = _Receiver(got)
    runner = RelayRunner(thread_pool, receiver)
    relay = _launch(runner, receiver, lambda: None)
    qtbot.waitUntil(lambda: got == ["done"])
    _deliveries(thread_pool)
    assert not isValid(relay)
    assert runner.relay is None  # nothing runs now: nothing to cancel
    delete(receiver)


def _queued_behind_a_busy_pool(pool: QThreadPool) -> threading.Event:
    """Occupy every thread of ``pool`` until the returned event is set, so that the
    next job started waits in its queue."""
    go = threading.Event()
    started = threading.Barrier(pool.maxThreadCount() + 1, timeout=10)

    def hold() -> None:
        started.wait()
        go.wait()

    for _ in range(pool.maxThreadCount()):
        pool.start(hold)
    started.wait()
    return go


def test_a_job_the_pool_drops_unrun_releases_its_relay(thread_pool: QThreadPool) -> None:
    """``QThreadPool.clear()`` deletes a queued job without running it: it never reports,
    and the report was what released its relay (which then lived for ever, holding its
    receiver's callbacks). Now the job's deletion releases it; nothing is delivered."""
    got: list[Any] = []
    receiver = QObject()
    go = _queued_behind_a_busy_pool(thread_pool)
    try:
        relay = run_job(thread_pool, lambda: 42, got.append, got.append, receiver)
        thread_pool.clear()
    finally:
        go.set()
    _deliveries(thread_pool)
    assert not isValid(relay)
    assert got == []


def test_a_runner_s_job_the_pool_drops_unrun_is_ended(thread_pool: QThreadPool) -> None:
    """A :class:`RelayRunner` job dropped from the queue releases its relay, and the
    runner no longer counts it as running (its ``relay`` is None, as after an end)."""
    got: list[Any] = []
    receiver = _Receiver(got)
    runner = RelayRunner(thread_pool, receiver)
    go = _queued_behind_a_busy_pool(thread_pool)
    try:
        relay = _launch(runner, receiver, lambda: None)
        thread_pool.clear()
    finally:
        go.set()
    _deliveries(thread_pool)
    assert not isValid(relay)
    assert runner.relay is None
    assert got == []
    delete(receiver)
