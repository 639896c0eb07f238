"""The window's git, installed with one call: status in the list and the status bar, the
Changes dock and the Git menu, with every git command run through one runner.

Every git command runs on the pool (:class:`GitRunner`), one at a time, through
:meth:`GitPanel.start`; the GUI thread only shows results. What the menu's items do
(Review, Commit, Sync, Conflicts, History) is in :mod:`operations`, the list's status
letters in :mod:`badges`. Files a pull changes reach the window as any outside change
does (the folder watcher reloads clean entries and asks keep mine / take theirs for
dirty ones), and the index is told at once.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QToolButton,
    QWidget,
)

from editor.content.atomic import atomic_write
from editor.content.git_repo import GitError, GitErrorKind, GitRepo, RepoStatus
from editor.ui import dialogs
from editor.ui.git.badges import BADGES, StatusBadges
from editor.ui.git.host import Window
from editor.ui.git.operations import GitOperations
from editor.ui.git.runner import GitRunner
from editor.ui.git.views import STATUS_WORDS

log = logging.getLogger(__name__)

REFRESH_MS = 10_000  # status is polled this often (and after every operation)


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
        self.dialogs: dict[str, QWidget] = {}  # the open dialog of each operation
        self._pending_refresh = False
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
        self.ops = ops = GitOperations(self)
        # What the menu runs, reachable on the panel too (``window.git.sync()``).
        self.review, self.commit, self.sync = ops.review, ops.commit, ops.sync
        self.resolve_conflicts, self.history = ops.resolve_conflicts, ops.history
        self.cancel = ops.cancel  # stop a running sync's network step
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

        self.badges = StatusBadges(self.kind_of, self.window.model.path_at, self)
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
            ("review", "Review Changes…", self.ops.review, None),
            ("commit", "Commit…", self.ops.commit, "Ctrl+Alt+C"),
            ("sync", "Sync", self.ops.sync, "Ctrl+Alt+S"),
            ("conflicts", "Resolve Conflicts…", self.ops.resolve_conflicts, None),
            ("history", "History of Entry…", self.ops.history, "Ctrl+Alt+H"),
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

    def current_repo(self) -> GitRepo | None:
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

    def abs_path(self, rel: str) -> Path:
        assert self.repo is not None
        return self.repo.abs(rel)

    def start(self, name: str, job: Callable[[Callable[[str], None]], Any],
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
        repo = self.current_repo()
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
        return self.start(*queued)

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
            self.ops.resolve_conflicts()  # its end refreshes the status
        else:
            QTimer.singleShot(0, self.refresh)

    def show_dialog(self, name: str, dialog: QWidget) -> None:
        old = self.dialogs.pop(name, None)
        if old is not None:
            old.close()
            old.deleteLater()
        self.dialogs[name] = dialog
        dialog.show()

    def write_outside(self, path: Path, text: str) -> None:
        """Write ``text`` as an outside change: the watcher reloads or asks, as for git."""
        atomic_write(path, text.encode("utf-8"))
        self.window.files_changed([path])


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
