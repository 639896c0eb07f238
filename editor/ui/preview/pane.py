"""The preview pane: the page as the site publishes it, refreshed as the editor types.

The page is shown by a browser engine, ``QWebEngineView``: in a preview process of its
own whose window the pane embeds (:mod:`.host_view`, where the window system can embed
one), else in the window's process (:mod:`.web_view`). When the preview process cannot
start or dies again after one restart, the pane shows the engine in its own process;
where that cannot start (module or library missing, its process dies on a sandbox error)
a ``QTextBrowser`` (:mod:`.text_view`). Each step is said once, quietly, in one line
above the page (the line says where the page is shown now). The engine is started with
the first page, not with the window, so opening the app costs nothing extra until there
is a page to show. The HTML is exactly what :func:`editor.content.render.render_page`
gives (and ``glossary-editor render`` writes); raw HTML was sanitised as the site's
setting says.

Refreshing follows ReText: typing restarts a single-shot timer; when it fires, the
form's values are taken and rendered on a worker thread. While a render runs, further
requests only mark the preview *outdated*, so a slow render is followed by exactly one
more and renders never queue up. The scroll position is kept across refreshes.

Above the page: the search-result snippet (:mod:`.snippet`), a desktop/phone width
toggle, the live-site toggle (when ``render.preview_url`` is set: the dev server's
page, reloaded after each save) and "Open in browser" (the same HTML, written to one
private temporary folder per pane, one file per entry, removed with the pane or at exit).
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
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.render_config import RenderConfig
from editor.content.schema import Schema
from editor.ui.preview import engine
from editor.ui.preview.host_view import HostPageView
from editor.ui.preview.network import origin
from editor.ui.preview.snippet import SearchSnippet, field_text, snippet_field, snippet_parts
from editor.ui.preview.text_view import TextPageView

log = logging.getLogger(__name__)

Renderer = Callable[[Mapping[str, Any], str, Schema], str]
Snapshot = tuple[Mapping[str, Any], str | None, Schema]
# HostPageView, web_view.WebPageView or TextPageView: the same duck-typed interface
# (shown / field_clicked / failed; widget, engine, show_html, load_url, scroll_to_field,
# set_network, clear, dispose).
PageView = Any

PHONE_WIDTH = 390  # CSS px of a common phone (iPhone 12-15) in portrait
WIDGET_MAX = 16777215  # QWIDGETSIZE_MAX


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
    field_clicked = Signal(str)  # the editor clicked the part of the page showing a field

    def __init__(
        self,
        render: Renderer,
        parent: QWidget | None = None,
        *,
        delay_ms: int = 120,
        pool: QThreadPool | None = None,
        engine_name: str | None = None,
        host_view: Callable[[QWidget], PageView] = HostPageView,
    ) -> None:
        super().__init__(parent)
        self._render = render
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._host_view = host_view  # makes the preview process's view (tests stand in)
        wanted = engine_name or engine.wanted()
        # host (the preview process), inprocess (the engine in this process) or text
        self._mode = ("host" if engine.can_embed() else "inprocess") if wanted == "web" else wanted
        self._source: Callable[[], Snapshot | None] = lambda: None
        self._busy = False
        self._outdated = False
        self._generation = 0
        self._reset_scroll = False
        self._html = ""
        self._schema: Schema | None = None
        self._entry_url = ""
        self._config = RenderConfig()
        self._view: PageView | None = None
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
        self.snippet.clicked.connect(self._snippet_clicked)
        self.phone_button = self._tool("Phone", "Show the page at a phone's width", True)
        self.phone_button.toggled.connect(self.set_phone)
        self.live_button = self._tool("Live site", "Show the site's own page (dev server)", True)
        self.live_button.toggled.connect(self._live_toggled)
        self.live_button.hide()
        self.open_button = self._tool("Open in browser", "Open this page in the web browser")
        self.open_button.setAccessibleName("Open the preview in a web browser")
        self.open_button.clicked.connect(self.open_in_browser)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.notice.hide()
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._page_box = QWidget()
        self._page_layout = QHBoxLayout(self._page_box)
        self._page_layout.setContentsMargins(0, 0, 0, 0)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Preview")
        caption_font = QFont(caption.font())
        caption_font.setBold(True)
        caption.setFont(caption_font)
        header.addWidget(caption)
        header.addStretch(1)
        for button in (self.phone_button, self.live_button, self.open_button):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(self.snippet)
        layout.addWidget(self._page_box, 1)
        layout.addWidget(self.placeholder, 1)
        if self._mode == "text":
            self._ensure_view()  # cheap; the browser engine waits for the first page
        self.clear("Select an entry to see its page here.")

    def _tool(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        return button

    # -- public -------------------------------------------------------------------

    def set_source(self, source: Callable[[], Snapshot | None]) -> None:
        """Where a refresh takes the values from (the form, read on the GUI thread)."""
        self._source = source

    def set_delay(self, delay_ms: int) -> None:
        self._timer.setInterval(delay_ms)

    def set_site(self, config: RenderConfig) -> None:
        """The content folder's settings: remote URLs allowed or not, the live-site URL."""
        self._config = config
        self.live_button.setVisible(bool(config.preview_url))
        if not config.preview_url:
            self.live_button.setChecked(False)
        self._apply_network()

    def engine(self) -> str:
        """``web`` or ``text``: the view the page is (or will be) shown in."""
        if self._view is not None:
            return str(self._view.engine)
        return "text" if self._mode == "text" else "web"

    def page_view(self) -> PageView:
        """The page view, started if it was not yet (tests and the benchmark use it)."""
        return self._ensure_view()

    @property
    def browser(self) -> QTextBrowser | None:
        """The fallback view's ``QTextBrowser`` (None while the browser engine shows)."""
        view = self._view
        return view.browser if isinstance(view, TextPageView) else None

    def request(self) -> None:
        """The values changed: refresh once typing pauses."""
        self._timer.start()

    def show_now(self) -> None:
        """A new entry was loaded: render at once and start at the top."""
        self._timer.stop()
        self._reset_scroll = True
        self._start_render()

    def show_field(self, path: str) -> None:
        """Scroll the page to the part showing the field at ``path`` ("faq.1.answer")."""
        if self._view is not None and self._html and not self.live_button.isChecked():
            self._view.scroll_to_field(path)

    def site_saved(self) -> None:
        """The entry was saved: the live site rebuilds it, so show it again."""
        if self.live_button.isChecked():
            self._show_live()

    def set_phone(self, phone: bool) -> None:
        """Show the page at a phone's width (centred) or at the pane's width."""
        if self.phone_button.isChecked() != phone:
            self.phone_button.setChecked(phone)  # comes back here through toggled
            return
        if self._view is not None:
            self._apply_width(self._view.widget)

    def clear(self, message: str) -> None:
        """No entry (or a broken one): show what to do instead of a page."""
        self._timer.stop()
        self._generation += 1  # results of renders still running are dropped
        self._html = ""
        if self._view is not None:
            self._view.clear()
        self.placeholder.setText(message)
        self.placeholder.show()
        self._page_box.hide()
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

    # -- the page view ------------------------------------------------------------

    def _ensure_view(self) -> PageView:
        if self._view is not None:
            return self._view
        view: PageView | None = None
        if self._mode == "host":
            view = self._host_view(self._page_box)
        elif self._mode == "inprocess":
            module, error = engine.load()
            if module is None:
                self._notify_simple(f"the browser engine is not available ({error})")
            else:
                try:
                    view = module.WebPageView(self._page_box)
                except Exception as exc:  # the engine could not start at all
                    log.exception("the browser engine could not start")
                    self._notify_simple(f"the browser engine could not start ({exc})")
        if view is None:
            self._mode = "text"
            view = TextPageView(self._page_box)
        self._attach(view)
        return view

    def _attach(self, view: PageView) -> None:
        self._view = view
        view.shown.connect(self.rendered)
        view.field_clicked.connect(self.field_clicked)
        view.failed.connect(self._engine_failed)
        self._page_layout.addWidget(view.widget, 1)
        self._apply_width(view.widget)
        self._apply_network()

    def _engine_failed(self, reason: str) -> None:
        """The preview process, or the engine's page process, died: show the next view
        (the engine in this process, then the text view) from now on, with the notice."""
        old = self._view
        self._view = None
        if isinstance(old, HostPageView):
            log.warning("preview falls back to the engine in the window's process: %s", reason)
            self._mode = "inprocess"
            self._notify(f"Preview shown by the window itself: {reason}.")
        else:
            log.warning("preview falls back to the text view: %s", reason)
            self._mode = "text"
            self._notify_simple(reason)
        if old is not None:
            old.dispose()
        view = self._ensure_view()
        if self._html:
            view.show_html(self._html, keep_scroll=False)

    def _notify_simple(self, reason: str) -> None:
        self._notify(f"Simple preview: {reason}. The page may look different online.")

    def _notify(self, text: str) -> None:
        """One line, however often the view falls back: it says the latest step."""
        self.notice.setText(text)
        self.notice.show()

    def _apply_width(self, widget: QWidget) -> None:
        if self.phone_button.isChecked():
            widget.setFixedWidth(PHONE_WIDTH)
            self._page_layout.setAlignment(widget, Qt.AlignmentFlag.AlignHCenter)
        else:
            widget.setMinimumWidth(0)
            widget.setMaximumWidth(WIDGET_MAX)
            self._page_layout.setAlignment(widget, Qt.AlignmentFlag(0))

    def _apply_network(self) -> None:
        view = self._view
        if view is None or view.engine != "web":
            return
        live = self._config.live_url(self._entry_url or "/")
        live_origin = origin(QUrl(live)) if live else ""
        view.set_network(remote=self._config.remote, live_origin=live_origin)

    def _live_toggled(self, on: bool) -> None:
        if on:
            self._show_live()
        elif self._html and self._view is not None:
            self._view.show_html(self._html, keep_scroll=False)

    def _show_live(self) -> None:
        view = self._ensure_view()
        url = self._config.live_url(self._entry_url)
        if view.engine != "web" or not url:
            self.live_button.setChecked(False)
            return
        self._apply_network()
        self.placeholder.hide()
        self._page_box.show()
        view.load_url(url)

    def _snippet_clicked(self, part: str) -> None:
        path = snippet_field(self._schema, part) if self._schema is not None else None
        if path:
            self.field_clicked.emit(path)

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
        self._schema = schema
        self._entry_url = field_text(data, schema, "slug") or str(data.get("url") or "")
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
        keep_scroll = not self._reset_scroll
        self._reset_scroll = False
        self._html = html
        self._page_key = self._pending_key
        view = self._ensure_view()
        self.placeholder.hide()
        self._page_box.show()
        self.snippet.show()
        self.open_button.setEnabled(True)
        if self.live_button.isChecked():
            if not keep_scroll:  # another entry: its own live page
                self._show_live()
            self.rendered.emit()
            return
        view.show_html(html, keep_scroll=keep_scroll)
