"""The content folder's git checkout, driven through the ``git`` command line.

Why the command line and not a library (pygit2, dulwich): the editor's own git setup
must apply exactly as in their terminal - credential helpers, SSH agents, hooks,
commit signing, ``pull.rebase`` and every other config. Each failure git reports is
classified (:class:`GitErrorKind`) so the window and the CLI can say what happened and
what to do next instead of showing raw stderr. git's messages are read in the C
locale (``LC_ALL=C``) so the classification does not depend on the user's language,
and ``GIT_TERMINAL_PROMPT=0`` keeps a missing credential from hanging on a prompt
nobody can answer.

Paths given to and returned by this module are relative to the repository's top level
(git's own form, ``/`` separated); :meth:`GitRepo.rel` and :meth:`GitRepo.abs` convert.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Commit",
    "FileStatus",
    "GitError",
    "GitErrorKind",
    "GitRepo",
    "RepoStatus",
    "SyncResult",
]

# Seconds before a network operation is given up (a hung server must not hang the app).
NETWORK_TIMEOUT = 300.0
LOCAL_TIMEOUT = 120.0


class GitErrorKind(enum.StrEnum):
    """What went wrong, each with its own message and way forward."""

    NO_GIT = "no-git"
    NOT_A_REPO = "not-a-repo"
    NO_REMOTE = "no-remote"
    NO_UPSTREAM = "no-upstream"
    AUTH = "auth"
    OFFLINE = "offline"
    PUSH_REJECTED = "push-rejected"
    DETACHED = "detached"
    IN_PROGRESS = "in-progress"
    DIRTY = "dirty"
    CONFLICT = "conflict"
    HOOK_FAILED = "hook-failed"
    NOTHING_TO_COMMIT = "nothing-to-commit"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    OTHER = "other"


ADVICE: Mapping[GitErrorKind, str] = {
    GitErrorKind.NO_GIT: "Install git and make sure it is on the PATH.",
    GitErrorKind.NOT_A_REPO: "Open a folder inside a git checkout (git clone or git init).",
    GitErrorKind.NO_REMOTE: "Add a remote (git remote add origin URL) to share your work.",
    GitErrorKind.NO_UPSTREAM: "Publish the branch once (git push -u origin BRANCH); "
    "Sync then pulls and pushes it.",
    GitErrorKind.AUTH: "Check the remote URL and your credentials (SSH key or token), "
    "then sync again. Your commits are safe locally.",
    GitErrorKind.OFFLINE: "The remote cannot be reached. Your commits are safe locally; "
    "sync again when you are online.",
    GitErrorKind.PUSH_REJECTED: "Someone pushed first. Sync again to pull their work, then push.",
    GitErrorKind.DETACHED: "No branch is checked out. Check out a branch (git switch NAME) "
    "before syncing.",
    GitErrorKind.IN_PROGRESS: "Finish the merge or rebase (resolve the conflicts, then "
    "commit or git rebase --continue) or abort it.",
    GitErrorKind.DIRTY: "Commit your saved changes first, then sync again.",
    GitErrorKind.CONFLICT: "Resolve the conflicted entries, then commit.",
    GitErrorKind.HOOK_FAILED: "A git hook refused the commit; its output says why. "
    "Fix the entries and commit again.",
    GitErrorKind.NOTHING_TO_COMMIT: "There is nothing to commit.",
    GitErrorKind.TIMEOUT: "git took too long and was stopped. Try again.",
    GitErrorKind.CANCELLED: "Nothing is lost: what finished before stays. Sync again when ready.",
    GitErrorKind.OTHER: "See git's message for details.",
}

# stderr patterns, checked in order: the first that matches names the kind.
_PATTERNS: tuple[tuple[GitErrorKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for kind, pattern in (
        (GitErrorKind.NOT_A_REPO, r"not a git repository"),
        (
            GitErrorKind.OFFLINE,
            r"could not resolve (host|proxy)|network is unreachable|"
            r"connection (timed out|refused)|no route to host|failed to connect|"
            r"temporary failure in name resolution|operation timed out",
        ),
        (
            GitErrorKind.AUTH,
            r"authentication failed|permission denied|could not read "
            r"(username|password)|terminal prompts disabled|could not read from remote|"
            r"access rights|repository .* not found|invalid username or password|"
            r"HTTP Basic: Access denied|returned error: 403",
        ),
        (
            GitErrorKind.PUSH_REJECTED,
            r"\[rejected\]|non-fast-forward|fetch first|"
            r"failed to push some refs|\[remote rejected\]",
        ),
        (
            GitErrorKind.NO_UPSTREAM,
            r"no tracking information|has no upstream branch|"
            r"no upstream configured",
        ),
        (
            GitErrorKind.NO_REMOTE,
            r"no configured push destination|no remote repository "
            r"specified|does not appear to be a git repository",
        ),
        (
            GitErrorKind.IN_PROGRESS,
            r"you have not concluded your merge|merge_head exists|"
            r"rebase-merge directory|rebase-apply directory|in the middle of|unmerged files|"
            r"you are in the middle",
        ),
        (
            GitErrorKind.DIRTY,
            r"local changes to the following files would be overwritten|"
            r"you have unstaged changes|your index contains uncommitted changes|"
            r"untracked working tree files would be overwritten|please commit your changes "
            r"or stash them",
        ),
        (GitErrorKind.CONFLICT, r"^CONFLICT|automatic merge failed|could not apply"),
        (
            GitErrorKind.NOTHING_TO_COMMIT,
            r"nothing to commit|no changes added to commit|"
            r"nothing added to commit",
        ),
    )
)


class GitError(Exception):
    """A git command failed; ``kind`` says how, ``output`` is what git printed."""

    def __init__(self, kind: GitErrorKind, message: str, output: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.output = output

    @property
    def advice(self) -> str:
        return ADVICE[self.kind]

    def __str__(self) -> str:
        text = f"{self.message} {self.advice}".strip()
        return f"{text}\n{self.output}" if self.kind is GitErrorKind.OTHER and self.output else text


def classify(output: str, default: GitErrorKind = GitErrorKind.OTHER) -> GitErrorKind:
    """The kind of failure git's output describes (``default`` when none matches)."""
    for kind, pattern in _PATTERNS:
        if pattern.search(output):
            return kind
    return default


