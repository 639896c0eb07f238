"""Background work for the window: indexing a folder off the GUI thread.

:class:`RelayRunner` is the one-job-at-a-time starter the bulk previews use as well;
:func:`run_job` runs one piece of work on the pool and hands its result back on the GUI
thread (the index's updates after a bulk batch, the bulk batches themselves).

``CorpusIndex.build()`` is a generator of progress steps (the terminal drives the same
generator); here a ``QRunnable`` on a ``QThreadPool`` runs it and a small relay
``QObject`` carries its steps back to the GUI thread as queued signals. The window
never waits for it: the file names arrive after the first step, the records at the end.

A :func:`run_job` relay has no parent: as a child of its receiver it was deleted with it
(a window closing) while the job could be emitting on it from the pool, which crashed
the process. It lives until its one report has been delivered on the GUI thread (the
connections hold it; it deletes itself then), and the report reaches the receiver only
if that still exists.

A job the pool drops unrun (``QThreadPool.clear()`` or ``tryTake()`` delete a queued
runnable) never reports: the deletion of the runnable says it instead (:class:`_IfDropped`),
so its relay goes and a :class:`RelayRunner` no longer counts it as running. The window
clears no pool today; this keeps a future ``clear()`` from leaking a relay (and the
callbacks it holds) for the rest of the session.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from editor.content.gc_pause import gc_paused
from editor.content.index import CorpusIndex
from editor.content.spelling import words_of
from editor.ui.entries.list_rows import (
    PreparedList,
    prepare_list,
    prepare_list_rows,
    rows_from_paths,
)
from editor.ui.report.severity_tally import SeverityTally

log = logging.getLogger(__name__)

RelayT = TypeVar("RelayT", bound=QObject)


def entry_links(index: CorpusIndex) -> list[tuple[str, str]]:
    """``(url, title)`` of every entry with a URL: related-link completion, broken-link
    flags and the preview's link titles."""
    return [(r.url, r.title) for r in index.records if r.url]


@dataclass
class IndexResult:
    """A finished index and the list rows made from it (off the GUI thread). The SEO
    report's rows are made when the report is first shown (``ui/report/report_feed.py``)."""

    index: CorpusIndex
    rows: PreparedList
    links: list[tuple[str, str]]  # (url, title) of every entry with a URL
    link_titles: dict[str, str]  # the same as a mapping (the preview's link titles)
    tally: SeverityTally  # findings per severity: the status bar's totals
    title_words: set[str]  # the words of the links' titles, for the spell checker


class IndexRelay(QObject):
    """Signals of one indexing run (emitted on the worker thread, received queued)."""

    listed = Signal(object)  # PreparedList: names only, before any file is read
    progress = Signal(int, int, str)  # done, total, phase
    finished = Signal(object)  # IndexResult
    failed = Signal(str)


class _IndexJob(QRunnable):
    """Makes the index (on the pool: loading the folder's schemas and site setup took
    the GUI thread ~90 ms at 50k entries) and builds it, relaying each step."""

    def __init__(
        self,
        make_index: Callable[[], CorpusIndex],
        relay: IndexRelay,
        cancel: threading.Event,
        sort: tuple[int, bool] | None,
    ) -> None:
        super().__init__()
        self._make_index = make_index
        self._relay = relay
        self._cancel = cancel
        self._sort = sort

    def run(self) -> None:
        try:
            self._index = self._make_index()
        except Exception as exc:  # reported to the user, never lost on a thread
            log.exception("indexing failed")
            self._relay.failed.emit(str(exc))
            return
        steps = self._index.build()
        listed: PreparedList | None = None
        try:
            for step in steps:
                if self._cancel.is_set():
                    return
                if step.phase == "scan":
                    names = rows_from_paths(self._index.paths)
                    listed = prepare_list_rows(names, self._sort)
                    self._relay.listed.emit(listed)
                self._relay.progress.emit(step.done, step.total, step.phase)
        except Exception as exc:  # reported to the user, never lost on a thread
            log.exception("indexing failed")
            self._relay.failed.emit(str(exc))
            return
        finally:
            close = getattr(steps, "close", None)
            if close is not None:
                close()  # ends the process pool of an unfinished build
        if not self._cancel.is_set():
            # Work the GUI thread would otherwise do: list rows and their sort order,
            # the search buffer, the incremental corpus rules, the links.
            # The collector stays off meanwhile: a full collection over the ~2 million
            # objects of a 50k index holds the GIL for ~200 ms and stalls the window.
            # Then they move to the permanent generation (they live as long as the
            # folder is open), so later collections do not walk them again either.
            with gc_paused("permanent"):
                rows = prepare_list(self._index.records, self._sort, listed)
                listed = None
                self._index.search("")
                self._index.prepare_updates()  # the first save then costs no more
                links = entry_links(self._index)
                link_titles = dict(links)
                # (as the words below: made on a worker once the result was shown, its
                # ~60 ms of Python stood a 50k folder's first paint still ~100 ms)
                tally = SeverityTally(self._index.records)
                # Here, not on a worker of the spell checker's once the result is shown:
                # that worker's Python made each call from Qt into Python of the list's
                # first paint wait for the GIL (a 50k folder's opening stood still
                # 83-114 ms; bench/RESULTS.md).
                title_words = words_of(title for _, title in links)
            result = IndexResult(self._index, rows, links, link_titles, tally, title_words)
            self._relay.finished.emit(result)


