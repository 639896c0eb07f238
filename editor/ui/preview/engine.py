"""Which page view the preview uses: the browser engine when it can start, else text.

``GLOSSARY_EDITOR_PREVIEW=text`` chooses the ``QTextBrowser`` view on purpose (tests of
other parts, machines without a GPU stack worth starting); ``web`` (the default) asks for
``QWebEngineView``. The engine's module is imported here, at import time, because
QtWebEngine must be loaded before the ``QApplication`` exists (it shares OpenGL
contexts); when PySide6-Addons or a library it links (libnss3, libasound2...) is
missing, the import fails and the pane shows the text view with one quiet notice.
"""

from __future__ import annotations

import os
from types import ModuleType

ENGINE_ENV = "GLOSSARY_EDITOR_PREVIEW"

if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium will not start its sandbox for root (containers, CI runners), and the
    # engine would then fail to start. The preview only ever shows the app's own,
    # sanitised page with the page's script switched off and the network blocked, so
    # it runs without the sandbox there.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

web_view: ModuleType | None
try:
    from editor.ui.preview import web_view
except ImportError as _exc:  # PySide6-Addons or one of its system libraries is missing
    web_view = None
    IMPORT_ERROR = str(_exc)
else:
    IMPORT_ERROR = ""


def wanted() -> str:
    """``web`` or ``text``: what the environment asks for (default ``web``)."""
    return "text" if os.environ.get(ENGINE_ENV, "").strip().lower() == "text" else "web"