_TITLES: Mapping[GitErrorKind, str] = {
    GitErrorKind.NO_GIT: "git is not installed.",
    GitErrorKind.NOT_A_REPO: "This folder is not in a git repository.",
    GitErrorKind.NO_REMOTE: "This repository has no remote.",
    GitErrorKind.NO_UPSTREAM: "The branch has no upstream branch on the remote.",
    GitErrorKind.AUTH: "The remote refused the credentials.",
    GitErrorKind.OFFLINE: "The remote could not be reached.",
    GitErrorKind.PUSH_REJECTED: "The push was rejected: the remote has commits you do not have.",
    GitErrorKind.DETACHED: "HEAD is detached.",
    GitErrorKind.IN_PROGRESS: "A merge or rebase is in progress.",
    GitErrorKind.DIRTY: "Uncommitted changes are in the way.",
    GitErrorKind.CONFLICT: "The pull stopped on conflicts.",
    GitErrorKind.HOOK_FAILED: "A git hook refused the commit.",
    GitErrorKind.NOTHING_TO_COMMIT: "Nothing to commit.",
    GitErrorKind.TIMEOUT: "git did not finish in time.",
    GitErrorKind.CANCELLED: "The operation was cancelled.",
    GitErrorKind.OTHER: "git failed.",
}


def error_from(output: str, default: GitErrorKind = GitErrorKind.OTHER) -> GitError:
    kind = classify(output, default)
    return GitError(kind, _TITLES[kind], output.strip())


