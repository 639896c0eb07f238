"""About the app (version, licence, what it runs on) and Qt's own translations.

Qt's standard dialogs and context menus (Undo, Cut, Copy, Paste, Select All, the
colour and file dialogs) are translated by the ``qtbase`` catalogues that ship with
Qt; loading the one for the system language makes them speak it, as every other Qt
app on the desktop does. The app's own strings are English.
"""

from __future__ import annotations

import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator, qVersion

APP_NAME = "Glossary Editor"
DISTRIBUTION = "glossary-editor"
LICENCE = "MIT"
DESCRIPTION = (
    "Write and revise glossary entries (Markdown with YAML front matter), preview their "
    "pages and check their SEO fields. Saves change only the lines you edited."
)


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def about_text() -> str:
    """What the About box says: name, version, licence and what it runs on."""
    return (
        f"{APP_NAME} {app_version()}\n\n{DESCRIPTION}\n\n"
        f"Licence: {LICENCE}\n"
        f"Qt {qVersion()} · PySide6 {PySide6.__version__} · Python {platform.python_version()}"
    )


def install_qt_translations(
    app: QCoreApplication, locale: QLocale | None = None
) -> list[QTranslator]:
    """Load Qt's own catalogues for ``locale`` (default: the system's); returns the
    translators installed (none for English or a language Qt has no catalogue for)."""
    locale = locale or QLocale.system()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for catalogue in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(locale, catalogue, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed
