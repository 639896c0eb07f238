"""The replace dialog in the real window at 50,000 entries: preview and apply stalls.

    python bench/bench_bulk_window.py [--entries 50000] [--changes 1000] [--folder DIR]
                                      [--stalls]

Opens the window on a generated corpus (:mod:`corpus`; ``--folder`` reuses one), waits
for the index and for the window's start-up work to end (the thread pools idle for
half a second: the spell checker's title words, the list's memory hand-back), opens Edit
› Find and Replace (timed as a step of its own, until the window is idle again: its
first show is not the preview's), previews the brand suffix of every SEO title (``|
QuickTakes`` -> ``| QuickTakes Pro`` in ``seo.title``), applies it to the first
``--changes`` files, and undoes it (each waits for the index to read the batch's files
again on the pool and the GUI thread to put them in: "swap", timed on its own). A 5 ms
timer on the GUI thread measures the event loop throughout: the longest gap is the
longest stall (target <= 100 ms). "cpu" is the CPU time the whole process used in the
step (all threads): on a shared machine it moves less than the wall time. "gc" is the
step's longest run of the cyclic collector (generation, thread): a walk holds the GIL,
so a long one is a stall wherever it runs. Between the preview and the apply the
window is left idle until its pools are and the collector runs again ("idle after the
preview": the preview keeps the collector paused until then and makes its one full
collection there, where no one waits for the window).

A corpus generated in the run is flushed to disk (``os.sync``, timed) before the window
opens, unless ``--no-sync``: otherwise the kernel may write its ~256 MB back while the
preview runs (~30 s after, ``vm.dirty_expire_centisecs``). A preview ~0.4 s slower with
an in-run corpus was seen once and not reproduced over 27 runs (``bench/RESULTS.md``);
the dirty and under-writeback page cache at each step's start is printed ("dirty", from
``/proc/meminfo``, where there is one), so a run on a machine busy writing says so.

``--stalls`` says where each stall over 50 ms was: when it began (ms after the step
started), how long it was, every thread's Python stack 50 ms into it from
:func:`faulthandler.dump_traceback_later` (a watchdog that needs no GIL, so it sees a
GUI thread waiting for the GIL as well as one working), and the collector's runs over
20 ms in the step (thread, generation, length). The watchdog reads the other threads'
frames without the GIL, and now and then (2 runs in 5 here) that crashes the process
in the middle: its figures are for finding stalls, not for the record, and each step's
lines are printed as soon as it ends.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QThreadPool, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from stall_stacks import short_stacks  # noqa: E402

from editor.content.index import IndexChange, PreparedUpdate  # noqa: E402
from editor.ui.settings import SettingsStore  # noqa: E402
from editor.ui.window.main_window import MainWindow  # noqa: E402

STALL_TARGET_MS = 100

# A step's summary: name, seconds, CPU seconds, longest stall (ms), longest collection
# (ms, what), the page cache to be written at its start.
Row = tuple[str, float, float, int, tuple[float, str], str]


class StallWatch:
    """The longest gap between 5 ms ticks of the GUI thread's event loop; with
    ``trace``, every gap over :data:`TRACE_MS` with the stacks of every thread in it."""

    def __init__(self, trace: bool = False) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.longest = 0
        self.cpu = 0.0  # seconds of CPU the whole process used in the step
        self.trace = trace
        self.started = 0.0
        self.dumps: IO[bytes] | None = None
        self.dumped = 0  # the dump file's size at the last tick
        self.stalls: list[tuple[float, int, str]] = []  # began (ms), length (ms), stacks
        self.collections: list[tuple[float, str]] = []  # began (ms), what
        self._collecting: dict[int, float] = {}
        self.longest_gc = (0.0, "")  # the step's longest collection: ms, what
        self.dirty = ""  # the page cache to be written when the step began

    def _tick(self) -> None:
        gap = self.clock.restart()
        self.longest = max(self.longest, gap)
        if self.dumps is None:
            return
        size = os.fstat(self.dumps.fileno()).st_size
        if gap > TRACE_MS:
            fd = self.dumps.fileno()
            stacks = os.pread(fd, size - self.dumped, self.dumped).decode(errors="replace")
            self.stalls.append((self._ms() - gap, gap, stacks))
        self.dumped = size
        faulthandler.dump_traceback_later(TRACE_MS / 1000, file=self.dumps)

    def _ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def _collected(self, phase: str, info: dict[str, Any]) -> None:
        thread = threading.get_ident()
        if phase == "start":
            self._collecting[thread] = self._ms()
            return
        began = self._collecting.pop(thread, self._ms())
        length = self._ms() - began
        name = threading.current_thread().name
        if length > self.longest_gc[0]:
            self.longest_gc = (length, f"gen {info['generation']} {name[:10]}")
        if self.trace and length > 20:
            what = f"generation {info['generation']} on {name}: {length:.0f} ms"
            self.collections.append((began, what))

    def __enter__(self) -> StallWatch:
        self.longest = 0
        self.cpu = time.process_time()
        self.started = time.perf_counter()
        self.longest_gc = (0.0, "")
        self._collecting = {}
        self.dirty = dirty_mb()
        gc.callbacks.append(self._collected)
        if self.trace:
            self.stalls, self.collections = [], []
            self.dumps = tempfile.TemporaryFile()
            self.dumped = 0
            faulthandler.dump_traceback_later(TRACE_MS / 1000, file=self.dumps)
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.timer.stop()
        self.cpu = time.process_time() - self.cpu
        gc.callbacks.remove(self._collected)
        if self.dumps is not None:
            faulthandler.cancel_dump_traceback_later()
            self.dumps.close()
            self.dumps = None

    def row(self, step: str, seconds: float) -> Row:
        """The step's line of the summary."""
        return (step, seconds, self.cpu, self.longest, self.longest_gc, self.dirty)

    def report(self, step: str) -> None:
        """Print the step's stalls and collections (with ``trace``)."""
        if not self.trace:
            return
        print(f"-- {step}: {len(self.stalls)} stalls over {TRACE_MS} ms")
        for began, what in self.collections:
            print(f"   collection at {began:7.0f} ms, {what}")
        for began, gap, stacks in self.stalls:
            print(f"   stall at {began:7.0f} ms, {gap} ms")
            print("\n".join("      " + line for line in short_stacks(stacks, 5)))
        sys.stdout.flush()


