"""How a folder's entries are written, learnt from the entries themselves, for new ones.

A new entry should look like its neighbours: the next free ``id``, values folded
(``>-``) or plain as the other entries of its type write that key, folded text
indented as they indent it. Reading every file with a YAML parser would cost seconds
on a big folder; a top-level key is always at the start of a line, so a scan of each
file's first few kilobytes with a regular expression finds the ids, and a sample of
entries of the same type gives the styles (the new file is parsed again before it is
written, so a guess can never produce wrong data).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from editor.content.safe_read import MAX_CONTENT_BYTES, read_head

HEAD_BYTES = 4096  # front matter keys near the top: ids, _schema
SAMPLE = 64  # entries of the same type read for their style

_ID = re.compile(rb"^id:[ \t]*['\"]?(\d{1,18})['\"]?[ \t]*\r?$", re.MULTILINE)
_SCHEMA = re.compile(rb"^_schema:[ \t]*['\"]?([\w.-]+)", re.MULTILINE)
_FOLDED = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*>-?[ \t]*\r?\n([ \t]+)\S", re.MULTILINE)
_PLAIN = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+([^\s>|&*!'\"#].*)$", re.MULTILINE)


@dataclass
class FolderStyle:
    """What new entries of one type take from the folder."""

    next_id: int | None = None  # None: no entry has a numeric id
    indent: int = 4  # spaces before a folded value's text
    folded: dict[str, bool] = field(default_factory=dict)  # key -> folded (True) / plain

    def is_folded(self, key: str, default: bool = True) -> bool:
        return self.folded.get(key, default)


def _entries(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".md"))
    return found


def _head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The file's first bytes; nothing for a FIFO, device or unreadable file."""
    return read_head(path, size) or b""


def learn_style(folder: Path, schema_name: str) -> FolderStyle:
    """The folder's next free id and the writing style of its ``schema_name`` entries."""
    style = FolderStyle()
    ids: list[int] = []
    sampled: list[Path] = []
    for path in _entries(folder):
        head = _head(path)
        match = _ID.search(head)
        if match:
            ids.append(int(match.group(1)))
        kind = _SCHEMA.search(head)
        if kind and kind.group(1).decode() == schema_name and len(sampled) < SAMPLE:
            sampled.append(path)
    if ids:
        style.next_id = max(ids) + 1
    votes: dict[str, Counter[bool]] = {}
    indents: Counter[int] = Counter()
    for path in sampled:
        raw = read_head(path, MAX_CONTENT_BYTES)  # a FIFO or device is skipped
        if raw is None:
            continue
        text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
        front = text.split("\n---", 2)[0] if text.startswith("---") else ""
        for key, spaces in _FOLDED.findall(front):
            votes.setdefault(key, Counter())[True] += 1
            indents[len(spaces.expandtabs())] += 1
        for key, _value in _PLAIN.findall(front):
            votes.setdefault(key, Counter())[False] += 1
    style.folded = {key: count[True] >= count[False] for key, count in votes.items()}
    if indents:
        style.indent = indents.most_common(1)[0][0]
    return style
