"""``glossary-editor get``: every YAML value has its documented JSON form, never a traceback."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.cli import main
from editor.content.json_form import JsonFormError, dumps, to_json_form

ODD_VALUES = """\
---
title: Odd values
dates:
  2019-01-01: first
  2020-02-02 10:00:00: second
keys:
  2: two
  null: none
  true: yes
  1.5: float
bin: !!binary aGVsbG8gd29ybGQ=
letters: !!set {b, a, c}
ordered: !!omap [z: 1, a: 2]
pairs: !!pairs [a: 1, a: 2]
nan: .nan
inf: .inf
ninf: -.inf
big: 123456789012345678901234567890
when: 2020-01-01 10:00:00+02:00
og.title: Dotted
---
body
"""


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    path = tmp_path / "odd.md"
    path.write_text(ODD_VALUES, encoding="utf-8")
    return path


def get(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["get", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_odd_value_has_its_documented_form(
    odd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = odd.read_bytes()
    code, out, err = get(capsys, str(odd))
    assert (code, err) == (0, "")
    data = json.loads(out, parse_constant=pytest.fail)  # NaN/Infinity would not be JSON
    assert data["dates"] == {"2019-01-01": "first", "2020-02-02T10:00:00": "second"}
    assert data["keys"] == {"2": "two", "null": "none", "true": True, "1.5": "float"}
    assert base64.b64decode(data["bin"]) == b"hello world"
    assert data["letters"] == ["a", "b", "c"]
    assert data["ordered"] == [["z", 1], ["a", 2]]
    assert data["pairs"] == [["a", 1], ["a", 2]]
    assert [data["nan"], data["inf"], data["ninf"]] == ["NaN", "Infinity", "-Infinity"]
    assert data["big"] == 123456789012345678901234567890
    assert data["when"] == "2020-01-01T10:00:00+02:00"
    assert odd.read_bytes() == before


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("dates", '{\n  "2019-01-01": "first",\n  "2020-02-02T10:00:00": "second"\n}\n'),
        ("dates.2019-01-01", "first\n"),  # a non-string key is addressed by its JSON text
        ("keys.null", "none\n"),
        ("inf", '"Infinity"\n'),
        ("og\\.title", "Dotted\n"),
    ],
)
def test_get_one_value(
    odd: Path, key: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert get(capsys, str(odd), key) == (0, expected, "")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "og.title",
            "no key 'og.title' (a key with a dot in it is written with \\.: 'og\\.title')",
        ),
        ("ordered.-1", "list positions count from 0, never from the end"),
        ("seo..title", "a key has an empty part"),
        ("pairs.99999999999", "no list has that many items"),
    ],
)
def test_get_bad_key_is_one_line_exit_2(
    odd: Path, key: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = get(capsys, str(odd), key)
    assert (code, out) == (2, "")
    assert err.startswith("glossary-editor: error: ") and message in err
    assert err.count("\n") == 1


def test_recursive_alias_has_no_json_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "loop.md"
    path.write_text("---\nloop: &a [*a]\n---\n", encoding="utf-8")
    code, out, err = get(capsys, str(path))
    assert (code, out) == (2, "")
    # The reader refuses it at the alias, with its position (no value to convert).
    assert f"{path}:2:7:" in err and "refers to a value it is part of" in err
    assert err.count("\n") == 1


def test_colliding_keys_fall_back_to_pairs() -> None:
    assert to_json_form({1: "int", "1": "text"}) == [[1, "int"], ["1", "text"]]
    with pytest.raises(JsonFormError):
        loop: list[object] = []
        loop.append(loop)
        to_json_form(loop)


yaml_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.binary(max_size=8)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
)
yaml_keys = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.dates()
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(yaml_keys, inner, max_size=3)
        | st.frozensets(st.text(max_size=3), max_size=3)
        | st.lists(st.tuples(st.text(max_size=3), inner), max_size=2)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(yaml_values)
def test_every_value_gives_strict_json(value: object) -> None:
    """Whatever PyYAML gives, the text is strict JSON and valid UTF-8."""
    text = dumps(value)
    text.encode("utf-8")
    back = json.loads(text, parse_constant=pytest.fail)
    if isinstance(value, float) and not math.isnan(value):
        assert back == (
            value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")
        )


def test_lone_surrogate_is_written_as_its_escape() -> None:
    text = dumps({"k": "a\ud800b"}, indent=None)
    assert text == '{"k": "a\\ud800b"}'
    assert json.loads(text.encode("utf-8")) == {"k": "a\ud800b"}


def test_integer_past_the_decimal_limit_is_its_hex_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python writes no int of 4,300+ decimal digits; a hex YAML integer can be one."""
    path = tmp_path / "hex.md"
    path.write_text(f"---\nhuge: 0x{'f' * 3600}\nbig: {'7' * 4000}\n---\n", encoding="utf-8")
    code, out, err = get(capsys, str(path))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["huge"] == "0x" + "f" * 3600
    assert data["big"] == int("7" * 4000)
