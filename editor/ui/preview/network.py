"""What the preview may fetch and which links leave it, decided without the browser engine.

Both page views share these rules: the in-process ``QWebEngineView`` (:mod:`.web_view`)
and the preview process's proxy (:mod:`.host_view`), which must not import QtWebEngine
into the window's process (that is the memory it exists to keep out).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QUrl

LOCAL_SCHEMES = frozenset({"data", "about", "blob", "qrc"})
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def origin(url: QUrl) -> str:
    """``scheme://host:port`` of ``url`` (the port spelled out, so both forms compare)."""
    scheme = url.scheme().lower()
    port = url.port({"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme, -1))
    return f"{scheme}://{url.host().lower()}:{port}"


def request_allowed(url: QUrl, *, remote: bool, live_origin: str = "") -> bool:
    """May the preview fetch ``url``? Local schemes yes; the network only when allowed."""
    scheme = url.scheme().lower()
    if scheme in LOCAL_SCHEMES:
        return True
    if scheme in ("http", "https", "ws", "wss"):
        return remote or (bool(live_origin) and origin(url) == live_origin)
    return False


def opens_outside(url: QUrl) -> bool:
    """Is ``url`` a link the system browser (or mail client) should open?"""
    return url.scheme().lower() in EXTERNAL_SCHEMES


class BlockedRequests:
    """The distinct URLs the network policy refused, the latest last, at most ``limit``.

    Each refresh of a page asks again for its remote images, so a list of every refusal
    grew with every pause in typing for as long as the window stayed open; a URL refused
    again moves to the end instead."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._urls: dict[str, None] = {}  # ordered: the oldest first

    def add(self, url: str) -> None:
        self._urls.pop(url, None)
        self._urls[url] = None
        while len(self._urls) > self.limit:
            del self._urls[next(iter(self._urls))]

    def __contains__(self, url: object) -> bool:
        return url in self._urls

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._urls))

    def __len__(self) -> int:
        return len(self._urls)
