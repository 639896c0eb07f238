"""The command line: open the app, or get/set/render/new/check entries from scripts and CI.

This module parses the arguments and runs a command; the commands live beside it
(:mod:`cli_entry`: get, render, new, init; :mod:`cli_set`; :mod:`check_command`;
:mod:`cli_bulk`; :mod:`cli_git`), what they share in :mod:`cli_common`.

Exit codes: 0 success; 1 ``check`` found problems at or above ``--fail-on``; 2 bad usage,
a file that cannot be read, parsed or written, a value that does not fit the schema, or
anything unexpected (message on stderr, one line: ``path:line:column: message`` or
``glossary-editor: error: ...``; never a traceback, whose exit code 1 a script would read
as "check found problems"); 141 when the reader of standard output went away
(``get ... | head``), quietly, as for any tool ended by SIGPIPE. A command that fails
changes no file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from editor import __version__
from editor.cli_common import (
    EXIT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    StdoutClosedError,
    UsageError,
    emit,
)
from editor.cli_git import GIT_COMMANDS, install_git_commands
from editor.content.errors import ContentError
from editor.content.key_path import KeyPathError
from editor.paths import sample_content_dir

# Kept importable from here, where they lived before they moved out.
__all__ = [
    "EXIT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "StdoutClosedError",
    "UsageError",
    "build_parser",
    "emit",
    "main",
]

EXIT_PIPE_CLOSED = 128 + 13  # what a shell reports for a tool ended by SIGPIPE (cat, git)
COMMANDS = ("check", "get", "set", "render", "new", "init")
KEY_HELP = (
    r"list items count from 0 (no negative positions); a dot inside a key is written \."
    r" ('og\.title', quoted for the shell, names the key og.title) and a backslash as \\"
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (argparse prints the usage above it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _later(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command's handler, imported when the command runs: ``check``, which CI runs,
    does not load the writer, the renderer or git (~40 ms of every check)."""

    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(module), name)(args))

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glossary-editor",
        description="Write and check a Markdown + YAML front matter glossary.",
        epilog="Run without a command to open the app: glossary-editor [FOLDER]",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check every entry of a folder for SEO problems")
    from editor.check_command import add_check_arguments, run_check

    add_check_arguments(check)
    check.set_defaults(func=run_check)
    install_git_commands(sub)  # merge-file, git-setup, check --changed-since

    get = sub.add_parser(
        "get",
        help="print an entry's data as JSON (dates as ISO strings)",
        description="Print an entry's data, or one value, as JSON; a text value is printed"
        " as it is. Every YAML value has a JSON form (docs/architecture.md, json_form.py):"
        ' dates as ISO strings, !!binary as base64, .nan/.inf as "NaN"/"Infinity",'
        " sets and !!omap/!!pairs as arrays.",
    )
    get.add_argument("file")
    get.add_argument(
        "key", nargs="?", help=f"dotted key, e.g. seo.title or faq.0.answer; {KEY_HELP}"
    )
    get.set_defaults(func=_later("editor.cli_entry", "cmd_get"))

    set_ = sub.add_parser(
        "set",
        help="change fields of an entry, touching only their lines",
        description="Change fields of an entry; only their lines are rewritten. KEY=TEXT is"
        " read as the type the schema gives the field (a date field takes YYYY-MM-DD, a"
        " number field a number) or, for a key no schema lists, the type of the value"
        " already there; anything else is an error. KEY:=JSON gives a typed value, checked"
        " against the schema. Replacing a whole mapping or list with something else needs"
        " --force.",
    )
    set_.add_argument("file")
    set_.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="KEY=text or KEY:=JSON for typed values; KEY is dotted (seo.title, faq.0.answer;"
        f" {KEY_HELP}) and 'body' sets the Markdown body",
    )
    set_.add_argument("--unset", action="append", default=[], metavar="KEY", help="remove a key")
    set_.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    set_.add_argument(
        "--force",
        action="store_true",
        help="replace a whole mapping or list with another kind of value, or create a"
        " dotted path beside a key that has those dots in its name",
    )
    set_.set_defaults(func=_later("editor.cli_set", "cmd_set"))
    from editor.cli_bulk import add_bulk_commands  # replace, rename; set on many files

    add_bulk_commands(sub, set_)

    render = sub.add_parser("render", help="write the page HTML the preview shows")
    render.add_argument("file")
    render.add_argument("-o", "--output", metavar="OUT.html")
    render.set_defaults(func=_later("editor.cli_entry", "cmd_render"))

    new = sub.add_parser("new", help="create a new entry file from a schema")
    new.add_argument("folder")
    new.add_argument("--schema", required=True)
    new.add_argument("--title", required=True)
    new.set_defaults(func=_later("editor.cli_entry", "cmd_new"))

    init = sub.add_parser("init", help="write a commented glossary-editor.yaml for a site")
    init.add_argument("folder")
    init.add_argument("--print", action="store_true", help="print it instead of writing it")
    init.set_defaults(func=_later("editor.cli_entry", "cmd_init"))
    return parser


def _open_app(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="glossary-editor", add_help=False)
    parser.add_argument("folder", nargs="?")
    args, _ = parser.parse_known_args(argv)
    folder = Path(args.folder) if args.folder else sample_content_dir()
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    from editor.ui.app import run

    return run(folder)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every failure is one line on stderr and exit code 2."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except StdoutClosedError:
        _silence_stdout()
        return EXIT_PIPE_CLOSED
    except UsageError as exc:
        return _fail(f"error: {exc}")
    except KeyPathError as exc:
        return _fail(f"error: {exc}")
    except ContentError as exc:
        return _fail(str(exc), prefix=False)
    except KeyboardInterrupt:
        return 128 + 2  # as a shell reports SIGINT; the atomic writer leaves no partial file
    except RecursionError:
        return _fail("error: the data is nested too deeply to handle")
    except MemoryError:
        return _fail("error: out of memory (is the file or a value in it huge?)")
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"error: {where}{exc.strerror or exc}")
    except Exception as exc:  # the last guard: a message, never a traceback
        return _fail(f"error: {type(exc).__name__}: {exc}")


def _fail(message: str, *, prefix: bool = True) -> int:
    """Print one line on stderr (newlines in names are shown as \\n) and give exit code 2."""
    line = ("glossary-editor: " if prefix else "") + message
    line = line.replace("\r", "\\r").replace("\n", "\\n")
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr)
    return EXIT_USAGE


def _silence_stdout() -> None:
    """Point standard output at the null device so the exit-time flush cannot fail again."""
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # in-process callers may have no real fd
        pass


def _run(argv: list[str]) -> int:
    from editor.cli_bulk import BULK_COMMANDS

    known = (*COMMANDS, *BULK_COMMANDS, *GIT_COMMANDS)
    if not argv or (argv[0] not in known and not argv[0].startswith("-")):
        return _open_app(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
