"""The corpus index of the open folder, and what shows it: the entry list and the SEO report.

Indexing runs off the GUI thread (:class:`IndexWorker`): the file names reach the list
after the first step, the records and every finding at the end. After that the index
is updated file by file (``CorpusIndex.update_paths``) when the window saves, creates
or deletes an entry or another program changes one, and the report is synced
(``sync_records``) rather than rebuilt, so findings follow each save at once.

A bulk batch's files (1,000 took ~0.6 s to read and parse again) are read on the pool
instead (:meth:`IndexFeed.files_changed_in_background`): the worker only *reads*
(``CorpusIndex.read_paths``, which changes nothing of the index), and the GUI thread puts
the result in (``CorpusIndex.apply_update``). Updates asked for meanwhile wait for it,
so a later read of a file always lands after an earlier one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QProgressBar

from editor.content.gc_pause import gc_paused
from editor.content.index import CorpusIndex, IndexChange, PreparedUpdate
from editor.content.seo import Finding, SeoConfig, check_entry
from editor.ui import dialogs
from editor.ui.entries.entry_model import EntryListModel
from editor.ui.entries.list_rows import PreparedList
from editor.ui.report.report_feed import ReportFeed
from editor.ui.report.report_view import SeoReportView
from editor.ui.window.session import OpenEntry
from editor.ui.window.workers import (
    IndexRelay,
    IndexResult,
    IndexWorker,
    entry_links,
    run_job,
)

log = logging.getLogger(__name__)

# Updates of more files than this read them on the pool (a save's few are read at once).
SYNC_UPDATE_MAX = 20


class IndexFeed(QObject):
    """Indexes one folder and keeps the list, the report and the progress bar current."""

    # The list's rows or the index changed: the IndexChange of a save that added or
    # removed no entry, None when the rows were set anew (names, records, other updates).
    changed = Signal(object)

    def __init__(
        self,
        model: EntryListModel,
        report: SeoReportView,
        progress: QProgressBar,
        pool: QThreadPool,
        *,
        use_cache: bool,
        dirty_paths: Callable[[], Iterable[Path]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.report = report
        self.progress = progress
        self.use_cache = use_cache
        self.pool = pool
        self.worker = IndexWorker(pool, self)
        self.findings = ReportFeed(report, pool, self)  # the report's rows, once it is shown
        self.updating = False  # files are read on the pool (files_changed_in_background)
        self._waiting: list[Path] = []  # files changed meanwhile: read after it
        # what to do once those are in (a batch's edit lock ends only then)
        self._waiting_then: list[Callable[[], None]] = []
        self._dirty_paths = dirty_paths
        self.folder: Path | None = None
        self.index: CorpusIndex | None = None
        self.links: list[tuple[str, str]] = []  # see workers.entry_links
        self.link_titles: dict[str, str] = {}  # the same as a mapping
        # the words of the links' titles when the index's job made them; None once the
        # links change (the spell checker gathers them then)
        self.title_words: set[str] | None = None

    def start(self, folder: Path) -> None:
        """Forget the old folder's index and index ``folder``."""
        self.close()
        self.folder, self.index, self.links, self.link_titles = folder, None, [], {}
        self.title_words = None
        self.updating, self._waiting = False, []
        self._run_waiting_then()  # the old folder's batches are over for the window
        self.model.set_paths(folder, [])
        self.findings.set_index(None)
        self._run()

    def close(self) -> None:
        """Stop indexing; write the index's cache if saves changed it (updates leave it
        for this moment: see ``CorpusIndex.save_cache``)."""
        self.worker.cancel()
        if self.index is not None:
            self.index.save_cache()

    def files_changed(self, paths: list[Path]) -> None:
        """Re-read these files (created, saved, deleted, changed on disk)."""
        if self.index is None:
            if self.folder is not None:
                self._run()  # still indexing: start again (cheap, cached)
            return
        if self.updating:  # after the files being read on the pool
            self._waiting.extend(paths)
            return
        self._show(self.index.update_paths(paths))

    def files_changed_on_disk(self, paths: list[Path]) -> None:
        """The folder watcher's report: :meth:`files_changed` for the files the index
        does not hold as they are now (it reports our own saves and a batch's files too);
        for many (a batch's 1,000: a ``stat`` each) checked and read on the pool."""
        if len(paths) > SYNC_UPDATE_MAX:
            self.files_changed_in_background(paths, stale_only=True)
            return
        index = self.index
        if index is not None:
            paths = [p for p in paths if not index.is_current(p)]
        if paths:
            self.files_changed(sorted(paths, key=os.fspath))

    def files_changed_in_background(
        self,
        paths: list[Path],
        *,
        stale_only: bool = False,
        then: Callable[[], None] = lambda: None,
    ) -> None:
        """:meth:`files_changed`, the files read and parsed on the pool (a bulk batch's
        1,000 stalled the window ~0.6 s); the index, list and report follow after, and
        then ``then()`` (whatever the outcome). ``stale_only``: leave out the files the
        index holds as they are on disk."""
        if self.index is None:
            self.files_changed(paths)
            then()
            return
        if self.updating:  # after the read under way; ``then`` once these are in too
            self._waiting.extend(paths)
            self._waiting_then.append(then)
            return
        index = self.index
        self.updating = True

        def read() -> PreparedUpdate:
            # no full collection set off here: it would hold the GIL over every object
            # of the window (~0.5 s at 50k entries), as in the bulk runner
            with gc_paused("old"):
                if stale_only:
                    return index.read_paths([p for p in paths if not index.is_current(p)])
                return index.read_paths(paths)

        def done(update: PreparedUpdate) -> None:
            if self.index is not index:  # a folder opened meanwhile
                then()
                return
            try:
                change = index.apply_update(update) if update.files else IndexChange()
            except Exception as exc:  # (an OSError writing a rebuilt search text): said,
                log.exception("putting an update in failed")  # and the feed goes on
                failed(exc)
                return
            # The views in the same turn as the index, never the next: the list's rows and
            # its search engine's row numbers (the index's) must change together, or for a
            # turn the list shows a file the index no longer has and a search names rows
            # by the new numbering. (An update made ready is put in by assignment, a few ms.)
            try:
                self.updating = False
                self._show(change)
                self._read_waiting()
            finally:
                then()

        def failed(exc: BaseException) -> None:
            try:
                if self.index is index:
                    index.discard_prepared()  # its corpus rules may have moved on
                    self.updating = False
                    dialogs.error(self.progress.window(), "Updating the index failed", str(exc))
                    self._read_waiting()
            finally:
                then()

        run_job(self.pool, read, done, failed, self)

    def _read_waiting(self) -> None:
        """The files changed while the pool read: those the index does not hold as they
        are now (the folder watcher reports the batch's own files too, meanwhile)."""
        index = self.index
        waiting, self._waiting = list(dict.fromkeys(self._waiting)), []
        thens, self._waiting_then = self._waiting_then, []

        def then_all() -> None:
            for then in thens:
                then()

        if index is None or not waiting:
            then_all()
            return
        if len(waiting) > SYNC_UPDATE_MAX:  # even the stat of each is work for the pool
            self.files_changed_in_background(waiting, stale_only=True, then=then_all)
            return
        try:
            paths = [p for p in waiting if not index.is_current(p)]
            if paths:
                self.files_changed(paths)
        finally:
            then_all()

    def _run_waiting_then(self) -> None:
        thens, self._waiting_then = self._waiting_then, []
        for then in thens:
            then()

    def _show(self, change: IndexChange) -> None:
        """The list, the report and the links after an update of the index."""
        index = self.index
        assert index is not None
        if change.released:  # freed on the pool: a 50k index's old search texts
            released, change.released = change.released, []  # (~140 MB) held this
            run_job(self.pool, released.clear, _ignore, _ignore, self)  # thread 91 ms
        records = index.records_of([*change.added, *change.changed, *change.refreshed])
        if change.links_changed:
            self.links = entry_links(index)
            self.link_titles = dict(self.links)
            self.title_words = None
        self.findings.changed(records, change.removed)  # the report, the totals
        if change.added or change.removed:
            self._use(index)  # rows come or go: the list is rebuilt
        else:  # a save: only the rows it touched (at 50k a rebuild took ~0.5 s)
            self.model.update_records(records)
            self.changed.emit(change)

    def entry_findings(self, opened: OpenEntry, config: SeoConfig) -> list[Finding]:
        """The open entry's findings as edited, plus the corpus ones (duplicates, broken
        links) while it is saved; the latter need the index and are re-run on save."""
        if opened.schema is None or self.folder is None:
            return []
        rel = opened.path.relative_to(self.folder).as_posix()
        own = check_entry(opened.data, opened.schema, config, rel)
        if self.index is None or opened.dirty:
            return own
        return own + [f for f in self.index.corpus_findings if f.path == rel]

    def _run(self) -> None:
        assert self.folder is not None
        self.worker.start(
            self.folder, self._connect, cache=self.use_cache, sort=self.model.sort_wanted
        )
        self.report.set_indexing(True)
        self.progress.setRange(0, 0)
        self.progress.show()

    def _connect(self, relay: IndexRelay) -> None:
        relay.listed.connect(self._on_listed)
        relay.progress.connect(self._on_progress)
        relay.finished.connect(self._on_indexed)
        relay.failed.connect(self._on_failed)

    def _on_listed(self, rows: PreparedList) -> None:
        if self.folder is not None:
            self.model.set_paths(self.folder, rows)
            self._mark_dirty()
            self.changed.emit(None)

    def _on_progress(self, done: int, total: int, phase: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setToolTip(f"Indexing: {phase} ({done} of {total})")

    def _on_indexed(self, result: IndexResult) -> None:
        self.progress.hide()
        self.links, self.link_titles = result.links, result.link_titles
        self.title_words = result.title_words
        self.findings.set_index(result.index, result.tally)  # before _use: the totals
        self._use(result.index, result.rows)

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self.report.set_indexing(False)
        dialogs.error(self.progress.window(), "Indexing failed", message)

    def _use(self, index: CorpusIndex, rows: PreparedList | None = None) -> None:
        self.index = index
        if rows is None:
            self.model.set_records(index.records, index.search_job)
        else:
            self.model.set_rows(rows, index.search_job)
        self._mark_dirty()
        self.changed.emit(None)

    def _mark_dirty(self) -> None:
        """New rows know nothing of unsaved edits (restored work arrives before them)."""
        for path in self._dirty_paths():
            self.model.set_dirty(path, True)


def _ignore(_: object) -> None:
    """A job's report nobody needs."""
