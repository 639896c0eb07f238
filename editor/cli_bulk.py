"""The command line's bulk commands: ``replace`` across a folder, ``set`` over many files.

Both go through :mod:`editor.content.bulk`: every file is planned and verified first,
then the batch is written all or nothing, so a command that fails changes no file
(exit 2, as ``set``); ``--dry-run`` prints the unified diff of every file instead.

    glossary-editor replace FOLDER FIND REPLACE [--regex] [--word] [--case]
                            [--field KEY]... [--schema NAME] [--subject TEXT]
                            [--dry-run | --list]
    glossary-editor set FILE|FOLDER... KEY=VALUE... [--where KEY=VALUE]... [--schema NAME]
    glossary-editor rename FILE NEW_SLUG [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from editor.content.errors import ContentError

if TYPE_CHECKING:
    from editor.content.bulk.batch import FileChange

# The engine (and the corpus index under it) is imported by the commands that use it:
# ``cli`` imports this module for every command, and it would double ``get``'s start-up.

__all__ = ["BULK_COMMANDS", "add_bulk_commands"]

BULK_COMMANDS = ("replace", "rename")


def add_bulk_commands(sub: Any, set_parser: argparse.ArgumentParser) -> None:
    """Register ``replace`` and teach ``set`` several files, folders and filters."""
    replace = sub.add_parser(
        "replace",
        help="find and replace text across every entry of a folder",
        description="Find and replace in the text values (and bodies) of every entry of a"
        " folder. Only the lines of changed values are rewritten; every file is checked"
        " before the first is written, and if any cannot be written none is. Numbers,"
        " dates and the _schema key are left alone.",
    )
    replace.add_argument("folder")
    replace.add_argument("find")
    replace.add_argument("replacement", metavar="replace")
    replace.add_argument(
        "--regex", action="store_true", help="FIND is a regular expression (REPLACE may use \\1)"
    )
    replace.add_argument("--word", action="store_true", help="match whole words only")
    replace.add_argument("--case", action="store_true", help="match case exactly")
    replace.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="KEY",
        help="only this field (dotted; * for any one part, e.g. faq.*.answer; 'body' for"
        " the Markdown body); repeat for several",
    )
    replace.add_argument("--schema", help="only entries of this schema")
    replace.add_argument("--subject", help="only entries with this subject (any case)")
    show = replace.add_mutually_exclusive_group()
    show.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    show.add_argument(
        "--list", action="store_true", help="list every match in context, write nothing"
    )
    replace.set_defaults(func=cmd_replace)

    rename = sub.add_parser(
        "rename",
        help="rename an entry's slug: its file, url and every link to it",
        description="Rename an entry's file and url to NEW_SLUG and rewrite every reference"
        " to its url across the content folder (related lists, related_articleN.url,"
        " Markdown links in fields and bodies). One batch: all of it or nothing. In a git"
        " checkout the file is moved with git mv.",
    )
    rename.add_argument("file")
    rename.add_argument("slug", metavar="NEW_SLUG")
    rename.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    rename.set_defaults(func=cmd_rename)

    set_parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with several files or a folder: only entries whose KEY reads VALUE (repeat to"
        " require several)",
    )
    set_parser.add_argument("--schema", help="with a folder: only entries of this schema")
    set_parser.set_defaults(func=cmd_set_bulk)
    set_parser.usage = (
        "%(prog)s [-h] FILE|FOLDER... KEY=VALUE... [--unset KEY] [--where KEY=VALUE]"
        " [--schema NAME] [--dry-run] [--force]"
    )


def _usage(message: str) -> Exception:
    from editor.cli_common import UsageError

    return UsageError(message)


def cmd_replace(args: argparse.Namespace) -> int:
    from editor.cli_common import EXIT_OK, emit
    from editor.content.bulk.batch import apply_changes
    from editor.content.bulk.pattern import FindOptions
    from editor.content.bulk.replace import plan, preview
    from editor.content.bulk.scope import Scope

    folder = Path(args.folder)
    if not folder.is_dir():
        raise _usage(f"{folder}: not a folder")
    options = FindOptions(
        args.find, args.replacement, regex=args.regex, word=args.word, case=args.case
    )
    scope = Scope(fields=tuple(args.field), schema=args.schema, subject=args.subject)
    result = preview(folder, options, scope)
    for problem in result.skipped:
        _warn(f"skipped {problem}")
    if args.list:
        lines = []
        for found in result.entries:
            name = found.path.relative_to(folder).as_posix()
            for m in found.matches:
                lines.append(
                    f"{name}: {m.field}: …{m.before}[{m.found} → {m.replacement}]{m.after}…\n"
                )
        emit("".join(lines))
        _warn(f"{result.match_count} matches in {result.file_count} files")
        return EXIT_OK
    changes = plan(result)
    if args.dry_run:
        emit(changes.diff(folder))
        return EXIT_OK
    apply_changes(changes.changes, options.describe())
    _warn(f"replaced {changes.match_count} matches in {len(changes.changes)} files")
    return EXIT_OK


def cmd_rename(args: argparse.Namespace) -> int:
    from editor.cli_common import EXIT_OK, emit
    from editor.cli_common import content_root as _content_root
    from editor.content.bulk.rename import apply_rename, plan_rename

    path = Path(args.file)
    folder = _content_root(path)
    rename = plan_rename(folder, path.resolve(), args.slug)
    if args.dry_run:
        moved = f"rename {rename.old_path.name} -> {rename.new_path.name}\n"
        emit(rename.changes.diff(folder) + moved)
        return EXIT_OK
    apply_rename(rename)
    _warn(
        f"renamed {rename.old_path.name} to {rename.new_path.name}; "
        f"{rename.references} other entries link to it and were updated"
    )
    return EXIT_OK


def _warn(text: str) -> None:
    print(f"glossary-editor: {text}".replace("\n", "\\n"), file=sys.stderr)


def cmd_set_bulk(args: argparse.Namespace) -> int:
    """``set`` on one file as before; on several files or a folder, one batch."""
    from editor.cli_common import EXIT_OK, emit
    from editor.cli_set import cmd_set, planned_set
    from editor.content.bulk.batch import FileChange, apply_changes
    from editor.content.bulk.replace import file_diff
    from editor.content.document import parse_entry, planned_bytes, read_bytes

    targets = [args.file]
    while args.assignments and "=" not in args.assignments[0]:
        if not Path(args.assignments[0]).exists():
            break  # not a file: let ``set`` say what is wrong with the assignment
        targets.append(args.assignments.pop(0))
    single = len(targets) == 1 and not Path(targets[0]).is_dir()
    if single and not args.where and args.schema is None:
        return int(cmd_set(args))
    if not args.assignments and not args.unset:
        raise _usage("nothing to set: give KEY=VALUE, KEY:=JSON or --unset KEY")
    where = [_where(text) for text in args.where]
    changes: list[FileChange] = []
    for path, named in _expand(targets):
        try:
            raw = read_bytes(path)
            entry = parse_entry(raw, path)
        except ContentError as exc:
            if named:
                raise
            _warn(f"skipped {exc}")
            continue
        if args.schema is not None and entry.schema_name != args.schema:
            continue
        if not all(_reads(entry.data, key, value) for key, value in where):
            continue
        entry, data, body, key_order = planned_set(entry, args)
        new = planned_bytes(entry, data, body, key_order)
        if new != raw:
            changes.append(FileChange(path, raw, new))
    if args.dry_run:
        emit("".join(file_diff(c) for c in changes))
        return EXIT_OK
    apply_changes(changes, "Set fields")
    _warn(f"changed {len(changes)} files")
    return EXIT_OK


def _expand(targets: list[str]) -> list[tuple[Path, bool]]:
    """Files named, and the entries of folders named (``True``: named by the user)."""
    from editor.content.index import scan_folder

    out: list[tuple[Path, bool]] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = scan_folder(path, stat=False)
            if not found:
                raise _usage(f"{path}: a folder with no entries (*.md files) in it")
            out.extend((path / rel, False) for rel, _, _ in found)
        else:
            out.append((path, True))
    return out


def _where(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise _usage(f"--where {text!r}: write KEY=VALUE")
    return key, value


def _reads(data: dict[str, object], key: str, value: str) -> bool:
    from editor.content.document import get_path
    from editor.content.search_rows import value_text

    try:
        found = get_path(data, key)
    except KeyError:
        return False
    return value_text(found) == value.strip()
