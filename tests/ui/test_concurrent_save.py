"""The window's save racing two command-line writers on one file: no edit lost silently.

Two ``glossary-editor set`` loops (subprocesses, real CLI invocations) and the window's
own save path (``Saving.save``, what Ctrl+S runs) each add new keys to the same entry
for as long as the writers run. Every window save either succeeded (its key is in the
final file) or met a conflict and asked (answered Cancel: its key is absent); every
CLI round exited 0 (key present) or 2 with "changed on disk" (key absent).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from editor.content.document import load_entry
from editor.ui import dialogs
from editor.ui.saving import CANCEL

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("This plugin does not support")]

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_ROUNDS = 50
MAX_WINDOW_ROUNDS = 300

WRITER = """
import contextlib, io, sys
from editor.cli import main

path, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
for i in range(rounds):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["set", path, f"{tag}_{i}=v{i}"])
    print(i, code, err.getvalue().strip().replace("\\n", " "), flush=True)
"""


def test_window_and_two_cli_writers_never_lose_an_edit_silently(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sample_folder / "strategic-leverage.md"
    window = make_window(sample_folder)
    conflicts: list[str] = []

    def choose(_parent: Any, title: str, *_args: Any, **_kwargs: Any) -> str:
        conflicts.append(title)
        return CANCEL

    monkeypatch.setattr(dialogs, "choose", choose)
    writers = {
        tag: subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, str(CLI_ROUNDS)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    }
    for process in writers.values():
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"

    saved: dict[int, bool] = {}
    session = window.session
    while len(saved) < MAX_WINDOW_ROUNDS and any(p.poll() is None for p in writers.values()):
        i = len(saved)
        opened = session.open(path)  # as on disk now
        data = dict(opened.data)
        data[f"w_{i}"] = f"v{i}"
        session.update(path, data, opened.body)
        saved[i] = window.saving.save(path)  # what Ctrl+S runs
        session.forget(path)  # a refused save's edits are dropped; the next round reloads

    final = load_entry(path).data
    for i, ok in saved.items():
        assert (final.get(f"w_{i}") == f"v{i}") == ok, f"window round {i}: saved={ok}"
    assert conflicts == ["Entry changed on disk"] * (len(saved) - sum(saved.values()))
    assert any(saved.values()), "the window never got a save through"

    for tag, process in writers.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        rounds = [line.split(" ", 2) for line in out.splitlines()]
        assert len(rounds) == CLI_ROUNDS
        for number, code, *message in rounds:
            key = f"{tag}_{number}"
            if code == "0":
                assert final.get(key) == f"v{number}", f"{key}: exit 0 but the edit is gone"
            else:
                assert code == "2" and "changed on disk" in message[0], (key, code, message)
                assert key not in final
    assert not [p.name for p in sample_folder.iterdir() if p.name.endswith(".tmp")]
