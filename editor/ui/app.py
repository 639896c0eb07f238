"""Start the desktop app: ``glossary-editor [FOLDER]`` ends up in :func:`run`.

The application and organisation names set here are where ``QSettings`` keeps the
preferences. An exception escaping a slot would otherwise only be printed (or end the
process); the hook logs it and shows it through :mod:`dialogs`, and the app goes on.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication

from editor.ui import dialogs
from editor.ui.main_window import APP_NAME, MainWindow, app_icon

log = logging.getLogger("editor.ui.app")

ORGANISATION = "GlossaryEditor"
APPLICATION = "glossary-editor"


def install_exception_hook() -> None:
    """Log and show uncaught exceptions instead of losing them."""
    showing = False

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
                f"Something went wrong: {value}\n\nYour open entries are kept; save them "
                f"and restart if the app misbehaves.\n\n{text[-2000:]}",
            )
        finally:
            showing = False

    sys.excepthook = hook


def run(folder: Path | None) -> int:
    """Create the application and the main window on ``folder``; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    install_exception_hook()
    window = MainWindow(folder)
    window.show()
    return app.exec()
