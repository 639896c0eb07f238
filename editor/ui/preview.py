"""The page preview: the HTML ``render_page`` gives, and the search-result snippet.

The preview is a ``QTextBrowser``, not a ``QWebEngineView``: WebEngine is not in
PySide6-Essentials, needs its sandbox switched off to run as root, shows a blank
``grab()`` offscreen (so neither tests nor screenshots could see it) and costs a
browser process. The page's exact look in a real browser is one click away ("Open in
browser" writes the same HTML to a temporary file). The page runs no script there
either: its Content-Security-Policy forbids scripts, and raw HTML was sanitised as the
site's setting says (:mod:`editor.content.markdown_sanitise`). Those files live in one
private temporary folder per pane, one file per entry (opening it again rewrites it),
and the folder is removed with the pane or when the app exits.

Refreshing follows ReText: typing restarts a single-shot timer; when it fires, the
form's values are taken and rendered on a worker thread. While a render runs, further
requests only mark the preview *outdated*, so a slow render is followed by exactly one
more and renders never queue up. The scroll position is kept across refreshes.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import weakref
from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.document import get_path
from editor.content.schema import Schema
from editor.content.seo.metrics import text_width
from editor.paths import resources_dir

log = logging.getLogger("editor.ui.preview")

Renderer = Callable[[Mapping[str, Any], str, Schema], str]
Snapshot = tuple[Mapping[str, Any], str | None, Schema]

TITLE_PX = 580.0
TITLE_FONT_PX = 20.0
TITLE_CHARS = 60
DESCRIPTION_CHARS = 156
ELLIPSIS = " …"


def truncate_title(title: str, max_px: float = TITLE_PX) -> str:
    """Cut a title as a results page does: to 580 px of Arial 20 px, at a word."""
    title = " ".join(title.split())
    if text_width(title, TITLE_FONT_PX) <= max_px:
        return title
    room = max_px - text_width(ELLIPSIS, TITLE_FONT_PX)
    cut = title
    while cut and text_width(cut, TITLE_FONT_PX) > room:
        cut = cut[:-1]
    word_cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return word_cut.rstrip(" ,;:-") + ELLIPSIS


def truncate_description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Cut a description to about ``limit`` characters, at a word."""
    text = " ".join(text.replace("\\n", " ").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    word_cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return word_cut.rstrip(" ,;:-") + ELLIPSIS


def breadcrumb(url: str) -> str:
    """``/learn/x/questions/y`` -> ``learn › x › questions › y`` as results pages show."""
    text = url.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    parts = [p for p in text.split("/") if p]
    return " › ".join(parts)


def _value(data: Mapping[str, Any], schema: Schema, role: str) -> str:
    field = schema.seo_field(role)  # type: ignore[arg-type]
    if field is None:
        return ""
    try:
        value = get_path(data, field.path)
    except KeyError:
        return ""
    return "" if value is None else " ".join(str(value).split())


def snippet_parts(data: Mapping[str, Any], schema: Schema) -> tuple[str, str, str]:
    """(title, breadcrumb, description) of the search-result snippet, truncated."""
    title = _value(data, schema, "title") or _value(data, schema, "h1")
    if not title and schema.title_key:
        title = " ".join(str(data.get(schema.title_key) or "").split())
    description = _value(data, schema, "description") or _value(data, schema, "lead")
    url = _value(data, schema, "slug") or str(data.get("url") or "")
    return truncate_title(title), breadcrumb(url), truncate_description(description)


class SearchSnippet(QFrame):
    """How the entry would show in a search results page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Search result preview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.url_label = QLabel()
        self.url_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title_label = QLabel()
        self.title_label.setForegroundRole(QPalette.ColorRole.Link)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.title_label.setFont(font)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        for label in (self.url_label, self.title_label, self.description_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            layout.addWidget(label)
        self.title_label.setAccessibleName("Search result title")
        self.description_label.setAccessibleName("Search result description")

    def set_parts(self, title: str, url: str, description: str) -> None:
        self.title_label.setText(title or "(no SEO title)")
        self.url_label.setText(url or "(no URL)")
        self.description_label.setText(description or "(no page description)")

    def texts(self) -> tuple[str, str, str]:
        return (self.title_label.text(), self.url_label.text(), self.description_label.text())


def _remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class _Relay(QObject):
    finished = Signal(int, str)  # generation, HTML


class _RenderJob(QRunnable):
    def __init__(self, relay: _Relay, generation: int, render: Callable[[], str]) -> None:
        super().__init__()
        self._relay = relay
        self._generation = generation
        self._render = render

    def run(self) -> None:
        try:
            html = self._render()
        except Exception as exc:  # a broken template must not kill the window
            log.exception("preview render failed")
            html = (
                "<h2>The preview could not be rendered</h2>"
                f"<pre>{escape(type(exc).__name__)}: {escape(str(exc))}</pre>"
            )
        self._relay.finished.emit(self._generation, html)


class PreviewPane(QWidget):
    """Snippet on top, page below; ``request()`` after each edit, ``show_now()`` on load."""

    rendered = Signal()  # new HTML is shown

    def __init__(
        self,
        render: Renderer,
        parent: QWidget | None = None,
        *,
        delay_ms: int = 120,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._render = render
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._source: Callable[[], Snapshot | None] = lambda: None
        self._busy = False
        self._outdated = False
        self._generation = 0
        self._reset_scroll = False
        self._html = ""
        self._page_key = ""  # names the entry shown, so "Open in browser" reuses its file
        self._pending_key = ""
        self._browser_dir: Path | None = None  # private folder of the browser's pages
        self._browser_cleanup: weakref.finalize[Any, Any] | None = None
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_rendered)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_render)

        self.snippet = SearchSnippet()
        self.open_button = QToolButton()
        self.open_button.setText("Open in browser")
        self.open_button.setToolTip("Open this page in the default web browser")
        self.open_button.setAccessibleName("Open the preview in a web browser")
        self.open_button.clicked.connect(self.open_in_browser)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Page preview")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._open_link)
        self.browser.setSearchPaths([str(resources_dir() / "templates")])
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Preview")
        caption_font = QFont(caption.font())
        caption_font.setBold(True)
        caption.setFont(caption_font)
        header.addWidget(caption)
        header.addStretch(1)
        header.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.snippet)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.placeholder, 1)
        self.clear("Select an entry to see its page here.")

    # -- public -------------------------------------------------------------------

    def set_source(self, source: Callable[[], Snapshot | None]) -> None:
        """Where a refresh takes the values from (the form, read on the GUI thread)."""
        self._source = source

    def set_delay(self, delay_ms: int) -> None:
        self._timer.setInterval(delay_ms)

    def request(self) -> None:
        """The values changed: refresh once typing pauses."""
        self._timer.start()

    def show_now(self) -> None:
        """A new entry was loaded: render at once and start at the top."""
        self._timer.stop()
        self._reset_scroll = True
        self._start_render()

    def clear(self, message: str) -> None:
        """No entry (or a broken one): show what to do instead of a page."""
        self._timer.stop()
        self._generation += 1  # results of renders still running are dropped
        self._html = ""
        self.browser.clear()
        self.placeholder.setText(message)
        self.placeholder.show()
        self.browser.hide()
        self.snippet.hide()
        self.open_button.setEnabled(False)

    def html(self) -> str:
        """The HTML the preview shows (exactly what ``render_page`` returned)."""
        return self._html

    def is_idle(self) -> bool:
        return not self._busy and not self._timer.isActive()

    def open_in_browser(self) -> Path | None:
        """Write the page to this entry's temporary file and open it in the default browser."""
        if not self._html:
            return None
        if self._browser_dir is None:
            # mkdtemp makes it 0700; the finalizer removes it with the pane or at exit.
            folder = tempfile.mkdtemp(prefix="glossary-preview-")
            self._browser_dir = Path(folder)
            self._browser_cleanup = weakref.finalize(self, _remove_folder, folder)
        digest = hashlib.sha256(self._page_key.encode("utf-8")).hexdigest()[:16]
        path = self._browser_dir / f"page-{digest}.html"
        path.write_text(self._html, encoding="utf-8")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def discard_browser_files(self) -> None:
        """Remove the pages written for the browser (the window is closing)."""
        if self._browser_cleanup is not None:
            self._browser_cleanup()  # runs once: removes the folder
        self._browser_dir = self._browser_cleanup = None

    # -- rendering ----------------------------------------------------------------

    def _start_render(self) -> None:
        if self._busy:
            self._outdated = True
            return
        snapshot = self._source()
        if snapshot is None:
            return
        data, body, schema = snapshot
        title, url, description = snippet_parts(data, schema)
        self.snippet.set_parts(title, url, description)
        self._pending_key = url or title
        self._busy = True
        self._outdated = False
        self._generation += 1
        render = self._render
        text = body or ""
        job = _RenderJob(self._relay, self._generation, lambda: render(data, text, schema))
        self._pool.start(job)

    def _on_rendered(self, generation: int, html: str) -> None:
        self._busy = False
        if generation == self._generation:
            self._show(html)
        if self._outdated:
            self._outdated = False
            self._start_render()

    def _show(self, html: str) -> None:
        bar = self.browser.verticalScrollBar()
        position = 0 if self._reset_scroll else bar.value()
        self._reset_scroll = False
        self._html = html
        self._page_key = self._pending_key
        self.browser.setHtml(html)
        bar.setValue(position)
        self.placeholder.hide()
        self.browser.show()
        self.snippet.show()
        self.open_button.setEnabled(True)
        self.rendered.emit()

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
