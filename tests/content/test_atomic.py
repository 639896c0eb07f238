"""Atomic writes: complete or untouched, never over a file changed behind our back."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor.cli import main
from editor.content import atomic
from editor.content.atomic import atomic_write, create_new, fingerprint
from editor.content.errors import ConflictError, WriteError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new", expected_fingerprint=fingerprint(b"old"))
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_changed_on_disk_is_a_conflict(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"theirs")
    with pytest.raises(ConflictError, match="changed on disk"):
        atomic_write(target, b"mine", expected_fingerprint=fingerprint(b"loaded"))
    assert target.read_bytes() == b"theirs"


def test_deleted_on_disk_is_a_conflict(tmp_path: Path) -> None:
    target = tmp_path / "gone.md"
    with pytest.raises(ConflictError, match="deleted or moved"):
        atomic_write(target, b"mine", expected_fingerprint=fingerprint(b"loaded"))
    assert not target.exists()


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_leaves_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")

    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(WriteError, match="disk is full"):
        atomic_write(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"


def test_read_only_file_is_refused_even_for_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="no longer exists"):
        atomic_write(tmp_path / "nope" / "entry.md", b"new")


# -- what a save writes: through symlinks, never over what is not a regular file


def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "entry.md"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "entry.md")
    atomic_write(link, b"new", expected_fingerprint=fingerprint(b"old"))
    assert link.is_symlink()
    assert link.readlink() == Path("real") / "entry.md"
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == [] and _leftovers(target.parent) == []


def test_symlink_conflict_is_checked_on_the_target(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"theirs")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(ConflictError):
        atomic_write(link, b"mine", expected_fingerprint=fingerprint(b"loaded"))
    assert link.is_symlink() and target.read_bytes() == b"theirs"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="FIFO"):
        atomic_write(fifo, b"<html>")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _leftovers(tmp_path) == []


def test_a_device_behind_a_symlink_is_refused_not_replaced(tmp_path: Path) -> None:
    device = Path(os.devnull)
    if not device.exists() or not stat.S_ISCHR(device.stat().st_mode):
        pytest.skip("no character device to point at")
    link = tmp_path / "out.html"
    link.symlink_to(device)
    before = device.stat()
    with pytest.raises(WriteError, match="character device"):
        atomic_write(link, b"<html>")
    after = device.stat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert link.is_symlink()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "entry.md"
    folder.mkdir()
    with pytest.raises(WriteError, match="folder"):
        atomic_write(folder, b"new")
    assert folder.is_dir()


# -- modes and owners


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask_022")
def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    atomic_write(tmp_path / "new.html", b"<html>")
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o644
    os.umask(0o077)
    atomic_write(tmp_path / "private.html", b"<html>")
    assert stat.S_IMODE((tmp_path / "private.html").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask_022")
def test_new_mode_is_for_private_files(tmp_path: Path) -> None:
    atomic_write(tmp_path / "journal.json", b"{}", new_mode=0o600)
    assert stat.S_IMODE((tmp_path / "journal.json").stat().st_mode) == 0o600


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give files away"
)
def test_an_existing_file_keeps_its_owner_and_group(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    os.chown(target, 12345, 23456)
    target.chmod(0o664)
    atomic_write(target, b"new", expected_fingerprint=fingerprint(b"old"))
    st = target.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o664)


# -- new files: O_EXCL


@pytest.mark.usefixtures("umask_022")
def test_create_new_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    create_new(path, b"first")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    with pytest.raises(WriteError, match="already exists"):
        create_new(path, b"second")
    assert path.read_bytes() == b"first"


def test_create_new_does_not_follow_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "entry.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(WriteError, match="already exists"):
        create_new(link, b"new")
    assert not (tmp_path / "elsewhere.md").exists()


# -- the lock and the last check before the rename


def test_lock_files_stay_out_of_the_content_folder(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    atomic_write(target, b"new", expected_fingerprint=fingerprint(b"old"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.md"]
    lock = atomic.lock_file_for(target.resolve())
    assert lock.exists() and tmp_path not in lock.parents


def test_the_lock_is_reentrant_and_shared_by_a_link_and_its_target(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert atomic.lock_file_for(atomic.write_target(link)) == atomic.lock_file_for(
        atomic.write_target(target)
    )
    with atomic.file_lock(target):  # held around load + save: the save takes it again
        atomic_write(link, b"new", expected_fingerprint=fingerprint(b"old"))
    assert target.read_bytes() == b"new"


def test_another_holder_of_the_lock_makes_the_save_wait_then_fail(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    holder = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with atomic.file_lock(target):
            holder.set()
            release.wait()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        holder.wait()
        with (
            pytest.raises(WriteError, match="another program"),
            atomic.file_lock(target, timeout=0),
        ):
            pass
    finally:
        release.set()
        thread.join()
    assert target.read_bytes() == b"old"


def _outside_writer_before_the_rename(
    monkeypatch: pytest.MonkeyPatch, target: Path, theirs: bytes, *, exchange: bool
) -> None:
    """An outside writer (``sed -i``: temp file + rename) that strikes at the last moment:
    after the re-check, as the rename is made."""
    real = atomic._exchange

    def swap(a: str | Path, b: str | Path) -> bool:
        monkeypatch.setattr(atomic, "_exchange", real if exchange else lambda *_: False)
        other = target.with_name("sed-tmp")
        other.write_bytes(theirs)
        os.replace(other, target)
        return real(a, b) if exchange else False

    monkeypatch.setattr(atomic, "_exchange", swap)


def test_outside_rename_at_the_last_moment_is_caught_by_the_exchange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    if not atomic._exchange(target, target):  # a swap with itself: is it offered here?
        pytest.skip("no atomic exchange on this OS or file system")
    _outside_writer_before_the_rename(monkeypatch, target, b"theirs", exchange=True)
    with pytest.raises(ConflictError, match="while saving"):
        atomic_write(target, b"mine", expected_fingerprint=fingerprint(b"old"))
    assert target.read_bytes() == b"theirs"
    assert _leftovers(tmp_path) == []


def test_an_outside_change_found_by_the_last_check_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the first check and the rename (the temp file is being written)."""
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    real_fsync = os.fsync

    def fsync_then_edit(fd: int) -> None:
        real_fsync(fd)
        if target.read_bytes() == b"old":
            target.write_bytes(b"theirs")

    monkeypatch.setattr(os, "fsync", fsync_then_edit)
    with pytest.raises(ConflictError):
        atomic_write(target, b"mine", expected_fingerprint=fingerprint(b"old"))
    monkeypatch.undo()
    assert target.read_bytes() == b"theirs"
    assert _leftovers(tmp_path) == []


