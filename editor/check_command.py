"""``glossary-editor check``: the bulk SEO check of a content folder, for scripts and CI.

It drives the same :class:`CorpusIndex` build as the window (the cache included), then
prints the findings as text grouped by rule, as JSON (schema in ``docs/check-json.md``)
or as CSV. Exit codes: 0 nothing at or above ``--fail-on``; 1 found; 2 bad usage or a
folder that cannot be read (message on stderr).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import io
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from editor.content.errors import ContentError
from editor.content.index import CorpusIndex, Progress
from editor.content.schema import SchemaRegistry
from editor.content.seo import RULE_NAMES, SEVERITIES, Finding, load_config, severity_rank
from editor.paths import sample_content_dir

JSON_VERSION = 1
FAIL_LEVELS = {"error": 0, "warning": 1, "never": -1}  # fail when severity rank <= level
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"
_PROGRESS_AFTER = 0.5  # seconds: quick runs never draw a bar


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit code 2."""


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", nargs="?", type=Path, help="content folder (default: the bundled sample)"
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument(
        "--fail-on",
        choices=tuple(FAIL_LEVELS),
        default="error",
        help="exit 1 when a finding at or above this severity is found (default: error)",
    )
    parser.add_argument(
        "--rule", action="append", default=[], metavar="ID",
        help="report only this rule (repeatable; shell patterns such as 'title-*' work)",
    )  # fmt: skip
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="ID",
        help="leave this rule out (repeatable; patterns work)",
    )  # fmt: skip
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _rules(patterns: Iterable[str], option: str) -> set[str]:
    chosen: set[str] = set()
    for pattern in patterns:
        matched = fnmatch.filter(RULE_NAMES, pattern)
        if not matched:
            raise UsageError(f"{option} {pattern}: no such rule (rules: {', '.join(RULE_NAMES)})")
        chosen.update(matched)
    return chosen


class _ProgressLine:
    """A bar on stderr, drawn only on a terminal and only once a run takes a while."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.drawn = False

    def update(self, step: Progress) -> None:
        if not self.enabled or time.monotonic() - self.started < _PROGRESS_AFTER:
            return
        width = 30
        filled = width * step.done // step.total if step.total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {step.done}/{step.total} {step.phase:<6}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run_check(args: argparse.Namespace) -> int:
    """Run the check as ``args`` say; returns the exit code."""
    try:
        only = _rules(args.rule, "--rule") if args.rule else set(RULE_NAMES)
        only -= _rules(args.ignore, "--ignore")
    except UsageError as exc:
        print(f"glossary-editor check: {exc}", file=sys.stderr)
        return 2
    folder: Path = args.folder if args.folder is not None else sample_content_dir()
    if not folder.is_dir():
        print(f"glossary-editor check: {folder}: not a folder", file=sys.stderr)
        return 2
    progress = _ProgressLine(sys.stderr)
    try:
        index = CorpusIndex(
            folder, SchemaRegistry.load(folder), load_config(folder), cache=not args.no_cache
        )
        for step in index.build():
            progress.update(step)
    except ContentError as exc:
        progress.close()
        print(f"glossary-editor check: {exc}", file=sys.stderr)
        return 2
    progress.close()

    findings = sorted(
        (f for f in index.findings() if f.rule in only),
        key=lambda f: (f.path, f.line or 0, f.column or 0, f.rule, f.field),
    )
    out = sys.stdout
    if args.format == "json":
        json.dump(report_json(folder, len(index), findings), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        out.write(report_csv(findings))
    else:
        colour = out.isatty() and "NO_COLOR" not in os.environ
        out.write(report_text(len(index), findings, colour=colour))
    level = FAIL_LEVELS[args.fail_on]
    failed = any(severity_rank(f.severity) <= level for f in findings)
    return 1 if failed else 0


def _counts(findings: list[Finding]) -> Counter[str]:
    return Counter(f.severity for f in findings)


def report_json(folder: Path, entries: int, findings: list[Finding]) -> dict[str, object]:
    """The document ``--format json`` prints (see docs/check-json.md)."""
    counts = _counts(findings)
    by_rule = Counter(f.rule for f in findings)
    return {
        "version": JSON_VERSION,
        "folder": str(folder),
        "summary": {
            "entries": entries,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "info": counts["info"],
            "by_rule": {rule: by_rule[rule] for rule in RULE_NAMES if by_rule[rule]},
        },
        "findings": [
            {
                "path": f.path,
                "rule": f.rule,
                "severity": f.severity,
                "field": f.field,
                "message": f.message,
                "line": f.line,
                "column": f.column,
            }
            for f in findings
        ],
    }


def report_csv(findings: list[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("path", "rule", "severity", "field", "message", "line", "column"))
    for f in findings:
        writer.writerow((f.path, f.rule, f.severity, f.field, f.message,
                         "" if f.line is None else f.line,
                         "" if f.column is None else f.column))  # fmt: skip
    return buffer.getvalue()


def _where(f: Finding) -> str:
    parts = [f.path]
    if f.line is not None:
        parts.append(str(f.line))
        if f.column is not None:
            parts.append(str(f.column))
    return ":".join(parts)


def report_text(entries: int, findings: list[Finding], *, colour: bool = False) -> str:
    """Findings grouped by rule (worst first), each line ``path[:line:col]: message``."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    order = sorted(groups, key=lambda r: (severity_rank(groups[r][0].severity), r))
    lines: list[str] = []
    for rule in order:
        items = groups[rule]
        severity = items[0].severity
        head = f"{rule} ({severity}, {len(items)})"
        if colour:
            head = f"{_BOLD}{_COLOURS.get(severity, '')}{head}{_RESET}"
        lines.append(head)
        lines.extend(f"  {_where(f)}: {f.message}" for f in items)
        lines.append("")
    counts = _counts(findings)
    summary = ", ".join(f"{counts[s]} {s if s == 'info' else s + 's'}" for s in SEVERITIES)
    lines.append(f"{entries} entries checked: {summary}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m editor.check_command``) until cli.py wires it."""
    parser = argparse.ArgumentParser(prog="glossary-editor check")
    add_check_arguments(parser)
    return run_check(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
