"""Window benchmark: names shown, event-loop stalls while indexing, filter keystrokes.

    QT_QPA_PLATFORM=offscreen python bench/bench_window.py [--entries 50000]

Generates a corpus (bench/corpus.py) in a temporary folder, opens the real main window
on it (cold: no index cache) and measures what DESIGN.md asks of the window: the time
until every file name is listed, the longest event-loop stall while the index is built
(a 5 ms timer records the gaps between its ticks, from the moment the folder is opened:
the opening call counts too), and the time per keystroke of the
filter through the real search box, model and table (index search included: from
``setText`` until the table has painted the new rows). For
comparison it also times the classic design it replaces: a Python
``filterAcceptsRow`` over the same rows.

Memory: the process's RSS (current, and the peak so far) at each stage of the cold
open, and the peak RSS of a warm open (index cache valid) of the same folder, measured
in a fresh process (``--warm-open FOLDER``) since a process's peak never goes down.

``--stalls`` says where each stall over 50 ms of the cold open was: when it ended, how
long it was, and every thread's Python stack 50 ms into it, from
:func:`faulthandler.dump_traceback_later` (a watchdog that needs no GIL, so it sees a GUI
thread waiting for the GIL as well as one working; a GUI thread shown in the benchmark's
own ``processEvents`` is in Qt's C++ or waiting for the GIL). With ``--stalls`` and
py-spy installed, a helper process also takes each stall's native stacks
(``py-spy dump --native``; it stops the process while it reads, so those runs' figures
are for finding stalls, not for the record).
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    QTimer,
)
from PySide6.QtWidgets import QApplication
from stall_stacks import short_stacks

from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import MainWindow
from editor.ui.window.workers import IndexRelay

TYPED = ["negotiation", "leverage power", "zzqx"]


class PaintWatch(QObject):
    """Notes when ``widget`` gets a paint event."""

    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self.seen = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process, in MB.

    The peak is ``VmHWM`` where there is /proc: ``ru_maxrss`` survives ``exec``, so a
    child process would report its parent's peak when that was higher."""
    current, peak = float("nan"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return current, peak
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            kb = int(value.split()[0]) / 1024
            current, peak = (kb, peak) if key == "VmRSS" else (current, kb)
    return current, peak


def generate_apart(folder: Path, entries: int) -> None:
    """Generate the corpus in another process: its garbage would count in this one's RSS
    (tens of MB that the allocator keeps), not the window's."""
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from corpus import generate; generate(Path(sys.argv[2]), int(sys.argv[3]))"
    )
    here = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", code, here, str(folder), str(entries)], check=True)


def warm_open(folder: Path) -> int:
    """Open ``folder`` with the index cache on, wait for the index, print the peak RSS."""
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="glossary-window-bench-warm-"))
    try:
        store = SettingsStore(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
        start = time.perf_counter()
        window = MainWindow(folder, settings=store, use_cache=True)
        window.show()
        while window.index is None:
            app.processEvents()
        indexed_at = time.perf_counter() - start
        settle = time.perf_counter() + 0.5
        while time.perf_counter() < settle:
            app.processEvents()
        shown, _ = rss_mb()
        # A search reads the whole search buffer (mapped from the cache file: resident
        # only once read), as the first keystroke would.
        window.entry_list.search.setText("zzqx")
        app.processEvents()
        current, peak = rss_mb()
        print(f"{indexed_at:.2f} {shown:.0f} {current:.0f} {peak:.0f} {window.index.parsed}")
        window.close()
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_warm(folder: Path, cache_home: Path) -> list[str]:
    """Two fresh processes on ``folder``: one writes the cache, one reads it (its
    figures: seconds to the index, MB after it, MB after a search, peak MB, parsed)."""
    # A state dir of their own: the benchmark's window still holds the folder's lock
    # there, and a second window on the folder would stop at the "opened read-only" note.
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "QT_QPA_PLATFORM": "offscreen",
           "XDG_STATE_HOME": str(cache_home.parent / "state")}  # fmt: skip
    command = [sys.executable, __file__, "--warm-open", str(folder)]
    fields: list[str] = []
    for _ in range(2):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        fields = done.stdout.split()[-5:]
    return fields


