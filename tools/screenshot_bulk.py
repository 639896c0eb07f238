"""Screenshots of the Find and Replace dialog and of the Backlinks dock, for the docs.

    xvfb-run -s "-screen 0 1600x1000x24" \
        python tools/screenshot_bulk.py sample_content docs/screenshots/find-replace.png
    xvfb-run -s "-screen 0 1600x1000x24" \
        python tools/screenshot_bulk.py sample_content docs/screenshots/backlinks.png --backlinks

Opens the app on a copy of FOLDER (nothing in FOLDER is written), opens Edit › Find
and Replace, previews ``--find`` / ``--replace`` (regular expression with a group by
default), unticks one match to show the checkboxes, and saves ``QWidget.grab()`` of
the dialog.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screenshot_common import folder_parser, make_app, open_copy, wait_until


def main() -> int:
    parser = folder_parser(__doc__)
    parser.add_argument("--find", default=r"(\w+) power")
    parser.add_argument("--replace", default=r"\1 influence")
    parser.add_argument(
        "--backlinks",
        action="store_true",
        help="instead: the window with the Backlinks dock, on the entry given by --entry",
    )
    parser.add_argument("--entry", default="reservation-point.md")
    args = parser.parse_args()

    app = make_app()
    with tempfile.TemporaryDirectory(prefix="glossary-screenshot-") as tmp:
        window, folder = open_copy(app, args.folder, Path(tmp))
        if args.backlinks:
            window.bulk.toggle_backlinks.trigger()
            window.open_entry(folder / args.entry)
            dock = window.bulk.backlinks
            wait_until(lambda: bool(dock.found) or "No entry" in dock.heading.text())
            wait_until(lambda: False, 400)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.output))
            window.close()
            print(f"wrote {args.output}")
            return 0
        window.open_entry(folder / "soft-power.md")
        dialog = window.bulk.open_replace()
        assert dialog is not None
        dialog.resize(1000, 640)
        dialog.regex.setChecked(True)
        dialog.find_edit.setText(args.find)
        dialog.replace_edit.setText(args.replace)
        dialog.start_preview()
        model = dialog.model
        wait_until(lambda: dialog.progress.isHidden() and bool(model.entries))
        if len(model.entries) > 1:
            check = Qt.ItemDataRole.CheckStateRole
            model.setData(model.match_index(1, 0), Qt.CheckState.Unchecked, check)
        wait_until(lambda: False, 400)  # let layouts settle
        shot = dialog.grab()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if not shot.save(str(args.output)):
            print(f"could not write {args.output}", file=sys.stderr)
            return 1
        dialog.close()
        window.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
