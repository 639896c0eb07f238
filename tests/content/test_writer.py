"""The byte-preserving writer: unchanged data gives the same text, edits touch only their lines."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import weakref
from pathlib import Path
from typing import Any

import pytest

from editor.content.errors import ParseError, ReadOnlyError, WriteError
from editor.content.frontmatter import decode, parse_yaml, split
from editor.content.gc_pause import gc_paused
from editor.content.schema import SchemaRegistry
from editor.content.writer import same_data, update_text
from editor.content.writer.edits import Edits
from editor.content.writer.patcher import Patcher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_CONTENT = Path(__file__).resolve().parents[2] / "sample_content"


def read(name: str) -> str:
    return decode((FIXTURES / name).read_bytes())[0]


def data_of(text: str) -> dict[str, Any]:
    parts = split(text)
    return parse_yaml(parts.front, None, parts.front_line)


def body_of(text: str) -> str:
    return split(text).body


def edited(text: str, change: Any, **kwargs: Any) -> tuple[dict[str, Any], str]:
    """Apply ``change`` to a copy of the file's data and write it back."""
    data = copy.deepcopy(data_of(text))
    change(data)
    out = update_text(text, data, **kwargs)
    assert same_data(data_of(out), data)
    return data, out


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def entry_span(text: str, dotted: str) -> range:
    """Line numbers (0-based) of a key's entry, found by indentation alone."""
    lines = text.splitlines()
    start, stop, parent_indent = 1, len(lines), -1
    for part in dotted.split("."):
        found = None
        for i in range(start, stop):
            line = lines[i]
            if line.strip() in ("---", "..."):
                break
            if indent(line) > parent_indent and line.lstrip(" -").startswith(f"{part}:"):
                found = i
                break
        assert found is not None, f"{part} not found"
        key_indent = len(lines[found]) - len(lines[found].lstrip(" -"))
        end = found + 1
        while end < stop and lines[end].strip() and indent(lines[end]) > indent(lines[found]):
            if lines[end].lstrip().startswith("- ") and indent(lines[end]) < key_indent:
                break
            end += 1
        start, stop, parent_indent = found + 1, end, indent(lines[found])
        span = range(found, end)
    return span


def assert_only_span_changed(old: str, new: str, span: range) -> list[str]:
    """Everything before and after ``span`` is line-for-line identical; returns the new lines."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    tail = len(a) - span.stop
    assert b[: span.start] == a[: span.start]
    assert b[len(b) - tail :] == a[span.stop :]
    return [line.rstrip("\r\n") for line in b[span.start : len(b) - tail]]


def assert_removed(old: str, new: str, span: range) -> None:
    """``new`` is ``old`` without the lines of ``span``."""
    a = old.splitlines(keepends=True)
    assert new.splitlines(keepends=True) == a[: span.start] + a[span.stop :]


def assert_inserted(old: str, new: str, at: int, count: int) -> list[str]:
    """``new`` is ``old`` with ``count`` lines inserted before line ``at``; returns them."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert b[:at] + b[at + count :] == a
    assert len(b) == len(a) + count
    return [line.rstrip("\r\n") for line in b[at : at + count]]


def diff_opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return [op for op in matcher.get_opcodes() if op[0] != "equal"]


# -- round trips ---------------------------------------------------------------------------


def _md_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "SOURCES.md")


def _assert_round_trip(path: Path) -> None:
    text, _ = decode(path.read_bytes())
    data = data_of(text)
    assert update_text(text, data) == text, path.name
    assert update_text(text, copy.deepcopy(data), body_of(text)) == text, path.name


def test_real_content_round_trips_identically(shared_dir: Path) -> None:
    files = _md_files(shared_dir / "real_content")
    assert len(files) >= 20
    for path in files:
        _assert_round_trip(path)


def test_seed_round_trips_identically(shared_dir: Path) -> None:
    _assert_round_trip(shared_dir / "seeds" / "001_42a604d56eafbd29.txt")


