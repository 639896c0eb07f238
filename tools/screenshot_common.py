"""What every screenshot tool does the same way: the app, a window on a copy, waiting.

The tools run as scripts (``python tools/screenshot*.py``), so they import this module
by its folder; it is not part of the ``editor`` package because only they need it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from editor.ui.app import APPLICATION, ORGANISATION
from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import APP_NAME, MainWindow, app_icon


def folder_parser(doc: str) -> argparse.ArgumentParser:
    """A parser with the FOLDER to copy and the OUTPUT image, described by ``doc``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("output", type=Path)
    return parser


def wait_until(done: Callable[[], object], timeout_ms: int = 20_000) -> None:
    """Run the event loop until ``done()`` is true (or the timeout passes)."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    QTimer.singleShot(timeout_ms, loop.quit)
    poll.start()
    loop.exec()
    poll.stop()


def make_app() -> QApplication:
    """The application with the editor's names and icon, as the real one starts."""
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    return app


def open_copy(
    app: QApplication, source: Path, tmp: Path, size: tuple[int, int] = (1500, 900)
) -> tuple[MainWindow, Path]:
    """A shown window, indexed, on a copy of ``source`` in ``tmp`` (nothing in
    ``source`` is written; settings go to a file in ``tmp``)."""
    folder = tmp / source.resolve().name
    shutil.copytree(source, folder)
    store = SettingsStore(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(folder, settings=store, use_cache=False)
    window.resize(*size)
    window.move(0, 0)
    window.show()
    wait_until(lambda: window.index is not None)
    return window, folder
