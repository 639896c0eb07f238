"""The README's command examples run as written on a copy of sample_content/."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from editor.cli import main

REPO = Path(__file__).resolve().parent.parent


def readme_commands(verb: str) -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    lines = re.findall(rf"^glossary-editor {verb} .*$", text, flags=re.MULTILINE)
    return [shlex.split(line)[1:] for line in lines if "FOLDER" not in line]


def test_the_new_example_makes_a_new_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "sample_content", tmp_path / "sample_content")
    monkeypatch.chdir(tmp_path)
    commands = readme_commands("new")
    assert commands, "the README shows a 'new' example"
    for argv in commands:
        assert main(argv) == 0, f"README example fails: glossary-editor {shlex.join(argv)}"
