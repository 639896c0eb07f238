"""``replace`` and ``set`` over many files from the command line: diff, exit codes, batch."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from editor.cli import main
from editor.content.document import load_entry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def folder(sample_folder: Path) -> Path:
    """The commands here run on a copy of the sample folder."""
    return sample_folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def test_replace_dry_run_prints_the_diff_and_writes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    code = main(["replace", str(folder), "BATNA", "Walk-away", "--case", "--word",
                 "--field", "seo.title", "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert _snapshot(folder) == before
    assert out.startswith("--- a/batna.md\n+++ b/batna.md\n")
    assert "-    BATNA: Best Alternative to a Negotiated Agreement\n" in out
    assert "+    Walk-away: Best Alternative to a Negotiated Agreement\n" in out
    assert sum(line.startswith("+    ") for line in out.splitlines()) == out.count("+++ ")


def test_replace_writes_only_the_matching_lines(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    assert main(["replace", str(folder), r"(\w+) power", r"\1 clout", "--regex"]) == 0
    err = capsys.readouterr().err
    assert "replaced" in err
    after = _snapshot(folder)
    changed = [name for name in before if before[name] != after[name]]
    assert changed
    for name in changed:
        old, new = before[name].splitlines(), after[name].splitlines()
        assert len(old) == len(new)
        for a, b in zip(old, new, strict=True):
            assert b == re.sub(rb"(\w+) power", rb"\1 clout", a, flags=re.IGNORECASE)


def test_replace_list_shows_each_match_in_context(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replace", str(folder), "reservation point", "RP", "--list"]) == 0
    captured = capsys.readouterr()
    assert "batna.md: context: …" in captured.out
    assert "[reservation point → RP]" in captured.out
    assert "matches in" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["(", "x", "--regex"], "invalid regular expression"),
        (["a", r"\9", "--regex"], "invalid replacement"),
    ],
)
def test_replace_bad_pattern_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["replace", str(folder), *args]) == 2
    assert message in capsys.readouterr().err


def test_replace_with_a_read_only_file_changes_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = folder / "batna.md"
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m: Path(p) != locked and real(p, m))
    before = _snapshot(folder)
    assert main(["replace", str(folder), "negotiation", "bargaining"]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "batna.md: the file is read-only" in err
    assert _snapshot(folder) == before


def test_set_on_a_folder_with_a_filter_is_one_batch(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subjects = {p.name: load_entry(p).data.get("subject") for p in folder.glob("*.md")}
    target = {n for n, s in subjects.items() if s == "Negotiation"}
    assert target and len(target) < len(subjects)
    before = _snapshot(folder)
    assert main(["set", str(folder), "subject=Bargaining", "--where", "subject=Negotiation"]) == 0
    after = _snapshot(folder)
    assert {n for n in before if before[n] != after[n]} == target
    assert all(load_entry(folder / n).data["subject"] == "Bargaining" for n in target)


def test_set_on_several_files_dry_run(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(folder / "batna.md"), str(folder / "anchoring.md")]
    before = _snapshot(folder)
    assert main(["set", *files, "seo.focus_keyphrase=x", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("+++ ") == 2 and "+  focus_keyphrase: x\n" in out
    assert _snapshot(folder) == before


def test_set_on_several_files_refuses_all_when_one_fails(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = folder / "broken.md"
    broken.write_text("---\ntitle: [oops\n---\n")
    before = _snapshot(folder)
    assert main(["set", str(folder / "batna.md"), str(broken), "subject=X"]) == 2
    assert "broken.md:3:1: invalid YAML" in capsys.readouterr().err
    assert _snapshot(folder) == before


def test_set_on_one_file_keeps_its_messages(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set", str(folder / "batna.md"), "nonsense"]) == 2
    assert "write KEY=VALUE" in capsys.readouterr().err


def test_rename_dry_run_then_rename(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = folder / "batna.md"
    url = load_entry(target).data["url"]
    linking = [p.name for p in folder.glob("*.md") if url in load_entry(p).data.get("related", [])]
    assert linking
    before = _snapshot(folder)
    assert main(["rename", str(target), "walk-away", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert _snapshot(folder) == before
    assert out.endswith("rename batna.md -> walk-away.md\n")
    assert f"+    - {url.rsplit('/', 1)[0]}/walk-away\n" in out
    assert main(["rename", str(target), "walk-away"]) == 0
    assert not target.exists()
    assert load_entry(folder / "walk-away.md").data["url"].endswith("/walk-away")
    for name in linking:
        assert url not in load_entry(folder / name).data["related"]
    assert main(["rename", str(folder / "walk-away.md"), "Bad Slug"]) == 2
    assert "not a slug" in capsys.readouterr().err
