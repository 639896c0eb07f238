"""A key the schema does not list inside a declared group (``seo.og_image``) shows under
"Other fields", edits, and survives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from editor.content.document import load_entry
from editor.content.schema import SchemaRegistry
from editor.ui.form.fields import LineEditor
from editor.ui.form.form import OTHER_FIELDS, EntryForm


def test_nested_unknown_key_is_shown_and_kept(qtbot: QtBot, sample_folder: Path) -> None:
    registry = SchemaRegistry.load(sample_folder)
    entry = load_entry(sample_folder / "strategic-leverage.md")
    data = dict(entry.data)
    data["seo"] = {**data["seo"], "og_image": "/img/leverage.png"}
    schema = registry.for_data(data)
    extras = schema.extra_fields(data)
    assert [(f.path, [c.path for c in f.fields]) for f in extras] == [("seo", ["seo.og_image"])]
    form = EntryForm()
    qtbot.addWidget(form)
    form.resize(800, 900)
    form.show()
    form.load(schema, data, entry.body)
    editor = form.editor("seo.og_image")
    assert isinstance(editor, LineEditor)
    assert editor.edit.text() == "/img/leverage.png"
    qtbot.waitUntil(editor.edit.isVisible)
    visible = [w.text() for w in form.findChildren(QLabel) if w.isVisibleTo(form)]
    assert OTHER_FIELDS in visible
    assert form.values() == data
    editor.edit.setText("/img/other.png")
    assert form.values()["seo"]["og_image"] == "/img/other.png"
    assert form.values()["seo"]["title"] == data["seo"]["title"]
    assert form.editor("seo.title") is not None
