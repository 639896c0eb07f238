"""Reading content safely: only regular files, bounded in size, never hanging.

Every reader (``get``, ``set``, ``render``, the window's open) goes through
:func:`editor.content.safe_read.read_content`; these tests put FIFOs, devices (only
through a symlink in a temp folder, never written) and huge sparse files in its way.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor.cli import main
from editor.content.document import load_entry
from editor.content.errors import ParseError
from editor.content.safe_read import MAX_CONTENT_BYTES, file_kind, read_content


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Turn a hang (an open that waits for a FIFO's writer) into a failure, not a stuck
    suite. Not a timing assertion: a correct reader returns at once."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stuck(*_args: object) -> None:
        raise TimeoutError("the reader blocked")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def qa_file(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    return path


def _device_link(tmp_path: Path, device: str) -> Path:
    target = Path(device)
    if not target.exists() or not stat.S_ISCHR(target.stat().st_mode):
        pytest.skip(f"no {device} here")
    link = tmp_path / "device.md"
    link.symlink_to(target)
    return link


def test_a_regular_file_is_read_whole(qa_file: Path) -> None:
    assert read_content(qa_file) == qa_file.read_bytes()


@pytest.mark.usefixtures("no_hang")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    with pytest.raises(ParseError, match="FIFO") as info:
        load_entry(fifo)
    assert info.value.path == fifo
    assert str(info.value).startswith(f"{fifo}: ")


@pytest.mark.usefixtures("no_hang")
def test_an_endless_device_behind_a_symlink_is_refused(tmp_path: Path) -> None:
    link = _device_link(tmp_path, "/dev/zero")
    with pytest.raises(ParseError, match="character device"):
        load_entry(link)


def test_a_huge_sparse_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024**3)  # 20 GB of nothing: sparse, costs no disk
    with pytest.raises(ParseError, match="too large") as info:
        load_entry(path)
    assert "8.0 MB" in info.value.message
    assert info.value.path == path


def test_the_limit_is_a_parameter_and_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_bytes(b"x" * 100)
    assert read_content(path, limit=100) == b"x" * 100
    with pytest.raises(ParseError, match="too large"):
        read_content(path, limit=99)


def test_a_file_that_grows_while_read_stops_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``st_size`` may lie (``/proc``, a file being appended to): the read is bounded by
    the limit, not by what ``fstat`` said."""
    path = tmp_path / "growing.md"
    path.write_bytes(b"")
    real_read = os.read
    served = 0

    def endless(fd: int, n: int) -> bytes:
        nonlocal served
        if os.fstat(fd).st_ino != path.stat().st_ino:
            return real_read(fd, n)
        served += n
        return b"y" * n

    monkeypatch.setattr(os, "read", endless)
    with pytest.raises(ParseError, match="too large"):
        read_content(path, limit=1000)
    monkeypatch.undo()
    assert served <= 1000 + (1 << 16)


def test_default_limit_is_eight_megabytes() -> None:
    assert MAX_CONTENT_BYTES == 8 * 1024 * 1024


def test_file_kind_names_what_is_not_a_file() -> None:
    assert file_kind(stat.S_IFREG | 0o644) is None
    assert file_kind(stat.S_IFIFO | 0o644) == "a FIFO (named pipe)"
    assert file_kind(stat.S_IFDIR | 0o755) == "a folder"
    assert file_kind(stat.S_IFCHR | 0o666) == "a character device"


# -- through the command line: exit 2 with the path, in bounded time, nothing changed


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize(
    "command",
    [["get"], ["set", "{path}", "title=x"], ["render"], ["render", "{path}", "-o", "{out}"]],
    ids=["get", "set", "render", "render-o"],
)
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_cli_refuses_fifos_and_devices(
    kind: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fifo(tmp_path) if kind == "fifo" else _device_link(tmp_path, "/dev/zero")
    out = tmp_path / "out.html"
    argv = [a.format(path=path, out=out) for a in command]
    if len(argv) == 1:
        argv.append(str(path))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: ") and "not a regular file" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
