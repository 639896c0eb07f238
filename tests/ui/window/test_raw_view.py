"""A file that does not parse is fixed in the app: raw text, error marked, saved once fixed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from editor.content.atomic import fingerprint
from editor.ui.window.raw_view import DISCARD, KEEP_EDITING, PARSES, RawTextView

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OTHER = "batna.md"
# Line 4 opens a second mapping inside a plain value; NBSP and CRLF elsewhere must stay.
BROKEN = "\r\n".join(
    ["---", "_schema: glossary", "title: 'Prix\u00a0: cher'", "definition: one: two", "---",
     "Body\u2028x", ""]
)  # fmt: skip
FIXED_LINE = "definition: one, two"


def _open(window: Any, path: Path) -> RawTextView:
    window.entry_list.select(path)
    assert window.current_path() == path
    raw = window.pane.raw_view
    assert window.pane.pages.currentWidget() is raw
    assert isinstance(raw, RawTextView)
    return raw


def _replace_line(qtbot: Any, raw: RawTextView, number: int, text: str) -> None:
    """Select line ``number`` (1-based) as a user would and type over it."""
    cursor = QTextCursor(raw.edit.document().findBlockByNumber(number - 1))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    raw.edit.setTextCursor(cursor)
    qtbot.keyClicks(raw.edit, text)


@pytest.fixture
def broken(sample_folder: Path) -> Path:
    path = sample_folder / "broken.md"
    path.write_bytes(BROKEN.encode("utf-8"))
    return path


def test_error_line_is_marked_and_the_message_gives_line_and_column(
    make_window: Any, broken: Path
) -> None:
    raw = _open(make_window(broken.parent), broken)
    assert raw.message.text().startswith("Line 4, column ")
    (mark,) = raw.edit.extraSelections()
    assert mark.cursor.blockNumber() == 3
    assert raw.edit.textCursor().blockNumber() == 3
    assert not raw.edit.isReadOnly()


def test_fixed_text_is_saved_byte_for_byte_and_opens_in_the_form(
    qtbot: Any, make_window: Any, broken: Path
) -> None:
    window = make_window(broken.parent)
    raw = _open(window, broken)
    _replace_line(qtbot, raw, 4, FIXED_LINE)
    qtbot.waitUntil(lambda: raw.message.text() == PARSES)
    assert raw.edit.extraSelections() == []
    assert window.pane.banner.text().endswith("It parses now.")
    assert window.acts.save.isEnabled() and window.isWindowModified()
    window.acts.save.trigger()
    # Only the typed line changed: NBSP, U+2028 and every CRLF are as they were.
    assert broken.read_bytes() == BROKEN.replace("definition: one: two", FIXED_LINE).encode()
    assert window.pane.pages.currentWidget() is window.form
    assert window.form.editor("definition").value() == "one, two"
    assert window.model.row_for(broken).status != "broken"
    assert not window.isWindowModified()


def test_a_duplicate_key_file_is_fixed_the_same_way(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    path = sample_folder / "duplicate.md"
    shutil.copyfile(FIXTURES / "fm_duplicate_key.md", path)
    window = make_window(sample_folder)
    raw = _open(window, path)
    assert "duplicate" in raw.message.text().lower()
    line = raw.error.line if raw.error is not None else 0
    assert line is not None
    assert raw.edit.document().findBlockByNumber(line - 1).text() == "  title: Again"
    cursor = QTextCursor(raw.edit.document().findBlockByNumber(line - 1))
    cursor.movePosition(QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor)
    raw.edit.setTextCursor(cursor)
    qtbot.keyClick(raw.edit, Qt.Key.Key_Delete)
    window.save_current()
    original = (FIXTURES / "fm_duplicate_key.md").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == original.replace("  title: Again\n", "")
    assert window.pane.pages.currentWidget() is window.form


def test_saving_while_it_does_not_parse_writes_nothing(
    qtbot: Any, make_window: Any, broken: Path, dialog_script: Any
) -> None:
    window = make_window(broken.parent)
    raw = _open(window, broken)
    _replace_line(qtbot, raw, 4, "definition: still: broken")
    dialog_script.expect("error")
    assert not window.save_current()
    (title, text) = dialog_script.called("error")[0]
    assert title == "Could not save" and f"{broken}:4:" in text
    assert broken.read_bytes() == BROKEN.encode()
    raw.revert()


def test_leaving_with_edits_that_do_not_parse_asks(
    qtbot: Any, make_window: Any, broken: Path, dialog_script: Any
) -> None:
    window = make_window(broken.parent)
    raw = _open(window, broken)
    qtbot.keyClicks(raw.edit, "x")
    dialog_script.expect("choose", KEEP_EDITING)
    window.entry_list.select(broken.parent / OTHER)
    assert window.current_path() == broken and raw.is_modified()
    assert window.entry_list.current_path() == broken  # the list went back too
    dialog_script.expect("choose", DISCARD)
    window.entry_list.select(broken.parent / OTHER)
    assert window.current_path() == broken.parent / OTHER
    assert broken.read_bytes() == BROKEN.encode()


def test_leaving_with_edits_that_parse_offers_to_save(
    qtbot: Any, make_window: Any, broken: Path, dialog_script: Any
) -> None:
    window = make_window(broken.parent)
    raw = _open(window, broken)
    _replace_line(qtbot, raw, 4, FIXED_LINE)
    dialog_script.expect("ask_save", "save")
    window.entry_list.select(broken.parent / OTHER)
    assert window.current_path() == broken.parent / OTHER
    assert FIXED_LINE.encode() in broken.read_bytes()
    window.entry_list.select(broken)
    assert window.pane.pages.currentWidget() is window.form


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(
    qtbot: Any, make_window: Any, broken: Path, dialog_script: Any
) -> None:
    window = make_window(broken.parent)
    raw = _open(window, broken)
    _replace_line(qtbot, raw, 4, FIXED_LINE)
    theirs = BROKEN.replace("Body", "Their body").encode()
    broken.write_bytes(theirs)
    dialog_script.expect("error")
    assert not window.save_current()
    assert "changed on disk" in dialog_script.called("error")[0][1]
    assert broken.read_bytes() == theirs
    assert raw.is_modified()  # the fix is kept, unsaved
    raw.revert()


def test_invalid_utf8_is_shown_as_unreadable(make_window: Any, sample_folder: Path) -> None:
    path = sample_folder / "bad.md"
    shutil.copyfile(FIXTURES / "bad_utf8.md", path)
    window = make_window(sample_folder)
    raw = _open(window, path)
    assert raw.edit.isReadOnly() and "not UTF-8" in raw.message.text()
    assert window.session.get(path).raw_fingerprint is None
    assert fingerprint(path.read_bytes()) == fingerprint((FIXTURES / "bad_utf8.md").read_bytes())
