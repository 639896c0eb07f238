"""Entries: load, plan, diff and save through the byte-preserving writer."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest

from editor.content.document import (
    delete_path,
    get_path,
    load_entry,
    planned_bytes,
    save_diff,
    save_entry,
    set_path,
)
from editor.content.errors import ConflictError, ParseError, ReadOnlyError
from editor.content.new_entry import create_entry, slugify
from editor.content.schema import SchemaRegistry


@pytest.fixture
def qa_file(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def test_load_keeps_types_and_body(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    assert entry.schema_name == "default"
    assert entry.data["date"] == dt.date(2024, 12, 2)
    assert entry.data["score"] == -1.0 and isinstance(entry.data["score"], float)
    assert "\\n\\n### Signals of cost" in entry.data["answer"]
    assert entry.body == "\n&nbsp;"
    assert not entry.read_only


def test_unchanged_save_writes_nothing(qa_file: Path) -> None:
    before = qa_file.read_bytes()
    mtime = qa_file.stat().st_mtime_ns
    entry = load_entry(qa_file)
    assert save_entry(entry, copy.deepcopy(entry.data), entry.body) is entry
    assert qa_file.read_bytes() == before
    assert qa_file.stat().st_mtime_ns == mtime
    assert save_diff(entry, entry.data, entry.body) == ""


def test_save_changes_only_that_field(qa_file: Path) -> None:
    before = qa_file.read_text(encoding="utf-8").splitlines()
    entry = load_entry(qa_file)
    data = copy.deepcopy(entry.data)
    data["seo"]["title"] = "QuickTakes | Credible concessions"
    saved = save_entry(entry, data, entry.body)
    after = qa_file.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "  title: QuickTakes | Business and Management",
            "  title: QuickTakes | Credible concessions",
        )
    ]
    assert saved.data == data
    assert not qa_file.read_bytes().endswith(b"\n")


def test_diff_shows_what_a_save_would_write(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    data = copy.deepcopy(entry.data)
    data["subject"] = "Negotiation"
    diff = save_diff(entry, data, entry.body)
    assert "-subject: Business and Management\n+subject: Negotiation\n" in diff
    assert qa_file.read_bytes() == entry.text.encode()


def test_conflict_when_file_changed_on_disk(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    qa_file.write_text(entry.text.replace("Posted on", "Published"), encoding="utf-8")
    theirs = qa_file.read_bytes()
    data = copy.deepcopy(entry.data)
    data["subject"] = "Negotiation"
    with pytest.raises(ConflictError):
        save_entry(entry, data, entry.body)
    assert qa_file.read_bytes() == theirs


def test_bom_is_kept(tmp_path: Path, fixtures_dir: Path) -> None:
    target = tmp_path / "bom.md"
    target.write_bytes(b"\xef\xbb\xbf" + (fixtures_dir / "qa_article.md").read_bytes())
    entry = load_entry(target)
    assert entry.bom
    data = copy.deepcopy(entry.data)
    data["author"] = "Editors"
    assert planned_bytes(entry, data, entry.body).startswith(b"\xef\xbb\xbf---\n")


def test_broken_yaml_reports_line_and_column(fixtures_dir: Path) -> None:
    with pytest.raises(ParseError) as info:
        load_entry(fixtures_dir / "broken_yaml.md")
    assert info.value.line is not None and info.value.line >= 6
    assert info.value.column is not None
    assert str(info.value).startswith(f"{fixtures_dir / 'broken_yaml.md'}:{info.value.line}:")


def test_toml_front_matter_is_read_only(tmp_path: Path) -> None:
    target = tmp_path / "toml.md"
    target.write_text('+++\ntitle = "Soft power"\n+++\nBody\n', encoding="utf-8")
    entry = load_entry(target)
    assert entry.read_only and "TOML" in (entry.read_only_reason or "")
    with pytest.raises(ReadOnlyError):
        save_entry(entry, {"title": "Hard power"}, entry.body)
    assert target.read_text(encoding="utf-8").startswith('+++\ntitle = "Soft power"')


def test_unreadable_path_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="does not exist"):
        load_entry(tmp_path / "missing.md")
    with pytest.raises(ParseError, match="folder"):
        load_entry(tmp_path)


def test_dotted_paths() -> None:
    data: dict[str, object] = {"seo": {"title": "a"}, "faq": [{"question": "q", "answer": "a"}]}
    assert get_path(data, "faq.0.answer") == "a"
    set_path(data, "faq.1", {"question": "q2", "answer": "a2"})
    set_path(data, "seo.focus_keyphrase", "k")
    set_path(data, "related.0", "/glossary/x")
    assert data["related"] == ["/glossary/x"]
    delete_path(data, "faq.0")
    assert get_path(data, "faq.0.question") == "q2"
    with pytest.raises(KeyError):
        get_path(data, "faq.5.answer")
    with pytest.raises(KeyError):
        set_path(data, "faq.9", {})


def test_new_entry_is_named_from_slug_and_refuses_duplicates(tmp_path: Path) -> None:
    registry = SchemaRegistry.load()
    path = create_entry(
        tmp_path, registry["glossary"], "Track-Two Diplomacy", today=dt.date(2026, 1, 5)
    )
    assert path.name == "track-two-diplomacy.md"
    entry = load_entry(path)
    assert entry.data == {
        "_schema": "glossary",
        "date": dt.date(2026, 1, 5),
        "title": "Track-Two Diplomacy",
        "url": "/glossary/track-two-diplomacy",
    }
    before = path.read_bytes()
    with pytest.raises(Exception, match="already exists"):
        create_entry(tmp_path, registry["glossary"], "track two diplomacy")
    assert path.read_bytes() == before


def test_new_qa_entry_ends_like_the_real_files(tmp_path: Path) -> None:
    registry = SchemaRegistry.load()
    path = create_entry(tmp_path, registry["default"], "Why do deadlines move deals?")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("---\n\n&nbsp;")
    entry = load_entry(path)
    assert entry.data["question"] == entry.data["title"] == "Why do deadlines move deals?"
    assert entry.data["file_name"] == "why-do-deadlines-move-deals.md"


def test_slugify() -> None:
    assert slugify("Strategic Leverage") == "strategic-leverage"
    assert slugify("  Zone of Possible Agreement (ZOPA) ") == "zone-of-possible-agreement-zopa"
    assert slugify("Détente") == "detente"
