"""The main window driven through its real widgets: list, form, prompts, new entries."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers.keys import type_at_end
from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPlainTextEdit

from editor.content.frontmatter import load_bytes
from editor.ui import app as app_module
from editor.ui.entries.list_rows import STATUS, TITLE
from editor.ui.gil_switch import SWITCH_INTERVAL
from editor.ui.new_entry_dialog import NewEntryDialog
from editor.ui.report.findings_rows import R_PATH, R_RULE
from editor.ui.settings import SettingsStore

GLOSSARY = "strategic-leverage.md"
OTHER = "batna.md"
BROKEN = "broken-entry.md"
# Our own broken file: the mapping value on line 4 opens a second mapping.
BROKEN_TEXT = "---\n_schema: glossary\ntitle: Broken\ndefinition: one: two\n---\n"


def values_text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(values_text(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(values_text(v) for v in value)
    return str(value)


def entries_matching(folder: Path, word: str) -> set[str]:
    """Independent of the index: files whose name or front-matter values hold ``word``."""
    found = set()
    for path in folder.glob("*.md"):
        _, data, _ = load_bytes(path.read_bytes())
        if word in (path.name + " " + values_text(data)).lower():
            found.add(path.name)
    return found


def shown_names(window: Any) -> set[str]:
    model = window.entry_list.model
    return {model.path_at(model.index(r, 0)).name for r in range(model.rowCount())}


def definition(window: Any) -> QPlainTextEdit:
    widget = window.form.editor("definition").focus_widget()
    assert isinstance(widget, QPlainTextEdit)
    return widget


# -- list ---------------------------------------------------------------------------


def test_lists_every_entry_with_details(make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    files = sorted(p.name for p in sample_folder.glob("*.md"))
    assert sorted(shown_names(window)) == files
    assert window.status.count_label.text() == f"{len(files)} entries"
    model = window.entry_list.model
    titles = [model.index(r, TITLE).data() for r in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold)  # sorted by title
    assert "Strategic Leverage" in titles
    statuses = {
        model.index(r, STATUS).data(Qt.ItemDataRole.AccessibleTextRole)
        for r in range(model.rowCount())
    }
    assert statuses <= {"OK", "Info", "Warning", "Error", "Broken"}
    assert window.status.folder_label.toolTip() == str(sample_folder.resolve())
    assert not window.status.progress.isVisible()


def test_filter_narrows_the_list_as_you_type(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    total = window.model.total()
    qtbot.keyClicks(window.entry_list.search, "leverage")
    expected = entries_matching(sample_folder, "leverage")
    assert 0 < len(expected) < total
    assert shown_names(window) == expected
    assert window.status.count_label.text() == f"{len(expected)} of {total} entries shown"
    window.entry_list.search.clear()
    assert window.entry_list.visible_count() == total


def test_keyboard_navigation(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.entry_list.search
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "diplomacy")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    view = window.entry_list.view
    assert QApplication.focusWidget() is view
    model = window.entry_list.model
    assert window.current_path() == model.path_at(model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.current_path() == model.path_at(model.index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.form.isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is search


# -- editing ------------------------------------------------------------------------


def test_switching_entries_keeps_edits(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    first, second = sample_folder / GLOSSARY, sample_folder / OTHER
    window = make_window(sample_folder)
    window.entry_list.select(first)
    type_at_end(qtbot, definition(window), " Kept in memory.")
    window.entry_list.select(second)
    assert not definition(window).toPlainText().endswith("Kept in memory.")
    assert not window.isWindowModified()
    assert window.model.row_for(first).dirty
    assert window.entry_list.model.index_of(first).data().endswith(" *")

    window.entry_list.select(first)
    assert definition(window).toPlainText().endswith(" Kept in memory.")
    assert window.isWindowModified()
    assert "Kept in memory." not in first.read_text(encoding="utf-8")


def test_undo_in_a_field(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    window.entry_list.select(sample_folder / GLOSSARY)
    editor = definition(window)
    before = editor.toPlainText()
    type_at_end(qtbot, editor, "xyz")
    assert window.isWindowModified()
    window.acts.edit["undo"].trigger()
    assert editor.toPlainText() == before
    assert not window.isWindowModified()
    window.acts.edit["redo"].trigger()
    assert editor.toPlainText() == before + "xyz"


def test_broken_file_opens_as_text_and_is_not_written_while_broken(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    broken = sample_folder / BROKEN
    broken.write_text(BROKEN_TEXT, encoding="utf-8")
    before = broken.stat().st_mtime_ns
    window = make_window(sample_folder)
    assert window.model.row_for(broken).status == "broken"
    window.entry_list.select(broken)

    assert window.pane.banner.isVisible()
    assert "does not parse" in window.pane.banner.text()
    raw = window.pane.raw_view
    assert raw.message.text().startswith("Line 4, column")  # the cause's line:column
    assert window.pane.pages.currentWidget() is raw
    assert raw.edit.toPlainText() == BROKEN_TEXT
    assert raw.edit.textCursor().blockNumber() == 3  # on the error line
    assert not window.acts.save.isEnabled()
    assert not window.acts.review.isEnabled()
    qtbot.keyClicks(raw.edit, "typed")  # still broken
    dialog_script.expect("error")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "does not parse" in dialog_script.called("error")[0][1]
    assert broken.read_text(encoding="utf-8") == BROKEN_TEXT
    assert broken.stat().st_mtime_ns == before
    assert window.session.dirty_entries() == []
    raw.revert()  # nothing left to ask about at close


# -- closing ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_close_with_unsaved_changes_asks(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any, answer: str
) -> None:
    path = sample_folder / GLOSSARY
    original = path.read_text(encoding="utf-8")
    window = make_window(sample_folder)
    window.entry_list.select(path)
    type_at_end(qtbot, definition(window), " Closing.")
    dialog_script.expect("ask_save", answer)

    closed = window.close()

    assert dialog_script.called("ask_save") == [(["Strategic Leverage"],)]
    text = path.read_text(encoding="utf-8")
    if answer == "save":
        assert closed and text != original and "Closing." in text
    elif answer == "discard":
        assert closed and text == original
    else:
        assert not closed and window.isVisible() and text == original
        assert window.session.is_dirty(path)


def test_close_lists_every_unsaved_entry(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    window = make_window(sample_folder)
    for name in (GLOSSARY, OTHER):
        window.entry_list.select(sample_folder / name)
        type_at_end(qtbot, definition(window), " Both.")
    dialog_script.expect("ask_save", "save")
    assert window.close()
    (names,) = dialog_script.called("ask_save")[0]
    assert sorted(names) == ["BATNA", "Strategic Leverage"]
    for name in (GLOSSARY, OTHER):
        assert "Both." in (sample_folder / name).read_text(encoding="utf-8")


def test_close_without_changes_asks_nothing(make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    window.entry_list.select(sample_folder / GLOSSARY)
    assert window.close()


# -- new, duplicate, delete ---------------------------------------------------------


def test_new_entry_with_ctrl_n(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    total = window.model.total()
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewEntryDialog)
        dialog.schema_box.setCurrentIndex(dialog.schema_box.findData("glossary"))
        dialog.term.setText("Walk-Away Point")
        seen.append(dialog.message())
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    path = sample_folder / "walk-away-point.md"
    assert seen == ["File: walk-away-point.md"]
    assert path.is_file()
    assert window.model.total() == total + 1
    assert window.current_path() == path
    assert window.entry_list.model.index_of(path).isValid()
    assert window.form.editor("title").value() == "Walk-Away Point"


def test_new_entry_dialog_refuses_an_existing_slug(qtbot: Any, sample_folder: Path) -> None:
    dialog = NewEntryDialog(
        [("glossary", "Glossary entry")], lambda name: (sample_folder / name).exists()
    )
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.term, "Strategic  Leverage")
    assert not ok.isEnabled()
    assert dialog.message() == "An entry named strategic-leverage.md already exists."
    qtbot.keyClicks(dialog.term, " Index")
    assert ok.isEnabled()
    assert dialog.values() == ("glossary", "Strategic Leverage Index")


def test_create_entry_refuses_a_duplicate_slug(
    make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    window = make_window(sample_folder)
    before = (sample_folder / GLOSSARY).read_bytes()
    dialog_script.expect("error")
    assert window.create_entry("glossary", "Strategic leverage") is None
    title, message = dialog_script.called("error")[0]
    assert title == "Cannot create entry"
    assert "already exists" in message and GLOSSARY in message
    assert (sample_folder / GLOSSARY).read_bytes() == before


def test_duplicate_entry(make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    source = sample_folder / GLOSSARY
    window.entry_list.select(source)
    copy = window.duplicate_current()
    assert copy == sample_folder / "strategic-leverage-copy.md"
    assert copy.read_bytes() == source.read_bytes()
    assert window.current_path() == copy
    window.entry_list.select(source)
    assert window.duplicate_current() == sample_folder / "strategic-leverage-copy-2.md"


def test_duplicate_never_replaces_a_file_that_appears_under_the_chosen_name(
    make_window: Any, sample_folder: Path, dialog_script: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is chosen, then created with O_EXCL: a file made in between stays."""
    window = make_window(sample_folder)
    source = sample_folder / GLOSSARY
    window.entry_list.select(source)
    theirs = sample_folder / "strategic-leverage-copy.md"
    real_exists = Path.exists

    def exists_then_appears(self: Path) -> bool:
        found = real_exists(self)
        if self == theirs and not found:
            theirs.write_bytes(b"theirs")  # another program creates it just after the check
        return found

    monkeypatch.setattr(Path, "exists", exists_then_appears)
    dialog_script.expect("error")
    assert window.duplicate_current() is None
    monkeypatch.undo()
    assert theirs.read_bytes() == b"theirs"
    title, message = dialog_script.called("error")[0]
    assert title == "Cannot duplicate entry" and "already exists" in message