def test_without_an_exchange_the_save_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_exchange", lambda *_: False)
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    atomic_write(target, b"new", expected_fingerprint=fingerprint(b"old"))
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


# -- through the command line: render -o and new


@pytest.fixture
def qa_file(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def test_render_o_through_a_symlink_writes_its_target(qa_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "site" / "page.html"
    target.parent.mkdir()
    target.write_text("old page", encoding="utf-8")
    link = tmp_path / "page.html"
    link.symlink_to(target)
    assert main(["render", str(qa_file), "-o", str(link)]) == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_render_o_refuses_a_fifo(
    qa_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    assert main(["render", str(qa_file), "-o", str(fifo)]) == 2
    assert "FIFO (named pipe), not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_render_o_refuses_a_device_behind_a_symlink(
    qa_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not stat.S_ISCHR(Path(os.devnull).stat().st_mode):
        pytest.skip("no character device to point at")
    link = tmp_path / "out.html"
    link.symlink_to(os.devnull)
    before = Path(os.devnull).stat()
    assert main(["render", str(qa_file), "-o", str(link)]) == 2
    assert "character device, not a regular file" in capsys.readouterr().err
    assert link.is_symlink()
    after = Path(os.devnull).stat()
    assert after.st_ino == before.st_ino
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)


def test_render_o_with_an_empty_name_is_bad_usage(
    qa_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(qa_file), "-o", ""]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "-o needs a file name" in captured.err


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask_022")
def test_render_o_and_new_create_files_that_follow_the_umask(
    qa_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "page.html"
    assert main(["render", str(qa_file), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    folder = tmp_path / "content"
    folder.mkdir()
    assert main(["new", str(folder), "--schema", "glossary", "--title", "Soft power"]) == 0
    created = Path(capsys.readouterr().out.strip())
    assert stat.S_IMODE(created.stat().st_mode) == 0o644


def test_new_does_not_replace_a_file_that_appears_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``new`` checks for the file first; another program creates it before the write."""
    from editor.content import new_entry

    target = tmp_path / "soft-power.md"
    real = new_entry.new_entry_text

    def text_then_race(*args: object, **kwargs: object) -> str:
        target.write_text("someone else's entry", encoding="utf-8")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(new_entry, "new_entry_text", text_then_race)
    assert main(["new", str(tmp_path), "--schema", "glossary", "--title", "Soft power"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "someone else's entry"


# -- private files: the index cache's search text holds every entry's text


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask_022")
def test_the_cache_text_file_is_private(tmp_path: Path) -> None:
    from editor.content.text_file import TextSink

    path = tmp_path / "cache" / "index.abc.text"
    sink = TextSink(path)
    sink.write(b"every entry's text")
    assert sink.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)  # left by an older version: made private when written again
    sink = TextSink(path)
    sink.write(b"again")
    assert sink.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unusable_lock_folder_degrades_to_the_checks_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    monkeypatch.setattr(atomic, "lock_dir", lambda: blocker / "locks")
    target = tmp_path / "entry.md"
    target.write_bytes(b"old")
    atomic_write(target, b"new", expected_fingerprint=fingerprint(b"old"))
    assert target.read_bytes() == b"new"
    assert "without a lock" in caplog.text
    with pytest.raises(ConflictError):
        atomic_write(target, b"mine", expected_fingerprint=fingerprint(b"old"))
