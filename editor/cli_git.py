"""Git commands of the command line: ``merge-file``, ``git-setup`` and ``check --changed-since``.

``merge-file BASE OURS THEIRS`` is a git merge driver (``docs/git.md``): it merges one
entry by field (:mod:`editor.content.merge`) and writes the result into OURS, as git's
driver contract asks. Exit 0 means merged cleanly. When the same field was changed two
ways, or a side cannot be merged by field, it falls back to git's own line merge of the
whole file (``git merge-file``), so nothing of either side is lost, and exits 1: git then
records the file as conflicted, keeping base, ours and theirs in its index, where the
app reads them to resolve the conflict field by field.

``git-setup FOLDER`` writes the ``.gitattributes`` line and the ``git config`` lines
that make git use that driver for the folder's Markdown files.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

# git, the merge and the writer are imported where a command needs them: ``check``
# installs its --changed-since option here and must not pay for them (~15 ms).

GIT_COMMANDS = ("merge-file", "git-setup")
DRIVER = "glossary-editor"
ATTRIBUTE_LINE = f"*.md merge={DRIVER}"
EXIT_CLEAN, EXIT_CONFLICT, EXIT_USAGE = 0, 1, 2


def install_git_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the git commands to the CLI's parser and ``--changed-since`` to ``check``."""
    merge = sub.add_parser(
        "merge-file",
        help="merge three versions of an entry by field (a git merge driver)",
        description="Merge BASE, OURS and THEIRS of one entry: front matter key by key,"
        " FAQ items one by one, the body line by line. The result is written into OURS."
        " Exit 0: merged cleanly; 1: a field was changed on both sides (OURS then holds"
        " git's line merge with conflict markers, so nothing is lost); 2: bad usage."
        " As a git merge driver: glossary-editor merge-file %%O %%A %%B (see git-setup).",
    )
    merge.add_argument("base", type=Path)
    merge.add_argument("ours", type=Path)
    merge.add_argument("theirs", type=Path)
    merge.add_argument("--marker-size", type=int, default=7, help="git's %%L")
    merge.set_defaults(func=cmd_merge_file)

    setup = sub.add_parser(
        "git-setup",
        help="make git merge the folder's entries by field",
        description="Add '*.md merge=glossary-editor' to FOLDER/.gitattributes and set"
        " merge.glossary-editor.driver in the repository's config (docs/git.md).",
    )
    setup.add_argument("folder", type=Path)
    setup.add_argument(
        "--command",
        help="how git should run this program (default: glossary-editor when it is on the"
        " PATH, else this Python with -m editor)",
    )
    setup.set_defaults(func=cmd_git_setup)

    check = sub.choices["check"]
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only entries changed since REF (a pull request's base); rules that"
        " compare entries (duplicates, broken links) still read the whole folder",
    )
    check.set_defaults(func=run_check_changed, check_func=check.get_default("func"))


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def cmd_merge_file(args: argparse.Namespace) -> int:
    from editor.content.merge import MergeError, merge_texts

    base, ours, theirs = args.base, args.ours, args.theirs
    try:
        result = merge_texts(_read(base), _read(ours), _read(theirs))
    except (MergeError, UnicodeDecodeError) as exc:
        print(f"glossary-editor merge-file: {ours}: {exc}; merging by line", file=sys.stderr)
        return _line_merge(args)
    if not result.clean:
        names = ", ".join(c.key for c in result.conflicts)
        print(f"glossary-editor merge-file: {ours}: changed on both sides: {names}",
              file=sys.stderr)  # fmt: skip
        _line_merge(args)
        return EXIT_CONFLICT
    data = result.text.encode("utf-8")
    if ours.read_bytes().startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    ours.write_bytes(data)
    return EXIT_CLEAN


def _line_merge(args: argparse.Namespace) -> int:
    """git's own three-way line merge into OURS; 1 when it left conflict markers."""
    done = subprocess.run(
        ["git", "merge-file", f"--marker-size={args.marker_size}", "-L", "ours", "-L", "base",
         "-L", "theirs", str(args.ours), str(args.base), str(args.theirs)],
        check=False,
    )  # fmt: skip
    if done.returncode < 0 or done.returncode > 127:
        raise OSError(f"git merge-file failed ({done.returncode})")
    return EXIT_CONFLICT if done.returncode else EXIT_CLEAN


def driver_command(command: str | None = None) -> str:
    """The command git runs for the driver, with git's placeholders."""
    if command is None:
        command = DRIVER if shutil.which(DRIVER) else f"{shlex.quote(sys.executable)} -m editor"
    return f"{command} merge-file --marker-size=%L %O %A %B"


def setup_folder(folder: Path, command: str | None = None) -> list[str]:
    """Install the merge driver for ``folder``; the lines written, for the user to see."""
    from editor.content.atomic import atomic_write
    from editor.content.git_repo import GitRepo
    from editor.content.safe_read import read_text

    repo = GitRepo.discover(folder)
    attributes = folder / ".gitattributes"
    try:
        text = read_text(attributes)
    except FileNotFoundError:
        text = ""
    if ATTRIBUTE_LINE not in text.splitlines():
        if text and not text.endswith("\n"):
            text += "\n"
        atomic_write(attributes, (text + ATTRIBUTE_LINE + "\n").encode("utf-8"))
    driver = driver_command(command)
    repo.run(["config", f"merge.{DRIVER}.name", "Glossary Editor: merge entries by field"])
    repo.run(["config", f"merge.{DRIVER}.driver", driver])
    return [
        f"{attributes}: {ATTRIBUTE_LINE}",
        f"git config merge.{DRIVER}.driver {shlex.quote(driver)}",
    ]


def cmd_git_setup(args: argparse.Namespace) -> int:
    from editor.content.git_errors import GitError

    if not args.folder.is_dir():
        print(f"glossary-editor git-setup: {args.folder}: not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        lines = setup_folder(args.folder, args.command)
    except GitError as exc:
        print(f"glossary-editor git-setup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(lines))
    return EXIT_CLEAN


def changed_entries(folder: Path, ref: str) -> set[str]:
    """Paths (relative to ``folder``) of the Markdown files changed since ``ref``."""
    from editor.content.git_repo import GitRepo

    repo = GitRepo.discover(folder)
    prefix = repo.rel(folder)
    spec = [prefix] if prefix != "." else []
    changed: set[str] = set()
    for rel in repo.changed_since(ref, spec):
        path = repo.abs(rel).resolve()
        try:
            changed.add(path.relative_to(folder.resolve()).as_posix())
        except ValueError:
            continue
    return changed


def run_check_changed(args: argparse.Namespace) -> int:
    """``check``, limited to the entries changed since ``--changed-since`` when given."""
    if args.changed_since is not None:
        from editor.content.git_errors import GitError
        from editor.paths import sample_content_dir

        folder = args.folder if args.folder is not None else sample_content_dir()
        if not folder.is_dir():
            print(f"glossary-editor check: {folder}: not a folder", file=sys.stderr)
            return EXIT_USAGE
        try:
            args.only_paths = changed_entries(folder, args.changed_since)
        except GitError as exc:
            print(f"glossary-editor check: --changed-since: {exc.message} {exc.output}".strip(),
                  file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
    return int(args.check_func(args))
