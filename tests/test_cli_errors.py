"""Every failure of the command line is one line on stderr and exit code 2, never a traceback.

Some cases run the real process (``python -m editor``): a traceback, its exit code 1 and
a closed pipe only show there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import editor.cli_entry
import editor.cli_set
from editor.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def qa(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


def run_cli(*argv: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editor", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_render_to_an_empty_path_is_a_usage_error(
    qa: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = sorted(tmp_path.iterdir())
    assert main(["render", str(qa), "-o", ""]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "glossary-editor: error: render -o needs a file name"
        " (leave -o out to write to standard output)\n"
    )
    assert sorted(tmp_path.iterdir()) == listing


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
        (MemoryError(), "out of memory"),
        (ValueError("Exceeds the limit (4300 digits)"), "ValueError: Exceeds the limit"),
        (OSError(28, "No space left on device", "x.md"), "x.md: No space left on device"),
        (RuntimeError("line one\nline two"), "RuntimeError: line one\\nline two"),
    ],
)
def test_unexpected_errors_are_one_line_exit_2(
    qa: Path,
    error: BaseException,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fail(path: Path) -> None:
        raise error

    before = qa.read_bytes()
    for module in (editor.cli_entry, editor.cli_set):  # get and render; set
        monkeypatch.setattr(module, "load_entry", fail)
    for argv in (["get", str(qa)], ["set", str(qa), "title=X"], ["render", str(qa)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("glossary-editor: error: ") and err.count("\n") == 1
        assert message in err
    assert qa.read_bytes() == before


def test_interrupt_exits_quietly(
    qa: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(editor.cli_entry, "load_entry", interrupted)
    assert main(["get", str(qa)]) == 130
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("id:=" + "1" * 5000, "too many digits"),
        ("extra:=" + "[" * 5000 + "]" * 5000, "nested too deeply"),
        ("extra:=" + '{"a":' * 3000 + "1" + "}" * 3000, "nested too deeply"),
    ],
)
def test_hostile_set_in_a_real_process(qa: Path, assignment: str, message: str) -> None:
    before = qa.read_bytes()
    result = run_cli("set", str(qa), assignment)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert qa.read_bytes() == before


@pytest.mark.parametrize("command", ["get", "render", "check"])
def test_closed_pipe_ends_quietly(qa: Path, command: str) -> None:
    """``get ... | head``: the reader has gone; no BrokenPipe traceback, the SIGPIPE status."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        argv = [command, str(qa.parent), "--no-cache"] if command == "check" else [command, str(qa)]
        result = run_cli(*argv, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 141


@pytest.mark.parametrize(
    "argv", [["get"], ["check", "--format", "xml"], ["set"], ["render", "a.md", "--bogus"]]
)
def test_usage_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith((f"glossary-editor {argv[0]}: error: ", "glossary-editor: error: "))
    assert err.endswith("--help)\n") and err.count("\n") == 1
