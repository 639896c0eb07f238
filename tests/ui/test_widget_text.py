"""The widget boundary: a text editor gives back its text plus what was typed, exactly.

``restore_text`` on its own (pure), then through real widgets: the field editors load a
value, keys are typed, and ``value()`` must be the value with exactly that insertion.
"""

from __future__ import annotations

from typing import Any

from helpers.keys import lead, line_position, qt_position, safe_cut, type_text
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from editor.content.schema import Field, FieldKind
from editor.ui.form.fields import LineEditor, TextEditor
from editor.ui.widget_text import BLOCK_BREAK, dropped_prefix, restore_text, shown_text, usual_break

# Every kind of character a widget has been seen to change, and its neighbours.
PIECES = [
    "\u00a0", "\u2028", "\u2029", "\u200b", "\u00ad", "\t", " ", "  ", "\r", "\n", "\r\n",
    "\r\n\r\n", "\ufeff", "\x85", "Prix\u00a0:", "a", "é", "ɪ", "😀", ":", "#", "\\n", "'",
]  # fmt: skip
TEXT = st.lists(
    st.sampled_from(PIECES) | st.text(st.characters(exclude_categories=["Cs"]), max_size=3),
    max_size=12,
).map("".join)
# What a person types: no line break (where it would go is ambiguous next to a break of
# another kind; typed breaks are tested apart), no Tab (it moves the focus).
TYPED = st.text(
    st.sampled_from(list("aZé ɪ:#'\"\\-\u00a0\u00bb\u2028\u200b\u00ad😀")), min_size=1, max_size=4
)


# -- the helper on its own ------------------------------------------------------------


@given(TEXT)
def test_untouched_text_comes_back_as_given(text: str) -> None:
    assert restore_text(text, shown_text(text)) == text


@given(TEXT, TYPED, st.floats(0, 1))
def test_an_insertion_is_the_only_change(text: str, typed: str, where: float) -> None:
    k = safe_cut(text, where)
    edited = text[:k] + typed + text[k:]
    assert restore_text(text, shown_text(edited)) == edited


@given(TEXT, st.floats(0, 1), st.floats(0, 1))
# Found by hypothesis: both breaks show as one block break each, so which went is open.
@example("\u2029\n", 0.0, 0.5)
def test_a_deletion_is_the_only_change(text: str, a: float, b: float) -> None:
    start, end = sorted((safe_cut(text, a), safe_cut(text, b)))
    edited = text[:start] + text[end:]
    restored = restore_text(text, shown_text(edited))
    assert shown_text(restored) == shown_text(edited)
    # Only the breaks inside the deleted span (or the one it joined) may differ: deleting
    # either of two breaks of different kinds between equal lines shows the same text,
    # so the result may be the original with another span of that length deleted.
    assert (
        restored.replace("\r\n", "\n") == edited.replace("\r\n", "\n")
        or "\r" in text
        or _one_span_deleted(text, restored, end - start)
    )


def _one_span_deleted(text: str, result: str, length: int) -> bool:
    """Whether ``result`` is ``text`` with some ``length`` characters in a row deleted."""
    return any(text[:k] + text[k + length :] == result for k in range(len(text) - length + 1))


def test_a_leading_bom_the_widget_drops_comes_back() -> None:
    assert dropped_prefix("\ufeffab", "ab") == "\ufeff"
    assert dropped_prefix("ab", "ab") == "" and dropped_prefix("a\r\nb", "a\u2029b") == ""


def test_a_typed_enter_makes_the_texts_own_break() -> None:
    assert restore_text("a\r\nb", f"a{BLOCK_BREAK}x{BLOCK_BREAK}b") == "a\r\nx\r\nb"
    assert restore_text("one line", f"one{BLOCK_BREAK} line", "\r\n") == "one\r\n line"
    # Split in the middle of a line: the line keeps its own break after the second part.
    split = BLOCK_BREAK.join(["a", "b", "cd", "ef", ""])
    assert restore_text("ab\ncd\r\nef\r\n", split) == "a\r\nb\ncd\r\nef\r\n"
    assert usual_break("x") == "\n" and usual_break("a\r\nb\r\nc\nd") == "\r\n"


# -- through the real widgets -------------------------------------------------------------


def _text_editor(qtbot: Any, kind: FieldKind = "markdown") -> TextEditor:
    editor = TextEditor(Field(key="definition", path="definition", label="D", kind=kind))
    qtbot.addWidget(editor.widget)
    return editor


def test_multi_line_editor_gives_back_what_it_was_given_plus_the_keys(qtbot: Any) -> None:
    editor = _text_editor(qtbot)  # one widget, refilled per example as the form does

    @settings(max_examples=40, deadline=None)
    @given(text=TEXT, typed=TYPED, where=st.floats(0, 1))
    def check(text: str, typed: str, where: float) -> None:
        editor.load(text)
        assert editor.value() is text and not editor.is_modified()
        # A value with literal "\\n" sequences is shown with line breaks in their place.
        shown = text.replace("\\n", "\n") if editor.literal_newlines else text
        skip = lead(shown)
        k = max(skip, safe_cut(shown, where))
        cursor = editor.edit.textCursor()
        cursor.setPosition(qt_position(shown, k))
        editor.edit.setTextCursor(cursor)
        type_text(editor.edit, typed)
        expected = shown[:k] + typed + shown[k:]
        if editor.literal_newlines:
            expected = expected.replace("\n", "\\n")
        assert editor.value() == expected
        for _ in typed:  # typed away again: the loaded text, so nothing to save
            qtbot.keyClick(editor.edit, Qt.Key.Key_Backspace)
        assert editor.value() == text and not editor.is_modified()

    check()


def test_multi_line_editor_keeps_nbsp_line_separator_and_crlf(qtbot: Any) -> None:
    text = "Prix\u00a0: 3\u20acx\u2028y\r\nz\u200b\u00ad\t \r\n"
    editor = _text_editor(qtbot)
    editor.load(text)
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    type_text(editor.edit, "Z")
    assert editor.value() == text + "Z"
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)  # Enter
    type_text(editor.edit, "w")
    assert editor.value() == text + "Z\r\nw"  # the text's own break


def test_literal_newline_value_comes_back_with_its_sequences(qtbot: Any) -> None:
    text = "Intro\u00a0:\\n\\n### Head\\n- item\u2028 two"
    editor = _text_editor(qtbot)
    editor.load(text)
    assert editor.literal_newlines
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    type_text(editor.edit, "x")
    assert editor.value() == text + "\\nx"


def test_one_line_editor_gives_back_what_it_was_given_plus_the_keys(qtbot: Any) -> None:
    editor = LineEditor(Field(key="title", path="title", label="T", kind="line"))
    qtbot.addWidget(editor.widget)

    @settings(max_examples=25, deadline=None)
    @given(text=TEXT, typed=TYPED, where=st.floats(0, 1))
    def check(text: str, typed: str, where: float) -> None:
        editor.load(text)
        skip = lead(text)
        k = max(skip, round(len(text) * where))
        editor.edit.setCursorPosition(line_position(text, k))
        type_text(editor.edit, typed)
        assert editor.value() == text[:k] + typed + text[k:]

    check()
