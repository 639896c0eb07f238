"""Screenshot of the main window for the README.

    xvfb-run -s "-screen 0 1600x1000x24" \
        python tools/screenshot.py sample_content docs/screenshots/main.png

Opens the app on a copy of FOLDER (nothing in FOLDER is written; settings go to a
temporary file), waits for the index, selects an entry (``--entry``, by file name),
waits for its preview, and saves ``QWidget.grab()`` of the window as a PNG.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from editor.ui.app import APPLICATION, ORGANISATION
from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import APP_NAME, MainWindow, app_icon


def wait_until(app: QApplication, done: object, timeout_ms: int = 15_000) -> None:
    """Run the event loop until ``done()`` is true (or the timeout passes)."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: loop.quit() if done() else None)  # type: ignore[operator]
    QTimer.singleShot(timeout_ms, loop.quit)
    poll.start()
    loop.exec()
    poll.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--entry", default="strategic-leverage.md")
    parser.add_argument("--size", default="1500x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--report", action="store_true", help="show the SEO report dock")
    parser.add_argument("--focus", help="scroll the form to this field (dotted path)")
    parser.add_argument("--preview-only", action="store_true", help="save the page view alone")
    parser.add_argument("--phone", action="store_true", help="the preview at a phone's width")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory(prefix="glossary-screenshot-") as tmp:
        folder = Path(tmp) / args.folder.resolve().name
        shutil.copytree(args.folder, folder)
        store = SettingsStore(
            QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(folder, settings=store, use_cache=False)
        window.resize(width, height)
        window.splitter.setSizes([int(width * 0.27), int(width * 0.40), int(width * 0.33)])
        window.show()
        wait_until(app, lambda: window.index is not None)
        shown: list[bool] = []
        window.preview.rendered.connect(lambda: shown.append(True))
        window.preview.set_phone(args.phone)
        window.open_entry(folder / args.entry)
        wait_until(app, lambda: bool(shown) and window.preview.is_idle())
        if args.report:
            window.acts.check_all.trigger()
        if args.focus:
            window.form.focus_field(args.focus)
        wait_until(app, lambda: False, 1000)  # let layouts (and the engine) paint
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # The browser-engine preview draws outside QWidget.grab(): take the screen (Xvfb).
        widget = window.preview.page_view().widget if args.preview_only else window
        corner = widget.mapToGlobal(widget.rect().topLeft())
        shot = app.primaryScreen().grabWindow(
            0, corner.x(), corner.y(), widget.width(), widget.height()
        )
        if not shot.save(str(args.output)):
            print(f"could not write {args.output}", file=sys.stderr)
            return 1
        window.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