class _IfDropped:
    """Calls ``release`` when its runnable is deleted without having run.

    A pool deletes a queued runnable unrun on ``clear()`` or ``tryTake()``; the
    finalizer (on whichever thread deletes the runnable's wrapper) is the only sign of
    it. ``ran()`` at the start of ``run`` disarms it, so a job that ran is released by
    its report alone, as before."""

    def __init__(self, runnable: QRunnable, release: Callable[[], object]) -> None:
        self._finalizer = weakref.finalize(runnable, release)
        self._finalizer.atexit = False  # at the interpreter's exit nothing is left to release

    def ran(self) -> None:
        self._finalizer.detach()


class JobRelay(QObject):
    """The signals of one :func:`run_job` (emitted on the worker thread, received queued)."""

    done = Signal(object)  # the work's result
    failed = Signal(object)  # the exception it raised


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: JobRelay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay
        self._if_dropped = _IfDropped(self, relay.deleteLater)  # no report will come

    def run(self) -> None:
        self._if_dropped.ran()
        try:
            result = self.work()
        except Exception as exc:  # handed to the GUI thread, never lost on a thread
            log.debug("background job failed: %s", exc)
            self._emit("failed", exc)
            return
        self._emit("done", result)

    def _emit(self, name: str, value: object) -> None:
        getattr(self.relay, name).emit(value)  # alive until delivered: see run_job


def run_job(
    pool: QThreadPool,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    receiver: QObject,
) -> JobRelay:
    """Run ``work`` on ``pool``; then ``done(result)`` or ``failed(exc)`` on the GUI thread,
    unless ``receiver`` was deleted meanwhile (then nothing is called).

    ``work`` must change nothing the GUI thread reads (it reads files and builds new
    objects); the GUI thread puts its result in place in ``done``.

    The relay is made here, on the GUI thread, without a parent (see the module). The
    delivering closures hold it, so neither the receiver's deletion nor the job's end
    deletes it; the delivery does (``deleteLater``, on its own thread)."""
    relay = JobRelay()

    def deliver(slot: Callable[[Any], None], value: Any) -> None:
        relay.deleteLater()
        if isValid(receiver):
            slot(value)

    relay.done.connect(lambda result: deliver(done, result))
    relay.failed.connect(lambda exc: deliver(failed, exc))
    pool.start(_Job(work, relay))
    return relay


class _Ended(QObject):
    """Says, on the GUI thread, that a :class:`RelayRunner` job has returned."""

    ended = Signal()


class _Ending(QRunnable):
    """Runs a :class:`RelayRunner` job, then says it ended (whichever way it returned, or
    when the pool dropped it unrun)."""

    def __init__(self, job: QRunnable, ended: _Ended) -> None:
        super().__init__()
        self._job = job
        self._ended = ended
        self._if_dropped = _IfDropped(self, ended.ended.emit)  # ended all the same

    def run(self) -> None:
        self._if_dropped.ran()
        try:
            self._job.run()
        finally:
            self._ended.ended.emit()


class _Current:
    """The running job's cancel flag and relay (plain Python: read when the runner goes)."""

    def __init__(self) -> None:
        self.cancel: threading.Event | None = None
        self.relay: QObject | None = None

    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel.set()
        if self.relay is not None:
            self.relay.blockSignals(True)
        self.cancel, self.relay = None, None


class RelayRunner(QObject):
    """One background job at a time on a pool: starting one cancels the one before.

    Indexing and the bulk previews run this way: a ``QRunnable`` reports through a
    relay ``QObject`` of queued signals and checks a ``threading.Event`` between steps;
    a cancelled run's relay is muted so its late signals reach nobody.

    A relay has no parent, as :func:`run_job`'s: as the runner's child it went with the
    runner (a window deleted) while the job could still emit on it. It lives until the
    job has returned and that is known on the GUI thread; a runner deleted meanwhile
    cancels and mutes it first.
    """

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool if pool is not None else QThreadPool.globalInstance()
        self._current = _Current()
        self.destroyed.connect(self._current.stop)

    @property
    def relay(self) -> QObject | None:
        """The running job's relay (None when none runs or it was cancelled)."""
        return self._current.relay

    def launch(
        self,
        relay: RelayT,
        connect: Callable[[RelayT], None],
        job: Callable[[threading.Event], QRunnable],
    ) -> RelayT:
        """Cancel the running job, connect ``relay``, then start ``job(cancel)``.

        Connecting after ``pool.start`` would race the job: a quick one can finish and
        emit before the connections exist, and its result is lost."""
        self.cancel()
        relay.setParent(None)  # the job's until it ends, not the runner's: see the class
        connect(relay)
        cancel = threading.Event()
        self._current.cancel, self._current.relay = cancel, relay
        ended = _Ended()
        current = self._current  # not self: the runner may be gone by then

        def release() -> None:  # holds both until the job's end is delivered here
            if current.relay is relay:
                current.cancel, current.relay = None, None
            relay.deleteLater()
            ended.deleteLater()

        ended.ended.connect(release)
        self.pool.start(_Ending(job(cancel), ended))
        return relay

    def cancel(self) -> None:
        """Stop the running job at its next step; its later signals are dropped."""
        self._current.stop()


class IndexWorker(RelayRunner):
    """Starts and cancels indexing runs; one at a time per window."""

    def start(
        self,
        folder: Path,
        connect: Callable[[IndexRelay], None],
        *,
        cache: bool = True,
        sort: tuple[int, bool] | None = None,
    ) -> IndexRelay:
        """Index ``folder``; ``connect`` hooks up the relay's signals before the job runs.
        ``sort``: the list's sort (column, descending), to order its rows in advance."""
        relay = IndexRelay()
        return self.launch(
            relay,
            connect,
            lambda cancel: _IndexJob(lambda: CorpusIndex(folder, cache=cache), relay, cancel, sort),
        )
