"""Typed fields from a site's configuration, driven as an editor would."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from editor.content.document import load_entry
from editor.content.schema import SchemaRegistry
from editor.ui import dialogs
from editor.ui.form.field_types import (
    ColorEditor,
    MediaEditor,
    MultiSelectEditor,
    RangeEditor,
    SelectEditor,
    TagsEditor,
)
from editor.ui.form.form import EntryForm

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
ENTRIES = {
    "cloudcannon": ["content/glossary/vector.md", "content/glossary/prism.md"],
    "frontmatter": ["content/posts/flexbox.md", "content/posts/grid.md"],
    "decap": ["content/terms/orbit.md", "content/terms/basalt.md"],
    "hugo": ["content/docs/install.md"],
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A writable copy of the fixture sites (the picker copies files into them)."""
    target = tmp_path / "sites"
    shutil.copytree(SITES, target)
    return target


@pytest.fixture
def form(qtbot: Any) -> EntryForm:
    widget = EntryForm()
    qtbot.addWidget(widget)
    widget.resize(820, 1000)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_entry(form: EntryForm, root: Path, rel: str) -> dict[str, Any]:
    registry = SchemaRegistry.load(root)
    entry = load_entry(root / rel)
    form.load(registry.for_file(entry.data, root / rel), entry.data, entry.body)
    return entry.data


def label_texts(form: EntryForm) -> list[str]:
    return [w.text() for w in form.findChildren(QLabel) if w.isVisibleTo(form)]


@pytest.mark.parametrize(("name", "rel"), [(n, r) for n, rels in ENTRIES.items() for r in rels])
def test_untouched_typed_fields_give_back_the_loaded_data(
    form: EntryForm, site: Path, name: str, rel: str
) -> None:
    data = open_entry(form, site / name, rel)
    assert form.values() == data
    assert not form.is_modified()


def test_cloudcannon_form_has_its_field_types_options_and_required_marks(
    form: EntryForm, site: Path
) -> None:
    open_entry(form, site / "cloudcannon", "content/glossary/vector.md")
    subject = form.editor("subject")
    assert isinstance(subject, SelectEditor)
    assert subject.options() == [
        "(none)", "Mathematics", "Physics", "Digital Media"
    ]  # fmt: skip
    assert not subject.combo.isEditable()  # only the listed subjects are allowed
    assert isinstance(form.editor("tags"), MultiSelectEditor)
    assert isinstance(form.editor("image"), MediaEditor)
    assert isinstance(form.editor("level"), RangeEditor)
    assert isinstance(form.editor("accent"), ColorEditor)
    assert "Title *" in label_texts(form)
    assert form.seo_fields_label.text().startswith("SEO fields: title ← title")


def test_select_change_is_written_and_clears_its_message(
    form: EntryForm, site: Path, qtbot: Any
) -> None:
    open_entry(form, site / "cloudcannon", "content/glossary/prism.md")
    assert "not one of the allowed values" in form.field_checks.message("subject")
    subject = form.editor("subject")
    assert isinstance(subject, SelectEditor)
    subject.combo.setFocus()
    qtbot.keyClicks(subject.combo, "Phy")  # type-ahead in a closed combo box
    assert subject.combo.currentText() == "Physics"
    assert form.values()["subject"] == "Physics"
    assert form.field_checks.message("subject") == ""


def test_tags_are_added_from_the_line_and_removed_by_their_chip(
    form: EntryForm, site: Path, qtbot: Any
) -> None:
    data = open_entry(form, site / "frontmatter", "content/posts/flexbox.md")
    tags = form.editor("tags")
    assert isinstance(tags, TagsEditor)
    completer = tags.edit.completer()
    assert completer is not None
    words = completer.model().index(0, 0).data()
    assert words == "css"  # the taxonomy's tags are offered
    qtbot.keyClicks(tags.edit, "seo")
    qtbot.keyClick(tags.edit, Qt.Key.Key_Return)
    assert form.values()["tags"] == [*data["tags"], "seo"]
    chip = next(
        c for c in tags.chips_box.children() if getattr(c, "text", lambda: "")() == "css  ✕"
    )
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert form.values()["tags"] == ["html", "seo"]


def test_image_picker_copies_the_file_into_uploads_under_a_slugged_name(
    form: EntryForm, site: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = site / "cloudcannon"
    open_entry(form, root, "content/glossary/prism.md")
    assert "is not in the site" in form.field_checks.message("image")
    picked = tmp_path / "My Photo (1).PNG"
    shutil.copy(root / "images" / "uploads" / "diagram.png", picked)
    monkeypatch.setattr(dialogs, "open_file", lambda *_a, **_k: picked)
    image = form.editor("image")
    assert isinstance(image, MediaEditor)
    assert image.thumbnail.text() == "Missing"
    qtbot.mouseClick(image.pick_button, Qt.MouseButton.LeftButton)
    copied = root / "images" / "uploads" / "my-photo-1.png"
    assert copied.read_bytes() == picked.read_bytes()
    assert form.values()["image"] == "/images/uploads/my-photo-1.png"
    assert image.thumbnail.pixmap() is not None and not image.thumbnail.pixmap().isNull()
    assert form.field_checks.message("image") == ""


def test_validation_messages_show_next_to_the_fields(
    form: EntryForm, site: Path, qtbot: Any
) -> None:
    open_entry(form, site / "decap", "content/terms/basalt.md")
    assert "at most 3" in form.field_checks.message("level")
    assert "Lowercase letters and hyphens only" in form.field_checks.message("slug")
    slug = form.editor("slug")
    assert slug is not None
    slug.focus()
    qtbot.keyClick(slug.focus_widget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(slug.focus_widget(), "basalt")
    assert form.field_checks.message("slug") == ""
    open_entry(form, site / "cloudcannon", "content/glossary/prism.md")
    assert "must be a date" in form.field_checks.message("date")
    assert "at most 5" in form.field_checks.message("level")  # the slider stops at 5; 9 is kept


def test_what_the_form_cannot_edit_yet_is_kept_on_save(
    form: EntryForm, site: Path, qtbot: Any
) -> None:
    from editor.content.document import planned_bytes

    root = site / "frontmatter"
    path = root / "content/posts/grid.md"
    entry = load_entry(path)
    registry = SchemaRegistry.load(root)
    schema = registry.for_file(entry.data, path)
    series = schema.field("series")
    assert series is not None and series.kind == "other"
    form.load(schema, entry.data, entry.body)
    title = form.editor("title")
    assert title is not None
    title.focus()
    qtbot.keyClick(title.focus_widget(), Qt.Key.Key_End)
    qtbot.keyClicks(title.focus_widget(), "!")
    after = planned_bytes(entry, form.values(), form.body(), schema.key_order()).decode()
    before = path.read_text(encoding="utf-8")
    assert after == before.replace("title: Grid areas\n", "title: Grid areas!\n")
    assert "series: layout\n" in after
