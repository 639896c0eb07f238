"""The browser-engine preview, through the page itself (``runJavaScript``).

``grab()`` of a ``QWebEngineView`` is blank offscreen, so these tests read the page with
script run in the app's own world: the sections are there, formulas are MathML laid out
as formulas, the site's stylesheet applies, no content script ran, nothing was fetched
from the network, and an update keeps the scroll and the document (no reload, no
flicker). One pane is shared by the module: starting the engine costs a process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from helpers.http_server import RecordingServer, serving
from PySide6.QtCore import QEvent, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from editor.content.render import render_page
from editor.content.render_config import RenderConfig
from editor.content.schema import Schema, SchemaRegistry
from editor.ui.preview import PHONE_WIDTH, PreviewPane, engine

# What Chromium says offscreen about GPU back ends it cannot use (software is used).
QUIET = ("QRhi", "RHI", "Vulkan", "GBM", "GPUInfo", "Sandboxing", "propagateSizeHints",
         "WebEnginePage still not deleted")  # fmt: skip
pytestmark = [
    pytest.mark.skipif(engine.load()[0] is None, reason=f"no QtWebEngine: {engine.load()[1]}"),
    pytest.mark.qt_log_ignore(*QUIET),
]

FAQ = [
    {"question": f"Question {n}?", "answer": f"Answer {n}. " + "Long text. " * 80} for n in range(4)
]


class Site:
    """What the shared pane renders: an entry whose values a test may change."""

    def __init__(self, config: RenderConfig) -> None:
        self.config = config
        self.schema: Schema = SchemaRegistry.load()["glossary"]
        self.data: dict[str, Any] = {
            "title": "Determinant",
            "definition": r"The scalar $\det(A) = ad - bc$ of a square matrix.",
            "what_is": r"For a matrix:\n\n$$\nA = \begin{pmatrix}\na & b \\\nc & d"
            r"\n\end{pmatrix}\n$$",
            "faq": FAQ,
            "url": "/glossary/determinant",
            "seo": {"title": "Determinant", "page_description": "What a determinant is."},
        }
        self.body = ""

    def render(self, data: Mapping[str, Any], body: str, schema: Schema) -> str:
        return render_page(data, body, schema, config=self.config)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    css = tmp_path_factory.mktemp("site") / "site.css"
    css.write_text("h1 { color: rgb(10, 20, 30); } body { margin: 0; }\n")
    return Site(RenderConfig(raw_html="allow", stylesheets=(css,)))


@pytest.fixture(scope="module")
def shared(qapp: QApplication, site: Site) -> Iterator[PreviewPane]:
    pool = QThreadPool()
    pane = PreviewPane(site.render, delay_ms=10, pool=pool, engine_name="web")
    pane.set_source(lambda: (site.data, site.body, site.schema))
    pane.resize(700, 500)
    pane.show()
    yield pane
    pool.waitForDone()
    pane.close()
    pane.deleteLater()
    # The page must go before Qt releases the engine's profile at exit.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def pane(qtbot: Any, shared: PreviewPane, site: Site) -> PreviewPane:
    """The shared pane showing the site's entry from the top."""
    site.data.pop("pronunciation", None)
    site.body = ""
    with qtbot.waitSignal(shared.rendered, timeout=20_000):
        shared.show_now()
    return shared


