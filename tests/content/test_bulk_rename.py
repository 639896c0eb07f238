"""Renaming an entry's slug: file, url, every reference, one undo, git mv in a checkout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from editor.content.bulk.links import backlinks
from editor.content.bulk.rename import apply_rename, plan_rename, undo_rename
from editor.content.document import load_entry
from editor.content.errors import ContentError

TARGET = """---
title: Old Term
file_name: old-term.md
url: /glossary/old-term
---
Body.
"""
LINKING = """---
title: Linking
related:
    - /glossary/old-term
    - /glossary/old-term-two
related_article1:
    url: /glossary/old-term/
answer: >-
    See [the term](/glossary/old-term#use) and https://example.com/glossary/old-term.
---
Also [here](/glossary/old-term).
"""
UNRELATED = "---\ntitle: Two\nurl: /glossary/old-term-two\n---\n"


@pytest.fixture
def folder(folder: Path) -> Path:
    (folder / "old-term.md").write_text(TARGET)
    (folder / "linking.md").write_text(LINKING)
    (folder / "old-term-two.md").write_text(UNRELATED)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def test_rename_rewrites_every_reference_and_undo_restores_all(folder: Path) -> None:
    before = _snapshot(folder)
    rename = plan_rename(folder, folder / "old-term.md", "new-term")
    assert (rename.old_url, rename.new_url, rename.references) == (
        "/glossary/old-term", "/glossary/new-term", 1
    )  # fmt: skip
    applied = apply_rename(rename)
    assert not (folder / "old-term.md").exists()
    moved = load_entry(folder / "new-term.md").data
    assert (moved["url"], moved["file_name"]) == ("/glossary/new-term", "new-term.md")
    linking = load_entry(folder / "linking.md")
    assert linking.data["related"] == ["/glossary/new-term", "/glossary/old-term-two"]
    assert linking.data["related_article1"]["url"] == "/glossary/new-term/"
    assert "[the term](/glossary/new-term#use)" in linking.data["answer"]
    assert "https://example.com/glossary/old-term." in linking.data["answer"]  # not ours
    assert linking.body == "Also [here](/glossary/new-term).\n"
    assert (folder / "old-term-two.md").read_bytes() == before["old-term-two.md"]
    undo_rename(applied)
    assert _snapshot(folder) == before


def test_rename_refuses_a_bad_slug_and_a_taken_name(folder: Path) -> None:
    with pytest.raises(ContentError, match="not a slug"):
        plan_rename(folder, folder / "old-term.md", "New Term")
    with pytest.raises(ContentError, match="exists already"):
        plan_rename(folder, folder / "old-term.md", "old-term-two")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_rename_in_a_git_checkout_is_a_git_mv(folder: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=folder, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    applied = apply_rename(plan_rename(folder, folder / "old-term.md", "new-term"))
    assert "RM old-term.md -> new-term.md\n" in git("status", "--porcelain")  # a rename
    undo_rename(applied)
    assert git("status", "--porcelain") == ""


def test_backlinks_name_each_linking_entry_and_its_fields(folder: Path) -> None:
    found = backlinks(folder, folder / "old-term.md", "/glossary/old-term")
    assert found == [
        (folder / "linking.md", ["related.0", "related_article1.url", "answer", "body"])
    ]
    assert backlinks(folder, folder / "old-term-two.md", "/glossary/old-term-two") == [
        (folder / "linking.md", ["related.1"])
    ]
