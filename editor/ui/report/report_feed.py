"""The SEO report's rows, made when the report is first shown, and its totals without them.

At 50k entries the report holds ~140k rows (~30 MB, ~0.9 s to make); most sessions never
open it. So the rows are made the first time the report is shown (on the pool: the GUI
thread only swaps them in) and kept current after that, save by save, as before. Until
then the status bar's error and warning counts come from a :class:`SeverityTally` of the
index's records, made by the index's job (off the GUI thread, before the result is
shown) and kept current by each update's changed records (a count over all records
after each update cost 16-29 ms at 50k); after, from the rows' running counts (the same
numbers, kept save by save).

Updates that arrive while the rows are being made are noted and synced once the rows are
in, so rows made from a record that changed meanwhile never stay.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool

from editor.ui.report.findings_rows import PreparedRows, RecordLike, prepare_rows, records_inputs
from editor.ui.report.report_view import SeoReportView
from editor.ui.report.severity_tally import SeverityTally
from editor.ui.window.workers import run_job

if TYPE_CHECKING:
    from editor.content.index import CorpusIndex
    from editor.content.index.records import EntryRecord

log = logging.getLogger(__name__)

# Up to this many entries the rows are made on the GUI thread when the report is shown
# (~20 ms for 1,000 entries here); more go to the pool (50k entries took ~0.9 s).
SYNC_BUILD_MAX = 1_000


class ReportFeed(QObject):
    """Feeds :class:`SeoReportView` from an index, making its rows only once it is shown.

    States: no index (indexing: the report says so), an index and no rows, rows being
    made on the pool, rows in (kept current by :meth:`changed`)."""

    def __init__(
        self, report: SeoReportView, pool: QThreadPool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.pool = pool
        self.index: CorpusIndex | None = None
        self.built = False  # the report holds the index's rows
        self._building = False
        self._pending: set[str] = set()  # paths updated while the rows were made
        self._tally: SeverityTally | None = None
        report.shown.connect(self._wanted)

    def set_index(self, index: CorpusIndex | None, tally: SeverityTally | None = None) -> None:
        """A new index (None: indexing began), with the tally of its records' findings
        (made off the GUI thread; without, made here); the report is emptied, and filled
        again at once when it is on screen."""
        self.index, self.built, self._building = index, False, False
        self._pending = set()
        if index is not None and tally is None:
            tally = SeverityTally(index.records)
        self._tally = tally
        self.report.set_records([], complete=index is not None)
        if index is not None and self.report.isVisible():
            self._build()

    def changed(self, records: Iterable[EntryRecord], removed: Iterable[str]) -> None:
        """After an update of the index: these records changed, these paths went."""
        records = records if isinstance(records, list) else list(records)
        removed = removed if isinstance(removed, list) else list(removed)
        if self._tally is not None:
            self._tally.update(records, removed)
        if self.built:
            self.report.sync_changed(records, removed)
        elif self._building:
            self._pending.update(r.path for r in records)
            self._pending.update(removed)

    def severity_counts(self) -> Counter[str]:
        """Findings per severity in the index (the status bar's totals): the rows'
        running counts once they are in, else the tally's."""
        if self.built:
            return Counter(self.report.model.severity_counts())
        return self._tally.counts() if self._tally is not None else Counter()

    def _wanted(self) -> None:
        if self.index is not None and not self.built and not self._building:
            self._build()

    def _build(self) -> None:
        index = self.index
        assert index is not None
        records: Sequence[RecordLike] = list(index.records)  # the list as it is now
        if len(records) <= SYNC_BUILD_MAX:
            self.built = True
            self.report.set_prepared(prepare_rows(records_inputs(records)))
            return
        self._building = True
        self.report.set_building(True)

        def done(prepared: PreparedRows) -> None:
            if self.index is not index or not self._building:
                return  # another folder, or indexed again meanwhile
            self._building, self.built = False, True
            self.report.set_prepared(prepared)
            pending, self._pending = sorted(self._pending), set()
            if pending:
                current = index.records_of(pending)
                held = {r.path for r in current}
                self.report.sync_changed(current, [p for p in pending if p not in held])

        def failed(exc: BaseException) -> None:
            log.error("making the SEO report's rows failed: %s", exc)
            if self.index is index:
                self._building = False
                self.report.set_building(False)

        run_job(self.pool, lambda: prepare_rows(records_inputs(records)), done, failed, self)
