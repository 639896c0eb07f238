"""The window's git: status in the list, the Changes dock, Review, Commit, Sync,
Conflicts and History, all through one object the window installs with one call.

Every git command runs on the pool (:class:`GitRunner`); the GUI thread only shows
results. Unsaved edits are never left out silently: Commit and Sync first ask to save
them. Files a pull changes reach the window as any outside change does (the folder
watcher reloads clean entries and asks keep mine / take theirs for dirty ones), and the
index is told at once.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from editor.content.atomic import atomic_write
from editor.content.errors import ContentError
from editor.content.field_diff import commit_message, take_field
from editor.content.git_changes import (
    ConflictItem,
    EntryChange,
    HistoryItem,
    conflicts,
    entry_history,
    review,
)
from editor.content.git_repo import GitError, GitErrorKind, GitRepo, RepoStatus, SyncResult
from editor.content.merge import resolve
from editor.ui import dialogs
from editor.ui.git.runner import GitRunner
from editor.ui.git.views import (
    MINE,
    STATUS_WORDS,
    CommitDialog,
    ConflictDialog,
    HistoryDialog,
    ReviewDialog,
)

log = logging.getLogger(__name__)

REFRESH_MS = 10_000  # status is polled this often (and after every operation)
BADGE_WIDTH = 16
BADGES = {
    "modified": ("M", "#fb8c00"),
    "added": ("A", "#43a047"),
    "untracked": ("N", "#43a047"),
    "deleted": ("D", "#e53935"),
    "conflicted": ("C", "#d81b60"),
    "upstream": ("↓", "#1e88e5"),
}


class Window(Protocol):
    """What the panel needs from the main window."""

    folder: Path | None
    pool: Any
    session: Any
    entry_list: Any
    model: Any

    def statusBar(self) -> Any: ...
    def menuBar(self) -> Any: ...
    def current_path(self) -> Path | None: ...
    def open_entry(self, path: Path, field: str | None = None) -> None: ...
    def files_changed(self, paths: list[Path]) -> None: ...
    def save_all(self) -> bool: ...


class StatusBadges(QStyledItemDelegate):
    """Paints each entry's git status as a coloured letter at the right of its name."""

    def __init__(self, panel: GitPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        path = self.panel.window.model.path_at(index)
        kind = self.panel.kind_of(path) if path is not None else None
        if kind is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        whole = QStyleOptionViewItem(option)
        self.initStyleOption(whole, index)
        widget = whole.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, whole, painter, widget)
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = rect.adjusted(0, 0, -BADGE_WIDTH, 0)  # the title elides before it
        super().paint(painter, narrowed, index)
        letter, colour = BADGES[kind]
        painter.save()
        painter.setPen(QColor(colour))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            rect.adjusted(0, 0, -6, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            letter,
        )
        painter.restore()


