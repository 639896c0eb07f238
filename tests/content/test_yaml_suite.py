"""The official YAML test suite's front-matter-shaped cases, through the reader and the writer.

``tests/data/yaml_suite/`` holds the cases (``tools/fetch_yaml_suite.py`` selects and
writes them). For every valid case the data read equals the suite's JSON (or a
difference listed in ``READS_OTHERWISE``, where PyYAML, a YAML 1.1 parser, reads it
otherwise or refuses it with a position). For each case the reader takes, a no-op save
gives the same bytes, and adding a key and changing each top-level key give exactly
the intended data and touch only those lines - or the edit is a refusal listed in
``REFUSED`` with the reason its message must give. Every invalid case is refused with
a line:column and the file is left as it was (or is one of the few that libyaml
accepts, listed in ``ACCEPTED_INVALID``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from editor import cli
from editor.content.errors import ParseError, WriteError
from editor.content.frontmatter import load_bytes, split
from editor.content.writer import same_data, update_text

SUITE = Path(__file__).resolve().parent.parent / "data" / "yaml_suite"
TOOL = Path(__file__).resolve().parents[2] / "tools" / "fetch_yaml_suite.py"
ADDED = "added_key"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the reader's parser (libyaml)

# Valid YAML 1.2 that PyYAML (YAML 1.1, libyaml) reads otherwise: case -> reason.
# A case listed here must still read otherwise (the test says when it no longer does).
_EMPTY_KEY = "libyaml refuses an entry with no key (`: value`), which YAML 1.2 reads as a null key"
_COLON_ANCHOR = "libyaml ends an anchor or alias name at ':' (YAML 1.2 allows ':' in it)"
_FLOW_12 = "libyaml keeps YAML 1.1's flow rules: no ':' on the line after a key, no adjacent value"
_COMPLEX_KEY = "a sequence or mapping as a key: Python's dict cannot hold it (unhashable key)"
_LOCAL_TAG = "a local tag (`!foo`) names no type PyYAML's safe loader knows"
_TABS = "libyaml refuses tabs where YAML 1.2 allows them (separation, block scalar content)"
READS_OTHERWISE: dict[str, str] = {
    "2JQS": _EMPTY_KEY,
    "6M2F": _EMPTY_KEY,
    "NHX8": _EMPTY_KEY,
    "S3PD": _EMPTY_KEY,
    "SM9W-01": _EMPTY_KEY,
    "2SXE": _COLON_ANCHOR,
    "W5VH": _COLON_ANCHOR,
    "Y2GN": _COLON_ANCHOR + " and reads `&an:chor value` as the text ':chor value'",
    "3GZX": "libyaml refuses a second anchor of the same name (YAML 1.2: the later one wins)",
    "4ABK": _FLOW_12,
    "4MUZ-00": _FLOW_12,
    "4MUZ-01": _FLOW_12,
    "4MUZ-02": _FLOW_12,
    "58MP": _FLOW_12,
    "5MUD": _FLOW_12,
    "FRK4": _FLOW_12,
    "K3WX": _FLOW_12,
    "VJP3-01": _FLOW_12,
    "565N": "!!binary reads as bytes, not as the base64 text the suite's JSON holds",
    "652Z": "`{ ?foo: bar }` reads as the key 'foo' (YAML 1.2: the plain scalar '?foo')",
    "6BFJ": _COMPLEX_KEY,
    "6PBE": _COMPLEX_KEY,
    "KK5P": _COMPLEX_KEY,
    "LX3P": _COMPLEX_KEY,
    "M2N8-01": _COMPLEX_KEY,
    "M5DY": _COMPLEX_KEY,
    "Q9WF": _COMPLEX_KEY,
    "RZP5": _COMPLEX_KEY,
    "SBG9": _COMPLEX_KEY,
    "X38W": _COMPLEX_KEY,
    "XW4D": _COMPLEX_KEY,
    "7FWL": _LOCAL_TAG,
    "CUP7": _LOCAL_TAG,
    "M5C3": _LOCAL_TAG,
    "Z67P": _LOCAL_TAG,
    "96NN-00": _TABS,
    "96NN-01": _TABS,
    "A2M4": _TABS,
    "DK95-00": _TABS,
    "DK95-03": _TABS,
    "DK95-04": _TABS,
    "Q5MG": _TABS,
}

# Invalid YAML 1.2 that libyaml accepts (the reader takes it as libyaml does): case -> reason.
ACCEPTED_INVALID: dict[str, str] = {
    "9C9N": "libyaml accepts a flow sequence's lines indented less than its key",
    "DK95-01": "libyaml accepts a tab that looks like indentation before a plain continuation",
    "QB6E": "libyaml accepts a quoted scalar's lines indented less than its key",
    "S98Z": "libyaml accepts a block scalar's leading blank line with more spaces than its content",
    "SU5Z": "libyaml accepts a comment with no space after a closing quote",
    "X4QW": "libyaml accepts a comment with no space after a block scalar's header",
}

# Edits refused with a WriteError: (case, edit) -> words its message must hold.
# ``edit`` is "add" or "change <key>".
# Changing an anchored value that an alias repeats elsewhere would change that copy too.
_ANCHORED = "and an alias (*{0}) repeats it elsewhere; changing it here would change that copy"
REFUSED: dict[tuple[str, str], str] = {
    ("6KGN", "change a"): _ANCHORED.format("anchor"),
    ("E76Z", "change a"): _ANCHORED.format("b"),
    ("JS2J", "change First occurrence"): _ANCHORED.format("anchor"),
}


@dataclass(frozen=True)
class Case:
    ident: str
    text: str
    expected: Any  # the suite's JSON, or None where it has none
    has_json: bool
    valid: bool


def _cases() -> list[Case]:
    found = []
    for folder in sorted(SUITE.iterdir()):
        if not (folder / "entry.md").is_file():
            continue
        json_file = folder / "in.json"
        found.append(
            Case(
                ident=folder.name,
                text=(folder / "entry.md").read_bytes().decode("utf-8"),
                expected=json.loads(json_file.read_text("utf-8")) if json_file.exists() else None,
                has_json=json_file.exists(),
                valid=not (folder / "error").exists(),
            )
        )
    return found


CASES = _cases()
VALID = [case for case in CASES if case.valid]
INVALID = [case for case in CASES if not case.valid]


def read(text: str) -> dict[str, Any]:
    return load_bytes(text.encode("utf-8"))[1]


def as_json(value: Any) -> Any:
    """PyYAML's data in the JSON model where it fits (keys as JSON writes them)."""
    if isinstance(value, dict):
        return {_json_key(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_key(key: Any) -> Any:
    if key is None:
        return ""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key) if isinstance(key, int | float) else key


def changed(value: Any) -> Any:
    """A new value of the same kind, as an editor's change would give."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, str):
        return value + " (edited)"
    if isinstance(value, dict):
        return {**value, "edited": "yes"}
    if isinstance(value, list):
        return [*value, "edited"]
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return "edited"


def root_entries(text: str) -> tuple[yaml.MappingNode, int]:
    """The root mapping node of the front matter and the file line (0-based) it starts on."""
    parts = split(text)
    root = yaml.compose(parts.front, Loader=LOADER)
    assert isinstance(root, yaml.MappingNode)
    return root, parts.front_line - 1


def end_line(node: yaml.Node) -> int:
    """0-based front line of a node's last character."""
    mark = node.end_mark
    at_line_start = mark.column == 0 and mark.line > node.start_mark.line
    return int(mark.line) - 1 if at_line_start else int(mark.line)


def hunks(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    opcodes = difflib.SequenceMatcher(
        None, old.splitlines(True), new.splitlines(True), autojunk=False
    ).get_opcodes()
    return [op for op in opcodes if op[0] != "equal"]


def edit_or_refusal(case: Case, edit: str, new: dict[Any, Any]) -> str | None:
    """The written text, or None for a listed refusal (whose message is checked)."""
    reason = REFUSED.get((case.ident, edit))
    if reason is None:
        out = update_text(case.text, new)
        assert same_data(read(out), new)
        return out
    with pytest.raises(WriteError) as refused:
        update_text(case.text, new)
    assert reason in str(refused.value)
    return None


def by_id(cases: list[Case]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case.ident for case in cases])


@by_id(VALID)
def test_reads_as_the_suite_says(case: Case) -> None:
    if case.ident in READS_OTHERWISE:
        try:
            data = read(case.text)
        except ParseError as refused:  # refused cleanly, with the position
            assert refused.line is not None
            return
        assert not (case.has_json and same_data(as_json(data), case.expected)), (
            "reads as the suite says now: drop it from READS_OTHERWISE"
        )
        return
    data = read(case.text)
    if case.has_json:
        assert same_data(as_json(data), case.expected)  # JSON objects have no order
    else:  # JSON cannot hold it (complex or empty keys): the keys are those YAML gives
        assert isinstance(data, dict)


@by_id([case for case in VALID if case.has_json and case.ident not in READS_OTHERWISE])
def test_get_prints_the_suite_json(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``glossary-editor get`` prints the suite's JSON (in ``json_form``'s documented form)."""
    path = tmp_path / "entry.md"
    path.write_text(case.text, encoding="utf-8", newline="")
    assert cli.main(["get", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert same_data(printed, case.expected)


def _readable(case: Case) -> bool:
    try:
        read(case.text)
    except ParseError:
        return False
    return True


# The edit tests run on every valid case the reader takes (the others are listed above).
EDITABLE = [case for case in VALID if _readable(case)]


@by_id(EDITABLE)
def test_no_op_save_is_byte_identical(case: Case) -> None:
    data = read(case.text)
    assert update_text(case.text, data) == case.text


@by_id(EDITABLE)
def test_adding_a_key_inserts_only_its_lines(case: Case) -> None:
    data = read(case.text)
    assert ADDED not in data
    out = edit_or_refusal(case, "add", {**data, ADDED: "added value"})
    if out is None:
        return
    root, first = root_entries(case.text)
    touched = hunks(case.text, out)
    assert len(touched) == 1
    _, i1, i2, _, _ = touched[0]
    if root.flow_style:  # inside the braces: only the last entry's lines, up to "}"
        before_last = root.value[-2][1] if len(root.value) > 1 else root
        last = first + (end_line(before_last) if len(root.value) > 1 else root.start_mark.line)
        assert last <= i1 <= i2 <= first + end_line(root) + 1
    else:
        assert i1 == i2  # lines inserted, none changed


@by_id(EDITABLE)
def test_changing_each_key_touches_only_its_lines(case: Case) -> None:
    data = read(case.text)
    root, first = root_entries(case.text)
    loader = LOADER("")
    for i, (knode, vnode) in enumerate(root.value):
        key = loader.construct_object(knode, deep=True)
        new = {**data, key: changed(data[key])}
        out = edit_or_refusal(case, f"change {key}", new)
        if out is None:
            continue
        # The entry's lines: from its key to its value's end (an alias's node is its
        # anchor's, so the next key bounds an alias; a flow root shares lines).
        key_line = first + knode.start_mark.line
        if knode.start_mark.index == knode.end_mark.index and i > 0:  # a lone "?": no text
            key_line = first + end_line(root.value[i - 1][1])
        if i + 1 < len(root.value):
            next_key = first + root.value[i + 1][0].start_mark.line
        else:
            next_key = first + end_line(root) + 1
        if vnode.start_mark.index < knode.start_mark.index:
            stop = next_key
        elif root.flow_style:
            stop = first + end_line(vnode) + 1
        else:
            stop = min(first + end_line(vnode) + 1, next_key)
        start, stop = key_line, max(stop, key_line + 1)
        for _, i1, i2, _, _ in hunks(case.text, out):
            assert start <= i1 <= i2 <= stop, f"{key!r}: lines {i1}-{i2} outside {start}-{stop}"


@by_id(INVALID)
def test_invalid_case_is_refused_with_a_position(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if case.ident in ACCEPTED_INVALID:  # read as libyaml reads it, and saved unchanged
        assert update_text(case.text, read(case.text)) == case.text
        return
    with pytest.raises(ParseError) as refused:
        read(case.text)
    assert refused.value.line is not None
    assert refused.value.column is not None
    path = tmp_path / "entry.md"
    path.write_bytes(case.text.encode("utf-8"))
    assert cli.main(["set", str(path), f"{ADDED}=x"]) == 2
    assert f"{path}:{refused.value.line}:" in capsys.readouterr().err
    assert path.read_bytes() == case.text.encode("utf-8")


def test_the_suite_is_there() -> None:
    assert len(VALID) > 100
    assert len(EDITABLE) > 90
    assert len(INVALID) > 30
    assert (SUITE / "LICENSE").read_text("utf-8").startswith("MIT License")


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "commit.gpgsign=false", "-C", str(repo), *args]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_fetch_tool_keeps_only_front_matter_shaped_cases(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("fetch_yaml_suite", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules["fetch_yaml_suite"] = tool
    spec.loader.exec_module(tool)
    repo = tmp_path / "suite"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "config", "user.name", "t")
    (repo / "License").write_text("MIT License\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "main")
    _git(repo, "checkout", "-q", "--orphan", "data")
    _git(repo, "rm", "-rfq", ".")
    cases = {
        "AAAA": ("a: 1\n", "+STR\n+DOC\n+MAP\n=VAL :a\n=VAL :1\n-MAP\n-DOC\n-STR\n", '{"a": 1}'),
        "BBBB": ("- a\n", "+STR\n+DOC\n+SEQ\n=VAL :a\n-SEQ\n-DOC\n-STR\n", '["a"]'),
        "CCCC/00": ("---\nb: 2", "+STR\n+DOC ---\n+MAP\n=VAL :b\n=VAL :2\n-MAP\n-DOC\n", None),
        "DDDD": ("a: 1\n---\nb: 2\n", "+STR\n+DOC\n+MAP\n-MAP\n-DOC\n+DOC ---\n", None),
        "EEEE": ("a: 1\n...\n", "+STR\n+DOC\n+MAP\n=VAL :a\n=VAL :1\n-MAP\n-DOC ...\n", None),
        "FFFF": ("a: [\n", "+STR\n+DOC\n+MAP\n=VAL :a\n+SEQ []\n", None),
    }
    for ident, (yaml_text, events, json_text) in cases.items():
        folder = repo / ident
        folder.mkdir(parents=True)
        (folder / "in.yaml").write_text(yaml_text)
        (folder / "test.event").write_text(events)
        (folder / "===").write_text(f"case {ident}\n")
        if json_text is not None:
            (folder / "in.json").write_text(json_text)
        if ident == "FFFF":
            (folder / "error").write_text("")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "data")
    commit = _git(repo, "rev-parse", "HEAD")
    out = tmp_path / "out"
    assert tool.main(["--commit", commit, "--from", str(repo), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["AAAA", "CCCC-00", "FFFF"]
    assert (out / "AAAA" / "entry.md").read_text() == "---\na: 1\n---\n"
    assert (out / "CCCC-00" / "entry.md").read_text() == "---\nb: 2\n---\n"
    assert (out / "FFFF" / "error").exists()
    assert not (out / "CCCC-00" / "in.json").exists()
    assert (out / "LICENSE").read_text() == "MIT License\n"
    assert commit in (out / "README.md").read_text()
