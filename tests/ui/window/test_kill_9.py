"""A real ``kill -9`` mid-edit: the next start offers the work back, every word of it.

The first window runs in a child process: it opens a copy of the sample glossary, types
into an entry, waits for the journal to be written on its own timer (no flush, no
close), then kills itself with SIGKILL. This process then opens the folder again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QPlainTextEdit

from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import MainWindow

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

ENTRY = "batna.md"
TYPED = " Typed just before the crash, every word of it."

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from editor.ui.window.main_window import MainWindow
    from editor.ui.settings import SettingsStore

    folder, settings, typed = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = QApplication([])
    window = MainWindow(
        folder,
        settings=SettingsStore(QSettings(settings, QSettings.Format.IniFormat)),
        use_cache=False,
    )
    window.show()

    def killed() -> None:
        print("journaled", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    def type_when_indexed() -> None:
        if window.index is None:
            QTimer.singleShot(20, type_when_indexed)
            return
        window.entry_list.select(folder / "{entry}")
        edit = window.form.editor("definition").focus_widget()
        edit.setFocus()
        edit.moveCursor(QTextCursor.MoveOperation.End)
        QTest.keyClicks(edit, typed)
        window.session.journal.written.connect(killed)

    QTimer.singleShot(0, type_when_indexed)
    QTimer.singleShot(20_000, lambda: sys.exit(3))  # never hang the test run
    app.exec()
    """
).replace("{entry}", ENTRY)


def test_sigkill_mid_edit_then_restart_restores_every_word(
    qtbot: Any,
    sample_folder: Path,
    settings_file: Path,
    qsettings: QSettings,
    thread_pool: QThreadPool,
    dialog_script: Any,
) -> None:
    path = sample_folder / ENTRY
    original = path.read_bytes()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(sample_folder), str(settings_file), TYPED],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "journaled" in child.stdout
    assert path.read_bytes() == original  # the crash wrote nothing to the entry

    dialog_script.expect("recover", "restore")
    window = MainWindow(
        sample_folder, settings=SettingsStore(qsettings), pool=thread_pool, use_cache=False
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.index is not None, timeout=10_000)
    assert window.current_path() == path
    assert window.session.is_dirty(path)
    definition = window.form.editor("definition")
    assert definition is not None
    edit = definition.focus_widget()
    assert isinstance(edit, QPlainTextEdit)
    text = edit.toPlainText()
    assert text.endswith(TYPED)
    assert path.read_bytes() == original  # restored as unsaved edits, not written
    dialog_script.expect("ask_save", "discard")  # closing at teardown asks; leave it
