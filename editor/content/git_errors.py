"""What went wrong in a git command, in words the window and the CLI can show.

Each failure git reports is classified (:class:`GitErrorKind`) from its output, read in
the C locale, so the editor can say what happened and what to do next instead of
showing raw stderr.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

__all__ = ["ADVICE", "TITLES", "GitError", "GitErrorKind", "classify", "error_from"]


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


TITLES: Mapping[GitErrorKind, str] = {
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
    return GitError(kind, TITLES[kind], output.strip())
