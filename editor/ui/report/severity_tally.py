"""The status bar's findings per severity, kept current by each update's delta.

Counting every record's findings again after each update
cost 17-29 ms on the GUI thread at 50,000 entries for every batch the index took in,
however few files changed (``bench/bench_bulk_window.py``: a third of the apply's
longest stall). A tally remembers what it counted for each file, so an update takes
off the changed files' old severities and adds their new ones: work in proportion to
the files changed. Made once per index by the index's job, before its result is shown
(~60 ms at 50k entries).

Plain Python (no Qt), so it is tested without a window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from editor.content.index.records import EntryRecord, severities_of


class SeverityTally:
    """Findings per severity over a set of records, updated record by record.

    Each file's severities are kept sorted and shared between files that have the
    same ones (a few hundred distinct tuples at 50k entries), so the memory is the
    path dictionary's."""

    def __init__(self, records: Iterable[EntryRecord] = ()) -> None:
        self._of: dict[str, tuple[str, ...]] = {}
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._total: Counter[str] = Counter()
        self.update(records, ())

    def update(self, records: Iterable[EntryRecord], removed: Iterable[str]) -> None:
        """These records are now as given (new or replacing the same path's); these
        paths are gone."""
        of, shapes, total = self._of, self._shapes, self._total
        for path in removed:
            old = of.pop(path, None)
            if old:
                total.subtract(old)
        for record in records:
            new = tuple(sorted(severities_of(record)))
            new = shapes.setdefault(new, new)
            old = of.get(record.path)
            of[record.path] = new
            if old is new:
                continue
            if old:
                total.subtract(old)
            if new:
                total.update(new)

    def counts(self) -> Counter[str]:
        """Findings per severity (a copy; severities with none left out)."""
        return +self._total

    def __len__(self) -> int:
        return len(self._of)