def test_sample_content_round_trips_identically() -> None:
    files = _md_files(SAMPLE_CONTENT)
    if not files:
        pytest.skip("sample_content/ is empty")
    for path in files:
        _assert_round_trip(path)


@pytest.mark.parametrize("name", ["fm_qa_seed_shape.md", "fm_glossary.md", "fm_comments_quotes.md"])
def test_fixtures_round_trip_identically(name: str) -> None:
    _assert_round_trip(FIXTURES / name)


def test_real_content_single_edit_touches_one_entry(shared_dir: Path) -> None:
    for path in _md_files(shared_dir / "real_content"):
        text, _ = decode(path.read_bytes())
        _, out = edited(text, lambda d: d["seo"].update(title="Edited | Title"))
        lines = assert_only_span_changed(text, out, entry_span(text, "seo.title"))
        assert lines == ["  title: Edited | Title"]
        assert out.endswith("---\n\n&nbsp;")


# -- seed 001 shape: one field at a time -------------------------------------------------------

QA = "fm_qa_seed_shape.md"


def test_top_level_folded_stays_folded_one_line() -> None:
    text = read(QA)
    value = "A new answer, written long. " * 12 + "\\n\\nStill literal: \\n stays."
    _, out = edited(text, lambda d: d.update(answer=value))
    lines = assert_only_span_changed(text, out, entry_span(text, "answer"))
    assert lines == ["answer: >-", "    " + value]
    assert data_of(out)["answer"] == value


def test_nested_folded_keeps_two_space_layout() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d["seo"].update(page_description="Lenses: bent light # here"))
    lines = assert_only_span_changed(text, out, entry_span(text, "seo.page_description"))
    assert lines == ["  page_description: >-", "    Lenses: bent light # here"]


def test_plain_stays_plain_when_safe() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d.update(subject="Optics and Light"))
    assert assert_only_span_changed(text, out, entry_span(text, "subject")) == [
        "subject: Optics and Light"
    ]


def test_plain_becomes_double_quoted_when_needed() -> None:
    text = read(QA)
    value = 'Optics: "lenses" # and more'
    _, out = edited(text, lambda d: d.update(subject=value))
    (line,) = assert_only_span_changed(text, out, entry_span(text, "subject"))
    assert line.startswith('subject: "')
    assert data_of(out)["subject"] == value


@pytest.mark.parametrize("value", [2.0, 0.75, 3, -1.5])
def test_number_keeps_its_type(value: float) -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d.update(score=value))
    (line,) = assert_only_span_changed(text, out, entry_span(text, "score"))
    assert line == f"score: {value!r}"
    assert type(data_of(out)["score"]) is type(value)


def test_date_written_iso() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d.update(date=dt.date(2025, 2, 3)))
    assert assert_only_span_changed(text, out, entry_span(text, "date")) == ["date: 2025-02-03"]
    assert data_of(out)["date"] == dt.date(2025, 2, 3)


def test_related_article_title_keeps_eight_space_text() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d["related_article2"].update(title="Why is glass clear?"))
    lines = assert_only_span_changed(text, out, entry_span(text, "related_article2.title"))
    assert lines == ["    title: >-", "        Why is glass clear?"]


def test_new_top_level_key_goes_where_key_order_puts_it() -> None:
    text = read(QA)
    order = ["_schema", "id", "date", "title", "summary", "article_title", "seo"]
    _, out = edited(text, lambda d: d.update(summary="Short"), key_order=order)
    after_title = entry_span(text, "title").stop
    assert assert_inserted(text, out, after_title, 1) == ["summary: Short"]


def test_new_key_with_schema_order_before_first_key() -> None:
    text = read(QA)
    order = ["kind", "_schema", "id"]
    _, out = edited(text, lambda d: d.update(kind="qa"), key_order=order)
    assert out.splitlines()[:3] == ["---", "kind: qa", "_schema: default"]


def test_new_key_without_order_goes_after_the_last_key() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d.update(extra="value"))
    front = split(out).front
    assert front.endswith("extra: value\n")
    assert out.endswith("---\n\n&nbsp;")
    end = entry_span(text, "related_article2").stop
    assert assert_inserted(text, out, end, 1) == ["extra: value"]


