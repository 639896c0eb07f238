"""The edit session without Qt: open, edit, switch and back, save, conflicts, revert,
forget and the journal's marks, told through plain callbacks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from editor.content.document import load_entry
from editor.content.edit_session import EditSession
from editor.content.errors import ConflictError, ReadOnlyError
from editor.content.journal import JournalItem
from editor.content.schema import SchemaRegistry

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


class Recorder:
    """Stands in for the window and the journal worker: notes every call."""

    def __init__(self) -> None:
        self.dirty: list[tuple[Path, bool]] = []
        self.saved: list[Path] = []
        self.marks = 0
        self.discarded: list[Path] = []

    def mark_dirty(self) -> None:
        self.marks += 1

    def discard(self, path: Path) -> None:
        self.discarded.append(path)


@pytest.fixture
def entries(folder: Path) -> tuple[Path, Path]:
    """Two entries: the Q&A article and a glossary entry."""
    first, second = folder / "qa.md", folder / "term.md"
    first.write_bytes((FIXTURES / "qa_article.md").read_bytes())
    second.write_bytes((FIXTURES / "fm_glossary.md").read_bytes())
    return first, second


@pytest.fixture
def seen() -> Recorder:
    return Recorder()


@pytest.fixture
def session(folder: Path, seen: Recorder) -> EditSession:
    return EditSession(
        SchemaRegistry.load(folder),
        journal=seen,
        on_dirty_changed=lambda path, dirty: seen.dirty.append((path, dirty)),
        on_saved=seen.saved.append,
    )


def retitled(session: EditSession, path: Path, title: str) -> None:
    """Change the title as the form would: the whole data back, one value new."""
    opened = session.open(path)
    session.update(path, {**opened.data, "title": title}, opened.body)


def test_the_session_imports_no_qt() -> None:
    code = (
        "import sys\n"
        "import editor.content.edit_session\n"
        "assert 'PySide6' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_open_gives_the_file_as_loaded_and_clean(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    opened = session.open(path)
    assert opened.data == load_entry(path).data and not opened.dirty
    assert opened.title == "What makes a concession credible at the bargaining table?"
    assert session.open(path) is opened and session.get(path) is opened
    assert seen.dirty == [] and seen.marks == 0


def test_an_edit_makes_the_entry_dirty_and_typing_it_back_clean(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    original = session.open(path).data["title"]
    retitled(session, path, "New title")
    assert session.is_dirty(path) and [o.path for o in session.dirty_entries()] == [path]
    retitled(session, path, "Newer title")  # still dirty: no second report
    retitled(session, path, original)
    assert seen.dirty == [(path, True), (path, False)]
    assert seen.marks == 3  # every edit, also the one back to clean
    assert not session.is_dirty(path)


def test_edits_survive_switching_to_another_entry_and_back(
    session: EditSession, entries: tuple[Path, Path]
) -> None:
    first, second = entries
    retitled(session, first, "Kept while away")
    session.release(first)  # the window moves on: a dirty entry stays
    session.open(second)
    session.release(second)  # a clean one is read again next time
    assert session.get(second) is None
    assert session.open(first).data["title"] == "Kept while away"


def test_save_writes_only_the_edit_and_reports_it(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    before = path.read_text(encoding="utf-8")
    writes: list[Path] = []
    session.before_write = lambda p, _fingerprint: writes.append(p)
    retitled(session, path, "Saved title")
    opened = session.save(path)
    after = path.read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ["    Saved title"]
    assert not opened.dirty and opened.entry is not None
    assert opened.journal_base == opened.entry.fingerprint
    assert writes == [path] and seen.saved == [path] and seen.discarded == [path]
    assert seen.dirty[-1] == (path, False)


def test_saving_a_clean_entry_writes_nothing(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    stamp = path.stat().st_mtime_ns
    session.save(path)
    assert path.stat().st_mtime_ns == stamp and seen.saved == []


def test_a_file_changed_on_disk_is_never_overwritten_silently(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    retitled(session, path, "Mine")
    theirs = path.read_text(encoding="utf-8").replace("QuickTakes |", "Theirs |")
    path.write_text(theirs, encoding="utf-8")
    with pytest.raises(ConflictError):
        session.save(path)
    assert path.read_text(encoding="utf-8") == theirs and session.is_dirty(path)
    assert "Theirs |" in session.diff_against_disk(path)
    session.mark_conflict(path)
    with pytest.raises(ConflictError):
        session.save(path)
    opened = session.save(path, overwrite=True)  # the user said so: mine over theirs
    assert load_entry(path).data == opened.data and opened.data["title"] == "Mine"
    assert "Theirs |" not in path.read_text(encoding="utf-8")
    assert seen.saved == [path]


def test_revert_drops_the_edits_and_their_journal(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    on_disk = load_entry(path).data
    retitled(session, path, "Thrown away")
    assert "Thrown away" in session.diff(path)
    opened = session.revert(path)
    assert opened.data == on_disk and not opened.dirty
    assert seen.discarded == [path] and seen.dirty == [(path, True), (path, False)]


def test_forget_drops_the_entry_and_its_journal(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    retitled(session, path, "Gone")
    session.forget(path)
    assert session.get(path) is None and seen.discarded == [path]
    assert seen.dirty == [(path, True), (path, False)]


def test_the_journal_snapshot_holds_every_dirty_entry(
    session: EditSession, entries: tuple[Path, Path]
) -> None:
    first, second = entries
    session.open(second)
    retitled(session, first, "Journaled")
    [(path, data, body, base)] = session.journal_items()
    assert (path, data["title"]) == (first, "Journaled")
    assert body == load_entry(first).body and base == load_entry(first).fingerprint


def test_restore_reopens_journaled_work_and_a_stale_one_as_a_conflict(
    session: EditSession, entries: tuple[Path, Path], seen: Recorder
) -> None:
    path = entries[0]
    entry = load_entry(path)
    item = JournalItem(
        path, {**entry.data, "title": "From the journal"}, entry.body, "old", dt.datetime.now()
    )
    opened = session.restore(item, stale=True)
    assert opened is not None and opened.dirty and opened.conflict
    assert opened.journal_base == "old" and seen.marks == 1
    assert seen.dirty == [(path, True)]
    with pytest.raises(ConflictError):
        session.save(path)


def test_a_deleted_file_stays_open_and_saving_recreates_it(
    session: EditSession, entries: tuple[Path, Path]
) -> None:
    path = entries[0]
    session.open(path)
    path.unlink()
    assert session.mark_missing(path) is not None
    session.save(path)
    assert load_entry(path).data == session.open(path).data


def test_a_broken_file_opens_as_text_and_cannot_be_saved(
    session: EditSession, folder: Path
) -> None:
    path = folder / "broken.md"
    path.write_bytes((FIXTURES / "broken_yaml.md").read_bytes())
    opened = session.open(path)
    assert opened.entry is None and opened.error is not None and opened.raw_text
    assert opened.read_only and opened.raw_fingerprint is not None
    with pytest.raises(ReadOnlyError):
        session.save(path)


def test_a_locked_session_opens_every_entry_read_only(
    folder: Path, entries: tuple[Path, Path], seen: Recorder
) -> None:
    session = EditSession(
        SchemaRegistry.load(folder),
        read_only_reason="another window edits this folder",
        on_dirty_changed=lambda path, dirty: seen.dirty.append((path, dirty)),
    )
    path = entries[0]
    opened = session.open(path)
    assert opened.locked and opened.read_only
    assert opened.read_only_reason == "another window edits this folder"
    retitled(session, path, "Ignored")
    assert not session.is_dirty(path) and seen.dirty == []
