"""The preview process: the child program driven through its protocol, and the pane's
fallbacks when it cannot start, fails, or dies.

Offscreen (as every test here runs) no window can embed another process's, so the pane
uses the engine in its own process; the tests that drive the pane through the preview
process give it a stand-in for the embedding (a plain widget), and the child program runs
offscreen too. One child serves the module's protocol tests: starting Chromium costs a
process and a second or two.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from helpers.http_server import RecordingServer, serving
from PySide6.QtCore import QEvent, QObject, QRect, QSize, QThreadPool
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QWidget

from editor.content.render import render_page
from editor.content.schema import Schema, SchemaRegistry
from editor.ui.preview import engine, host
from editor.ui.preview.host import (
    STD_OUTPUT_HANDLE,
    point_std_output_at,
    read_loop,
    software_drawing,
)
from editor.ui.preview.host_protocol import (
    FrameReader,
    Message,
    ProtocolError,
    encode,
    message,
    read_message,
)
from editor.ui.preview.host_view import HostPageView, host_command
from editor.ui.preview.network import BlockedRequests
from editor.ui.preview.pane import PreviewPane

QUIET = ("QRhi", "RHI", "Vulkan", "GBM", "GPUInfo", "Sandboxing", "propagateSizeHints",
         "WebEnginePage still not deleted")  # fmt: skip
pytestmark = [
    pytest.mark.skipif(engine.load()[0] is None, reason=f"no QtWebEngine: {engine.load()[1]}"),
    pytest.mark.qt_log_ignore(*QUIET),
]
REPO = Path(__file__).resolve().parents[3]
WAIT = 30.0  # seconds: Chromium's start on a busy machine


def child_env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": path, **extra}


class Child:
    """The preview program run as the window runs it (or ``command``), read on a thread.

    The reader thread is a daemon and :meth:`kill` ends the program, so a test that
    fails half-way never leaves pytest waiting at exit for a program that still reads."""

    def __init__(self, command: list[str] | None = None, **env: str) -> None:
        self.process = subprocess.Popen(
            command or host_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env(**env),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin = self.process.stdin
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._kept: list[Message] = []
        self._js = 100
        self._thread = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        try:
            while (msg := read_message(stream)) is not None:
                self._inbox.put(msg)
        except ProtocolError:
            pass  # a broken stream ends the messages: ``expect`` says so
        finally:
            self._inbox.put(None)

    def kill(self) -> None:
        """End the program if it still runs (a failed test's clean-up)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(WAIT)
        for stream in (self._stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):  # the program is gone: a broken pipe
                    stream.close()

    def send(self, kind: str, **fields: Any) -> None:
        self._stdin.write(encode(message(kind, **fields)))
        self._stdin.flush()

    def expect(self, kind: str, **fields: Any) -> Message:
        """The first message of type ``kind`` with these ``fields``; the others are kept
        for later calls (messages of separate requests may arrive in any order)."""

        def fits(msg: Message) -> bool:
            return msg["type"] == kind and all(msg.get(k) == v for k, v in fields.items())

        for kept in self._kept:
            if fits(kept):
                self._kept.remove(kept)
                return kept
        while True:
            msg = self._inbox.get(timeout=WAIT)
            assert msg is not None, f"the preview program ended before {kind!r} {fields}"
            if fits(msg):
                return msg
            self._kept.append(msg)

    def js(self, script: str) -> Any:
        self._js += 1
        self.send("run_js", id=self._js, script=f"JSON.stringify({script})")
        return json.loads(self.expect("js_result", id=self._js)["value"])

    def close(self) -> int:
        self._stdin.close()
        code = self.process.wait(WAIT)
        self._thread.join(WAIT)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


@pytest.fixture(scope="module")
def schema() -> Schema:
    return SchemaRegistry.load()["glossary"]


def page(schema: Schema, definition: str = "The meaning.", body: str = "") -> str:
    data = {
        "title": "Determinant",
        "definition": definition,
        "faq": [{"question": f"Question {n}?", "answer": "Long. " * 300} for n in range(3)],
        "url": "/glossary/determinant",
    }
    html = render_page(data, body, schema)
    # A stylesheet rule the tests read back as a computed style.
    return html.replace("</head>", "<style>h1 { color: rgb(10, 20, 30); }</style></head>")


@pytest.fixture(scope="module")
def child(schema: Schema) -> Iterator[Child]:
    """A running preview program showing the page (seq 1), its window named."""
    running = Child()
    try:
        running.send("network", remote=False, live_origin="")
        running.send("page", seq=1, html=page(schema), base_url="about:blank", keep_scroll=False)
        assert running.expect("ready")["win_id"] > 0
        running.expect("shown", seq=1)
        running.send("show")
        running.expect("mapped")
        yield running
        assert running.close() == 0  # stdin ended: it quits by itself, cleanly
    finally:
        running.kill()


def test_the_child_shows_the_page_with_its_sections_and_style(child: Child) -> None:
    ids = child.js("[...document.querySelectorAll('[data-field]')].map(e => e.dataset.field)")
    assert ids[:3] == ["title", "definition", "faq"]
    assert "faq.2.answer" in ids
    assert child.js("getComputedStyle(document.querySelector('h1')).color") == "rgb(10, 20, 30)"
    assert child.js("document.title") == "Determinant"


def test_a_new_page_updates_the_document_in_place_keeping_the_scroll(
    child: Child, schema: Schema
) -> None:
    assert child.js("(window.scrollTo(0, 300), window.__probe = 'same', scrollY)") == 300
    html = page(schema, definition="A changed definition.")
    child.send("page", seq=2, html=html, base_url="about:blank", keep_scroll=True)
    child.expect("shown", seq=2)
    state = child.js("[scrollY, window.__probe, document.querySelector('.definition').innerText]")
    assert state == [300, "same", "A changed definition."]


def test_a_page_with_another_base_is_refused(child: Child, schema: Schema) -> None:
    html = page(schema, definition="Relative to a folder.")
    child.send("page", seq=9, html=html, base_url="file:///etc/", keep_scroll=True)
    # Both pages update the shown document in place, in order: had the first been taken,
    # its ``shown`` would come before the second's.
    child.send("page", seq=10, html=page(schema), base_url="about:blank", keep_scroll=True)
    child.expect("shown", seq=10)
    assert not any(m["type"] == "shown" and m.get("seq") == 9 for m in child._kept)
    assert "Relative to a folder." not in child.js("document.body.innerText")


def test_reveal_scrolls_to_the_field(child: Child) -> None:
    child.js("(window.scrollTo(0, 0), 0)")
    child.send("reveal", path="faq.2.answer")
    child.send("run_js", id=5, script="1")  # handled after the reveal: a barrier
    child.expect("js_result", id=5)
    top = "document.querySelector('[data-field=\"faq.2.answer\"]').getBoundingClientRect().top"
    assert abs(child.js(top)) < 2


def test_a_click_message_comes_back_as_the_field_clicked(child: Child) -> None:
    child.send("click", path="faq.1.question")
    child.expect("field_clicked", path="faq.1.question")


def test_a_followed_link_goes_to_the_window_for_the_system_browser(child: Child) -> None:
    child.js(
        "(() => { const a = document.createElement('a'); a.href = 'https://example.org/x';"
        " a.textContent = 'out'; document.body.append(a); a.click(); return 0; })()"
    )
    child.expect("open_url", url="https://example.org/x")
    assert child.js("location.href") == "about:blank"  # the view did not navigate


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with serving(200, b"<html><body><h1>Live</h1></body></html>") as httpd:
        yield httpd


def test_the_network_only_as_the_window_allows(
    child: Child, schema: Schema, server: RecordingServer
) -> None:
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    html = page(schema, body=f"![pixel]({origin}/pixel.png)")
    child.send("page", seq=3, html=html, base_url="about:blank", keep_scroll=False)
    child.expect("blocked", url=f"{origin}/pixel.png")
    assert server.requests == []
    child.send("network", remote=False, live_origin=f"{origin}")
    child.send("url", url=f"{origin}/glossary/determinant")  # the live site: allowed
    child.expect("shown", seq=0)
    assert child.js("document.querySelector('h1').textContent") == "Live"
    assert server.requests == ["/glossary/determinant"]
    child.send("network", remote=False, live_origin="")
    child.send("page", seq=4, html=page(schema), base_url="about:blank", keep_scroll=False)
    child.expect("shown", seq=4)
    child.send("clear")
    assert child.js("document.title") == "Determinant"  # clear forgets, shows on


def test_the_child_quits_when_asked_or_when_its_window_is_gone(schema: Schema) -> None:
    asked = Child()
    try:
        asked.send("quit")
        assert asked.close() == 0
    finally:
        asked.kill()
    orphan = Child()  # its stdin ends as a crashed window's would: at once, no quit
    try:
        assert orphan.close() == 0
    finally:
        orphan.kill()


@pytest.mark.skipif(sys.platform == "win32", reason="closes fd 2 through a POSIX shell")
def test_a_child_started_without_stderr_keeps_its_frames_and_ends_with_its_stdin(
    schema: Schema,
) -> None:
    """Chromium's lines to stderr once went into the protocol pipe (fd 2 was free, so the
    pipe's copy took it), and the child never ended."""
    without_stderr = Child(["/bin/sh", "-c", 'exec "$@" 2>&-', "sh", *host_command()])
    try:
        without_stderr.send("network", remote=False, live_origin="")
        html = page(schema)
        without_stderr.send("page", seq=1, html=html, base_url="about:blank", keep_scroll=False)
        assert without_stderr.expect("ready")["win_id"] > 0
        without_stderr.expect("shown", seq=1)
        assert without_stderr.js("document.title") == "Determinant"
        assert without_stderr.close() == 0
    finally:
        without_stderr.kill()


HANGS_IN_TEARDOWN = (
    "import time, editor.ui.preview.host as host; host.EXIT_GRACE_S = 1;"
    " host.PreviewHost.dispose = lambda self: time.sleep(3600); host.run()"
)


def test_a_child_that_hangs_after_quit_ends_though_its_stdin_stays_open() -> None:
    hangs = Child([sys.executable, "-c", HANGS_IN_TEARDOWN])
    try:
        hangs.send("quit")  # stdin stays open: only the watchdog can end it
        assert hangs.process.wait(WAIT) != 0  # ended by the watchdog, not cleanly
    finally:
        hangs.kill()


# -- the pane with the preview process --------------------------------------------


def _stand_in(win_id: int, parent: QWidget) -> QWidget:
    """Offscreen nothing embeds: a plain widget takes the embedded window's place."""
    assert win_id > 0
    return QWidget(parent)


class Site:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.data: dict[str, Any] = {"title": "Determinant", "definition": "The meaning."}

    def render(self, data: Mapping[str, Any], body: str, schema: Schema) -> str:
        return render_page(data, body, schema)


@pytest.fixture
def make_pane(qtbot: Any, schema: Schema) -> Iterator[Any]:
    """Panes whose preview process runs ``command`` (the real one by default)."""
    pool = QThreadPool()
    panes: list[PreviewPane] = []
    site = Site(schema)

    def make(command: list[str] | None = None) -> PreviewPane:
        host = partial(HostPageView, command=command, embed=_stand_in)
        made = PreviewPane(site.render, delay_ms=10, pool=pool, engine_name="host", host_view=host)
        made.set_source(lambda: (site.data, "", site.schema))
        made.resize(600, 400)
        made.show()
        panes.append(made)
        return made

    yield make
    pool.waitForDone()
    for made in panes:
        view = made.page_view()
        view.dispose()
        made.close()
        made.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_pane_shows_pages_through_the_preview_process(qtbot: Any, make_pane: Any) -> None:
    pane = make_pane()
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    view = pane.page_view()
    assert isinstance(view, HostPageView) and view.win_id > 0
    assert view.shown_page == pane.html()
    results: list[Any] = []
    view.run_js("document.querySelector('h1').textContent", results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == ["Determinant"]
    with qtbot.waitSignal(pane.field_clicked, timeout=10_000) as clicked:
        view.click_field("definition")
    assert clicked.args == ["definition"]
    assert pane.notice.isHidden()

    def visibility() -> str:
        state: list[Any] = []
        view.run_js("document.visibilityState", state.append)
        qtbot.waitUntil(lambda: bool(state), timeout=10_000)
        return str(state[0])

    assert visibility() == "visible"
    pane.hide()  # the view goes with the pane, in its own process too
    qtbot.waitUntil(lambda: visibility() == "hidden", timeout=10_000)
    pane.show()
    qtbot.waitUntil(lambda: visibility() == "visible", timeout=10_000)


def test_a_preview_program_that_cannot_start_falls_back_to_the_engine_here(
    qtbot: Any, make_pane: Any, tmp_path: Path
) -> None:
    pane = make_pane([str(tmp_path / "no-such-python"), "-m", "editor.ui.preview.host"])
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert not isinstance(pane.page_view(), HostPageView)
    assert pane.engine() == "web"  # the engine in the window's own process
    assert pane.notice.isVisibleTo(pane)
    assert pane.notice.text().count("could not start") == 1


def test_a_failure_the_program_reports_falls_back_with_its_reason(
    qtbot: Any, make_pane: Any
) -> None:
    says = (
        "import sys, struct, json; m = json.dumps({'type': 'failed', 'reason': 'no engine here'});"
        " sys.stdout.buffer.write(struct.pack('>I', len(m)) + m.encode()); sys.exit(1)"
    )
    pane = make_pane([sys.executable, "-c", says])
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert not isinstance(pane.page_view(), HostPageView)
    assert "no engine here" in pane.notice.text()


def test_a_program_that_sends_garbage_is_ended_and_replaced(qtbot: Any, make_pane: Any) -> None:
    garbage = "import sys, time; sys.stdout.buffer.write(b'\\0\\0\\0\\3abc'); sys.stdout.flush();"
    pane = make_pane([sys.executable, "-c", garbage + " time.sleep(60)"])
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert not isinstance(pane.page_view(), HostPageView)
    assert "garbage" in pane.notice.text()


def _program(*frames: Message) -> list[str]:
    """A stand-in preview program: it writes ``frames`` at once, in one piece, then waits
    for its stdin to end."""
    data = b"".join(encode(frame) for frame in frames)
    code = f"import sys; sys.stdout.buffer.write({data!r}); sys.stdout.flush(); sys.stdin.read()"
    return [sys.executable, "-c", code]


def test_a_ready_without_its_window_is_garbage_and_falls_back_at_once(
    qtbot: Any, make_pane: Any
) -> None:
    pane = make_pane(_program(message("ready")))
    first = pane.page_view()
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert not isinstance(pane.page_view(), HostPageView)
    assert first.starts == 1  # a broken program is not started again
    assert pane.notice.text().count("garbage") == 1
    assert "'win_id'" in pane.notice.text()


def test_a_malformed_message_ends_the_program_after_the_messages_before_it(
    qtbot: Any, make_pane: Any
) -> None:
    pane = make_pane(
        _program(
            message("ready", win_id=7),
            message("blocked", url="http://example.org/before.png"),
            message("field_clicked"),  # no path
            message("blocked", url="http://example.org/after.png"),
        )
    )
    first = pane.page_view()
    clicked: list[str] = []
    pane.field_clicked.connect(clicked.append)
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert isinstance(first, HostPageView) and first.win_id == 7
    assert list(first.blocked) == ["http://example.org/before.png"]
    assert not isinstance(pane.page_view(), HostPageView)
    assert first.starts == 1 and clicked == []
    assert pane.notice.text().count("garbage") == 1


def test_the_requests_refused_are_kept_once_each_and_only_the_latest(qtbot: Any) -> None:
    limit = BlockedRequests().limit
    refreshes = [message("blocked", url=f"http://example.org/{n}.png") for n in range(3)] * 50
    distinct = [message("blocked", url=f"http://example.org/x{n}.png") for n in range(limit + 5)]
    program = _program(message("ready", win_id=7), *refreshes, message("shown", seq=0))
    view = HostPageView(None, command=program, embed=_stand_in)
    with qtbot.waitSignal(view.shown, timeout=WAIT * 1000):
        pass
    assert list(view.blocked) == [f"http://example.org/{n}.png" for n in range(3)]
    view.dispose()
    program = _program(message("ready", win_id=7), *distinct, message("shown", seq=0))
    view = HostPageView(None, command=program, embed=_stand_in)
    with qtbot.waitSignal(view.shown, timeout=WAIT * 1000):
        pass
    assert len(view.blocked) == limit
    assert list(view.blocked) == [m["url"] for m in distinct[-limit:]]
    view.dispose()


def test_a_program_that_never_gets_ready_is_given_up(qtbot: Any) -> None:
    silent = [sys.executable, "-c", "import sys; sys.stdin.read()"]  # ends with its stdin
    view = HostPageView(None, command=silent, embed=_stand_in, start_timeout_ms=300)
    view.show_html("<p>x</p>", keep_scroll=False)
    with qtbot.waitSignal(view.failed, timeout=WAIT * 1000) as failed:
        pass
    assert failed.args == ["the preview process did not start in 0.3 s"]
    assert view.process_id == 0
    view.dispose()


def test_a_dying_program_is_started_again_once_then_the_engine_here_shows(
    qtbot: Any, make_pane: Any
) -> None:
    pane = make_pane()
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    view = pane.page_view()
    assert isinstance(view, HostPageView)
    first = view.process_id
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):  # the page, shown again
        os.kill(first, signal.SIGKILL)
    assert pane.page_view() is view and view.starts == 2
    assert view.process_id not in (0, first)
    assert view.shown_page == pane.html()
    assert pane.notice.isHidden()  # a restart is not worth a word
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        os.kill(view.process_id, signal.SIGKILL)
    assert not isinstance(pane.page_view(), HostPageView)
    assert pane.engine() == "web"
    assert pane.notice.isVisibleTo(pane) and pane.notice.text().count("crashed") == 1


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_program_ends_when_the_pane_goes(qtbot: Any) -> None:
    parent = QWidget()
    view = HostPageView(parent, embed=_stand_in)
    with qtbot.waitSignal(view.shown, timeout=WAIT * 1000):
        view.show_html("<html><head></head><body>x</body></html>", keep_scroll=False)
    pid = view.process_id
    assert _running(pid)
    parent.deleteLater()  # the window closes: no dispose() is called
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not _running(pid), timeout=WAIT * 1000)


