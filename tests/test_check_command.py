"""``glossary-editor check``: output formats, rule selection and exit codes."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

from editor.check_command import add_check_arguments, run_check

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