def test_new_nested_key_after_its_siblings_in_the_maps_indentation() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d["seo"].update(focus_keyphrase="fresnel lens"))
    end = entry_span(text, "seo").stop
    assert_inserted(text, out, end, 1)
    assert out.splitlines()[end] == "  focus_keyphrase: fresnel lens"


def test_new_nested_key_with_dotted_key_order() -> None:
    text = read(QA)
    order = ["seo.title", "seo.focus_keyphrase", "seo.page_description"]
    _, out = edited(text, lambda d: d["seo"].update(focus_keyphrase="lens"), key_order=order)
    at = entry_span(text, "seo.title").stop
    assert out.splitlines()[at] == "  focus_keyphrase: lens"


def test_new_folded_key_in_the_files_style() -> None:
    text = read(QA)
    _, out = edited(
        text, lambda d: d.update(lede="A longer sentence of prose, as the file writes it.")
    )
    assert split(out).front.endswith(
        "lede: >-\n    A longer sentence of prose, as the file writes it.\n"
    )


def test_new_nested_map_uses_layout_of_its_namesakes() -> None:
    text = read(QA)
    new = {"id": 90220, "title": "What is a focal point?", "subject": "Physics", "url": "/u"}
    _, out = edited(text, lambda d: d.update(related_article3=new))
    added = out.splitlines()[entry_span(text, "related_article2").stop :]
    assert added[:6] == [
        "related_article3:",
        "    id: 90220",
        "    title: >-",
        "        What is a focal point?",
        "    subject: Physics",
        "    url: /u",
    ]


def test_removed_key_takes_its_folded_lines_with_it() -> None:
    text = read(QA)
    span = entry_span(text, "article_title")
    assert len(span) == 2
    _, out = edited(text, lambda d: d.pop("article_title"))
    assert_removed(text, out, span)


def test_removed_nested_key() -> None:
    text = read(QA)
    span = entry_span(text, "related_article1.title")
    _, out = edited(text, lambda d: d["related_article1"].pop("title"))
    assert_removed(text, out, span)


def test_removed_whole_map() -> None:
    text = read(QA)
    span = entry_span(text, "seo")
    _, out = edited(text, lambda d: d.pop("seo"))
    assert_removed(text, out, span)


def test_multi_line_value_in_folded_reparses_exactly() -> None:
    text = read(QA)
    value = "First paragraph.\nSecond line\n\n  indented code\nlast"
    _, out = edited(text, lambda d: d.update(question=value))
    lines = assert_only_span_changed(text, out, entry_span(text, "question"))
    assert lines[0].startswith("question: ")
    assert data_of(out)["question"] == value


@pytest.mark.parametrize(
    "value",
    ["", " leading space", "trailing space ", "ends with newline\n", "\n\nblank start", "a\n\n\n"],
)
def test_awkward_strings_in_folded_field(value: str) -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d["seo"].update(page_keywords=value))
    assert_only_span_changed(text, out, entry_span(text, "seo.page_keywords"))
    assert data_of(out)["seo"]["page_keywords"] == value


def test_value_changes_type_from_scalar_to_map_and_back() -> None:
    text = read(QA)
    _, out = edited(text, lambda d: d.update(subject={"name": "Physics", "level": 2}))
    lines = assert_only_span_changed(text, out, entry_span(text, "subject"))
    assert lines[0] == "subject:"
    data, back = edited(out, lambda d: d.update(subject="Physics"))
    assert back == text
    assert data["subject"] == "Physics"


def test_several_changes_at_once_touch_only_their_lines() -> None:
    text = read(QA)

    def change(d: dict[str, Any]) -> None:
        d["title"] = "A different title"
        d["score"] = 1.0
        d["related_article1"]["subject"] = "Optics"

    _, out = edited(text, change)
    changed = {i for op in diff_opcodes(text, out) for i in range(op[1], op[2])}
    expected = (
        set(entry_span(text, "title")[1:])
        | set(entry_span(text, "score"))
        | set(entry_span(text, "related_article1.subject"))
    )
    assert changed == expected


