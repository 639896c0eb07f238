"""The filter's search: exactly the brute-force answer, however it is run or edited."""

from __future__ import annotations

import random
from array import array
from pathlib import Path

import pytest

from editor.content import search, search_job
from editor.content.index import CorpusIndex
from editor.content.search import SearchBuilder, SearchText
from editor.content.search_rows import letter_mask
from editor.content.text_file import TextSink

SYLLABLES = ["ne", "go", "ti", "a", "tion", "how", "does", "me", "pe", "tu", "lu", "ba", "si"]
RARE = ["x", "zz", "q", "19", "é", "zzqx"]  # rare bytes (the rare-byte path) and UTF-8


def _word(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
    return word + rng.choice(RARE) if rng.random() < 0.01 else word


def _texts(rng: random.Random, n: int) -> list[bytes]:
    return [" ".join(_word(rng) for _ in range(rng.randint(0, 60))).encode() for _ in range(n)]


def _store(texts: list[bytes]) -> SearchText:
    builder = SearchBuilder()
    for text in texts:
        builder.add(text, letter_mask(text))
    return builder.finish()


def _reference(texts: list[bytes], query: str) -> list[int]:
    terms = query.lower().encode().split()
    return [row for row, text in enumerate(texts) if all(t in text for t in terms)]


def _queries(rng: random.Random, texts: list[bytes]) -> list[str]:
    """Typing sequences: prefixes of real words and phrases, rare terms, misses."""
    out: list[str] = []
    for _ in range(12):
        text = rng.choice([t for t in texts if t] or [b"x"]).decode()
        start = rng.randrange(len(text))
        phrase = text[start : start + rng.randint(1, 20)]
        out += [phrase[:end] for end in range(1, len(phrase) + 1)]
    out += ["z", "zz", "zzq", "zzqx", "x", "19", "é", "ho", "how does", "HOW  Does me", " "]
    out += ["nego tion", "tion nego", "q x", "nope", ""]
    return out


@pytest.fixture(params=[1, 2, 3])
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(request.param)


@pytest.fixture(autouse=True)
def _small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_job, "_SLICE_BYTES", 200)  # many slices even in a small buffer
    monkeypatch.setattr(search_job, "_RUN_SPAN", 300)  # and many runs of a mapped file's rows


def test_find_equals_brute_force(rng: random.Random) -> None:
    texts = _texts(rng, 300)
    store = _store(texts)
    for query in _queries(rng, texts):
        assert store.find(query) == _reference(texts, query), query


def test_rare_byte_path_is_taken_and_exact(rng: random.Random) -> None:
    texts = _texts(rng, 300)
    texts[7] += b" abzzqxcd"
    store = _store(texts)
    assert store.byte_share(ord("x")) < search_job._RARE_SHARE
    job = store.job("zzqx")
    job.step(0)
    assert job._needle in (b"x", b"q")  # the rarest byte, not the term
    assert job.run() == _reference(texts, "zzqx")


def test_sliced_job_gives_the_same_rows(rng: random.Random) -> None:
    texts = _texts(rng, 300)
    store = _store(texts)
    for query in _queries(rng, texts):
        job = _store(texts).job(query)
        while not job.step(0):  # one slice a step
            pass
        assert job.result == store.find(query), query


