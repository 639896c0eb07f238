"""The report's rows, filter, sort and CSV, without Qt (``report/findings_rows.py``)."""

from __future__ import annotations

import csv
from pathlib import Path

from editor.content.seo import Finding
from editor.ui.report.findings_rows import (
    CSV_HEADER,
    ENTRY,
    SEVERITY,
    FindingsFilter,
    RowInput,
    build_rows,
    filter_ids,
    row_haystack,
    sorted_ids,
    write_csv,
)

INPUTS: list[RowInput] = [
    (Finding("title-length", "warning", "a.md", "seo.title", "Long title"), "Alpha", "Law", "qa"),
    (Finding("slug-format", "error", "b.md", "url", "URL has capitals", 3, 1), "", "law", "qa"),
    (Finding("faq-empty", "info", "c.md", "faq", "FAQ 1 is empty"), "Gamma", "Art", "glossary"),
]  # fmt: skip


def visible(criteria: FindingsFilter) -> list[int]:
    rows = build_rows(INPUTS)
    return filter_ids(
        criteria, rows, list(range(len(rows))), {"Law", "law", "Art"},
        lambda: [row_haystack(r) for r in rows],
    )  # fmt: skip


def test_each_filter_criterion_narrows_the_rows() -> None:
    assert visible(FindingsFilter()) == [0, 1, 2]
    assert visible(FindingsFilter(min_severity="warning")) == [0, 1]
    assert visible(FindingsFilter(rules=frozenset({"faq-empty"}))) == [2]
    assert visible(FindingsFilter(subject="LAW")) == [0, 1]  # either spelling
    assert visible(FindingsFilter(schema="glossary")) == [2]
    assert visible(FindingsFilter(text="url b.md")) == [1]


def test_rows_sort_by_severity_then_by_a_text_column() -> None:
    rows = build_rows(INPUTS)
    assert sorted_ids(rows, SEVERITY, False) == [1, 0, 2]
    assert sorted_ids(rows, ENTRY, True) == [2, 1, 0]  # "Gamma", "b.md", "Alpha"


def test_csv_has_the_header_and_one_line_a_finding(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    assert write_csv(out, build_rows(INPUTS)) == 3
    with out.open(newline="", encoding="utf-8") as stream:
        lines = list(csv.reader(stream))
    assert tuple(lines[0]) == CSV_HEADER
    assert lines[2] == ["error", "slug-format", "b.md", "b.md", "url", "3", "1",
                        "URL has capitals", "law", "qa"]  # fmt: skip
