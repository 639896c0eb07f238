"""The command line: open the app, or get/set/render/new/check entries from scripts and CI.

Exit codes: 0 success; 1 ``check`` found problems at or above ``--fail-on``; 2 bad usage,
a file that cannot be read, parsed or written, a value that does not fit the schema, or
anything unexpected (message on stderr, one line: ``path:line:column: message`` or
``glossary-editor: error: ...``; never a traceback, whose exit code 1 a script would read
as "check found problems"); 141 when the reader of standard output went away
(``get ... | head``), quietly, as for any tool ended by SIGPIPE. A command that fails
changes no file.

``get`` prints the documented JSON form of every YAML value (:mod:`json_form`). ``set``
reads each value as the type the schema gives its field (or, for a key no schema lists,
the type of the value already there) and refuses what does not fit, rather than guess.
Keys are dotted; ``\\.`` is a dot inside a key and list positions count from 0.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import math
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor

from editor import __version__
from editor.cli_git import GIT_COMMANDS, install_git_commands
from editor.content import json_form
from editor.content.atomic import file_lock
from editor.content.document import (
    INDEX_PATTERN,
    Entry,
    KeyPathError,
    delete_path,
    get_path,
    join_key,
    load_entry,
    save_diff,
    save_entry,
    split_key,
)
from editor.content.document import set_path as set_value
from editor.content.errors import ContentError
from editor.content.schema import Field, FieldKind, SchemaRegistry
from editor.paths import sample_content_dir

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_PIPE_CLOSED = 128 + 13  # what a shell reports for a tool ended by SIGPIPE (cat, git)
COMMANDS = ("check", "get", "set", "render", "new", "init")
KEY_HELP = (
    r"list items count from 0 (no negative positions); a dot inside a key is written \."
    r" ('og\.title', quoted for the shell, names the key og.title) and a backslash as \\"
)


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit code 2."""


class StdoutClosedError(Exception):
    """The reader of standard output went away (``get ... | head``): stop quietly."""


def emit(text: str) -> None:
    """Write ``text`` to standard output as UTF-8, whatever the locale says.

    A lone surrogate (which no UTF-8 can hold) is written as its ``\\uXXXX`` escape, so
    the output is always valid UTF-8. A closed pipe raises :class:`StdoutClosedError`.
    """
    data = text.encode("utf-8", "backslashreplace")
    stream = sys.stdout
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(data.decode("utf-8"))
            stream.flush()
        else:
            stream.flush()
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError as exc:
        raise StdoutClosedError from exc


def _content_root(path: Path) -> Path:
    """The content folder a file belongs to: the nearest parent with our config or .git."""
    for parent in path.resolve().parents:
        if (parent / ".glossary-editor").is_dir() or (parent / ".git").exists():
            return parent
    return path.resolve().parent


def _registry_for(path: Path) -> SchemaRegistry:
    return SchemaRegistry.load(_content_root(path))


def _missing(path: Path, data: dict[str, Any], key: str, exc: KeyPathError) -> UsageError:
    """The message for a key that names nothing, with the escaped form when dots split a key."""
    message = f"{path}: no key {key!r}" if not exc.reason else f"{path}: {exc}"
    try:
        literal = _literal_parts(data, split_key(key))
    except KeyPathError:  # the key itself is malformed (an empty part)
        literal = None
    if literal is not None:
        message += f" (a key with a dot in it is written with \\.: '{join_key(literal)}')"
    return UsageError(message)


def _literal_parts(container: Any, parts: list[str]) -> list[str] | None:
    """An existing path that joins some of ``parts`` back into one key (``og.title``).

    The dots of a key such as ``og.title`` split it in two; when the data has such a key
    where the split path names nothing, this finds it so the message can name the escape.
    """
    if not parts:
        return []
    if isinstance(container, list):
        if not INDEX_PATTERN.fullmatch(parts[0]) or len(parts[0]) > 9:
            return None
        if int(parts[0]) >= len(container):
            return None
        rest = _literal_parts(container[int(parts[0])], parts[1:])
        return None if rest is None else [parts[0], *rest]
    if not isinstance(container, Mapping):
        return None
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in container:
            rest = _literal_parts(container[name], parts[end:])
            if rest is not None:
                return [name, *rest]
    return None


