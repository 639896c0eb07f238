"""Window fidelity: typing in the real window changes the file by exactly what was typed.

For every file of ``tests/fixtures`` (those that open for editing), ``sample_content`` and
``<repo>/../shared/real_content`` (skipped when absent), one window types into every
visible text field holding text (one-line and multi-line fields, each FAQ item's fields,
each related-list item through its in-place editor, and the body): once at the end of
every field, once in the middle, through key events, then saves with the window's Save
action. The saved file must then

* hold exactly the loaded data with those insertions and nothing else changed (parsed
  back), its body byte for byte the old body with the insertion; and
* be byte for byte what the byte-preserving writer makes of exactly that change (the
  writer's own suites prove it rewrites only the changed values' lines).

Hypothesis adds generated entries whose values and body mix every character class Qt
has been seen to change: NBSP, U+2028/U+2029, zero-width spaces, soft hyphens, tabs,
trailing spaces, lone CR, CRLF, U+0085, a leading U+FEFF, a final newline or none, in LF
and CRLF files. Typed text holds NBSP, IPA, emoji, guillemets and U+2028.

Hidden fields are not typed into (a user cannot): the Q&A schema hides its ``&nbsp;``
placeholder body, and numbered related groups absent from a file stay hidden.

Covered when written: fixtures 5 editable files / 134 values typed into, sample_content
13 / 504, real_content 20 / 910 (title, SEO fields, folded answers with literal ``\n``,
FAQ items, related lists, numbered related groups, CRLF + BOM body), plus 12 generated
entries; about 10 s in all. What it found: NBSP, U+2028 and CRLF lost in multi-line
fields and the body (fixed at the widget boundary, ``editor/ui/widget_text.py``), a
leading U+FEFF dropped by Qt, and a file without front matter that took typing and
then could not be saved (now read-only).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.keys import lead, line_position, qt_position, safe_cut, type_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit

from editor.content.document import Entry, load_entry, planned_bytes
from editor.content.errors import ContentError
from editor.content.frontmatter import load_bytes
from editor.content.render import has_literal_newlines
from editor.ui.form.fields import FieldEditor, LineEditor, StringListEditor, TextEditor

REPO = Path(__file__).resolve().parents[3]
SOURCES = {
    "fixtures": REPO / "tests" / "fixtures",
    "sample_content": REPO / "sample_content",
    "real_content": REPO.parent / "shared" / "real_content",
}
AT_END = "\u00a0ɪ😀»"
IN_MIDDLE = "«é\u2028"
Key = tuple[str | int, ...]


@dataclass
class Typed:
    """One insertion into one value: where its value lives and what it must become."""

    keys: Key
    expected: str


def editable(path: Path) -> Entry | None:
    """The entry when the window would let a user edit it (None: broken or read-only)."""
    try:
        entry = load_entry(path)
    except ContentError:
        return None
    return None if entry.read_only else entry


def _cut(text: str, middle: bool) -> int:
    return max(lead(text), safe_cut(text, 0.5) if middle else len(text))


def type_into(qtbot: Any, editor: FieldEditor, keys: Key, value: Any, middle: bool) -> list[Typed]:
    """Type at the end (or in the middle) of ``editor``'s value; what each value becomes."""
    typed = IN_MIDDLE if middle else AT_END
    if isinstance(editor, LineEditor) and isinstance(value, str):
        k = _cut(value, middle)
        editor.edit.setCursorPosition(line_position(value, k))
        type_text(editor.edit, typed)
        return [Typed(keys, value[:k] + typed + value[k:])]
    if isinstance(editor, TextEditor) and isinstance(value, str):
        literal = has_literal_newlines(value)
        shown = value.replace("\\n", "\n") if literal else value  # as the editor shows it
        k = _cut(shown, middle)
        cursor = editor.edit.textCursor()
        cursor.setPosition(qt_position(shown, k))
        editor.edit.setTextCursor(cursor)
        type_text(editor.edit, typed)
        expected = shown[:k] + typed + shown[k:]
        return [Typed(keys, expected.replace("\n", "\\n") if literal else expected)]
    if isinstance(editor, StringListEditor) and isinstance(value, list):
        done = []
        for row, item in enumerate(value):
            if not isinstance(item, str):
                continue
            widget = editor.list.item(row)
            editor.list.setCurrentItem(widget)
            editor.list.editItem(widget)
            # The one open editor (closed ones linger, hidden, until deleted later).
            (line,) = [w for w in editor.list.findChildren(QLineEdit) if w.isVisible()]
            k = _cut(item, middle)
            line.setCursorPosition(line_position(item, k))
            type_text(line, typed)
            expected = item[:k] + typed + item[k:]
            qtbot.keyClick(line, Qt.Key.Key_Return)  # the delegate commits in a moment
            qtbot.waitUntil(lambda row=row, expected=expected: editor.texts()[row] == expected)
            done.append(Typed((*keys, row), expected))
        return done
    return []


def _get(data: Any, keys: Key) -> tuple[Any, bool]:
    for key in keys:
        if (isinstance(data, dict) and key in data) or (
            isinstance(data, list) and isinstance(key, int) and key < len(data)
        ):
            data = data[key]  # type: ignore[index]  # an int key for a list: tested just above
        else:
            return None, False
    return data, True


def _set(data: Any, keys: Key, value: Any) -> None:
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


