"""Screenshots of the writing help: spell check and the Markdown toolbar.

    xvfb-run -s "-screen 0 1600x1000x24" python tools/screenshot_writing.py docs/screenshots

Opens the app on a copy of ``sample_content/`` (nothing there is written; settings go to
a temporary file), types a sentence with misspellings into a Markdown field, and saves:

- ``spell-check.png``: the window with the misspelt words underlined;
- ``spell-menu.png``: the field's context menu on a misspelt word (suggestions,
  "Add to Dictionary"), grabbed from the screen so the pop-up is in it;
- ``markdown-toolbar.png``: a Markdown field with its toolbar after Ctrl+B and a link
  to another entry.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from screenshot_common import make_app, open_copy, wait_until  # noqa: E402

from editor.ui.form import spell_check  # noqa: E402
from editor.ui.form.fields import TextEditor  # noqa: E402
from editor.ui.form.markdown_help import MarkdownHelp  # noqa: E402
from editor.ui.window.main_window import MainWindow  # noqa: E402

TYPED = " Negotiators often recieve a seperate offer that definately changes the balance."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    args = parser.parse_args()
    app = make_app()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="glossary-screenshot-") as tmp:
        window, folder = open_copy(app, REPO / "sample_content", Path(tmp))
        window.splitter.setSizes([380, 620, 500])
        window.open_entry(folder / "strategic-leverage.md")
        editor = window.form.editor("definition")
        assert isinstance(editor, TextEditor)
        speller = window.form.writing.spell.speller
        wait_until(speller.is_ready, 20_000)
        edit = editor.edit
        edit.setFocus()
        edit.moveCursor(QTextCursor.MoveOperation.End)
        edit.insertPlainText(TYPED)
        window.form.scroll_area.ensureWidgetVisible(edit, 40, 40)
        wait_until(lambda: False, 600)
        window.grab().save(str(args.output / "spell-check.png"))

        # The context menu on "recieve", from the screen (the menu is its own window).
        text = edit.toPlainText()
        cursor = edit.textCursor()
        cursor.setPosition(text.index("recieve") + 3)
        pos = edit.cursorRect(cursor).center()
        menu = spell_check.text_edit_menu(edit, pos, window.form.writing.spell, "en")
        QTimer.singleShot(400, lambda: _grab_menu(app, window, args.output / "spell-menu.png"))
        QTimer.singleShot(600, menu.close)
        menu.exec(edit.mapToGlobal(pos))

        # Markdown help: bold a phrase, link a word to another entry.
        answer = window.form.editor("what_is")
        assert isinstance(answer, TextEditor)
        helper = answer.edit.findChild(MarkdownHelp)
        assert helper is not None
        source = answer.edit.toPlainText()
        start = source.index("controlling something")
        cursor = answer.edit.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(start + len("controlling something"), QTextCursor.MoveMode.KeepAnchor)
        answer.edit.setTextCursor(cursor)
        helper.actions["Bold"].trigger()
        source = answer.edit.toPlainText()
        start = source.index("walking away")
        cursor.setPosition(start)
        cursor.setPosition(start + len("walking away"), QTextCursor.MoveMode.KeepAnchor)
        answer.edit.setTextCursor(cursor)
        helper.ask_entry = lambda _parent, entries: next(e for e in entries if e[1] == "BATNA")
        helper.link_to_entry()
        window.form.scroll_area.ensureWidgetVisible(answer.widget, 40, 40)
        wait_until(lambda: False, 400)
        top = answer.widget.mapTo(window, QPoint(0, 0))
        area = window.grab().copy(
            max(0, top.x() - 140), max(0, top.y() - 8),
            answer.widget.width() + 150, answer.widget.height() + 16,
        )  # fmt: skip
        area.save(str(args.output / "markdown-toolbar.png"))
        window.hide()  # not close(): that would ask about the unsaved edits made here
    print(f"wrote spell-check.png, spell-menu.png, markdown-toolbar.png in {args.output}")
    return 0


def _grab_menu(app: QApplication, window: MainWindow, path: Path) -> None:
    screen = app.primaryScreen()
    shot = screen.grabWindow(0)
    shot.copy(window.frameGeometry().adjusted(0, 0, 0, 0)).save(str(path))


if __name__ == "__main__":
    sys.exit(main())
