"""A worker steps aside while the GUI thread paints (:class:`PaintGate`)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.bulk_dialog import _open_dialog, _preview
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from editor.ui import gil_switch
from editor.ui.bulk import preview_job
from editor.ui.bulk.match_delegate import MatchDelegate
from editor.ui.gil_switch import PaintGate


def test_a_worker_waits_at_a_held_gate_until_it_opens() -> None:
    gate = PaintGate()
    gate.wait()  # open: at once
    passed = threading.Event()

    def worker() -> None:
        gate.wait()
        passed.set()

    with gate.held():
        with gate.held():  # holds nest
            thread = threading.Thread(target=worker)
            thread.start()
            assert not passed.wait(0.1)
        assert gate.is_held and not passed.is_set()
    assert passed.wait(5) and not gate.is_held
    thread.join()


def test_a_worker_never_waits_long_for_a_gate_left_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gil_switch, "GATE_MAX_WAIT", 0.05)
    gate = PaintGate()
    with gate.held():
        start = time.monotonic()
        gate.wait()
        assert time.monotonic() - start < 2


def test_a_gate_held_for_long_is_passed_without_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paint that opened a message box (an error in it) holds the gate until the box
    is closed: the worker waited 0.2 s at every step, reading five files a second."""
    monkeypatch.setattr(gil_switch, "GATE_STUCK", 0.05)
    gate = PaintGate()
    with gate.held():
        time.sleep(0.06)
        start = time.monotonic()
        for _ in range(20):
            gate.wait()
        assert time.monotonic() - start < 0.5  # not 20 waits of GATE_MAX_WAIT
        with gate.held():  # (a nested hold keeps the time of the first)
            gate.wait()
    assert not gate.is_held


def test_the_preview_table_paints_holding_the_gate_the_job_waits_at(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's repaints called into Python hundreds of times, each waiting for the
    GIL behind the preview's job: the job now waits at the gate between files."""
    held_in_paint: list[bool] = []
    real_paint = MatchDelegate.paint

    def paint(
        self: MatchDelegate, painter: QPainter, option: QStyleOptionViewItem, index: Any
    ) -> None:
        held_in_paint.append(dialog.tree.gate.is_held)
        real_paint(self, painter, option, index)

    monkeypatch.setattr(MatchDelegate, "paint", paint)
    waits: list[int] = []
    real_job = preview_job._PreviewJob

    class CountedGate(PaintGate):
        def wait(self) -> None:
            waits.append(1)
            super().wait()

    def job(*args: Any) -> preview_job._PreviewJob:
        made = real_job(*args)
        assert made.gate is dialog.model.gate  # the view's gate
        made.gate = CountedGate()
        return made

    monkeypatch.setattr(preview_job, "_PreviewJob", job)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "negotiation", "bargaining")
    qtbot.waitUntil(lambda: bool(held_in_paint))
    assert all(held_in_paint)
    assert not dialog.tree.gate.is_held  # open again between paints
    assert len(waits) >= dialog.model.files  # once a file read, at least
