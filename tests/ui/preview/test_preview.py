"""The preview pane: debounced renders on a worker, the snippet, scroll, open in browser."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from editor.content.render import render_page
from editor.content.schema import Schema, SchemaRegistry
from editor.content.seo.metrics import text_width
from editor.ui.preview import (
    DESCRIPTION_CHARS,
    TITLE_PX,
    PreviewPane,
    SearchSnippet,
    breadcrumb,
    snippet_parts,
    truncate_description,
    truncate_title,
)

LONG_TITLE = "Strategic Leverage in Multilateral Negotiations: How Small States Shape Outcomes"
LONG_DESCRIPTION = " ".join(["Leverage decides who concedes, when and how much."] * 5)


@pytest.fixture(scope="module")
def glossary() -> Schema:
    return SchemaRegistry.load().get("glossary")  # type: ignore[return-value]


def data(title: str = "Term", description: str = "A short description.") -> dict[str, Any]:
    return {
        "title": title,
        "definition": "The meaning.",
        "seo": {"title": title, "page_description": description},
        "url": "/glossary/term",
    }


class Renderer:
    """Counts renders; can hold a render until released (a slow render)."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.hold = threading.Event()
        self.hold.set()
        self.started = threading.Event()

    def __call__(self, values: Mapping[str, Any], body: str, _schema: Schema) -> str:
        self.started.set()
        self.hold.wait(10)
        self.calls.append(str(values["title"]))
        return f"<h1>{values['title']}</h1>" + "<p>line</p>" * int(values.get("lines", 0))


@pytest.fixture
def pane(
    qtbot: Any, thread_pool: QThreadPool
) -> Iterator[tuple[PreviewPane, Renderer, dict[str, Any]]]:
    renderer = Renderer()
    state: dict[str, Any] = {"data": data(), "body": "", "schema": None}
    widget = PreviewPane(renderer, delay_ms=20, pool=thread_pool)
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.set_source(lambda: (state["data"], state["body"], state["schema"]))
    yield widget, renderer, state
    renderer.hold.set()
    thread_pool.waitForDone()


def test_truncation_as_a_results_page_shows_it() -> None:
    short = truncate_title("Strategic Leverage")
    assert short == "Strategic Leverage"
    cut = truncate_title(LONG_TITLE)
    assert cut.endswith(" …") and LONG_TITLE.startswith(cut[:-2])
    assert text_width(cut, 20) <= TITLE_PX < text_width(LONG_TITLE, 20)
    described = truncate_description(LONG_DESCRIPTION)
    assert len(described) <= DESCRIPTION_CHARS < len(LONG_DESCRIPTION)
    assert LONG_DESCRIPTION.startswith(described[:-2]) and described.endswith(" …")
    assert truncate_description("Two\\n\\nparagraphs") == "Two paragraphs"
    assert breadcrumb("https://example.org/learn/x/questions/y") == (
        "example.org › learn › x › questions › y"
    )


def test_snippet_parts_follow_the_schema_roles(glossary: Schema) -> None:
    title, url, description = snippet_parts(data(LONG_TITLE, LONG_DESCRIPTION), glossary)
    assert (title, url, description) == (
        truncate_title(LONG_TITLE),
        "glossary › term",
        truncate_description(LONG_DESCRIPTION),
    )


def test_typing_burst_renders_once(qtbot: Any, pane: Any, glossary: Schema) -> None:
    widget, renderer, state = pane
    state["schema"] = glossary
    for n in range(5):
        state["data"] = data(f"Term {n}")
        widget.request()
    with qtbot.waitSignal(widget.rendered, timeout=5000):
        pass
    assert renderer.calls == ["Term 4"]
    assert widget.html() == "<h1>Term 4</h1>"
    assert widget.snippet.texts()[0] == "Term 4"


def test_slow_render_runs_once_more_and_never_queues(
    qtbot: Any, pane: Any, glossary: Schema
) -> None:
    widget, renderer, state = pane
    state["schema"] = glossary
    renderer.hold.clear()
    widget.request()
    qtbot.waitUntil(renderer.started.is_set)
    for n in range(3):  # typing goes on while the first render is stuck
        state["data"] = data(f"Later {n}")
        widget.request()
        qtbot.waitUntil(lambda: widget._outdated and not widget._timer.isActive())
    assert renderer.calls == []  # still stuck in the first render
    renderer.hold.set()
    qtbot.waitUntil(lambda: len(renderer.calls) == 2 and widget.is_idle())
    assert renderer.calls == ["Term", "Later 2"]
    assert widget.html() == "<h1>Later 2</h1>"


def test_scroll_position_is_kept_across_refreshes(qtbot: Any, pane: Any, glossary: Schema) -> None:
    widget, _renderer, state = pane
    widget.show()
    state["schema"] = glossary
    state["data"] = {**data(), "lines": 300}
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    bar = widget.browser.verticalScrollBar()
    assert bar.maximum() > 200
    bar.setValue(200)
    state["data"] = {**data("Term again"), "lines": 300}
    with qtbot.waitSignal(widget.rendered):
        widget.request()
    assert bar.value() == 200
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()  # another entry: back to the top
    assert bar.value() == 0


def test_render_error_is_shown_not_raised(qtbot: Any, thread_pool: QThreadPool) -> None:
    def broken(_data: Mapping[str, Any], _body: str, _schema: Schema) -> str:
        raise RuntimeError("template exploded")

    widget = PreviewPane(broken, pool=thread_pool)
    qtbot.addWidget(widget)
    schema = SchemaRegistry.load().get("glossary")
    widget.set_source(lambda: (data(), "", schema))  # type: ignore[arg-type,return-value]
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    assert "could not be rendered" in widget.html()
    assert "template exploded" in widget.html()
    thread_pool.waitForDone()