TRACE_MS = 50


def dirty_mb() -> str:
    """The page cache waiting to be written or being written (Linux), as "dirty N MB"."""
    try:
        lines = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
    except OSError:
        return "dirty ?"
    kb = sum(int(line.split()[1]) for line in lines if line.startswith(("Dirty:", "Writeback:")))
    return f"dirty {kb // 1024} MB"


def wait_until(app: QApplication, done: Callable[[], bool], timeout: float = 600) -> float:
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    return time.perf_counter() - start


def wait_for_idle(app: QApplication, window: MainWindow, quiet: float = 0.5) -> float:
    """Wait until the window's pool and the global pool have been idle ``quiet`` seconds:
    the stalls measured after are the bulk work's, not the window's start-up."""
    pools = (window.pool, QThreadPool.globalInstance())
    start = time.perf_counter()
    idle_since = [start]

    def idle() -> bool:
        now = time.perf_counter()
        if any(pool.activeThreadCount() for pool in pools):
            idle_since[0] = now
        return now - idle_since[0] >= quiet

    timer = QTimer()
    timer.start(10)  # wakes the wait while nothing else happens
    wait_until(app, idle)
    timer.stop()
    return time.perf_counter() - start


def _time_swaps(window: MainWindow) -> list[float]:
    """Time each ``apply_update`` of the window's index (the GUI thread's share of an
    index update after a batch)."""
    index = window.index
    assert index is not None
    real = index.apply_update
    times: list[float] = []

    def timed(update: PreparedUpdate) -> IndexChange:
        start = time.perf_counter()
        try:
            return real(update)
        finally:
            times.append(time.perf_counter() - start)

    index.apply_update = timed  # type: ignore[method-assign]
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--stalls", action="store_true", help="say where each stall over 50 ms was")
    parser.add_argument(
        "--no-sync", action="store_true", help="leave a generated corpus to the kernel's writeback"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="glossary-bench-bulk-window-") as tmp:
        folder = args.folder if args.folder is not None else Path(tmp) / "content"
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            print(f"generating {args.entries} entries…", flush=True)
            generate(folder, args.entries)
            if not args.no_sync:
                start = time.perf_counter()
                os.sync()
                print(f"synced in {time.perf_counter() - start:.1f} s", flush=True)
        store = SettingsStore(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(folder, settings=store)
        window.resize(1300, 850)
        window.show()
        wait_until(app, lambda: window.index is not None)
        wait_for_idle(app, window)
        rows: list[Row] = []
        with StallWatch(args.stalls) as watch:  # its first show, apart from the preview
            start = time.perf_counter()
            window.bulk.replace.trigger()
            dialog = window.bulk.replace_dialog
            assert dialog is not None
            dialog.find_edit.setText("| QuickTakes")
            dialog.replace_edit.setText("| QuickTakes Pro")
            dialog.case.setChecked(True)
            dialog.fields.setCurrentText("seo.title")
            seconds = time.perf_counter() - start
            wait_for_idle(app, window)
        watch.report("open the dialog")
        rows.append(watch.row("open the dialog", seconds))
        with StallWatch(args.stalls) as watch:
            dialog.find_button.click()
            seconds = wait_until(app, dialog.apply_button.isEnabled)
            wait_until(app, dialog.progress.isHidden)
        watch.report("preview")
        files = dialog.model.files
        rows.append(watch.row(f"preview ({files} files)", seconds))
        with StallWatch(args.stalls) as watch:
            start = time.perf_counter()
            wait_for_idle(app, window)
            wait_until(app, gc.isenabled)
            seconds = time.perf_counter() - start
        watch.report("idle after the preview")
        rows.append(watch.row("idle after the preview", seconds))
        chosen = dialog.model.entries[: args.changes]
        dialog.selection = lambda: {e.path: list(range(len(e.matches))) for e in chosen}  # type: ignore[method-assign]
        swaps = _time_swaps(window)
        done: list[bool] = []
        dialog.applied.connect(lambda: done.append(True))
        with StallWatch(args.stalls) as watch:
            start = time.perf_counter()
            dialog.apply_button.click()
            wait_until(app, lambda: bool(done))
            wait_until(app, lambda: not window.feed.updating)  # the index, list and report
            seconds = time.perf_counter() - start
            settle = time.perf_counter() + 1.0  # what the window does after: counted too
            wait_until(app, lambda: time.perf_counter() > settle)
        watch.report("apply")
        rows.append(watch.row(f"apply {len(chosen)} files", seconds))
        undone: list[object] = []
        window.bulk.undo_ended.connect(undone.append)
        with StallWatch(args.stalls) as watch:
            start = time.perf_counter()
            window.bulk.undo.trigger()
            wait_until(app, lambda: bool(undone))
            wait_until(app, lambda: not window.feed.updating)
            seconds = time.perf_counter() - start
            settle = time.perf_counter() + 1.0
            wait_until(app, lambda: time.perf_counter() > settle)
        watch.report("undo")
        rows.append(watch.row("undo", seconds))
        print(
            "index swap on the GUI thread (apply, undo): "
            + ", ".join(f"{s * 1000:.0f} ms" for s in swaps)
        )
        for opened in window.session.dirty_entries():
            window.session.forget(opened.path)
        window.feed.close()
        window.close()
        window.pool.waitForDone()
    for name, secs, cpu, stall, (gc_ms, gc_what), dirty in rows:
        verdict = "pass" if stall <= STALL_TARGET_MS else "FAIL"
        print(
            f"{name:<26} {secs:6.2f} s (cpu {cpu:5.2f} s)   longest stall {stall:5d} ms  {verdict}"
            f"   gc {gc_ms:4.0f} ms ({gc_what})   {dirty}"
        )
    return 0 if all(row[3] <= STALL_TARGET_MS for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
