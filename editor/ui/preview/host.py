"""The preview process: ``python -m editor.ui.preview.host`` shows the page for one window.

Why a process of its own: QtWebEngine in the window's process cost it ~210 MB of RSS at
50,000 entries under X11 (522-525 against 316 MB: the engine library's pages,
Chromium's browser side, and Mesa's software GL, loaded for the GL context QtWebEngine
shares), which no setting moved (``bench/RESULTS.md``, issue 17). Here the same
:class:`~.web_view.WebPageView` runs in this process, and the window embeds its native
window (:mod:`.host_view`).

It talks to the window over stdin/stdout in :mod:`.host_protocol` frames. stdout carries
frames only: at start any of fds 0-2 that is closed (a window started without stderr,
pythonw) is opened on the null device, the protocol pipe is copied to a descriptor above
them and fd 1 pointed at stderr (on Windows the process's standard output handle too), so
what a library or Chromium prints cannot break a frame. The view is shown only when the
window says it holds it (``show``), so no top-level window flashes on the screen first;
and its native window is named (``ready``) only once the first page is shown, because
QtWebEngine makes its drawing surface with the first page, and Qt then creates the
top-level's native window anew (an id sent earlier would name a window that no longer
exists). Should the id change later, ``ready`` is sent again. When stdin ends (the
window closed, or crashed) the process quits; from the moment it stops reading or its
event loop returns (``quit``, ``failed``), a watchdog ends it within ``EXIT_GRACE_S``
however its teardown goes.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, MutableMapping
from types import ModuleType
from typing import BinaryIO

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import QApplication

from editor.ui.preview import engine  # the engine's environment, set before the app exists
from editor.ui.preview.host_protocol import (
    Message,
    ProtocolError,
    encode,
    message,
    read_message,
)

log = logging.getLogger(__name__)

EXIT_GRACE_S = 10
STDERR_FD = 2
STD_OUTPUT_HANDLE = -11  # Windows' nStdHandle for standard output

# A click on the part showing a field, dispatched in the page at a point of its text, as a
# mouse click there would be (the app script's click handler names the field).
CLICK_SCRIPT = r"""
(function (path) {
  var el = document.querySelector('[data-field="' + CSS.escape(path) + '"]');
  if (!el) { return false; }
  el.scrollIntoView();
  var box = el.getBoundingClientRect();
  var x = box.left + 2, y = box.top + Math.min(box.height / 2, 6);
  var hit = document.elementFromPoint(x, y);
  var target = hit && el.contains(hit) ? hit : el;
  target.dispatchEvent(new MouseEvent('click',
    {bubbles: true, cancelable: true, clientX: x, clientY: y}));
  return true;
})(%s)
"""


class _Inbox(QObject):
    """Messages read on the reader thread, delivered on the GUI thread (queued signals)."""

    received = Signal(object)
    ended = Signal()


class Outbox:
    """Writes frames to the window; any thread (the request guard's runs on Chromium's)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, msg: Message) -> None:
        with self._lock:
            try:
                self._stream.write(encode(msg))
                self._stream.flush()
            except OSError:  # the window is gone: stdin ends too, and the process quits
                log.debug("the window no longer reads the preview's messages")


def arm_watchdog(seconds: float | None = None) -> None:
    """End the process in ``seconds`` (``EXIT_GRACE_S``) whatever it is doing then.

    A watchdog in C (faulthandler, which runs even while the interpreter shuts down)
    prints where the process hangs and ends it, so a window that is gone never leaves a
    preview process behind. It writes to fd 2 itself: ``sys.stderr`` is None when the
    process started without one, and faulthandler then refuses to arm at all.
    """
    grace = EXIT_GRACE_S if seconds is None else seconds
    faulthandler.dump_traceback_later(grace, exit=True, file=STDERR_FD)


def read_loop(stream: BinaryIO, inbox: _Inbox) -> None:
    """Read messages until the stream ends or breaks, then say so (run on a thread).

    From then on the process has ``EXIT_GRACE_S`` to end (:func:`arm_watchdog`).
    ``ended`` is emitted whatever happened before it: without it the event loop runs on
    with no one to talk to."""
    try:
        while (msg := read_message(stream)) is not None:
            inbox.received.emit(msg)
    except (ProtocolError, OSError) as exc:
        log.warning("the preview process stops reading: %s", exc)
    finally:
        try:
            arm_watchdog()
        finally:
            inbox.ended.emit()


