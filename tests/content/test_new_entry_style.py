"""New entries take the next free id and the folder's own indentation and styles."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from editor.content.document import load_entry
from editor.content.folder_style import learn_style
from editor.content.new_entry import create_entry
from editor.content.schema import SchemaRegistry

TODAY = dt.date(2025, 1, 2)

TWO_SPACE = """---
_schema: glossary
id: 41
date: 2024-01-01
title: Plain Title {n}
definition: >-
  Two-space folded text.
url: /glossary/plain-title-{n}
---
"""


def test_next_free_id_and_the_samples_style(sample_folder: Path) -> None:
    registry = SchemaRegistry.load(sample_folder)
    ids = [load_entry(p).data.get("id") for p in sample_folder.glob("*.md")]
    path = create_entry(sample_folder, registry["default"], "Why test", today=TODAY)
    entry = load_entry(path)
    assert entry.data["id"] == max(i for i in ids if isinstance(i, int)) + 1
    assert "title: >-\n    Why test\n" in entry.text  # the sample's folded, 4 spaces
    second = create_entry(sample_folder, registry["glossary"], "Shuttle talks", today=TODAY)
    assert load_entry(second).data["id"] == entry.data["id"] + 1


def test_indentation_and_plain_values_are_learnt(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"e{n}.md").write_text(TWO_SPACE.format(n=n), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "big.md").write_text("---\nid: 977\n_schema: other\n---\n")
    registry = SchemaRegistry.load(tmp_path)
    style = learn_style(tmp_path, "glossary")
    assert style.next_id == 978
    assert style.indent == 2
    assert style.is_folded("definition") and not style.is_folded("title")
    path = create_entry(tmp_path, registry["glossary"], "New: a term", today=TODAY)
    text = path.read_text(encoding="utf-8")
    assert "\nid: 978\n" in text
    # plain like its neighbours unless plain YAML would misread it (": " in the term)
    assert "title: >-\n  New: a term\n" in text
    path = create_entry(tmp_path, registry["glossary"], "Second term", today=TODAY)
    assert "\ntitle: Second term\n" in path.read_text(encoding="utf-8")
    assert load_entry(path).data["title"] == "Second term"


def test_an_empty_folder_keeps_the_seed_style(tmp_path: Path) -> None:
    registry = SchemaRegistry.load(tmp_path)
    path = create_entry(tmp_path, registry["glossary"], "Lone term", today=TODAY)
    text = path.read_text(encoding="utf-8")
    assert "\nid:" not in text
    assert "title: >-\n    Lone term\n" in text


def test_sample_content_is_untouched_by_learning(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).resolve().parents[2] / "sample_content", tmp_path / "c")
    before = {p: p.read_bytes() for p in (tmp_path / "c").glob("*.md")}
    learn_style(tmp_path / "c", "glossary")
    assert {p: p.read_bytes() for p in (tmp_path / "c").glob("*.md")} == before
