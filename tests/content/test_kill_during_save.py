"""``kill -9`` during a save: the file is always the complete old or the complete new one.

A child process saves an entry in a loop through ``save_entry``, alternating two full,
different, long contents; it is killed with SIGKILL at random moments. After each kill
the file must be byte-identical to one of the two contents and parse.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editor.content.document import parse_entry, planned_bytes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]

KILLS = 40
REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from pathlib import Path
from editor.content.document import load_entry, parse_entry, save_entry

path = Path(sys.argv[1])
versions = [parse_entry(Path(p).read_bytes(), path) for p in sys.argv[2:4]]
saves = 0
while True:
    entry = load_entry(path)
    target = versions[1] if entry.data == versions[0].data else versions[0]
    save_entry(entry, target.data, target.body)
    saves += 1
    if saves == 2:
        print("saving", flush=True)
"""


def _content(fixture: bytes, word: str) -> bytes:
    """The fixture with a long answer (~11 KB): long enough to be written in pieces,
    short enough that the writer's verify does not dominate each round."""
    answer = (f"{word} paragraph with **Markdown**, $x^2$ and a [link](/x). " * 60 + "\\n\\n") * 3
    lines = fixture.decode("utf-8").split("\n")
    at = lines.index("answer: >-")
    lines[at + 1] = "    " + answer
    return "\n".join(lines).encode("utf-8")


def _reachable(path: Path, first: bytes, other: bytes) -> set[bytes]:
    """Every file state the child's loop can produce (the writer keeps the file's style)."""
    versions = [parse_entry(first, path), parse_entry(other, path)]
    states, state = {first}, first
    for _ in range(6):
        entry = parse_entry(state, path)
        target = versions[1] if entry.data == versions[0].data else versions[0]
        state = planned_bytes(entry, target.data, target.body)
        states.add(state)
    return states


def test_sigkill_at_random_moments_never_leaves_a_partial_file(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    fixture = (fixtures_dir / "qa_article.md").read_bytes()
    old, new = _content(fixture, "Old"), _content(fixture, "New")
    (tmp_path / "old.txt").write_bytes(old)
    (tmp_path / "new.txt").write_bytes(new)
    folder = tmp_path / "content"
    folder.mkdir()
    target = folder / "entry.md"
    target.write_bytes(old)
    allowed = _reachable(target, old, new)
    assert len(allowed) == 2  # saving B over A gives exactly B, and back

    rng = random.Random(int(os.environ.get("KILL_SEED", "20240")))
    seen: dict[bytes, int] = {}
    leftovers = 0
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for kill in range(KILLS):
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(target),
                str(tmp_path / "old.txt"),
                str(tmp_path / "new.txt"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO_ROOT,
            env=env,
        )
        assert child.stdout is not None
        line = child.stdout.readline()
        if line != b"saving\n":
            child.kill()
            _, err = child.communicate(timeout=30)
            pytest.fail(f"child failed on round {kill}: {err.decode(errors='replace')}")
        time.sleep(rng.uniform(0, 0.08))  # the random moment of the kill
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL

        data = target.read_bytes()
        assert data in allowed, f"round {kill}: the file is neither the old nor the new content"
        entry = parse_entry(data, target)
        assert entry.data["answer"].startswith(("Old ", "New "))
        seen[data] = seen.get(data, 0) + 1
        for temp in folder.iterdir():  # a killed save may leave its hidden temp file
            if temp != target:
                assert temp.name.startswith(f".{target.name}.") and temp.name.endswith(".tmp")
                temp.unlink()
                leftovers += 1
    assert len(seen) == 2, "the kills never caught the file in both states"