def test_where_windows_cannot_embed_the_engine_runs_in_the_window(
    qtbot: Any, thread_pool: QThreadPool, schema: Schema
) -> None:
    assert engine.can_embed("xcb") and engine.can_embed("windows")
    assert not any(map(engine.can_embed, ("offscreen", "wayland", "cocoa", "minimal")))
    assert not engine.can_embed()  # these tests run offscreen
    site = Site(schema)
    pane = PreviewPane(site.render, pool=thread_pool, engine_name="web")
    qtbot.addWidget(pane)
    pane.set_source(lambda: (site.data, "", site.schema))
    with qtbot.waitSignal(pane.rendered, timeout=WAIT * 1000):
        pane.show_now()
    assert pane.engine() == "web" and not isinstance(pane.page_view(), HostPageView)
    assert pane.notice.isHidden()  # the platform's way, not a failure


def test_the_window_side_never_imports_the_engine() -> None:
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        " import editor.ui.preview.pane, editor.ui.preview.host_view;"
        " print(sorted(m for m in sys.modules if 'WebEngine' in m))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_program_draws_without_opengl_unless_the_user_chose_a_back_end() -> None:
    env: dict[str, str] = {}
    software_drawing(env)
    assert env == {"QT_QUICK_BACKEND": "software", "QT_XCB_GL_INTEGRATION": "none"}
    chosen = {"QT_QUICK_BACKEND": "rhi"}
    software_drawing(chosen)
    assert chosen == {"QT_QUICK_BACKEND": "rhi"}
    own_gl = {"QT_XCB_GL_INTEGRATION": "egl"}
    software_drawing(own_gl)
    assert own_gl == {"QT_QUICK_BACKEND": "software", "QT_XCB_GL_INTEGRATION": "egl"}


