"""Bring the official YAML test suite's front-matter-shaped cases into the tests.

    python tools/fetch_yaml_suite.py [--commit SHA] [--from REPO] [--out DIR]

The suite (github.com/yaml/yaml-test-suite, MIT) publishes a generated ``data``
branch: one folder per case id (``5WE3``, or ``2G84/00`` ... for cases with variants)
holding ``in.yaml``, ``in.json`` (the data a YAML 1.2 parser must give; absent where
JSON cannot say it), ``error`` (present when the YAML is invalid), ``test.event`` (the
parse events) and ``===`` (the case's name). This script fetches one pinned commit of
that branch with ``git`` (from GitHub, or from a local clone or bare repository given
by ``--from``), keeps the cases that can be front matter, and writes them to ``--out``
(``tests/data/yaml_suite``), replacing what was there, so CI needs no network.

A case can be front matter when its events hold one document whose root is a
mapping (for an invalid case: as far as the events go before the error) and its text
holds no directive (``%``) and no document marker (``---``/``...``) that front matter
delimiters would take for their own; a first line that is a bare ``---`` is the
document's start, so it becomes the front matter's opening delimiter. Each kept case
is written as ``<id>/entry.md`` (``---`` line, the YAML - given a final line break if
it lacked one -, closing ``---`` line: the bytes the tests load), with ``in.json``,
``error`` and ``name`` as the suite has them. The suite's licence (the data branch
has none; it is the ``License`` of the ``main`` branch) goes beside the data as
``LICENSE``, and a ``README.md`` records the source and the commit.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

URL = "https://github.com/yaml/yaml-test-suite.git"
# The data branch's head when pinned: "Regenerated data from main 45db50ae".
PINNED = "6ad3d2c62885d82fc349026c136ef560838fdf3d"
LICENCE_REF = "main"
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "yaml_suite"

_CASE_DIR = re.compile(r"[0-9A-Z]{4}(?:/\d\d)?")
_MARKER = re.compile(rb"^(?:---|\.\.\.)(?:[ \t]|$)|^%", re.MULTILINE)
_BARE_START = re.compile(rb"---[ \t]*\n")


@dataclass(frozen=True)
class Case:
    """One selected case, as it is written out."""

    ident: str  # "5WE3" or "2G84-00"
    entry: bytes  # the case as a front-matter file
    name: bytes
    json: bytes | None
    valid: bool


class Repo:
    """A temporary bare repository holding the fetched commits (read with ``git show``)."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir

    def git(self, *args: str) -> bytes:
        done = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], capture_output=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
        return done.stdout

    def fetch(self, source: str, ref: str) -> None:
        self.git("fetch", "--quiet", "--depth=1", source, ref)

    def show(self, commit: str, path: str) -> bytes:
        return self.git("show", f"{commit}:{path}")


def select(repo: Repo, commit: str) -> list[Case]:
    """The cases of ``commit`` that can be front matter, in id order."""
    names = repo.git("ls-tree", "-r", "--name-only", commit).decode().splitlines()
    folders: dict[str, set[str]] = {}
    for name in names:
        folder, _, file = name.rpartition("/")
        if _CASE_DIR.fullmatch(folder):
            folders.setdefault(folder, set()).add(file)
    cases = []
    for folder, files in sorted(folders.items()):
        if "in.yaml" not in files or "test.event" not in files:
            continue
        events = repo.show(commit, f"{folder}/test.event").decode().splitlines()
        starts = [i for i, event in enumerate(events) if event.startswith("+DOC")]
        if len(starts) != 1:
            continue
        after = events[starts[0] + 1] if starts[0] + 1 < len(events) else ""
        if not after.startswith("+MAP"):
            continue
        text = repo.show(commit, f"{folder}/in.yaml")
        bare = _BARE_START.match(text)
        if bare is not None:
            text = text[bare.end() :]
        if _MARKER.search(text):
            continue
        if text and not text.endswith(b"\n"):
            text += b"\n"
        valid = "error" not in files
        cases.append(
            Case(
                ident=folder.replace("/", "-"),
                entry=b"---\n" + text + b"---\n",
                name=repo.show(commit, f"{folder}/===") if "===" in files else b"",
                json=repo.show(commit, f"{folder}/in.json") if "in.json" in files else None,
                valid=valid,
            )
        )
    return cases


def licence(repo: Repo, source: str) -> tuple[str, bytes]:
    """(commit, licence text) of the suite's ``main`` branch (the data branch has none)."""
    repo.fetch(source, LICENCE_REF)
    main = repo.git("rev-parse", "FETCH_HEAD").decode().strip()
    return main, repo.show(main, "License")


def write(out: Path, cases: list[Case], commit: str, main: str, licence_text: bytes) -> None:
    """Replace ``out``'s cases, licence and README with these."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for case in cases:
        folder = out / case.ident
        folder.mkdir()
        (folder / "entry.md").write_bytes(case.entry)
        (folder / "name").write_bytes(case.name)
        if case.json is not None:
            (folder / "in.json").write_bytes(case.json)
        if not case.valid:
            (folder / "error").write_bytes(b"")
    (out / "LICENSE").write_bytes(licence_text)
    valid = sum(case.valid for case in cases)
    (out / "README.md").write_text(
        "# Cases from the official YAML test suite\n\n"
        "Source: https://github.com/yaml/yaml-test-suite, branch `data`, commit\n"
        f"`{commit}`.\n"
        "Licence: MIT, Copyright (c) 2016-2020 Ingy döt Net - `LICENSE` beside this file\n"
        f"(the suite's `License`, from its `main` branch at `{main[:12]}`).\n\n"
        f"{len(cases)} cases that can be front matter ({valid} valid, {len(cases) - valid}"
        " invalid):\n"
        "one document whose root is a mapping, no directive or document marker inside.\n"
        "Each folder is one case (`<id>` or `<id>-<variant>`): `entry.md` is the case's\n"
        "`in.yaml` between `---` lines (a bare `---` first line of the case is the opening\n"
        "one), `in.json` the data a YAML 1.2 parser must give (absent where JSON cannot\n"
        "say it), `error` marks an invalid case, `name` is the suite's title.\n\n"
        "Written by `tools/fetch_yaml_suite.py`; run it again (with `--commit`) to move\n"
        "the pin. `tests/content/test_yaml_suite.py` runs every case.\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commit", default=PINNED, help="commit of the suite's data branch")
    parser.add_argument(
        "--from",
        dest="source",
        default=URL,
        help="a local clone or bare repository to fetch from instead of GitHub",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (replaced)")
    args = parser.parse_args(argv)
    source = str(Path(args.source).resolve()) if Path(args.source).exists() else args.source
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repo(Path(tmp) / "suite.git")
        subprocess.run(["git", "init", "--quiet", "--bare", str(repo.git_dir)], check=True)
        repo.fetch(source, args.commit)
        commit = repo.git("rev-parse", "FETCH_HEAD").decode().strip()
        cases = select(repo, commit)
        main_commit, licence_text = licence(repo, source)
    write(args.out, cases, commit, main_commit, licence_text)
    valid = sum(case.valid for case in cases)
    print(f"{len(cases)} cases ({valid} valid, {len(cases) - valid} invalid) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