def test_open_in_browser_writes_the_same_html(
    qtbot: Any, pane: Any, glossary: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    widget, _renderer, state = pane
    state["schema"] = glossary
    assert widget.open_in_browser() is None  # nothing rendered yet
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    path = widget.open_in_browser()
    assert path is not None
    try:
        assert path.read_text(encoding="utf-8") == widget.html()
        assert opened == [QUrl.fromLocalFile(str(path))]
    finally:
        widget.discard_browser_files()
    assert not path.exists()


def test_browser_files_one_per_entry_removed_with_the_pane(
    qtbot: Any, thread_pool: QThreadPool, glossary: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening an entry again rewrites its file; none outlives the pane or the app."""
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: True))
    widget = PreviewPane(render_page, pool=thread_pool)
    qtbot.addWidget(widget)
    state = {"data": data("First")}
    widget.set_source(lambda: (state["data"], "", glossary))
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    first = widget.open_in_browser()
    assert first is not None and first.parent.stat().st_mode & 0o077 == 0  # private folder
    assert widget.open_in_browser() == first  # the same entry: the same file
    state["data"] = {**data("Second"), "url": "/glossary/second"}
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    second = widget.open_in_browser()
    assert second is not None and second != first and second.parent == first.parent
    page = second.read_text(encoding="utf-8")
    assert "Second" in page and "Content-Security-Policy" in page
    widget.discard_browser_files()
    assert not first.parent.exists()
    # Written again after a discard, then gone with the pane (its folder's finalizer).
    third = widget.open_in_browser()
    assert third is not None and third.exists()
    thread_pool.waitForDone()
    widget.close()
    widget.deleteLater()
    qtbot.wait(1)
    del widget
    import gc

    gc.collect()
    assert not third.parent.exists()


def test_window_preview_follows_the_site_raw_html_setting(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    path = sample_folder / "strategic-leverage.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "definition: >-\n", "definition: >-\n    <i>Raw</i> <script>x()</script>\n", 1
        ),
        encoding="utf-8",
    )
    (sample_folder / "glossary-editor.yaml").write_text("render:\n  raw_html: escape\n")
    window = make_window(sample_folder)
    assert window.entry_list.select(path)
    qtbot.waitUntil(lambda: "Raw" in window.preview.html())
    assert "&lt;i&gt;Raw&lt;/i&gt; &lt;script&gt;x()&lt;/script&gt;" in window.preview.html()
    assert "<script>x()" not in window.preview.html()


def test_real_page_in_the_preview(
    qtbot: Any, thread_pool: QThreadPool, sample_folder: Path, glossary: Schema
) -> None:
    from editor.content.document import load_entry

    entry = load_entry(sample_folder / "strategic-leverage.md")
    widget = PreviewPane(render_page, pool=thread_pool)
    qtbot.addWidget(widget)
    widget.set_source(lambda: (entry.data, entry.body, glossary))
    with qtbot.waitSignal(widget.rendered):
        widget.show_now()
    assert widget.html() == render_page(entry.data, entry.body, glossary)
    assert widget.browser is not None
    assert "Strategic Leverage" in widget.browser.toPlainText()
    widget.clear("Nothing here.")
    assert widget.html() == "" and widget.placeholder.text() == "Nothing here."
    thread_pool.waitForDone()


def test_snippet_title_never_clipped_without_a_mark(qtbot: Any) -> None:
    """The title is shown in the SEO rules' font; where the pane is narrower than the
    580 px cut, it is elided again with "…", never cut mid-word without a mark."""
    snippet = SearchSnippet()
    qtbot.addWidget(snippet)
    snippet.set_parts(truncate_title(LONG_TITLE), "example.org › glossary", "Description.")
    snippet.resize(320, 120)
    snippet.show()
    qtbot.waitExposed(snippet)
    label = snippet.title_label
    assert label.font().pixelSize() == 20 and label.font().family() == "Arial"
    shown = label.text()
    assert shown.endswith("…") and len(shown) < len(truncate_title(LONG_TITLE))
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert snippet.texts()[0] == truncate_title(LONG_TITLE)  # the full cut, for the tooltip
    snippet.resize(900, 120)  # as wide as a results column (580 px and margins)
    qtbot.waitUntil(lambda: label.text() != shown)
    full = truncate_title(LONG_TITLE)
    fits = label.fontMetrics().horizontalAdvance(full) <= label.contentsRect().width()
    assert label.text() == full if fits else label.text().endswith("…")


def test_snippet_and_page_clicks_focus_the_field_and_fields_scroll_the_page(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(sample_folder)
    assert window.entry_list.select(sample_folder / "strategic-leverage.md")
    qtbot.waitUntil(lambda: "Strategic Leverage" in window.preview.html())
    shown: list[str] = []
    monkeypatch.setattr(window.preview, "show_field", shown.append)
    window.preview.field_clicked.emit("faq.1.answer")  # what a click on the page says
    answer = window.form.editor("faq").cards[1].editors["answer"].widget
    qtbot.waitUntil(lambda: answer.hasFocus() or answer.isAncestorOf(QApplication.focusWidget()))
    assert shown[-1] == "faq.1.answer"  # focus moved in the form: the page follows
    window.preview.snippet.clicked.emit("title")
    title = window.form.editor("seo.title").widget
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is title or title.isAncestorOf(QApplication.focusWidget())
        )
    )
    assert shown[-1] == "seo.title"
