"""The status bar's running findings per severity: equal to a fresh count after any updates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.index.records import FINDING_WIDTH, EntryRecord
from editor.ui.report.severity_tally import SeverityTally

PATHS = [f"part/{n}.md" for n in range(6)]
SEVERITY = st.sampled_from(["error", "warning", "info"])


def record(path: str, own: list[str], corpus: list[str]) -> EntryRecord:
    """A record whose own and corpus findings have these severities."""

    def flat(severities: list[str]) -> tuple[str | int | None, ...]:
        fields: list[str | int | None] = []
        for n, severity in enumerate(severities):
            fields += [f"rule-{n}", severity, path, "seo.title", "message", n + 1, None]
        assert len(fields) == FINDING_WIDTH * len(severities)
        return tuple(fields)

    made = EntryRecord(path, 0, 0, "glossary", "T", "", "", "", "", flat(own), None, None)
    made._corpus = flat(corpus)
    return made


def fresh_count(records: Iterable[EntryRecord]) -> Counter[str]:
    """Findings per severity, counted from the records' findings themselves."""
    return Counter(f.severity for r in records for f in r.findings)


RECORD = st.builds(record, st.sampled_from(PATHS), st.lists(SEVERITY, max_size=4),
                   st.lists(SEVERITY, max_size=3))  # fmt: skip
# An update: records made anew (added or replacing their path's) and paths removed.
UPDATE = st.tuples(st.lists(RECORD, max_size=4), st.lists(st.sampled_from(PATHS), max_size=2))


@settings(max_examples=60, deadline=None)
@given(st.lists(RECORD, max_size=6), st.lists(UPDATE, max_size=6))
def test_the_tally_after_updates_equals_a_fresh_count(
    first: list[EntryRecord], updates: list[tuple[list[EntryRecord], list[str]]]
) -> None:
    held = {r.path: r for r in first}  # what an index would hold
    tally = SeverityTally(held.values())
    assert tally.counts() == fresh_count(held.values())
    for records, paths in updates:
        removed = [p for p in paths if p not in {r.path for r in records}]
        for path in removed:
            held.pop(path, None)
        for made in records:
            held[made.path] = made
        tally.update(records, removed)
        assert tally.counts() == +fresh_count(held.values())
        assert len(tally) == len(held)


def test_files_with_the_same_severities_share_one_tuple() -> None:
    tally = SeverityTally(
        [record("a.md", ["warning", "info"], []), record("b.md", ["info"], ["warning"])]
    )
    assert tally._of["a.md"] is tally._of["b.md"]
    assert tally.counts() == {"warning": 2, "info": 2}
