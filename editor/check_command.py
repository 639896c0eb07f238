"""``glossary-editor check``: the bulk SEO check of a content folder, for scripts and CI.

It drives the same :class:`CorpusIndex` build as the window (the cache included), then
prints the findings as text grouped by rule, as JSON (schema in ``docs/check-json.md``)
or as CSV. Exit codes: 0 nothing at or above ``--fail-on``; 1 found; 2 bad usage or a
folder that cannot be read (message on stderr).

File names are bytes, not text: a name may hold a newline or bytes that are not UTF-8.
Every format writes them losslessly and safely (``docs/check-json.md``): text and CSV
escape them (:func:`escape_name`), JSON gives valid Unicode in ``path`` plus the exact
bytes in ``path_bytes`` when the name is not UTF-8. The JSON is written row by row with
the ``json`` module's C string encoder, one finding a line, in pieces written as they
are made: for 190k findings that takes a fraction of the ~3 s the pure-Python
indenting encoder needs.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain
from json.encoder import encode_basestring  # the C encoder json.dumps uses for strings
from operator import itemgetter
from pathlib import Path
from typing import IO

from editor.content.errors import ContentError
from editor.content.gc_pause import gc_paused, no_collection_at_exit
from editor.content.index import CorpusIndex, Progress
from editor.content.index.records import check_order
from editor.content.schema import SchemaRegistry
from editor.content.seo import RULE_NAMES, SEVERITIES, load_config, severity_rank
from editor.content.seo.rules import FindingRow
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
        registry = SchemaRegistry.load(folder)
        for problem in registry.site.problems if registry.site is not None else ():
            # the site's CMS configuration: named, and the check goes on with the built-ins
            print(f"glossary-editor check: warning: {problem}", file=sys.stderr)
        index = CorpusIndex(folder, registry, load_config(folder), cache=not args.no_cache)
        for step in index.build(findings_only=True):  # the report needs no record
            progress.update(step)
    except ContentError as exc:
        progress.close()
        print(f"glossary-editor check: {exc}", file=sys.stderr)
        return 2
    progress.close()
    no_collection_at_exit()
    # The report makes only acyclic tuples, lists and strings; the first full collection
    # after the build would walk every record for nothing (~0.05 s at 50k entries).
    with gc_paused():
        findings = _report(args, index, folder, only)
    level = FAIL_LEVELS[args.fail_on]
    failed = any(severity_rank(severity) <= level for severity in _counts(findings))
    return 1 if failed else 0


def _report(
    args: argparse.Namespace, index: CorpusIndex, folder: Path, only: set[str]
) -> list[FindingRow]:
    """Write the findings of ``only`` these rules as ``args.format`` says; returns them."""
    changed = getattr(args, "only_paths", None)  # check --changed-since (cli_git.py)
    findings = index.ordered_finding_rows()  # sorted as sorted_findings sorts
    if changed is not None:
        findings = [r for r in findings if r[2] in changed]  # (rule, severity, path, ...)
    if not only.issuperset(RULE_NAMES):
        findings = [r for r in findings if r[0] in only]
    from editor.cli_common import emit_pieces

    if args.format == "json":
        emit_pieces(report_json_pieces(folder, len(index), findings))
    elif args.format == "csv":
        emit_pieces(report_csv_pieces(findings))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        emit_pieces(report_text_pieces(len(index), findings, colour=colour))
    return findings


def sorted_findings(rows: Iterable[FindingRow], only: Collection[str]) -> list[FindingRow]:
    """The findings of ``only`` these rules, by path, line, column, rule and field (the
    order of :meth:`CorpusIndex.ordered_finding_rows`, which the check reports).

    Plain tuples, not :class:`Finding` objects: at 190k findings, making the objects
    and reading their fields by name took longer than writing the report.
    """
    return sorted([r for r in rows if r[0] in only], key=check_order)


def _counts(findings: Sequence[FindingRow]) -> Counter[str]:
    return Counter(map(itemgetter(1), findings))


# -- file names, losslessly and safely in every format

_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROL}]")
_UNSAFE_NAME = re.compile(f"[\\\\{_CONTROL}]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def escape_name(name: str) -> str:
    r"""A file name on one line, losslessly: ``\\`` a backslash, ``\n`` ``\t`` ``\r``,
    ``\xNN`` one byte (a control character, or a byte that is not UTF-8), ``\uXXXX`` a
    C1 control or a line/paragraph separator. Every other character stands for itself."""
    return name if name.isprintable() and "\\" not in name else _UNSAFE_NAME.sub(_escape_char, name)


def printable(text: str) -> str:
    """A message on one line: control characters escaped as in :func:`escape_name`."""
    return text if text.isprintable() else _UNSAFE.sub(_escape_char, text)


def name_bytes(name: str) -> bytes | None:
    """The bytes of a file name that is not valid UTF-8 (None for every other name)."""
    if name.isascii():
        return None
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(name)
        except UnicodeError:
            return name.encode("utf-8", "surrogatepass")
    return None


def _json_name(name: str) -> tuple[str, str | None]:
    """``path`` (valid Unicode, U+FFFD for each byte that is not UTF-8) and ``path_bytes``."""
    raw = name_bytes(name)
    if raw is None:
        return name, None
    return raw.decode("utf-8", "replace"), base64.b64encode(raw).decode("ascii")


def _finding_json(f: FindingRow) -> dict[str, object]:
    rule, severity, name, field, message, line, column = f
    path, path_bytes = _json_name(name)
    row: dict[str, object] = {"path": path}
    if path_bytes is not None:
        row["path_bytes"] = path_bytes
    row.update(rule=rule, severity=severity, field=field, message=message,
               line=line, column=column)  # fmt: skip
    return row


def report_json(folder: Path, entries: int, findings: Sequence[FindingRow]) -> dict[str, object]:
    """The document ``--format json`` prints (see docs/check-json.md)."""
    doc = _report_head(folder, entries, findings)
    doc["findings"] = [_finding_json(f) for f in findings]
    return doc


def _report_head(folder: Path, entries: int, findings: Sequence[FindingRow]) -> dict[str, object]:
    """The document without its findings (which go last)."""
    counts = _counts(findings)
    by_rule = Counter(map(itemgetter(0), findings))
    name, name_raw = _json_name(str(folder))
    doc: dict[str, object] = {"version": JSON_VERSION, "folder": name}
    if name_raw is not None:
        doc["folder_bytes"] = name_raw
    doc["summary"] = {
        "entries": entries,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "info": counts["info"],
        "by_rule": {rule: by_rule[rule] for rule in RULE_NAMES if by_rule[rule]},
    }
    return doc


def _each(strings: Iterable[str], encode: Callable[[str], str]) -> dict[str, str]:
    """``encode`` of each distinct string: paths, rules and fields repeat across findings."""
    return {text: encode(text) for text in set(strings)}


def _plain(texts: list[str]) -> bool:
    """Whether no text needs :func:`printable` (one check over all, the usual case)."""
    return "".join(texts).isprintable()


def _json_string(text: str) -> str:
    """``text`` as a JSON string that UTF-8 holds and that stays on one line."""
    encoded = encode_basestring(text)
    return encoded if text.isascii() else _valid_utf8(encoded)


def _path_json(name: str) -> str:
    if name.isascii():  # the usual name: valid UTF-8, nothing for _valid_utf8 to do
        return encode_basestring(name)
    path, path_bytes = _json_name(name)
    text = _json_string(path)
    return text if path_bytes is None else f'{text}, "path_bytes": "{path_bytes}"'


def report_json_text(folder: Path, entries: int, findings: Sequence[FindingRow]) -> str:
    """:func:`report_json` as text: the same document, one finding a line."""
    return "".join(report_json_pieces(folder, entries, findings))


def report_json_pieces(folder: Path, entries: int, findings: Sequence[FindingRow]) -> Iterator[str]:
    """:func:`report_json_text` in pieces of :data:`PIECE_ROWS` findings.

    The head goes through ``json.dumps``; each finding is joined from strings the C
    encoder escapes, each distinct string once, which is what makes 190k findings quick
    to write (and the document is never scanned again as a whole).
    """
    doc = _report_head(folder, entries, findings)
    doc["findings"] = []
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    if not findings:
        yield _valid_utf8(head) + "\n"
        return
    yield _valid_utf8(head.removesuffix("[]\n}")) + "[\n"
    paths = _each(map(itemgetter(2), findings), _path_json)
    words = _each(chain(*(map(itemgetter(n), findings) for n in (0, 1, 3, 4))), _json_string)
    last = len(findings) - 1
    for start in range(0, len(findings), PIECE_ROWS):
        rows = [
            f'    {{"path": {paths[path]}, "rule": {words[rule]}, "severity": {words[severity]}, '
            f'"field": {words[field]}, "message": {words[message]}, '
            f'"line": {"null" if line is None else int(line)}, '
            f'"column": {"null" if column is None else int(column)}}},\n'
            for rule, severity, path, field, message, line, column in findings[
                start : start + PIECE_ROWS
            ]
        ]
        if start + PIECE_ROWS > last:
            rows[-1] = rows[-1].removesuffix(",\n") + "\n"
        yield "".join(rows)
    yield "  ]\n}\n"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_utf8(text: str) -> str:
    """JSON text that UTF-8 holds and that stays one finding a line.

    A lone surrogate left in a message or key (from a YAML ``"\\ud800"`` escape) becomes
    its ``\\uXXXX`` escape, which JSON reads back the same; so do U+2028 and U+2029,
    which some readers take for line breaks. Outside strings JSON has none of them.
    """
    if text.isascii():
        return text
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


_CSV_HEAD = "path,rule,severity,field,message,line,column\n"

# Findings per piece of a report: each piece is encoded and written while the next is
# made. One string of a whole 190k-finding report, and its UTF-8 copy, were ~60 MB of
# fresh pages the kernel had to fault in (~75 ms of a ~0.85 s warm check).
PIECE_ROWS = 4096


def _csv_field(text: str) -> str:
    """``text`` as one CSV field, quoted as the ``csv`` module's minimal quoting does.

    Only a comma or a double quote calls for quotes here: names and messages reach this
    with their line breaks and other control characters already escaped.
    """
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def report_csv(findings: Sequence[FindingRow]) -> str:
    """CSV with file names escaped as in :func:`escape_name` (one row a line, valid UTF-8)."""
    return "".join(report_csv_pieces(findings))


def report_csv_pieces(findings: Sequence[FindingRow]) -> Iterator[str]:
    """:func:`report_csv` in pieces of :data:`PIECE_ROWS` findings.

    What ``csv.writer`` would write, joined here: each distinct name, rule, field and
    message is quoted once, and each line is one f-string. At 140k findings the
    writer's per-field work took 0.8 s, several times the rest of the report.
    """
    yield _CSV_HEAD
    if not findings:
        return
    names = _each(map(itemgetter(2), findings), lambda name: _csv_field(escape_name(name)))
    clean = _plain(list(map(itemgetter(4), findings))) and _plain(
        list(map(itemgetter(3), findings))
    )

    def shown(text: str) -> str:
        return _csv_field(text if clean else printable(text))

    words = _each(chain(*(map(itemgetter(n), findings) for n in (0, 1, 3, 4))), shown)
    for start in range(0, len(findings), PIECE_ROWS):
        yield "".join(
            [
                f"{names[path]},{words[rule]},{words[severity]},{words[field]},{words[message]},"
                f"{'' if line is None else line},{'' if column is None else column}\n"
                for rule, severity, path, field, message, line, column in findings[
                    start : start + PIECE_ROWS
                ]
            ]
        )


def report_text(entries: int, findings: Sequence[FindingRow], *, colour: bool = False) -> str:
    """Findings grouped by rule (worst first), each line ``path[:line:col]: message``."""
    return "".join(report_text_pieces(entries, findings, colour=colour))


def report_text_pieces(
    entries: int, findings: Sequence[FindingRow], *, colour: bool = False
) -> Iterator[str]:
    """:func:`report_text` in pieces of at most :data:`PIECE_ROWS` findings.

    File names are escaped (:func:`escape_name`) and control characters in messages, so
    each finding is exactly one line.
    """
    groups: dict[str, list[FindingRow]] = {}
    for f in findings:
        groups.setdefault(f[0], []).append(f)
    order = sorted(groups, key=lambda r: (severity_rank(groups[r][0][1]), r))
    names = _each(map(itemgetter(2), findings), escape_name)
    text = str if _plain(list(map(itemgetter(4), findings))) else printable
    for rule in order:
        items = groups[rule]
        severity = items[0][1]
        head = f"{rule} ({severity}, {len(items)})"
        if colour:
            head = f"{_BOLD}{_COLOURS.get(severity, '')}{head}{_RESET}"
        yield head + "\n"
        # path[:line[:column]]: message, written inline (a call per finding would cost
        # more than the rest of the line)
        for start in range(0, len(items), PIECE_ROWS):
            yield "".join(
                [
                    f"  {names[path]}: {text(message)}\n"
                    if line is None
                    else f"  {names[path]}:{line}: {text(message)}\n"
                    if column is None
                    else f"  {names[path]}:{line}:{column}: {text(message)}\n"
                    for _, _, path, _, message, line, column in items[start : start + PIECE_ROWS]
                ]
            )
        yield "\n"
    counts = _counts(findings)
    summary = ", ".join(f"{counts[s]} {s if s == 'info' else s + 's'}" for s in SEVERITIES)
    yield f"{entries} entries checked: {summary}\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m editor.check_command``: the same as ``glossary-editor check`` (its guard too)."""
    from editor.cli import main as cli_main

    return cli_main(["check", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