class PreviewHost(QObject):
    """One :class:`~.web_view.WebPageView`, driven by the window's messages."""

    def __init__(self, web_view: ModuleType, outbox: Outbox, quit_app: Callable[[], None]):
        super().__init__()
        self._out = outbox
        self._quit = quit_app
        self.view = web_view.WebPageView(None, open_url=self._open_url)
        self.widget = self.view.view
        self.widget.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self.view.guard.on_block = lambda url: outbox.send(message("blocked", url=url))
        self.view.shown.connect(self._shown)
        self.view.field_clicked.connect(
            lambda path: outbox.send(message("field_clicked", path=path))
        )
        self.view.failed.connect(self._failed)
        self._pages: deque[tuple[int, str]] = deque(maxlen=8)  # (seq, html) asked for
        self._win_id = 0  # the native window last named to the window (0: none yet)
        self.widget.installEventFilter(self)
        self._handlers: dict[str, Callable[[Message], None]] = {
            "page": self._page,
            "url": lambda m: self.view.load_url(str(m["url"])),
            "reveal": lambda m: self.view.scroll_to_field(str(m["path"])),
            "network": lambda m: self.view.set_network(
                remote=bool(m["remote"]), live_origin=str(m.get("live_origin", ""))
            ),
            "show": self._show,
            "hide": lambda _m: self.widget.hide(),
            "clear": lambda _m: self.view.clear(),
            "run_js": self._run_js,
            "click": self._click,
            "quit": lambda _m: self._quit(),
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WinIdChange and self._win_id:
            QTimer.singleShot(0, self._name_window)  # once the new window exists
        return False

    def _name_window(self) -> None:
        """Tell the window which native window to embed (again, if it changed)."""
        win_id = int(self.widget.winId())
        if win_id != self._win_id:
            self._win_id = win_id
            self._out.send(message("ready", win_id=win_id))

    def handle(self, msg: Message) -> None:
        handler = self._handlers.get(str(msg["type"]))
        if handler is None:
            log.warning("the preview process ignores a %r message", msg["type"])
            return
        try:
            handler(msg)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("a malformed %r message: %s", msg["type"], exc)

    def dispose(self) -> None:
        self.view.dispose()

    def _show(self, msg: Message) -> None:
        """Map the view, which the window now holds, at the size the window gives
        (``width``, ``height``): Qt here thinks it a top-level window and would map it
        at its own 640×480 until the window laid it out. ``mapped`` asks the window to
        lay it out again (the window alone knows where it sits).

        The size is in device pixels, which both processes share; this process's
        logical pixels are those divided by its own ratio (the window's may differ)."""
        width, height = msg.get("width"), msg.get("height")
        if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
            ratio = self.widget.devicePixelRatioF()
            self.widget.resize(max(1, round(width / ratio)), max(1, round(height / ratio)))
        self.widget.show()
        QTimer.singleShot(0, lambda: self._out.send(message("mapped")))

    def _page(self, msg: Message) -> None:
        if msg.get("base_url", "about:blank") != "about:blank":
            raise ValueError("a page's base must be about:blank")
        self._pages.append((int(msg["seq"]), str(msg["html"])))
        self.view.show_html(str(msg["html"]), keep_scroll=bool(msg.get("keep_scroll", True)))

    def _shown(self) -> None:
        self._name_window()  # the first page made the drawing surface: the id is final
        page = self.view.shown_page
        seq = next((seq for seq, html in reversed(self._pages) if html == page), 0)
        self._out.send(message("shown", seq=seq))

    def _run_js(self, msg: Message) -> None:
        ident = int(msg["id"])
        self.view.run_js(
            str(msg["script"]),
            lambda value: self._out.send(message("js_result", id=ident, value=value)),
        )

    def _click(self, msg: Message) -> None:
        self.view.run_js(CLICK_SCRIPT % json.dumps(str(msg["path"])), lambda _v: None)

    def _open_url(self, url: QUrl) -> None:
        self._out.send(message("open_url", url=url.toString()))

    def _failed(self, reason: str) -> None:
        self._out.send(message("failed", reason=reason))
        self._quit()


def fill_standard_fds() -> None:
    """Open the null device onto each of fds 0-2 that is closed.

    A process started without stderr (``2>&-``, pythonw) has fd 2 free: the next
    descriptor opened would take it, and whatever Chromium or Qt writes to "stderr" then
    lands there (the protocol pipe once reached it, and a line of Chromium's made a frame
    length of 1.4 GB).
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _protocol_streams() -> tuple[BinaryIO, BinaryIO]:
    """(stdin, a private copy of stdout) as binary streams; fd 1 then writes to stderr.

    The copy is made once fds 0-2 are taken, so it lands above them and nothing written
    to fd 1 or fd 2 reaches the window."""
    fill_standard_fds()
    protocol_fd = os.dup(1)
    os.dup2(STDERR_FD, 1)
    if sys.platform == "win32":  # dup2 moved only the C runtime's fd 1
        import ctypes
        import msvcrt

        point_std_output_at(1, ctypes.windll.kernel32.SetStdHandle, msvcrt.get_osfhandle)
    if sys.stderr is None:  # started without stderr: it is the null device now
        # lives as long as the process, as sys.stderr does
        sys.stderr = open(STDERR_FD, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer if sys.stdin is not None else open(0, "rb", closefd=False)  # noqa: SIM115
    return stdin, os.fdopen(protocol_fd, "wb")


def point_std_output_at(
    fd: int, set_std_handle: Callable[[int, int], int], os_handle: Callable[[int], int]
) -> None:
    """Point Windows' standard output handle at ``fd``'s file (Windows only).

    ``dup2`` changes the C runtime's fd 1 but not ``STD_OUTPUT_HANDLE``, which native
    code (Chromium, Qt's logging) writes through: it would still reach the protocol pipe.
    The callables are ``kernel32.SetStdHandle`` and ``msvcrt.get_osfhandle`` (passed in
    so a test on any system can check the call)."""
    if not set_std_handle(STD_OUTPUT_HANDLE, os_handle(fd)):
        raise OSError(f"SetStdHandle could not point standard output at fd {fd}")


def software_drawing(env: MutableMapping[str, str]) -> None:
    """Draw the view without OpenGL, unless the user chose a Qt Quick back end.

    Chromium already draws the page in software (``--disable-gpu``, :mod:`.engine`); Qt
    then only puts its frames on the screen, which the software Qt Quick back end does as
    well, and with no GL integration on xcb Mesa's ``libLLVM``/``swrast_dri`` are never
    loaded: the preview process's RSS went from 281 to 190 MB under Xvfb (the page, its
    size and clicks unchanged; ``bench/RESULTS.md``). Either setting alone does not
    work: without GL the OpenGL back end draws nothing. Qt and Chromium then say on
    stderr that they cannot make a GL context (a few lines, once).
    """
    if "QT_QUICK_BACKEND" not in env:
        env["QT_QUICK_BACKEND"] = "software"
        env.setdefault("QT_XCB_GL_INTEGRATION", "none")


def main() -> int:
    """Run the preview process until stdin ends."""
    stdin, stdout = _protocol_streams()  # first: logging takes sys.stderr as it is
    logging.basicConfig(level=logging.WARNING, format="preview process: %(message)s")
    outbox = Outbox(stdout)
    software_drawing(os.environ)
    app = QApplication([sys.argv[0] if sys.argv else "glossary-editor-preview"])
    app.setQuitOnLastWindowClosed(False)
    module, error = engine.load()
    if module is None:
        outbox.send(message("failed", reason=f"the browser engine is not available ({error})"))
        return 1
    try:
        host = PreviewHost(module, outbox, app.quit)
    except Exception as exc:  # the engine could not start at all
        outbox.send(message("failed", reason=f"the browser engine could not start ({exc})"))
        return 1
    inbox = _Inbox()
    inbox.received.connect(host.handle)
    inbox.ended.connect(app.quit)
    threading.Thread(target=read_loop, args=(stdin, inbox), daemon=True).start()
    code = app.exec()
    arm_watchdog()  # quit or failed: stdin may still be open, and teardown may hang
    host.dispose()
    # The page must go before Qt releases the engine's profile at exit.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return int(code)


def run() -> None:
    """Run :func:`main` and leave at once: Qt's and QtWebEngine's teardown at interpreter
    exit has nothing left to save (the engine's profile is off the record) and is where a
    process could still hang or crash; the engine's own processes end a moment later, as
    they do when this one is killed (their channel to it closes)."""
    code = main()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
