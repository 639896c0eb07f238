"""git's machine-readable output read into records: status, a file's commits, blobs.

``git status --porcelain=v2 -z``, ``git log -z`` with a fixed format and ``git cat-file
--batch`` are stable across git versions and languages; these parsers are the one place
that knows their layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "STATUSES",
    "Commit",
    "FileStatus",
    "RepoStatus",
    "parse_batch",
    "parse_log",
    "parse_porcelain_v2",
]

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


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601, the author date
    subject: str
    path: str  # the file's name in this commit (it follows renames)


def parse_log(out: str, path: str) -> list[Commit]:
    """Read ``git log --name-only -z --format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s``; ``path``
    names a commit that lists no file."""
    commits: list[Commit] = []
    for chunk in out.split("\x1e")[1:]:
        head, _, rest = chunk.partition("\0")
        fields = head.split("\x1f")
        name = rest.lstrip("\n").split("\0")[0] or path
        commits.append(Commit(fields[0], fields[1], fields[2], fields[3], fields[4], name))
    return commits


def parse_batch(out: bytes, count: int) -> list[bytes | None]:
    """Read ``count`` answers of ``git cat-file --batch``: each blob's bytes, else None."""
    found: list[bytes | None] = []
    at = 0
    for _ in range(count):
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
