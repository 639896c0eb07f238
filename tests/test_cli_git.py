"""merge-file (git's driver contract), git-setup and check --changed-since."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers.git_team import git, isolate_git, make_team

from editor.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_content"
ENTRY = SAMPLE / "anchoring.md"


def write_sides(tmp_path: Path, ours: str, theirs: str) -> tuple[Path, Path, Path]:
    base = ENTRY.read_text(encoding="utf-8")
    paths = (tmp_path / "base.md", tmp_path / "ours.md", tmp_path / "theirs.md")
    for path, text in zip(paths, (base, ours, theirs), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def test_merge_file_writes_the_merge_into_ours_and_exits_0(tmp_path: Path) -> None:
    base = ENTRY.read_text(encoding="utf-8")
    ours = base.replace("subject: Negotiation", "subject: Ours")
    theirs = base.replace("url: /glossary/anchoring", "url: /glossary/anchoring-bias")
    b, o, t = write_sides(tmp_path, ours, theirs)
    assert main(["merge-file", str(b), str(o), str(t)]) == 0
    assert o.read_text(encoding="utf-8") == base.replace(
        "subject: Negotiation", "subject: Ours"
    ).replace("url: /glossary/anchoring", "url: /glossary/anchoring-bias")


def test_merge_file_on_a_field_conflict_keeps_both_sides_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ENTRY.read_text(encoding="utf-8")
    ours = base.replace("subject: Negotiation", "subject: Ours")
    theirs = base.replace("subject: Negotiation", "subject: Theirs")
    b, o, t = write_sides(tmp_path, ours, theirs)
    assert main(["merge-file", str(b), str(o), str(t)]) == 1
    merged = o.read_text(encoding="utf-8")
    assert "subject: Ours" in merged
    assert "subject: Theirs" in merged
    assert "<<<<<<< ours" in merged
    assert "changed on both sides: subject" in capsys.readouterr().err


def test_merge_file_falls_back_to_a_line_merge_for_files_it_cannot_read(tmp_path: Path) -> None:
    b, o, t = (tmp_path / n for n in ("b", "o", "t"))
    b.write_text("a\nb\nc\n", encoding="utf-8")
    o.write_text("A\nb\nc\n", encoding="utf-8")
    t.write_text("a\nb\nC\n", encoding="utf-8")
    assert main(["merge-file", str(b), str(o), str(t)]) == 0
    assert o.read_text(encoding="utf-8") == "A\nb\nC\n"


def test_git_setup_writes_attributes_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    team = make_team(tmp_path, SAMPLE)
    assert main(["git-setup", str(team.alice), "--command", "my-editor"]) == 0
    assert main(["git-setup", str(team.alice), "--command", "my-editor"]) == 0  # idempotent
    attributes = (team.alice / ".gitattributes").read_text(encoding="utf-8")
    assert attributes.splitlines().count("*.md merge=glossary-editor") == 1
    driver = git(team.alice, "config", "merge.glossary-editor.driver").strip()
    assert driver == "my-editor merge-file --marker-size=%L %O %A %B"
    assert "merge=glossary-editor" in capsys.readouterr().out


def test_check_changed_since_reports_only_changed_entries_but_sees_the_whole_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    team = make_team(tmp_path, SAMPLE)
    folder = team.alice
    # A new entry whose SEO title duplicates an unchanged entry's: the corpus rule must
    # still see the unchanged one to report the duplicate on the new entry.
    text = (folder / "batna.md").read_text(encoding="utf-8")
    shutil.copy(folder / "batna.md", folder / "batna-copy.md")
    (folder / "batna-copy.md").write_text(
        text.replace("url: /glossary/batna", "url: /glossary/batna-copy"), encoding="utf-8"
    )
    assert main(["check", str(folder), "--format", "json", "--fail-on", "never",
                 "--changed-since", "HEAD", "--no-cache"]) == 0  # fmt: skip
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["path"] for f in findings} == {"batna-copy.md"}
    assert "title-duplicate" in {f["rule"] for f in findings}
    assert main(["check", str(folder), "--changed-since", "no-such-ref", "--no-cache"]) == 2
