"""The content folder's git checkout, driven through the ``git`` command line.

What the editor asks of its checkout - status, history, old versions of a file, commits,
discarding, and sync (fetch, pull, push) - each as one method that runs git
(:mod:`editor.content.git_command`), reads its answer (:mod:`editor.content.git_output`)
and raises a classified :class:`~editor.content.git_errors.GitError` on failure.

Paths given to and returned by this module are relative to the repository's top level
(git's own form, ``/`` separated); :meth:`GitRepo.rel` and :meth:`GitRepo.abs` convert.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from editor.content.git_command import NETWORK_TIMEOUT, GitCommand
from editor.content.git_errors import TITLES, GitError, GitErrorKind, error_from
from editor.content.git_output import (
    Commit,
    FileStatus,
    RepoStatus,
    parse_batch,
    parse_log,
    parse_porcelain_v2,
)

# The types GitRepo's methods take and give stay importable from here.
__all__ = [
    "Commit",
    "FileStatus",
    "GitError",
    "GitErrorKind",
    "GitRepo",
    "RepoStatus",
    "SyncResult",
]


@dataclass
class SyncResult:
    """What a sync did: commits pulled and pushed, and the files the pull changed."""

    pulled_files: list[str] = field(default_factory=list)
    pushed: bool = False
    old_head: str | None = None
    new_head: str | None = None
    output: str = ""


Progress = Callable[[str], None]


def _no_progress(_: str) -> None:
    return None


class GitRepo(GitCommand):
    """One git working tree; every method runs ``git`` in a subprocess and waits for it."""

    def __init__(
        self,
        root: Path,
        *,
        git: str = "git",
        env: Mapping[str, str] | None = None,
        background: bool = False,
    ) -> None:
        """``background``: the window's periodic status reads leave a core to the GUI.

        git's status checks files on every core (``core.preloadIndex``); on a 2-core
        machine at 50,000 entries that starved the window's thread for 200-300 ms a
        refresh, against ~25 ms with one thread (``bench/bench_git.py --diagnose``).
        """
        super().__init__(root, git=git, env=env)
        self._status_options = ["-c", "core.preloadIndex=false"] if background else []
        self._state_paths: list[tuple[Path, str]] | None = None

    @classmethod
    def discover(
        cls, folder: Path, *, git: str = "git", env: Mapping[str, str] | None = None
    ) -> GitRepo:
        """The repository ``folder`` is in; GitError NOT_A_REPO / NO_GIT otherwise."""
        if shutil.which(git) is None:
            raise GitError(GitErrorKind.NO_GIT, TITLES[GitErrorKind.NO_GIT])
        probe = cls(folder, git=git, env=env)
        top = probe.run(["rev-parse", "--show-toplevel"]).strip()
        return cls(Path(top), git=git, env=env)

    # -- running git
    # -- paths

    def rel(self, path: Path) -> str:
        """``path`` relative to the repository's top level, git's ``/`` form."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def abs(self, rel: str) -> Path:
        return self.root / rel

    # -- reading state

    def status(self, pathspec: Sequence[str] = ()) -> RepoStatus:
        """Branch, ahead/behind, each changed or untracked path, and a running operation."""
        out = self.run_bytes(
            [
                *self._status_options,
                "status",
                "--porcelain=v2",
                "--branch",
                "-z",
                "--untracked-files=all",
                "--no-renames",
                "--",
                *pathspec,
            ]
        ).stdout
        status = parse_porcelain_v2(out)
        status.operation = self.operation()
        return status

    def operation(self) -> str | None:
        """The merge, rebase, cherry-pick or revert git has stopped in, if any."""
        names = {
            "rebase-merge": "rebase",
            "rebase-apply": "rebase",
            "MERGE_HEAD": "merge",
            "CHERRY_PICK_HEAD": "cherry-pick",
            "REVERT_HEAD": "revert",
        }
        if self._state_paths is None:  # asked once: every status refresh saves a process
            args = [arg for name in names for arg in ("--git-path", name)]
            paths = self.run(["rev-parse", *args]).splitlines()
            self._state_paths = [(self.root / path, names[name]) for name, path in
                                 zip(names, paths, strict=True)]  # fmt: skip
        for path, operation in self._state_paths:
            if path.exists():
                return operation
        return None

    def remotes(self) -> list[str]:
        return self.run(["remote"]).split()

    def upstream_changes(self, status: RepoStatus | None = None) -> set[str]:
        """Paths the upstream branch changed since the merge base (after a fetch).

        With the ``status`` just read, no process runs when upstream has nothing new."""
        if status is not None and (status.upstream is None or not status.behind):
            return set()
        done = self.run_bytes(
            ["diff", "--name-only", "-z", "--no-renames", "HEAD...@{upstream}"], check=False
        )
        if done.returncode != 0:
            return set()
        return {p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p}

    def changed_since(self, ref: str, pathspec: Sequence[str] = ()) -> list[str]:
        """Paths added, copied, modified or renamed between ``ref`` and the working tree,
        plus untracked files (what a pull request or a local edit adds)."""
        out = self.run_bytes(
            ["diff", "--name-only", "-z", "--diff-filter=ACMR", ref, "--", *pathspec]
        ).stdout
        names = {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}
        out = self.run_bytes(
            ["ls-files", "-z", "--others", "--exclude-standard", "--", *pathspec]
        ).stdout
        names.update(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)
        return sorted(names)

    def show(self, rev: str, path: str) -> bytes | None:
        """The file's bytes at ``rev`` (``HEAD``, a sha, ``:1`` for a merge stage), or None."""
        done = self.run_bytes(["cat-file", "blob", f"{rev}:{path}"], check=False)
        return done.stdout if done.returncode == 0 else None

    def show_many(self, specs: Sequence[tuple[str, str]]) -> list[bytes | None]:
        """``show`` of many (rev, path) pairs with one ``git cat-file --batch``."""
        if not specs:
            return []
        if any("\n" in rev + path for rev, path in specs):
            return [self.show(rev, path) for rev, path in specs]
        query = "".join(f"{rev}:{path}\n" for rev, path in specs).encode("utf-8", "surrogateescape")
        out = self.run_bytes(["cat-file", "--batch"], input=query).stdout
        return parse_batch(out, len(specs))

    def conflict_sides(self, path: str) -> tuple[bytes | None, bytes | None, bytes | None]:
        """Base, ours and theirs of a conflicted path (merge stages 1, 2 and 3)."""
        return self.show(":1", path), self.show(":2", path), self.show(":3", path)

    def diff(self, path: str, rev: str = "HEAD") -> str:
        """The raw unified diff of ``path`` between ``rev`` and the working tree."""
        return self.run(["diff", "--no-color", "--no-ext-diff", rev, "--", path])

    def log(self, path: str, limit: int = 200) -> list[Commit]:
        """Commits that touched ``path``, newest first, following renames."""
        out = self.run(
            ["log", f"--max-count={limit}", "--follow", "--name-only", "-z",
             "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--", path]
        )  # fmt: skip
        return parse_log(out, path)

    def head(self) -> str | None:
        done = self.run_bytes(["rev-parse", "--verify", "-q", "HEAD"], check=False)
        return done.stdout.decode().strip() or None

    def config(self, key: str) -> str | None:
        done = self.run_bytes(["config", "--get", key], check=False)
        return done.stdout.decode("utf-8", "replace").strip() or None

    # -- changing state

    def commit(self, paths: Iterable[str], message: str) -> str:
        """Commit exactly ``paths`` (added, changed or deleted) with ``message``; the sha.

        Hooks and signing run as configured; a failing hook raises HOOK_FAILED with its
        output. Other staged changes are left staged and out of the commit.
        """
        paths = list(paths)
        if not paths:
            raise GitError(GitErrorKind.NOTHING_TO_COMMIT, TITLES[GitErrorKind.NOTHING_TO_COMMIT])
        operation = self.operation()
        spec = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
        if operation == "merge":  # a merge commits whole, once every conflict is resolved
            if any(f.kind == "conflicted" for f in self.status().files.values()):
                raise GitError(GitErrorKind.CONFLICT, "Some entries are still conflicted.")
            self.run_bytes(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"],
                           input=spec)  # fmt: skip
            self._commit(None, message)
            return self.head() or ""
        if operation is not None:
            raise GitError(GitErrorKind.IN_PROGRESS, TITLES[GitErrorKind.IN_PROGRESS])
        self.run_bytes(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], input=spec)
        self._commit(spec, message)
        return self.head() or ""

    def mark_resolved(self, path: str) -> None:
        """Tell git a conflicted path is resolved (its file now holds the resolution)."""
        self.run(["add", "--", path])

    def _commit(self, spec: bytes | None, message: str) -> subprocess.CompletedProcess[bytes]:
        # git reads one of stdin: the message goes through a file in the git dir.
        msg_path = Path(self.root, self.run(["rev-parse", "--git-path", "GE_COMMIT_MSG"]).strip())
        msg_path.write_text(message, encoding="utf-8")
        try:
            args = ["commit", "-q", "-F", str(msg_path)]
            if spec is not None:
                args += ["--pathspec-from-file=-", "--pathspec-file-nul"]
            done = self.run_bytes(args, input=spec, check=False)
        finally:
            msg_path.unlink(missing_ok=True)
        if done.returncode != 0:
            output = (done.stderr + b"\n" + done.stdout).decode("utf-8", "replace")
            raise error_from(output, GitErrorKind.HOOK_FAILED)
        return done

    def discard(self, paths: Iterable[str]) -> None:
        """Put ``paths`` back as HEAD has them (untracked files are deleted)."""
        tracked: list[str] = []
        untracked: list[str] = []
        status = self.status(list(paths))
        for path in paths:
            st = status.files.get(path)
            if st is None:
                continue
            (untracked if st.kind in ("untracked", "added") and self.show("HEAD", path) is None
             else tracked).append(path)  # fmt: skip
        if tracked:
            self.run(["restore", "--source=HEAD", "--staged", "--worktree", "--", *tracked])
        for path in untracked:
            self.run_bytes(["rm", "-q", "--cached", "--ignore-unmatch", "--", path])
            self.abs(path).unlink(missing_ok=True)

    def check_can_sync(self) -> RepoStatus:
        """The checks before a sync: a branch, a remote, an upstream, no stopped operation."""
        status = self.status()
        if status.operation is not None:
            raise GitError(GitErrorKind.IN_PROGRESS, f"A {status.operation} is in progress.")
        if status.branch is None:
            raise GitError(GitErrorKind.DETACHED, TITLES[GitErrorKind.DETACHED])
        if not self.remotes():
            raise GitError(GitErrorKind.NO_REMOTE, TITLES[GitErrorKind.NO_REMOTE])
        if status.upstream is None:
            raise GitError(GitErrorKind.NO_UPSTREAM,
                           f"The branch {status.branch} has no upstream branch.")  # fmt: skip
        return status

    def fetch(self) -> None:
        self.run(["fetch", "--quiet"], timeout=NETWORK_TIMEOUT)

    def pull(self) -> list[str]:
        """Pull as the repository is configured (merge or rebase); the paths it changed."""
        old = self.head()
        args = ["pull", "--quiet", "--no-edit"]
        branch = self.run(["branch", "--show-current"]).strip()
        if not any(self.config(k) for k in ("pull.rebase", "pull.ff", f"branch.{branch}.rebase")):
            args.append("--no-rebase")  # git's historical default, which newer gits ask for
        self.run(args, timeout=NETWORK_TIMEOUT)
        new = self.head()
        if old is None or new is None or old == new:
            return []
        out = self.run_bytes(["diff", "--name-only", "-z", "--no-renames", old, new]).stdout
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def push(self) -> None:
        self.run(["push", "--quiet"], timeout=NETWORK_TIMEOUT)

    def sync(
        self, progress: Progress = _no_progress, cancel: threading.Event | None = None
    ) -> SyncResult:
        """Fetch, pull (as configured), push: one action, each step reported to ``progress``.

        Raises GitError with its kind at the first failure; what already happened stays
        (fetched refs, pulled commits), and nothing in the working tree is lost. Setting
        ``cancel`` (from any thread) stops the network step running: CANCELLED.
        """
        self._cancel = cancel if cancel is not None else threading.Event()
        try:
            return self._sync(progress)
        finally:
            self._cancel = threading.Event()  # a later fetch or push is not cancelled

    def _sync(self, progress: Progress) -> SyncResult:
        status = self.check_can_sync()
        result = SyncResult(old_head=self.head())
        progress("Fetching…")
        self.fetch()
        status = self.status()
        if status.behind:
            progress("Pulling…")
            try:
                result.pulled_files = self.pull()
            except GitError as exc:
                if self.operation() is not None and exc.kind is not GitErrorKind.IN_PROGRESS:
                    exc.kind = GitErrorKind.CONFLICT
                    exc.message = TITLES[GitErrorKind.CONFLICT]
                raise
            status = self.status()
        if status.ahead:
            progress("Pushing…")
            self.push()
            result.pushed = True
        result.new_head = self.head()
        progress("Up to date.")
        return result
