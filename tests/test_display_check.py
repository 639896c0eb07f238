"""No display or no platform plugin: one clear sentence and exit 2, never a core dump."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from editor.ui.display_check import XCB_LIBRARIES, display_problem

REPO = Path(__file__).resolve().parent.parent


def every_library(name: str) -> str | None:
    return f"lib{name}.so"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland platforms")
def test_the_app_without_a_display_says_so_and_exits_2() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "editor", str(REPO / "sample_content")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0]


def test_what_is_judged() -> None:
    assert display_problem({}, "linux", every_library) is not None
    assert display_problem({"DISPLAY": ":0"}, "linux", every_library) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", every_library) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", every_library) is None
    assert display_problem({"QT_QPA_PLATFORM": "wayland"}, "linux", every_library) is not None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux", every_library) is not None
    assert display_problem({}, "win32", every_library) is None
    assert display_problem({}, "darwin", every_library) is None


def test_missing_xcb_libraries_are_named_with_their_packages() -> None:
    def no_cursor(name: str) -> str | None:
        return None if name in ("xcb-cursor", "xcb-icccm") else f"lib{name}.so"

    problem = display_problem({"DISPLAY": ":0"}, "linux", no_cursor)
    assert problem is not None
    assert "libxcb-cursor0, libxcb-icccm4" in problem
    assert "apt-get install libxcb-cursor0 libxcb-icccm4" in problem
    assert problem.count(".") >= 1 and "\n" not in problem
    assert set(XCB_LIBRARIES.values()) >= {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"}
