"""Before Qt starts: is there a display and a platform plugin that can use it?

Qt ends the process with ``abort()`` (exit 134, a core dump) when no platform plugin
can start: no ``DISPLAY`` on Linux, or the xcb plugin's libraries missing on a bare
Debian/Ubuntu machine. Nothing can be caught after ``QApplication()`` has begun, so
this looks first (environment and ``ldconfig``'s library list, no Qt imported) and the
app says what is wrong in one sentence and exits 2, as the command line does.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Callable, Mapping

# What Qt's xcb plugin loads beyond libxcb itself, as Debian/Ubuntu packages name them.
XCB_LIBRARIES: Mapping[str, str] = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def display_problem(
    env: Mapping[str, str],
    platform: str = sys.platform,
    find_library: Callable[[str], str | None] = ctypes.util.find_library,
) -> str | None:
    """One sentence saying why no window can open, or None when one should."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    wanted = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if wanted and wanted not in ("xcb", "wayland", "wayland-egl"):
        return None  # offscreen, vnc, eglfs...: Qt's own business
    if wanted.startswith("wayland") or (not wanted and not env.get("DISPLAY")):
        if env.get("WAYLAND_DISPLAY"):
            return None
        if wanted:
            return "glossary-editor: cannot open a window: WAYLAND_DISPLAY is not set."
    if not env.get("DISPLAY"):
        return (
            "glossary-editor: cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY "
            "are not set); run it in a desktop session, or use the command line "
            "(glossary-editor --help)."
        )
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if find_library(lib) is None]
    if missing:
        return (
            "glossary-editor: cannot open a window: Qt's xcb platform plugin needs "
            f"{', '.join(missing)} (Debian/Ubuntu: sudo apt-get install {' '.join(missing)})."
        )
    return None
