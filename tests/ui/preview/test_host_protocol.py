"""The preview process's protocol: length frames of JSON objects, read in any pieces."""

from __future__ import annotations

import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.ui.preview.host_protocol import (
    FROM_HOST,
    HEADER,
    MAX_FRAME,
    FrameReader,
    ProtocolError,
    check,
    encode,
    message,
    read_message,
)

PAGE = message(
    "page",
    seq=3,
    html='<html><head><title>Ĳ "x"</title></head><body>\n\u2028a\x00b</body></html>',
    base_url="about:blank",
    keep_scroll=True,
)

# Every message of the protocol, each way, as the two ends build them.
MESSAGES = [
    PAGE,
    message("url", url="http://localhost:1313/glossary/x"),
    message("reveal", path="faq.1.answer"),
    message("network", remote=False, live_origin="http://localhost:1313"),
    message("show"),
    message("clear"),
    message("run_js", id=7, script="JSON.stringify([1, 'two'])"),
    message("click", path="definition"),
    message("quit"),
    message("ready", win_id=2**40 + 5),
    message("mapped"),
    message("shown", seq=3),
    message("field_clicked", path="faq.0.question"),
    message("open_url", url="https://example.org/?q=1#frag"),
    message("blocked", url="http://127.0.0.1:9/pixel.png"),
    message("js_result", id=7, value=[1, "two", None, {"a": 1.5}]),
    message("failed", reason="the browser engine is not available (no module)"),
]


def test_a_frame_is_a_length_then_the_json_object() -> None:
    frame = encode(message("reveal", path="definition"))
    (length,) = struct.unpack(">I", frame[:4])
    assert frame[4:] == b'{"type":"reveal","path":"definition"}'
    assert length == len(frame) - 4


@pytest.mark.parametrize("msg", MESSAGES, ids=[m["type"] for m in MESSAGES])
def test_each_message_comes_back_as_it_was_sent(msg: dict[str, object]) -> None:
    assert FrameReader().feed(encode(msg)) == [msg]
    assert read_message(io.BytesIO(encode(msg))) == msg


def test_frames_split_anywhere_and_joined_come_out_whole_and_in_order() -> None:
    stream = b"".join(encode(m) for m in MESSAGES)
    reader = FrameReader()
    out = []
    for start in range(0, len(stream), 5):  # pieces cutting headers and bodies
        out += reader.feed(stream[start : start + 5])
    assert out == MESSAGES
    assert reader.feed(b"") == []  # nothing left over


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(), min_size=1, max_size=5),
    cuts=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=20),
)
def test_any_text_in_any_pieces_round_trips(texts: list[str], cuts: list[int]) -> None:
    sent = [message("page", seq=n, html=text) for n, text in enumerate(texts)]
    stream = b"".join(encode(m) for m in sent)
    reader = FrameReader()
    got = []
    position = 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        got += reader.feed(stream[position : position + cut])
        position += cut
    assert got == sent


def test_a_stream_read_to_its_end() -> None:
    stream = io.BytesIO(encode(MESSAGES[0]) + encode(MESSAGES[1]))
    assert read_message(stream) == MESSAGES[0]
    assert read_message(stream) == MESSAGES[1]
    assert read_message(stream) is None  # the writer is gone


@pytest.mark.parametrize(
    "data",
    [
        HEADER.pack(4) + b"[1]\n",  # JSON, not an object
        HEADER.pack(9) + b'{"a": 1}\n',  # an object without a type
        HEADER.pack(3) + b"\xff\xfe{",  # not UTF-8
        HEADER.pack(MAX_FRAME + 1),  # longer than any page
    ],
    ids=["not-an-object", "no-type", "not-utf8", "too-long"],
)
def test_broken_frames_are_errors(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        FrameReader().feed(data)
    with pytest.raises(ProtocolError):
        read_message(io.BytesIO(data + b"\0" * 16))


def test_a_stream_ending_inside_a_frame_is_an_error() -> None:
    frame = encode(PAGE)
    for cut in (2, len(frame) - 1):
        with pytest.raises(ProtocolError):
            read_message(io.BytesIO(frame[:cut]))


def test_every_message_the_preview_process_sends_passes_the_window_s_check() -> None:
    sent = [m for m in MESSAGES if m["type"] in FROM_HOST]
    assert {m["type"] for m in sent} == set(FROM_HOST)
    for msg in sent:
        check(msg, FROM_HOST)


@pytest.mark.parametrize(
    "msg",
    [
        message("ready"),
        message("ready", win_id=0),
        message("ready", win_id="12"),
        message("shown", seq=True),
        message("shown"),
        message("field_clicked", path=None),
        message("js_result", value=1),
        message("failed"),
        message("page", seq=1, html="x"),  # the window's message, not the process's
    ],
    ids=repr,
)
def test_a_malformed_message_of_the_preview_process_is_an_error(msg: dict[str, object]) -> None:
    with pytest.raises(ProtocolError, match=repr(msg["type"])):
        check(msg, FROM_HOST)