# -- status -------------------------------------------------------------------------

STATUSES = ("conflicted", "modified", "added", "deleted", "untracked", "upstream")


@dataclass(frozen=True)
class FileStatus:
    """One path's state: ``kind`` is one of :data:`STATUSES`; ``staged`` when in the index."""

    path: str
    kind: str
    staged: bool = False
    orig_path: str | None = None  # the old name of a rename


@dataclass
class RepoStatus:
    branch: str | None  # None when HEAD is detached
    upstream: str | None
    ahead: int = 0
    behind: int = 0
    files: dict[str, FileStatus] = field(default_factory=dict)
    operation: str | None = None  # "merge" | "rebase" | "cherry-pick" | None

    def summary(self) -> str:
        """The status bar's text: ``main ↑2 ↓1`` (``detached HEAD``; `` · merging``)."""
        text = self.branch or "detached HEAD"
        if self.upstream:
            if self.ahead:
                text += f" ↑{self.ahead}"
            if self.behind:
                text += f" ↓{self.behind}"
        if self.operation:
            text += f" · {self.operation} in progress"
        return text


_UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


def parse_porcelain_v2(out: bytes) -> RepoStatus:
    """Read ``git status --porcelain=v2 --branch -z``; the format is stable across versions."""
    status = RepoStatus(branch=None, upstream=None)
    records = out.split(b"\0")
    i = 0
    while i < len(records):
        rec = records[i].decode("utf-8", "surrogateescape")
        i += 1
        if not rec:
            continue
        tag = rec[0]
        if tag == "#":
            _, name, *value = rec.split(" ", 2)
            val = value[0] if value else ""
            if name == "branch.head":
                status.branch = None if val == "(detached)" else val
            elif name == "branch.upstream":
                status.upstream = val
            elif name == "branch.ab":
                ahead, behind = val.split(" ")
                status.ahead, status.behind = int(ahead), -int(behind)
        elif tag == "1":
            parts = rec.split(" ", 8)
            status.files[parts[8]] = _changed(parts[8], parts[1])
        elif tag == "2":
            parts = rec.split(" ", 9)
            orig = records[i].decode("utf-8", "surrogateescape")
            i += 1
            status.files[parts[9]] = FileStatus(parts[9], "added", parts[1][0] != ".", orig)
        elif tag == "u":
            path = rec.split(" ", 10)[10]
            status.files[path] = FileStatus(path, "conflicted")
        elif tag == "?":
            status.files[rec[2:]] = FileStatus(rec[2:], "untracked")
    return status


def _changed(path: str, xy: str) -> FileStatus:
    x, y = xy[0], xy[1]
    staged = x != "."
    if "D" in xy:
        return FileStatus(path, "deleted", staged)
    if x == "A":
        return FileStatus(path, "added", staged)
    return FileStatus(path, "modified", staged and y == ".")


# -- history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601, the author date
    subject: str
    path: str  # the file's name in this commit (it follows renames)


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