@pytest.mark.parametrize("confirmed", [True, False])
def test_delete_asks_first(
    make_window: Any, sample_folder: Path, dialog_script: Any, confirmed: bool
) -> None:
    window = make_window(sample_folder)
    path = sample_folder / OTHER
    total = window.model.total()
    window.entry_list.select(path)
    dialog_script.expect("confirm", confirmed)
    assert window.delete_current() is confirmed
    assert path.exists() is not confirmed
    assert window.model.total() == total - confirmed
    assert (window.current_path() is None) is confirmed


# -- window state -------------------------------------------------------------------


def test_empty_states_say_what_to_do(make_window: Any, sample_folder: Path) -> None:
    window = make_window(None)
    assert "Open Folder" in window.pane.empty_label.text()
    assert not window.acts.new.isEnabled()
    window.open_folder(sample_folder)
    assert "New Entry" in window.pane.empty_label.text()
    assert window.pane.pages.currentWidget() is window.pane.empty_label


def test_settings_and_layout_are_remembered(
    make_window: Any, sample_folder: Path, qsettings: QSettings
) -> None:
    window = make_window(sample_folder)
    window.acts.toggle_preview.trigger()
    assert not window.preview.isVisible()
    window.splitter.setSizes([200, 700, 400])
    sizes = window.splitter.sizes()
    assert window.close()

    prefs = SettingsStore(qsettings).load()
    assert prefs.recent_folders == [str(sample_folder.resolve())]
    assert prefs.show_preview is False
    again = make_window(None)
    assert again.splitter.sizes()[0] == sizes[0]
    assert not again.acts.toggle_preview.isChecked()