def cmd_get(args: argparse.Namespace) -> int:
    path = Path(args.file)
    entry = load_entry(path)
    value: Any = entry.data
    if args.key is not None:
        try:
            value = get_path(entry.data, args.key)
        except KeyPathError as exc:
            raise _missing(path, entry.data, args.key, exc) from None
    try:
        text = value if isinstance(value, str) else json_form.dumps(value)
    except json_form.JsonFormError as exc:
        raise UsageError(f"{path}: {exc}") from None
    emit(text + "\n")
    return EXIT_OK


# -- set: KEY=TEXT is read as the schema's type; KEY:=JSON is checked against it

MAX_NUMBER_DIGITS = 4000  # Python refuses to read 4,300+ digits; no field needs 4,000
MAX_VALUE_DEPTH = 100  # no front matter nests deeper; deeper JSON would only crash later
_INTEGER = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_KIND_WORDS = {
    "date": "a date (YYYY-MM-DD, or YYYY-MM-DD HH:MM:SS with an optional zone)",
    "number": "a number",
    "boolean": "true or false",
    "objects": "a list of mappings",
    "strings": "a list of texts",
    "entries": "a list of texts",
    "group": "a mapping",
}


@dataclass(frozen=True)
class Assignment:
    """One ``KEY=TEXT`` or ``KEY:=JSON`` argument of ``set``."""

    key: str
    raw: str
    typed: bool

    @property
    def text(self) -> str:
        return f"{self.key}{':=' if self.typed else '='}{self.raw}"


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short: a 5,000-digit number is not a message."""
    return (
        repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"
    )


def _parse_assignment(text: str) -> Assignment:
    """``KEY=TEXT`` gives text; ``KEY:=JSON`` a typed value (number, list, null...)."""
    key, sep, raw = text.partition("=")
    if not sep:
        raise UsageError(f"{_shown(text)}: write KEY=VALUE or KEY:=JSON")
    typed = key.endswith(":")
    key = key.removesuffix(":")
    if not key:
        raise UsageError(f"{_shown(text)}: the key is empty")
    return Assignment(key, raw, typed)


def _load_json(assignment: Assignment) -> Any:
    key = assignment.key
    try:
        value = json.loads(assignment.raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{key}: the value after := is not valid JSON: {exc}") from None
    except ValueError:  # int() refuses 4,300+ digits
        raise UsageError(
            f"{key}: the value after := holds a number with too many digits to read"
        ) from None
    except RecursionError:
        raise UsageError(f"{key}: the value after := is nested too deeply") from None
    if _depth(value) > MAX_VALUE_DEPTH:
        raise UsageError(
            f"{key}: the value after := is nested deeper than {MAX_VALUE_DEPTH} levels"
        )
    return value


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_VALUE_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_date(text: str, key: str, *, hint: bool = False) -> dt.date:
    """A YAML date or timestamp, read as PyYAML reads one in a file; else a usage error."""
    value: Any = None
    if SafeConstructor.timestamp_regexp.match(text) is not None:
        node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", text)
        with contextlib.suppress(ValueError):  # 2020-02-30, hour 25...
            value = yaml.SafeLoader("").construct_yaml_timestamp(node)
    if isinstance(value, dt.date):
        return value
    advice = f" (--unset {key} removes it; {key}:=null empties it)" if not text else ""
    raise UsageError(
        f"{key} is a date field: {_shown(text)} is not {_KIND_WORDS['date']}{advice}"
        + _other_type(key, not hint)
    )


def read_number(text: str) -> int | float:
    """An integer or decimal number; ValueError otherwise (words such as ``nan`` too)."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)  # more than 4,300 digits raises ValueError
    if _DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    raise ValueError(text)