class GitRepo:
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
        self.root = root
        self._status_options = ["-c", "core.preloadIndex=false"] if background else []
        self.git = git
        self._env = dict(os.environ if env is None else env)
        self._env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0")
        self._env.pop("GIT_DIR", None)
        self._env.pop("GIT_WORK_TREE", None)
        self._state_paths: list[tuple[Path, str]] | None = None
        self._cancel = threading.Event()

    @classmethod
    def discover(
        cls, folder: Path, *, git: str = "git", env: Mapping[str, str] | None = None
    ) -> GitRepo:
        """The repository ``folder`` is in; GitError NOT_A_REPO / NO_GIT otherwise."""
        if shutil.which(git) is None:
            raise GitError(GitErrorKind.NO_GIT, _TITLES[GitErrorKind.NO_GIT])
        probe = cls(folder, git=git, env=env)
        top = probe.run(["rev-parse", "--show-toplevel"]).strip()
        return cls(Path(top), git=git, env=env)

    # -- running git

    def run_bytes(
        self,
        args: Sequence[str],
        *,
        input: bytes | None = None,
        timeout: float = LOCAL_TIMEOUT,
        check: bool = True,
        default: GitErrorKind = GitErrorKind.OTHER,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            if timeout == NETWORK_TIMEOUT:
                done = self._run_cancellable([self.git, *args], timeout)
            else:
                done = subprocess.run(
                    [self.git, *args],
                    cwd=self.root,
                    env=self._env,
                    input=input,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
        except FileNotFoundError as exc:
            raise GitError(GitErrorKind.NO_GIT, _TITLES[GitErrorKind.NO_GIT]) from exc
        except subprocess.TimeoutExpired as exc:
            raise GitError(GitErrorKind.TIMEOUT, _TITLES[GitErrorKind.TIMEOUT]) from exc
        if check and done.returncode != 0:
            output = (done.stderr + b"\n" + done.stdout).decode("utf-8", "replace")
            raise error_from(output, default)
        return done

    def _run_cancellable(
        self, argv: list[str], timeout: float
    ) -> subprocess.CompletedProcess[bytes]:
        """A network command that :meth:`cancel` can stop (git cleans up its own locks)."""
        posix = os.name == "posix"
        with subprocess.Popen(
            argv, cwd=self.root, env=self._env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=posix,
        ) as proc:  # fmt: skip
            waited = 0.0
            while True:
                try:
                    out, err = proc.communicate(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    waited += 0.1
                    if self._cancel.is_set() or waited >= timeout:
                        # git's own helpers (ssh, a credential helper) go too: the
                        # whole session, or they would hold the pipes open.
                        if posix:
                            with contextlib.suppress(ProcessLookupError):
                                os.killpg(proc.pid, signal.SIGTERM)
                        else:
                            proc.terminate()
                        proc.communicate()
                        if self._cancel.is_set():
                            raise GitError(
                                GitErrorKind.CANCELLED, _TITLES[GitErrorKind.CANCELLED]
                            ) from None
                        raise
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def run(self, args: Sequence[str], **kwargs: object) -> str:
        """Run git and return its standard output as text."""
        done = self.run_bytes(args, **kwargs)  # type: ignore[arg-type]
        return done.stdout.decode("utf-8", "surrogateescape")

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
        found: list[bytes | None] = []
        at = 0
        for _ in specs:
            end = out.index(b"\n", at)
            header = out[at:end].split(b" ")
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found.append(out[at : at + size])
                at += size + 1
            else:
                found.append(None)
                if len(header) == 3:  # a tree or another object: skip its content
                    at += int(header[2]) + 1
        return found

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
        commits: list[Commit] = []
        for chunk in out.split("\x1e")[1:]:
            head, _, rest = chunk.partition("\0")
            fields = head.split("\x1f")
            name = rest.lstrip("\n").split("\0")[0] or path
            commits.append(Commit(fields[0], fields[1], fields[2], fields[3], fields[4], name))
        return commits

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
            raise GitError(GitErrorKind.NOTHING_TO_COMMIT, _TITLES[GitErrorKind.NOTHING_TO_COMMIT])
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
            raise GitError(GitErrorKind.IN_PROGRESS, _TITLES[GitErrorKind.IN_PROGRESS])
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
            raise GitError(GitErrorKind.DETACHED, _TITLES[GitErrorKind.DETACHED])
        if not self.remotes():
            raise GitError(GitErrorKind.NO_REMOTE, _TITLES[GitErrorKind.NO_REMOTE])
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
                    exc.message = _TITLES[GitErrorKind.CONFLICT]
                raise
            status = self.status()
        if status.ahead:
            progress("Pushing…")
            self.push()
            result.pushed = True
        result.new_head = self.head()
        progress("Up to date.")
        return result
