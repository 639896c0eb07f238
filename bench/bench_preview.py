"""Preview benchmark: refresh after the last keystroke, memory, start-up cost.

    QT_QPA_PLATFORM=offscreen python bench/bench_preview.py [--entries 50000] [--keys 20]

1. **Refresh.** The real main window, on a copy of the shared real Q&A content (or the
   bundled samples when it is absent), shows the entry with the longest answer (math and
   code included) in the browser-engine preview. Keys are typed into the answer field
   with ``QTest`` at a typist's pace (80 ms apart); the time from the last key until the
   preview says the new page is shown (``rendered``: the page's document updated in
   place) is measured, several times. ``render_page`` alone is timed too.
2. **Memory.** RSS of the window's process with the preview open, of the preview
   process (``python -m editor.ui.preview.host``, where the window system can embed its
   window: run under Xvfb with ``QT_QPA_PLATFORM=xcb``) and of the browser engine's own
   processes (``QtWebEngineProcess``), each apart; and whether the engine's library is
   mapped in the window's process at all. With ``--entries N`` the
   window opens a generated corpus of N entries (``bench/corpus.py``) instead, so the
   figure is the one DESIGN.md sets a target for (≤ 350 MB at 50k). ``--breakdown``
   adds where it goes: RSS by mapping (the anonymous heap apart from each library), the
   preview process's and each engine process's, and, run with ``PYTHONTRACEMALLOC=1``,
   the Python heap's largest lines (tracing roughly doubles the heap and the time).
   ``--engine inprocess`` puts the engine back in the window's process, to compare.
3. **Start-up.** Fresh processes from start to the window's first paint, with the
   text preview and with the browser preview, taking turns; fastest of five each.
   QtWebEngine is imported and started with the first page, so the window itself
   should not wait for it.

Runs as root need ``QTWEBENGINE_DISABLE_SANDBOX=1``; the app sets it itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "real_content"


def rss_mb(pid: int | str = "self", key: str = "VmRSS") -> float:
    """Resident MB of a process (``RssAnon``: its own memory; ``RssFile``: mapped files,
    such as the engine's libraries, which the kernel can drop and share)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int | str = "self") -> float:
    """Proportional MB of a process: its own pages, and its share of pages it shares."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def preview_processes() -> list[tuple[int, float]]:
    """(pid, RSS MB) of the preview processes this process started."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        child = bool(stat) and stat[stat.rindex(")") + 2 :].split()[1] == me
        if child and "editor.ui.preview.host" in _cmdline(int(entry.name)):
            found.append((int(entry.name), rss_mb(entry.name)))
    return found


def engine_library_mapped(pid: int | str = "self") -> bool:
    """Is QtWebEngine's library mapped in the process (its code paged in or not)?"""
    try:
        return "libQt6WebEngineCore" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def engine_processes() -> list[tuple[int, float]]:
    """(pid, RSS MB) of every QtWebEngineProcess started by this process (any depth:
    the preview process's are its grandchildren)."""
    me = os.getpid()
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents[int(entry.name)] = ppid
        names[int(entry.name)] = name

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    return [
        (pid, rss_mb(pid))
        for pid, name in names.items()
        if name.startswith("QtWebEngine") and descends(pid)
    ]


def memory_breakdown(pid: int | str = "self", top: int = 12) -> str:
    """The process's RSS by mapping (``/proc/PID/smaps``): the anonymous heap apart from
    each file-backed library, largest first, then ``smaps_rollup``'s totals."""
    rss: dict[str, int] = {}
    anon: dict[str, int] = {}
    name = ""
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return "(no /proc)"
    for line in text.splitlines():
        fields = line.split()
        if not fields[0].endswith(":"):  # a mapping's header line: address range first
            name = fields[5] if len(fields) > 5 else "[anonymous]"
            name = name if name.startswith("[") else Path(name).name
        elif fields[0] in ("Rss:", "Anonymous:"):
            into = rss if fields[0] == "Rss:" else anon
            into[name] = into.get(name, 0) + int(fields[1])
    lines = [f"  {kb / 1024:7.1f} MB  ({anon.get(n, 0) / 1024:6.1f} anonymous)  {n}"
             for n, kb in sorted(rss.items(), key=lambda item: -item[1])[:top]]  # fmt: skip
    totals = [
        f"  {key} {int(value) / 1024:.0f} MB"
        for key, value in (row.split()[:2] for row in rollup.splitlines()[1:])
        if key in ("Rss:", "Pss:", "Anonymous:", "Pss_Anon:", "Pss_File:", "Shared_Clean:")
    ]
    return "\n".join([*lines, *totals])


