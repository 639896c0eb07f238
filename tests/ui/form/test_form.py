"""The schema-driven entry form, driven through its real widgets."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers.keys import type_at_end
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from editor.content.frontmatter import load_bytes
from editor.content.schema import SchemaRegistry
from editor.content.seo.rules import Finding
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.fields import DateEditor, LineEditor, NumberEditor, TextEditor
from editor.ui.form.form import OTHER_FIELDS, EntryForm
from editor.ui.form.related_editor import BROKEN_TIP, RelatedEditor

# The offscreen platform warns about what it cannot do (size hints, raise, grabs).

GLOSSARY = "strategic-leverage.md"
QANDA = "how-does-a-batna-shape-negotiating-power.md"


def read_entry(folder: Path, name: str) -> tuple[dict[str, Any], str]:
    split, data, _ = load_bytes((folder / name).read_bytes())
    return data, split.body


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


@pytest.fixture
def form(qtbot: Any) -> EntryForm:
    widget = EntryForm()
    qtbot.addWidget(widget)
    widget.resize(820, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def glossary(sample_folder: Path) -> tuple[dict[str, Any], str]:
    return read_entry(sample_folder, GLOSSARY)


def load(
    form: EntryForm, registry: SchemaRegistry, data: dict[str, Any], body: str | None, **kw: Any
) -> None:
    form.load(registry.for_data(data), data, body, **kw)


def line(form: EntryForm, path: str) -> QLineEdit:
    editor = form.editor(path)
    assert isinstance(editor, LineEditor | NumberEditor)
    return editor.edit


def text(form: EntryForm, path: str) -> QPlainTextEdit:
    editor = form.editor(path)
    assert isinstance(editor, TextEditor)
    return editor.edit


def assert_same_except(new: dict[str, Any], old: dict[str, Any], changed: set[str]) -> None:
    assert set(new) == set(old)
    for key, value in old.items():
        if key in changed:
            continue
        assert new[key] == value, key
        assert type(new[key]) is type(value), key
        if not isinstance(value, dict | list):
            assert new[key] is value, key  # untouched scalars are the loaded objects


def test_loading_emits_nothing_and_gives_the_data_back(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    with qtbot.assertNotEmitted(form.edited):
        load(form, registry, data, body)
    assert form.values() == data
    assert_same_except(form.values(), data, set())
    assert form.body() == body
    assert not form.is_modified()
    assert line(form, "seo.title").text() == data["seo"]["title"]
    assert "glossary" in form.schema_label.text().lower()


def test_typing_in_definition_changes_only_definition(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    with qtbot.waitSignal(form.edited):
        type_at_end(qtbot, text(form, "definition"), " Added.")
    values = form.values()
    assert values["definition"] == data["definition"] + " Added."
    assert_same_except(values, data, {"definition"})
    assert form.is_modified()
    assert form.body() == body


def test_undo_restores_the_text(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    edit = line(form, "title")
    type_at_end(qtbot, edit, "xyz")
    assert form.values()["title"] == data["title"] + "xyz"
    for _ in range(3):
        qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        if edit.text() == data["title"]:
            break
    assert edit.text() == data["title"]
    assert not form.is_modified()
    definition = text(form, "definition")
    type_at_end(qtbot, definition, " more")
    definition.undo()
    assert definition.toPlainText() == data["definition"]
    assert not form.is_modified()


def test_absent_keys_stay_absent_and_cleared_fields_become_empty(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    del data["pronunciation"]
    del data["seo"]["focus_keyphrase"]
    load(form, registry, data, body)
    pron = line(form, "pronunciation")
    type_at_end(qtbot, pron, "ab")
    qtbot.keyClick(pron, Qt.Key.Key_Backspace)
    qtbot.keyClick(pron, Qt.Key.Key_Backspace)
    assert "pronunciation" not in form.values()
    assert "focus_keyphrase" not in form.values()["seo"]
    type_at_end(qtbot, line(form, "seo.focus_keyphrase"), "leverage")
    line(form, "subject").clear()  # programmatic clear counts as the widget's state
    values = form.values()
    assert values["seo"]["focus_keyphrase"] == "leverage"
    assert list(values["seo"]) == [*data["seo"], "focus_keyphrase"]
    assert values["subject"] == ""


def test_numbers_and_dates_keep_their_types(
    form: EntryForm, registry: SchemaRegistry, sample_folder: Path, qtbot: QtBot
) -> None:
    data, body = read_entry(sample_folder, QANDA)
    assert isinstance(data["score"], float)
    assert isinstance(data["id"], int)
    assert isinstance(data["date"], dt.date)
    load(form, registry, data, body)
    assert line(form, "score").text() == str(data["score"])
    score = line(form, "score")
    score.selectAll()
    qtbot.keyClicks(score, "2")
    ident = line(form, "id")
    type_at_end(qtbot, ident, "5")
    values = form.values()
    assert values["score"] == 2.0
    assert isinstance(values["score"], float)
    assert values["id"] == data["id"] * 10 + 5
    assert type(values["id"]) is int
    assert values["date"] is data["date"]
    date_editor = form.editor("date")
    assert isinstance(date_editor, DateEditor)
    date_editor.edit.setDate(QDate(2025, 3, 4))
    assert form.values()["date"] == dt.date(2025, 3, 4)


def test_an_absent_date_stays_absent_until_set(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    del data["date"]
    load(form, registry, data, body)
    editor = form.editor("date")
    assert isinstance(editor, DateEditor)
    assert editor.edit.text() == "Not set"
    assert "date" not in form.values()
    editor.edit.setFocus()
    with qtbot.waitSignal(form.edited):
        qtbot.keyClick(editor.edit, Qt.Key.Key_Up)
    assert form.values()["date"] == dt.date.today()
    assert list(form.values()).index("date") == len(data)  # a new key is appended


def test_unknown_keys_show_under_other_fields_and_survive(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    data["reviewed_by"] = "Ana"
    data["extra"] = {"flag": True, "count": 3}
    load(form, registry, data, body)
    assert form.findChild(type(form.schema_label)) is not None
    headers = [w.text() for w in form.findChildren(type(form.schema_label)) if w.isVisibleTo(form)]
    assert OTHER_FIELDS in headers
    reviewer = line(form, "reviewed_by")
    qtbot.waitUntil(reviewer.isVisible)
    assert reviewer.text() == "Ana"
    assert form.values() == data
    type_at_end(qtbot, reviewer, "!")
    values = form.values()
    assert values["reviewed_by"] == "Ana!"
    assert values["extra"] == {"flag": True, "count": 3}
    # Loading an entry without extras hides the section again.
    plain = copy.deepcopy(data)
    del plain["reviewed_by"], plain["extra"]
    load(form, registry, plain, body)
    assert form.editor("reviewed_by") is None
    headers = [w.text() for w in form.findChildren(type(form.schema_label)) if w.isVisibleTo(form)]
    assert OTHER_FIELDS not in headers


def test_widgets_are_reused_for_the_same_schema(
    form: EntryForm, registry: SchemaRegistry, sample_folder: Path, qtbot: QtBot
) -> None:
    first, body1 = read_entry(sample_folder, GLOSSARY)
    second, body2 = read_entry(sample_folder, "batna.md")
    load(form, registry, first, body1)
    editor = form.editor("definition")
    with qtbot.assertNotEmitted(form.edited):
        load(form, registry, second, body2)
    assert form.editor("definition") is editor
    assert form.values() == second
    assert not form.is_modified()


def test_read_only_makes_every_editor_read_only(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body, read_only=True)
    for edit in form.findChildren(QLineEdit):
        if edit.isVisible() and edit.objectName() != "qt_spinbox_lineedit":
            assert edit.isReadOnly() or not edit.isEnabled(), edit.accessibleName()
    for text_edit in form.findChildren(QPlainTextEdit):
        assert text_edit.isReadOnly()
    faq = form.editor("faq")
    assert isinstance(faq, FaqEditor)
    assert not faq.add_button.isEnabled()
    assert not faq.cards[0].remove_button.isEnabled()
    with qtbot.assertNotEmitted(form.edited):
        type_at_end(qtbot, text(form, "definition"), "zz")
        type_at_end(qtbot, line(form, "title"), "zz")
    assert not form.is_modified()
    assert "read only" in form.schema_label.text()


def test_accessible_names_are_the_labels(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str]
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    schema = registry["glossary"]
    for path, label in (
        ("title", "Term"),
        ("definition", "Definition"),
        ("seo.title", "SEO title"),
    ):
        field = schema.field(path)
        assert field is not None
        assert field.label == label
        editor = form.editor(path)
        assert editor is not None
        assert editor.focus_widget().accessibleName() == label


def test_tab_follows_the_form(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    title = line(form, "title")
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    pron = line(form, "pronunciation")
    qtbot.waitUntil(pron.hasFocus)
    qtbot.keyClick(pron, Qt.Key.Key_Tab)
    definition = text(form, "definition")
    qtbot.waitUntil(definition.hasFocus)


def test_focus_field_scrolls_and_focuses(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    assert form.focus_field("seo.title")
    qtbot.waitUntil(line(form, "seo.title").hasFocus)
    assert form.focus_field("faq.1.answer")
    faq = form.editor("faq")
    assert isinstance(faq, FaqEditor)
    answer = faq.cards[1].editors["answer"]
    assert isinstance(answer, TextEditor)
    qtbot.waitUntil(answer.edit.hasFocus)
    qtbot.waitUntil(lambda: not answer.edit.visibleRegion().isEmpty())
    assert form.focus_field("seo")  # a group: its first field
    qtbot.waitUntil(line(form, "seo.title").hasFocus)
    assert not form.focus_field("no_such_field")
    assert not form.focus_field("faq.9.answer")


def test_findings_list_jumps_to_the_field(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    findings = [
        Finding("keywords-missing", "warning", GLOSSARY, "seo.page_keywords", "No keywords"),
        Finding("title-missing", "error", GLOSSARY, "seo.title", "No SEO title"),
    ]
    form.set_findings(findings)
    assert form.findings.fields() == ["seo.title", "seo.page_keywords"]  # worst first
    item = form.findings.item(1)
    form.findings.itemActivated.emit(item)
    qtbot.waitUntil(line(form, "seo.page_keywords").hasFocus)
    form.set_findings([])
    assert form.findings.fields() == []


def test_related_completion_and_broken_flags(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    related = form.editor("related")
    assert isinstance(related, RelatedEditor)
    assert related.texts() == data["related"]
    known = [(data["related"][0], "BATNA"), ("/glossary/zopa", "Zone of possible agreement")]
    form.set_related_candidates(known)
    assert not related.is_broken(0)
    assert related.is_broken(1)
    assert related.list.item(1).toolTip() == BROKEN_TIP
    assert not related.list.item(1).icon().isNull()

    related.add_edit.setFocus()
    qtbot.keyClicks(related.add_edit, "possible")
    completer = related.completer
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "Zone of possible agreement — /glossary/zopa"
    with qtbot.waitSignal(form.edited):
        completer.activated.emit(completer.currentCompletion())
    assert related.texts()[-1] == "/glossary/zopa"
    assert not related.is_broken(related.list.count() - 1)
    qtbot.waitUntil(lambda: related.add_edit.text() == "")
    qtbot.keyClicks(related.add_edit, "/glossary/nowhere")
    qtbot.keyClick(related.add_edit, Qt.Key.Key_Return)
    assert related.is_broken(related.list.count() - 1)
    assert form.values()["related"] == [*data["related"], "/glossary/zopa", "/glossary/nowhere"]


def test_qanda_shows_only_present_related_articles(
    form: EntryForm, registry: SchemaRegistry, sample_folder: Path, qtbot: QtBot
) -> None:
    data, body = read_entry(sample_folder, QANDA)
    present = [k for k in data if k.startswith("related_article")]
    assert present and len(present) < 5
    load(form, registry, data, body)
    shown = [n for n in range(1, 6) if line(form, f"related_article{n}.title").isVisibleTo(form)]
    assert shown == [int(k[-1]) for k in present]
    nxt = len(present) + 1
    add = next(b for b in form.findChildren(QPushButton) if b.text() == "Add related article")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    new_title = line(form, f"related_article{nxt}.title")
    assert new_title.isVisibleTo(form)
    assert f"related_article{nxt}" not in form.values()  # shown, still nothing typed
    qtbot.keyClicks(new_title, "Another question?")
    assert form.values()[f"related_article{nxt}"] == {"title": "Another question?"}
    # The body ("&nbsp;") is not in the schema but is kept and shown.
    assert form.body() == body


def test_generic_schema_entries_edit_too(
    form: EntryForm, registry: SchemaRegistry, qtbot: QtBot
) -> None:
    data = {
        "_schema": "recipe",
        "name": "Soup",
        "serves": 4,
        "tags": ["hot", "easy"],
        "steps": [{"text": "Boil", "minutes": 10}],
    }
    load(form, registry, data, None)
    assert "unknown schema" in form.schema_label.text()
    assert form.values() == data
    type_at_end(qtbot, line(form, "name"), "!")
    values = form.values()
    assert values["name"] == "Soup!"
    assert values["serves"] == 4 and values["tags"] == ["hot", "easy"]
    assert values["steps"] == data["steps"]
    assert form.body() is None


def test_text_fields_grow_with_content(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    data["context"] = "one line"
    load(form, registry, data, body)
    edit = text(form, "context")
    small = edit.height()
    edit.setPlainText("\n".join(f"line {i}" for i in range(8)))
    qtbot.waitUntil(lambda: edit.height() > small)
    middle = edit.height()
    edit.setPlainText("\n".join(f"line {i}" for i in range(60)))
    qtbot.waitUntil(lambda: edit.height() > middle)
    assert edit.verticalScrollBar().maximum() > 0  # capped: the rest scrolls
    assert edit.height() < 20 * edit.fontMetrics().lineSpacing()


def test_seo_meter_follows_typing(
    form: EntryForm, registry: SchemaRegistry, glossary: tuple[dict[str, Any], str], qtbot: QtBot
) -> None:
    data, body = glossary
    load(form, registry, data, body)
    meter = form.meter("seo.title")
    assert meter is not None
    title = line(form, "seo.title")
    assert meter.text().startswith(f"{len(title.text())} / 60 chars")
    title.selectAll()
    qtbot.keyClicks(title, "x" * 70)
    assert meter.state == "over"
    assert meter.text().startswith("70 / 60 chars")
    assert form.meter("seo.page_description") is not None


def test_real_content_loads_unchanged(
    form: EntryForm, registry: SchemaRegistry, shared_dir: Path, qtbot: QtBot
) -> None:
    files = sorted((shared_dir / "real_content").glob("*.md"))
    assert files
    for path in files:
        data, body = read_entry(path.parent, path.name)
        with qtbot.assertNotEmitted(form.edited):
            load(form, registry, data, body)
        assert form.values() == data, path.name
        assert form.body() == body
        assert not form.is_modified(), path.name


def test_literal_newline_answers_edit_with_real_line_breaks(
    qtbot: Any, form: EntryForm, registry: SchemaRegistry, sample_folder: Path
) -> None:
    data, body = read_entry(sample_folder, QANDA)
    original = data["answer"]
    assert "\n" not in original and "\\n\\n" in original
    load(form, registry, data, body)
    edit = text(form, "answer")
    shown = edit.toPlainText()
    assert "\\n" not in shown and shown.count("\n") == original.count("\\n")
    assert not form.is_modified()
    assert form.values()["answer"] is original

    type_at_end(qtbot, edit, "Last line.")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "After a break.")
    assert form.values()["answer"] == original + "Last line.\\nAfter a break."
    assert "\n" not in form.values()["answer"]