STALL_MS = 50  # --stalls: the stalls whose stacks are taken


class StallStacks:
    """Every thread's stacks in each event-loop stall over :data:`STALL_MS`.

    Each tick of the ticker re-arms a faulthandler watchdog :data:`STALL_MS` ahead;
    a tick that comes later than that finds the watchdog's dump in the file. With
    ``native``, a py-spy helper (:func:`_native_watch`) sees the file grow and dumps
    the native stacks too."""

    def __init__(self, native: bool) -> None:
        # open for the whole run (the watchdog and the helper write them at any time)
        self.dumps: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.read = 0
        self.stalls: list[tuple[float, int, str, str]] = []  # ended (s), ms, phase, stacks
        self.helper: subprocess.Popen[bytes] | None = None
        self.native_out: IO[bytes] | None = None
        if native and _py_spy():
            self.native_out = tempfile.TemporaryFile()  # noqa: SIM115
            fd = self.dumps.fileno()
            self.helper = subprocess.Popen(
                [sys.executable, __file__, "--native-watch", str(os.getpid()), str(fd)],
                pass_fds=(fd,),
                stdout=self.native_out,
                stderr=subprocess.DEVNULL,
            )

    def tick(self, gap: int, phase: str) -> None:
        fd = self.dumps.fileno()
        size = os.fstat(fd).st_size
        if gap > STALL_MS and size > self.read:
            stacks = os.pread(fd, size - self.read, self.read).decode(errors="replace")
            self.stalls.append((time.perf_counter(), gap, phase, stacks))
        self.read = size
        faulthandler.dump_traceback_later(STALL_MS / 1000, file=self.dumps)

    def stop(self) -> None:
        faulthandler.cancel_dump_traceback_later()
        if self.helper is not None:
            time.sleep(1.0)  # the last dump's py-spy run
            self.helper.terminate()
            self.helper.wait()

    def report(self, start: float) -> None:
        print(f"-- stalls over {STALL_MS} ms: {len(self.stalls)}")
        for ended, gap, phase, stacks in self.stalls:
            after = (ended - start) * 1000
            print(f"   stall of {gap} ms ending {after:.0f} ms after the open ({phase})")
            print("\n".join("      " + line for line in short_stacks(stacks, 8)))
        if self.native_out is not None:
            self.native_out.seek(0)
            print("-- native stacks (py-spy, one dump a stall):")
            print(self.native_out.read().decode(errors="replace"))


