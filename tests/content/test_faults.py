"""Faults: failing writes, read-only folders, full disks, conflicts and bad input files.

Every case must end in a :class:`ContentError` with the path (and line:column where it
applies), exit code 2 on the command line, and no file changed or left behind.
"""

from __future__ import annotations

import copy
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from editor.cli import main
from editor.content import atomic, document
from editor.content.document import load_entry, save_entry
from editor.content.errors import ConflictError, ParseError, WriteError

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def qa_file(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "content" / "qa_article.md"
    target.parent.mkdir()
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def _edit(entry: document.Entry) -> dict[str, Any]:
    data = copy.deepcopy(entry.data)
    data["seo"]["title"] = "A changed title"
    return data


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- failing writes


def _raise(err: int) -> Callable[..., Any]:
    def boom(*_args: object, **_kwargs: object) -> Any:
        raise OSError(err, os.strerror(err))

    return boom


class _FailingHandle:
    """A temp file whose write fails half-way, like a disk filling up mid-save."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def write(self, data: bytes) -> int:
        self._real.write(data[: len(data) // 2])
        self._real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FailingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


@pytest.mark.parametrize("failing", ["write", "fsync", "chmod", "replace", "mkstemp"])
def test_failing_write_leaves_the_original_and_no_temp_file(
    qa_file: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    before = _snapshot(qa_file.parent)
    entry = load_entry(qa_file)
    if failing == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            os, "fdopen", lambda fd, *a, **k: _FailingHandle(real_fdopen(fd, *a, **k))
        )
    elif failing == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", _raise(errno.ENOSPC))
    else:
        monkeypatch.setattr(os, failing, _raise(errno.ENOSPC))
    if failing == "replace":  # on Linux the rename is an exchange (renameat2)
        monkeypatch.setattr(atomic, "_exchange", _raise(errno.ENOSPC))
    with pytest.raises(WriteError, match="disk is full") as info:
        save_entry(entry, _edit(entry), entry.body)
    monkeypatch.undo()
    assert info.value.path == qa_file
    assert _snapshot(qa_file.parent) == before  # same bytes, no temp file


def test_read_only_folder_gives_a_clear_message(
    qa_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(qa_file.parent)
    entry = load_entry(qa_file)
    if os.geteuid() == 0:  # root writes anywhere: simulate the folder refusing new files
        monkeypatch.setattr(tempfile, "mkstemp", _raise(errno.EACCES))
    else:
        qa_file.parent.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="permission denied") as info:
            save_entry(entry, _edit(entry), entry.body)
    finally:
        qa_file.parent.chmod(0o755)
    assert str(qa_file) in str(info.value)
    assert _snapshot(qa_file.parent) == before


def test_read_only_file_gives_a_clear_message(
    qa_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = qa_file.read_bytes()
    entry = load_entry(qa_file)
    qa_file.chmod(0o444)
    if os.geteuid() == 0:
        monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    with pytest.raises(WriteError, match="read-only"):
        save_entry(entry, _edit(entry), entry.body)
    assert qa_file.read_bytes() == before


def test_read_only_file_through_the_cli(
    qa_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = qa_file.read_bytes()
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    assert main(["set", str(qa_file), "seo.title=New"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert qa_file.read_bytes() == before


def test_external_edit_between_load_and_save_is_a_conflict(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    theirs = qa_file.read_bytes().replace(b"Business and Management", b"Edited elsewhere")
    qa_file.write_bytes(theirs)
    with pytest.raises(ConflictError, match="changed on disk"):
        save_entry(entry, _edit(entry), entry.body)
    assert qa_file.read_bytes() == theirs
    assert [p.name for p in qa_file.parent.iterdir()] == [qa_file.name]


def test_file_deleted_between_load_and_save_is_a_conflict(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    qa_file.unlink()
    with pytest.raises(ConflictError):
        save_entry(entry, _edit(entry), entry.body)
    assert not qa_file.exists()


# -- bad input files


BAD_FIXTURES = {
    "bad_yaml.md": ("invalid YAML", True),
    "bad_duplicate_key.md": ("duplicate key 'title'", True),
    "bad_utf8.md": ("invalid UTF-8", True),
    "bad_unclosed.md": ("never closed", True),
    "bad_binary.md": ("not a text file", True),
    "bad_not_mapping.md": ("must be a mapping", True),
    "bad_tab_indent.md": ("invalid YAML", True),
    "bad_date.md": ("'2024-02-30' is not a valid timestamp", True),
}

EXPECTED_LOCATION = {
    "bad_duplicate_key.md": (10, 3),
    "bad_utf8.md": (5, 8),
    "bad_unclosed.md": (1, 1),
    "bad_tab_indent.md": (4, 1),
    "bad_date.md": (4, 7),
}


def _make_bad(kind: str, folder: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Bad inputs that cannot live in the repository as plain files."""
    if kind == "folder":
        path = folder / "x.md"
        path.mkdir()
        return path
    if kind == "symlink-loop":
        (folder / "a.md").symlink_to(folder / "b.md")
        (folder / "b.md").symlink_to(folder / "a.md")
        return folder / "a.md"
    if kind == "missing":
        return folder / "nowhere.md"
    if kind == "unreadable":
        path = folder / "secret.md"
        shutil.copy(fixtures_dir / "qa_article.md", path)
        path.chmod(0)
        if os.geteuid() == 0:  # root reads anything: simulate the refusal
            real = os.open

            def refuse(name: str | os.PathLike[str], flags: int, *args: int) -> int:
                if Path(name).name == "secret.md":
                    raise PermissionError(errno.EACCES, "Permission denied", str(name))
                return real(name, flags, *args)

            monkeypatch.setattr(os, "open", refuse)
        return path
    if kind == "deep-nesting":
        path = folder / "deep.md"
        path.write_text("---\na: " + "[" * 40_000 + "]" * 40_000 + "\n---\n", encoding="utf-8")
        return path
    raise AssertionError(kind)


SPECIAL = {
    "folder": "is a folder",
    "symlink-loop": "cannot read the file",
    "missing": "does not exist",
    "unreadable": "permission denied",
    "deep-nesting": "nested too deeply",
}


@pytest.mark.parametrize("name", sorted(BAD_FIXTURES))
def test_bad_fixture_is_a_parse_error_with_location(
    name: str, fixtures_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / name
    shutil.copy(fixtures_dir / name, path)
    before = path.read_bytes()
    message, has_line = BAD_FIXTURES[name]
    with pytest.raises(ParseError) as info:
        load_entry(path)
    err = info.value
    assert err.path == path
    assert message in err.message
    assert (err.line is not None) == has_line
    if name in EXPECTED_LOCATION:
        assert (err.line, err.column) == EXPECTED_LOCATION[name]
    assert str(err).startswith(f"{path}:{err.line}:")
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_special_bad_input_is_a_parse_error(
    kind: str, tmp_path: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make_bad(kind, tmp_path, fixtures_dir, monkeypatch)
    with pytest.raises(ParseError, match=SPECIAL[kind]) as info:
        load_entry(path)
    assert info.value.path == path
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_special_bad_input_through_cli_in_process(
    kind: str,
    tmp_path: Path,
    fixtures_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _make_bad(kind, tmp_path, fixtures_dir, monkeypatch)
    assert main(["get", str(path)]) == 2
    assert main(["set", str(path), "title=x"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and SPECIAL[kind] in err


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editor.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_bad_files_through_the_cli_exit_2_and_change_nothing(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in BAD_FIXTURES:
        shutil.copy(fixtures_dir / name, folder / name)
    (folder / "x.md").mkdir()
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")
    before = _snapshot(folder)
    # one interpreter for all files keeps this fast; each runs `get FILE` as the CLI would
    script = (
        "import sys\nfrom editor.cli import main\n"
        "for f in sys.argv[1:]:\n"
        "    print(f'{f}\\t{main([\"get\", f])}', flush=True)\n"
    )
    files = [*sorted(BAD_FIXTURES), "x.md", "a.md"]
    result = subprocess.run(
        [sys.executable, "-c", script, *(str(folder / n) for n in files)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    codes = dict(line.split("\t") for line in result.stdout.splitlines())
    assert codes == {str(folder / n): "2" for n in files}, result.stderr
    for name in files:
        assert f"{folder / name}:" in result.stderr
    for name, (line, column) in EXPECTED_LOCATION.items():
        assert f"{folder / name}:{line}:{column}: " in result.stderr
    assert _snapshot(folder) == before


def test_python_m_editor_cli_get_bad_file(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad_duplicate_key.md"
    shutil.copy(fixtures_dir / "bad_duplicate_key.md", path)
    result = _cli("get", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"{path}:10:3: duplicate key 'title'"
    assert result.stdout == ""


# -- unusual but valid input


def test_bom_and_crlf_load_and_save_keep_them(qa_file: Path) -> None:
    text = qa_file.read_bytes().replace(b"\n", b"\r\n")
    qa_file.write_bytes(b"\xef\xbb\xbf" + text)
    entry = load_entry(qa_file)
    assert entry.bom and entry.data["id"] == 71203
    assert "\r" not in entry.data["seo"]["title"]
    save_entry(entry, _edit(entry), entry.body)
    after = qa_file.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\r\n") == text.count(b"\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert load_entry(qa_file).data["seo"]["title"] == "A changed title"


def test_bom_and_crlf_through_cli(qa_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    qa_file.write_bytes(b"\xef\xbb\xbf" + qa_file.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["get", str(qa_file), "id"]) == 0
    assert capsys.readouterr().out.strip() == "71203"


def test_five_megabyte_entry_loads_fast(qa_file: Path) -> None:
    paragraph = "A long answer paragraph with **Markdown** and $x^2$ math. " * 20
    body = "\n\n".join(paragraph for _ in range(5 * 1024 * 1024 // len(paragraph)))
    qa_file.write_text(qa_file.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    assert qa_file.stat().st_size > 5_000_000
    start = time.perf_counter()
    entry = load_entry(qa_file)
    assert time.perf_counter() - start < 2.0
    assert len(entry.body) > 5_000_000
    start = time.perf_counter()
    saved = save_entry(entry, _edit(entry), entry.body)
    assert time.perf_counter() - start < 5.0
    assert saved.body == entry.body


def test_real_content_passes_the_nesting_guard(shared_dir: Path) -> None:
    files = sorted((shared_dir / "real_content").glob("*.md"))
    assert [path for path in files if path.name != "SOURCES.md" and not load_entry(path).data] == []


def test_no_temp_file_left_in_a_clean_save(qa_file: Path) -> None:
    entry = load_entry(qa_file)
    save_entry(entry, _edit(entry), entry.body)
    assert [p.name for p in qa_file.parent.iterdir()] == [qa_file.name]
    assert not list(Path(tempfile.gettempdir()).glob(f".{qa_file.name}.*.tmp"))
