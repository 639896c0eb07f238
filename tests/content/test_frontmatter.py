"""Reading front matter: decoding, splitting at the delimiters, YAML/TOML/JSON parsing."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content import frontmatter
from editor.content.errors import ParseError
from editor.content.frontmatter import decode, load_bytes, parse_yaml, split

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_CONTENT = Path(__file__).resolve().parents[2] / "sample_content"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def joined(parts: frontmatter.SplitText) -> str:
    return parts.prefix + parts.front + parts.closing + parts.body


# -- decode ------------------------------------------------------------------------


def test_decode_strips_bom_and_reports_it() -> None:
    text, had_bom = decode(fixture("fm_crlf_bom.md"))
    assert had_bom
    assert not text.startswith("\ufeff")
    assert text.startswith("---\r\n")


def test_decode_keeps_crlf_untouched() -> None:
    raw = fixture("fm_crlf_bom.md")
    text, _ = decode(raw)
    assert text.count("\r\n") == raw.count(b"\r\n") > 0
    assert text.encode("utf-8") == raw[3:]


def test_decode_without_bom() -> None:
    text, had_bom = decode("é\n".encode())
    assert (text, had_bom) == ("é\n", False)


def test_invalid_utf8_reports_file_line_and_column() -> None:
    raw = fixture("fm_invalid_utf8.md")
    bad = raw.index(b"\xff")
    line = raw[:bad].count(b"\n") + 1
    column = len(raw[raw.rfind(b"\n", 0, bad) + 1 : bad].decode()) + 1
    with pytest.raises(ParseError) as info:
        decode(raw, Path("bog.md"))
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert "invalid UTF-8" in err.message
    assert str(err).startswith(f"bog.md:{line}:{column}:")


def test_invalid_utf8_column_counts_characters_not_bytes() -> None:
    with pytest.raises(ParseError) as info:
        decode("ab\nxé€y".encode() + b"\xc3(")
    assert (info.value.line, info.value.column) == (2, 5)


# -- split ---------------------------------------------------------------------------


def test_split_yaml_parts() -> None:
    text = "---\ntitle: A\n---\n\n&nbsp;"
    parts = split(text)
    assert parts.format == "yaml"
    assert (parts.prefix, parts.front, parts.closing, parts.body) == (
        "---\n",
        "title: A\n",
        "---\n",
        "\n&nbsp;",
    )
    assert parts.front_line == 2
    assert parts.newline == "\n"


def test_split_crlf_keeps_line_breaks_in_every_part() -> None:
    text, _ = decode(fixture("fm_crlf_bom.md"))
    parts = split(text)
    assert parts.newline == "\r\n"
    assert parts.prefix == "---\r\n"
    assert parts.closing == "---\r\n"
    assert joined(parts) == text


def test_split_accepts_yaml_document_end_marker() -> None:
    parts = split("---\na: 1\n...\nbody\n")
    assert parts.closing == "...\n"
    assert parts.body == "body\n"


def test_split_blank_line_before_closing_stays_in_front() -> None:
    text = "---\na: 1\nb: 2\n\n---\n\n&nbsp;"
    parts = split(text)
    assert parts.front == "a: 1\nb: 2\n\n"
    assert parse_yaml(parts.front) == {"a": 1, "b": 2}


def test_split_closing_at_end_of_file_without_newline() -> None:
    parts = split("---\na: 1\n---")
    assert (parts.closing, parts.body) == ("---", "")


def test_split_empty_front_matter() -> None:
    parts = split("---\n---\nBody")
    assert parts.front == ""
    assert parse_yaml(parts.front) == {}


def test_split_no_front_matter() -> None:
    text = "# Just Markdown\n\n---\nnot front matter\n"
    parts = split(text)
    assert parts.format == "none"
    assert parts.body == text
    assert parts.prefix == parts.front == parts.closing == ""


def test_split_missing_closing_is_an_error_at_line_one() -> None:
    text, _ = decode(fixture("fm_unclosed.md"))
    with pytest.raises(ParseError) as info:
        split(text, Path("peat.md"))
    assert (info.value.line, info.value.column) == (1, 1)
    assert "never closed" in info.value.message


def test_split_toml() -> None:
    text, _ = decode(fixture("fm_toml.md"))
    parts = split(text)
    assert parts.format == "toml"
    assert parts.prefix == parts.closing == "+++\n"
    assert joined(parts) == text


def test_split_json_object_with_braces_inside_strings() -> None:
    text = '{\n  "title": "a } brace",\n  "n": {"x": 1}\n}\nBody {x}\n'
    parts = split(text)
    assert parts.format == "json"
    assert parts.front == '{\n  "title": "a } brace",\n  "n": {"x": 1}\n}'
    assert parts.body == "Body {x}\n"
    assert joined(parts) == text


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(["---", "+++"]),
    st.lists(st.text(alphabet="ab: -+.#\t\r", max_size=12), max_size=5),
    st.text(max_size=30),
    st.sampled_from(["\n", "\r\n"]),
)
def test_split_parts_always_join_back(marker: str, lines: list[str], body: str, nl: str) -> None:
    closing = "..." if marker == "---" and len(lines) % 2 else marker
    text = marker + nl + "".join(line + nl for line in lines) + closing + nl + body
    try:
        parts = split(text)
    except ParseError:
        return
    assert joined(parts) == text
    assert parts.front_line == 2
    assert parts.newline == nl


# -- parse_yaml ------------------------------------------------------------------------


def test_parse_yaml_keeps_dates_and_numbers() -> None:
    data = parse_yaml("date: 2024-11-27\nscore: -1.0\nid: 7\n")
    assert data == {"date": dt.date(2024, 11, 27), "score": -1.0, "id": 7}
    assert type(data["score"]) is float
    assert type(data["date"]) is dt.date


def test_duplicate_key_top_level_reports_second_key() -> None:
    front = "title: A\nsubject: B\ntitle: C\n"
    with pytest.raises(ParseError) as info:
        parse_yaml(front, Path("x.md"), first_line=2)
    assert (info.value.line, info.value.column) == (4, 1)
    assert info.value.message == "duplicate key 'title'"


def test_duplicate_key_nested_in_fixture_reports_file_position() -> None:
    raw = fixture("fm_duplicate_key.md")
    lines = raw.decode().splitlines()
    dup_line = [i for i, line in enumerate(lines, 1) if line.strip().startswith("title:")][-1]
    dup_col = len(lines[dup_line - 1]) - len(lines[dup_line - 1].lstrip()) + 1
    with pytest.raises(ParseError) as info:
        load_bytes(raw, Path("mills.md"))
    assert (info.value.line, info.value.column) == (dup_line, dup_col)
    assert "duplicate key 'title'" in str(info.value)
    assert str(info.value).startswith(f"mills.md:{dup_line}:{dup_col}:")


def test_duplicate_key_inside_list_items() -> None:
    with pytest.raises(ParseError) as info:
        parse_yaml("faq:\n  - q: a\n    q: b\n")
    assert (info.value.line, info.value.column) == (3, 5)


def test_equal_keys_in_different_mappings_are_fine() -> None:
    data = parse_yaml("a:\n  title: x\nb:\n  title: y\ntitle: z\n")
    assert data == {"a": {"title": "x"}, "b": {"title": "y"}, "title": "z"}


def test_merge_keys_still_work() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert data["other"] == {"x": 1, "y": 3}


def test_broken_yaml_reports_file_line_and_column() -> None:
    raw = fixture("fm_broken_yaml.md")
    parts = split(raw.decode())
    with pytest.raises(yaml.MarkedYAMLError) as plain:
        yaml.safe_load(parts.front)
    mark = plain.value.problem_mark
    assert mark is not None
    with pytest.raises(ParseError) as info:
        load_bytes(raw, Path("tea.md"))
    assert (info.value.line, info.value.column) == (mark.line + 2, mark.column + 1)
    assert info.value.message.startswith("invalid YAML")


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(ParseError) as info:
        parse_yaml("- a\n- b\n", first_line=2)
    assert info.value.line == 2
    assert "mapping" in info.value.message


def test_tab_indentation_error_has_position() -> None:
    with pytest.raises(ParseError) as info:
        parse_yaml("a:\n\tb: 1\n", first_line=2)
    assert info.value.line == 3


# -- load_bytes -------------------------------------------------------------------------


def test_load_bytes_yaml_with_bom() -> None:
    parts, data, had_bom = load_bytes(fixture("fm_crlf_bom.md"))
    assert had_bom
    assert data == {
        "title": "Hedge laying",
        "subject": "Crafts",
        "steps": ["Cut the stems", "Lay them over"],
    }
    assert parts.body == "\r\nBody line one.\r\nBody line two.\r\n"


def test_load_bytes_toml() -> None:
    parts, data, _ = load_bytes(fixture("fm_toml.md"))
    assert parts.format == "toml"
    assert data == {"title": "Canal locks", "date": dt.date(2024, 5, 1)}


def test_load_bytes_json() -> None:
    parts, data, _ = load_bytes(fixture("fm_json.md"))
    assert parts.format == "json"
    assert data == {"title": "Salt marshes", "tags": ["coast", "wetland"]}
    assert parts.body == "\nBody text.\n"


def test_load_bytes_broken_toml_and_json_have_positions() -> None:
    with pytest.raises(ParseError) as toml_err:
        load_bytes(b'+++\ntitle = "x"\ndate = \n+++\n')
    assert toml_err.value.line == 3
    with pytest.raises(ParseError) as json_err:
        load_bytes(b'{\n  "a": 1,\n}\nbody\n')
    assert (json_err.value.line, json_err.value.column) == (3, 1)


def test_load_bytes_no_front_matter() -> None:
    parts, data, _ = load_bytes(b"# Title\n\ntext\n")
    assert (parts.format, data) == ("none", {})


def _content_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "SOURCES.md")


def test_real_content_loads_like_python_frontmatter(shared_dir: Path) -> None:
    import frontmatter as python_frontmatter

    files = _content_files(shared_dir / "real_content")
    assert files
    for path in files:
        raw = path.read_bytes()
        parts, data, _ = load_bytes(raw, path)
        assert joined(parts) == raw.decode()
        post = python_frontmatter.loads(raw.decode())
        assert data == post.metadata, path.name
        assert parts.body.strip() == post.content.strip()


def test_sample_content_loads() -> None:
    files = _content_files(SAMPLE_CONTENT)
    if not files:
        pytest.skip("sample_content/ is empty")
    for path in files:
        parts, data, _ = load_bytes(path.read_bytes(), path)
        assert parts.format == "yaml"
        assert "_schema" in data, path.name


# -- bounds: depth, aliases, numbers ---------------------------------------------------

DEPTH = frontmatter.MAX_DEPTH


def _depth(value: object) -> int:
    """Collections inside collections, the top one included (iterative: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
        else:
            continue
        deepest = max(deepest, level)
    return deepest


def _block_map(levels: int) -> str:  # one space more indentation per level
    return "".join(" " * i + "a:\n" for i in range(levels - 1)) + " " * (levels - 1) + "a: 1\n"


def _alias_chain(levels: int) -> str:  # each key one list deeper, through an alias
    lines = ["k0: &k0 [x]"] + [f"k{n}: &k{n} [*k{n - 1}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


# Each kind of nesting, as a function of the collections it nests inside the top mapping.
NESTINGS = {
    "block-mapping": _block_map,
    "block-sequence": lambda n: "k:\n" + "- " * n + "x\n",
    # ``a:`` then ``- b:`` at the same indentation: two levels a line, two columns apart
    "indentless": lambda n: (
        "k:\n"
        + "".join(" " * (2 * i) + "- a:\n" for i in range(n // 2))
        + " " * (n // 2 * 2)
        + "- x\n"
    ),
    "explicit-keys": lambda n: "? k\n: " + "- " * n + "x\n",
    "flow-sequence": lambda n: "k: " + "[" * n + "]" * n + "\n",
    "flow-mapping": lambda n: "k: " + "{a: " * n + "1" + "}" * n + "\n",
    "aliases": _alias_chain,
}


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_every_kind_of_nesting_is_refused_past_the_bound_with_a_position(kind: str) -> None:
    text = NESTINGS[kind](DEPTH + 5)
    with pytest.raises(ParseError, match="nested too deeply") as info:
        parse_yaml(text, Path("deep.md"), 2)
    assert info.value.line is not None and info.value.line >= 2
    assert info.value.column is not None


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_nesting_within_the_bound_still_parses(kind: str) -> None:
    text = NESTINGS[kind](DEPTH // 2)
    assert _depth(parse_yaml(text)) > DEPTH // 4


@pytest.mark.parametrize("count", [900, 20_000])
def test_absurd_nesting_of_every_kind_is_refused_without_crashing(count: int) -> None:
    """libyaml's composer recurses in C: this many levels used to kill the process."""
    for text in (_block_map(count), NESTINGS["block-sequence"](count), "? " * count + "x\n"):
        with pytest.raises(ParseError, match="nested too deeply"):
            parse_yaml(text)
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_yaml(NESTINGS["flow-sequence"](count))


def _nested(draw: st.DrawFn) -> object:
    value: object = "x"
    levels = draw(st.integers(1, DEPTH + 8))  # drawn apart: short lists are drawn most
    for kind in draw(st.lists(st.sampled_from("ml"), min_size=levels, max_size=levels)):
        value = {"k": value} if kind == "m" else [value]
    return value


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from([False, True]), st.integers(2, 5))
def test_the_depth_bound_is_exact_whatever_the_layout(
    data: st.DataObject, flow: bool, indent: int
) -> None:
    """The cheap screen may send a text to the exact count, but never lets a deep one
    through and never refuses a shallow one: PyYAML's own layouts (compact ``- - x``,
    ``- k:``, indentless sequences, flow) nest every depth around the bound."""
    value = {"top": data.draw(st.composite(_nested)())}
    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent, width=10_000)
    if _depth(value) <= DEPTH:
        assert parse_yaml(text) == value
    else:
        with pytest.raises(ParseError, match="nested too deeply"):
            parse_yaml(text)
    from editor.content import fast_yaml

    fast = fast_yaml.try_fast(text)
    assert fast is None or (fast == value and _depth(fast) <= DEPTH)


def _laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for prev, name in pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_with_a_position() -> None:
    with pytest.raises(ParseError, match="aliases expand to more than") as info:
        parse_yaml(_laughs(), Path("laughs.md"), 2)
    assert info.value.line is not None and 2 <= info.value.line <= 11


def test_a_few_aliases_still_work() -> None:
    data = parse_yaml(_laughs(3))
    assert len(data["c"]) == 9 and data["c"][0] == data["b"] and len(data["a"]) == 9


def test_an_alias_inside_the_value_it_names_is_refused() -> None:
    with pytest.raises(ParseError, match="refers to a value it is part of") as info:
        parse_yaml("title: x\na: &a\n  b: [1, *a]\n", Path("loop.md"), 2)
    assert info.value.line == 3  # the anchored value


def test_a_huge_integer_is_a_clear_error_on_both_paths() -> None:
    text = "id: " + "9" * 5000 + "\n"
    with pytest.raises(ParseError, match="5,000 digits is too long") as info:
        parse_yaml(text, Path("n.md"), 2)
    assert (info.value.line, info.value.column) == (2, 5)
    assert len(str(info.value)) < 200  # the number is not repeated in the message
    from editor.content import fast_yaml

    assert fast_yaml.try_fast(text) is None  # not taken on the fast path either
    assert fast_yaml.try_fast("id: 12345678901234567890123\n") is None
    assert parse_yaml("id: 12345678901234567890123\n") == {"id": 12345678901234567890123}


# -- keys that are not strings ---------------------------------------------------------


def test_keys_that_are_not_strings_are_kept_as_yaml_reads_them() -> None:
    data = parse_yaml("1: one\nnull: n\nfalse: f\n2024-01-01: d\n1.5: x\n")
    assert data == {1: "one", None: "n", False: "f", dt.date(2024, 1, 1): "d", 1.5: "x"}
    assert [type(k) for k in data] == [int, type(None), bool, dt.date, float]


@pytest.mark.parametrize(("first", "second"), [("1", "true"), ("0", "false"), ("1", "1.0")])
def test_keys_one_to_python_but_two_to_yaml_are_refused_by_name(first: str, second: str) -> None:
    with pytest.raises(ParseError, match=f"keys {first} and {second} are one key") as info:
        parse_yaml(f"title: x\n{first}: a\n{second}: b\n", Path("k.md"), 2)
    assert (info.value.line, info.value.column) == (4, 1)


# -- error positions point at the cause -----------------------------------------------


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    raw = b'---\ntitle: T\na: 1\nb: 2\nd: "unclosed\ne: 5\nf: 6\ng: 7\n---\nbody\n'
    with pytest.raises(ParseError, match="quoted scalar") as info:
        load_bytes(raw, Path("q.md"))
    assert (info.value.line, info.value.column) == (5, 4)


@pytest.mark.parametrize(
    "raw",
    [
        b"---\ntitle: T\nThis is the body.\n---\nmore\n",
        b"---\ntitle: T\nurl: /x\n\nThe body starts here\nand goes on.\n\n---\n\nmore\n",
    ],
)
def test_front_matter_running_into_a_later_rule_is_reported_at_its_opening(raw: bytes) -> None:
    with pytest.raises(ParseError, match="not closed") as info:
        load_bytes(raw, Path("u.md"))
    err = info.value
    assert (err.line, err.column) == (1, 1)
    rule = raw.split(b"\n").index(b"---", 1) + 1
    text = next(
        n for n, line in enumerate(raw.split(b"\n"), 1) if line.startswith((b"This", b"The"))
    )
    assert f"before line {text}," in err.message and f"on line {rule} " in err.message


def test_a_stray_line_inside_front_matter_is_reported_on_that_line() -> None:
    with pytest.raises(ParseError, match="could not find expected ':'") as info:
        load_bytes(b"---\ntitle: x\noops\nurl: y\n---\n", Path("s.md"))
    assert (info.value.line, info.value.column) == (3, 1)


def test_a_parser_error_names_where_its_collection_opened() -> None:
    with pytest.raises(ParseError) as info:
        load_bytes(b"---\ntitle: x\na: [1, 2\nb: 3\n---\n", Path("f.md"))
    assert info.value.line == 4 and "started on line 3" in info.value.message


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b'{"a": ' + b"[" * 80 + b"1" + b"]" * 80 + b"}\n", "JSON"),
        (b"+++\na = " + b"[" * 80 + b"1" + b"]" * 80 + b"\n+++\n", "TOML"),
    ],
)
def test_json_and_toml_front_matter_have_the_same_depth_bound(raw: bytes, kind: str) -> None:
    with pytest.raises(ParseError, match=f"invalid {kind}: nested too deeply"):
        load_bytes(raw, Path("deep.md"))
    shallow = raw.replace(b"[" * 80, b"[" * 20).replace(b"]" * 80, b"]" * 20)
    assert load_bytes(shallow)[1]["a"]
