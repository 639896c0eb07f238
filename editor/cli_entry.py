"""The command line's one-entry commands ``get``, ``render`` and ``new``, and ``init``.

``get`` prints the documented JSON form of every YAML value (:mod:`json_form`), a text
value as it is; ``render`` writes the page the preview shows; ``new`` makes an entry file
from a schema; ``init`` writes a commented ``glossary-editor.yaml`` for a site.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from editor.cli_common import (
    EXIT_OK,
    UsageError,
    content_root,
    emit,
    missing_key,
    registry_for,
)
from editor.content import json_form
from editor.content.document import get_path, load_entry
from editor.content.key_path import KeyPathError
from editor.content.schema import SchemaRegistry


def cmd_get(args: argparse.Namespace) -> int:
    path = Path(args.file)
    entry = load_entry(path)
    value: Any = entry.data
    if args.key is not None:
        try:
            value = get_path(entry.data, args.key)
        except KeyPathError as exc:
            raise missing_key(path, entry.data, args.key, exc) from None
    try:
        text = value if isinstance(value, str) else json_form.dumps(value)
    except json_form.JsonFormError as exc:
        raise UsageError(f"{path}: {exc}") from None
    emit(text + "\n")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from editor.content.render import render_page
    from editor.content.render_config import load_render_config

    path = Path(args.file)
    if args.output == "":
        raise UsageError("render -o needs a file name (leave -o out to write to standard output)")
    entry = load_entry(path)
    config = load_render_config(content_root(path))  # the site's look: CSS, template
    html = render_page(
        entry.data, entry.body, registry_for(path).for_file(entry.data, path), config=config
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
