"""Git benchmark: the status refresh at 50,000 entries, in the core and in the window.

    QT_QPA_PLATFORM=offscreen python bench/bench_git.py [--entries 50000]

Generates a corpus (bench/corpus.py) in a temporary folder, makes it a git repository
with one commit (git's own config from the environment is ignored: a private, empty
global config), then changes 100 entries, deletes 10 and adds 20. It measures:

- ``GitRepo.status()`` (``git status --porcelain=v2``, parsed), cold (first call after
  the commit) and warm (median of 5);
- in the real main window (indexed first, cache off), the status refresh through the
  panel: time from ``refresh()`` until the list's badges are set, and the longest
  event-loop stall meanwhile (a 5 ms timer records the gaps between its ticks), over 5
  refreshes. Targets (issue 18): warm ≤ 1 s, no stall > 100 ms;
- ``GitRepo.sync()`` (fetch, pull, push) between two clones of a bare remote holding the
  corpus: the other editor has pushed 100 changed entries, this one has committed 20
  others; the time of the whole sync and of each step (``--no-sync`` skips it).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from editor.content.git_repo import GitRepo
from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import MainWindow


def git(folder: Path, *args: str) -> None:
    done = subprocess.run(["git", *args], check=False, cwd=folder, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"git {args[0]} failed ({done.returncode}): {done.stderr.strip()}")


def make_repository(folder: Path, entries: int) -> float:
    """The corpus committed, then 130 changes made; returns seconds the commit took."""
    generate(folder, entries)
    started = time.perf_counter()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=Bench", "-c", "user.email=bench@example.org",
        "commit", "-q", "-m", "corpus")  # fmt: skip
    took = time.perf_counter() - started
    files = sorted(folder.rglob("*.md"))
    for path in files[:100]:
        path.write_bytes(path.read_bytes().replace(b"title:", b"title: ", 1))
    for path in files[100:110]:
        path.unlink()
    for n in range(20):
        (folder / f"new-{n}.md").write_text(f"---\ntitle: New {n}\n---\n", encoding="utf-8")
    return took


def wait_until(done: object, timeout_ms: int = 600_000) -> None:
    loop = QEventLoop()
    poll = QTimer(interval=10)
    poll.timeout.connect(lambda: loop.quit() if done() else None)  # type: ignore[operator]
    QTimer.singleShot(timeout_ms, loop.quit)
    poll.start()
    loop.exec()
    poll.stop()


def window_refreshes(
    app: QApplication, folder: Path, settings: Path, diagnose: bool = False
) -> list[tuple[float, float]]:
    """(seconds until the badges are in, longest stall in ms) for 5 panel refreshes."""
    store = SettingsStore(QSettings(str(settings), QSettings.Format.IniFormat))
    window = MainWindow(folder, settings=store, use_cache=False)
    window.resize(1300, 850)
    window.show()
    wait_until(lambda: window.index is not None)
    panel = window.git
    panel.timer.stop()
    wait_until(lambda: not panel.runner.busy)
    results: list[tuple[float, float]] = []
    clock = QElapsedTimer()
    collections: list[tuple[int, float]] = []
    started_gc = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started_gc[0] = time.perf_counter()
        else:
            collections.append((info["generation"], time.perf_counter() - started_gc[0]))

    gc.callbacks.append(on_gc)
    gui_costs: list[float] = []
    arrived = panel._status_arrived

    def timed_arrival(result: object) -> None:
        started = time.perf_counter()
        arrived(result)  # type: ignore[arg-type]
        gui_costs.append(time.perf_counter() - started)

    panel._status_arrived = timed_arrival  # type: ignore[method-assign]
    idle = stall_while(clock, lambda: wait_until(lambda: False, 3000))
    print(f"idle window, 3 s: longest event-loop stall {idle:.0f} ms")
    if diagnose:
        assert panel.repo is not None
        repo = panel.repo
        for label, work in (
            ("'git --version' x5", lambda: [repo.run(["--version"]) for _ in range(5)]),
            ("the window's repo.status() x5", lambda: [repo.status() for _ in range(5)]),
            (
                "status, preloadIndex off, x5",
                lambda: [
                    repo.run_bytes(
                        ["-c", "core.preloadIndex=false", "status", "--porcelain=v2", "-z"]
                    )
                    for _ in range(5)
                ],
            ),
            (
                "status, untracked cache, x5",
                lambda: [
                    repo.run_bytes(
                        [
                            "-c",
                            "core.untrackedCache=true",
                            "-c",
                            "core.preloadIndex=false",
                            "status",
                            "--porcelain=v2",
                            "-z",
                        ]
                    )
                    for _ in range(5)
                ],
            ),
        ):
            thread = threading.Thread(target=work)

            def run(t: threading.Thread = thread) -> None:
                t.start()
                wait_until(lambda: not t.is_alive())

            stall = stall_while(clock, run)
            print(f"a plain thread running {label}: longest stall {stall:.0f} ms")
    for _ in range(5):
        panel.kinds = {}
        took: list[float] = []

        def refresh(took: list[float] = took) -> None:
            started = time.perf_counter()
            panel.refresh()
            wait_until(lambda: bool(panel.kinds) and not panel.runner.busy)
            took.append(time.perf_counter() - started)

        stall = stall_while(clock, refresh)
        results.append((took[0], stall))
    gc.callbacks.remove(on_gc)
    print(f"GUI thread's share of a refresh (list badges, Changed dock): max "
          f"{max(gui_costs, default=0) * 1000:.1f} ms")  # fmt: skip
    slow = [(g, t) for g, t in collections if t > 0.02]
    print(f"cyclic GC runs: {len(collections)}; over 20 ms: "
          + ", ".join(f"gen{g} {t * 1000:.0f} ms" for g, t in slow))  # fmt: skip
    window.close()
    app.processEvents()
    return results


def stall_while(clock: QElapsedTimer, work: object) -> float:
    """The longest gap between 5 ms timer ticks while ``work()`` runs the event loop."""
    gaps: list[int] = []
    last = [0]
    ticker = QTimer(interval=5)

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()
    work()  # type: ignore[operator]
    ticker.stop()
    return float(max(gaps, default=0))


def sync_figures(tmp: Path, folder: Path) -> tuple[float, dict[str, float], int]:
    """Seconds of one sync at this size, per step, and the files the pull brought."""
    remote, mine, theirs = tmp / "remote.git", tmp / "mine", tmp / "theirs"
    git(tmp, "clone", "-q", "--bare", str(folder), str(remote))
    for clone in (mine, theirs):
        git(tmp, "clone", "-q", str(remote), str(clone))
        git(clone, "config", "user.name", "Bench")
        git(clone, "config", "user.email", "bench@example.org")
        git(clone, "config", "pull.rebase", "false")
    theirs_files = sorted(theirs.rglob("*.md"))
    half = len(theirs_files) // 2
    for path in theirs_files[half : half + 100]:
        path.write_bytes(path.read_bytes().replace(b"title:", b"title: ", 1))
    git(theirs, "commit", "-q", "-am", "theirs: 100 entries")
    git(theirs, "push", "-q")
    for path in sorted(mine.rglob("*.md"))[-20:]:
        path.write_bytes(path.read_bytes().replace(b"title:", b"title: ", 1))
    git(mine, "commit", "-q", "-am", "mine: 20 entries")
    repo = GitRepo.discover(mine)
    steps: dict[str, float] = {}
    marks: list[tuple[float, str]] = []  # (when, step) as progress reports them

    def progress(step: str) -> None:
        marks.append((time.perf_counter(), step))

    started = time.perf_counter()
    result = repo.sync(progress)
    took = time.perf_counter() - started
    ends = [when for when, _ in marks[1:]] + [started + took]
    for (when, step), end in zip(marks, ends, strict=True):
        steps[step] = end - when
    return took, steps, len(result.pulled_files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--no-sync", action="store_true", help="skip the sync figures")
    parser.add_argument(
        "--diagnose", action="store_true", help="also time stalls while a plain thread runs git"
    )
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(
        prefix="glossary-bench-git-", ignore_cleanup_errors=True
    ) as tmp:
        os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
        os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        folder = Path(tmp) / "content"
        folder.mkdir()
        commit_s = make_repository(folder, args.entries)
        print(f"entries: {args.entries:,}; git add + commit of the corpus: {commit_s:.1f} s")
        repo = GitRepo.discover(folder)
        started = time.perf_counter()
        status = repo.status()
        cold = time.perf_counter() - started
        warm: list[float] = []
        for _ in range(5):
            started = time.perf_counter()
            repo.status()
            warm.append(time.perf_counter() - started)
        quiet = GitRepo(repo.root, background=True)
        spared: list[float] = []
        for _ in range(5):
            started = time.perf_counter()
            quiet.status()
            spared.append(time.perf_counter() - started)
        print(f"GitRepo(background=True).status() (the window's): warm median"
              f" {statistics.median(spared) * 1000:.0f} ms")  # fmt: skip
        print(f"GitRepo.status(): {len(status.files)} changed paths; cold {cold * 1000:.0f} ms,"
              f" warm median {statistics.median(warm) * 1000:.0f} ms")  # fmt: skip
        refreshes = window_refreshes(app, folder, Path(tmp) / "settings.ini", args.diagnose)
        times = [t for t, _ in refreshes]
        stalls = [s for _, s in refreshes]
        print(f"window refresh (status to badges): median {statistics.median(times) * 1000:.0f} ms,"
              f" max {max(times) * 1000:.0f} ms; longest event-loop stall {max(stalls):.0f} ms"
              " (timer 5 ms)")  # fmt: skip
        if not args.no_sync:
            git(folder, "stash", "-q", "--include-untracked")  # the corpus as committed
            took, steps, pulled = sync_figures(Path(tmp), folder)
            shown = ", ".join(f"{step.rstrip('…')} {s:.2f} s" for step, s in steps.items())
            print(f"sync (fetch, pull, push) at this size: {took:.2f} s ({shown});"
                  f" {pulled} files pulled")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
