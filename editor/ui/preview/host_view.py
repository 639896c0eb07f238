"""The window's side of the preview process: a page view whose page another process draws.

:class:`HostPageView` has the page-view interface the pane uses (``show_html``,
``load_url``, ``scroll_to_field``, ``set_network``, ``clear``, ``dispose``; ``shown``,
``field_clicked``, ``failed``), so the pane does not care where the page is drawn. It
starts ``python -m editor.ui.preview.host`` (:mod:`.host`) with ``QProcess`` on the first
page, talks to it in :mod:`.host_protocol` frames over its stdin/stdout, and embeds the
native window the process names (``QWindow.fromWinId`` + ``createWindowContainer``:
xcb and Windows only, :func:`.engine.can_embed`). QtWebEngine is never imported here:
the window's process stays free of the engine's library, Chromium's browser side and the
GL stack the engine loads (``bench/bench_preview.py`` reports each process).

Until the process runs, the latest page, URL and network policy wait and are sent then;
the process names its window (``ready``) with the first page shown, and the pane embeds
it then. A process that cannot start, exits or fails before it is ready is reported through
``failed`` at once (the pane then shows the engine in its own process); one that dies
after it was ready is started again once, showing the last page, and the next death is
reported. The process ends when its stdin closes: on :meth:`dispose`, when the view's
widget is destroyed, when the application quits, and (the pipe closing) when the window's
process dies. Every message the process sends is checked against the protocol
(:data:`.host_protocol.FROM_HOST`) before it is acted on; one that breaks it (a frame
that is not JSON, an unknown type, a field missing or of the wrong kind) marks the process
as broken: it is killed and, unlike a crash, not started again.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QProcess,
    QProcessEnvironment,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication, QWindow
from PySide6.QtWidgets import QVBoxLayout, QWidget
from shiboken6 import isValid

from editor.ui.preview.host_protocol import (
    FROM_HOST,
    FrameReader,
    Message,
    ProtocolError,
    check,
    encode,
    message,
)
from editor.ui.preview.network import BlockedRequests, opens_outside
from editor.ui.preview.page_view import PageViewSignals

log = logging.getLogger(__name__)

Embedder = Callable[[int, QWidget], QWidget]
START_TIMEOUT_MS = 30_000  # Chromium's first start on a busy machine takes seconds
QUIT_WAIT_MS = 3_000
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding ``editor``
_RUNNING: set[QProcess] = set()  # preview processes not yet ended (closed at quit)
_HOOKED: list[QCoreApplication] = []  # applications that end them when they quit
_QUITTING: list[bool] = []  # not empty once the app quits: no process is started again


def host_command() -> list[str]:
    """The preview process's command line: this Python running :mod:`.host`."""
    return [sys.executable, "-m", "editor.ui.preview.host"]


def embed_native(win_id: int, parent: QWidget) -> QWidget:
    """A widget of ``parent`` showing the native window ``win_id`` of another process."""
    window = QWindow.fromWinId(win_id)
    if window is None:
        raise RuntimeError(f"the window system refused window {win_id:#x}")
    return QWidget.createWindowContainer(window, parent)


def _end(process: QProcess, wait_ms: int = 0) -> None:
    """Close the process's stdin (it quits at the end of its input), and after
    ``wait_ms`` without an exit, kill it. The ``QProcess`` is kept until it ended:
    destroying it earlier would kill the process and warn."""
    if not isValid(process) or process.state() == QProcess.ProcessState.NotRunning:
        _RUNNING.discard(process)
        return
    process.closeWriteChannel()
    if wait_ms and not process.waitForFinished(wait_ms):
        process.kill()
        process.waitForFinished(1000)


def _end_all() -> None:
    """The application quits: end every preview process (waiting a little for each)."""
    _QUITTING.append(True)
    for process in list(_RUNNING):
        _end(process, QUIT_WAIT_MS)
    _RUNNING.clear()


atexit.register(_end_all)  # before PySide's own clean-up (atexit runs the last first)