def test_body_replaced_and_kept() -> None:
    text = read(QA)
    data = data_of(text)
    out = update_text(text, data, "\nNew body.\n")
    assert out == text[: len(text) - len(body_of(text))] + "\nNew body.\n"
    assert update_text(text, data, None) == text


def test_body_after_closing_line_without_newline() -> None:
    out = update_text("---\na: 1\n---", {"a": 1}, "Body")
    assert out == "---\na: 1\n---\nBody"


@pytest.mark.parametrize("key", ["question", "article_title", "score", "related_article1"])
def test_removed_then_readded_key_restores_the_file(key: str) -> None:
    """With the default schema's order, a key put back lands where it was, as it was."""
    order = SchemaRegistry.load(None)["default"].key_order()
    text = read(QA)
    value = data_of(text)[key]
    _, without = edited(text, lambda d: d.pop(key))
    assert f"\n{key}:" not in without
    _, back = edited(without, lambda d: d.update({key: value}), key_order=order)
    assert back == text


# -- glossary shape: FAQ pairs and related lists ---------------------------------------------

GLOSSARY = "fm_glossary.md"


def faq_item_spans(text: str) -> list[range]:
    lines = text.splitlines()
    faq = entry_span(text, "faq")
    starts = [i for i in faq if lines[i].lstrip().startswith("- ")]
    return [range(s, e) for s, e in zip(starts, [*starts[1:], faq.stop], strict=True)]


def test_edit_one_faq_answer() -> None:
    text = read(GLOSSARY)
    value = "Only from Earth's point of view: it still spins."
    _, out = edited(text, lambda d: d["faq"][1].update(answer=value))
    item = faq_item_spans(text)[1]
    lines = assert_only_span_changed(text, out, range(item.start + 2, item.stop))
    assert lines == ["      answer: >-", "          " + value]


def test_edit_one_faq_question() -> None:
    text = read(GLOSSARY)
    _, out = edited(text, lambda d: d["faq"][2].update(question="Can planets lock?"))
    item = faq_item_spans(text)[2]
    lines = assert_only_span_changed(text, out, range(item.start, item.start + 2))
    assert lines == ["    - question: >-", "          Can planets lock?"]


def test_add_faq_pair_in_the_items_layout() -> None:
    text = read(GLOSSARY)
    pair = {"question": "Is Earth locked to the Sun?", "answer": "No, not even close."}
    _, out = edited(text, lambda d: d["faq"].append(pair))
    last = faq_item_spans(text)[-1]
    assert_inserted(text, out, last.stop, 4)
    new_lines = out.splitlines()[last.stop : last.stop + 4]
    old_lines = text.splitlines()[last.start : last.stop]
    assert [indent(x) for x in new_lines] == [indent(x) for x in old_lines]
    assert [x.split(":")[0] for x in new_lines[::2]] == [x.split(":")[0] for x in old_lines[::2]]


def test_insert_faq_pair_in_the_middle() -> None:
    text = read(GLOSSARY)
    pair = {"question": "Q?", "answer": "A."}
    _, out = edited(text, lambda d: d["faq"].insert(1, pair))
    at = faq_item_spans(text)[1].start
    assert_inserted(text, out, at, 4)


def test_remove_faq_pair() -> None:
    text = read(GLOSSARY)
    first = faq_item_spans(text)[0]
    _, out = edited(text, lambda d: d["faq"].pop(0))
    assert_removed(text, out, first)


def test_remove_all_faq_pairs_gives_an_empty_list() -> None:
    text = read(GLOSSARY)
    _, out = edited(text, lambda d: d.update(faq=[]))
    assert data_of(out)["faq"] == []
    assert "faq: []" in out.splitlines()