def _inbox_log() -> tuple[host._Inbox, list[Any]]:
    inbox = host._Inbox()
    got: list[Any] = []
    inbox.received.connect(got.append)
    inbox.ended.connect(lambda: got.append("ended"))
    return inbox, got


def test_reading_ends_with_the_watchdog_armed_even_without_sys_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stderr", None)  # as in a process started without stderr
    inbox, got = _inbox_log()
    try:
        read_loop(io.BytesIO(encode(message("quit"))), inbox)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert got == [message("quit"), "ended"]


def test_reading_says_it_ended_even_when_the_watchdog_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("no watchdog here")

    monkeypatch.setattr(faulthandler, "dump_traceback_later", refuse)
    inbox, got = _inbox_log()
    with pytest.raises(RuntimeError, match="no watchdog"):
        read_loop(io.BytesIO(b"\0\0"), inbox)  # broken inside a frame's length
    assert got == ["ended"]


def test_on_windows_the_standard_output_handle_follows_fd_1() -> None:
    calls: list[tuple[int, int]] = []

    def set_std_handle(which: int, handle: int) -> int:
        calls.append((which, handle))
        return 1

    point_std_output_at(1, set_std_handle, lambda fd: 4000 + fd)
    assert calls == [(STD_OUTPUT_HANDLE, 4001)]
    with pytest.raises(OSError, match="standard output"):
        point_std_output_at(1, lambda _which, _handle: 0, lambda fd: fd)