def _py_spy() -> str:
    """py-spy's command, beside this Python or on the PATH ("" when there is none)."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy") or ""


def _native_watch(pid: int, fd: int) -> int:
    """The py-spy helper: each time the watchdog's file grows (a stall is 50 ms old),
    print the process's native stacks, once per growth."""
    seen = os.fstat(fd).st_size
    while True:
        size = os.fstat(fd).st_size
        if size > seen:
            seen = size
            done = subprocess.run(
                [_py_spy(), "dump", "--native", "--pid", str(pid)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"==== {time.strftime('%H:%M:%S')} {done.stdout}", flush=True)
            seen = os.fstat(fd).st_size  # what grew while py-spy stopped the process
        time.sleep(0.002)


class _MaskProxy(QSortFilterProxyModel):
    """The per-row design, for comparison: a Python call per row and keystroke."""

    mask: bytearray | None = None

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return True if self.mask is None else bool(self.mask[row])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--no-warm", action="store_true", help="skip the warm reopen")
    parser.add_argument(
        "--stalls", action="store_true", help="every thread's stacks in each stall over 50 ms"
    )
    parser.add_argument("--warm-open", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--native-watch", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_open is not None:
        return warm_open(args.warm_open)
    if args.native_watch is not None:
        return _native_watch(*args.native_watch)
    stages: list[tuple[str, float, float]] = []
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="glossary-window-bench-"))
    try:
        folder = tmp / "content"
        folder.mkdir()
        generate_apart(folder, args.entries)
        store = SettingsStore(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))

        gaps: list[int] = []
        phases: list[str] = []  # the indexing phase last reported before each gap ended
        phase = ["start"]
        clock = QElapsedTimer()
        ticker = QTimer()
        ticker.setInterval(5)
        stacks = StallStacks(native=True) if args.stalls else None

        def tick() -> None:
            gaps.append(clock.restart())
            phases.append(phase[0])
            if stacks is not None:
                stacks.tick(gaps[-1], phase[0])

        ticker.timeout.connect(tick)
        # The window comes up empty, then the folder is opened from the event loop with
        # the ticker running: the opening call itself (the watcher's first scan, the
        # index's start) counts as a stall too, as File › Open Folder meets it.
        window = MainWindow(None, settings=store, use_cache=False)
        window.show()
        app.processEvents()
        opened: list[float] = []  # when open_folder began, how long it held the GUI thread

        def on_progress(done: int, total: int, name: str) -> None:
            phase[0] = f"{name} {done}/{total}"

        def open_folder() -> None:
            phase[0] = "open_folder"
            t0 = time.perf_counter()
            window.open_folder(folder)
            opened.extend((t0, time.perf_counter() - t0))
            relay = window.feed.worker.relay
            if isinstance(relay, IndexRelay):
                relay.progress.connect(on_progress)
            phase[0] = "opened"

        clock.start()
        ticker.start()
        QTimer.singleShot(0, open_folder)
        names_at = None
        # Wait as the application's event loop does, asleep between events (the 5 ms
        # ticker wakes it): a loop of bare ``processEvents`` would spin a core and
        # contend for the GIL with the index thread, slowing the build it measures.
        wait = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        while not opened:
            app.processEvents(wait)
        start = opened[0]
        stages.append(("window shown, indexing begun", *rss_mb()))
        while window.index is None:
            app.processEvents(wait)
            if names_at is None and window.model.total() == args.entries:
                names_at = time.perf_counter() - start
                stages.append(("names listed", *rss_mb()))
        indexed_at = time.perf_counter() - start
        stages.append(("index and list taken", *rss_mb()))
        # The result is shown by the GUI thread (list, report): keep ticking a moment so
        # a stall there is counted too.
        phase[0] = "result shown"
        settle = time.perf_counter() + 0.5
        while time.perf_counter() < settle:
            app.processEvents()
        ticker.stop()
        if stacks is not None:
            stacks.stop()
        stages.append(("shown and painted (no report)", *rss_mb()))
        hidden_peak = rss_mb()[1]
        # The report's rows are made when it is first shown (on the pool at 50k).
        t0 = time.perf_counter()
        window.check_all()
        while not window.feed.findings.built:
            app.processEvents(wait)
        report_at = time.perf_counter() - t0
        settle = time.perf_counter() + 0.3
        while time.perf_counter() < settle:
            app.processEvents()
        stages.append(("report shown and painted", *rss_mb()))

        search = window.entry_list.search
        keystrokes: list[float] = []
        queries: list[str] = []
        listed: list[int] = []  # rows listed after each keystroke
        # A keystroke lasts until the table has painted its new rows: the view lays
        # them out on a zero timer and paints in a later pass of the event loop, so
        # one ``processEvents`` would stop short of what the user waits for.
        painted = PaintWatch(window.entry_list.view.viewport())
        relaid = [False]
        window.model.layoutChanged.connect(lambda: relaid.__setitem__(0, True))
        for text in TYPED:
            for end in [*range(1, len(text) + 1), *range(len(text) - 1, -1, -1)]:
                relaid[0] = painted.seen = False
                t0 = time.perf_counter()
                search.setText(text[:end])
                app.processEvents()
                for _ in range(50):
                    if painted.seen or not relaid[0]:
                        break
                    app.processEvents()
                keystrokes.append(time.perf_counter() - t0)
                queries.append(text[:end])
                listed.append(window.entry_list.visible_count())
                settle = time.perf_counter() + 0.05  # the search goes on between keys
                while time.perf_counter() < settle:
                    app.processEvents()
        stages.append(("after the keystrokes", *rss_mb()))

        # Saves: what the window does after writing an entry (the index re-reads it, the
        # corpus rules, list and report follow), each timed on the GUI thread. The first
        # also makes the incremental corpus rules.
        index = window.index
        assert index is not None
        saves: list[float] = []
        for n in range(4):
            path = folder / index.paths[(n + 1) * len(index.paths) // 5]
            with path.open("a", encoding="utf-8") as stream:
                stream.write(f"\nEdited {n}.\n")
            t0 = time.perf_counter()
            window.feed.files_changed([path])
            app.processEvents()
            saves.append(time.perf_counter() - t0)
        stages.append(("after four saves", *rss_mb()))

        # The window's peak, before the benchmark's own comparison proxy adds its mapping.
        rss = rss_mb()[1]
        proxy = _MaskProxy()
        proxy.setSourceModel(window.model)
        per_row: list[float] = []
        for text in TYPED:
            mask = bytearray(len(index))
            for row in index.search(text):
                mask[row] = 1
            proxy.mask = mask
            t0 = time.perf_counter()
            proxy.invalidate()
            proxy.rowCount()
            per_row.append(time.perf_counter() - t0)

        print(f"entries                         {args.entries}")
        print(f"names listed after              {names_at or 0:.2f} s   (target < 1.5 s)")
        print(f"index arrived after             {indexed_at:.2f} s")
        print(f"open_folder held the GUI thread {opened[1] * 1000:.0f} ms")
        longest = max(gaps, default=0)
        print(f"longest event-loop stall        {longest} ms   (target <= 100 ms; open included)")
        if gaps:
            print(f"  it ended in phase             {phases[gaps.index(longest)]}")
            top = sorted(zip(gaps, phases, strict=True), reverse=True)[:5]
            print("  longest five                  " + ", ".join(f"{g} ms ({p})" for g, p in top))
        print(
            f"filter keystroke, worst         {max(keystrokes) * 1000:.1f} ms   (target <= 30 ms)"
        )
        worst = keystrokes.index(max(keystrokes))
        print(f"  worst keystroke was           {queries[worst]!r} -> {listed[worst]} rows")
        slowest = sorted(range(len(keystrokes)), key=keystrokes.__getitem__, reverse=True)[:5]
        print(
            "  worst five                    "
            + ", ".join(f"{keystrokes[n] * 1000:.1f} ms ({queries[n]!r})" for n in slowest)
        )
        print(f"filter keystroke, median        {statistics.median(keystrokes) * 1000:.1f} ms")
        print(f"per-row Python filter (compare) {max(per_row) * 1000:.1f} ms worst, proxy only")
        print(
            f"save -> list and report updated  first {saves[0] * 1000:.0f} ms, then worst "
            f"{max(saves[1:]) * 1000:.0f} ms   (GUI thread; stall target <= 100 ms)"
        )
        print(f"peak RSS (window process)       {rss:.0f} MB   (target <= 350 MB)")
        print(f"  before the report was shown   {hidden_peak:.0f} MB")
        print(f"report's rows made after        {report_at:.2f} s (from Check All)")
        for label, current, peak in stages:
            print(f"  {label:30s}{current:5.0f} MB now, {peak:5.0f} MB peak")
        if stacks is not None:
            stacks.report(start)
        if not args.no_warm:
            warm_at, shown, searched, warm_peak, parsed = run_warm(folder, tmp / "cache")
            print(f"warm open: index after          {warm_at} s   ({parsed} files parsed)")
            print(f"warm open: peak RSS             {warm_peak} MB   (target <= 350 MB)")
            print(f"  index taken, shown            {shown} MB now")
            print(f"  after a search                {searched} MB now (mapped text read)")
        window.session.dirty_entries().clear()
        window.close()
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
