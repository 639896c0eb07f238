"""Hostile input files through every way in: ``check`` (in this process and as a process
of its own), the corpus index (one process and the pool), and ``get``/``set``/``render``.

A content folder is a git checkout anyone can put a file into, and ``check`` runs in CI
on exactly that. Each case asserts what issue 14 asks: exit 0 or 2 (never 1 from a
traceback, never a signal), a clear message naming the file, a bounded time (a generous
subprocess timeout, not a timing assertion), every other entry of the folder still
checked, and no file changed by a command that failed. The window's open of the same
files is in ``tests/ui/test_hostile_open.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from editor.cli import main
from editor.content.frontmatter import MAX_DEPTH
from editor.content.index import CorpusIndex

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # seconds a command may take here before it counts as a hang

GOOD = """\
---
_schema: default
title: >-
    What is {name}?
seo:
  title: What is {name} and why does it matter to the team
  page_description: >-
    A description of {name} that is long enough for the rule, written out in full so
    that only the missing keywords are found.
url: /learn/{name}
---

&nbsp;"""
GOOD_NAMES = ("alpha", "beta", "gamma")


def _front(text: str) -> bytes:
    return f"---\ntitle: Hostile\n{text}---\nbody\n".encode()


def _laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _block(levels: int) -> str:
    return "k:\n" + "".join(" " * i + "a:\n" for i in range(1, levels)) + " " * levels + "a: 1\n"


def _aliases(levels: int) -> str:
    return "k0: &k0 [x]\n" + "".join(f"k{n}: &k{n} [*k{n - 1}]\n" for n in range(1, levels))


def _at_the_bound(flow: bool) -> str:
    """Nesting as deep as the parser lets through: everything downstream copes with it."""
    value: object = "x"
    for level in range(MAX_DEPTH - 1):  # the top mapping is one level
        value = {"k": value} if level % 2 else [value]
    if flow:
        return "deep: " + yaml.safe_dump(value, default_flow_style=True, width=10_000)
    return yaml.safe_dump({"deep": value}, default_flow_style=False)


# name -> (file bytes, what its row says: a fragment of the parse error, or None: it reads)
HOSTILE: dict[str, tuple[bytes, str | None]] = {
    "bound-block.md": (_front(_at_the_bound(flow=False)), None),
    "bound-flow.md": (_front(_at_the_bound(flow=True)), None),
    "deep-block.md": (_front(_block(900)), "nested too deeply"),
    "deep-dashes.md": (_front("k:\n" + "- " * 5000 + "x\n"), "nested too deeply"),
    "deep-flow.md": (_front("k: " + "[" * 330 + "]" * 330 + "\n"), "nested too deeply"),
    "deep-flow-map.md": (
        _front("k: " + "{a: " * 330 + "1" + "}" * 330 + "\n"),
        "nested too deeply",
    ),
    "explicit-keys.md": (_front("? " * 20_000 + "\n"), "nested too deeply"),
    "deep-aliases.md": (_front(_aliases(MAX_DEPTH + 10)), "nested too deeply"),
    "alias-bomb.md": (_front(_laughs()), "aliases expand"),
    "alias-loop.md": (_front("loop: &a [1, *a]\n"), "refers to a value it is part of"),
    "huge-int.md": (_front("id: " + "9" * 5000 + "\n"), "5,000 digits"),
    "huge-scalar.md": (_front("answer: " + "word " * 40_000 + "\n"), None),
    "huge-float.md": (_front("score: 1e99999\n"), None),
    "int-key.md": (_front("1: one\n"), None),
    "null-key.md": (_front("null: nothing\n"), None),
    "bool-key.md": (_front("true: yes\n"), None),
    "date-key.md": (_front("2024-01-01: new year\n"), None),
    "one-and-true.md": (_front("1: one\ntrue: yes\n"), "are one key"),
    "tag-python.md": (_front("x: !!python/object/apply:os.system [ls]\n"), "constructor"),
    "tag-binary.md": (_front("b: !!binary aGVsbG8=\n"), None),
    "tag-set.md": (_front("s: !!set {a, b}\n"), None),
    "tag-omap.md": (_front("o: !!omap [a: 1, b: 2]\n"), None),
    "tag-unknown.md": (_front("x: !foo bar\n"), "constructor"),
    "unclosed-quote.md": (_front('a: "never closed\nb: 2\nc: 3\n'), "quoted scalar"),
    "nul-bytes.md": (b"---\ntitle: x\n---\n\0\0\0", "not a text file"),
}
GIANT = "giant.md"  # sparse, 20 GB: refused unread
LINKED_IN = "linked-in.md"  # a symlink to a good entry: an entry like any other
NOT_LISTED = ("fifo.md", "linked-out.md", "zero.md", "dangling.md")
GIANT_ERROR = "not read"


def _expected() -> dict[str, str | None]:
    """Every listed file -> the fragment its parse-error holds (None: no parse error)."""
    expected: dict[str, str | None] = {name: error for name, (_, error) in HOSTILE.items()}
    expected.update({f"{name}.md": None for name in GOOD_NAMES})
    expected[GIANT] = GIANT_ERROR
    expected[LINKED_IN] = None
    return expected


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Size, mtime and (for small files) bytes of every regular file, links not followed."""
    shot = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        st = path.stat()
        head = path.read_bytes() if st.st_size < 1 << 20 else b""
        shot[path.name] = (st.st_size, st.st_mtime_ns, head)
    return shot


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder holding every hostile file beside three good entries (read only)."""
    root = tmp_path_factory.mktemp("hostile")
    folder, outside = root / "content", root / "outside"
    folder.mkdir()
    outside.mkdir()
    for name in GOOD_NAMES:
        (folder / f"{name}.md").write_text(GOOD.format(name=name), encoding="utf-8")
    for name, (raw, _) in HOSTILE.items():
        (folder / name).write_bytes(raw)
    with (folder / GIANT).open("wb") as giant:
        giant.truncate(20 * 2**30)  # sparse: no disk used
    (outside / "passwd.md").write_text(GOOD.format(name="outside"), encoding="utf-8")
    (folder / LINKED_IN).symlink_to(folder / "alpha.md")
    (folder / "linked-out.md").symlink_to(outside / "passwd.md")
    (folder / "zero.md").symlink_to("/dev/zero")  # read only: nothing here writes to it
    (folder / "dangling.md").symlink_to(folder / "missing.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.md")
    before = _snapshot(folder)
    yield folder
    assert _snapshot(folder) == before, "a command changed a file"


def _assert_rows(records: list[Any]) -> None:
    expected = _expected()
    assert sorted(r.path for r in records) == sorted(expected)
    for record in records:
        fragment = expected[record.path]
        if fragment is None:
            assert record.error is None, (record.path, record.error)
        else:
            assert record.error is not None, record.path
            assert fragment in record.error.message, (record.path, record.error.message)
            assert [f.rule for f in record.findings] == ["parse-error"]
    for name in GOOD_NAMES:  # the good entries were checked as ever
        good = next(r for r in records if r.path == f"{name}.md")
        assert "keywords-missing" in [f.rule for f in good.findings]


@pytest.mark.parametrize("pooled", [False, True])
def test_the_index_makes_one_row_a_file(hostile_folder: Path, pooled: bool) -> None:
    options: dict[str, Any] = {"workers": 2, "pool_min_files": 1} if pooled else {}
    index = CorpusIndex(hostile_folder, cache=False, **options).build_all()
    _assert_rows(index.records)


def test_check_in_process_reports_each_bad_file_and_checks_the_rest(
    hostile_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["check", str(hostile_folder), "--no-cache", "--format", "json", "--fail-on", "never"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    expected = _expected()
    assert report["summary"]["entries"] == len(expected)
    errors = {f["path"]: f["message"] for f in report["findings"] if f["rule"] == "parse-error"}
    assert errors.keys() == {name for name, fragment in expected.items() if fragment}
    for name, message in errors.items():
        assert expected[name] in message
    keywords = {f["path"] for f in report["findings"] if f["rule"] == "keywords-missing"}
    assert {f"{name}.md" for name in GOOD_NAMES} <= keywords


def _run(args: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """The command line as a process of its own, its memory capped so that a regression
    that reads a 20 GB file fails here instead of taking the machine's memory."""

    def cap() -> None:
        import resource

        limit = 4 * 2**30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "editor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        preexec_fn=cap if sys.platform.startswith("linux") else None,
        check=False,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_as_a_process_never_crashes_or_hangs(hostile_folder: Path, fmt: str) -> None:
    done = _run(["check", str(hostile_folder), "--no-cache", "--fail-on", "never", "--format", fmt])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    for name, fragment in _expected().items():
        if fragment:
            assert name in done.stdout
    if fmt == "json":
        assert json.loads(done.stdout)["summary"]["entries"] == len(_expected())


