"""The benchmark corpus script works as a command: --help and a small run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "corpus.py"


def test_help_says_how_to_use_it() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "usage: corpus.py" in done.stdout and "--entries" in done.stdout


def test_a_small_corpus_is_written_and_counted(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "c"), "-n", "7"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("7 entries")
    assert len(list((tmp_path / "c").rglob("*.md"))) == 7
