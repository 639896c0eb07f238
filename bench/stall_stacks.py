"""The window benchmarks' stall reports: faulthandler's dumps cut to what locates a stall.

``bench_window.py --stalls`` and ``bench_bulk_window.py --stalls`` dump every thread's
stack when the GUI thread has stood still 50 ms; these lines are what they print.
"""

from __future__ import annotations

from pathlib import Path


def short_stacks(stacks: str, depth: int) -> list[str]:
    """Each thread's ``depth`` innermost frames of faulthandler's ``stacks``, paths cut
    to file names."""
    lines: list[str] = []
    frames = 0
    for line in stacks.splitlines():
        if line.startswith(("Thread", "Current thread")):
            lines.append(line.split(" (")[0])
            frames = 0
        elif line.startswith("Timeout"):
            lines.append("-- " + line)
        elif line.strip().startswith("File") and frames < depth:
            frames += 1
            where, _, rest = line.strip().removeprefix('File "').partition('", line ')
            lines.append(f"  {Path(where).name}:{rest}")
    return lines
