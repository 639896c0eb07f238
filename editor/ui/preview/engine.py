"""Which page view the preview uses: the browser engine when it can start, else text.

``GLOSSARY_EDITOR_PREVIEW=text`` chooses the ``QTextBrowser`` view on purpose (tests of
other parts, machines without a GPU stack worth starting); ``web`` (the default) asks for
``QWebEngineView``: in a preview process of its own where the window system can embed
another process's window (:func:`can_embed`: xcb, Windows), else in the window's own
process; ``inprocess`` asks for the latter everywhere (to compare, or where the preview
process misbehaves). QtWebEngine is imported with the first page, after the window is
visible, so start-up does not pay for it; it needs ``AA_ShareOpenGLContexts`` set before
the ``QApplication`` exists, which importing this module does. When PySide6-Addons or a
library it links (libnss3, libasound2...) is missing, the import fails and the pane shows
the text view with one quiet notice.
"""

from __future__ import annotations

import os
from functools import cache
from types import ModuleType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication

ENGINE_ENV = "GLOSSARY_EDITOR_PREVIEW"
# Platform plugins whose windows can hold another process's native window
# (``QWindow.fromWinId``). Not offscreen, Wayland (no foreign windows) nor macOS (an
# NSView of another process cannot be a subview).
EMBEDDING_PLATFORMS = frozenset({"xcb", "windows"})

if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium will not start its sandbox for root (containers, CI runners), and the
    # engine would then fail to start. The preview only ever shows the app's own,
    # sanitised page with the page's script switched off and the network blocked, so
    # it runs without the sandbox there.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

# The preview shows one static page: Chromium's software compositing draws it as well,
# and leaving the GPU out saves ~60 MB in the app's own process (bench/bench_preview.py)
# and a class of driver crashes. A user's own flags win.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-gpu-compositing")

if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@cache
def load() -> tuple[ModuleType | None, str]:
    """(the :mod:`.web_view` module, "") or (None, why it cannot be imported); once."""
    try:
        from editor.ui.preview import web_view
    except ImportError as exc:  # PySide6-Addons or one of its system libraries
        return None, str(exc)
    return web_view, ""


def wanted() -> str:
    """``web``, ``inprocess`` or ``text``: what the environment asks for (default ``web``)."""
    value = os.environ.get(ENGINE_ENV, "").strip().lower()
    return value if value in ("text", "inprocess") else "web"


def can_embed(platform: str | None = None) -> bool:
    """Can windows of ``platform`` (default: the running one) embed another process's?"""
    if platform is None:
        platform = QGuiApplication.platformName() if QGuiApplication.instance() else ""
    return platform.lower() in EMBEDDING_PLATFORMS
