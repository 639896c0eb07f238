"""The SEO report's rows without Qt: made from findings, filtered, sorted, and written
as CSV.

Plain Python on plain tuples, so the index thread prepares the rows off the GUI thread
and tests run without a display; ``report_model.FindingsModel`` shows them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, NamedTuple, Protocol

from editor.content.atomic import atomic_write
from editor.content.seo import SEVERITIES, Finding

# One finding: rank, severity, rule, path, entry label, field, message, subject,
# schema, line, column.
ReportRow = tuple[int, str, str, str, str, str, str, str, str, int | None, int | None]
RowInput = tuple[Finding, str, str, str]  # (finding, title, subject, schema)
GONE: ReportRow = (99, "", "", "", "", "", "", "", "", None, None)  # a row replace_for_path removed
# Literal positions (Final), so type checkers know each field's type.
R_RANK: Final = 0
R_SEVERITY: Final = 1
R_RULE: Final = 2
R_PATH: Final = 3
R_ENTRY: Final = 4
R_FIELD: Final = 5
R_MESSAGE: Final = 6
R_SUBJECT: Final = 7
R_SCHEMA: Final = 8
R_LINE: Final = 9
R_COLUMN: Final = 10

SEVERITY, RULE, ENTRY, FIELD, MESSAGE, SUBJECT, SCHEMA = range(7)
HEADERS = ("Severity", "Rule", "Entry", "Field", "Message", "Subject", "Schema")
ROW_OF_COLUMN = (R_SEVERITY, R_RULE, R_ENTRY, R_FIELD, R_MESSAGE, R_SUBJECT, R_SCHEMA)
CSV_HEADER = ("severity", "rule", "entry", "path", "field", "line", "column", "message",
              "subject", "schema")  # fmt: skip

RANK = {name: n for n, name in enumerate(SEVERITIES)}
UNKNOWN_RANK = len(SEVERITIES)
SEVERITY_LABEL = {"error": "Error", "warning": "Warning", "info": "Info"}
# Darker tones on light backgrounds, lighter ones on dark backgrounds (Material 800/300).
SEVERITY_COLOURS = {
    False: {"error": "#c62828", "warning": "#a65c00", "info": "#1565c0"},
    True: {"error": "#ef5350", "warning": "#ffb74d", "info": "#64b5f6"},
}


class RecordLike(Protocol):
    """What the report reads from an index record (``editor.content.index.EntryRecord``)."""

    path: str
    title: str
    subject: str
    schema: str

    @property
    def findings(self) -> Sequence[Finding]: ...


def build_rows(inputs: Iterable[RowInput]) -> list[ReportRow]:
    """Flatten ``(finding, title, subject, schema)`` into row tuples (title falls back to
    the file name; labels are shared between an entry's findings)."""
    labels: dict[tuple[str, str], str] = {}
    rows: list[ReportRow] = []
    append = rows.append
    for f, title, subject, schema in inputs:
        label = labels.get((title, f.path))
        if label is None:
            label = " ".join(title.split()) or f.path.rsplit("/", 1)[-1]
            if label == title:
                label = title  # the record's string, not a copy (~3 MB at 50k entries)
            labels[title, f.path] = label
        append(
            (RANK.get(f.severity, UNKNOWN_RANK), f.severity, f.rule, f.path, label,
             f.field, f.message, subject, schema, f.line, f.column)
        )  # fmt: skip
    return rows


class PreparedRows(NamedTuple):
    """Rows with their lookups, made by :func:`prepare_rows` off the GUI thread (at 50k
    entries building ~140k rows on the GUI thread stalled the window for half a second)."""

    rows: list[ReportRow]
    by_path: dict[str, Sequence[int]]  # ids of each path's rows (a range when adjacent)
    rules: Counter[str]
    severities: Counter[str]
    subjects: Counter[str]
    schemas: Counter[str]
    by_severity: list[int]  # ids in the default order (severity, then id)


def prepare_rows(inputs: Iterable[RowInput]) -> PreparedRows:
    """Everything :meth:`FindingsModel.set_prepared` needs; pure Python, any thread."""
    rows = build_rows(inputs)
    # An entry's rows are adjacent (records give theirs one after another): a range per
    # entry, not a list of int objects (~11 MB at 50k entries, ~140k rows).
    by_path: dict[str, Sequence[int]] = {}
    start = 0
    for path, run in groupby(map(itemgetter(R_PATH), rows)):
        end = start + sum(1 for _ in run)
        ids = by_path.get(path)
        by_path[path] = range(start, end) if ids is None else [*ids, *range(start, end)]
        start = end
    ranks = [r[R_RANK] for r in rows]
    by_severity = sorted(range(len(rows)), key=ranks.__getitem__)
    return PreparedRows(
        rows,
        by_path,
        Counter(map(itemgetter(R_RULE), rows)),
        Counter(map(itemgetter(R_SEVERITY), rows)),
        Counter(map(itemgetter(R_SUBJECT), rows)),
        Counter(map(itemgetter(R_SCHEMA), rows)),
        by_severity,
    )


def record_inputs(record: RecordLike) -> list[RowInput]:
    """One index record's findings in the input form of :meth:`FindingsModel.set_rows`."""
    return [(f, record.title, record.subject, record.schema) for f in record.findings]


def records_inputs(records: Iterable[RecordLike]) -> Iterator[RowInput]:
    for record in records:
        yield from record_inputs(record)


@dataclass(frozen=True)
class FindingsFilter:
    """What the report shows; empty or ``None`` criteria let every row through."""

    min_severity: str = "info"  # show this severity and worse
    rules: frozenset[str] = frozenset()
    subject: str | None = None  # compared case-insensitively ("Digital Media" = "digital media")
    schema: str | None = None
    text: str = ""  # every word must occur in the message, the entry label or the path

    def is_default(self) -> bool:
        return self == FindingsFilter()


class Summary(NamedTuple):
    findings: int
    entries: int
    errors: int
    warnings: int
    infos: int


def filter_ids(
    criteria: FindingsFilter,
    rows: Sequence[ReportRow],
    ids: list[int],
    subjects: Iterable[str],
    haystacks: Callable[[], Sequence[str]],
) -> list[int]:
    """The ids of ``ids`` whose rows ``criteria`` lets through, in their order. One list
    comprehension per active criterion (no call per row). ``subjects``: the subjects
    the rows use (a filter's subject matches them case-insensitively); ``haystacks``:
    every row's :func:`row_haystack`, asked for only when the filter has words."""
    f = criteria
    rank = RANK.get(f.min_severity, UNKNOWN_RANK)
    if rank < UNKNOWN_RANK - 1:
        ids = [i for i in ids if rows[i][R_RANK] <= rank]
    if f.rules:
        rules = f.rules
        ids = [i for i in ids if rows[i][R_RULE] in rules]
    if f.subject is not None:
        key = f.subject.casefold()
        spellings = {s for s in subjects if s.casefold() == key}
        ids = [i for i in ids if rows[i][R_SUBJECT] in spellings]
    if f.schema is not None:
        schema = f.schema
        ids = [i for i in ids if rows[i][R_SCHEMA] == schema]
    words = f.text.lower().split()
    if words:
        hay = haystacks()
        for word in sorted(words, key=len, reverse=True):  # the longest prunes most
            ids = [i for i in ids if word in hay[i]]
    return ids


def row_key(row: ReportRow, column: int) -> Any:
    """The sort key of one row in ``column`` (ids break ties)."""
    if column == SEVERITY:
        return row[R_RANK]
    return str(row[ROW_OF_COLUMN[column]]).casefold()


def sorted_ids(rows: Sequence[ReportRow], column: int, descending: bool) -> list[int]:
    """The ids of the live rows (not :data:`GONE`) sorted by ``column``; stable, also
    when reversed: ties keep id order."""
    live = [i for i, r in enumerate(rows) if r is not GONE]
    if column == SEVERITY:
        keys: list[Any] = [r[R_RANK] for r in rows]
    else:
        field = ROW_OF_COLUMN[column]
        keys = [str(r[field]).casefold() for r in rows]
    live.sort(key=keys.__getitem__, reverse=descending)
    return live


def row_haystack(row: ReportRow) -> str:
    return f"{row[R_ENTRY]}\n{row[R_MESSAGE]}\n{row[R_PATH]}".lower()


def write_csv(path: Path, rows: Iterable[ReportRow]) -> int:
    """Write ``rows`` with a header line; returns how many rows were written."""
    count = 0
    with io.StringIO(newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_HEADER)
        for r in rows:
            line = "" if r[R_LINE] is None else r[R_LINE]
            column = "" if r[R_COLUMN] is None else r[R_COLUMN]
            writer.writerow(
                (r[R_SEVERITY], r[R_RULE], r[R_ENTRY], r[R_PATH], r[R_FIELD], line, column,
                 r[R_MESSAGE], r[R_SUBJECT], r[R_SCHEMA])
            )  # fmt: skip
            count += 1
        # Atomic, through a symlink to its target, never replacing a FIFO or device.
        atomic_write(path, stream.getvalue().encode("utf-8"))
    return count