class _FirstShow(QWidget):
    """A stand-in for the embedded window that notes its geometry when first shown."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.first_shown: QRect | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self.first_shown is None:
            self.first_shown = self.geometry()
        super().showEvent(event)


def _recording_program(heard: Path) -> list[str]:
    """A preview program that names window 7 and writes all it heard to ``heard`` once
    its stdin ended."""
    ready = encode(message("ready", win_id=7))
    code = (
        f"import os, sys; sys.stdout.buffer.write({ready!r}); sys.stdout.flush(); "
        f"data = sys.stdin.buffer.read(); open({str(heard)!r} + '~', 'wb').write(data); "
        f"os.replace({str(heard)!r} + '~', {str(heard)!r})"
    )
    return [sys.executable, "-c", code]


def test_the_embedded_window_has_the_panes_size_when_first_shown(
    qtbot: Any, tmp_path: Path
) -> None:
    """For a few ms after the first page the embedded window showed at a size of its own
    (640×480): the process mapped it at that size before the window laid it out. Now
    ``show`` tells the process the pane's size, and the container has it when shown."""
    heard = tmp_path / "heard"
    pane = QWidget()
    qtbot.addWidget(pane)
    pane.resize(530, 310)
    embedded: list[_FirstShow] = []

    def embed(win_id: int, parent: QWidget) -> QWidget:
        embedded.append(_FirstShow(parent))
        return embedded[-1]

    view = HostPageView(pane, command=_recording_program(heard), embed=embed)
    view.widget.setGeometry(0, 0, 530, 310)
    pane.show()
    qtbot.waitUntil(lambda: view.win_id == 7, timeout=WAIT * 1000)
    assert embedded[0].first_shown == QRect(0, 0, 530, 310)
    view.dispose()
    qtbot.waitUntil(heard.exists, timeout=WAIT * 1000)
    sent = list(FrameReader().feed(heard.read_bytes()))
    assert message("show", width=530, height=310) in sent


