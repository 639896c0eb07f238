"""``glossary-editor check``: output formats, rule selection and exit codes."""

from __future__ import annotations

import argparse
import base64
import csv
import gc
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import editor.check_command
from editor.check_command import (
    add_check_arguments,
    escape_name,
    printable,
    report_csv,
    report_json,
    report_json_text,
    run_check,
    sorted_findings,
)
from editor.content.seo import Finding
from editor.paths import sample_content_dir

ENTRY = """\
---
_schema: default
title: >-
    {title}
seo:
  title: {seo_title}
  page_description: >-
    {description}
  page_keywords: >-
    one, two
question: >-
    {title}
answer: >-
    Some answer.
url: /learn/{slug}
---

&nbsp;"""
LONG = "A page description that is long enough to stay clear of the short rule, " * 2


def entry(folder: Path, slug: str, *, seo_title: str = "", description: str = LONG) -> None:
    title = f"What is {slug.replace('-', ' ')} and why does it matter here?"
    text = ENTRY.format(
        title=title, seo_title=seo_title or title, description=description, slug=slug
    )
    if not description:
        text = text.replace("  page_description: >-\n    \n", "  page_description: ''\n")
    (folder / f"{slug}.md").write_text(text, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_check_arguments(parser)
    code = run_check(parser.parse_args(list(argv)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    entry(tmp_path, "clean-entry")
    entry(tmp_path, "no-description", description="")
    (tmp_path / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    return tmp_path


def test_json_schema_and_counts(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(folder), "--format", "json")

    doc = json.loads(out)
    assert code == 1 and err == ""
    assert set(doc) == {"version", "folder", "summary", "findings"}
    assert doc["version"] == 1 and doc["folder"] == str(folder)
    summary = doc["summary"]
    assert summary["entries"] == 3
    findings = doc["findings"]
    for f in findings:
        assert set(f) == {"path", "rule", "severity", "field", "message", "line", "column"}
    severities = [f["severity"] for f in findings]
    assert (summary["errors"], summary["warnings"], summary["info"]) == (
        severities.count("error"),
        severities.count("warning"),
        severities.count("info"),
    )
    assert sum(summary["by_rule"].values()) == len(findings)
    parse = [f for f in findings if f["rule"] == "parse-error"]
    assert [(f["path"], f["line"]) for f in parse] == [("broken.md", 3)]
    assert isinstance(parse[0]["column"], int)
    missing = [f for f in findings if f["rule"] == "description-missing"]
    assert [(f["path"], f["field"]) for f in missing] == [
        ("no-description.md", "seo.page_description")
    ]
    assert [f["path"] for f in findings] == sorted(f["path"] for f in findings)


def test_exit_codes_follow_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry(tmp_path, "only-a-warning", seo_title="Duplicate title shared by both pages ok")
    entry(tmp_path, "other-warning", seo_title="Duplicate title shared by both pages ok")

    code, out, _ = run(capsys, str(tmp_path), "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "title-duplicate" in rules and json.loads(out)["summary"]["errors"] == 0
    assert code == 0
    assert run(capsys, str(tmp_path), "--fail-on", "warning")[0] == 1
    assert run(capsys, str(tmp_path), "--fail-on", "warning", "--ignore", "*-duplicate")[0] == 0


def test_fail_on_never_and_rule_selection(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(folder), "--fail-on", "never")[0] == 0
    code, out, _ = run(capsys, str(folder), "--format", "json", "--rule", "parse-error")
    assert code == 1
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"parse-error"}
    code, out, _ = run(capsys, str(folder), "--format", "json", "--ignore", "parse-error",
                       "--ignore", "description-missing")  # fmt: skip
    assert code == 0
    assert {"parse-error", "description-missing"}.isdisjoint(
        f["rule"] for f in json.loads(out)["findings"]
    )


def test_csv_has_a_header_and_one_row_per_finding(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out_json, _ = run(capsys, str(folder), "--format", "json")
    _, out, _ = run(capsys, str(folder), "--format", "csv")

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["path", "rule", "severity", "field", "message", "line", "column"]
    expected = json.loads(out_json)["findings"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(f["path"], f["rule"]) for f in expected]


def test_text_is_grouped_by_rule_without_colour_when_piped(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(folder))

    assert code == 1 and err == ""  # no progress bar: stderr is not a terminal
    assert "\033[" not in out
    lines = out.splitlines()
    header = lines.index("parse-error (error, 1)")
    assert lines[header + 1].startswith("  broken.md:3:")
    assert lines[-1].startswith("3 entries checked: ")


@pytest.mark.parametrize(
    "argv",
    [["--rule", "no-such-rule"], ["--ignore", "zz*"], ["{missing}"]],
)
def test_bad_usage_exits_2_with_a_message(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "missing")) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("glossary-editor check: ")


def test_unreadable_settings_exit_2(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "glossary-editor.yaml").write_text("seo:\n  title_max_chars: [\n", encoding="utf-8")
    code, _, err = run(capsys, str(folder))
    assert code == 2 and "glossary-editor.yaml" in err


def test_no_folder_checks_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "--no-cache", "--fail-on", "never")
    doc = json.loads(out)
    assert code == 0
    assert doc["summary"]["entries"] == len(list(Path(doc["folder"]).rglob("*.md"))) > 0


ODD_NAMES = [
    b"caf\xe9.md",
    b"new\nline.md",
    b"back\\slash.md",
    "uni\u2028x.md".encode(),
    b"tab\t.md",
]


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    """Files whose names are not UTF-8 or hold a newline, tab, backslash or U+2028."""
    for name in ODD_NAMES:
        (tmp_path / os.fsdecode(name)).write_bytes(b"---\ntitle: [oops\n---\n")
    return tmp_path


def test_json_names_are_valid_unicode_with_their_exact_bytes(
    odd_names: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    parser = argparse.ArgumentParser()
    add_check_arguments(parser)
    assert run_check(parser.parse_args([str(odd_names), "--format", "json"])) == 1
    raw = capsysbinary.readouterr().out
    doc = json.loads(raw.decode("utf-8"))  # strict: the output is valid UTF-8
    names = {}
    for f in doc["findings"]:
        exact = base64.b64decode(f["path_bytes"]) if "path_bytes" in f else f["path"].encode()
        names[exact] = f["path"]
    assert sorted(names) == sorted(ODD_NAMES)
    assert names[b"caf\xe9.md"] == "caf\ufffd.md"
    assert names[b"new\nline.md"] == "new\nline.md"


def test_text_and_csv_names_are_escaped_one_finding_a_line(
    odd_names: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text, _ = run(capsys, str(odd_names))
    rows = [line[2:].split(":", 1)[0] for line in text.splitlines() if line.startswith("  ")]
    assert sorted(rows) == sorted(
        ["caf\\xe9.md", "new\\nline.md", "back\\\\slash.md", "uni\\u2028x.md", "tab\\t.md"]
    )
    assert {os.fsencode(unescape(r)) for r in rows} == set(ODD_NAMES)
    _, out, _ = run(capsys, str(odd_names), "--format", "csv")
    lines = out.splitlines()
    assert len(lines) == 1 + len(ODD_NAMES)
    assert sorted(row[0] for row in list(csv.reader(io.StringIO(out)))[1:]) == sorted(rows)


def unescape(name: str) -> str:
    """The reverse of the documented escapes (docs/check-json.md), as a reader would do it."""
    out, i = bytearray(), 0
    while i < len(name):
        if name[i] != "\\":
            out += name[i].encode()
            i += 1
        elif name[i + 1] == "x":
            out.append(int(name[i + 2 : i + 4], 16))
            i += 4
        elif name[i + 1] == "u":
            out += chr(int(name[i + 2 : i + 6], 16)).encode()
            i += 6
        else:
            out += {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\"}[name[i + 1]]
            i += 2
    return os.fsdecode(bytes(out))


def test_json_text_is_the_json_document() -> None:
    """The fast one-line-a-finding writer gives exactly :func:`report_json`'s document."""
    findings = [
        Finding("title-long", "warning", "a/b.md", "seo.title", 'Says "quoted" \\ back', 3, 1),
        Finding("parse-error", "error", "caf\udce9.md", "", "line\nbreak\ttab", None, None),
        Finding("faq-incomplete", "error", "z.md", "faq.\ud800", "ünïcödé \u2028 €", 7, None),
    ]
    text = report_json_text(Path("content"), 3, findings)
    text.encode("utf-8")
    assert json.loads(text) == report_json(Path("content"), 3, findings)
    assert len(text.splitlines()) == 20  # the head, then one line a finding
    assert report_json_text(Path("c"), 0, []).endswith('"findings": []\n}\n')


_FINDINGS = st.builds(
    Finding,
    rule=st.sampled_from(["title-long", "parse-error", "related-broken"]),
    severity=st.sampled_from(["error", "warning", "info"]),
    path=st.sampled_from(["a.md", "b/c.md", "b.md", "caf\udce9.md", "x\n.md", "a\\b.md"]),
    field=st.sampled_from(["", "title", "seo.title", "faq.\ud800"]),
    message=st.text(max_size=12),
    line=st.none() | st.integers(0, 3),
    column=st.none() | st.integers(0, 3),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_FINDINGS, max_size=12))
def test_the_plain_tuple_writers_give_what_the_finding_objects_gave(
    findings: list[Finding],
) -> None:
    """Sorting and writing plain tuples orders and prints as the objects did: by path,
    line and column (None as 0), rule and field; CSV with None as an empty field."""
    wanted = ("title-long", "parse-error")
    by_objects = sorted(
        (f for f in findings if f.rule in wanted),
        key=lambda f: (f.path, f.line or 0, f.column or 0, f.rule, f.field),
    )
    rows = sorted_findings([tuple(f) for f in findings], wanted)  # type: ignore[misc]
    assert rows == [tuple(f) for f in by_objects]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(("path", "rule", "severity", "field", "message", "line", "column"))
    writer.writerows(
        (escape_name(f.path), f.rule, f.severity, printable(f.field), printable(f.message),
         "" if f.line is None else f.line, "" if f.column is None else f.column)
        for f in by_objects
    )  # fmt: skip
    assert report_csv(rows) == expected.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_the_report_is_written_with_the_collector_paused_and_on_again_after(
    folder: Path, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report makes only acyclic objects; a full collection over the index then
    would be waste (the process ends right after)."""
    import editor.cli_common

    seen: list[bool] = []
    real_emit = editor.cli_common.emit_pieces

    def emit_pieces(pieces: Iterable[str]) -> None:
        seen.append(gc.isenabled())
        real_emit(pieces)

    monkeypatch.setattr(editor.cli_common, "emit_pieces", emit_pieces)
    assert gc.isenabled()
    code, out, _ = run(capsys, "--format", fmt, "--fail-on", "never", str(folder))
    assert (code, seen) == (0, [False])
    assert "no-description" in out
    assert gc.isenabled()


def test_the_check_loads_no_process_pool_until_a_cold_build_needs_one() -> None:
    """A warm check never parses: multiprocessing and concurrent.futures are left out."""
    script = (
        "import sys, editor.cli, editor.check_command\n"
        "print(sorted(m for m in sys.modules if m.startswith("
        "('multiprocessing', 'concurrent', 'editor.content.index.pool'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_a_warm_check_loads_neither_the_writer_nor_git(tmp_path: Path) -> None:
    """The command line imports a command's handler when it runs: ``check`` (what CI
    runs, often on an unchanged folder) never needs the writer, the file writer or git."""
    folder = tmp_path / "site"
    shutil.copytree(sample_content_dir(), folder)
    script = (
        "import sys\n"
        "from editor.cli import main\n"
        "code = main(['check', '--fail-on', 'never', '--format', 'json', sys.argv[1]])\n"
        "heavy = ('editor.content.writer', 'editor.content.git_repo', 'editor.content.merge',"
        " 'editor.content.document', 'editor.cli_entry', 'editor.cli_set')\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then warm
        done = subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            capture_output=True, text=True, check=True, timeout=120, env=env,
        )  # fmt: skip
        assert done.stderr.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_a_long_report_is_written_in_pieces_as_it_is_made(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each piece is written before the next is made: a whole 190k-finding report held
    as one string and one UTF-8 copy faulted in ~60 MB for nothing. The pieces make the
    same document as one piece does, whatever the count at the pieces' edges."""
    for n in range(7):
        entry(tmp_path, f"entry-{n}", description="")
    args = ["--format", fmt, "--fail-on", "never", str(tmp_path)]

    def written(rows: int) -> list[bytes]:
        monkeypatch.setattr(editor.check_command, "PIECE_ROWS", rows)
        writes: list[bytes] = []

        class Buffer(io.BytesIO):
            def write(self, data: bytes) -> int:  # type: ignore[override]
                writes.append(bytes(data))
                return len(data)

        out = io.TextIOWrapper(Buffer(), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", out)
        parser = argparse.ArgumentParser()
        add_check_arguments(parser)
        assert run_check(parser.parse_args(args)) == 0
        return writes

    whole = written(10_000)
    findings = b"".join(whole).count(b"entry-")  # each finding names its file once
    assert findings >= 7
    for rows in (1, 2, 3, findings - 1, findings):
        pieces = written(rows)
        assert b"".join(pieces) == b"".join(whole)
        assert len(pieces) > len(whole) or rows == findings
    if fmt == "json":
        assert json.loads(b"".join(whole))["summary"]["entries"] == 7