def python_heap(top: int = 15) -> str:
    """The largest Python allocations by line, when ``tracemalloc`` traces."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return "  (run with PYTHONTRACEMALLOC=1 to see them)"
    snapshot = tracemalloc.take_snapshot()
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    lines = [f"  Python heap traced: {total / 2**20:.0f} MB"]
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        lines.append(f"  {stat.size / 2**20:7.1f} MB {stat.count:9d} blocks  "
                     f"{frame.filename.split('/editor/')[-1]}:{frame.lineno}")  # fmt: skip
    return "\n".join(lines)


def longest_entry(folder: Path) -> Path:
    from editor.content.document import load_entry

    def size(path: Path) -> int:
        try:
            return len(str(load_entry(path).data.get("answer") or ""))
        except Exception:
            return -1

    return max(sorted(folder.glob("*.md")), key=size)


def refresh_and_memory(folder: Path, keys: int, rounds: int, breakdown: bool) -> int:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from editor.content.document import load_entry
    from editor.content.render import render_page
    from editor.content.schema import SchemaRegistry
    from editor.ui.settings import SettingsStore
    from editor.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="glossary-preview-bench-"))
    try:
        store = SettingsStore(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(folder, settings=store, use_cache=False)
        window.resize(1400, 860)
        window.show()
        deadline = time.perf_counter() + 600
        while window.index is None and time.perf_counter() < deadline:
            app.processEvents()
        target = longest_entry(REAL if REAL.is_dir() else folder) if keys else None
        if target is not None and not (folder / target.name).exists():
            target = None
        first = sorted(folder.glob("*.md"))[0]
        path = folder / target.name if target is not None else first
        entry = load_entry(path)
        schema = SchemaRegistry.load(folder).for_data(entry.data)
        for _ in range(3):
            render_page(entry.data, entry.body, schema)
        start = time.perf_counter()
        for _ in range(20):
            render_page(entry.data, entry.body, schema)
        render_ms = (time.perf_counter() - start) / 20 * 1000
        print(f"entry: {path.name} ({len(str(entry.data.get('answer') or ''))} chars of answer)")
        print(f"render_page alone: {render_ms:.1f} ms")

        window.entry_list.select(path)
        preview = window.preview
        # (time, page the view shows) at each "rendered": the page tells which render it was.
        shown: list[tuple[float, str]] = []

        def page_shown() -> str:
            view = preview.page_view()
            return str(getattr(view, "shown_page", preview.html()))  # text view: at once

        preview.rendered.connect(lambda: shown.append((time.perf_counter(), page_shown())))
        deadline = time.perf_counter() + 60
        while not shown and time.perf_counter() < deadline:
            app.processEvents()
        where = f"{type(preview.page_view()).__name__}, platform {QApplication.platformName()}"
        print(
            f"preview engine: {preview.engine()} ({where}), "
            f"debounce {window.prefs.preview_delay_ms} ms"
        )
        field = window.form.editor("answer") or window.form.editor("definition")
        assert field is not None
        widget = field.focus_widget()
        widget.setFocus()
        delays: list[float] = []
        for _ in range(rounds):
            last_key = 0.0
            for k in range(keys):
                QTest.keyClick(widget, Qt.Key.Key_X)
                last_key = time.perf_counter()
                pause = last_key + (0.08 if k < keys - 1 else 0)
                while time.perf_counter() < pause:
                    app.processEvents()
            shown.clear()
            settle = last_key + 1.5  # every render of the burst is shown by then
            while time.perf_counter() < settle:
                app.processEvents()
            final = preview.html()
            times = [t for t, page in shown if page == final]
            if times and preview.is_idle():
                delays.append((times[0] - last_key) * 1000)
        if delays:
            print(
                f"shown after the last key: median {statistics.median(delays):.0f} ms, "
                f"worst {max(delays):.0f} ms over {len(delays)} bursts of {keys} keys "
                "(target ≤ 200 ms)"
            )
        settle = time.perf_counter() + 1.0
        while time.perf_counter() < settle:
            app.processEvents()
        engines = engine_processes()
        hosts = preview_processes()
        rows = window.model.rowCount()
        print(
            f"window process RSS: {rss_mb():.0f} MB (anonymous {rss_mb(key='RssAnon'):.0f}, "
            f"files {rss_mb(key='RssFile'):.0f}; preview open, {rows} entries; "
            f"QtWebEngine library mapped: {'yes' if engine_library_mapped() else 'no'})"
        )
        for pid, mb in hosts:
            print(
                f"preview process RSS: {mb:.0f} MB (anonymous {rss_mb(pid, 'RssAnon'):.0f}, "
                f"files {rss_mb(pid, 'RssFile'):.0f})"
            )
        print(
            f"browser engine processes: {len(engines)}, RSS {sum(m for _p, m in engines):.0f} MB "
            f"({', '.join(f'{m:.0f}' for _p, m in engines)})"
        )
        total = rss_mb() + sum(m for _p, m in hosts) + sum(m for _p, m in engines)
        pids: list[int | str] = ["self", *(pid for pid, _m in [*hosts, *engines])]
        print(
            f"all of them: {total:.0f} MB RSS (shared pages counted in each), "
            f"{sum(map(pss_mb, pids)):.0f} MB PSS (shared pages split between them)"
        )
        if breakdown:
            print("window process by mapping:\n" + memory_breakdown())
            for pid, _mb in hosts:
                print(f"preview process {pid} by mapping:\n" + memory_breakdown(pid, 8))
            for pid, _mb in engines:
                print(f"engine process {pid} by mapping:\n" + memory_breakdown(pid, 6))
            print("Python allocations:\n" + python_heap())
        window.hide()
        shutil.rmtree(tmp, ignore_errors=True)  # os._exit skips the finally below
        os._exit(0)  # do not ask about the typed edits; the folder is a throwaway copy
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


START_CODE = """
import os, sys, time
start = float(sys.argv[1])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from editor.ui.window.main_window import MainWindow
app = QApplication([])
window = MainWindow(None)
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time() - start:.3f}")
            os._exit(0)
        return False
watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
"""


def start_up(engine: str) -> float:
    env = {**os.environ, "GLOSSARY_EDITOR_PREVIEW": engine}
    done = subprocess.run(
        [sys.executable, "-c", START_CODE, repr(time.time())],
        env=env, capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=0, help="open a generated corpus")
    parser.add_argument("--keys", type=int, default=20, help="keys per burst")
    parser.add_argument("--rounds", type=int, default=5, help="bursts")
    parser.add_argument("--engine", choices=("web", "inprocess", "text"), default="web",
                        help="the preview's view (inprocess, text: for comparison)")  # fmt: skip
    parser.add_argument("--no-start-up", action="store_true", help="skip the start-up runs")
    parser.add_argument("--breakdown", action="store_true",
                        help="RSS by mapping, each engine process's too, and the Python "
                        "heap's largest lines (with PYTHONTRACEMALLOC=1)")  # fmt: skip
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        return refresh_and_memory(args.run, args.keys, args.rounds, args.breakdown)

    if not args.no_start_up:
        runs = [(start_up("text"), start_up("web")) for _ in range(5)]  # taking turns: noise
        text, web = min(t for t, _w in runs), min(w for _t, w in runs)
        print(f"start to first paint: text preview {text:.2f} s, browser preview {web:.2f} s, "
              f"delta {web - text:+.2f} s (target ≤ +0.5 s)")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="glossary-preview-bench-content-"))
    try:
        folder = work / "content"
        if args.entries:
            from corpus import generate

            generate(folder, args.entries)
            source = REAL if REAL.is_dir() else REPO / "sample_content"
            for path in source.glob("*.md"):
                shutil.copy2(path, folder / path.name)
        else:
            shutil.copytree(REAL if REAL.is_dir() else REPO / "sample_content", folder)
        env = {**os.environ, "GLOSSARY_EDITOR_PREVIEW": args.engine}
        for name in ("cache", "state", "data", "config"):
            env[f"XDG_{name.upper()}_HOME"] = str(work / name)
        command = [sys.executable, __file__, "--run", str(folder),
                   "--keys", str(args.keys), "--rounds", str(args.rounds),
                   *(["--breakdown"] if args.breakdown else [])]  # fmt: skip
        subprocess.run(command, env=env, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