def js(qtbot: Any, pane: PreviewPane, script: str) -> Any:
    """The JSON value of ``script`` run in the app's world of the page."""
    results: list[Any] = []
    pane.page_view().run_js(f"JSON.stringify({script})", results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    return json.loads(results[0])


def test_the_page_is_the_rendered_html_with_sections_math_and_site_style(
    qtbot: Any, pane: PreviewPane, site: Site
) -> None:
    assert pane.engine() == "web"
    assert pane.html() == render_page(site.data, "", site.schema, config=site.config)
    fields = js(
        qtbot, pane, "[...document.querySelectorAll('[data-field]')].map(e => e.dataset.field)"
    )
    assert fields[:4] == ["title", "definition", "what_is", "faq"]
    assert "faq.3.answer" in fields
    math = js(
        qtbot,
        pane,
        "[...document.querySelectorAll('math')].map(m => [m.getAttribute('display'),"
        " m.querySelectorAll('mtable mtr').length, m.getBoundingClientRect().height])",
    )
    assert [(d, rows) for d, rows, _h in math] == [("inline", 0), ("block", 2)]
    inline_height, matrix_height = math[0][2], math[1][2]
    assert matrix_height > 1.5 * inline_height > 0  # laid out as a two-row formula
    assert js(qtbot, pane, "getComputedStyle(document.querySelector('h1')).color") == (
        "rgb(10, 20, 30)"
    )


def test_no_script_from_content_runs(qtbot: Any, pane: PreviewPane, site: Site) -> None:
    site.body = (
        "<script>document.title = 'ran'</script>\n\n"
        '<img src="data:," onerror="document.title = \'handler ran\'">\n\n'
        "<p id='probe'>probe</p>"
    )
    with qtbot.waitSignal(pane.rendered, timeout=20_000):
        pane.show_now()
    assert "<script>document.title" in pane.html()  # raw HTML allowed: the engine must stop it
    state = js(qtbot, pane, "[document.title, !!document.getElementById('probe')]")
    assert state == ["Determinant", True]


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with serving(404) as httpd:
        yield httpd


def test_no_network_unless_the_site_allows_it(
    qtbot: Any, pane: PreviewPane, site: Site, server: RecordingServer
) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
    site.body = f"![pixel]({url})"
    with qtbot.waitSignal(pane.rendered, timeout=20_000):
        pane.show_now()
    qtbot.waitUntil(lambda: url in pane.page_view().guard.blocked, timeout=10_000)
    assert server.requests == []
    pane.set_site(RenderConfig(remote=True))
    try:
        with qtbot.waitSignal(pane.rendered, timeout=20_000):
            pane.show_now()
        qtbot.waitUntil(lambda: server.requests == ["/pixel.png"], timeout=10_000)
    finally:
        pane.set_site(RenderConfig())


def test_live_site_mode_shows_the_dev_server_page_after_each_save(
    qtbot: Any, pane: PreviewPane, server: RecordingServer
) -> None:
    port = server.server_address[1]
    pane.set_site(RenderConfig(preview_url=f"http://127.0.0.1:{port}{{url}}"))
    try:
        assert pane.live_button.isVisibleTo(pane)
        pane.live_button.setChecked(True)
        qtbot.waitUntil(lambda: server.requests == ["/glossary/determinant"], timeout=10_000)
        pane.site_saved()
        qtbot.waitUntil(lambda: len(server.requests) == 2, timeout=10_000)
        pane.live_button.setChecked(False)  # back to the app's own page
        qtbot.waitUntil(lambda: js(qtbot, pane, "document.title") == "Determinant", timeout=10_000)
    finally:
        pane.set_site(RenderConfig())
    assert not pane.live_button.isVisibleTo(pane)
    assert server.requests == ["/glossary/determinant"] * 2  # nothing else was fetched


def test_typing_updates_in_place_keeping_the_scroll(
    qtbot: Any, pane: PreviewPane, site: Site
) -> None:
    # Any render still on its way (an earlier test's) lands first: the probe below must
    # be set in the document that the changes are then made to.
    qtbot.waitUntil(pane.is_idle, timeout=20_000)
    qtbot.waitUntil(lambda: js(qtbot, pane, "document.readyState") == "complete", timeout=20_000)
    assert (
        js(qtbot, pane, "(window.scrollTo(0, 400), window.__probe = 'same document', scrollY)")
        == 400
    )
    site.data["definition"] = "A changed definition."
    try:
        with qtbot.waitSignal(pane.rendered, timeout=20_000):
            pane.request()
        state = js(
            qtbot,
            pane,
            "[scrollY, window.__probe, document.querySelector('.definition').textContent]",
        )
        assert state == [400, "same document", "A changed definition."]
        site.data["seo"] = {"title": "Determinant, explained", "page_description": "x"}
        with qtbot.waitSignal(pane.rendered, timeout=20_000):
            pane.request()  # the head changes too: still no reload
        assert js(qtbot, pane, "[document.title, window.__probe, scrollY]") == [
            "Determinant, explained", "same document", 400,
        ]  # fmt: skip
    finally:
        site.data["definition"] = r"The scalar $\det(A) = ad - bc$ of a square matrix."
        site.data["seo"] = {"title": "Determinant", "page_description": "What a determinant is."}


def test_a_click_on_a_section_names_its_field(qtbot: Any, pane: PreviewPane) -> None:
    """The click is dispatched in the page at the point where the text is (Qt's synthetic
    mouse events do not reach the engine's input widget offscreen)."""
    click = (
        "(() => { const e = document.querySelector('[data-field=\"faq.1.question\"]');"
        " e.scrollIntoView(); const r = e.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.left + 5, r.top + r.height / 2);"
        " hit.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: r.left + 5}));"
        " return hit.tagName; })()"
    )
    with qtbot.waitSignal(pane.field_clicked, timeout=10_000) as clicked:
        assert js(qtbot, pane, click) == "DT"
    assert clicked.args == ["faq.1.question"]
    link = (
        "(() => { const a = document.createElement('a'); a.href = 'https://example.org/';"
        " a.textContent = 'x'; document.querySelector('[data-field=definition] p').append(a);"
        " a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));"
        " return true; })()"
    )
    with qtbot.assertNotEmitted(pane.field_clicked, wait=300):
        js(qtbot, pane, "(document.addEventListener('click', e => e.preventDefault()), true)")
        js(qtbot, pane, link)  # a link in a section is followed, not taken as the field


def test_moving_through_the_form_scrolls_the_page(qtbot: Any, pane: PreviewPane) -> None:
    assert js(qtbot, pane, "scrollY") == 0
    pane.show_field("faq.2.answer")
    qtbot.waitUntil(lambda: js(qtbot, pane, "scrollY") > 0, timeout=10_000)
    top = js(
        qtbot,
        pane,
        "document.querySelector('[data-field=\"faq.2.answer\"]').getBoundingClientRect().top",
    )
    assert abs(top) < 2
    pane.show_field("faq")  # in view (the viewport is inside it): the page stays
    qtbot.wait(200)
    assert (
        abs(
            js(
                qtbot,
                pane,
                "document.querySelector('[data-field=\"faq.2.answer\"]').getBoundingClientRect().top",
            )
        )
        < 2
    )
    js(qtbot, pane, "(scrollTo(0, document.body.scrollHeight), 0)")
    pane.show_field("what_is.part")  # no such field: its nearest enclosing part
    what_is = "document.querySelector('[data-field=what_is]').getBoundingClientRect().top"
    qtbot.waitUntil(lambda: abs(js(qtbot, pane, what_is)) < 2, timeout=10_000)


def test_phone_width(qtbot: Any, pane: PreviewPane) -> None:
    pane.set_phone(True)
    try:
        qtbot.waitUntil(lambda: js(qtbot, pane, "innerWidth") == PHONE_WIDTH, timeout=10_000)
        assert pane.page_view().view.width() == PHONE_WIDTH
    finally:
        pane.set_phone(False)
    qtbot.waitUntil(lambda: js(qtbot, pane, "innerWidth") > PHONE_WIDTH, timeout=10_000)


def test_links_open_in_the_system_browser(
    pane: PreviewPane, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    page = pane.page_view().page
    kind = type(page).NavigationType.NavigationTypeLinkClicked
    assert not page.acceptNavigationRequest(QUrl("https://example.org/x"), kind, True)
    assert not page.acceptNavigationRequest(QUrl("file:///etc/passwd"), kind, True)
    assert opened == [QUrl("https://example.org/x")]


def test_engine_process_death_falls_back_to_text_once(
    qtbot: Any, thread_pool: QThreadPool, site: Site
) -> None:
    pane = PreviewPane(site.render, pool=thread_pool, engine_name="web")
    qtbot.addWidget(pane)
    pane.set_source(lambda: (site.data, "", site.schema))
    with qtbot.waitSignal(pane.rendered, timeout=20_000):
        pane.show_now()
    page = pane.page_view().page
    crashed = type(page).RenderProcessTerminationStatus.CrashedTerminationStatus
    page.renderProcessTerminated.emit(crashed, 11)
    assert pane.engine() == "text"
    assert pane.notice.isVisibleTo(pane) and "page process ended" in pane.notice.text()
    assert pane.browser is not None and "Determinant" in pane.browser.toPlainText()
    assert "(A) = ad - bc" in pane.browser.toPlainText()  # MathML shown as text
    first_notice = pane.notice.text()
    with qtbot.waitSignal(pane.rendered, timeout=20_000):
        pane.show_now()
    assert pane.notice.text() == first_notice


def test_missing_engine_falls_back_with_one_quiet_notice(
    qtbot: Any, thread_pool: QThreadPool, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = (None, "No module named 'PySide6.QtWebEngineWidgets'")
    monkeypatch.setattr(engine, "load", lambda: missing)
    pane = PreviewPane(site.render, pool=thread_pool, engine_name="web")
    qtbot.addWidget(pane)
    pane.set_source(lambda: (site.data, "", site.schema))
    assert pane.notice.isHidden()  # nothing said before there is a page
    for _ in range(2):
        with qtbot.waitSignal(pane.rendered, timeout=10_000):
            pane.show_now()
    assert pane.engine() == "text"
    assert pane.notice.isVisibleTo(pane)
    assert pane.notice.text().count("QtWebEngineWidgets") == 1
    assert pane.browser is not None and "Determinant" in pane.browser.toPlainText()


def test_a_document_left_while_its_scripts_are_checked_is_never_reported_shown(
    qtbot: Any, pane: PreviewPane
) -> None:
    """The check of a loaded document answers after the next load began (a live-site URL,
    another page): ``shown`` then named the wrong document."""
    module = engine.load()[0]
    assert module is not None
    view = module.WebPageView(None)
    live = "data:text/html,<html><body><h1>Live</h1></body></html>"
    events: list[str] = []

    def loaded(ok: bool) -> None:
        events.append(f"loaded {view.page.url().scheme() == 'data'}")
        if len(events) == 1:
            view.load_url(live)  # the view's own slot ran first: its check is under way

    view.page.loadFinished.connect(loaded)
    view.shown.connect(lambda: events.append("shown"))
    view.show_html("<html><head></head><body><h1>Ours</h1></body></html>", keep_scroll=False)
    qtbot.waitUntil(lambda: "shown" in events, timeout=30_000)
    assert events[: events.index("shown")] == ["loaded False", "loaded True"]
    view.dispose()
