"""Start the desktop app: ``glossary-editor [FOLDER]`` ends up in :func:`run`.

The application and organisation names set here are where ``QSettings`` keeps the
preferences. Logs go to stderr and to a file under the user log dir (``platformdirs``),
so a report of "it misbehaved" comes with a trace. An exception escaping a slot would
otherwise only be printed (or end the process); the hook logs it and shows it through
:mod:`dialogs`, and the app goes on.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtWidgets import QApplication

from editor.ui import dialogs
from editor.ui.about import install_qt_translations
from editor.ui.display_check import display_problem
from editor.ui.window.main_window import APP_NAME, MainWindow, app_icon

log = logging.getLogger(__name__)

ORGANISATION = "GlossaryEditor"
APPLICATION = "glossary-editor"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where the app's log file lives (``~/.local/state/glossary-editor/log`` on Linux)."""
    return Path(platformdirs.user_log_dir(APPLICATION)) / "glossary-editor.log"


def log_to_file(path: Path | None = None) -> logging.Handler | None:
    """Add a rotating log file (1 MB x 3) to the ``editor`` loggers; returns the handler
    (remove and close it to stop), or None when the file cannot be opened."""
    path = path if path is not None else log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("editor")
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


def install_exception_hook(log_path: Path | None = None) -> None:
    """Log and show uncaught exceptions (a slot's included) instead of losing them."""
    showing = False
    where = log_path if log_path is not None else log_file()

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("uncaught exception\n%s", text)
        if showing:  # an error while showing the error: log only
            return
        showing = True
        try:
            dialogs.error(
                QApplication.activeWindow(),
                "Unexpected error",
                f"Something went wrong: {value}\n\nYour open entries are kept (and "
                "journaled); save them and restart if the app misbehaves. The details are "
                f"in {where}.\n\n{text[-2000:]}",
            )
        finally:
            showing = False

    sys.excepthook = hook


def run(folder: Path | None) -> int:
    """Create the application and the main window on ``folder``; returns the exit code
    (2, with one sentence on stderr, when no window can open: see display_check.py)."""
    problem = display_problem(os.environ) if QApplication.instance() is None else None
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    log_to_file()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("glossary-editor")  # the .desktop file: taskbar icon, grouping
    install_qt_translations(app)
    install_exception_hook()
    window = MainWindow(folder)
    window.show()
    return app.exec()
