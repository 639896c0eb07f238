"""Atomic writes: complete or untouched, never over a file changed behind our back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from editor.content import atomic
from editor.content.atomic import atomic_write, fingerprint
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

    monkeypatch.setattr(atomic.os, failing, boom)
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
    monkeypatch.setattr(atomic.os, "access", lambda *_a, **_k: False)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="no longer exists"):
        atomic_write(tmp_path / "nope" / "entry.md", b"new")
