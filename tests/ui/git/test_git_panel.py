"""The window's git: status badges, commit, sync, review, conflicts and history.

Each test runs against real repositories (a bare remote and two clones) and drives the
panel's actions as an editor would; dialogs go through the scripted ``dialogs`` fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.git_team import Team, edit_field, git, isolated_team
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTreeWidget

from editor.cli_git import setup_folder
from editor.content.document import load_entry
from editor.ui.git.views import THEIRS, CommitDialog, ConflictDialog, HistoryDialog, ReviewDialog

SAMPLE = Path(__file__).resolve().parents[3] / "sample_content"
ENTRY = "strategic-leverage.md"
WAIT_MS = 30_000  # git runs several processes a step; a busy two-core machine is slow


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    return isolated_team(tmp_path, monkeypatch, SAMPLE)


def top_level_texts(tree: QTreeWidget) -> list[str]:
    """The first column of each top-level row of a review or history tree."""
    texts: list[str] = []
    for n in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(n)
        assert item is not None
        texts.append(item.text(0))
    return texts


def type_in_definition(qtbot: Any, window: Any, text: str) -> None:
    widget = window.form.editor("definition").focus_widget()
    assert isinstance(widget, QPlainTextEdit)
    widget.setFocus()
    widget.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(widget, text)


def wait_idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.git.runner.busy, timeout=WAIT_MS)


def refreshed(qtbot: Any, window: Any) -> None:
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        window.git.refresh()
    wait_idle(qtbot, window)


def test_status_badges_branch_and_changed_entries(qtbot: Any, make_window: Any, team: Team) -> None:
    edit_field(team.alice / ENTRY, "subject", "Changed")
    (team.alice / "fresh.md").write_text("---\ntitle: Fresh\n---\n", encoding="utf-8")
    window = make_window(team.alice)
    refreshed(qtbot, window)
    panel = window.git
    assert panel.kind_of(team.alice / ENTRY) == "modified"
    assert panel.kind_of(team.alice / "fresh.md") == "untracked"
    assert panel.kind_of(team.alice / "batna.md") is None
    assert panel.branch_label.text() == "main"
    shown = [panel.changes.item(n).text() for n in range(panel.changes.count())]
    assert shown == ["N  fresh.md", f"M  {ENTRY}"]
    window.git.actions["changes"].trigger()
    assert panel.dock.isVisible()


def test_commit_asks_to_save_unsaved_edits_and_prefills_the_message(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    window = make_window(team.alice)
    window.open_entry(team.alice / ENTRY)
    type_in_definition(qtbot, window, " More.")
    dialog_script.expect("choose", "Save and Commit")
    wait_idle(qtbot, window)
    window.git.actions["commit"].trigger()
    qtbot.waitUntil(lambda: "commit" in window.git.dialogs, timeout=WAIT_MS)
    dialog = window.git.dialogs["commit"]
    assert isinstance(dialog, CommitDialog)
    assert dialog.chosen() == [ENTRY]
    assert dialog.text() == "Update definition of strategic-leverage"
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Author: Alice <alice@example.org>" in labels
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        dialog.accept()
    wait_idle(qtbot, window)
    log = git(team.alice, "log", "-1", "--format=%an|%s")
    assert log.strip() == "Alice|Update definition of strategic-leverage"
    assert git(team.alice, "status", "--porcelain") == ""


def test_sync_pulls_reloads_a_clean_entry_and_asks_for_a_dirty_one(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    edit_field(team.bob / ENTRY, "subject", "From Bob")
    edit_field(team.bob / "batna.md", "subject", "Bob again")
    team.commit_all(team.bob, "Bob")
    git(team.bob, "push", "-q")
    window = make_window(team.alice)
    window.open_entry(team.alice / "batna.md")
    type_in_definition(qtbot, window, " Mine.")
    window.open_entry(team.alice / ENTRY)  # clean, shown
    wait_idle(qtbot, window)
    dialog_script.expect("choose", "Sync Without Them", "Keep mine")
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        window.git.actions["sync"].trigger()
    assert load_entry(team.alice / ENTRY).data["subject"] == "From Bob"
    qtbot.waitUntil(lambda: window.form.values().get("subject") == "From Bob", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(dialog_script.called("choose")) == 2, timeout=WAIT_MS)
    opened = window.session.get(team.alice / "batna.md")
    assert opened is not None
    assert opened.dirty  # kept: nothing the editor typed is lost
    assert opened.data["definition"].endswith(" Mine.")


def test_a_rejected_push_and_a_failing_remote_are_explained(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any, tmp_path: Path
) -> None:
    git(team.alice, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    window = make_window(team.alice)
    wait_idle(qtbot, window)
    dialog_script.expect("error")
    with qtbot.waitSignal(window.git.runner.failed, timeout=WAIT_MS):
        window.git.sync()
    title, text = dialog_script.called("error")[0]
    assert title == "Git: sync failed"
    assert "refused the credentials" in text
    assert "Your commits are safe locally" in text


def test_review_shows_fields_and_discards_one(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    edit_field(team.alice / ENTRY, "subject", "Changed")
    edit_field(team.alice / ENTRY, "url", "/glossary/changed")
    window = make_window(team.alice)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        window.git.review()
    dialog = window.git.dialogs["review"]
    assert isinstance(dialog, ReviewDialog)
    keys = top_level_texts(dialog.tree)
    assert keys == ["subject", "url"]
    dialog_script.expect("show_diff")
    dialog.raw_button.click()
    assert "+url: /glossary/changed" in dialog_script.called("show_diff")[0][1]
    dialog.select_field("subject")
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        dialog.field_button.click()
    data = load_entry(team.alice / ENTRY).data
    assert data["url"] == "/glossary/changed"
    assert data["subject"] == load_entry(SAMPLE / ENTRY).data["subject"]


def test_same_field_conflict_is_resolved_per_field_in_the_app(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    for clone in (team.alice, team.bob):
        setup_folder(clone)
    edit_field(team.bob / ENTRY, "seo.title", "Bob's title")
    edit_field(team.bob / ENTRY, "subject", "Bob's subject")
    team.commit_all(team.bob, "Bob")
    git(team.bob, "push", "-q")
    edit_field(team.alice / ENTRY, "seo.title", "Alice's title")
    edit_field(team.alice / ENTRY, "url", "/glossary/alice")
    team.commit_all(team.alice, "Alice")
    window = make_window(team.alice)
    wait_idle(qtbot, window)
    dialog_script.expect("error")
    with qtbot.waitSignal(window.git.runner.failed, timeout=WAIT_MS):
        window.git.sync()
    qtbot.waitUntil(lambda: "conflicts" in window.git.dialogs, timeout=WAIT_MS)
    dialog = window.git.dialogs["conflicts"]
    assert isinstance(dialog, ConflictDialog)
    assert [row.conflict.key for row in dialog.rows] == ["seo.title"]
    dialog.choose("seo.title", THEIRS)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        dialog.resolve_button.click()
    wait_idle(qtbot, window)
    entry = load_entry(team.alice / ENTRY)
    assert entry.data["seo"]["title"] == "Bob's title"
    assert entry.data["subject"] == "Bob's subject"
    assert entry.data["url"] == "/glossary/alice"
    assert "<<<<<<<" not in entry.text
    assert git(team.alice, "diff", "--name-only", "--diff-filter=U") == ""
    refreshed(qtbot, window)
    # No unsaved edits: the commit is not preceded by a question (no choose scripted).
    window.git.commit()
    qtbot.waitUntil(lambda: "commit" in window.git.dialogs, timeout=WAIT_MS)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        window.git.dialogs["commit"].accept()
    wait_idle(qtbot, window)
    assert git(team.alice, "rev-list", "--count", "--merges", "HEAD").strip() == "1"


def history_of_a_second_version(qtbot: Any, make_window: Any, team: Team) -> HistoryDialog:
    """Alice's edits committed as a second version; her window's History dialog of it."""
    team.commit_all(team.alice, "Second version")
    window = make_window(team.alice)
    window.open_entry(team.alice / ENTRY)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.git.runner.finished, timeout=WAIT_MS):
        window.git.history()
    dialog = window.git.dialogs["history"]
    assert isinstance(dialog, HistoryDialog)
    return dialog


def test_history_restores_one_field_from_a_commit(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    original = load_entry(team.alice / ENTRY).data["subject"]
    edit_field(team.alice / ENTRY, "subject", "Second")
    edit_field(team.alice / ENTRY, "url", "/glossary/second")
    dialog = history_of_a_second_version(qtbot, make_window, team)
    assert dialog.commit_list.count() == 2
    dialog.commit_list.setCurrentRow(1)  # the initial commit: the whole entry added
    dialog.commit_list.setCurrentRow(0)
    keys = top_level_texts(dialog.tree)
    assert keys == ["subject", "url"]
    dialog.commit_list.setCurrentRow(1)
    dialog.select_field("subject")
    dialog.field_button.click()
    data = load_entry(team.alice / ENTRY).data
    assert data["subject"] == original
    assert data["url"] == "/glossary/second"


def test_history_restore_of_a_field_reads_the_file_through_the_file_layer(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    """A file no longer UTF-8 on disk is an error message, and it is left as it is."""
    edit_field(team.alice / ENTRY, "subject", "Second")
    dialog = history_of_a_second_version(qtbot, make_window, team)
    broken = (team.alice / ENTRY).read_bytes().replace(b"Second", b"Second \xff", 1)
    (team.alice / ENTRY).write_bytes(broken)
    dialog_script.expect("error")
    dialog.commit_list.setCurrentRow(1)
    dialog.select_field("subject")
    dialog.field_button.click()
    ((title, message),) = dialog_script.called("error")
    assert title == "Restore" and "invalid UTF-8" in message and f"{ENTRY}:" in message
    assert (team.alice / ENTRY).read_bytes() == broken


def test_a_failing_hook_shows_its_output_and_keeps_the_changes(
    qtbot: Any, make_window: Any, team: Team, dialog_script: Any
) -> None:
    hook = team.alice / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'title-long: seo.title' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    edit_field(team.alice / ENTRY, "subject", "Changed")
    window = make_window(team.alice)
    wait_idle(qtbot, window)
    window.git.commit()
    qtbot.waitUntil(lambda: "commit" in window.git.dialogs, timeout=WAIT_MS)
    dialog_script.expect("error")
    with qtbot.waitSignal(window.git.runner.failed, timeout=WAIT_MS):
        window.git.dialogs["commit"].accept()
    title, text = dialog_script.called("error")[0]
    assert title == "Git: commit failed"
    assert "A git hook refused the commit" in text
    assert "title-long: seo.title" in text
    assert load_entry(team.alice / ENTRY).data["subject"] == "Changed"


def test_a_hanging_sync_is_cancelled_from_the_status_bar(
    qtbot: Any, make_window: Any, team: Team
) -> None:
    git(team.alice, "config", "protocol.ext.allow", "always")
    git(team.alice, "remote", "set-url", "origin", "ext::sleep 60")
    window = make_window(team.alice)
    wait_idle(qtbot, window)
    window.git.sync()
    qtbot.waitUntil(window.git.cancel_button.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(window.git.runner.failed, timeout=WAIT_MS):
        window.git.cancel_button.click()
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.git.cancel_button.isVisible()