class HostPageView(PageViewSignals):
    """Shows pages in the preview process; the same interface as the other page views."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        command: list[str] | None = None,
        embed: Embedder = embed_native,
        restarts: int = 1,
        start_timeout_ms: int = START_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.holder = QWidget(parent)
        self.holder.setAccessibleName("Page preview")
        self._layout = QVBoxLayout(self.holder)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.holder.installEventFilter(self)
        self._command = command or host_command()
        self._embed = embed
        self._restarts = restarts
        self._process: QProcess | None = None
        self._reader = FrameReader()
        self._container: QWidget | None = None
        self._ready = False
        self._failure = ""  # what the process said before it ended
        self._closing = False
        self._network = message("network", remote=False, live_origin="")
        self._last: Message | None = None  # the page or URL to show (again, after a restart)
        self._seq = 0
        self._sent: dict[int, str] = {}  # pages sent, from the last one shown on, by seq
        self._loaded_page = ""
        self._js_calls: dict[int, Callable[[Any], None]] = {}
        self._js_id = 0
        self.blocked = BlockedRequests()  # what the network policy refused (tests read it)
        self.win_id = 0
        self.starts = 0  # processes started (tests read it)
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(start_timeout_ms)
        self._start_timer.timeout.connect(self._start_timed_out)
        app = QCoreApplication.instance()
        if app is not None and app not in _HOOKED:
            app.aboutToQuit.connect(_end_all)
            _HOOKED.append(app)
        self._start()

    # -- the page-view interface ---------------------------------------------------

    @property
    def widget(self) -> QWidget:
        return self.holder

    @property
    def shown_page(self) -> str:
        """The page the process last said it shows ("" for another site's page)."""
        return self._loaded_page

    @property
    def process_id(self) -> int:
        """The preview process's id (0 when none runs)."""
        return int(self._process.processId()) if self._process is not None else 0

    def set_network(self, *, remote: bool, live_origin: str = "") -> None:
        self._network = message("network", remote=remote, live_origin=live_origin)
        self._send(self._network)

    def show_html(self, page: str, *, keep_scroll: bool) -> None:
        self._seq += 1
        self._sent = {seq: html for seq, html in self._sent.items() if seq > self._seq - 8}
        self._sent[self._seq] = page
        self._last = message(
            "page", seq=self._seq, html=page, base_url="about:blank", keep_scroll=keep_scroll
        )
        self._send(self._last)

    def load_url(self, url: str) -> None:
        self._loaded_page = ""
        self._last = message("url", url=url)
        self._send(self._last)

    def scroll_to_field(self, path: str) -> None:
        self._send(message("reveal", path=path))

    def run_js(self, script: str, callback: Callable[[Any], None]) -> None:
        """Run ``script`` in the page's app world; ``callback`` gets its value."""
        self._js_id += 1
        self._js_calls[self._js_id] = callback
        self._send(message("run_js", id=self._js_id, script=script))

    def click_field(self, path: str) -> None:
        """Click the part of the page showing ``path`` (as the editor would)."""
        self._send(message("click", path=path))

    def clear(self) -> None:
        self._last = None
        self._send(message("clear"))

    def dispose(self) -> None:
        self._closing = True
        self._stop()
        self.holder.setParent(None)
        self.holder.deleteLater()
        self.deleteLater()

    # -- the process ---------------------------------------------------------------

    def _start(self) -> None:
        self.starts += 1
        self.win_id = 0
        self._ready = False
        self._failure = ""
        self._reader = FrameReader()
        process = QProcess()
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        env = QProcessEnvironment.systemEnvironment()
        path = env.value("PYTHONPATH", "")
        env.insert("PYTHONPATH", os.pathsep.join(p for p in (_PACKAGE_ROOT, path) if p))
        platform = QGuiApplication.platformName() if QGuiApplication.instance() else ""
        if platform:  # the same window system as the window's, or nothing embeds
            env.insert("QT_QPA_PLATFORM", platform)
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(self._read)
        process.started.connect(self._started)
        process.errorOccurred.connect(self._error)
        process.finished.connect(self._finished)
        process.finished.connect(lambda *_: _RUNNING.discard(process))
        # The holder going (its window closed) ends the process even without dispose().
        self.holder.destroyed.connect(lambda *_: _end(process))
        self._process = process
        _RUNNING.add(process)
        self._start_timer.start()
        process.start(self._command[0], self._command[1:])

    def _stop(self) -> None:
        process, self._process = self._process, None
        self._ready = False
        self._drop_container()
        if process is not None:
            for signal, slot in (
                (process.readyReadStandardOutput, self._read),
                (process.started, self._started),
                (process.errorOccurred, self._error),
                (process.finished, self._finished),
            ):
                signal.disconnect(slot)
            _end(process)

    def _start_timed_out(self) -> None:
        if self._process is not None and not self._ready:
            seconds = self._start_timer.interval() / 1000
            self._failure = f"the preview process did not start in {seconds:g} s"
            self._process.kill()

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            reason = self._process.errorString()
            _RUNNING.discard(self._process)
            self._process = None
            self._ended(f"the preview process could not start ({reason})")

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._process = None
        how = "crashed" if status == QProcess.ExitStatus.CrashExit else f"exited with {code}"
        self._ended(self._failure or f"the preview process {how}")

    def _ended(self, reason: str) -> None:
        was_ready = self._ready
        self._ready = False
        self._drop_container()
        self._js_calls.clear()
        if self._closing or _QUITTING:
            return
        if was_ready and self._restarts > 0:
            self._restarts -= 1
            log.warning("the preview process ended (%s); starting it again", reason)
            self._start()
            return
        # Queued: the pane replaces this view on it, which must not happen inside a call
        # the pane is making (a process may fail while it starts).
        QTimer.singleShot(0, self, lambda: self.failed.emit(reason))
        self._closing = True

    def _drop_container(self) -> None:
        if self._container is not None:
            self._container.hide()
            self._container.setParent(None)
            self._container.deleteLater()
            self._container = None

    # -- messages ------------------------------------------------------------------

    def _send(self, msg: Message) -> None:
        process = self._process
        if process is not None and process.state() == QProcess.ProcessState.Running:
            process.write(encode(msg))

    def _started(self) -> None:
        """Send what is to be shown: the network policy first, then the page."""
        self._send(self._network)
        if self._last is not None:
            last = dict(self._last)
            if last["type"] == "page":
                last["keep_scroll"] = False  # a new document: nothing to keep
            self._send(last)

    def _read(self) -> None:
        process = self._process
        if process is None:
            return
        try:
            for msg in self._reader.feed(bytes(process.readAllStandardOutput().data())):
                check(msg, FROM_HOST)
                self._handle(msg)
                if self._process is not process:  # a slot of its signal disposed of the view
                    return
        except ProtocolError as exc:
            self._garbage(process, exc)

    def _garbage(self, process: QProcess, error: ProtocolError) -> None:
        """A process that breaks the protocol is broken, not unlucky: it is ended and
        not started again (the pane falls back, with one notice)."""
        self._failure = f"the preview process sent garbage ({error})"
        self._restarts = 0
        process.kill()

    def _handle(self, msg: Message) -> None:
        kind = msg["type"]
        if kind == "ready":
            self._embedded(int(msg["win_id"]))
        elif kind == "mapped":
            self._fit()
        elif kind == "shown":
            seq = int(msg["seq"])
            self._loaded_page = self._sent.get(seq, "")
            self._sent = {s: html for s, html in self._sent.items() if s >= seq}
            self.shown.emit()
        elif kind == "field_clicked":
            self.field_clicked.emit(str(msg["path"]))
        elif kind == "open_url":
            url = QUrl(str(msg["url"]))
            if opens_outside(url):
                QDesktopServices.openUrl(url)
        elif kind == "blocked":
            self.blocked.add(str(msg["url"]))
        elif kind == "js_result":
            callback = self._js_calls.pop(int(msg["id"]), None)
            if callback is not None:
                callback(msg.get("value"))
        elif kind == "failed":
            self._failure = str(msg["reason"])

    def _embedded(self, win_id: int) -> None:
        process = self._process
        if process is None or win_id == self.win_id:
            return
        self._drop_container()  # the process made its window anew: embed the new one
        try:
            container = self._embed(win_id, self.holder)
        except Exception as exc:
            log.warning("the preview's window cannot be embedded: %s", exc)
            self._failure = f"the preview's window cannot be embedded ({exc})"
            process.kill()
            return
        self._start_timer.stop()
        self.win_id = win_id
        self._container = container
        self._layout.addWidget(container)
        # The pane's size before it is shown, whether or not the layout has run yet (the
        # process maps the view at the size ``show`` names: see _show_message).
        container.setGeometry(self.holder.contentsRect())
        container.show()
        self._ready = True
        if self.holder.isVisible():
            self._send(self._show_message())  # else when the pane is shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The pane hidden or shown: the process unmaps or maps the view itself (a
        window of another process is not always hidden with its container)."""
        if watched is self.holder and self._ready:
            if event.type() == QEvent.Type.Hide:
                self._send(message("hide"))
            elif event.type() == QEvent.Type.Show:
                self._send(self._show_message())
        return False

    def _show_message(self) -> Message:
        """``show``, with the size the view is to have when the process maps it, in
        device pixels: the process may draw at another scale than this window (a
        screen of its own, ``QT_SCALE_FACTOR`` set for one of them), and mapped the view
        at half or twice the pane's size until :meth:`_fit`. Qt sizes the embedded
        window the same way: this window's logical size times its own ratio."""
        size = self.holder.contentsRect().size()
        ratio = self.holder.devicePixelRatioF()
        return message(
            "show", width=round(size.width() * ratio), height=round(size.height() * ratio)
        )

    def _fit(self) -> None:
        """Give the embedded window its place and size again (it mapped at its own):
        the container sets both on each resize."""
        container = self._container
        if container is not None:
            size = container.size()
            container.resize(size.width(), size.height() + 1)
            container.resize(size)