def test_reorder_faq_keeps_the_untouched_pair() -> None:
    text = read(GLOSSARY)
    spans = faq_item_spans(text)
    middle = text.splitlines()[spans[1].start : spans[1].stop]

    def swap(d: dict[str, Any]) -> None:
        d["faq"][0], d["faq"][2] = d["faq"][2], d["faq"][0]

    _, out = edited(text, swap)
    assert "\n".join(middle) in out
    before = text.splitlines()[: spans[0].start]
    assert out.splitlines()[: spans[0].start] == before
    assert sorted(out.splitlines()) == sorted(text.splitlines())


def test_remove_first_key_of_a_faq_item() -> None:
    text = read(GLOSSARY)
    _, out = edited(text, lambda d: d["faq"][0].pop("question"))
    item = faq_item_spans(text)[0]
    lines = assert_only_span_changed(text, out, item)
    assert lines[0].startswith("    - answer:")


def test_append_to_related() -> None:
    text = read(GLOSSARY)
    span = entry_span(text, "related")
    _, out = edited(text, lambda d: d["related"].append("/glossary/libration"))
    assert_inserted(text, out, span.stop, 1)
    assert out.splitlines()[span.stop] == "    - /glossary/libration"


def test_edit_and_remove_related_items() -> None:
    text = read(GLOSSARY)
    span = entry_span(text, "related")
    _, out = edited(text, lambda d: d["related"].__setitem__(1, "/glossary/hill-sphere"))
    assert assert_only_span_changed(text, out, range(span.start + 2, span.start + 3)) == [
        "    - /glossary/hill-sphere"
    ]
    _, out = edited(text, lambda d: d["related"].remove("/glossary/roche-limit"))
    assert_removed(text, out, range(span.start + 2, span.start + 3))


def test_new_list_key_follows_the_files_list_layout() -> None:
    text = read(GLOSSARY)
    _, out = edited(text, lambda d: d.update(aliases=["synchronous rotation", "captured rotation"]))
    assert split(out).front.endswith(
        "aliases:\n    - synchronous rotation\n    - captured rotation\n"
    )


def test_glossary_body_kept_when_front_changes() -> None:
    text = read(GLOSSARY)
    _, out = edited(text, lambda d: d.update(subject="Planetary science"))
    assert body_of(out) == body_of(text)


# -- comments, quoting, literal blocks, CRLF ---------------------------------------------------

QUOTES = "fm_comments_quotes.md"


def test_comments_survive_an_edit() -> None:
    text = read(QUOTES)
    _, out = edited(text, lambda d: d.update(count=13))
    count = entry_span(text, "count")
    assert assert_only_span_changed(text, out, count) == ["count: 13"]
    assert [x for x in out.splitlines() if "#" in x] == [x for x in text.splitlines() if "#" in x]


def test_single_quoted_stays_single_quoted_with_its_comment() -> None:
    text = read(QUOTES)
    _, out = edited(text, lambda d: d.update(title="Barn owl's call: a screech"))
    (line,) = assert_only_span_changed(text, out, entry_span(text, "title"))
    assert line == "title: 'Barn owl''s call: a screech'   # single-quoted, with an escaped quote"


def test_double_quoted_stays_double_quoted() -> None:
    text = read(QUOTES)
    _, out = edited(text, lambda d: d.update(summary='Tawny owls say "ke-wick"'))
    assert assert_only_span_changed(text, out, entry_span(text, "summary")) == [
        'summary: "Tawny owls say \\"ke-wick\\""'
    ]


def test_literal_block_stays_literal() -> None:
    text = read(QUOTES)
    value = "One.\n  Two, indented.\nThree.\n"
    _, out = edited(text, lambda d: d.update(notes=value))
    lines = assert_only_span_changed(text, out, entry_span(text, "notes"))
    assert lines == ["notes: |", "  One.", "    Two, indented.", "  Three."]


def test_list_item_with_comment_and_quotes() -> None:
    text = read(QUOTES)
    _, out = edited(text, lambda d: d["tags"].__setitem__(1, "dusk: birds"))
    tags = entry_span(text, "tags")
    lines = assert_only_span_changed(text, out, range(tags.start + 2, tags.stop))
    assert lines == ["  - 'dusk: birds'"]
    assert "  - owls   # common" in out.splitlines()


