"""What the git menu does: Review, Commit, Sync, Resolve Conflicts and History.

Each operation reads or writes the repository on the pool through the panel
(:meth:`GitHost.start`) and shows its dialog when the result arrives; files it writes
reach the window as outside changes (the watcher reloads or asks, as for git). Unsaved
edits are never left out silently: Commit and Sync first ask to save them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from editor.content.document import read_bytes
from editor.content.errors import ContentError
from editor.content.field_diff import commit_message, take_field
from editor.content.frontmatter import BOM, decode
from editor.content.git_changes import (
    ConflictItem,
    EntryChange,
    HistoryItem,
    conflicts,
    entry_history,
    review,
)
from editor.content.git_repo import SyncResult
from editor.content.merge import resolve
from editor.ui import dialogs
from editor.ui.git.host import GitHost
from editor.ui.git.views import MINE, CommitDialog, ConflictDialog, HistoryDialog, ReviewDialog


class GitOperations:
    """The git menu's operations for one panel (see the module docstring)."""

    def __init__(self, host: GitHost) -> None:
        self.host = host
        self.main = host.main
        self.window = host.window
        self._cancel_sync = threading.Event()

    def unsaved_ok(self, verb: str) -> bool:
        """Ask to save unsaved edits first; False when the editor cancels."""
        dirty = self.window.session.dirty_entries()
        if not dirty:
            return True
        names = ", ".join(o.path.name for o in dirty[:5]) + (" …" if len(dirty) > 5 else "")
        save = f"Save and {verb}"
        answer = dialogs.choose(
            self.main,
            "Unsaved changes",
            f"{len(dirty)} entr{'y has' if len(dirty) == 1 else 'ies have'} unsaved edits "
            f"({names}). {verb} only takes what is saved on disk.",
            [save, f"{verb} Without Them", "Cancel"],
            default=save,
            escape="Cancel",
        )
        if answer == save:
            return bool(self.window.save_all())
        return answer != "Cancel"

    # -- review

    def _entries_job(self) -> Callable[[Callable[[str], None]], list[EntryChange]] | None:
        repo = self.host.current_repo()
        if repo is None:
            dialogs.info(self.main, "Git", "This folder is not in a git repository.")
            return None

        def job(_progress: Callable[[str], None]) -> list[EntryChange]:
            return review(repo, repo.status())

        return job

    def review(self) -> None:
        job = self._entries_job()
        if job is not None:
            self.host.start("review", job, self._show_review)

    def _show_review(self, entries: list[EntryChange]) -> None:
        dialog = ReviewDialog(entries, self.main)
        dialog.raw_diff.connect(lambda title, diff: dialogs.show_diff(self.main, title, diff))
        dialog.discard_field.connect(self.discard_field)
        dialog.discard_entry.connect(self.discard_entry)
        self.host.show_dialog("review", dialog)

    def discard_field(self, rel: str, key: str) -> None:
        dialog = self.host.dialogs.get("review")
        entry = next((e for e in dialog.entries if e.rel == rel), None) if isinstance(
            dialog, ReviewDialog) else None  # fmt: skip
        if entry is None or entry.work_text is None:
            return
        try:
            text = take_field(entry.work_text, entry.head_text, key)
            self.host.write_outside(self.host.abs_path(rel), text)
        except ContentError as exc:
            dialogs.error(self.main, "Discard field", str(exc))
            return
        self.review()

    def discard_entry(self, rel: str) -> None:
        if not dialogs.confirm(self.main, "Discard changes",
                               f"Throw away every change to {rel} since the last commit?",
                               action="Discard"):  # fmt: skip
            return
        repo = self.host.current_repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> list[str]:
            repo.discard([rel])
            return [rel]

        self.host.start("discard", job, self._after_discard)

    def _after_discard(self, rels: list[str]) -> None:
        self.window.files_changed([self.host.abs_path(r) for r in rels])
        self.review()

    # -- commit

    def commit(self) -> None:
        if not self.unsaved_ok("Commit"):
            return
        repo, job = self.host.current_repo(), self._entries_job()
        if repo is None or job is None:
            return

        def with_author(progress: Callable[[str], None]) -> tuple[list[EntryChange], str]:
            name, email = repo.config("user.name") or "?", repo.config("user.email") or "?"
            return job(progress), f"{name} <{email}>"

        self.host.start("commit", with_author, self._show_commit)

    def _show_commit(self, found: tuple[list[EntryChange], str]) -> None:
        entries, author = found
        if not entries:
            dialogs.info(self.main, "Commit", "There are no saved changes to commit.")
            return
        modified = {Path(e.rel).stem: e.changes for e in entries if e.kind == "modified"}
        added = sum(e.kind in ("added", "untracked") for e in entries)
        removed = sum(e.kind == "deleted" for e in entries)
        message = commit_message(modified, added, removed)
        dialog = CommitDialog(entries, message, author, self.main)
        dialog.accepted.connect(lambda: self._do_commit(dialog.chosen(), dialog.text()))
        self.host.show_dialog("commit", dialog)

    def _do_commit(self, rels: list[str], message: str) -> None:
        repo = self.host.current_repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> str:
            return repo.commit(rels, message)

        self.host.start("commit", job, lambda sha: self._committed(len(rels), sha))

    def _committed(self, count: int, sha: str) -> None:
        noun = "entry" if count == 1 else "entries"
        self.window.statusBar().showMessage(f"Committed {count} {noun} as {sha[:7]}", 8000)

    # -- sync

    def sync(self) -> None:
        repo = self.host.current_repo()
        if repo is None:
            dialogs.info(self.main, "Git", "This folder is not in a git repository.")
            return
        if not self.unsaved_ok("Sync"):
            return
        self._cancel_sync = threading.Event()
        cancel = self._cancel_sync

        def job(progress: Callable[[str], None]) -> SyncResult:
            return repo.sync(progress, cancel)

        self.host.start("sync", job, self._synced)

    def cancel(self) -> None:
        """Stop a running sync's network step."""
        self._cancel_sync.set()

    def _synced(self, result: SyncResult) -> None:
        if result.pulled_files:
            self.window.files_changed([self.host.abs_path(rel) for rel in result.pulled_files])
        pulled = len(result.pulled_files)
        self.window.statusBar().showMessage(
            f"Synced: {pulled} file{'s' * (pulled != 1)} pulled"
            + (", pushed" if result.pushed else ""), 8000)  # fmt: skip

    # -- conflicts

    def resolve_conflicts(self) -> None:
        repo = self.host.current_repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> list[ConflictItem]:
            return conflicts(repo, repo.status())

        self.host.start("conflicts", job, self._show_conflicts)

    def _show_conflicts(self, items: list[ConflictItem]) -> None:
        if not items:
            dialogs.info(self.main, "Conflicts", "No entry is in conflict.")
            return
        dialog = ConflictDialog(items, self.main)
        dialog.resolved.connect(self._resolve_entry)
        dialog.take_whole.connect(self._take_whole)
        self.host.show_dialog("conflicts", dialog)

    def _conflict(self, rel: str) -> tuple[ConflictDialog, ConflictItem] | None:
        dialog = self.host.dialogs.get("conflicts")
        if not isinstance(dialog, ConflictDialog):
            return None
        item = next((i for i in dialog.items if i.rel == rel), None)
        return (dialog, item) if item is not None else None

    def _resolve_entry(self, rel: str, choices: dict[str, Any]) -> None:
        found = self._conflict(rel)
        if found is None or found[1].result is None:
            return
        dialog, item = found
        try:
            assert item.result is not None
            text = resolve(item.result, choices)
        except ContentError as exc:
            dialogs.error(self.main, "Resolve conflict", str(exc))
            return
        self._mark_resolved(dialog, rel, text)

    def _take_whole(self, rel: str, which: str) -> None:
        found = self._conflict(rel)
        if found is None:
            return
        dialog, item = found
        text = item.ours if which == MINE else item.theirs
        self._mark_resolved(dialog, rel, text)

    def _mark_resolved(self, dialog: ConflictDialog, rel: str, text: str | None) -> None:
        repo = self.host.repo
        assert repo is not None
        path = self.host.abs_path(rel)
        if text is None:
            path.unlink(missing_ok=True)
            self.window.files_changed([path])
        else:
            self.host.write_outside(path, text)
        dialog.remove(rel)

        def job(_progress: Callable[[str], None]) -> None:
            if text is None:
                repo.run(["rm", "-q", "--cached", "--ignore-unmatch", "--", rel])
            else:
                repo.mark_resolved(rel)

        self.host.start("resolve", job, lambda _result: None)

    # -- history

    def history(self) -> None:
        repo = self.host.current_repo()
        path = self.window.current_path()
        if repo is None or path is None:
            dialogs.info(self.main, "History", "Open an entry in a git repository first.")
            return
        rel = repo.rel(path)

        def job(_progress: Callable[[str], None]) -> tuple[str, list[HistoryItem]]:
            return rel, entry_history(repo, rel)

        self.host.start("history", job, self._show_history)

    def _show_history(self, result: tuple[str, list[HistoryItem]]) -> None:
        rel, items = result
        dialog = HistoryDialog(rel, items, self.main)
        dialog.restore_field.connect(lambda row, key: self._restore(rel, items[row], key))
        dialog.restore_entry.connect(lambda row: self._restore(rel, items[row], None))
        self.host.show_dialog("history", dialog)

    def _restore(self, rel: str, item: HistoryItem, key: str | None) -> None:
        path = self.host.abs_path(rel)
        if item.text is None:
            dialogs.error(self.main, "Restore", "The entry did not exist after that commit.")
            return
        if self.window.session.is_dirty(path):
            dialogs.error(self.main, "Restore", "Save or revert the entry's edits first.")
            return
        try:
            if key is None:
                if not dialogs.confirm(self.main, "Restore entry",
                                       f"Put {rel} back as it was in {item.commit.sha[:7]}?",
                                       action="Restore"):  # fmt: skip
                    return
                text = item.text
            else:
                current = _current_text(path) if path.exists() else item.text
                text = take_field(current, item.text, key)
            self.host.write_outside(path, text)
        except (ContentError, OSError) as exc:
            dialogs.error(self.main, "Restore", str(exc))
            return
        self.host.refresh()


def _current_text(path: Path) -> str:
    """The entry's text as on disk (a BOM kept), read through the file layer: a file that
    is no longer a regular UTF-8 text file is a :class:`ParseError` saying where."""
    text, had_bom = decode(read_bytes(path), path)
    return BOM.decode() + text if had_bom else text
