"""The window's save racing other writers of one file: no edit lost silently.

Two ``glossary-editor set`` loops (subprocesses, real CLI invocations) and the window's
own save path (``Saving.save``, what Ctrl+S runs) each add new keys to the same entry
for as long as the writers run. Every window save either succeeded (its key is in the
final file) or met a conflict and asked (answered Cancel: its key is absent); every
CLI round exited 0 (key present) or 2 with "changed on disk" (key absent).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from editor.content.atomic import file_lock
from editor.content.document import load_entry
from editor.content.errors import WriteError
from editor.ui import dialogs
from editor.ui.window.saving import CANCEL

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[3]
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


def test_overwrite_theirs_reads_and_writes_under_the_lock(
    make_window: Any, sample_folder: Path, dialog_script: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between reading their version and writing ours over it, no cooperating writer
    (another window, the CLI) may save: it would be overwritten unseen."""
    path = sample_folder / "strategic-leverage.md"
    window = make_window(sample_folder)
    opened = window.session.open(path)
    window.session.update(path, {**opened.data, "subject": "Mine"}, opened.body)
    path.write_bytes(path.read_bytes().replace(b"Strategic leverage is", b"Leverage is"))
    dialog_script.expect("choose", "Overwrite theirs")
    real_save = window.session.save
    lock_was_held: list[bool] = []

    def save(target: Path, *, overwrite: bool = False) -> Any:
        if overwrite:
            lock_was_held.append(_held_elsewhere(target))
        return real_save(target, overwrite=overwrite)

    monkeypatch.setattr(window.session, "save", save)
    assert window.saving.save(path)
    assert lock_was_held == [True]
    assert load_entry(path).data["subject"] == "Mine"


def _held_elsewhere(path: Path) -> bool:
    """Whether another thread would find the file's lock taken."""
    result: list[bool] = []

    def probe() -> None:
        try:
            with file_lock(path, timeout=0):
                result.append(False)
        except WriteError:
            result.append(True)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return result == [True]


def test_the_window_saves_through_a_symlink_and_keeps_it(
    make_window: Any, sample_folder: Path, tmp_path: Path
) -> None:
    real = tmp_path / "elsewhere" / "linked.md"
    real.parent.mkdir()
    shutil.copy(sample_folder / "strategic-leverage.md", real)
    link = sample_folder / "linked.md"
    link.symlink_to(real)
    window = make_window(sample_folder)
    opened = window.session.open(link)
    window.session.update(link, {**opened.data, "subject": "Linked"}, opened.body)
    assert window.saving.save(link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert load_entry(real).data["subject"] == "Linked"