def test_no_final_newline_is_kept() -> None:
    text = read(QUOTES)
    _, out = edited(text, lambda d: d.update(draft=True))
    assert out.endswith("Body without a final newline")
    assert "draft: true" in out.splitlines()


def test_crlf_file_stays_crlf() -> None:
    text, had_bom = decode((FIXTURES / "fm_crlf_bom.md").read_bytes())
    assert had_bom and "\r\n" in text
    _, out = edited(text, lambda d: d.update(title="Hedge laying by hand", subject="Rural crafts"))
    _, out = edited(out, lambda d: d["steps"].append("Weave the top"))
    _, out = edited(out, lambda d: d.update(tools=["billhook", "axe"]))
    assert out.count("\n") == out.count("\r\n")
    assert "title: >-\r\n    Hedge laying by hand\r\n" in out
    assert "  - Weave the top\r\n" in out
    assert body_of(out) == body_of(text)


# -- refusals and errors ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fm_toml.md", "fm_json.md"])
def test_toml_and_json_are_read_only(name: str) -> None:
    text = read(name)
    with pytest.raises(ReadOnlyError):
        update_text(text, {"title": "x"})


def test_file_without_front_matter_is_read_only() -> None:
    with pytest.raises(ReadOnlyError):
        update_text("# Just text\n", {"title": "x"})


@pytest.mark.parametrize("name", ["fm_broken_yaml.md", "fm_duplicate_key.md", "fm_unclosed.md"])
def test_unparseable_files_are_refused_with_position(name: str) -> None:
    text = read(name)
    with pytest.raises(ParseError) as info:
        update_text(text, {"title": "x"}, path=Path(name))
    assert info.value.line is not None
    assert str(info.value).startswith(f"{name}:{info.value.line}:")


def test_values_yaml_cannot_hold_are_refused() -> None:
    text = read(QA)
    with pytest.raises(WriteError):
        update_text(text, {**data_of(text), "subject": object()})


def test_verification_refuses_a_wrong_result(monkeypatch: pytest.MonkeyPatch) -> None:
    text = read(QA)
    original = Edits.apply

    def sabotaged(self: Any) -> str:
        return original(self).replace("id: 90210", "id: 90211")

    monkeypatch.setattr(Edits, "apply", sabotaged)
    with pytest.raises(WriteError) as info:
        edited(text, lambda d: d.update(subject="Anything"))
    assert "'id'" in info.value.message


def test_empty_front_matter_gets_keys() -> None:
    out = update_text("---\n---\nBody\n", {"title": "A", "tags": ["x"]})
    assert out == "---\ntitle: A\ntags:\n  - x\n---\nBody\n"


def test_same_data_compares_types() -> None:
    assert same_data({"a": [1, {"b": 2.0}]}, {"a": [1, {"b": 2.0}]})
    assert not same_data({"a": 1}, {"a": 1.0})
    assert not same_data({"a": 1}, {"a": True})
    assert not same_data(dt.date(2024, 1, 1), dt.datetime(2024, 1, 1))
    assert same_data(float("nan"), float("nan"))


def test_a_save_leaves_nothing_for_the_cyclic_collector() -> None:
    """The patcher and its block and flow editors call each other: the cycle is broken
    when the patch is done, so a save's objects go with reference counting (1,000 saves
    of a bulk plan, with the collector paused, left 76k objects for one long walk)."""
    text = "---\ntitle: Old\nseo:\n  title: Old | Site\ntags: [a, b]\n---\nBody\n"
    old = data_of(text)
    new = copy.deepcopy(old)
    new["seo"]["title"] = "New | Site"
    new["tags"].append("c")
    parts = split(text)
    with gc_paused():
        patcher = Patcher(parts.front, "\n", (), None, parts.front_line)
        front = patcher.patch(old, new)
        alive = weakref.ref(patcher)
        del patcher
        assert alive() is None
    assert "title: New | Site" in front
    assert "[a, b, c]" in front
