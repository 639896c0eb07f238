"""Screenshot of the main window for the README.

    xvfb-run -s "-screen 0 1600x1000x24" \
        python tools/screenshot.py sample_content docs/screenshots/main.png

Opens the app on a copy of FOLDER (nothing in FOLDER is written; settings go to a
temporary file), waits for the index, selects an entry (``--entry``, by file name),
waits for its preview, and saves ``QWidget.grab()`` of the window as a PNG.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screenshot_common import folder_parser, make_app, open_copy, wait_until


def main() -> int:
    parser = folder_parser(__doc__)
    parser.add_argument("--entry", default="strategic-leverage.md")
    parser.add_argument("--size", default="1500x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--report", action="store_true", help="show the SEO report dock")
    parser.add_argument("--focus", help="scroll the form to this field (dotted path)")
    parser.add_argument("--preview-only", action="store_true", help="save the page view alone")
    parser.add_argument("--phone", action="store_true", help="the preview at a phone's width")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    app = make_app()
    with tempfile.TemporaryDirectory(prefix="glossary-screenshot-") as tmp:
        window, folder = open_copy(app, args.folder, Path(tmp), (width, height))
        window.splitter.setSizes([int(width * 0.27), int(width * 0.40), int(width * 0.33)])
        shown: list[bool] = []
        window.preview.rendered.connect(lambda: shown.append(True))
        window.preview.set_phone(args.phone)
        window.open_entry(folder / args.entry)
        wait_until(lambda: bool(shown) and window.preview.is_idle())
        if args.report:
            window.acts.check_all.trigger()
        if args.focus:
            window.form.focus_field(args.focus)
        wait_until(lambda: False, 1000)  # let layouts (and the engine) paint
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
