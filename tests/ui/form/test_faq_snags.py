"""FAQ snags: a new pair is not an error before it is written in; Alt+Up keeps the
moved item in view; the list's dot follows the open entry's unsaved findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from editor.content.seo.rules import Finding
from editor.ui.entries.entry_model import StatusRole
from editor.ui.entries.list_rows import STATUS, worst_status
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.fields import LineEditor
from editor.ui.window.main_window import MainWindow

GLOSSARY = "strategic-leverage.md"


def faq_of(window: MainWindow) -> FaqEditor:
    editor = window.form.editor("faq")
    assert isinstance(editor, FaqEditor)
    return editor


def shown_fields(window: MainWindow) -> list[str]:
    return window.form.findings.fields()


def test_a_new_pair_is_not_an_error_until_written_in(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.open_entry(sample_folder / GLOSSARY)
    faq = faq_of(window)
    faq.add_item()
    n = len(faq.cards) - 1
    window._refresh_findings()
    assert not [f for f in shown_fields(window) if f.startswith(f"faq.{n}")]
    # once the question is typed, the missing answer is a finding again
    question = faq.cards[n].editors["question"]
    assert isinstance(question, LineEditor)
    question.edit.setText("Why?")
    window._refresh_findings()
    assert [f for f in shown_fields(window) if f.startswith(f"faq.{n}")] == [f"faq.{n}.answer"]


def test_alt_up_keeps_the_moved_item_in_view(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.open_entry(sample_folder / GLOSSARY)
    faq = faq_of(window)
    for _ in range(6):
        faq.add_item()
    card = faq.cards[-1]
    area = window.form.scroll_area
    area.ensureWidgetVisible(card)
    card.focus_widgets()[0].setFocus()
    for _ in range(len(faq.cards) - 1):
        qtbot.keyClick(card.focus_widgets()[0], Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
        qtbot.wait(5)

        def in_view() -> bool:
            top = card.mapTo(area.viewport(), QPoint(0, 0)).y()
            return top >= 0 and top + 20 <= area.viewport().height()

        qtbot.waitUntil(in_view, timeout=2000)
    assert faq.cards[0] is card


def test_the_list_dot_follows_unsaved_findings(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    path = sample_folder / GLOSSARY
    window.open_entry(path)
    model = window.entry_list.model

    def status() -> str:
        shown: str = model.data(model.index_of(path).siblingAtColumn(STATUS), StatusRole)
        return shown

    before = status()
    title = window.form.editor("seo.title")
    assert isinstance(title, LineEditor)
    original = title.edit.text()
    title.edit.setText("x" * 90)  # far over 60 characters: a warning at least
    window._refresh_findings()
    assert status() in ("warning", "error")
    entry = window.current_entry()
    assert entry is not None
    findings = window.feed.entry_findings(entry, window.seo_config)
    assert status() == worst_status(findings)
    title.edit.setText(original)
    window._refresh_findings()
    assert status() == before


def test_worst_status() -> None:
    def make(severity: str) -> Finding:
        return Finding("r", severity, "p", "f", "m")

    assert worst_status([]) == "ok"
    assert worst_status([make("info"), make("error")]) == "error"
    assert worst_status([make("info"), make("warning")]) == "warning"
