"""``glossary-editor set`` follows the schema: typed fields, dotted keys, no silent replacing.

Every refused input is checked for exit code 2, a one-line message and an unchanged file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from editor.cli import main
from editor.content.document import get_path, load_entry, set_path
from editor.content.key_path import join_key, split_key


@pytest.fixture
def qa(tmp_path: Path, fixtures_dir: Path) -> Path:
    """A Q&A article (``_schema: default``: ``date`` is a date, ``id`` a number)."""
    target = tmp_path / "qa_article.md"
    shutil.copy(fixtures_dir / "qa_article.md", target)
    return target


@pytest.fixture
def glossary(tmp_path: Path, fixtures_dir: Path) -> Path:
    """A glossary entry with three FAQ items."""
    target = tmp_path / "fm_glossary.md"
    shutil.copy(fixtures_dir / "fm_glossary.md", target)
    return target


@pytest.fixture
def untyped(tmp_path: Path) -> Path:
    """No ``_schema``: the values already there give the types."""
    target = tmp_path / "untyped.md"
    target.write_text(
        "---\ntitle: Plain\ndate: 2021-05-06\ncount: 3\ndraft: true\n"
        "og.title: Dotted key\ntags: [a, b]\n---\nBody\n",
        encoding="utf-8",
    )
    return target


def refused(capsys: pytest.CaptureFixture[str], path: Path, *argv: str, message: str) -> None:
    """``set`` exits 2 with one line on stderr holding ``message``; the file is unchanged."""
    before = path.read_bytes()
    code = main(["set", str(path), *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("glossary-editor: error: ") and err.count("\n") == 1, err
    assert message in err
    assert path.read_bytes() == before


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_date_field_gets_a_date(qa: Path) -> None:
    before = qa.read_text(encoding="utf-8")
    assert main(["set", str(qa), "date=2020-01-01"]) == 0
    assert changed_lines(before, qa.read_text(encoding="utf-8")) == [
        ("date: 2024-12-02", "date: 2020-01-01")
    ]
    assert main(["set", str(qa), 'date:="2021-03-04"']) == 0
    assert str(load_entry(qa).data["date"]) == "2021-03-04"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["date=2020-02-30"], "date is a date field: '2020-02-30' is not a date"),
        (['date:="2020-02-30"'], "date is a date field: '2020-02-30' is not a date"),
        (["date=soon"], "is not a date"),
        (["date=", "title=T"], "--unset date removes it"),
        (["date:=20200101"], "date is a date field: it takes a date"),
        (["id=12x"], "id is a number field: '12x' is not a number"),
        (["id=nan"], "'nan' is not a number"),
        (['id:="12"'], "id is a number field: it takes a number"),
        (["related_article1.id=abc"], "related_article1.id is a number field"),
        (["title:=5"], "title is a line field: it takes text"),
        (['seo.title:=["a"]'], "seo.title is a line field"),
    ],
)
def test_schema_types_are_enforced(
    qa: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, qa, *argv, message=message)


def test_number_field_gets_a_number(qa: Path) -> None:
    assert main(["set", str(qa), "id=77", "score=4.5", "related_article1.id=12"]) == 0
    data = load_entry(qa).data
    assert (data["id"], data["score"], data["related_article1"]["id"]) == (77, 4.5, 12)


def test_untyped_keys_keep_the_type_already_there(
    untyped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set", str(untyped), "date=2022-01-02", "count=4", "draft=false"]) == 0
    data = load_entry(untyped).data
    assert (str(data["date"]), data["count"], data["draft"]) == ("2022-01-02", 4, False)
    refused(capsys, untyped, "count=many", message="write count:=JSON to store another type")
    assert main(["set", str(untyped), 'count:="many"']) == 0  # := may change an untyped key
    assert load_entry(untyped).data["count"] == "many"


def test_dotted_key_escape(untyped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, untyped, "og.title=New", message="write 'og\\.title' to set it")
    before = untyped.read_text(encoding="utf-8")
    assert main(["set", str(untyped), "og\\.title=New"]) == 0
    assert changed_lines(before, untyped.read_text(encoding="utf-8")) == [
        ("og.title: Dotted key", "og.title: New")
    ]
    assert main(["set", str(untyped), "og.title=Map", "--force"]) == 0
    data = load_entry(untyped).data
    assert (data["og.title"], data["og"]) == ("New", {"title": "Map"})


def test_replacing_a_mapping_or_list_needs_force(
    qa: Path, untyped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, qa, "seo=", message="give --force to replace it with text")
    refused(capsys, untyped, "tags=x", message="tags holds a list")
    refused(capsys, untyped, "tags:={}", message="would replace all of it with a mapping")
    assert main(["set", str(qa), "seo=", "--force"]) == 0
    assert load_entry(qa).data["seo"] == ""


@pytest.mark.parametrize(
    "argv",
    [["faq.-1.answer=x"], ["faq.-1=x"], ["--unset", "faq.-1"], ["faq.+1.answer=x"]],
)
def test_negative_positions_are_refused_everywhere(
    glossary: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, glossary, *argv, message="faq.")


def test_new_list_never_gets_a_negative_position(
    qa: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, qa, "notes.-1=x", message="list positions count from 0")


def test_faq_item_field_typed_from_the_schema(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, glossary, "faq.0.answer:=3", message="faq.0.answer is a markdown field")
    assert main(["set", str(glossary), "faq.2.answer=Last"]) == 0
    assert load_entry(glossary).data["faq"][2]["answer"] == "Last"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * 5000, "a number with too many digits"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ("[" * 200 + "]" * 200, "nested deeper than 100 levels"),
    ],
)
def test_hostile_json_values(
    untyped: Path, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, untyped, f"extra:={value}", message=message)


def test_huge_number_for_a_number_field(qa: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, qa, "id:=" + "9" * 5000, message="too many digits")
    refused(capsys, qa, "id=" + "9" * 5000, message="'9999999999")
    refused(capsys, qa, "id=" + "9" * 5000, message="(5000 characters) has too many digits")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=4))
def test_escaped_keys_round_trip(parts: list[str]) -> None:
    """Any key parts, dots and backslashes included, survive ``join_key`` -> ``split_key``."""
    assert split_key(join_key(parts)) == parts
    assume(not any(re.fullmatch("-?[0-9]+", p) for p in parts[1:]))  # list positions
    data: dict[str, object] = {}
    set_path(data, join_key(parts), "v")
    assert get_path(data, join_key(parts)) == "v"


def test_non_string_keys_are_named_by_their_json_text(tmp_path: Path) -> None:
    path = tmp_path / "keys.md"
    path.write_text(
        "---\ntitle: T\ndates:\n  2019-01-01: first\nkeys:\n  1: one\n---\n", encoding="utf-8"
    )
    before = path.read_text(encoding="utf-8")
    assert main(["set", str(path), "dates.2019-01-01=changed", "keys.1=uno"]) == 0
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        ("  2019-01-01: first", "  2019-01-01: changed"),
        ("  1: one", "  1: uno"),
    ]


def test_a_new_key_goes_last_in_a_file_with_keys_that_are_not_strings(tmp_path: Path) -> None:
    """Keys YAML reads as numbers, dates or null are named as written when new keys are
    placed (this crashed with ``'int' object has no attribute 'startswith'``)."""
    path = tmp_path / "odd-keys.md"
    text = "---\ntitle: x\n1: one\n2019-01-01: first\nnull: nothing\n---\nbody\n"
    path.write_text(text, encoding="utf-8")
    assert main(["set", str(path), "newkey=v"]) == 0
    assert path.read_text(encoding="utf-8") == text.replace(
        "null: nothing\n", "null: nothing\nnewkey: v\n"
    )
