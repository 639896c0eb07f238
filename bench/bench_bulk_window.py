"""The replace dialog in the real window at 50,000 entries: preview and apply stalls.

    python bench/bench_bulk_window.py [--entries 50000] [--changes 1000] [--folder DIR]

Opens the window on a generated corpus (:mod:`corpus`; ``--folder`` reuses one), waits
for the index, then in Edit › Find and Replace previews the brand suffix of every SEO
title (``| QuickTakes`` -> ``| QuickTakes Pro`` in ``seo.title``) and applies it to the
first ``--changes`` files, and undoes it (each waits for the index to read the batch's
files again on the pool and the GUI thread to put them in: "swap", timed on its own). A
5 ms timer on the GUI thread measures the event loop throughout: the longest gap is the
longest stall (target <= 100 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from editor.content.index import IndexChange, PreparedUpdate  # noqa: E402
from editor.ui.settings import SettingsStore  # noqa: E402
from editor.ui.window.main_window import MainWindow  # noqa: E402

STALL_TARGET_MS = 100


class StallWatch:
    """The longest gap between 5 ms ticks of the GUI thread's event loop."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.longest = 0

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.restart())

    def __enter__(self) -> StallWatch:
        self.longest = 0
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.timer.stop()


def wait_until(app: QApplication, done: Callable[[], bool], timeout: float = 600) -> float:
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
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
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="glossary-bench-bulk-window-") as tmp:
        folder = args.folder if args.folder is not None else Path(tmp) / "content"
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            print(f"generating {args.entries} entries…", flush=True)
            generate(folder, args.entries)
        store = SettingsStore(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(folder, settings=store)
        window.resize(1300, 850)
        window.show()
        wait_until(app, lambda: window.index is not None)
        window.bulk.replace.trigger()
        dialog = window.bulk.replace_dialog
        assert dialog is not None
        dialog.find_edit.setText("| QuickTakes")
        dialog.replace_edit.setText("| QuickTakes Pro")
        dialog.case.setChecked(True)
        dialog.fields.setCurrentText("seo.title")
        rows = []
        with StallWatch() as watch:
            dialog.find_button.click()
            seconds = wait_until(app, dialog.apply_button.isEnabled)
            wait_until(app, dialog.progress.isHidden)
        files = dialog.model.files
        rows.append((f"preview ({files} files)", seconds, watch.longest))
        chosen = dialog.model.entries[: args.changes]
        dialog.selection = lambda: {e.path: list(range(len(e.matches))) for e in chosen}  # type: ignore[method-assign]
        swaps = _time_swaps(window)
        done: list[bool] = []
        dialog.applied.connect(lambda: done.append(True))
        with StallWatch() as watch:
            start = time.perf_counter()
            dialog.apply_button.click()
            wait_until(app, lambda: bool(done))
            wait_until(app, lambda: not window.feed.updating)  # the index, list and report
            seconds = time.perf_counter() - start
            settle = time.perf_counter() + 1.0  # what the window does after: counted too
            wait_until(app, lambda: time.perf_counter() > settle)
        rows.append((f"apply {len(chosen)} files", seconds, watch.longest))
        undone: list[object] = []
        window.bulk.undo_ended.connect(undone.append)
        with StallWatch() as watch:
            start = time.perf_counter()
            window.bulk.undo.trigger()
            wait_until(app, lambda: bool(undone))
            wait_until(app, lambda: not window.feed.updating)
            seconds = time.perf_counter() - start
            settle = time.perf_counter() + 1.0
            wait_until(app, lambda: time.perf_counter() > settle)
        rows.append(("undo", seconds, watch.longest))
        print(
            "index swap on the GUI thread (apply, undo): "
            + ", ".join(f"{s * 1000:.0f} ms" for s in swaps)
        )
        for opened in window.session.dirty_entries():
            window.session.forget(opened.path)
        window.feed.close()
        window.close()
        window.pool.waitForDone()
    for name, secs, stall in rows:
        verdict = "pass" if stall <= STALL_TARGET_MS else "FAIL"
        print(f"{name:<32} {secs:6.2f} s   longest stall {stall:5d} ms  {verdict}")
    return 0 if all(stall <= STALL_TARGET_MS for *_, stall in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