def _field_at(fields: Sequence[Field], parts: Sequence[str]) -> Field | None:
    """The schema field a dotted path lands on (list items get an item field), or None."""
    field = next((f for f in fields if f.key == parts[0]), None)
    rest = list(parts[1:])
    while field is not None and rest:
        part = rest.pop(0)
        if field.kind == "group":
            field = field.child(part)
        elif field.kind in ("objects", "strings", "entries") and INDEX_PATTERN.fullmatch(part):
            item_kind: FieldKind = "group" if field.kind == "objects" else "line"
            field = Field(
                key=part,
                path=f"{field.path}.{part}",
                label=field.label,
                kind=item_kind,
                fields=field.fields,
            )
        else:
            return None
    return field


def _fits(kind: str, value: Any) -> bool:
    """Whether a JSON value has the shape a field kind holds (null fits every kind)."""
    if value is None:
        return True
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "group":
        return isinstance(value, dict)
    if kind == "objects":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if kind in ("strings", "entries"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)  # line, text, markdown; date is read from a string


def _typed_value(
    assignment: Assignment, field: Field | None, *, declared: bool, force: bool
) -> Any:
    """The value to store: read as the field's kind, or a clear error (never a guess).

    ``field`` comes from the schema (``declared``) or, for a key no schema lists, from
    the value already there: ``KEY=TEXT`` keeps that value's type either way, while
    ``KEY:=JSON`` may change an undeclared key's type (that is what it is for). A mapping
    or list field takes another kind of value only with ``force``.
    """
    key, kind = assignment.key, field.kind if field is not None else "line"
    wanted = _KIND_WORDS.get(kind, "text")
    container = kind in ("group", "objects", "strings", "entries")
    if assignment.typed:
        value = _load_json(assignment)
        if not declared:
            return value
        if _fits(kind, value) or (container and force):
            return read_date(value, key) if kind == "date" and isinstance(value, str) else value
        raise UsageError(
            f"{key} is a {kind} field: it takes {wanted}, not {_shown(assignment.raw)}"
        )
    text = assignment.raw
    if kind == "date":
        return read_date(text, key, hint=not declared)
    if kind == "number":
        if len(text) > MAX_NUMBER_DIGITS:
            raise UsageError(f"{key} is a number field: {_shown(text)} has too many digits")
        try:
            return read_number(text)
        except ValueError:
            raise UsageError(
                f"{key} is a number field: {_shown(text)} is not a number"
                + _other_type(key, declared)
            ) from None
    if kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise UsageError(
            f"{key} is a boolean field: write true or false, not {_shown(text)}"
            + _other_type(key, declared)
        )
    if container and declared and not force:
        items = f"{key}.KEY" if kind == "group" else f"{key}.0"
        raise UsageError(
            f"{key} is a {kind} field: it takes {wanted}; set its items ({items}=...), write"
            f" {key}:=JSON, or give --force to replace it with text"
        )
    return text


def _other_type(key: str, declared: bool) -> str:
    return "" if declared else f" (write {key}:=JSON to store another type)"


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a single value"


def _check_replace(data: Mapping[str, Any], assignment: Assignment, value: Any) -> None:
    """Refuse replacing a mapping or list with something of another shape."""
    try:
        old = get_path(data, assignment.key)
    except KeyPathError:
        return
    if isinstance(old, Mapping | list) and _shape(old) != _shape(value):
        raise UsageError(
            f"{assignment.key} holds {_shape(old)}: {assignment.text!r} would replace all of it "
            f"with {_shape(value)}; give --force to do that"
        )


def _check_dotted_key(data: Mapping[str, Any], key: str) -> None:
    """Refuse a dotted path that names nothing while a key with those dots in it exists."""
    parts = split_key(key)
    if len(parts) < 2:
        return
    try:
        get_path(data, key)
    except KeyPathError:
        literal = _literal_parts(data, parts)
        if literal is not None and literal != parts:
            raise UsageError(
                f"{key}: the entry has a key with a dot in its name there; "
                f"write '{join_key(literal)}' to set it, or give --force to create {key}"
            ) from None


