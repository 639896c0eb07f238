"""The command line: get, set, render, new — exit codes and untouched files on failure."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editor.cli import main


@pytest.fixture
def qa_file(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_get_prints_json_with_iso_dates(qa_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", str(qa_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2024-12-02"
    assert data["related_article1"]["id"] == 71207


def test_get_key(qa_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", str(qa_file), "seo.title"]) == 0
    assert capsys.readouterr().out == "QuickTakes | Business and Management\n"
    assert main(["get", str(qa_file), "seo.nope"]) == 2
    assert "no key 'seo.nope'" in capsys.readouterr().err


def test_set_changes_only_that_field(qa_file: Path) -> None:
    before = qa_file.read_text(encoding="utf-8")
    assert main(["set", str(qa_file), "seo.page_description=Costly, measured, linked."]) == 0
    after = qa_file.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [
        "-    A concession reads as credible when it costs the giver something real, arrives in"
        " measured steps, and is tied to a clear request in return.",
        "+    Costly, measured, linked.",
    ]


def test_set_typed_value_and_dry_run(qa_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = qa_file.read_bytes()
    assert main(["set", str(qa_file), "score:=4.5", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "-score: -1.0\n+score: 4.5\n" in out
    assert qa_file.read_bytes() == before
    assert main(["set", str(qa_file), "score:=4.5"]) == 0
    assert main(["get", str(qa_file), "score"]) == 0
    assert capsys.readouterr().out.strip() == "4.5"


def test_set_bad_json_changes_nothing(qa_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = qa_file.read_bytes()
    assert main(["set", str(qa_file), "author=Ed", "score:={oops"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert qa_file.read_bytes() == before


def test_broken_file_exit_2_with_line_and_column(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.md"
    shutil.copy(fixtures_dir / "broken_yaml.md", broken)
    before = broken.read_bytes()
    assert main(["set", str(broken), "title=Fixed"]) == 2
    err = capsys.readouterr().err
    location = err.split(": ", 1)[0]
    path, line, column = location.rsplit(":", 2)
    assert path == str(broken) and int(line) >= 6 and int(column) >= 1
    assert broken.read_bytes() == before
    assert main(["get", str(broken)]) == 2


def test_seed_round_trips_and_one_field_set(
    tmp_path: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.md"
    shutil.copy(shared_dir / "seeds" / "001_42a604d56eafbd29.txt", seed)
    before = seed.read_text(encoding="utf-8")
    assert main(["set", str(seed), "author=QuickTakes"]) == 0  # same value: no change
    assert seed.read_text(encoding="utf-8") == before
    assert main(["set", str(seed), "related_article2.title=A new related title"]) == 0
    assert _changed_lines(before, seed.read_text(encoding="utf-8")) == [
        "-        What are the primary responsibilities of a mediator?",
        "+        A new related title",
    ]


def test_render_writes_html(qa_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["render", str(qa_file), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<h3" in html and "Signals of cost" in html
    assert "<title>QuickTakes | Business and Management</title>" in html


def test_new_creates_and_refuses_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(tmp_path), "--schema", "glossary", "--title", "Soft Power"]) == 0
    created = Path(capsys.readouterr().out.strip())
    assert created == tmp_path / "soft-power.md"
    before = created.read_bytes()
    assert main(["new", str(tmp_path), "--schema", "glossary", "--title", "Soft power"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert created.read_bytes() == before
    assert main(["new", str(tmp_path), "--schema", "nope", "--title", "X"]) == 2


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get"]) == 2
    assert main(["set", "x.md", "noequals"]) == 2


def test_installed_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "editor", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("glossary-editor ")
