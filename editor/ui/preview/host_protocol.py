"""The messages between the window and its preview process: JSON objects in length frames.

Each frame is a 4-byte big-endian length, then that many bytes of one UTF-8 JSON object
with a ``"type"``. Length frames rather than lines so a page's HTML needs no escaping
beyond JSON's and a reader never scans for a separator; written by hand because it is
ten lines and both ends read it differently (the window from ``QProcess`` in chunks, the
preview process from a blocking pipe on a thread).

Window → preview process (sizes travel as the window system's own, in device pixels:
the two processes may draw at different scales. The window sizes the embedded native
window, and the view follows; only ``show`` names the first one):

=========== ================================================================
``page``    ``seq``, ``html``, ``base_url``, ``keep_scroll``: show this page (its
            base is ``about:blank``: the page is self-contained, and no other is
            accepted, so nothing relative can reach a file or the network)
``url``     ``url``: show another site's page (the live site)
``reveal``  ``path``: scroll to the part showing the field ``faq.1.answer``
``network`` ``remote``, ``live_origin``: what the page may fetch
``show``    ``width``, ``height`` (device pixels): the window holds the view now: map
            it at that size (no top-level flash before, no frame at the view's own
            size)
``hide``    the pane is hidden: unmap the view (``show`` maps it again)
``clear``   no page any more
``run_js``  ``id``, ``script``: run in the app's world, answer ``js_result``
``click``   ``path``: a click on the part showing that field (tests, checks)
``quit``    exit (closing stdin does the same)
=========== ================================================================

Preview process → window:

================= ==========================================================
``ready``         ``win_id``: the view's native window, to be embedded
``mapped``        the view is mapped: the window gives it its place and size again
``shown``         ``seq``: that page is shown (0: another site's page)
``field_clicked`` ``path``
``open_url``      ``url``: a followed link, for the system browser
``blocked``       ``url``: a request the network policy refused
``js_result``     ``id``, ``value``
``failed``        ``reason``: the engine cannot show pages (no fallback inside)
================= ==========================================================

The window checks each of these against :data:`FROM_HOST` before acting on it: both ends
ship together, so a message that does not fit (an unknown type included) means a broken
process, not a newer one.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Final

HEADER: Final = struct.Struct(">I")
MAX_FRAME: Final = 64 * 2**20  # a page is at most a few MB; more is a broken stream

Message = dict[str, Any]


class ProtocolError(ValueError):
    """The stream does not hold frames of JSON objects (the other end is broken)."""


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _window_id(value: Any) -> bool:
    return _count(value) and value > 0


def _text(value: Any) -> bool:
    return isinstance(value, str)


# What each message of the preview process must carry, field by field. The window checks
# every message against it before acting on one, so a broken process is noticed at its
# first bad message (and replaced), never half-way through handling it.
FROM_HOST: Final[Mapping[str, Mapping[str, Callable[[Any], bool]]]] = {
    "ready": {"win_id": _window_id},
    "mapped": {},
    "shown": {"seq": _count},
    "field_clicked": {"path": _text},
    "open_url": {"url": _text},
    "blocked": {"url": _text},
    "js_result": {"id": _count},  # and ``value``: any JSON
    "failed": {"reason": _text},
}


def check(msg: Message, spec: Mapping[str, Mapping[str, Callable[[Any], bool]]]) -> None:
    """Raise :class:`ProtocolError` unless ``msg`` is of a type ``spec`` knows and has
    each field it names, of the right kind."""
    fields = spec.get(msg["type"])
    if fields is None:
        raise ProtocolError(f"an unknown {msg['type']!r} message")
    for name, fits in fields.items():
        if name not in msg or not fits(msg[name]):
            raise ProtocolError(f"a {msg['type']!r} message without a valid {name!r}")


def message(kind: str, **fields: Any) -> Message:
    """A message of type ``kind`` with ``fields``."""
    return {"type": kind, **fields}


def encode(msg: Mapping[str, Any]) -> bytes:
    """One frame holding ``msg``."""
    body = json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"a message of {len(body)} bytes is over the {MAX_FRAME} limit")
    return HEADER.pack(len(body)) + body


def _decode(body: bytes) -> Message:
    try:
        msg = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"a frame is not JSON: {exc}") from exc
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise ProtocolError("a frame is not a message (an object with a type)")
    return msg


def _length(header: bytes) -> int:
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ProtocolError(f"a frame of {length} bytes is over the {MAX_FRAME} limit")
    return int(length)


class FrameReader:
    """Messages from bytes that arrive in pieces of any size (``QProcess`` reads)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        """The messages completed by ``data``, in order; the rest waits for more."""
        self._buffer += data
        out: list[Message] = []
        while len(self._buffer) >= HEADER.size:
            length = _length(bytes(self._buffer[: HEADER.size]))
            end = HEADER.size + length
            if len(self._buffer) < end:
                break
            out.append(_decode(bytes(self._buffer[HEADER.size : end])))
            del self._buffer[:end]
        return out


def read_message(stream: BinaryIO) -> Message | None:
    """The next message of a blocking stream, or None at its end (the writer is gone)."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    body = _read_exactly(stream, _length(header))
    if body is None:
        raise ProtocolError("the stream ended inside a frame")
    return _decode(body)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """``size`` bytes; None at the end of the stream before the first; an error after it."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            if data:
                raise ProtocolError("the stream ended inside a frame")
            return None
        data += chunk
    return data
