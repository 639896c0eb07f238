"""Running work that must not block: a FIFO or a hostile file must end in an error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def within(seconds: float, work: Callable[[], Any]) -> Any:
    """``work()``'s result, failing the test if it runs longer than ``seconds`` (a hang)."""
    result: list[Any] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the test below
            error.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if error:
        raise error[0]
    return result[0]
