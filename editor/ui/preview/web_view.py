"""The browser-engine page view: ``QWebEngineView``, as a browser shows the published page.

What it guarantees, and how:

* **No script from content.** JavaScript is switched off for the page's own world
  (``JavascriptEnabled`` applies to the main world only) and the page carries its
  Content-Security-Policy. The app's own script (click-to-field, scroll-to-field, the
  flicker-free update) is injected with ``QWebEngineScript`` into the separate
  *application world*, which content cannot reach, and talks to Python over
  ``QWebChannel`` in that world.
* **No network.** A ``QWebEngineUrlRequestInterceptor`` blocks every request that is not
  ``data:``/``about:``/``blob:``/``qrc:``, unless the site allows remote URLs
  (``render.remote``) or it goes to the live-site origin (``render.preview_url``).
* **Links open in the system browser**; navigation inside the view is refused (fragment
  jumps within the page excepted).
* **No flicker, scroll kept.** The first page is loaded with ``setHtml``; later pages
  replace the head (only when it changed) and the body of the loaded document in one
  script call, so nothing is painted in between and the scroll position stays.

If the engine's render process dies (a sandbox error, a crash), ``failed`` is emitted and
the pane falls back to the ``QTextBrowser`` view.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, QPointF, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from editor.ui.preview.network import BlockedRequests, opens_outside, request_allowed
from editor.ui.preview.page_view import PageViewSignals

log = logging.getLogger(__name__)

APP_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)

# The app's own script, in the application world (see the module docstring). It finds
# the element of a field by its data-field path, or the nearest enclosing path.
APP_SCRIPT = r"""
(function () {
  'use strict';
  if (window.__glossaryPreview) { return; }
  var bridge = null;
  if (typeof QWebChannel !== 'undefined' && window.qt && qt.webChannelTransport) {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.preview;
    });
  }
  function find(path) {
    var parts = path.split('.');
    while (parts.length) {
      var el = document.querySelector('[data-field="' + CSS.escape(parts.join('.')) + '"]');
      if (el) { return el; }
      parts.pop();
    }
    return null;
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest('a[href]')) { return; }
    var el = target.closest('[data-field]');
    if (el && bridge) { bridge.fieldClicked(el.getAttribute('data-field')); }
  }, true);
  window.__glossaryPreview = {
    update: function (head, body) {
      var x = window.scrollX, y = window.scrollY;
      if (head !== null) { document.head.innerHTML = head; }
      document.body.innerHTML = body;
      window.scrollTo(x, y);
      return true;
    },
    reveal: function (path) {
      var el = find(path);
      if (!el) { return false; }
      var box = el.getBoundingClientRect();
      if (box.bottom <= 0 || box.top >= window.innerHeight) {
        el.scrollIntoView({block: 'start'});
      }
      return true;
    }
  };
})();
"""


def split_page(page: str) -> tuple[str, str, str] | None:
    """(head inner HTML, ``<body …>`` tag, body inner HTML), or None when the page does
    not have that plain shape (then it is loaded whole)."""
    head_start = page.find("<head>")
    head_end = page.find("</head>")
    body = _BODY.search(page, max(head_end, 0))
    body_end = page.rfind("</body>")
    if min(head_start, head_end, body_end) < 0 or body is None or body.end() > body_end:
        return None
    return page[head_start + 6 : head_end], body.group(), page[body.end() : body_end]


def _without_fragment(url: QUrl) -> str:
    return url.toString().split("#", 1)[0]


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks what :func:`request_allowed` refuses; remembers what it blocked (for tests)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.remote = False
        self.live_origin = ""
        self.blocked = BlockedRequests()
        self.on_block: Callable[[str], None] | None = None  # the preview process reports it

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if not request_allowed(url, remote=self.remote, live_origin=self.live_origin):
            self.blocked.add(url.toString())
            info.block(True)
            if self.on_block is not None:
                self.on_block(url.toString())


class _Bridge(QObject):
    """The object the app script calls through the web channel."""

    clicked = Signal(str)

    @Slot(str)
    def fieldClicked(self, path: str) -> None:
        self.clicked.emit(path)


def _open_in_system_browser(url: QUrl) -> None:
    QDesktopServices.openUrl(url)


class _Page(QWebEnginePage):
    def __init__(self, parent: QObject, open_url: Callable[[QUrl], None]) -> None:
        super().__init__(parent)
        self._open_url = open_url

    def acceptNavigationRequest(
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            if url.hasFragment() and _without_fragment(url) == _without_fragment(self.url()):
                return True  # a jump within the page
            if opens_outside(url):
                self._open_url(url)
            return False
        return True

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        log.debug("preview console: %s (%s:%d)", message, source, line)


def _qwebchannel_js() -> str:
    resource = QFile(":/qtwebchannel/qwebchannel.js")
    if not resource.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js is missing from QtWebChannel")
    try:
        return bytes(resource.readAll().data()).decode("utf-8")
    finally:
        resource.close()


def _script(name: str, source: str, point: QWebEngineScript.InjectionPoint) -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName(name)
    script.setSourceCode(source)
    script.setWorldId(APP_WORLD)
    script.setInjectionPoint(point)
    script.setRunsOnSubFrames(False)
    return script


class WebPageView(PageViewSignals):
    """Shows a page in ``QWebEngineView``; the same interface as the text view."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], None] = _open_in_system_browser,
    ) -> None:
        super().__init__(parent)
        self.view = QWebEngineView(parent)
        self.view.setAccessibleName("Page preview")
        # the default profile: Qt owns its lifetime. ``open_url`` is where followed links
        # go: the system browser, or (in the preview process) a message to the window.
        self.page = _Page(self.view, open_url)
        self.view.setPage(self.page)
        self.guard = RequestGuard(self.page)
        self.page.setUrlRequestInterceptor(self.guard)
        settings = self.page.settings()
        attr = QWebEngineSettings.WebAttribute
        for name, on in (
            (attr.JavascriptEnabled, False),  # the page's world: content never runs script
            (attr.JavascriptCanOpenWindows, False),
            (attr.LocalContentCanAccessRemoteUrls, False),
            (attr.LocalContentCanAccessFileUrls, False),
            (attr.PluginsEnabled, False),
            (attr.AutoLoadIconsForPage, False),
            (attr.DnsPrefetchEnabled, False),
            (attr.WebGLEnabled, False),
            (attr.NavigateOnDropEnabled, False),
            (attr.ErrorPageEnabled, False),
        ):
            settings.setAttribute(name, on)
        self._bridge = _Bridge(self.page)
        self._bridge.clicked.connect(self.field_clicked)
        self._channel = QWebChannel(self.page)
        self._channel.registerObject("preview", self._bridge)
        self.page.setWebChannel(self._channel, APP_WORLD)
        scripts = self.page.scripts()
        point = QWebEngineScript.InjectionPoint
        channel_js = _qwebchannel_js()
        scripts.insert(_script("qwebchannel", channel_js, point.DocumentCreation))
        scripts.insert(_script("glossary-preview", APP_SCRIPT, point.DocumentReady))
        self._bootstrap = (
            "(function () { if (window.__glossaryPreview) { return true; }"
            f" if (typeof QWebChannel === 'undefined') {{ {channel_js} \n"
            " window.QWebChannel = QWebChannel; }"
            f" {APP_SCRIPT} \n return !!window.__glossaryPreview; }})()"
        )
        self.page.loadFinished.connect(self._loaded)
        self.page.renderProcessTerminated.connect(self._terminated)
        self._wanted = ""  # the page last asked for
        self._loaded_page = ""  # the page the document shows (loaded or updated)
        self._head = ""
        self._body_tag = ""
        self._loading = False
        self._ready = False  # a document of ours is loaded and the app script runs
        self._restore: QPointF | None = None

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def shown_page(self) -> str:
        """The page the document shows now ("" for another site's page, or none yet)."""
        return self._loaded_page

    def set_network(self, *, remote: bool, live_origin: str = "") -> None:
        self.guard.remote = remote
        self.guard.live_origin = live_origin

    def show_html(self, page: str, *, keep_scroll: bool) -> None:
        self._wanted = page
        parts = split_page(page)
        if self._ready and not self._loading and keep_scroll and parts is not None:
            head, body_tag, body = parts
            if body_tag == self._body_tag:
                changed_head = head if head != self._head else None
                self._head = head
                script = (
                    "window.__glossaryPreview ? window.__glossaryPreview.update("
                    f"{json.dumps(changed_head)}, {json.dumps(body)}) : false"
                )
                self.page.runJavaScript(script, APP_WORLD, lambda ok: self._updated(page, ok))
                return
        self._load(page, keep_scroll=keep_scroll)

    def load_url(self, url: str) -> None:
        """Show another page (the live site's); our next page is loaded whole."""
        self._ready = False
        self._loading = True
        self._restore = None
        self._loaded_page = ""  # not ours: never updated in place
        self.page.load(QUrl(url))

    def scroll_to_field(self, path: str) -> None:
        if self._ready:
            self.page.runJavaScript(
                f"window.__glossaryPreview && window.__glossaryPreview.reveal({json.dumps(path)})",
                APP_WORLD,
            )

    def run_js(self, script: str, callback: Callable[[Any], None]) -> None:
        """Run ``script`` in the app's world (tests read the page through this)."""
        self.page.runJavaScript(script, APP_WORLD, callback)

    def clear(self) -> None:
        self._wanted = ""

    def dispose(self) -> None:
        self.page.loadFinished.disconnect(self._loaded)
        self.page.renderProcessTerminated.disconnect(self._terminated)
        self.view.setParent(None)
        self.view.deleteLater()
        self.deleteLater()

    # -- internals -----------------------------------------------------------------

    def _load(self, page: str, *, keep_scroll: bool) -> None:
        self._restore = self.page.scrollPosition() if keep_scroll and self._ready else None
        parts = split_page(page)
        self._head, self._body_tag = (parts[0], parts[1]) if parts is not None else ("", "")
        self._loading = True
        self._ready = False
        self._loaded_page = page
        self.page.setHtml(page, QUrl("about:blank"))

    def _loaded(self, ok: bool) -> None:
        self._loading = False
        if not ok:
            self._ready = False
            return
        # The injected scripts are normally there; after some navigations Chromium has
        # been seen to skip them, so they are run again when missing (they are idempotent).
        self.page.runJavaScript(self._bootstrap, APP_WORLD, self._scripts_checked)

    def _scripts_checked(self, result: Any) -> None:
        if self._loading:  # another load began since: that document reports itself
            return
        self._ready = result is True and split_page(self._loaded_page) is not None
        if self._wanted and self._wanted != self._loaded_page and self._ready:
            self.show_html(self._wanted, keep_scroll=True)  # typing went on while loading
            return
        if self._restore is not None and (self._restore.x() or self._restore.y()):
            x, y = self._restore.x(), self._restore.y()
            self.page.runJavaScript(f"window.scrollTo({x}, {y})", APP_WORLD, self._done)
        else:
            self.shown.emit()

    def _updated(self, page: str, ok: Any) -> None:
        if ok is True:
            self._loaded_page = page
            self.shown.emit()
        else:  # the document was not ours (or not ready): load the page whole
            self._load(self._wanted or page, keep_scroll=True)

    def _done(self, _result: Any) -> None:
        if not self._loading:  # else the next document reports itself
            self.shown.emit()

    def _terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        self._ready = False
        self.failed.emit(f"the browser engine's page process ended ({status.name}, code {code})")