# The window's side at twice the scale (QT_SCALE_FACTOR=2 is read once, at the start of
# a process): the pane of 530×310 of its pixels, shown, its process's window embedded.
_WINDOW_AT_SCALE_2 = """
import sys
from PySide6.QtCore import QDeadlineTimer
from PySide6.QtWidgets import QApplication, QWidget
from editor.ui.preview.host_view import HostPageView
app = QApplication([])
pane = QWidget()
pane.resize(530, 310)
view = HostPageView(pane, command=sys.argv[1:], embed=lambda _id, parent: QWidget(parent))
view.widget.setGeometry(0, 0, 530, 310)
pane.show()
deadline = QDeadlineTimer(30_000)
while view.win_id != 7 and not deadline.hasExpired():
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
print(pane.devicePixelRatioF())
view.dispose()
app.processEvents()
""".replace("QDeadlineTimer\n", "QDeadlineTimer, QEventLoop\n")


def test_show_gives_the_size_in_the_window_system_s_pixels(tmp_path: Path) -> None:
    """The window and its preview process may draw at different scales (a screen of its
    own, ``QT_SCALE_FACTOR`` set for one of them): the process mapped its view at the
    pane's size in the window's *logical* pixels, taken as its own (half or twice the
    size, under Xvfb) until the window fitted it. ``show`` now gives device pixels,
    which both processes' window system shares, as Qt gives the embedded window's."""
    heard = tmp_path / "heard"
    window = subprocess.run(
        [sys.executable, "-c", _WINDOW_AT_SCALE_2, *_recording_program(heard)],
        env=child_env(QT_SCALE_FACTOR="2"),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=True,
    )
    assert float(window.stdout) == 2.0
    deadline = time.monotonic() + WAIT
    while not heard.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the program writes it once the window's process closed its stdin
    sent = list(FrameReader().feed(heard.read_bytes()))
    assert message("show", width=1060, height=620) in sent


