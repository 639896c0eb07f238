"""The edit journal: every YAML value type round-trips, discard, corrupt files, staleness."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.atomic import fingerprint
from editor.content.document import parse_entry
from editor.content.errors import WriteError
from editor.content.journal import (
    Journal,
    decode,
    default_journal_dir,
    encode,
    journaled_bytes,
)


@pytest.fixture
def journal(folder: Path, tmp_path: Path) -> Journal:
    return Journal(folder, tmp_path / "journal")


ALL_TYPES: dict[str, Any] = {
    "_schema": "glossary",
    "id": 71203,
    "big": 2**80,
    "score": -1.0,
    "nan": float("nan"),
    "inf": float("-inf"),
    "flag": True,
    "nothing": None,
    "date": dt.date(2024, 12, 2),
    "stamp": dt.datetime(2024, 12, 2, 10, 30, 5, 123000),
    "aware": dt.datetime(2024, 12, 2, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "blob": b"\x00\xffbinary",
    "tags": {"a", "b"},
    "ipa": "/ˈɡlɒs.ər.i/ “quoted”: # not a comment\n\n  leading",
    "empty": "",
    "faq": [{"question": "Q?", "answer": "A."}, {"question": "", "answer": None}],
    "seo": {"title": "T", "page_keywords": ["x", "y"]},
    "numeric_keys": {1: "one", 2.5: "two and a half", None: "null", False: "no"},
    "date_keys": {dt.date(2020, 1, 1): "new year"},
    "tagged_key_clash": {"$t": "date", "v": "not a date"},
}


def _same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to itself and checks exact types."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_record_and_pending_round_trip_every_value_type(journal: Journal, folder: Path) -> None:
    path = folder / "entry.md"
    path.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    base = fingerprint(path.read_bytes())
    journal.record(path, ALL_TYPES, "\n&nbsp;", base)
    [item] = journal.pending()
    assert item.path == path.resolve()
    assert _same(item.data, ALL_TYPES)
    assert type(item.data["date"]) is dt.date
    assert item.body == "\n&nbsp;"
    assert item.base_fingerprint == base
    assert item.saved_at.tzinfo is not None
    assert not journal.is_stale(item)


def test_values_loaded_from_yaml_round_trip(journal: Journal, folder: Path) -> None:
    text = (
        "a: 2024-12-02\nb: 2024-12-02 10:30:00\nc: !!binary aGVsbG8=\nd: !!set {x, y}\n"
        "e: .nan\nf: [1, 2.0, ~, yes]\n? 3\n: three\ng: !!omap [x: 1, y: 2]\n"
    )
    data = yaml.safe_load(text)
    journal.record(folder / "y.md", data, "", None)
    [item] = journal.pending()
    assert _same(item.data, data)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text()
        | st.dates()
        | st.datetimes()
        | st.binary(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_encode_decode_is_exact(value: Any) -> None:
    text = json.dumps(encode(value), allow_nan=False)
    assert _same(decode(json.loads(text)), value)


def test_record_replaces_and_discard_forgets(journal: Journal, folder: Path) -> None:
    a, b = folder / "a.md", folder / "sub" / "b.md"
    journal.record(a, {"title": "first"}, "", None)
    journal.record(a, {"title": "second"}, "", None)
    journal.record(b, {"title": "other"}, "", None)
    assert {i.path: i.data["title"] for i in journal.pending()} == {
        a.resolve(): "second",
        b.resolve(): "other",
    }
    journal.discard(a)
    journal.discard(a)  # twice is fine
    assert [i.path for i in journal.pending()] == [b.resolve()]
    journal.discard_all()
    assert journal.pending() == []
    assert not list(journal.dir.glob("*.tmp"))


def test_pending_is_oldest_first(journal: Journal, folder: Path) -> None:
    late = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    early = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    journal.record(folder / "late.md", {}, "", None, saved_at=late)
    journal.record(folder / "early.md", {}, "", None, saved_at=early)
    assert [i.path.name for i in journal.pending()] == ["early.md", "late.md"]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"version": 1}',
        b'{"version": 99, "path": "a.md"}',
        json.dumps(
            {
                "version": 1,
                "path": "a.md",
                "base_fingerprint": None,
                "saved_at": "never",
                "body": "",
                "data": {},
            }
        ).encode(),
        json.dumps(
            {
                "version": 1,
                "path": "a.md",
                "base_fingerprint": None,
                "saved_at": "2025-01-01T00:00:00",
                "body": "",
                "data": {"$t": "alien", "v": 1},
            }
        ).encode(),
    ],
)
def test_corrupt_journal_file_is_skipped_with_a_warning(
    journal: Journal, folder: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    journal.record(folder / "good.md", {"title": "kept"}, "", None)
    (journal.dir / "broken.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="editor.content.journal"):
        items = journal.pending()
    assert [i.data for i in items] == [{"title": "kept"}]
    assert "broken.json" in caplog.text


def test_stale_when_file_changed_or_removed(journal: Journal, folder: Path) -> None:
    path = folder / "entry.md"
    path.write_bytes(b"---\ntitle: a\n---\n")
    journal.record(path, {"title": "mine"}, "", fingerprint(path.read_bytes()))
    [item] = journal.pending()
    assert not journal.is_stale(item)
    path.write_bytes(b"---\ntitle: theirs\n---\n")
    assert journal.is_stale(item)
    path.unlink()
    assert journal.is_stale(item)


def test_new_file_without_base_is_stale_once_it_exists(journal: Journal, folder: Path) -> None:
    path = folder / "new.md"
    journal.record(path, {"title": "draft"}, "", None)
    [item] = journal.pending()
    assert not journal.is_stale(item)
    path.write_bytes(b"someone else's")
    assert journal.is_stale(item)


def test_default_dir_is_per_folder_under_user_data(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert default_journal_dir(one) != default_journal_dir(two)
    assert default_journal_dir(one) == default_journal_dir(one / ".." / "one")
    journal = Journal(one)
    # conftest points XDG_DATA_HOME into the test's own folder
    assert "glossary-editor" in journal.dir.parts
    journal.record(one / "x.md", {"a": 1}, "", None)
    assert Journal(one).pending()[0].data == {"a": 1}
    assert Journal(two).pending() == []


def test_unjournalable_value_is_a_type_error(journal: Journal, folder: Path) -> None:
    with pytest.raises(TypeError, match="object"):
        journal.record(folder / "x.md", {"a": object()}, "", None)
    assert journal.pending() == []


# --- a journal the app did not write exactly so: never fatal, never outside the folder


def _journal_file(journal: Journal, name: str, **fields: Any) -> Path:
    document = {
        "version": 1,
        "path": "entry.md",
        "base_fingerprint": None,
        "saved_at": "2025-01-01T10:00:00+00:00",
        "body": "",
        "data": {"title": name},
        **fields,
    }
    journal.dir.mkdir(parents=True, exist_ok=True)
    target = journal.dir / f"{name}.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_naive_saved_at_beside_aware_ones_is_read_as_local_time(journal: Journal) -> None:
    """Sorting naive and aware datetimes together raised TypeError: no window at start."""
    _journal_file(journal, "aware", path="a.md", saved_at="2025-01-01T10:00:00+00:00")
    _journal_file(journal, "naive", path="b.md", saved_at="2024-06-01T09:30:00")
    items = journal.pending()
    assert [i.data["title"] for i in items] == ["naive", "aware"]
    naive = items[0].saved_at
    assert naive.tzinfo is not None
    assert naive == dt.datetime(2024, 6, 1, 9, 30).astimezone()


@pytest.mark.parametrize(
    "stored",
    ["/etc/hostname", "../../outside.md", "sub/../../outside.md", "..", ".", "", ["a.md"], 7],
)
def test_entries_naming_paths_outside_the_folder_are_refused(
    journal: Journal, folder: Path, stored: Any, caplog: pytest.LogCaptureFixture
) -> None:
    journal.record(folder / "good.md", {"title": "kept"}, "", None)
    _journal_file(journal, "hostile", path=stored)
    with caplog.at_level(logging.WARNING, logger="editor.content.journal"):
        items = journal.pending()
    assert [i.path for i in items] == [folder / "good.md"]
    assert "hostile.json" in caplog.text


def test_paths_inside_the_folder_are_kept_normalised(journal: Journal, folder: Path) -> None:
    _journal_file(journal, "nested", path="sub/../entry.md")
    [item] = journal.pending()
    assert item.path == folder / "entry.md"


def test_recording_a_file_outside_the_folder_is_refused(
    journal: Journal, folder: Path, tmp_path: Path
) -> None:
    with pytest.raises(WriteError, match="outside the content folder"):
        journal.record(tmp_path / "elsewhere.md", {"title": "x"}, "", None)
    assert journal.pending() == []
    journal.discard(tmp_path / "elsewhere.md")  # nothing to forget: no error either


@pytest.mark.parametrize(
    "fields",
    [
        {"saved_at": 20250101},
        {"saved_at": None},
        {"body": None},
        {"data": {"$t": "map", "v": [[["unhashable", {"k": 1}], 1]]}},
        {"data": {"$t": "map", "v": [[{"$t": "set", "v": [[1]]}, 1]]}},
        {"data": {"$t": "bytes", "v": "not base64!"}},
        {"base_fingerprint": 12},
    ],
)
def test_any_bad_field_skips_only_that_file(journal: Journal, fields: dict[str, Any]) -> None:
    _journal_file(journal, "good", path="good.md")
    _journal_file(journal, "bad", path="bad.md", **fields)
    assert [i.data["title"] for i in journal.pending()] == ["good"]


def test_missing_and_non_regular_files(journal: Journal, folder: Path) -> None:
    path = folder / "entry.md"
    path.write_bytes(b"---\ntitle: a\n---\n")
    journal.record(path, {"title": "mine"}, "", fingerprint(path.read_bytes()))
    [item] = journal.pending()
    assert not journal.is_missing(item)
    path.unlink()
    assert journal.is_missing(item) and journal.is_stale(item)
    os.mkfifo(path)  # reading it would block: never read
    assert journal.is_missing(item) and journal.is_stale(item)


def test_journaled_bytes_for_a_deleted_file_parse_back_to_the_work(
    journal: Journal, folder: Path
) -> None:
    path = folder / "entry.md"
    path.write_text("---\ntitle:   spaced\n# comment\nanswer: old\n---\nbody\n")
    data: dict[Any, Any] = {
        "title": "spaced",
        "answer": "new: text",
        "date": dt.date(2024, 1, 2),
        7: "seven",
    }
    journal.record(path, data, "my body\n", fingerprint(path.read_bytes()))
    [item] = journal.pending()
    in_style = journaled_bytes(item).decode()
    assert "title:   spaced\n# comment\n" in in_style  # the file's own lines are kept
    path.unlink()
    fresh = journaled_bytes(item, ["title", "date", "answer"])
    entry = parse_entry(fresh, folder / "copy.md")
    assert entry.data == data and entry.body == "my body\n"