def cmd_set(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not args.assignments and not args.unset:
        raise UsageError("nothing to set: give KEY=VALUE, KEY:=JSON or --unset KEY")
    if args.dry_run:
        emit(save_diff(*planned_set(load_entry(path), args)))
        return EXIT_OK
    # Load and save under the file's writer lock, so two `set`s of one file queue
    # (each sees the other's edit) instead of the later one ending in a conflict.
    with file_lock(path):
        save_entry(*planned_set(load_entry(path), args))
    return EXIT_OK


def planned_set(
    entry: Entry, args: argparse.Namespace
) -> tuple[Entry, dict[str, Any], str, list[str]]:
    """The data and body ``set``'s arguments give ``entry`` (written by the caller)."""
    path = entry.path
    assignments = [_parse_assignment(a) for a in args.assignments]
    registry = _registry_for(path)
    schema = registry.for_file(entry.data, path)
    declared = () if schema.generic else schema.fields
    inferred = schema.fields if schema.generic else schema.extra_fields(entry.data)
    data = copy.deepcopy(entry.data)
    body = entry.body
    for key in args.unset:
        try:
            delete_path(data, key)
        except KeyPathError as exc:
            raise UsageError(f"{path}: no key {key!r} to remove" + (
                f": {exc.reason}" if exc.reason else "")) from None  # fmt: skip
    for assignment in assignments:
        key = assignment.key
        if key == "body":
            if assignment.typed:
                raise UsageError("body takes text: write body=TEXT")
            body = assignment.raw
            continue
        parts = split_key(key)
        field = _field_at(declared, parts)
        value = _typed_value(
            assignment,
            field or _field_at(inferred, parts),
            declared=field is not None,
            force=args.force,
        )
        if not args.force:
            _check_replace(data, assignment, value)
            _check_dotted_key(data, key)
        try:
            set_value(data, key, value)
        except KeyPathError as exc:
            raise UsageError(f"{path}: cannot set {exc}") from None
    return entry, data, body, registry.for_file(data, path).key_order()


def cmd_render(args: argparse.Namespace) -> int:
    from editor.content.render import render_page
    from editor.content.render_config import load_render_config

    path = Path(args.file)
    if args.output == "":
        raise UsageError("render -o needs a file name (leave -o out to write to standard output)")
    entry = load_entry(path)
    config = load_render_config(_content_root(path))  # the site's look: CSS, template
    html = render_page(
        entry.data, entry.body, _registry_for(path).for_file(entry.data, path), config=config
    )
    if args.output is not None:
        from editor.content.atomic import atomic_write

        # Through a symlink to its target; a FIFO or device is refused, never replaced.
        atomic_write(Path(args.output), html.encode("utf-8"))
    else:
        emit(html)
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


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (argparse prints the usage above it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    get.set_defaults(func=cmd_get)

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
    set_.set_defaults(func=cmd_set)
    from editor.cli_bulk import add_bulk_commands  # replace, rename; set on many files

    add_bulk_commands(sub, set_)

    render = sub.add_parser("render", help="write the page HTML the preview shows")
    render.add_argument("file")
    render.add_argument("-o", "--output", metavar="OUT.html")
    render.set_defaults(func=cmd_render)

    new = sub.add_parser("new", help="create a new entry file from a schema")
    new.add_argument("folder")
    new.add_argument("--schema", required=True)
    new.add_argument("--title", required=True)
    new.set_defaults(func=cmd_new)

    init = sub.add_parser("init", help="write a commented glossary-editor.yaml for a site")
    init.add_argument("folder")
    init.add_argument("--print", action="store_true", help="print it instead of writing it")
    init.set_defaults(func=cmd_init)
    return parser


def cmd_init(args: argparse.Namespace) -> int:
    from editor.content.site.init_file import init_text, write_init

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    if args.print:
        emit(init_text(folder, SchemaRegistry.load(folder)))
    else:
        print(write_init(folder))
    return EXIT_OK


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