def test_window_title_and_accessible_names(make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    window.entry_list.select(sample_folder / GLOSSARY)
    assert window.windowTitle() == f"Strategic Leverage[*] — {sample_folder.name} — Glossary Editor"
    for widget in (window.entry_list.search, window.entry_list.view, window.preview.browser):
        assert widget.accessibleName()
    assert not window.windowIcon().isNull()


def test_exception_hook_shows_a_dialog(dialog_script: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_exception_hook()
    dialog_script.expect("error")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    title, text = dialog_script.called("error")[0]
    assert title == "Unexpected error" and "boom" in text


def test_about(make_window: Any, dialog_script: Any) -> None:
    window = make_window(None)
    dialog_script.expect("info")
    window.acts.about.trigger()
    assert dialog_script.called("info")[0][0] == "About Glossary Editor"


def test_title_field_edits_follow_in_the_list(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    path = sample_folder / GLOSSARY
    window.entry_list.select(path)
    title = window.form.editor("title").focus_widget()
    assert isinstance(title, QLineEdit)
    title.setFocus()
    title.end(False)
    qtbot.keyClicks(title, " Map")
    assert window.model.row_for(path).title == "Strategic Leverage Map"
    assert window.windowTitle().startswith("Strategic Leverage Map[*]")


@pytest.mark.qt_no_exception_capture  # our hook, not pytest-qt's, must see it
def test_exception_in_a_slot_is_logged_to_a_file_and_shown(
    qtbot: Any, dialog_script: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log_path = tmp_path / "logs" / "glossary-editor.log"
    monkeypatch.setattr(app_module, "log_file", lambda: log_path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    handler = app_module.log_to_file()
    assert handler is not None
    try:
        app_module.install_exception_hook()
        dialog_script.expect("error")

        def slot() -> None:
            raise RuntimeError("slot went wrong")

        QTimer.singleShot(0, slot)
        qtbot.waitUntil(lambda: bool(dialog_script.called("error")))
    finally:
        logging.getLogger("editor").removeHandler(handler)
        handler.close()
    title, text = dialog_script.called("error")[0]
    assert title == "Unexpected error"
    assert "slot went wrong" in text and str(log_path) in text
    logged = log_path.read_text(encoding="utf-8")
    assert "uncaught exception" in logged and "RuntimeError: slot went wrong" in logged


def test_log_file_is_under_the_user_log_dir() -> None:
    import platformdirs

    assert app_module.log_file().parent == Path(platformdirs.user_log_dir("glossary-editor"))


def test_a_save_that_ends_a_duplicate_title_updates_the_other_entry_too(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    soft, lever = sample_folder / "soft-power.md", sample_folder / GLOSSARY
    shared = "Strategic Leverage: Meaning in Negotiation"
    text = soft.read_text(encoding="utf-8")
    soft.write_text(text.replace("Soft Power: Influence Through Attraction", shared), "utf-8")
    window = make_window(sample_folder)
    window.acts.check_all.trigger()  # the report's rows are made when it is first shown
    findings = window.report.model

    def duplicates() -> set[str]:  # of these two (the sample's Q&A pages share theirs)
        rows = findings.visible_rows()
        paths = {row[R_PATH] for row in rows if row[R_RULE] == "title-duplicate"}
        return paths & {"soft-power.md", GLOSSARY}

    assert duplicates() == {"soft-power.md", GLOSSARY}
    window.entry_list.select(soft)
    seo_title = window.form.editor("seo.title").focus_widget()
    assert isinstance(seo_title, QLineEdit | QPlainTextEdit)
    seo_title.setFocus()
    seo_title.selectAll()
    qtbot.keyClicks(seo_title, "Soft Power: How Attraction Wins Allies")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not duplicates())  # both entries' rows went, not only the saved one
    assert "Attraction Wins Allies" in soft.read_text(encoding="utf-8")
    assert not any(f.rule == "title-duplicate" for f in window.index.record(lever).findings)
    record = window.index.record(lever)
    assert window.model.row_for(lever).status == (record.severity or "ok")  # the list too


def test_link_titles_and_related_candidates_follow_the_index(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)

    def expected() -> dict[str, str]:
        return {r.url: r.title for r in window.index.records if r.url}

    assert window.feed.link_titles == expected() != {}
    assert dict(window.form._candidates) == expected()
    path = sample_folder / "soft-power.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    Soft Power\n", "    Soft Power Politics\n", 1), "utf-8")
    window.files_changed([path])
    assert "Soft Power Politics" in window.feed.link_titles.values()
    assert window.feed.link_titles == expected() == dict(window.form._candidates)


def test_the_gil_changes_hands_often_while_the_window_lives(
    make_window: Any, tmp_path: Path
) -> None:
    """The GUI thread waited up to 5 ms for the GIL at each call from Qt into Python
    behind the pool's work: a 50k folder's opening stood still 136-196 ms."""
    before = sys.getswitchinterval()
    window = make_window(tmp_path)
    assert sys.getswitchinterval() == min(before, SWITCH_INTERVAL)
    window.close()
    assert sys.getswitchinterval() == before


def test_the_titles_words_come_with_the_index_not_from_a_worker_after_it(
    make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker gathering the words once the result was shown ran its Python while the
    list first painted (each call from Qt into Python waited for the GIL): a 50k
    folder's opening stood still 83-114 ms. The index's job makes them instead."""
    from editor.content.spelling import words_of
    from editor.ui.form import spell_check

    gathered: list[threading.Thread] = []  # the threads the spell checker gathered on
    real = words_of

    def spy(titles: Any) -> set[str]:
        gathered.append(threading.current_thread())
        return real(titles)

    monkeypatch.setattr(spell_check, "SYNC_TITLES_MAX", 0)  # every folder counts as big
    monkeypatch.setattr(spell_check, "words_of", spy)
    window = make_window(sample_folder)  # returns once the index's result is in
    site = window.form.writing.spell.speller.site
    assert "batna" in site and "leverage" in site  # title words, there at once
    assert all(thread is threading.main_thread() for thread in gathered)
    assert window.feed.title_words == words_of(t for _, t in window.feed.links)


def test_a_window_destroyed_without_closing_puts_the_interval_back(
    qtbot: Any, qsettings: QSettings, thread_pool: QThreadPool, journal_root: Path, tmp_path: Path
) -> None:
    """A window that goes without its close (a crash the journal recovers from, a
    parent deleting it) left the whole process at the 0.5 ms interval."""
    from editor.ui.window.main_window import MainWindow

    before = sys.getswitchinterval()
    window = MainWindow(
        tmp_path, settings=SettingsStore(qsettings), pool=thread_pool, use_cache=False,
        journal_root=journal_root,
    )  # fmt: skip
    assert sys.getswitchinterval() == min(before, SWITCH_INTERVAL)
    qtbot.waitUntil(lambda: window.index is not None, timeout=10_000)
    thread_pool.waitForDone()
    with qtbot.waitSignal(window.destroyed):
        window.deleteLater()
    assert sys.getswitchinterval() == before