def test_mask_pre_filter_runs_in_slices_too(
    rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letter masks are checked a few rows a slice, narrowing or not, same rows."""
    monkeypatch.setattr(search_job, "_MASK_ROWS", 7)
    texts = _texts(rng, 200)
    store = _store(texts)
    sliced = _store(texts)
    for query in _queries(rng, texts):
        job = sliced.job(query)
        steps = 0
        while not job.step(0):
            steps += 1
        assert job.result == _reference(texts, query), query
        assert job.result == store.find(query), query
    job = _store(texts).job("tion")  # two letters, over all rows: 200 / 7 mask slices
    steps = 0
    while not job.step(0):
        steps += 1
    assert steps >= 200 // 7


@pytest.mark.parametrize("in_file", [False, True], ids=["memory", "file"])
def test_edits_then_find(rng: random.Random, in_file: bool, tmp_path: Path) -> None:
    texts = _texts(rng, 200)
    store = _store(texts)
    if in_file:  # the rows moved to a mapped file, and every edit writes a new one
        store.rebuild([range(store.rows)], TextSink(directory=tmp_path))
        assert not isinstance(store.buffer, bytearray)
    queries = _queries(rng, texts)
    for query in queries[:20]:
        store.find(query)  # remembered answers must be forgotten on edit
    for _ in range(40):
        row = rng.randrange(len(texts))
        action = rng.choice(["override", "override", "replace", "insert", "delete"])
        text = _texts(rng, 1)[0]
        if action == "override":  # a save: the new text beside the buffer
            texts[row] = text
            assert store.override(row, text, letter_mask(text))
        elif action != "delete" or len(texts) > 1:  # rows rebuilt, overrides folded in
            sink = TextSink(directory=tmp_path) if in_file else None
            if action == "replace":
                texts[row] = text
                store.replace(row, text, letter_mask(text), sink)
            elif action == "insert":
                texts.insert(row, text)
                store.insert(row, text, letter_mask(text), sink)
            else:
                del texts[row]
                store.delete(row, sink)
        store.forget()
        query = rng.choice(queries)
        assert store.find(query) == _reference(texts, query), query
    assert [store.text_of(row) for row in range(store.rows)] == texts
    store.rebuild([range(store.rows)], TextSink(directory=tmp_path) if in_file else None)
    assert not store.overrides and list(store.starts) == [0, *_ends(texts)]
    assert [store.text_of(row) for row in range(store.rows)] == texts


def test_overridden_rows_answer_with_their_new_text_whichever_way_searched(
    rng: random.Random,
) -> None:
    texts = _texts(rng, 200)
    store = _store(texts)
    for _ in range(30):
        row = rng.randrange(len(texts))
        texts[row] = _texts(rng, 1)[0] if rng.random() < 0.7 else b"zzqx " + texts[row]
        store.override(row, texts[row], letter_mask(texts[row]))
    assert store.overrides
    for query in _queries(rng, texts):  # typed on: each narrows the last answer
        assert store.find(query) == _reference(texts, query), query
        job = store.job(query + " ")  # the same terms anew, in slices
        store.forget()
        while not job.step(0):
            pass
        assert job.result == _reference(texts, query), query


def test_a_store_full_of_overrides_asks_for_a_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "OVERRIDES_MAX", 2)
    store = _store([b"a", b"b", b"c"])
    assert store.override(0, b"x", letter_mask(b"x")) and store.override(1, b"y", 0)
    assert store.override(1, b"yy", letter_mask(b"yy"))  # the same row again: still room
    assert not store.override(2, b"z", letter_mask(b"z"))
    assert store.find("yy") == [1] and store.find("c") == [2]


def _ends(texts: list[bytes]) -> list[int]:
    out, position = [], 0
    for text in texts:
        position += len(text) + 1
        out.append(position)
    return out


def test_a_job_started_before_an_edit_answers_for_the_rows_after_it() -> None:
    texts = [b"alpha beta", b"gamma", b"beta delta"] * 50
    store = _store(texts)
    job = store.job("beta")
    assert not job.step(0)
    texts[1] = b"beta again"
    store.replace(1, texts[1], letter_mask(texts[1]))
    store.forget()
    assert job.run() == _reference(texts, "beta")


def test_mapped_and_bytes_buffers_search_alike() -> None:
    texts = [b"zzqx here", b"none", b"x zz qx"]
    built = _store(texts)
    frozen = SearchText(bytes(built.buffer), array("q", built.starts), array("Q", built.masks))
    for query in ["zzqx", "zz qx", "x", "here", "q"]:
        assert frozen.find(query) == built.find(query) == _reference(texts, query)


def _write(folder: Path, name: str, title: str, words: str) -> None:
    (folder / name).write_text(
        f"---\ntitle: {title}\ndescription: {words}\nsubject: Negotiation\n---\nBody {words}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("cache", "text_file_min"), [(False, 10_000), (False, 0), (True, 0)],
    ids=["memory", "unnamed-file", "cache-file"],
)  # fmt: skip
def test_index_search_after_update_paths(tmp_path: Path, cache: bool, text_file_min: int) -> None:
    rng = random.Random(7)
    folder = tmp_path / "content"
    folder.mkdir()
    for i in range(40):
        _write(folder, f"e{i:02}.md", f"Entry {i}", " ".join(_word(rng) for _ in range(20)))
    index = CorpusIndex(folder, cache=cache, text_file_min=text_file_min).build_all()
    assert index._search is not None
    assert isinstance(index._search.buffer, bytearray) == (text_file_min > 40)
    queries = ["e1", "entry 1", "zz", "x", "nego", "how does", "negotiation e0", ".md"]
    for query in queries:
        assert index.search(query) == _reference([r.search for r in index.records], query)
    changed = []
    for i in range(0, 40, 3):
        _write(folder, f"e{i:02}.md", f"Changed {i}", "zzqx " + _word(rng))
        changed.append(folder / f"e{i:02}.md")
    (folder / "e01.md").unlink()
    _write(folder, "new.md", "Brand new", "howdoes zz")
    index.update_paths([*changed, folder / "e01.md", folder / "new.md"])
    texts = [r.search for r in index.records]
    for query in [*queries, "changed", "zzqx", "brand new zz"]:
        assert index.search(query) == _reference(texts, query), query
        assert index.search_job(query).run() == _reference(texts, query), query