def test_a_process_at_twice_the_scale_maps_its_view_at_half_as_many_of_its_pixels(
    schema: Schema,
) -> None:
    """``show``'s size is in device pixels: a process drawing at twice the scale gives its
    view half as many logical pixels (the page's CSS pixels), and the same on screen."""
    scaled = Child(QT_SCALE_FACTOR="2")
    try:
        scaled.send("page", seq=1, html=page(schema), base_url="about:blank", keep_scroll=False)
        scaled.expect("shown", seq=1)
        scaled.send("show", width=1060, height=620)
        scaled.expect("mapped")
        size = "[window.innerWidth, window.innerHeight, window.devicePixelRatio]"
        deadline = time.monotonic() + 10  # Chromium takes the new size a moment later
        while (got := scaled.js(size)) != [530, 310, 2] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got == [530, 310, 2]
        assert scaled.close() == 0
    finally:
        scaled.kill()


def test_the_process_maps_its_view_at_the_size_show_gives(qtbot: Any) -> None:
    """In the process the view is a top-level widget: mapped at its own 640×480 until
    the window laid it out."""
    web_view = engine.load()[0]
    assert web_view is not None
    preview = host.PreviewHost(web_view, host.Outbox(io.BytesIO()), lambda: None)
    sizes: list[QSize] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Show:
                sizes.append(preview.widget.size())
            return False

    watch = Watch()
    preview.widget.installEventFilter(watch)
    try:
        preview.handle(message("show", width=530, height=310))
        assert sizes == [QSize(530, 310)]
    finally:
        preview.widget.hide()
        preview.dispose()