# -- get / set / render -----------------------------------------------------------------
#
# These also depend on the file layer (safe reads: FIFOs, /dev/zero, giant files) and on
# the command line (every failure exits 2 with a message; non-string keys, dates, bytes
# and infinities in JSON), worked on in parallel with this suite.

COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "get": lambda path: ["get", str(path)],
    "set": lambda path: ["set", str(path), "title=Changed"],
    "render": lambda path: ["render", str(path)],
}
SPECIAL = (GIANT, "fifo.md", "zero.md", "dangling.md")


def _copy_of(name: str, hostile_folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / name
    target.write_bytes((hostile_folder / name).read_bytes())
    return target


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_get_set_render_exit_0_or_2_with_a_message(
    hostile_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    name: str,
) -> None:
    path = _copy_of(name, hostile_folder, tmp_path)
    before = path.read_bytes()
    code = main(COMMANDS[command](path))
    _, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert str(path) in err and "Traceback" not in err
    if code == 2 or command != "set":
        assert path.read_bytes() == before
    if HOSTILE[name][1] is not None:  # a file the index refuses is refused here too
        assert code == 2 and HOSTILE[name][1] in err  # type: ignore[operator]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", SPECIAL)
def test_get_set_render_of_what_is_not_a_small_file(
    hostile_folder: Path, command: str, name: str
) -> None:
    path = hostile_folder / name
    if not os.path.lexists(path):
        pytest.skip("no FIFOs here")
    done = _run(COMMANDS[command](path), timeout=20)
    assert done.returncode == 2, done.stderr[-2000:]
    assert str(path) in done.stderr and "Traceback" not in done.stderr
