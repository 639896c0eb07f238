"""Screenshots of the git views (status, review, conflict, history) for the docs.

    xvfb-run -s "-screen 0 1600x1000x24" python tools/screenshot_git.py docs/screenshots

Builds, in a temporary folder, a bare remote and two clones of ``sample_content`` (git's
global config ignored), makes Bob's and Alice's edits so that one field conflicts, opens
the window on Alice's clone and saves ``git-status.png``, ``git-review.png``,
``git-conflict.png`` and ``git-history.png``.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from screenshot_common import wait_until

from editor.cli_git import setup_folder
from editor.content.document import load_entry, save_entry, set_path
from editor.ui import dialogs
from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import MainWindow

SAMPLE = Path(__file__).resolve().parent.parent / "sample_content"
ENTRY = "strategic-leverage.md"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def edit(path: Path, key: str, value: str) -> None:
    entry = load_entry(path)
    data = copy.deepcopy(entry.data)
    set_path(data, key, value)
    save_entry(entry, data, entry.body, list(data))


def make_clones(root: Path) -> tuple[Path, Path]:
    remote, seed = root / "remote.git", root / "seed"
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    shutil.copytree(SAMPLE, seed)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.org", "commit", "-qm",
        "Initial content")  # fmt: skip
    git(seed, "push", "-q", str(remote), "main")
    clones = []
    for name in ("alice", "bob"):
        clone = root / name
        git(root, "clone", "-q", str(remote), str(clone))
        git(clone, "config", "user.name", name.title())
        git(clone, "config", "user.email", f"{name}@example.org")
        setup_folder(clone)
        clones.append(clone)
    return clones[0], clones[1]


def save(widget: QWidget, path: Path) -> None:
    wait_until(lambda: False, 300)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("glossary-editor-screenshots")
    with tempfile.TemporaryDirectory(prefix="glossary-git-shots-") as tmp:
        os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
        os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        alice, bob = make_clones(Path(tmp))
        edit(alice / ENTRY, "subject", "Negotiation strategy")
        git(alice, "commit", "-qam", "Update subject of strategic-leverage")
        edit(bob / ENTRY, "seo.title", "Strategic Leverage: Bob's Title")
        edit(bob / "batna.md", "subject", "Negotiation basics")
        git(bob, "commit", "-qam", "Update seo.title of strategic-leverage")
        git(bob, "push", "-q")
        edit(alice / ENTRY, "seo.title", "Strategic Leverage: Alice's Title")
        edit(alice / ENTRY, "url", "/glossary/leverage")
        edit(alice / "anchoring.md", "seo.page_description", "A shorter description.")
        (alice / "new-term.md").write_text("---\n_schema: glossary\ntitle: New term\n---\n")
        store = SettingsStore(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(alice, settings=store, use_cache=False)
        window.resize(1500, 900)
        window.show()
        wait_until(lambda: window.index is not None)
        panel = window.git
        if panel.repo is not None:
            panel.repo.fetch()
        panel.refresh()
        wait_until(lambda: bool(panel.kinds) and not panel.runner.busy)
        panel.dock.show()
        window.open_entry(alice / ENTRY)
        save(window, args.output / "git-status.png")

        panel.review()
        wait_until(lambda: "review" in panel.dialogs)
        review = panel.dialogs["review"]
        review.select(ENTRY)  # type: ignore[attr-defined]
        save(review, args.output / "git-review.png")
        review.close()

        git(alice, "commit", "-qam", "Alice's edits")
        dialogs.error = lambda *_args, **_kw: None  # the conflict's message box
        panel.sync()
        wait_until(lambda: "conflicts" in panel.dialogs)
        save(panel.dialogs["conflicts"], args.output / "git-conflict.png")
        panel.dialogs["conflicts"].close()

        wait_until(lambda: not panel.runner.busy)
        panel.history()
        wait_until(lambda: "history" in panel.dialogs)
        save(panel.dialogs["history"], args.output / "git-history.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
