"""The one helper that pauses the cyclic garbage collector."""

from __future__ import annotations

import atexit
import gc
import threading
from collections.abc import Iterator

import pytest

from editor.content.gc_pause import (
    CollectorHold,
    collector_paused,
    gc_paused,
    no_collection_at_exit,
    pause_count,
)


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()


def test_the_collector_is_off_inside_and_on_after() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: free, and the outer pause still holds after it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    with gc_paused("permanent"):
        pass
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0  # only the pause that switched it off settles


def test_an_error_inside_still_switches_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("settle", "frozen"), [("young", False), ("old", False), ("permanent", True)]
)
def test_what_becomes_of_the_objects_made_meanwhile(settle: str, frozen: bool) -> None:
    gc.enable()
    gc.collect()
    with gc_paused(settle):  # type: ignore[arg-type]
        made = [[n] for n in range(1000)]
    assert (gc.get_freeze_count() >= len(made)) == frozen
    if settle != "young":  # gone from the young generations: no walk of them soon
        assert gc.get_count()[0] < len(made)


def test_a_one_job_process_leaves_its_objects_uncollected_at_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    no_collection_at_exit.cache_clear()
    no_collection_at_exit()
    no_collection_at_exit()
    no_collection_at_exit.cache_clear()
    assert registered == [gc.freeze]  # once, and what it does at exit


def test_an_old_pause_keeps_what_was_frozen_for_good_frozen() -> None:
    """The window freezes its index for good (``permanent``); a later ``old`` pause (a
    bulk job, a background read) must not hand those objects back to the collector,
    whose full collections would walk the whole index again."""
    gc.enable()
    with gc_paused("permanent"):
        index = [[n] for n in range(1000)]
    frozen = gc.get_freeze_count()
    assert frozen >= len(index)
    with gc_paused("old"):
        made = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == frozen
    assert made and index


class _PauseOnAThread:
    """A pause held on a thread of its own until :meth:`end` (pauses run on the pool's
    threads and the GUI thread at once in the window)."""

    def __init__(self, settle: str = "young") -> None:
        self.started, self._go, self.ended = threading.Event(), threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, args=(settle,))
        self.thread.start()
        assert self.started.wait(10)

    def _run(self, settle: str) -> None:
        with gc_paused(settle):  # type: ignore[arg-type]
            self.started.set()
            assert self._go.wait(10)
        self.ended.set()

    def end(self) -> None:
        self._go.set()
        self.thread.join(10)
        assert self.ended.is_set()


def test_a_pause_ending_first_leaves_the_collector_off_for_another_threads_pause() -> None:
    gc.enable()
    other = _PauseOnAThread()
    with gc_paused():
        assert not gc.isenabled()
        assert collector_paused()
    assert not gc.isenabled()  # the other thread's pause still runs
    other.end()
    assert gc.isenabled()
    assert not collector_paused()


def test_a_pause_started_during_another_threads_pause_keeps_it_off_after_that_one() -> None:
    """The replace preview ending while the index's read on another thread was paused
    switched the collector back on in the middle of that pause."""
    gc.enable()
    with gc_paused():
        other = _PauseOnAThread()
    assert not gc.isenabled()  # the other thread's pause still holds it off
    other.end()
    assert gc.isenabled()


def test_the_settling_asked_by_an_overlapping_pause_is_done_when_the_last_ends() -> None:
    """A pause that started while another ran never settled its objects (it found the
    collector off): the strongest ask is done once, when the last pause ends."""
    gc.enable()
    gc.collect()
    other = _PauseOnAThread()
    with gc_paused("permanent"):
        made = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == 0  # not in the middle of the other pause
    other.end()
    assert gc.get_freeze_count() >= len(made)
    assert gc.isenabled()


def test_a_hold_across_calls_counts_with_the_pauses_and_ends_once() -> None:
    """The replace preview holds the collector paused from its start until the window is
    idle after it: not a ``with`` block, but one pause among the others."""
    gc.enable()
    hold = CollectorHold()
    with gc_paused():
        assert pause_count() == 2
    assert not gc.isenabled()
    hold.end()
    hold.end()  # once only: no other pause is ended by it
    assert gc.isenabled()
    assert pause_count() == 0