def type_everywhere(
    qtbot: Any, window: Any, entry: Entry, middle: bool
) -> tuple[Any, str, list[Key]]:
    """Type into every visible field holding text; the data and body that must result,
    and the values typed into."""
    data = copy.deepcopy(entry.data)
    body = entry.body
    done: list[Key] = []
    for keys, editor in window.form.leaf_editors():
        if not editor.widget.isVisibleTo(window.form):
            continue
        if keys == ("body",):
            for typed in type_into(qtbot, editor, keys, body, middle):
                body = typed.expected
                done.append(keys)
            continue
        value, present = _get(entry.data, keys)
        if not present:
            continue
        for typed in type_into(qtbot, editor, keys, value, middle):
            _set(data, typed.keys, typed.expected)
            done.append(typed.keys)
    return data, body, done


def save_and_check(window: Any, path: Path, entry: Entry, data: Any, body: str) -> None:
    """Save through the window's action; the file must be exactly that change."""
    assert window.current_path() == path
    if data == entry.data and body == entry.body:
        return  # nothing to type into (a file of non-text values only)
    assert window.acts.save.isEnabled(), f"{path.name}: the typing left nothing to save"
    window.acts.save.trigger()
    saved = path.read_bytes()
    split, saved_data, _ = load_bytes(saved, path)
    assert saved_data == data, f"{path.name}: the saved data is not the loaded data + the keys"
    assert split.body == body, f"{path.name}: the saved body is not the old body + the keys"
    order = window.current_entry().schema.key_order()
    assert saved == planned_bytes(entry, data, body, order), f"{path.name}: not the writer's"


@pytest.fixture
def copies(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, list[Path]]]:
    """A folder with the set's editable files twice (end/, middle/); their paths in end/."""
    source = SOURCES[request.param]
    if not source.is_dir():
        pytest.skip(f"{request.param} is not beside this checkout")
    folder = tmp_path / "content"
    names = []
    for path in sorted(source.glob("*.md")):
        if editable(path) is not None:
            names.append(path.name)
            for half in ("end", "middle"):
                (folder / half).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, folder / half / path.name)
    yield folder, [folder / "end" / name for name in names]


@pytest.mark.parametrize("copies", list(SOURCES), indirect=True)
def test_typing_in_every_field_changes_only_what_was_typed(
    qtbot: Any, make_window: Any, copies: tuple[Path, list[Path]]
) -> None:
    folder, paths = copies
    assert paths, "no editable file in the set"
    window = make_window(folder)
    typed_into: list[Key] = []
    for end_path in paths:
        for middle in (False, True):
            path = folder / ("middle" if middle else "end") / end_path.name
            entry = editable(path)
            assert entry is not None
            window.open_entry(path)
            data, body, done = type_everywhere(qtbot, window, entry, middle)
            assert done, f"{path.name}: no visible field held text to type into"
            typed_into.extend(done)
            save_and_check(window, path, entry, data, body)
    assert len(typed_into) >= 2 * len(paths)


# -- generated entries ------------------------------------------------------------------

PIECES = [
    "\u00a0", "\u2028", "\u2029", "\u200b", "\u00ad", "\t", " ", "  ", "\r", "\n", "\r\n",
    "\n\n", "\x85", "Prix\u00a0:", "a", "é", "ɪ", "😀", ": ", " #", "'", '"', "\\",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)


def quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (escapes for what YAML would fold)."""
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").rstrip("\n")


@st.composite
def entry_texts(draw: st.DrawFn) -> str:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    title = "Term " + draw(TEXT)
    lines = [
        "---",
        "_schema: glossary",
        f"title: {quoted(title)}",
        f"definition: {quoted(draw(TEXT))}",
        "faq:",
        f"  - question: {quoted(draw(TEXT))}",
        f"    answer: {quoted(draw(TEXT))}",
        "---",
    ]
    lead_bom = draw(st.sampled_from(["", "\ufeff"]))
    return newline.join(lines) + newline + lead_bom + draw(TEXT)


def test_generated_entries_change_only_by_what_was_typed(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "generated"
    folder.mkdir()
    window = make_window(folder)
    count = 0

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=entry_texts(), middle=st.booleans())
    def check(text: str, middle: bool) -> None:
        nonlocal count
        count += 1
        path = folder / f"generated-{count}.md"
        path.write_bytes(text.encode("utf-8"))
        entry = editable(path)
        assert entry is not None, text
        window.open_entry(path)
        data, body, done = type_everywhere(qtbot, window, entry, middle)
        assert ("body",) in done and ("definition",) in done
        save_and_check(window, path, entry, data, body)
        window.close_entry()

    check()


def test_enter_in_a_body_without_breaks_makes_the_files_own_break(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "crlf"
    folder.mkdir()
    path = folder / "term.md"
    path.write_bytes(b"---\r\n_schema: glossary\r\ntitle: Term\r\n---\r\nPrix\xc2\xa0: 3")
    window = make_window(folder)
    window.open_entry(path)
    body = window.form.editor("body")
    assert isinstance(body, TextEditor)
    body.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(body.edit, Qt.Key.Key_Return)
    type_text(body.edit, "€")
    window.acts.save.trigger()
    assert (
        path.read_bytes()
        == "---\r\n_schema: glossary\r\ntitle: Term\r\n---\r\nPrix\u00a0: 3\r\n€".encode()
    )
