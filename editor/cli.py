"""The command line: open the app, or get/set/render/new/check entries from scripts and CI.

Exit codes: 0 success; 1 ``check`` found problems at or above ``--fail-on``; 2 bad usage,
or a file that cannot be read, parsed or written (message on stderr as
``path:line:column: message``). A command that fails changes no file.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from editor import __version__
from editor.content.document import delete_path, get_path, load_entry, save_diff, save_entry
from editor.content.document import set_path as set_value
from editor.content.errors import ContentError
from editor.content.schema import SchemaRegistry
from editor.paths import sample_content_dir

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
COMMANDS = ("check", "get", "set", "render", "new")


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit code 2."""


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def _content_root(path: Path) -> Path:
    """The content folder a file belongs to: the nearest parent with our config or .git."""
    for parent in path.resolve().parents:
        if (parent / ".glossary-editor").is_dir() or (parent / ".git").exists():
            return parent
    return path.resolve().parent


def _registry_for(path: Path) -> SchemaRegistry:
    return SchemaRegistry.load(_content_root(path))


def cmd_get(args: argparse.Namespace) -> int:
    entry = load_entry(Path(args.file))
    if args.key is None:
        print(_dump(entry.data))
        return EXIT_OK
    try:
        value = get_path(entry.data, args.key)
    except KeyError:
        raise UsageError(f"{args.file}: no key {args.key!r}") from None
    print(value if isinstance(value, str) else _dump(value))
    return EXIT_OK


def _parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` gives a string; ``KEY:=JSON`` a typed value (number, list, null...)."""
    key, sep, raw = text.partition("=")
    if not sep:
        raise UsageError(f"{text!r}: write KEY=VALUE or KEY:=JSON")
    typed = key.endswith(":")
    key = key.removesuffix(":")
    if not key:
        raise UsageError(f"{text!r}: the key is empty")
    if not typed:
        return key, raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{key}: the value after := is not valid JSON: {exc}") from None
    if isinstance(value, str) and key.rsplit(".", 1)[-1] == "date":
        try:
            return key, dt.date.fromisoformat(value)
        except ValueError:
            pass
    return key, value


def cmd_set(args: argparse.Namespace) -> int:
    path = Path(args.file)
    entry = load_entry(path)
    data = copy.deepcopy(entry.data)
    body = entry.body
    if not args.assignments and not args.unset:
        raise UsageError("nothing to set: give KEY=VALUE, KEY:=JSON or --unset KEY")
    for key in args.unset:
        try:
            delete_path(data, key)
        except KeyError:
            raise UsageError(f"{path}: no key {key!r} to remove") from None
    for assignment in args.assignments:
        key, value = _parse_assignment(assignment)
        if key == "body":
            body = str(value)
            continue
        try:
            set_value(data, key, value)
        except KeyError:
            raise UsageError(f"{path}: cannot set {key!r}: no such list item") from None
    schema = _registry_for(path).for_data(data)
    if args.dry_run:
        sys.stdout.write(save_diff(entry, data, body, schema.key_order()))
        return EXIT_OK
    save_entry(entry, data, body, schema.key_order())
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from editor.content.render import render_page
    from editor.content.render_config import load_render_config

    path = Path(args.file)
    entry = load_entry(path)
    raw_html = load_render_config(_content_root(path)).raw_html
    html = render_page(
        entry.data, entry.body, _registry_for(path).for_data(entry.data), raw_html=raw_html
    )
    if args.output:
        from editor.content.atomic import atomic_write

        atomic_write(Path(args.output), html.encode("utf-8"))
    else:
        sys.stdout.write(html)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from editor.content.new_entry import create_entry

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    registry = SchemaRegistry.load(folder)
    schema = registry.get(args.schema)
    if schema is None:
        raise UsageError(f"unknown schema {args.schema!r}; known: {', '.join(registry.names())}")
    print(create_entry(folder, schema, args.title))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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

    get = sub.add_parser("get", help="print an entry's data as JSON (dates as ISO strings)")
    get.add_argument("file")
    get.add_argument("key", nargs="?", help="dotted key, e.g. seo.title or faq.0.answer")
    get.set_defaults(func=cmd_get)

    set_ = sub.add_parser("set", help="change fields of an entry, touching only their lines")
    set_.add_argument("file")
    set_.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="KEY=text or KEY:=JSON for typed values; KEY is dotted (seo.title, faq.0.answer)"
        " and 'body' sets the Markdown body",
    )
    set_.add_argument("--unset", action="append", default=[], metavar="KEY", help="remove a key")
    set_.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    set_.set_defaults(func=cmd_set)

    render = sub.add_parser("render", help="write the page HTML the preview shows")
    render.add_argument("file")
    render.add_argument("-o", "--output", metavar="OUT.html")
    render.set_defaults(func=cmd_render)

    new = sub.add_parser("new", help="create a new entry file from a schema")
    new.add_argument("folder")
    new.add_argument("--schema", required=True)
    new.add_argument("--title", required=True)
    new.set_defaults(func=cmd_new)
    return parser


def _open_app(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="glossary-editor", add_help=False)
    parser.add_argument("folder", nargs="?")
    args, _ = parser.parse_known_args(argv)
    folder = Path(args.folder) if args.folder else sample_content_dir()
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return EXIT_USAGE
    from editor.ui.app import run

    return run(folder)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        return _open_app(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"glossary-editor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