class GitPanel(QObject):
    """The git side of one window (see the module docstring)."""

    def __init__(self, window: QMainWindow, *, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(window)
        self.window: Window = window  # type: ignore[assignment]
        self.main = window
        self.repo: GitRepo | None = None
        self._repo_folder: Path | None = None
        self.status: RepoStatus | None = None
        self.kinds: dict[str, str] = {}  # absolute path -> status kind
        self.runner = GitRunner(self.window.pool, self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.dialogs: dict[str, QWidget] = {}
        self._pending_refresh = False
        self._cancel_sync = threading.Event()
        self._then: dict[str, Callable[[Any], None]] = {}
        self._queued: (
            tuple[str, Callable[[Callable[[str], None]], Any], Callable[[Any], None]] | None
        ) = None

        self.branch_label = QLabel()
        self.branch_label.setAccessibleName("Git branch")
        self.branch_label.setToolTip("Branch; ↑ commits to push, ↓ commits to pull")
        self.op_label = QLabel()
        self.op_label.setAccessibleName("Git operation")
        self.cancel_button = QToolButton(autoRaise=True)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the sync (nothing is lost)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.runner.busy_changed.connect(
            lambda busy: self.cancel_button.setVisible(busy and self.runner.running == "sync")
        )
        bar = self.window.statusBar()
        bar.addPermanentWidget(self.op_label)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.branch_label)

        self.changes = QListWidget()
        self.changes.setAccessibleName("Changed entries")
        self.changes.itemActivated.connect(self._open_changed)
        self.dock = QDockWidget("Changed entries", window)
        self.dock.setObjectName("GitChangesDock")
        self.dock.setWidget(self.changes)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()

        self.badges = StatusBadges(self, self)
        self.window.entry_list.view.setItemDelegateForColumn(0, self.badges)

        self.actions = self._build_menu()
        self.timer = QTimer(self, interval=refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        QTimer.singleShot(0, self.refresh)

    # -- menu

    def _build_menu(self) -> dict[str, QAction]:
        menu = QMenu("&Git", self.main)
        menu.setObjectName("GitMenu")
        acts: dict[str, QAction] = {}
        for name, label, slot, shortcut in (
            ("refresh", "Refresh Status", self.refresh, None),
            ("changes", "Changed Entries", self.toggle_changes, "Ctrl+Shift+G"),
            ("review", "Review Changes…", self.review, None),
            ("commit", "Commit…", self.commit, "Ctrl+Alt+C"),
            ("sync", "Sync", self.sync, "Ctrl+Alt+S"),
            ("conflicts", "Resolve Conflicts…", self.resolve_conflicts, None),
            ("history", "History of Entry…", self.history, "Ctrl+Alt+H"),
        ):
            action = QAction(label, self.main)
            action.setObjectName(f"git_{name}")
            if shortcut:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            acts[name] = action
        acts["changes"].setCheckable(True)
        self.dock.visibilityChanged.connect(acts["changes"].setChecked)
        self.window.menuBar().addMenu(menu)
        self.menu = menu
        return acts

    def toggle_changes(self) -> None:
        self.dock.setVisible(not self.dock.isVisible())

    # -- the repository

    def _repo(self) -> GitRepo | None:
        folder = self.window.folder
        if folder != self._repo_folder:
            self._repo_folder = folder
            self.repo = None
            root = find_worktree(folder) if folder is not None else None
            if root is not None and shutil.which("git") is not None:
                self.repo = GitRepo(root, background=True)
        return self.repo

    def kind_of(self, path: Path) -> str | None:
        return self.kinds.get(str(path))

    def _abs(self, rel: str) -> Path:
        assert self.repo is not None
        return self.repo.abs(rel)

    def _start(self, name: str, job: Callable[[Callable[[str], None]], Any],
               then: Callable[[Any], None]) -> bool:  # fmt: skip
        if self.runner.running == "status":  # a status read is short: go right after it
            self._queued = (name, job, then)
            return True
        if not self.runner.run(name, job):
            dialogs.info(self.main, "Git", f"Wait for “{self.runner.running}” to finish.")
            return False
        self._then[name] = then
        return True

    def refresh(self) -> None:
        """Read the status again (off the GUI thread); skipped while an operation runs."""
        repo = self._repo()
        if repo is None:
            self.branch_label.setText("")
            self._set_status(None)
            return
        if self.runner.busy:
            self._pending_refresh = True
            return

        def job(_progress: Callable[[str], None]) -> tuple[RepoStatus, set[str]]:
            status = repo.status()
            return status, repo.upstream_changes(status)

        self.runner.run("status", job)
        self._then["status"] = self._status_arrived

    def _status_arrived(self, result: tuple[RepoStatus, set[str]]) -> None:
        status, upstream = result
        self._set_status(status, upstream)

    def _set_status(self, status: RepoStatus | None, upstream: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.status = status
        kinds: dict[str, str] = {}
        if status is not None and self.repo is not None:
            for rel in upstream:
                kinds[str(self.repo.abs(rel))] = "upstream"
            for rel, st in status.files.items():
                kinds[str(self.repo.abs(rel))] = st.kind
            self.branch_label.setText(status.summary())
        changed = kinds != self.kinds
        self.kinds = kinds
        if changed:
            self._fill_changes()
            self.window.entry_list.view.viewport().update()

    def _fill_changes(self) -> None:
        self.changes.clear()
        folder = self.window.folder
        for path, kind in sorted(self.kinds.items()):
            if not path.endswith(".md"):
                continue
            shown = Path(path)
            if folder is not None and shown.is_relative_to(folder):
                shown = shown.relative_to(folder)
            item = QListWidgetItem(f"{BADGES[kind][0]}  {shown.as_posix()}")
            item.setToolTip(STATUS_WORDS[kind])
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.changes.addItem(item)

    def _open_changed(self, item: QListWidgetItem) -> None:
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        if path.exists():
            self.window.open_entry(path)

    # -- running and reporting

    def _progress(self, text: str) -> None:
        self.op_label.setText(text)

    def _run_queued(self) -> bool:
        queued, self._queued = self._queued, None
        if queued is None:
            return False
        return self._start(*queued)

    def _finished(self, name: str, result: object) -> None:
        self.op_label.setText("")
        then = self._then.pop(name, None)
        if then is not None:
            then(result)
        if self._run_queued():
            return
        if name != "status" or self._pending_refresh:
            self._pending_refresh = False
            QTimer.singleShot(0, self.refresh)

    def _failed(self, name: str, error: object) -> None:
        self.op_label.setText("")
        self._then.pop(name, None)
        assert isinstance(error, GitError)
        if name == "status":
            log.warning("git status failed: %s", error)
            self._run_queued()
            return
        if error.kind is GitErrorKind.CANCELLED:
            self.window.statusBar().showMessage(f"{error.message} {error.advice}", 8000)
            QTimer.singleShot(0, self.refresh)
            return
        text = f"{error.message}\n\n{error.advice}"
        if error.output:
            text += f"\n\ngit said:\n{error.output[-2000:]}"
        dialogs.error(self.main, f"Git: {name} failed", text)
        if error.kind is GitErrorKind.CONFLICT:
            self.resolve_conflicts()  # its end refreshes the status
        else:
            QTimer.singleShot(0, self.refresh)

    def _unsaved_ok(self, verb: str) -> bool:
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
        repo = self._repo()
        if repo is None:
            dialogs.info(self.main, "Git", "This folder is not in a git repository.")
            return None

        def job(_progress: Callable[[str], None]) -> list[EntryChange]:
            return review(repo, repo.status())

        return job

    def review(self) -> None:
        job = self._entries_job()
        if job is not None:
            self._start("review", job, self._show_review)

    def _show_review(self, entries: list[EntryChange]) -> None:
        dialog = ReviewDialog(entries, self.main)
        dialog.raw_diff.connect(lambda title, diff: dialogs.show_diff(self.main, title, diff))
        dialog.discard_field.connect(self.discard_field)
        dialog.discard_entry.connect(self.discard_entry)
        self._show("review", dialog)

    def _show(self, name: str, dialog: QWidget) -> None:
        old = self.dialogs.pop(name, None)
        if old is not None:
            old.close()
            old.deleteLater()
        self.dialogs[name] = dialog
        dialog.show()

    def _write(self, path: Path, text: str) -> None:
        """Write ``text`` as an outside change: the watcher reloads or asks, as for git."""
        atomic_write(path, text.encode("utf-8"))
        self.window.files_changed([path])

    def discard_field(self, rel: str, key: str) -> None:
        dialog = self.dialogs.get("review")
        entry = next((e for e in dialog.entries if e.rel == rel), None) if isinstance(
            dialog, ReviewDialog) else None  # fmt: skip
        if entry is None or entry.work_text is None:
            return
        try:
            text = take_field(entry.work_text, entry.head_text, key)
            self._write(self._abs(rel), text)
        except ContentError as exc:
            dialogs.error(self.main, "Discard field", str(exc))
            return
        self.review()

    def discard_entry(self, rel: str) -> None:
        if not dialogs.confirm(self.main, "Discard changes",
                               f"Throw away every change to {rel} since the last commit?",
                               action="Discard"):  # fmt: skip
            return
        repo = self._repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> list[str]:
            repo.discard([rel])
            return [rel]

        self._start("discard", job, self._after_discard)

    def _after_discard(self, rels: list[str]) -> None:
        self.window.files_changed([self._abs(r) for r in rels])
        self.review()

    # -- commit

    def commit(self) -> None:
        if not self._unsaved_ok("Commit"):
            return
        repo, job = self._repo(), self._entries_job()
        if repo is None or job is None:
            return

        def with_author(progress: Callable[[str], None]) -> tuple[list[EntryChange], str]:
            name, email = repo.config("user.name") or "?", repo.config("user.email") or "?"
            return job(progress), f"{name} <{email}>"

        self._start("commit", with_author, self._show_commit)

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
        self._show("commit", dialog)

    def _do_commit(self, rels: list[str], message: str) -> None:
        repo = self._repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> str:
            return repo.commit(rels, message)

        self._start("commit", job, lambda sha: self._committed(len(rels), sha))

    def _committed(self, count: int, sha: str) -> None:
        noun = "entry" if count == 1 else "entries"
        self.window.statusBar().showMessage(f"Committed {count} {noun} as {sha[:7]}", 8000)

    # -- sync

    def sync(self) -> None:
        repo = self._repo()
        if repo is None:
            dialogs.info(self.main, "Git", "This folder is not in a git repository.")
            return
        if not self._unsaved_ok("Sync"):
            return
        self._cancel_sync = threading.Event()
        cancel = self._cancel_sync

        def job(progress: Callable[[str], None]) -> SyncResult:
            return repo.sync(progress, cancel)

        self._start("sync", job, self._synced)

    def cancel(self) -> None:
        """Stop a running sync's network step."""
        self._cancel_sync.set()

    def _synced(self, result: SyncResult) -> None:
        if result.pulled_files:
            self.window.files_changed([self._abs(rel) for rel in result.pulled_files])
        pulled = len(result.pulled_files)
        self.window.statusBar().showMessage(
            f"Synced: {pulled} file{'s' * (pulled != 1)} pulled"
            + (", pushed" if result.pushed else ""), 8000)  # fmt: skip

    # -- conflicts

    def resolve_conflicts(self) -> None:
        repo = self._repo()
        if repo is None:
            return

        def job(_progress: Callable[[str], None]) -> list[ConflictItem]:
            return conflicts(repo, repo.status())

        self._start("conflicts", job, self._show_conflicts)

    def _show_conflicts(self, items: list[ConflictItem]) -> None:
        if not items:
            dialogs.info(self.main, "Conflicts", "No entry is in conflict.")
            return
        dialog = ConflictDialog(items, self.main)
        dialog.resolved.connect(self._resolve_entry)
        dialog.take_whole.connect(self._take_whole)
        self._show("conflicts", dialog)

    def _conflict(self, rel: str) -> tuple[ConflictDialog, ConflictItem] | None:
        dialog = self.dialogs.get("conflicts")
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
        repo = self.repo
        assert repo is not None
        path = self._abs(rel)
        if text is None:
            path.unlink(missing_ok=True)
            self.window.files_changed([path])
        else:
            self._write(path, text)
        dialog.remove(rel)

        def job(_progress: Callable[[str], None]) -> None:
            if text is None:
                repo.run(["rm", "-q", "--cached", "--ignore-unmatch", "--", rel])
            else:
                repo.mark_resolved(rel)

        self._start("resolve", job, lambda _result: None)

    # -- history

    def history(self) -> None:
        repo = self._repo()
        path = self.window.current_path()
        if repo is None or path is None:
            dialogs.info(self.main, "History", "Open an entry in a git repository first.")
            return
        rel = repo.rel(path)

        def job(_progress: Callable[[str], None]) -> tuple[str, list[HistoryItem]]:
            return rel, entry_history(repo, rel)

        self._start("history", job, self._show_history)

    def _show_history(self, result: tuple[str, list[HistoryItem]]) -> None:
        rel, items = result
        dialog = HistoryDialog(rel, items, self.main)
        dialog.restore_field.connect(lambda row, key: self._restore(rel, items[row], key))
        dialog.restore_entry.connect(lambda row: self._restore(rel, items[row], None))
        self._show("history", dialog)

    def _restore(self, rel: str, item: HistoryItem, key: str | None) -> None:
        path = self._abs(rel)
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
                current = path.read_text(encoding="utf-8") if path.exists() else item.text
                text = take_field(current, item.text, key)
            self._write(path, text)
        except (ContentError, OSError) as exc:
            dialogs.error(self.main, "Restore", str(exc))
            return
        self.refresh()


def find_worktree(folder: Path) -> Path | None:
    """The top of the git work tree ``folder`` is in, found without running git (the
    window asks on the GUI thread): the nearest folder holding ``.git``."""
    for parent in (folder.resolve(), *folder.resolve().parents):
        if (parent / ".git").exists():
            return parent
    return None


def install_git(window: QMainWindow) -> GitPanel:
    """Give the window its git menu, status bar labels, Changes dock and list badges."""
    return GitPanel(window)
